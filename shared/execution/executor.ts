/**
 * The order executor (seed: executor): approved signals in, venue requests out through the OrderGateway
 * seam, order lifecycle kept by the OrderTracker.
 *
 * Never-twice rule: a create is never retried blindly. When the gateway throws AmbiguousOrderError (the order
 * may or may not be live), the local order is marked pending reconciliation, the market is blocked for new
 * orders, and the executor reconciles from `gateway.openOrders`: a matching open order the engine does not
 * know is adopted (its buffered executions replayed); if none exists the local order is closed as REJECTED
 * ("absent after ambiguous create") and the market reopens. Only then may new creates go to that market.
 * An order closed as absent whose create lands late is adopted when its first execution arrives (see Unknown
 * orders below).
 *
 * Unknown orders: an execution for a venue order id no local order has is buffered by the tracker (its create
 * may still be answering). Once every create then in flight in that market has settled, plus a short grace
 * (`unknownOrderGraceMs`), an id still unknown is an order of ours the engine must see: one matching an order
 * closed as absent is adopted under that order's strategy (`execution.late_claim`), any other is adopted as
 * 'unknown' (`execution.unknown_venue_order`) — tracked, counted in exposure, cancelled by the kill switch.
 * A market being reconciled decides for itself; and nothing is adopted while `holdUnknownOrders(true)`
 * (start-up, while the rebuild restores yesterday's orders under their own ids and strategies).
 *
 * Cancels, modifies (absolute values) and cancel-all are idempotent and retried with backoff. A cancel the
 * venue answers with "not found" (404) or "order … is not open" (400) is done, not failed: counted
 * (`execution.cancel_not_found` / `execution.cancel_not_open`), logged at debug, and — when the order is
 * still open here — reported to the tracker as a possible fill gap (`OrderTracker.reportOrderGone`).
 *
 * Batching: every call to the gateway goes through an OrderBatcher (order-batcher.ts), so the moves of one
 * turn — requotes (modifies, or cancels then creates), pulls on game events — leave as batch requests when
 * the gateway has batch calls. Each order keeps its own outcome, so the rules above hold per order; an
 * ambiguous entry of a batch create is reconciled before any retry, exactly like a single create.
 *
 * Latency stopgap: a create refused with `Global Rate Limit Exceeded` (the venue's error, or a REJECTED
 * execution with that text — in the create's answer or on the order stream) is a transient reject, not a
 * rate limit: the order is closed as REJECTED with code VENUE_STOPGAP, counted (`execution.stopgap_rejects`)
 * and reported through `onStopgapReject`, so the strategy can re-price and resubmit. Nothing is throttled.
 *
 * A cancel the exchange made on its own (unsolicited: an unfunded order, maintenance) is not an error: the
 * tracker closes the order; a cancel of ours still pending for it is dropped, and one being retried stops.
 */
import type { Clock } from '../domain/clock.js';
import type { OrderGateway } from '../domain/gateway.js';
import type { OrderRequest } from '../domain/order.js';
import type { Signal, StrategyName } from '../domain/signal.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { CreateOrderResult, VenueExecution, VenueOrder } from '../domain/venue-models.js';
import { logEnabled, nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { StopgapRejectError } from '../venue/errors.js';
import { STOPGAP_TEXT, isStopgapExecution } from '../venue/error-mapping.js';
import { AbsentOrders, venueOrderMatches } from './absent-orders.js';
import { OrderBatcher, type Defer } from './order-batcher.js';
import { DEFAULT_MARKET_RULES, OrderBuildError, buildOrder, type MarketRules } from './order-builder.js';
import { OrderTracker, RESTING_STATUSES, isTerminal, type OrderView } from './order-tracker.js';
import { DEFAULT_RETRY, classifyError, isOrderNotOpenError, retryIdempotent, type RetryPolicy } from './retry-handler.js';
import type { Scheduler } from './scheduler.js';

export interface ExecutorConfig {
  /** Orders created or submitted but not yet acknowledged, per market. */
  maxInFlightPerMarket: number;
  /** Use the venue's modify for a quote that replaces a resting order (else cancel, then create). */
  allowModify: boolean;
  cancelRetry: RetryPolicy;
  reconcileRetry: RetryPolicy;
  /** Reconcile automatically right after an ambiguous create (tests may turn it off and call reconcile). */
  autoReconcile: boolean;
  /** Delay before trying again when reconciliation itself failed. */
  reconcileBackoffMs: number;
  /** An open order whose createTime is this much before the local order's creation cannot be it. */
  reconcileClockSkewMs: number;
  /** How long a local order closed as absent may still claim a late execution for an unknown order id. */
  lateClaimWindowMs: number;
  /** After the market's in-flight creates settle, how long an unknown order id may stay unknown before adoption. */
  unknownOrderGraceMs: number;
  /** Pack the orders moved in one turn into batch requests when the gateway has batch calls. */
  batchOrders: boolean;
}

export const DEFAULT_EXECUTOR_CONFIG: ExecutorConfig = {
  maxInFlightPerMarket: 2,
  allowModify: true,
  cancelRetry: DEFAULT_RETRY,
  reconcileRetry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 },
  autoReconcile: true,
  reconcileBackoffMs: 1_000,
  reconcileClockSkewMs: 5_000,
  lateClaimWindowMs: 60_000,
  unknownOrderGraceMs: 1_000,
  batchOrders: true,
};

/** The code of a create refused by the venue's latency stopgap (re-price and resubmit). */
export const STOPGAP_REJECT_CODE = 'VENUE_STOPGAP';

export interface LatencySample {
  localId: string;
  marketSlug: string;
  strategyName: StrategyName;
  /** Clock ms from the signal's creation to the moment the request is handed to the gateway. */
  signalToRequestMs: number;
  /** Monotonic ns spent inside the executor for this signal before the request was handed over. */
  executorNs: bigint;
}

export type BlockReason = 'HALTED' | 'PAUSED' | 'MARKET_RECONCILING' | 'IN_FLIGHT_LIMIT' | 'REPLACED_ORDER_IN_FLIGHT';

const BLOCKED_DIMENSIONS: Readonly<Record<BlockReason, Readonly<{ reason: BlockReason }>>> = Object.freeze({
  HALTED: Object.freeze({ reason: 'HALTED' }),
  PAUSED: Object.freeze({ reason: 'PAUSED' }),
  MARKET_RECONCILING: Object.freeze({ reason: 'MARKET_RECONCILING' }),
  IN_FLIGHT_LIMIT: Object.freeze({ reason: 'IN_FLIGHT_LIMIT' }),
  REPLACED_ORDER_IN_FLIGHT: Object.freeze({ reason: 'REPLACED_ORDER_IN_FLIGHT' }),
});

/** Scope of a pause: every market, or one. */
export const ALL_MARKETS = '*';

export type ExecuteResult =
  | { status: 'submitted'; localId: string; orderId: string; recovered: boolean }
  | { status: 'modified'; localId: string; orderId: string }
  | { status: 'ambiguous'; localId: string }
  | { status: 'rejected'; localId?: string; reason: string; code?: string }
  | { status: 'blocked'; reason: BlockReason };

export type ReconcileOutcome = { localId: string; result: 'adopted'; orderId: string } | { localId: string; result: 'absent' };

export interface ExecutorDeps {
  gateway: OrderGateway;
  clock: Clock;
  scheduler: Scheduler;
  tracker?: OrderTracker;
  logger?: Logger;
  metrics?: Metrics;
  /** Tick and minimum size per market (defaults: 0.01 and 1). */
  marketRules?: (marketSlug: string) => MarketRules | undefined;
  /** Called once per create with the signal → request latency. */
  onLatency?: (sample: LatencySample) => void;
  /** Called for every order refused by the venue's latency stopgap (a transient reject: re-price, resubmit). */
  onStopgapReject?: (order: OrderView | undefined, execution: VenueExecution | null) => void;
  /** When a batch is sent (default: the next turn of the event loop). */
  batchDefer?: Defer;
  config?: Partial<ExecutorConfig>;
}

export class OrderExecutor {
  readonly tracker: OrderTracker;
  private readonly gateway: OrderGateway;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly rules: (slug: string) => MarketRules | undefined;
  private readonly onLatency: ((s: LatencySample) => void) | undefined;
  private readonly onStopgapReject: ExecutorDeps['onStopgapReject'];
  private readonly cfg: ExecutorConfig;

  private halted = false;
  private cancelsRefused = false;
  /** Pauses by scope (ALL_MARKETS or a market slug), each with its reasons (maintenance, a market halt). */
  private readonly pauses = new Map<string, Set<string>>();
  private readonly blockedMarkets = new Set<string>();
  private readonly inflightCreates = new Map<string, Set<Promise<unknown>>>();
  private readonly reconciling = new Map<string, Promise<ReconcileOutcome[]>>();
  private readonly pendingCancels = new Set<string>();
  private readonly ambiguousCandidates = new Map<string, string[]>();
  private readonly closedAbsent: AbsentOrders;
  /** Unknown venue order ids with a settlement scheduled. */
  private readonly unknownSettling = new Set<string>();
  private unknownHeld = false;

  constructor(deps: ExecutorDeps) {
    this.clock = deps.clock;
    this.scheduler = deps.scheduler;
    this.logger = deps.logger ?? nullLogger;
    this.metrics = deps.metrics ?? nullMetrics;
    this.tracker = deps.tracker ?? new OrderTracker({ clock: deps.clock, logger: this.logger, metrics: this.metrics });
    this.rules = deps.marketRules ?? (() => undefined);
    this.onLatency = deps.onLatency;
    this.cfg = { ...DEFAULT_EXECUTOR_CONFIG, ...deps.config };
    this.gateway = this.cfg.batchOrders ? new OrderBatcher(deps.gateway, { metrics: this.metrics, defer: deps.batchDefer }) : deps.gateway;
    this.onStopgapReject = deps.onStopgapReject;
    this.closedAbsent = new AbsentOrders(this.cfg.lateClaimWindowMs);
    this.tracker.onOrphan((x) => this.onUnknownOrderExecution(x));
    // Nothing to cancel any more: the exchange did it (the tracker counts it by reason).
    this.tracker.onUnsolicitedCancel(({ order }) => this.pendingCancels.delete(order.localId));
  }

  /** Feeds a venue execution (private socket or paper exchange) to the tracker. */
  onExecution(execution: VenueExecution): void {
    this.tracker.applyExecution(execution);
    if (isStopgapExecution(execution)) this.stopgapRejected(execution, 'stream');
  }

  /** Feeds private-channel events: executions, and order snapshots (status sync after a reconnect). */
  onVenueEvent(ev: VenueEvent): void {
    if (ev.type === 'execution') this.onExecution(ev.execution);
    else if (ev.type === 'orders_snapshot') for (const o of ev.orders) this.tracker.applyVenueOrder(o);
  }

  /**
   * Stops (true) or allows (false) new orders. Halted, the gateway refuses creates and modifies still waiting
   * to be sent (behind the rate budget, in a batch not yet flushed), not only new ones. Cancels go on, unless
   * `cancels` is 'refuse' (a lost trading lease: the account's orders are the new owner's, touch nothing).
   */
  setHalted(halted: boolean, cancels: 'allow' | 'refuse' = 'allow'): void {
    this.halted = halted;
    this.cancelsRefused = halted && cancels === 'refuse';
    this.gateway.setOrderFlow?.(!halted ? 'open' : this.cancelsRefused ? 'closed' : 'cancels_only');
  }

  isHalted(): boolean {
    return this.halted;
  }

  /** While held, executions of unknown order ids are only buffered, never adopted (start-up rebuild). */
  holdUnknownOrders(hold: boolean): void {
    this.unknownHeld = hold;
  }

  /**
   * Pauses (or resumes) new orders for a reason — the exchange's maintenance window for every market, a halt
   * for one — independently of the kill switch (`setHalted`): ending a pause never lifts a halt, and each
   * reason is lifted on its own. Cancels are always allowed.
   */
  setPaused(scope: string, reason: string, paused: boolean): void {
    let reasons = this.pauses.get(scope);
    if (paused) {
      if (!reasons) this.pauses.set(scope, (reasons = new Set()));
      reasons.add(reason);
    } else if (reasons?.delete(reason) && reasons.size === 0) {
      this.pauses.delete(scope);
    }
  }

  isPaused(marketSlug: string): boolean {
    return this.pauses.has(ALL_MARKETS) || this.pauses.has(marketSlug);
  }

  isMarketBlocked(marketSlug: string): boolean {
    return this.blockedMarkets.has(marketSlug);
  }

  blockedMarketSlugs(): string[] {
    return [...this.blockedMarkets];
  }

  /** Turns an approved signal into an order at the venue (or a modify of the order it replaces). */
  async execute(signal: Signal): Promise<ExecuteResult> {
    const startNs = this.clock.monotonicNs();
    if (this.halted) return this.blocked('HALTED', signal);
    if (this.pauses.size > 0 && this.isPaused(signal.marketSlug)) return this.blocked('PAUSED', signal);
    if (this.blockedMarkets.has(signal.marketSlug)) return this.blocked('MARKET_RECONCILING', signal);

    let request: OrderRequest;
    try {
      request = buildOrder(signal, this.rules(signal.marketSlug) ?? DEFAULT_MARKET_RULES);
    } catch (err) {
      if (err instanceof OrderBuildError) {
        this.metrics.increment('execution.build_rejected', 1, { code: err.code });
        this.logger.warn('signal cannot become an order', { marketSlug: signal.marketSlug, code: err.code, message: err.message });
        return { status: 'rejected', reason: err.message, code: err.code };
      }
      throw err;
    }

    if (signal.replacesOrderId !== undefined) {
      const old = this.tracker.find(signal.replacesOrderId);
      if (old && !isTerminal(old.status)) {
        if (old.orderId === null || old.pendingReconciliation) return this.blocked('REPLACED_ORDER_IN_FLIGHT', signal);
        if (this.canModify(old, request)) {
          const modified = await this.tryModify(old, request);
          if (modified) return modified;
          if (this.halted) return this.blocked('HALTED', signal);
          // The order vanished or the modify was refused: fall through to cancel/replace.
        }
        const cancelled = await this.cancel(old.localId);
        if (!cancelled) return { status: 'rejected', reason: `could not cancel replaced order ${old.localId}`, code: 'CANCEL_FAILED' };
      }
    }
    // A halt while the modify or the cancel was out stops the replacement too.
    if (this.halted) return this.blocked('HALTED', signal);

    const inFlight = this.tracker.inFlightCount(request.marketSlug);
    if (inFlight >= this.cfg.maxInFlightPerMarket) return this.blocked('IN_FLIGHT_LIMIT', signal);
    if (this.blockedMarkets.has(signal.marketSlug)) return this.blocked('MARKET_RECONCILING', signal);
    return this.submit(request, signal, startNs);
  }

  /**
   * Cancels an order (local or venue id). Retried with backoff; "not found" counts as done. An order not yet
   * acknowledged is cancelled as soon as its venue id is known. Returns false only when the cancel failed.
   */
  async cancel(id: string): Promise<boolean> {
    const o = this.tracker.find(id);
    if (!o) return false;
    if (isTerminal(o.status)) return true;
    if (this.cancelsRefused) {
      this.metrics.increment('execution.cancel_refused');
      return false;
    }
    if (o.orderId === null) {
      this.pendingCancels.add(o.localId);
      return true;
    }
    return this.cancelVenue(o.orderId, o.request.marketSlug, o.localId);
  }

  /**
   * Cancels every open order at the venue (of the given markets, or all) — the kill switch and the switch to
   * paper. Orders still in flight are cancelled as soon as they are acknowledged. Returns the venue's ids.
   */
  async cancelAll(marketSlugs?: string[]): Promise<string[]> {
    for (const o of this.tracker.inFlightOrders()) {
      if (!marketSlugs || marketSlugs.includes(o.request.marketSlug)) this.pendingCancels.add(o.localId);
    }
    try {
      const ids = await retryIdempotent(() => this.gateway.cancelAll(marketSlugs), this.scheduler, this.cfg.cancelRetry, {
        onRetry: (attempt, delayMs) => this.metrics.increment('execution.cancel_all_retry', 1, { attempt: String(attempt), delayMs: String(delayMs) }),
      });
      this.metrics.increment('execution.cancel_all');
      this.logger.info('cancelled all open orders', { markets: marketSlugs ?? 'all', count: ids.length });
      return ids;
    } catch (err) {
      this.metrics.increment('execution.cancel_all_failed');
      this.logger.error('cancel-all failed', { err });
      throw err;
    }
  }

  /**
   * Reconciles a market with the venue's open orders: adopts or closes every order left pending by an
   * ambiguous create, adopts unknown open orders (strategy 'unknown'), and unblocks the market when done.
   * Concurrent calls for the same market share one run.
   */
  reconcile(marketSlug: string): Promise<ReconcileOutcome[]> {
    const running = this.reconciling.get(marketSlug);
    if (running) return running;
    const p = this.doReconcile(marketSlug).finally(() => this.reconciling.delete(marketSlug));
    this.reconciling.set(marketSlug, p);
    return p;
  }

  // ---------------------------------------------------------------------------------------------------------

  /**
   * Hands the request to the gateway first — its bytes are the latency that matters — then, still in the same
   * synchronous step (so the risk manager's next check sees the order: see risk-manager.ts), registers it
   * with the tracker (CREATED → SUBMITTED) and records the latency metrics. Nothing the gateway does
   * synchronously reads the tracker, and its answer is awaited only after the bookkeeping. A gateway that
   * throws synchronously is handled as a rejected create (the order is tracked, then closed as REJECTED).
   */
  private async submit(request: OrderRequest, signal: Signal, startNs: bigint): Promise<ExecuteResult> {
    const executorNs = this.clock.monotonicNs() - startNs;
    let call: Promise<CreateOrderResult>;
    try {
      call = this.gateway.createOrder(request);
    } catch (err) {
      call = Promise.reject(err);
    }
    const localId = this.tracker.create(request, signal.strategyName).localId;
    this.tracker.markSubmitted(localId);

    const signalToRequestMs = Math.max(0, this.clock.now() - signal.createdAt);
    this.metrics.observe('execution.signal_to_request_ms', signalToRequestMs, this.strategyDimensions(String(signal.strategyName)));
    this.metrics.observe('execution.executor_overhead_us', Number(executorNs / 1_000n));
    this.onLatency?.({ localId, marketSlug: request.marketSlug, strategyName: signal.strategyName, signalToRequestMs, executorNs });

    const set = this.inflightCreates.get(request.marketSlug) ?? new Set();
    this.inflightCreates.set(request.marketSlug, set);
    set.add(call);
    try {
      const result = await call;
      this.tracker.attachVenueId(localId, result.orderId);
      for (const x of result.executions) this.tracker.applyExecution(x);
      this.metrics.increment('execution.orders_submitted');
      if (result.recovered) this.metrics.increment('execution.create_recovered');
      this.afterAck(localId);
      const stopgap = result.executions.find(isStopgapExecution);
      if (stopgap) {
        this.stopgapRejected(stopgap, 'response');
        return { status: 'rejected', localId, reason: STOPGAP_TEXT, code: STOPGAP_REJECT_CODE };
      }
      return { status: 'submitted', localId, orderId: result.orderId, recovered: result.recovered };
    } catch (err) {
      const cls = classifyError(err);
      if (cls === 'ambiguous') {
        this.tracker.setPendingReconciliation(localId, true);
        this.blockedMarkets.add(request.marketSlug);
        const candidates = (err as { candidateOrderIds?: unknown }).candidateOrderIds;
        if (Array.isArray(candidates)) this.ambiguousCandidates.set(localId, candidates.filter((c): c is string => typeof c === 'string'));
        this.metrics.increment('execution.ambiguous_create');
        this.logger.error('ambiguous create: order may be live; market blocked until reconciled', {
          localId,
          marketSlug: request.marketSlug,
          err,
        });
        if (this.cfg.autoReconcile) this.scheduleReconcile(request.marketSlug, 0);
        return { status: 'ambiguous', localId };
      }
      if (err instanceof StopgapRejectError) {
        this.tracker.markRejected(localId, STOPGAP_TEXT);
        this.pendingCancels.delete(localId);
        this.stopgapRejected(null, 'response', localId);
        return { status: 'rejected', localId, reason: STOPGAP_TEXT, code: STOPGAP_REJECT_CODE };
      }
      const reason = err instanceof Error ? err.message : String(err);
      this.tracker.markRejected(localId, reason);
      this.pendingCancels.delete(localId);
      this.metrics.increment('execution.create_failed', 1, { class: cls });
      this.logger.warn('create failed', { localId, marketSlug: request.marketSlug, err });
      return { status: 'rejected', localId, reason };
    } finally {
      set.delete(call);
    }
  }

  /** A stopgap reject: counted and reported, never throttled. */
  private stopgapRejected(x: VenueExecution | null, via: 'stream' | 'response', localId?: string): void {
    const order = x ? this.tracker.getByOrderId(x.order.id) : localId ? this.tracker.get(localId) : undefined;
    this.metrics.increment('execution.stopgap_rejects', 1, { via });
    this.logger.info('order refused by the venue latency stopgap; re-price and resubmit if still wanted', {
      localId: order?.localId ?? localId,
      orderId: x?.order.id,
      marketSlug: order?.request.marketSlug ?? x?.order.marketSlug,
    });
    this.onStopgapReject?.(order, x);
  }

  /** After an order's venue id is known: honour a cancel requested while it was in flight. */
  private afterAck(localId: string): void {
    if (!this.pendingCancels.delete(localId)) return;
    const o = this.tracker.get(localId);
    if (o?.orderId && !isTerminal(o.status)) void this.cancelVenue(o.orderId, o.request.marketSlug, localId);
  }

  private async cancelVenue(orderId: string, marketSlug: string, localId: string): Promise<boolean> {
    try {
      // A retry of an order that ended meanwhile (an unsolicited cancel, a fill) is not sent.
      const ended = (): boolean => isTerminal(this.tracker.get(localId)?.status ?? 'CANCELLED');
      await retryIdempotent(() => (ended() ? Promise.resolve() : this.gateway.cancelOrder(orderId, marketSlug)), this.scheduler, this.cfg.cancelRetry, {
        onRetry: () => this.metrics.increment('execution.cancel_retry'),
      });
      this.metrics.increment('execution.cancels');
      return true;
    } catch (err) {
      if (classifyError(err) === 'not_found') {
        // 404, or 400 "order … is not open": already cancelled or filled — nothing to do, not an error. If
        // the order is still open here, its end (a fill, a cancel) was never heard: report a fill gap.
        const notOpen = isOrderNotOpenError(err);
        this.metrics.increment(notOpen ? 'execution.cancel_not_open' : 'execution.cancel_not_found');
        this.logger.debug('cancel: order already done at the venue', { localId, orderId, reply: notOpen ? 'not_open' : 'not_found' });
        this.tracker.reportOrderGone(orderId);
        return true;
      }
      this.metrics.increment('execution.cancel_failed');
      this.logger.error('cancel failed', { localId, orderId, err });
      return false;
    }
  }

  private canModify(old: OrderView, req: OrderRequest): boolean {
    return (
      this.cfg.allowModify &&
      RESTING_STATUSES.has(old.status) &&
      old.request.marketSlug === req.marketSlug &&
      old.request.intent === req.intent &&
      old.request.tif === req.tif &&
      old.request.postOnly === req.postOnly &&
      old.request.type === req.type
    );
  }

  /** Modify: the new quantity is the total (already filled + the signal's quantity). Null → fall back. */
  private async tryModify(old: OrderView, req: OrderRequest): Promise<ExecuteResult | null> {
    const orderId = old.orderId!;
    const change = { price: req.price!, quantity: old.filledQty + req.quantity };
    try {
      await retryIdempotent(() => this.gateway.modifyOrder(orderId, req.marketSlug, change), this.scheduler, this.cfg.cancelRetry);
      this.metrics.increment('execution.modifies');
      return { status: 'modified', localId: old.localId, orderId };
    } catch (err) {
      this.metrics.increment('execution.modify_failed', 1, { class: classifyError(err) });
      this.logger.warn('modify failed; falling back to cancel/replace', { localId: old.localId, orderId, err });
      return null;
    }
  }

  private scheduleReconcile(marketSlug: string, delayMs: number): void {
    this.scheduler.schedule(delayMs, () => {
      this.reconcile(marketSlug).catch(() => {
        // Logged in doReconcile; try again later while the market stays blocked.
        if (this.blockedMarkets.has(marketSlug)) this.scheduleReconcile(marketSlug, this.cfg.reconcileBackoffMs);
      });
    });
  }

  private async doReconcile(marketSlug: string): Promise<ReconcileOutcome[]> {
    const wasBlocked = this.blockedMarkets.has(marketSlug);
    this.blockedMarkets.add(marketSlug);
    // Creates already on the wire for this market must land first, or their orders would look unknown.
    const inflight = this.inflightCreates.get(marketSlug);
    if (inflight && inflight.size) await Promise.allSettled([...inflight]);

    let open: VenueOrder[];
    try {
      open = await retryIdempotent(() => this.gateway.openOrders([marketSlug]), this.scheduler, this.cfg.reconcileRetry);
    } catch (err) {
      this.metrics.increment('execution.reconcile_failed');
      this.logger.error('reconciliation could not read open orders; market stays blocked', { marketSlug, err });
      if (!wasBlocked && this.tracker.pendingReconciliation(marketSlug).length === 0) this.blockedMarkets.delete(marketSlug);
      throw err;
    }

    const unknown = open.filter((o) => o.marketSlug === marketSlug && !this.tracker.getByOrderId(o.id));
    const outcomes: ReconcileOutcome[] = [];
    const pending = this.tracker.pendingReconciliation(marketSlug).sort((a, b) => a.createdAt - b.createdAt);
    for (const p of pending) {
      const candidates = this.ambiguousCandidates.get(p.localId) ?? [];
      const idx = this.findMatch(p, unknown, candidates);
      if (idx >= 0) {
        const found = unknown.splice(idx, 1)[0]!;
        this.tracker.attachVenueId(p.localId, found.id);
        this.tracker.applyVenueOrder(found);
        this.tracker.setPendingReconciliation(p.localId, false);
        this.metrics.increment('execution.reconcile_adopted');
        this.logger.info('ambiguous order found at the venue and adopted', { localId: p.localId, orderId: found.id });
        outcomes.push({ localId: p.localId, result: 'adopted', orderId: found.id });
        this.afterAck(p.localId);
        continue;
      }
      // Not open: it may have traded in full already (its executions buffered as orphans), or never arrived.
      const orphanId = this.findOrphanMatch(p);
      if (orphanId) {
        this.tracker.attachVenueId(p.localId, orphanId);
        this.tracker.setPendingReconciliation(p.localId, false);
        this.metrics.increment('execution.reconcile_adopted');
        outcomes.push({ localId: p.localId, result: 'adopted', orderId: orphanId });
        continue;
      }
      this.tracker.markRejected(p.localId, 'absent at venue after ambiguous create');
      this.tracker.setPendingReconciliation(p.localId, false);
      this.closedAbsent.add({ localId: p.localId, request: p.request, strategyName: p.strategyName, closedAt: this.clock.now() });
      this.metrics.increment('execution.reconcile_absent');
      this.logger.warn('ambiguous order not found at the venue; closed', { localId: p.localId, marketSlug });
      outcomes.push({ localId: p.localId, result: 'absent' });
    }
    for (const p of pending) this.ambiguousCandidates.delete(p.localId);

    for (const o of unknown) {
      this.metrics.increment('execution.unknown_venue_order');
      this.logger.warn('open order unknown to the engine adopted', { orderId: o.id, marketSlug });
      this.tracker.adoptVenueOrder(o, 'unknown');
    }
    if (this.tracker.pendingReconciliation(marketSlug).length === 0) this.blockedMarkets.delete(marketSlug);
    return outcomes;
  }

  private findMatch(p: OrderView, open: VenueOrder[], candidates: string[]): number {
    const matches = (o: VenueOrder): boolean =>
      o.intent === p.request.intent &&
      o.quantity === p.request.quantity &&
      (p.request.price === undefined || o.price === p.request.price) &&
      (o.createTime === null || o.createTime >= p.createdAt - this.cfg.reconcileClockSkewMs);
    const byCandidate = open.findIndex((o) => candidates.includes(o.id) && matches(o));
    return byCandidate >= 0 ? byCandidate : open.findIndex(matches);
  }

  private findOrphanMatch(p: OrderView): string | null {
    for (const id of this.tracker.orphanOrderIds()) {
      const o = this.tracker.peekOrphan(id);
      if (o && venueOrderMatches(o, p.request)) return id;
    }
    return null;
  }

  /**
   * An execution for an order id no local order has: settled once the creates in flight in its market (one
   * of which may own it: executions often arrive before the create's answer) have settled, plus a grace.
   */
  private onUnknownOrderExecution(x: VenueExecution): void {
    this.scheduleUnknownOrder(x.order.id, x.order.marketSlug);
  }

  private scheduleUnknownOrder(orderId: string, marketSlug: string): void {
    if (this.unknownHeld || this.unknownSettling.has(orderId)) return;
    this.unknownSettling.add(orderId);
    void Promise.allSettled([...(this.inflightCreates.get(marketSlug) ?? [])]).then(() =>
      this.scheduler.schedule(this.cfg.unknownOrderGraceMs, () => {
        this.unknownSettling.delete(orderId);
        this.settleUnknownOrder(orderId, marketSlug);
      }),
    );
  }

  private settleUnknownOrder(orderId: string, marketSlug: string): void {
    if (this.unknownHeld || this.tracker.getByOrderId(orderId)) return;
    const order = this.tracker.peekOrphan(orderId);
    if (!order) return;
    // A market being reconciled adopts its unknown orders itself (for the order pending there, if it matches).
    if (this.reconciling.has(marketSlug) || this.tracker.pendingReconciliation(marketSlug).length > 0) return;
    // Creates answered meanwhile may own it: wait for them too.
    if (this.inflightCreates.get(marketSlug)?.size) return this.scheduleUnknownOrder(orderId, marketSlug);
    const absent = this.closedAbsent.claim(order, this.clock.now());
    if (absent) {
      this.metrics.increment('execution.late_claim');
      this.logger.error('order closed as absent turned out to be live; adopted under its strategy', {
        localId: absent.localId,
        orderId,
        marketSlug,
      });
      this.tracker.adoptVenueOrder(order, absent.strategyName);
      return;
    }
    this.metrics.increment('execution.unknown_venue_order');
    this.logger.warn('order unknown to the engine seen on the order stream; adopted', { orderId, marketSlug, state: order.state });
    this.tracker.adoptVenueOrder(order, 'unknown');
  }

  /** Metric dimensions made once each (frozen: the metrics registry finds their key by the object). */
  private readonly strategyDims = new Map<string, Readonly<{ strategy: string }>>();

  private strategyDimensions(strategy: string): Readonly<{ strategy: string }> {
    let dims = this.strategyDims.get(strategy);
    if (dims === undefined) this.strategyDims.set(strategy, (dims = Object.freeze({ strategy })));
    return dims;
  }

  private blocked(reason: BlockReason, signal: Signal): ExecuteResult {
    this.metrics.increment('execution.blocked', 1, BLOCKED_DIMENSIONS[reason]);
    if (logEnabled(this.logger, 'debug')) this.logger.debug('signal blocked', { reason, marketSlug: signal.marketSlug, strategy: signal.strategyName });
    return { status: 'blocked', reason };
  }
}
