/**
 * The order state machine and fill ledger of the executor (seed: order_tracker). Venue executions and order
 * states are mapped onto the seed's statuses; illegal transitions are refused and reported; every execution
 * is applied at most once (keyed by execution id), so a duplicate or replayed execution never double-counts
 * a fill.
 *
 * Transitions (each edge and why it exists):
 *   CREATED          → SUBMITTED         the request is about to be written to the gateway
 *   CREATED          → REJECTED          refused locally or by the gateway before it reached the venue
 *   SUBMITTED        → PENDING           the venue acknowledged the order (EXECUTION_TYPE_NEW, ORDER_STATE_NEW)
 *   SUBMITTED        → PARTIALLY_FILLED  the first thing heard is a partial fill (an ack can arrive after it)
 *   SUBMITTED        → FILLED            an aggressive order filled completely in the create response
 *   SUBMITTED        → CANCELLED         an IOC that found nothing, or a cancel that raced the ack
 *   SUBMITTED        → REJECTED          the venue refused the order, or reconciliation found it never arrived
 *   PENDING          → PENDING           a modify was acknowledged (EXECUTION_TYPE_REPLACE): price/size change
 *   PENDING          → PARTIALLY_FILLED  part of a resting order traded
 *   PENDING          → FILLED            the whole resting order traded
 *   PENDING          → CANCELLED         cancelled, expired or done for the day
 *   PENDING          → REJECTED          the venue rejected an order it had acknowledged (e.g. risk check)
 *   PARTIALLY_FILLED → PARTIALLY_FILLED  another partial fill, or a modify acknowledged
 *   PARTIALLY_FILLED → FILLED            the rest traded
 *   PARTIALLY_FILLED → CANCELLED         the rest was cancelled/expired
 * FILLED, CANCELLED and REJECTED are terminal and absorbing. A fill that arrives for a CANCELLED or REJECTED
 * order (it traded before the cancel took effect, or reconciliation missed it) is still recorded, because it
 * is real money, but the status does not change; it is logged and counted as `execution.late_fill`.
 *
 * Fill gaps (fills the venue made that no execution brought here: a private-socket outage, a dropped
 * message) are detected, counted (`execution.fill_gap`) and reported to `onFillGap` listeners, so the bot can
 * fetch the missing executions over REST (shared/execution/fill-gap-recovery.ts): an order snapshot with a
 * larger cumulative quantity, a FILL whose executions sum to less, an execution whose order's cumulative
 * quantity runs ahead of the executions applied, or a venue that says the order is no longer open
 * (`reportOrderGone`, from the executor's cancel). Adopted orders (`origin: 'adopted'`) are not reported:
 * their fills before adoption are deliberately not tracked. Besides the execution id, a fill is also
 * de-duplicated by (order, trade id), so the same trade recovered from the activity feed and later heard on
 * the socket (a venue that names the two differently) is counted once.
 */
import type { Clock } from '../domain/clock.js';
import { DEFAULT_FEE_SCHEDULE, signedFee, type FeeSchedule } from '../domain/fees.js';
import { ONE_DOLLAR, type Micros } from '../domain/money.js';
import type { Fill, OrderRequest, OrderStatus, TrackedOrder } from '../domain/order.js';
import type { StrategyName } from '../domain/signal.js';
import type { VenueOrderState } from '../domain/venue-enums.js';
import type { VenueExecution, VenueOrder } from '../domain/venue-models.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  CREATED: ['SUBMITTED', 'REJECTED'],
  SUBMITTED: ['PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED'],
  PENDING: ['PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED'],
  PARTIALLY_FILLED: ['PARTIALLY_FILLED', 'FILLED', 'CANCELLED'],
  FILLED: [],
  CANCELLED: [],
  REJECTED: [],
};

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['FILLED', 'CANCELLED', 'REJECTED']);
/** Statuses of an order that may still be working at the venue (or may still reach it). */
export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['CREATED', 'SUBMITTED', 'PENDING', 'PARTIALLY_FILLED']);
/** Statuses of an order known to be resting on the venue's book. */
export const RESTING_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['PENDING', 'PARTIALLY_FILLED']);

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** The engine status a venue order state maps to; null when the state says nothing about the status. */
export function statusOfVenueState(state: VenueOrderState, cumQuantity = 0): OrderStatus | null {
  switch (state) {
    case 'ORDER_STATE_NEW':
    case 'ORDER_STATE_PENDING_NEW':
    case 'ORDER_STATE_PENDING_RISK':
      return cumQuantity > 0 ? 'PARTIALLY_FILLED' : 'PENDING';
    case 'ORDER_STATE_PENDING_REPLACE':
    case 'ORDER_STATE_PENDING_CANCEL':
      // Still working until the venue confirms.
      return cumQuantity > 0 ? 'PARTIALLY_FILLED' : 'PENDING';
    case 'ORDER_STATE_PARTIALLY_FILLED':
      return 'PARTIALLY_FILLED';
    case 'ORDER_STATE_FILLED':
      return 'FILLED';
    case 'ORDER_STATE_CANCELED':
    case 'ORDER_STATE_EXPIRED':
      return 'CANCELLED';
    case 'ORDER_STATE_REJECTED':
      return 'REJECTED';
    case 'ORDER_STATE_REPLACED':
      // Modify keeps the order id on this venue; a REPLACED snapshot carries no status information for it.
      return null;
    default:
      return null;
  }
}

const LIVE_VENUE_STATES: ReadonlySet<VenueOrderState> = new Set<VenueOrderState>([
  'ORDER_STATE_NEW',
  'ORDER_STATE_PENDING_NEW',
  'ORDER_STATE_PENDING_REPLACE',
  'ORDER_STATE_PENDING_CANCEL',
  'ORDER_STATE_PENDING_RISK',
  'ORDER_STATE_PARTIALLY_FILLED',
]);

/** A tracked order as the tracker exposes it (a copy: mutating it changes nothing). */
export interface OrderView extends TrackedOrder {
  /** Contracts still working (quantity − filled) while open; 0 once terminal. */
  leavesQty: number;
  /** A create failed ambiguously: the order may or may not be live until reconciled. */
  pendingReconciliation: boolean;
  /** Exact filled notional (Σ price × qty, long-side micros). */
  filledNotional: Micros;
  /** Set when the order was not created here: adopted from the venue, or restored after a restart. */
  origin?: 'adopted' | 'restored';
}

interface Entry extends OrderView {
  executionIds: Set<string>;
  /** Trade ids of the fills applied (a trade fills an order at most once). */
  tradeIds: Set<string>;
}

/** Why the tracker believes fills are missing for an order. */
export type FillGapReason = 'venue_cum_ahead' | 'fill_short' | 'execution_cum_ahead' | 'order_gone';

/** A suspected fill gap: the venue filled more of an order than the executions applied here. */
export interface FillGap {
  localId: string;
  orderId: string;
  marketSlug: string;
  reason: FillGapReason;
  /** The venue's cumulative filled quantity, when it said it (null for 'order_gone'). */
  venueCumQuantity: number | null;
  /** Filled quantity tracked here when the gap was seen. */
  trackedQty: number;
  /** When the order was registered here (clock ms): no fill of it can be older. */
  createdAt: number;
  at: number;
}

export type ApplyOutcome =
  | { applied: true; order: OrderView; fill?: Fill }
  | { applied: false; reason: 'duplicate' | 'orphan' | 'malformed' | 'illegal' | 'stale'; order?: OrderView };

export type FillListener = (fill: Fill, order: OrderView) => void;
export type StatusListener = (order: OrderView, from: OrderStatus, to: OrderStatus) => void;
/** Called when an execution arrives for a venue order id the tracker does not know (it is buffered). */
export type OrphanListener = (execution: VenueExecution) => void;
export type FillGapListener = (gap: FillGap) => void;

export interface OrderTrackerOptions {
  clock: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /** Used to compute a fill's fee when the venue does not report it. */
  fees?: FeeSchedule;
  /** How many execution ids to remember for de-duplication (oldest forgotten first). */
  maxRememberedExecutions?: number;
  /** How many venue order ids may hold buffered executions for orders not yet known. */
  maxOrphanOrders?: number;
  newLocalId?: () => string;
}

const NO_OPEN_ORDERS: readonly OrderView[] = Object.freeze([]);

export interface OrderFilter {
  marketSlug?: string;
  strategyName?: StrategyName;
}

export class OrderTracker {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly fees: FeeSchedule;
  private readonly maxExec: number;
  private readonly maxOrphans: number;
  private readonly newLocalId: () => string;
  private seq = 0;

  private readonly byLocal = new Map<string, Entry>();
  private readonly byVenue = new Map<string, Entry>();
  /**
   * Orders not yet terminal, by market, in creation order: what every open / resting / in-flight query scans,
   * so a query costs the open orders of its market, never the (unbounded) history of terminal ones.
   */
  private readonly openByMarket = new Map<string, Map<string, Entry>>();
  private readonly seenExecutions = new Set<string>();
  /** Cumulative filled quantity an order was restored with (restore): executions within it are not fills. */
  private readonly restoredCum = new Map<string, number>();
  private readonly orphans = new Map<string, VenueExecution[]>();
  private readonly fillListeners: FillListener[] = [];
  private readonly statusListeners: StatusListener[] = [];
  private readonly orphanListeners: OrphanListener[] = [];
  private readonly gapListeners: FillGapListener[] = [];

  constructor(options: OrderTrackerOptions) {
    this.clock = options.clock;
    this.logger = options.logger ?? nullLogger;
    this.metrics = options.metrics ?? nullMetrics;
    this.fees = options.fees ?? DEFAULT_FEE_SCHEDULE;
    this.maxExec = options.maxRememberedExecutions ?? 200_000;
    this.maxOrphans = options.maxOrphanOrders ?? 1_000;
    this.newLocalId = options.newLocalId ?? (() => `ord-${this.clock.now().toString(36)}-${++this.seq}`);
  }

  onFill(listener: FillListener): () => void {
    this.fillListeners.push(listener);
    return () => this.fillListeners.splice(this.fillListeners.indexOf(listener) >>> 0, 1);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.push(listener);
    return () => this.statusListeners.splice(this.statusListeners.indexOf(listener) >>> 0, 1);
  }

  onOrphan(listener: OrphanListener): () => void {
    this.orphanListeners.push(listener);
    return () => this.orphanListeners.splice(this.orphanListeners.indexOf(listener) >>> 0, 1);
  }

  /** Called when fills of a tracked order appear to be missing (see the header: fill gaps). */
  onFillGap(listener: FillGapListener): () => void {
    this.gapListeners.push(listener);
    return () => this.gapListeners.splice(this.gapListeners.indexOf(listener) >>> 0, 1);
  }

  /** Registers a new order in CREATED. */
  create(request: OrderRequest, strategyName: StrategyName, localId: string = this.newLocalId()): OrderView {
    if (this.byLocal.has(localId)) throw new Error(`duplicate local order id ${localId}`);
    const now = this.clock.now();
    const e: Entry = {
      orderId: null,
      localId,
      request: { ...request },
      status: 'CREATED',
      filledQty: 0,
      avgPrice: 0,
      feesPaid: 0,
      strategyName,
      createdAt: now,
      updatedAt: now,
      leavesQty: request.quantity,
      pendingReconciliation: false,
      filledNotional: 0,
      executionIds: new Set(),
      tradeIds: new Set(),
    };
    this.byLocal.set(localId, e);
    let open = this.openByMarket.get(request.marketSlug);
    if (!open) this.openByMarket.set(request.marketSlug, (open = new Map()));
    open.set(localId, e);
    return view(e);
  }

  /**
   * Adopts an order found at the venue that no local order accounts for (e.g. placed by a previous run, or
   * found by reconciliation). It is tracked from its venue state; its past fills are not replayed.
   */
  adoptVenueOrder(order: VenueOrder, strategyName: StrategyName = 'unknown'): OrderView {
    const existing = this.byVenue.get(order.id);
    if (existing) return view(existing);
    const req = requestOfVenueOrder(order);
    const created = this.create(req, strategyName);
    const e = this.byLocal.get(created.localId)!;
    e.status = 'SUBMITTED';
    e.origin = 'adopted';
    this.attachVenueId(e.localId, order.id);
    this.applyVenueOrder(order);
    return view(e);
  }

  /**
   * Restores an order found open at the venue after a restart WITH what it has already filled: the venue's
   * cumulative quantity and average price become the tracked filled quantity, notional and average, so a
   * partly filled order resumes where it was (leaves = quantity − filled) instead of at 0 filled. No fill is
   * emitted: those fills are in the ledger already. Executions covered by that cumulative quantity (their
   * order's cumQuantity ≤ the restored one, e.g. buffered while the rebuild ran) are remembered as seen and
   * never emitted; later ones continue from there. Fees already paid are not known from the order (they are
   * in the ledger), so feesPaid counts only fills from here on. Idempotent by venue id.
   */
  restore(order: VenueOrder, strategyName: StrategyName = 'unknown', localId?: string): OrderView {
    const existing = this.byVenue.get(order.id);
    if (existing) return view(existing);
    const req = requestOfVenueOrder(order);
    const created = this.create(req, strategyName, localId);
    const e = this.byLocal.get(created.localId)!;
    e.origin = 'restored';
    const cum = Number.isSafeInteger(order.cumQuantity) ? Math.min(Math.max(0, order.cumQuantity), order.quantity) : 0;
    if (cum > 0) {
      let avg = order.avgPx ?? order.price;
      if (order.avgPx === null) {
        this.metrics.increment('execution.restore_without_avg_price');
        this.logger.warn('restored order has no average fill price; its limit price stands in', { orderId: order.id, cumQuantity: cum });
      }
      avg ??= 0;
      e.filledQty = cum;
      e.filledNotional = cum * avg;
      e.avgPrice = avg;
      this.restoredCum.set(e.localId, cum);
    }
    e.status = 'SUBMITTED';
    // The snapshot's status first, then any execution buffered for the order (newer, or within `cum`).
    e.orderId = order.id;
    this.byVenue.set(order.id, e);
    this.applyVenueOrder(order);
    if (cum > 0 && cum >= order.quantity && !isTerminal(e.status)) this.transition(e, 'FILLED', 'restored fully filled');
    this.attachVenueId(e.localId, order.id);
    return view(e);
  }

  get(localId: string): OrderView | undefined {
    const e = this.byLocal.get(localId);
    return e ? view(e) : undefined;
  }

  getByOrderId(orderId: string): OrderView | undefined {
    const e = this.byVenue.get(orderId);
    return e ? view(e) : undefined;
  }

  /** Looks an order up by local id, then by venue order id. */
  find(id: string): OrderView | undefined {
    return this.get(id) ?? this.getByOrderId(id);
  }

  /** Orders not yet terminal (including ones not yet acknowledged). */
  openOrders(filter: OrderFilter = {}): OrderView[] {
    return this.select(filter, (s) => OPEN_STATUSES.has(s));
  }

  /**
   * The markets with at least one open order: a live view of the open-order index's keys (no copy). Do not
   * change the tracker while iterating it.
   */
  openMarketSlugs(): IterableIterator<string> {
    return this.openByMarket.keys();
  }

  /**
   * The open orders of one market (statuses as `openOrders`, creation order) as the tracker's own records,
   * NOT copies: for hot read paths (the risk checks) that read them at once. Never mutate them or keep them:
   * they change with the next execution. Everything else should use `openOrders`.
   */
  openOrdersReadOnly(marketSlug: string): Iterable<Readonly<OrderView>> {
    return this.openByMarket.get(marketSlug)?.values() ?? NO_OPEN_ORDERS;
  }

  /** Whether the market has any open order (no copy). */
  hasOpenOrders(marketSlug: string): boolean {
    return this.openByMarket.has(marketSlug);
  }

  /** Orders acknowledged and resting on the book (PENDING or PARTIALLY_FILLED). */
  restingOrders(filter: OrderFilter = {}): OrderView[] {
    return this.select(filter, (s) => RESTING_STATUSES.has(s));
  }

  /** Orders created or submitted but not yet acknowledged by the venue. */
  inFlightOrders(filter: OrderFilter = {}): OrderView[] {
    return this.select(filter, (s) => s === 'CREATED' || s === 'SUBMITTED');
  }

  all(): OrderView[] {
    return [...this.byLocal.values()].map(view);
  }

  /** CREATED → SUBMITTED. */
  markSubmitted(localId: string): boolean {
    return this.transition(this.mustGet(localId), 'SUBMITTED', 'submitted');
  }

  /** Records the venue's order id and applies any executions that arrived for it before it was known. */
  attachVenueId(localId: string, orderId: string): OrderView {
    const e = this.mustGet(localId);
    const other = this.byVenue.get(orderId);
    if (other && other !== e) throw new Error(`venue order ${orderId} already tracked as ${other.localId}`);
    e.orderId = orderId;
    this.byVenue.set(orderId, e);
    const buffered = this.orphans.get(orderId);
    if (buffered) {
      this.orphans.delete(orderId);
      for (const x of buffered) this.applyExecution(x);
    }
    return view(e);
  }

  /** Marks an order as rejected with a reason (locally, or by a definitive gateway error). */
  markRejected(localId: string, reason: string): boolean {
    const e = this.mustGet(localId);
    e.rejectReason = reason;
    return this.transition(e, 'REJECTED', reason);
  }

  setPendingReconciliation(localId: string, pending: boolean): void {
    const e = this.mustGet(localId);
    e.pendingReconciliation = pending;
    e.updatedAt = this.clock.now();
  }

  /** Orders awaiting reconciliation after an ambiguous create, optionally of one market. */
  pendingReconciliation(marketSlug?: string): OrderView[] {
    return [...this.byLocal.values()]
      .filter((e) => e.pendingReconciliation && (marketSlug === undefined || e.request.marketSlug === marketSlug))
      .map(view);
  }

  /** Buffered executions of venue orders not (yet) known, by venue order id. */
  orphanOrderIds(): string[] {
    return [...this.orphans.keys()];
  }

  /** The venue order carried by the newest buffered execution of an unknown order id. */
  peekOrphan(orderId: string): VenueOrder | undefined {
    const list = this.orphans.get(orderId);
    return list && list.length ? list[list.length - 1]!.order : undefined;
  }

  /** Applies one venue execution (from the private socket, a create response, or the paper exchange). */
  applyExecution(x: VenueExecution): ApplyOutcome {
    if (this.seenExecutions.has(x.id)) {
      this.metrics.increment('execution.duplicate');
      return { applied: false, reason: 'duplicate' };
    }
    const e = this.byVenue.get(x.order.id);
    if (!e) {
      this.bufferOrphan(x);
      return { applied: false, reason: 'orphan' };
    }
    const outcome = this.applyToEntry(e, x);
    if (outcome.applied || outcome.reason === 'illegal' || outcome.reason === 'stale' || outcome.reason === 'duplicate') this.remember(x.id, e);
    return outcome;
  }

  /**
   * Synchronises an order's status from a venue order object (open-orders snapshot, reconciliation). Never
   * creates fills: fills come only from executions, which carry the ids that make them idempotent.
   */
  applyVenueOrder(order: VenueOrder): OrderView | undefined {
    const e = this.byVenue.get(order.id);
    if (!e) return undefined;
    if (order.price !== null) e.request.price = order.price;
    if (order.quantity >= e.filledQty) e.request.quantity = order.quantity;
    const tracked = e.filledQty;
    if (order.cumQuantity > tracked) {
      this.metrics.increment('execution.fill_gap');
      this.logger.warn('venue reports more filled than executions received', {
        localId: e.localId,
        orderId: order.id,
        venueCum: order.cumQuantity,
        tracked,
      });
    }
    const to = statusOfVenueState(order.state, order.cumQuantity);
    if (to && to !== e.status) this.transition(e, to, `venue state ${order.state}`);
    this.refreshLeaves(e);
    if (order.cumQuantity > tracked) this.emitGap(e, 'venue_cum_ahead', order.cumQuantity, tracked);
    return view(e);
  }

  /** Whether this execution (by id, or by order and trade id) has been applied already. */
  hasExecution(executionId: string, orderId?: string, tradeId?: string | null): boolean {
    if (this.seenExecutions.has(executionId)) return true;
    if (orderId === undefined || !tradeId) return false;
    return this.byVenue.get(orderId)?.tradeIds.has(tradeId) ?? false;
  }

  /**
   * The venue says a tracked order is no longer open (e.g. a cancel answered "not open" or "not found")
   * while it is open here: its final fills (or its cancel) were never heard. Reported as a fill gap, so its
   * fills are looked up; the status is left to the executions and snapshots. Returns whether it was reported.
   */
  reportOrderGone(orderId: string): boolean {
    const e = this.byVenue.get(orderId);
    if (!e || isTerminal(e.status)) return false;
    this.metrics.increment('execution.order_gone_while_open');
    this.emitGap(e, 'order_gone', null, e.filledQty);
    return true;
  }

  /** Forgets terminal orders last updated before `beforeMs` (their execution ids stay remembered). */
  prune(beforeMs: number): number {
    let n = 0;
    for (const [id, e] of this.byLocal) {
      if (isTerminal(e.status) && e.updatedAt < beforeMs) {
        this.byLocal.delete(id);
        if (e.orderId) this.byVenue.delete(e.orderId);
        this.restoredCum.delete(id);
        n++;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------------------

  private applyToEntry(e: Entry, x: VenueExecution): ApplyOutcome {
    switch (x.type) {
      case 'EXECUTION_TYPE_NEW': {
        if (e.status === 'CREATED' || e.status === 'SUBMITTED') {
          if (e.status === 'CREATED') this.transition(e, 'SUBMITTED', 'ack before submit mark');
          this.transition(e, 'PENDING', 'acknowledged');
          return { applied: true, order: view(e) };
        }
        // An ack arriving after fills or after the end: out-of-order delivery, nothing to change.
        return this.stale(e, x);
      }
      case 'EXECUTION_TYPE_PARTIAL_FILL':
      case 'EXECUTION_TYPE_FILL':
        return this.applyFill(e, x);
      case 'EXECUTION_TYPE_REPLACE': {
        if (isTerminal(e.status)) return this.stale(e, x);
        if (x.order.price !== null) e.request.price = x.order.price;
        if (x.order.quantity >= e.filledQty) e.request.quantity = x.order.quantity;
        const to: OrderStatus = e.filledQty > 0 ? 'PARTIALLY_FILLED' : 'PENDING';
        if (e.status === 'SUBMITTED' || e.status === to) {
          this.transition(e, to, 'replaced');
        }
        if (e.filledQty >= e.request.quantity && e.status !== 'FILLED') this.transition(e, 'FILLED', 'replace down to filled');
        this.refreshLeaves(e);
        return { applied: true, order: view(e) };
      }
      case 'EXECUTION_TYPE_CANCELED':
      case 'EXECUTION_TYPE_EXPIRED':
      case 'EXECUTION_TYPE_DONE_FOR_DAY': {
        if (e.status === 'CANCELLED') return this.stale(e, x);
        const ok = this.transition(e, 'CANCELLED', x.text ?? x.type);
        return ok ? { applied: true, order: view(e) } : { applied: false, reason: 'illegal', order: view(e) };
      }
      case 'EXECUTION_TYPE_REJECTED': {
        if (LIVE_VENUE_STATES.has(x.order.state)) {
          // A cancel or modify request was refused; the order itself is still working.
          this.metrics.increment('execution.request_rejected');
          this.logger.warn('venue refused a request on a working order', {
            localId: e.localId,
            orderId: e.orderId,
            reason: x.orderRejectReason ?? x.text,
          });
          return { applied: true, order: view(e) };
        }
        if (e.status === 'REJECTED') return this.stale(e, x);
        e.rejectReason = x.orderRejectReason ?? x.text ?? 'rejected';
        const ok = this.transition(e, 'REJECTED', e.rejectReason);
        return ok ? { applied: true, order: view(e) } : { applied: false, reason: 'illegal', order: view(e) };
      }
      default:
        this.metrics.increment('execution.malformed');
        this.logger.warn('unknown execution type', { type: String((x as { type: unknown }).type), executionId: x.id });
        return { applied: false, reason: 'malformed', order: view(e) };
    }
  }

  private applyFill(e: Entry, x: VenueExecution): ApplyOutcome {
    const restored = this.restoredCum.get(e.localId);
    if (restored !== undefined && x.order.cumQuantity > 0 && x.order.cumQuantity <= restored) {
      // Part of what the order was restored with (already in the ledger): not a new fill.
      this.metrics.increment('execution.duplicate');
      this.logger.debug('execution within the restored filled quantity; not a new fill', { localId: e.localId, executionId: x.id, cumQuantity: x.order.cumQuantity, restored });
      return { applied: false, reason: 'duplicate', order: view(e) };
    }
    if (x.tradeId && e.tradeIds.has(x.tradeId)) {
      // The same trade under another execution id (recovered from the activity feed, then heard live).
      this.metrics.increment('execution.duplicate');
      this.logger.debug('trade already applied to this order under another execution id', { localId: e.localId, executionId: x.id, tradeId: x.tradeId });
      return { applied: false, reason: 'duplicate', order: view(e) };
    }
    const qty = x.lastShares;
    const px = x.lastPx;
    if (qty === null || px === null || !Number.isSafeInteger(qty) || qty <= 0 || !Number.isSafeInteger(px) || px <= 0 || px >= ONE_DOLLAR) {
      this.metrics.increment('execution.malformed');
      this.logger.warn('fill execution without a valid quantity or price; skipped', { executionId: x.id, qty, px });
      return { applied: false, reason: 'malformed', order: view(e) };
    }
    const room = Math.max(0, e.request.quantity - e.filledQty);
    const take = Math.min(qty, room);
    if (take < qty) {
      this.metrics.increment('execution.overfill');
      this.logger.error('execution would fill more than the order quantity; clamped', {
        localId: e.localId,
        orderId: e.orderId,
        executionId: x.id,
        qty,
        room,
      });
    }
    let fill: Fill | undefined;
    let gap: FillGapReason | null = null;
    if (take > 0) {
      const maker = x.aggressor === false;
      const reported = x.commissionNotionalCollected;
      let fee: Micros;
      if (reported !== null && Number.isSafeInteger(reported)) {
        fee = take === qty ? reported : Math.round((reported * take) / qty);
      } else {
        fee = signedFee(maker ? 'MAKER' : 'TAKER', take, px, this.fees.defaults);
      }
      if (x.tradeId) e.tradeIds.add(x.tradeId);
      e.filledQty += take;
      e.filledNotional += take * px;
      e.avgPrice = Math.round(e.filledNotional / e.filledQty);
      e.feesPaid += fee;
      e.updatedAt = this.clock.now();
      fill = {
        executionId: x.id,
        orderId: e.orderId ?? x.order.id,
        marketSlug: e.request.marketSlug,
        intent: e.request.intent,
        price: px,
        qty: take,
        fee,
        liquidity: maker ? 'MAKER' : 'TAKER',
        time: x.transactTime ?? this.clock.now(),
        strategyName: e.strategyName,
      };
    }

    if (isTerminal(e.status)) {
      if (fill && e.status !== 'FILLED') {
        this.metrics.increment('execution.late_fill');
        this.logger.error('fill for an order already terminal; recorded, status kept', {
          localId: e.localId,
          orderId: e.orderId,
          status: e.status,
          executionId: x.id,
        });
      }
      const to: OrderStatus = e.filledQty >= e.request.quantity ? 'FILLED' : 'PARTIALLY_FILLED';
      if (to !== e.status) this.reportIllegal(e, e.status, to, 'fill after terminal');
    } else {
      let to: OrderStatus = e.filledQty >= e.request.quantity ? 'FILLED' : 'PARTIALLY_FILLED';
      if (x.type === 'EXECUTION_TYPE_FILL' && to !== 'FILLED') {
        gap = 'fill_short';
        this.metrics.increment('execution.fill_gap');
        this.logger.warn('venue says filled but executions received sum to less', {
          localId: e.localId,
          orderId: e.orderId,
          filled: e.filledQty,
          quantity: e.request.quantity,
        });
        to = 'FILLED';
      }
      if (e.status === 'CREATED') this.transition(e, 'SUBMITTED', 'fill before submit mark');
      this.transition(e, to, x.type);
    }
    this.refreshLeaves(e);
    if (gap === null && x.order.cumQuantity > e.filledQty && e.filledQty < e.request.quantity) {
      // The venue's cumulative quantity runs ahead of the executions applied: one was lost before this one.
      gap = 'execution_cum_ahead';
      this.metrics.increment('execution.fill_gap');
    }
    const v = view(e);
    if (gap !== null) this.emitGap(e, gap, x.order.cumQuantity, e.filledQty);
    if (fill) {
      this.metrics.increment('execution.fills');
      for (const l of this.fillListeners) {
        try {
          l(fill, v);
        } catch (err) {
          this.logger.error('fill listener threw', { err });
        }
      }
    }
    return fill ? { applied: true, order: v, fill } : { applied: true, order: v };
  }

  private emitGap(e: Entry, reason: FillGapReason, venueCum: number | null, trackedQty: number): void {
    if (e.origin === 'adopted' || e.orderId === null || this.gapListeners.length === 0) return;
    const gap: FillGap = {
      localId: e.localId,
      orderId: e.orderId,
      marketSlug: e.request.marketSlug,
      reason,
      venueCumQuantity: venueCum,
      trackedQty,
      createdAt: e.createdAt,
      at: this.clock.now(),
    };
    for (const l of this.gapListeners) {
      try {
        l(gap);
      } catch (err) {
        this.logger.error('fill-gap listener threw', { err });
      }
    }
  }

  private transition(e: Entry, to: OrderStatus, reason: string): boolean {
    const from = e.status;
    if (!canTransition(from, to)) {
      this.reportIllegal(e, from, to, reason);
      return false;
    }
    e.status = to;
    e.updatedAt = this.clock.now();
    if (isTerminal(to)) {
      e.pendingReconciliation = false;
      const open = this.openByMarket.get(e.request.marketSlug);
      if (open?.delete(e.localId) && open.size === 0) this.openByMarket.delete(e.request.marketSlug);
    }
    this.refreshLeaves(e);
    if (from !== to) {
      const v = view(e);
      for (const l of this.statusListeners) {
        try {
          l(v, from, to);
        } catch (err) {
          this.logger.error('status listener threw', { err });
        }
      }
    }
    return true;
  }

  private reportIllegal(e: Entry, from: OrderStatus, to: OrderStatus, reason: string): void {
    this.metrics.increment('execution.illegal_transition', 1, { from, to });
    this.logger.warn('illegal order transition refused', { localId: e.localId, orderId: e.orderId, from, to, reason });
  }

  private stale(e: Entry, x: VenueExecution): ApplyOutcome {
    this.metrics.increment('execution.stale');
    this.logger.debug('stale execution ignored', { localId: e.localId, status: e.status, type: x.type, executionId: x.id });
    return { applied: false, reason: 'stale', order: view(e) };
  }

  private refreshLeaves(e: Entry): void {
    e.leavesQty = isTerminal(e.status) ? 0 : Math.max(0, e.request.quantity - e.filledQty);
  }

  private remember(executionId: string, e: Entry): void {
    this.seenExecutions.add(executionId);
    e.executionIds.add(executionId);
    if (this.seenExecutions.size > this.maxExec) {
      const oldest = this.seenExecutions.values().next().value;
      if (oldest !== undefined) this.seenExecutions.delete(oldest);
    }
  }

  private bufferOrphan(x: VenueExecution): void {
    this.metrics.increment('execution.orphan');
    this.logger.debug('execution for an order not (yet) known; buffered', { orderId: x.order.id, executionId: x.id });
    let list = this.orphans.get(x.order.id);
    if (!list) {
      if (this.orphans.size >= this.maxOrphans) {
        const oldest = this.orphans.keys().next().value;
        if (oldest !== undefined) this.orphans.delete(oldest);
        this.metrics.increment('execution.orphan_dropped');
      }
      list = [];
      this.orphans.set(x.order.id, list);
    }
    if (!list.some((y) => y.id === x.id)) list.push(x);
    for (const l of this.orphanListeners) {
      try {
        l(x);
      } catch (err) {
        this.logger.error('orphan listener threw', { err });
      }
    }
  }

  private mustGet(localId: string): Entry {
    const e = this.byLocal.get(localId);
    if (!e) throw new Error(`unknown local order ${localId}`);
    return e;
  }

  /** Open orders matching `pred` (which must select open statuses only) and the filter. */
  private select(filter: OrderFilter, pred: (s: OrderStatus) => boolean): OrderView[] {
    const out: OrderView[] = [];
    const markets = filter.marketSlug !== undefined ? [this.openByMarket.get(filter.marketSlug)] : this.openByMarket.values();
    for (const open of markets) {
      if (!open) continue;
      for (const e of open.values()) {
        if (!pred(e.status)) continue;
        if (filter.strategyName !== undefined && e.strategyName !== filter.strategyName) continue;
        out.push(view(e));
      }
    }
    return out;
  }
}

function view(e: Entry): OrderView {
  const { executionIds: _ids, tradeIds: _trades, ...rest } = e;
  return { ...rest, request: { ...e.request } };
}

/** The request an order found at the venue stands for (post-only is not reported by the venue). */
function requestOfVenueOrder(order: VenueOrder): OrderRequest {
  return {
    marketSlug: order.marketSlug,
    intent: order.intent,
    type: order.type,
    ...(order.price !== null ? { price: order.price } : {}),
    quantity: order.quantity,
    tif: order.tif,
    postOnly: false,
    ...(order.goodTillTime !== null ? { goodTillTime: order.goodTillTime } : {}),
  };
}
