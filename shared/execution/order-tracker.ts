/**
 * The order tracker of the executor (seed: order_tracker): it keeps every order's status through the state
 * machine of shared/domain/order-states.ts, books each fill once, and tells its listeners (a typed event bus:
 * `fill`, `status`, `orphan`, `fill_gap`, `unsolicited_cancel`).
 *
 * - Idempotent: every execution is applied at most once (by execution id); a fill is also de-duplicated by
 *   (order, trade id), so the same trade recovered from the activity feed and later heard on the socket (a
 *   venue that names the two differently) is counted once; executions within the cumulative quantity an order
 *   was restored with are not new fills.
 * - Illegal transitions are refused and reported. A fill that arrives for a CANCELLED or REJECTED order (it
 *   traded before the cancel took effect, or reconciliation missed it) is still recorded, because it is real
 *   money, but the status does not change; it is logged and counted as `execution.late_fill`.
 * - Cancels nobody asked for: an EXECUTION_TYPE_CANCELED with `unsolicitedCancelReason` (the exchange cancelled
 *   an unfunded order after a fill, a lost connection, maintenance) moves the order to CANCELLED like any
 *   cancel, records the reason on the order, counts `execution.unsolicited_cancel{reason}` and is told to
 *   `unsolicited_cancel` listeners. It is not an error.
 * - Fees: the venue's figure when it reports one, else the exchange's rule (fill-fees.ts).
 * - Fill gaps (fill-gaps.ts) are counted (`execution.fill_gap`) and told to `fill_gap` listeners, so the bot
 *   fetches the missing executions over REST. Adopted orders (`origin: 'adopted'`) are not reported: their
 *   fills before adoption are deliberately not tracked.
 */
import type { Qty } from '../domain/quantity.js';
import type { Clock } from '../domain/clock.js';
import { DEFAULT_FEE_SCHEDULE, type FeeSchedule } from '../domain/fees.js';
import { ONE_DOLLAR, type Micros } from '../domain/money.js';
import type { Fill, OrderRequest, OrderStatus, TrackedOrder } from '../domain/order.js';
import { OPEN_STATUSES, RESTING_STATUSES, canTransition, isLiveVenueState, isTerminal, statusOfVenueState } from '../domain/order-states.js';
import type { StrategyName } from '../domain/signal.js';
import type { VenueExecution, VenueOrder } from '../domain/venue-models.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { EventBus } from '../state/event-bus.js';
import { FillFees, scheduleRates, type FeeRatesLookup } from './fill-fees.js';
import { executionGap, snapshotGap, type FillGap, type FillGapReason } from './fill-gaps.js';
import { OrphanExecutions } from './orphan-executions.js';

// The state machine lives beside the order types; re-exported for the tracker's existing importers.
export {
  ORDER_TRANSITIONS,
  TERMINAL_STATUSES,
  OPEN_STATUSES,
  RESTING_STATUSES,
  canTransition,
  isTerminal,
  statusOfVenueState,
} from '../domain/order-states.js';
export type { FillGap, FillGapReason } from './fill-gaps.js';

/** A tracked order as the tracker exposes it (a copy: mutating it changes nothing). */
export interface OrderView extends TrackedOrder {
  /** Quantity still working (quantity − filled, hundredths of a contract) while open; 0 once terminal. */
  leavesQty: Qty;
  /** A create failed ambiguously: the order may or may not be live until reconciled. */
  pendingReconciliation: boolean;
  /**
   * Exact Σ price × qty of the fills (long-side micros × hundredths of a contract: the numerator of the
   * average price, exact in integers; divide by QTY_SCALE for micros).
   */
  filledNotional: Micros;
  /** Set when the order was not created here: adopted from the venue, or restored after a restart. */
  origin?: 'adopted' | 'restored';
}

interface Entry extends OrderView {
  /** Trade ids of the fills applied (a trade fills an order at most once). */
  tradeIds: Set<string>;
}

export type ApplyOutcome =
  | { applied: true; order: OrderView; fill?: Fill }
  | { applied: false; reason: 'duplicate' | 'orphan' | 'malformed' | 'illegal' | 'stale'; order?: OrderView };

export type FillListener = (fill: Fill, order: OrderView) => void;
export type StatusListener = (order: OrderView, from: OrderStatus, to: OrderStatus) => void;
/** Called when an execution arrives for a venue order id the tracker does not know (it is buffered). */
export type OrphanListener = (execution: VenueExecution) => void;
export type FillGapListener = (gap: FillGap) => void;
/**
 * Called, synchronously, after anything an order's exposure is computed from may have changed (created,
 * status, filled quantity, price or quantity after a modify or a snapshot), with the tracker's own record:
 * read it at once, never keep or change it. May be called more than once per change.
 */
export type OrderChangeListener = (order: Readonly<TrackedOrder>) => void;

/** An order the exchange cancelled on its own (not at our request). */
export interface UnsolicitedCancel {
  order: OrderView;
  /** The venue's reason (UNSOLICITED_CXL_REASON_*). */
  reason: string;
}

/** The tracker's topics (its own typed bus). */
export interface OrderTrackerEvents {
  fill: { fill: Fill; order: OrderView };
  status: { order: OrderView; from: OrderStatus; to: OrderStatus };
  orphan: VenueExecution;
  fill_gap: FillGap;
  unsolicited_cancel: UnsolicitedCancel;
}

export interface OrderTrackerOptions {
  clock: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /** Used to compute a fill's fee when the venue does not report it (rates of every market). */
  fees?: FeeSchedule;
  /** Per-market rates (the market's coefficient, dated overrides); wins over `fees` when given. */
  feeRates?: FeeRatesLookup;
  /** How many execution ids to remember for de-duplication (oldest forgotten first). */
  maxRememberedExecutions?: number;
  /** How many venue order ids may hold buffered executions for orders not yet known. */
  maxOrphanOrders?: number;
  newLocalId?: () => string;
}

const NO_OPEN_ORDERS: readonly OrderView[] = Object.freeze([]);

/** Created or submitted, not yet acknowledged by the venue (`inFlightOrders`, `inFlightCount`). */
function isInFlight(s: OrderStatus): boolean {
  return s === 'CREATED' || s === 'SUBMITTED';
}

const BASE36_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `n.toString(36)`, digit by digit for a whole non-negative safe integer (about twice as fast as V8's radix print). */
export function base36(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) return n.toString(36);
  let s = '';
  do {
    const digit = n % 36;
    s = BASE36_DIGITS[digit]! + s;
    n = (n - digit) / 36;
  } while (n > 0);
  return s;
}

export interface OrderFilter {
  marketSlug?: string;
  strategyName?: StrategyName;
}

export class OrderTracker {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly fees: FillFees;
  private readonly maxExec: number;
  private readonly newLocalId: () => string;
  private seq = 0;

  private readonly byLocal = new Map<string, Entry>();
  private readonly byVenue = new Map<string, Entry>();
  /**
   * Orders not yet terminal, by market, in creation order: what every open / resting / in-flight query scans,
   * so a query costs the open orders of its market, never the (unbounded) history of terminal ones.
   */
  private readonly openByMarket = new Map<string, Map<string, Entry>>();
  /**
   * The same open orders by market, then by strategy, in creation order (each list a subsequence of its
   * market's map): what a strategy reads of its own resting orders on every book message, without a filter
   * or a copy. Kept with openByMarket: an order enters at create and leaves when it turns terminal. A list,
   * once made, is never replaced or removed (an empty one stays): it is the handle `openOrdersOfStrategyHandle`
   * gives out, so it must stay the pair's open orders for the tracker's life.
   */
  private readonly openByStrategy = new Map<string, Map<StrategyName, Entry[]>>();
  /**
   * The last answer of openOrdersOfStrategyReadOnly, by market and strategy (a strategy asks for one market
   * several times in a row: on each of its book messages). A list keeps its identity while orders join and
   * leave it and is never taken out, so the remembered answer is dropped only where a list is made
   * (`forgetLastOpen`).
   */
  private lastOpenSlug: string | undefined = undefined;
  private lastOpenStrategy: StrategyName | undefined = undefined;
  private lastOpenList: readonly Readonly<OrderView>[] = NO_OPEN_ORDERS;
  /**
   * Per market, how many of its orders are in flight (CREATED or SUBMITTED), kept at every status change
   * (`create`, `adopt`/`restore` through `setStatus`, `transition`): what `inFlightCount` answers on every
   * create instead of scanning the market's open orders. A market at 0 has no entry.
   */
  private readonly inFlightByMarket = new Map<string, number>();
  private readonly seenExecutions = new Set<string>();
  /** Cumulative filled quantity an order was restored with (restore): executions within it are not fills. */
  private readonly restoredCum = new Map<string, number>();
  private readonly orphans: OrphanExecutions;
  /** Plain array, no bus: called on every order change, on the hot path (the exposure ledger). */
  private changeListeners: OrderChangeListener[] = [];
  /** Listeners: fills, status changes, orphans, fill gaps, unsolicited cancels. */
  readonly events: EventBus<OrderTrackerEvents>;

  constructor(options: OrderTrackerOptions) {
    this.clock = options.clock;
    this.logger = options.logger ?? nullLogger;
    this.metrics = options.metrics ?? nullMetrics;
    this.fees = new FillFees(options.feeRates ?? scheduleRates(options.fees ?? DEFAULT_FEE_SCHEDULE));
    this.events = new EventBus<OrderTrackerEvents>(this.logger, this.metrics);
    this.maxExec = options.maxRememberedExecutions ?? 200_000;
    this.orphans = new OrphanExecutions(options.maxOrphanOrders ?? 1_000, this.metrics);
    this.newLocalId = options.newLocalId ?? this.defaultLocalId;
  }

  /** The time part of the last default local id, by clock reading (a ms count in base 36 is slow to print). */
  private idPrefixAt = NaN;
  private idPrefix = '';

  /** `ord-<now in base 36>-<seq>`. */
  private readonly defaultLocalId = (): string => {
    const now = this.clock.now();
    if (now !== this.idPrefixAt) {
      this.idPrefixAt = now;
      this.idPrefix = `ord-${base36(now)}-`;
    }
    return this.idPrefix + String(++this.seq);
  };

  onFill(listener: FillListener): () => void {
    return this.events.on('fill', ({ fill, order }) => listener(fill, order));
  }

  onStatus(listener: StatusListener): () => void {
    return this.events.on('status', ({ order, from, to }) => listener(order, from, to));
  }

  onOrphan(listener: OrphanListener): () => void {
    return this.events.on('orphan', listener);
  }

  /** Called when fills of a tracked order appear to be missing (fill-gaps.ts). */
  onFillGap(listener: FillGapListener): () => void {
    return this.events.on('fill_gap', listener);
  }

  /** Called when the exchange cancels an order on its own (after the order is CANCELLED here). */
  onUnsolicitedCancel(listener: (c: UnsolicitedCancel) => void): () => void {
    return this.events.on('unsolicited_cancel', listener);
  }

  /** See OrderChangeListener. Returns the function that unsubscribes. */
  onOrderChange(listener: OrderChangeListener): () => void {
    this.changeListeners = [...this.changeListeners, listener];
    return () => {
      this.changeListeners = this.changeListeners.filter((l) => l !== listener);
    };
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
      tradeIds: new Set(),
    };
    this.byLocal.set(localId, e);
    this.countInFlight(request.marketSlug, 1);
    let open = this.openByMarket.get(request.marketSlug);
    if (!open) this.openByMarket.set(request.marketSlug, (open = new Map()));
    open.set(localId, e);
    this.strategyList(request.marketSlug, strategyName).push(e);
    this.changed(e);
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
    this.setStatus(e, 'SUBMITTED');
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
    this.setStatus(e, 'SUBMITTED');
    // The snapshot's status first, then any execution buffered for the order (newer, or within `cum`).
    e.orderId = order.id;
    this.byVenue.set(order.id, e);
    this.applyVenueOrder(order);
    if (cum > 0 && cum >= order.quantity && !isTerminal(e.status)) this.transition(e, 'FILLED', 'restored fully filled');
    this.attachVenueId(e.localId, order.id);
    this.changed(e);
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

  /**
   * The open orders of one market placed by one strategy (creation order), as the tracker's own records in
   * the tracker's own list, NOT a copy (see `openOrdersReadOnly`): read it at once, never keep or change it,
   * and do not change the tracker while iterating it (an order turning terminal leaves the list).
   */
  openOrdersOfStrategyReadOnly(marketSlug: string, strategyName: StrategyName): readonly Readonly<OrderView>[] {
    let list = this.lastOpenList;
    if (marketSlug !== this.lastOpenSlug || strategyName !== this.lastOpenStrategy) {
      list = this.openByStrategy.get(marketSlug)?.get(strategyName) ?? NO_OPEN_ORDERS;
      this.lastOpenSlug = marketSlug;
      this.lastOpenStrategy = strategyName;
      this.lastOpenList = list;
    }
    return list.length === 0 ? NO_OPEN_ORDERS : list;
  }

  /**
   * The list `openOrdersOfStrategyReadOnly` reads, as a handle to keep: one array per market and strategy for
   * the tracker's life (made here when the pair has none yet), never replaced or removed, that the tracker
   * keeps equal to that pair's open orders in creation order (orders join at create, adopt and restore, and
   * leave when they turn terminal). Read it at once each time, never change it, and do not change the tracker
   * while iterating it. It belongs to this tracker: a different tracker (a mode switch) has its own.
   */
  openOrdersOfStrategyHandle(marketSlug: string, strategyName: StrategyName): readonly Readonly<OrderView>[] {
    return this.strategyList(marketSlug, strategyName);
  }

  /** How many orders of the market are created or submitted but not yet acknowledged (no copy). */
  inFlightCount(marketSlug: string): number {
    return this.inFlightByMarket.get(marketSlug) ?? 0;
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
    return this.select(filter, isInFlight);
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
    this.changed(e);
    for (const x of this.orphans.take(orderId)) this.applyExecution(x);
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
    return this.orphans.orderIds();
  }

  /** The venue order carried by the newest buffered execution of an unknown order id. */
  peekOrphan(orderId: string): VenueOrder | undefined {
    return this.orphans.latestOrder(orderId);
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
    this.changed(e);
    if (outcome.applied || outcome.reason === 'illegal' || outcome.reason === 'stale' || outcome.reason === 'duplicate') this.remember(x.id);
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
    const gap = snapshotGap({ filledQty: tracked, quantity: e.request.quantity }, order.cumQuantity);
    if (gap) {
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
    this.changed(e);
    if (gap) this.emitGap(e, gap, order.cumQuantity, tracked);
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
        if (e.orderId) this.fees.forget(e.orderId);
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
      case 'EXECUTION_TYPE_DONE_FOR_DAY':
        return this.applyCancel(e, x);
      case 'EXECUTION_TYPE_REJECTED': {
        if (isLiveVenueState(x.order.state)) {
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
    const wasTerminal = isTerminal(e.status);
    if (take > 0) {
      const maker = x.aggressor === false;
      const fee = this.fees.feeOf({
        orderId: x.order.id,
        marketSlug: e.request.marketSlug,
        liquidity: maker ? 'MAKER' : 'TAKER',
        qty: take,
        executionQty: qty,
        price: px,
        reported: x.commissionNotionalCollected,
        at: x.transactTime ?? this.clock.now(),
      });
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
      if (x.tradeId) fill.tradeId = x.tradeId;
    }

    if (wasTerminal) {
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
    }
    const gap = executionGap({ filledQty: e.filledQty, quantity: e.request.quantity }, !wasTerminal && x.type === 'EXECUTION_TYPE_FILL', x.order.cumQuantity);
    if (!wasTerminal) {
      if (gap === 'fill_short') {
        this.logger.warn('venue says filled but executions received sum to less', {
          localId: e.localId,
          orderId: e.orderId,
          filled: e.filledQty,
          quantity: e.request.quantity,
        });
      }
      const to: OrderStatus = gap === 'fill_short' || e.filledQty >= e.request.quantity ? 'FILLED' : 'PARTIALLY_FILLED';
      if (e.status === 'CREATED') this.transition(e, 'SUBMITTED', 'fill before submit mark');
      this.transition(e, to, x.type);
    }
    this.refreshLeaves(e);
    if (gap !== null) this.metrics.increment('execution.fill_gap');
    const v = view(e);
    if (gap !== null) this.emitGap(e, gap, x.order.cumQuantity, e.filledQty);
    if (fill) {
      this.metrics.increment('execution.fills');
      this.events.emit('fill', { fill, order: v });
    }
    return fill ? { applied: true, order: v, fill } : { applied: true, order: v };
  }

  private applyCancel(e: Entry, x: VenueExecution): ApplyOutcome {
    if (e.status === 'CANCELLED') return this.stale(e, x);
    const unsolicited = x.type === 'EXECUTION_TYPE_CANCELED' ? (x.unsolicitedCancelReason ?? null) : null;
    const reason = x.text ?? unsolicited ?? x.type;
    const before = { cancelReason: e.cancelReason, unsolicited: e.unsolicitedCancelReason };
    e.cancelReason = reason;
    if (unsolicited) e.unsolicitedCancelReason = unsolicited;
    if (!this.transition(e, 'CANCELLED', reason)) {
      e.cancelReason = before.cancelReason;
      e.unsolicitedCancelReason = before.unsolicited;
      return { applied: false, reason: 'illegal', order: view(e) };
    }
    const v = view(e);
    if (unsolicited) {
      this.metrics.increment('execution.unsolicited_cancel', 1, { reason: unsolicited });
      this.logger.info('the exchange cancelled an order on its own', { localId: e.localId, orderId: e.orderId, reason: unsolicited, text: x.text });
      this.events.emit('unsolicited_cancel', { order: v, reason: unsolicited });
    }
    return { applied: true, order: v };
  }

  private emitGap(e: Entry, reason: FillGapReason, venueCum: Qty | null, trackedQty: Qty): void {
    if (e.origin === 'adopted' || e.orderId === null || this.events.subscriberCount('fill_gap') === 0) return;
    this.events.emit('fill_gap', {
      localId: e.localId,
      orderId: e.orderId,
      marketSlug: e.request.marketSlug,
      reason,
      venueCumQuantity: venueCum,
      trackedQty,
      createdAt: e.createdAt,
      at: this.clock.now(),
    });
  }

  private transition(e: Entry, to: OrderStatus, reason: string): boolean {
    const from = e.status;
    if (!canTransition(from, to)) {
      this.reportIllegal(e, from, to, reason);
      return false;
    }
    this.setStatus(e, to);
    e.updatedAt = this.clock.now();
    if (isTerminal(to)) {
      e.pendingReconciliation = false;
      const open = this.openByMarket.get(e.request.marketSlug);
      if (open?.delete(e.localId)) {
        if (open.size === 0) this.openByMarket.delete(e.request.marketSlug);
        this.forgetOpen(e);
      }
    }
    this.refreshLeaves(e);
    this.changed(e);
    // The copy only for someone listening (the persister in the bot; nobody on the bench or in most tests).
    if (from !== to && this.events.subscriberCount('status') > 0) this.events.emit('status', { order: view(e), from, to });
    return true;
  }

  /** Sets the order's status, keeping its market's in-flight count (inFlightByMarket) in step. */
  private setStatus(e: Entry, to: OrderStatus): void {
    const d = (isInFlight(to) ? 1 : 0) - (isInFlight(e.status) ? 1 : 0);
    e.status = to;
    if (d !== 0) this.countInFlight(e.request.marketSlug, d);
  }

  private countInFlight(marketSlug: string, d: number): void {
    const n = (this.inFlightByMarket.get(marketSlug) ?? 0) + d;
    if (n === 0) this.inFlightByMarket.delete(marketSlug);
    else this.inFlightByMarket.set(marketSlug, n);
  }

  /** The market's and strategy's list of open orders (openByStrategy), made (empty) when it has none yet. */
  private strategyList(marketSlug: string, strategyName: StrategyName): Entry[] {
    let mine = this.openByStrategy.get(marketSlug);
    if (!mine) this.openByStrategy.set(marketSlug, (mine = new Map()));
    let list = mine.get(strategyName);
    if (!list) {
      mine.set(strategyName, (list = []));
      this.forgetLastOpen();
    }
    return list;
  }

  /** Takes a no longer open order out of its market's and strategy's list (the list itself stays: a handle). */
  private forgetOpen(e: Entry): void {
    const list = this.openByStrategy.get(e.request.marketSlug)?.get(e.strategyName);
    if (list === undefined) return;
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
  }

  /** Drops openOrdersOfStrategyReadOnly's remembered answer: a strategy's list was made. */
  private forgetLastOpen(): void {
    this.lastOpenSlug = undefined;
    this.lastOpenStrategy = undefined;
    this.lastOpenList = NO_OPEN_ORDERS;
  }

  private changed(e: Entry): void {
    const ls = this.changeListeners;
    for (let i = 0; i < ls.length; i++) (ls[i] as OrderChangeListener)(e);
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

  private remember(executionId: string): void {
    this.seenExecutions.add(executionId);
    if (this.seenExecutions.size > this.maxExec) {
      const oldest = this.seenExecutions.values().next().value;
      if (oldest !== undefined) this.seenExecutions.delete(oldest);
    }
  }

  private bufferOrphan(x: VenueExecution): void {
    this.metrics.increment('execution.orphan');
    this.logger.debug('execution for an order not (yet) known; buffered', { orderId: x.order.id, executionId: x.id });
    this.orphans.add(x);
    this.events.emit('orphan', x);
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

/** A copy of the entry without its id sets, field by field (a rest spread is several times slower). */
function view(e: Entry): OrderView {
  const v: OrderView = {
    orderId: e.orderId,
    localId: e.localId,
    request: { ...e.request },
    status: e.status,
    filledQty: e.filledQty,
    avgPrice: e.avgPrice,
    feesPaid: e.feesPaid,
    strategyName: e.strategyName,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    leavesQty: e.leavesQty,
    pendingReconciliation: e.pendingReconciliation,
    filledNotional: e.filledNotional,
  };
  if ('rejectReason' in e) v.rejectReason = e.rejectReason;
  if ('cancelReason' in e) v.cancelReason = e.cancelReason;
  if ('unsolicitedCancelReason' in e) v.unsolicitedCancelReason = e.unsolicitedCancelReason;
  if ('origin' in e) v.origin = e.origin;
  return v;
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
