/**
 * Fill-gap recovery, the I/O part (live mode): fills the exchange made that the private socket never
 * delivered — sent while it was down, or in a dropped message — are fetched from the trade activities over
 * REST and applied to the live order tracker, so the fills ledger, the day's PnL and the breaker book them
 * within seconds instead of at the reconciler's next pass. The pure part (activities → missing executions of
 * our orders, with their real ids, price, quantity and fee) is shared/execution/fill-gap-recovery.ts; the
 * tracker applies them idempotently (execution id, and order + trade id), so a fill that also arrives on the
 * socket later is counted once.
 *
 * Triggers:
 *  - the private socket comes back up after being down: once the reconnect's order snapshot has arrived (the
 *    subscription is live again; or after `reconnectSettleMs` without one), every trade of the account since
 *    the disconnect (less `marginMs` for clock differences) is scanned; tracked resting orders absent from the
 *    snapshot (done at the venue while we were away) are looked up one by one (at most `maxOrderLookups`);
 *  - the tracker reports a fill gap for an order (`OrderTracker.onFillGap`: a snapshot or an execution says
 *    more is filled than was applied): that market's trades since the order was created are scanned after
 *    `gapDelayMs` (gaps of one market coalesce into one scan); while the venue's cumulative quantity is still
 *    ahead (the activity may lag) the scan is retried up to `retries` times, `retryDelayMs` × attempt apart;
 *  - the venue says an order still open here is not open any more (a cancel answered "not open"/"not
 *    found"): the order is read (GET /v1/order/{id}); if it filled more than tracked, its market is scanned;
 *    then its venue state is applied, so the tracker stops treating it as working.
 * Scans are bounded (`maxPages` pages of `pageLimit` trades, newest first, stopping at the window's start)
 * and run one at a time; each REST call goes through the client's rate budget.
 */
import type { Clock } from '../../shared/domain/clock.js';
import type { VenueEvent } from '../../shared/domain/venue-events.js';
import type { VenueActivity, VenueOrder } from '../../shared/domain/venue-models.js';
import { planFillRecovery } from '../../shared/execution/fill-gap-recovery.js';
import { RESTING_STATUSES, type FillGap, type OrderTracker } from '../../shared/execution/order-tracker.js';
import type { Scheduler, TimerHandle } from '../../shared/execution/scheduler.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import { TRADE_ACTIVITY_TYPE } from '../../shared/reconciliation/venue-trade.js';
import type { ActivitiesPage, ActivitiesQuery } from '../../shared/venue/rest-client.js';

/** The exchange calls the watcher makes (PolymarketRestClient satisfies it). */
export interface FillGapVenue {
  activitiesPage(query: ActivitiesQuery): Promise<ActivitiesPage>;
  getOrder(id: string): Promise<VenueOrder>;
}

export interface FillGapWatcherConfig {
  /** After a reconnect, how long to wait for the order snapshot before scanning anyway, ms. */
  reconnectSettleMs: number;
  /** Delay before a gap's scan (coalesces the gaps of one snapshot), ms. */
  gapDelayMs: number;
  /** Look this much further back than the disconnect / the order's creation (clock differences), ms. */
  marginMs: number;
  /** Never look further back than this, ms. */
  maxLookbackMs: number;
  /** Trades per page (the venue allows up to 1000). */
  pageLimit: number;
  /** Pages per scan, at most. */
  maxPages: number;
  /** Scans of one order's gap while the venue stays ahead. */
  retries: number;
  retryDelayMs: number;
  /** Orders looked up one by one after a reconnect, at most. */
  maxOrderLookups: number;
}

export const DEFAULT_FILL_GAP_CONFIG: FillGapWatcherConfig = {
  reconnectSettleMs: 2_000,
  gapDelayMs: 250,
  marginMs: 120_000,
  maxLookbackMs: 30 * 60_000,
  pageLimit: 200,
  maxPages: 10,
  retries: 3,
  retryDelayMs: 1_000,
  maxOrderLookups: 50,
};

export interface FillGapWatcherOptions {
  venue: FillGapVenue;
  /** The live order tracker. */
  tracker: OrderTracker;
  /** Whether the live account trades now (a scan after a reconnect is skipped otherwise, unless orders are open). */
  liveActive: () => boolean;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  metrics: Metrics;
  config?: Partial<FillGapWatcherConfig>;
}

interface ScanJob {
  /** undefined: every market. */
  marketSlug: string | undefined;
  since: number;
}

export class FillGapWatcher {
  private readonly cfg: FillGapWatcherConfig;
  private readonly venue: FillGapVenue;
  private readonly tracker: OrderTracker;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly liveActive: () => boolean;

  private downSince: number | null = null;
  private awaitingSnapshot: { since: number; timer: TimerHandle } | null = null;
  private readonly jobs = new Map<string, ScanJob>();
  private readonly gone = new Set<string>();
  /** The venue's cumulative quantity per order still ahead of the tracker, and the scans tried for it. */
  private readonly ahead = new Map<string, { cum: number; attempts: number; marketSlug: string; since: number }>();
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private applying = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(options: FillGapWatcherOptions) {
    this.cfg = { ...DEFAULT_FILL_GAP_CONFIG, ...options.config };
    this.venue = options.venue;
    this.tracker = options.tracker;
    this.clock = options.clock;
    this.scheduler = options.scheduler;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.liveActive = options.liveActive;
    this.unsubscribe = this.tracker.onFillGap((gap) => this.onFillGap(gap));
  }

  /** Private-socket events, after the engine has applied them (connection up/down, order snapshots). */
  onPrivateEvent(ev: VenueEvent): void {
    if (this.stopped) return;
    if (ev.type === 'connection') {
      if (ev.status === 'down') {
        this.downSince ??= ev.at;
      } else if (this.downSince !== null) {
        const since = this.downSince;
        this.downSince = null;
        if (this.awaitingSnapshot) this.scheduler.cancel(this.awaitingSnapshot.timer);
        const timer = this.scheduler.schedule(this.cfg.reconnectSettleMs, () => this.afterReconnect(null));
        this.awaitingSnapshot = { since, timer };
      }
    } else if (ev.type === 'orders_snapshot' && this.awaitingSnapshot) {
      this.afterReconnect(new Set(ev.orders.map((o) => o.id)));
    }
  }

  /** Resolves when no scan is queued or running (tests; graceful stop). */
  async idle(): Promise<void> {
    while (this.running || this.timer) {
      if (this.running) await this.running;
      else await new Promise<void>((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer) this.scheduler.cancel(this.timer);
    this.timer = null;
    if (this.awaitingSnapshot) this.scheduler.cancel(this.awaitingSnapshot.timer);
    this.awaitingSnapshot = null;
    if (this.running) await this.running.catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------------------

  private afterReconnect(snapshotIds: Set<string> | null): void {
    const pending = this.awaitingSnapshot;
    if (!pending) return;
    this.scheduler.cancel(pending.timer);
    this.awaitingSnapshot = null;
    const open = this.tracker.openOrders().filter((o) => o.orderId !== null && RESTING_STATUSES.has(o.status));
    if (!this.liveActive() && open.length === 0) return;
    this.metrics.increment('fill_gap.reconnect_scans');
    this.enqueue(undefined, pending.since - this.cfg.marginMs);
    if (snapshotIds) {
      // Resting here, absent from the venue's open orders: it ended while we were away.
      let n = 0;
      for (const o of open) {
        if (snapshotIds.has(o.orderId!) || n >= this.cfg.maxOrderLookups) continue;
        this.gone.add(o.orderId!);
        n++;
      }
    }
    this.kick(0);
  }

  private onFillGap(gap: FillGap): void {
    if (this.stopped || this.applying) return;
    this.metrics.increment('fill_gap.reported', 1, { reason: gap.reason });
    const since = gap.createdAt - this.cfg.marginMs;
    if (gap.reason === 'order_gone') {
      this.gone.add(gap.orderId);
      this.kick(this.cfg.gapDelayMs);
      return;
    }
    const cum = gap.venueCumQuantity ?? 0;
    const prev = this.ahead.get(gap.orderId);
    if (prev && prev.attempts >= this.cfg.retries && cum <= prev.cum) return; // given up on this one already
    this.ahead.set(gap.orderId, { cum: Math.max(cum, prev?.cum ?? 0), attempts: prev?.attempts ?? 0, marketSlug: gap.marketSlug, since });
    this.enqueue(gap.marketSlug, since);
    this.kick(this.cfg.gapDelayMs);
  }

  private enqueue(marketSlug: string | undefined, since: number): void {
    const floor = this.clock.now() - this.cfg.maxLookbackMs;
    const s = Math.max(since, floor);
    const key = marketSlug ?? '*';
    const job = this.jobs.get(key);
    this.jobs.set(key, { marketSlug, since: job ? Math.min(job.since, s) : s });
  }

  private kick(delayMs: number): void {
    if (this.stopped || this.timer || this.running) return;
    this.timer = this.scheduler.schedule(delayMs, () => {
      this.timer = null;
      this.running = this.drain()
        .catch((err: unknown) => this.logger.error('fill-gap recovery failed', { err }))
        .finally(() => {
          this.running = null;
          if (!this.stopped && (this.jobs.size > 0 || this.gone.size > 0)) this.kick(this.cfg.gapDelayMs);
        });
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (this.jobs.size > 0 || this.gone.size > 0)) {
      // Orders the venue no longer has open: learn how much they filled, scan if more than tracked.
      const states: VenueOrder[] = [];
      for (const id of [...this.gone]) {
        this.gone.delete(id);
        const tracked = this.tracker.getByOrderId(id);
        if (!tracked) continue;
        try {
          const o = await this.venue.getOrder(id);
          this.metrics.increment('fill_gap.order_lookups');
          states.push(o);
          if (o.cumQuantity > tracked.filledQty) {
            const since = tracked.createdAt - this.cfg.marginMs;
            const prev = this.ahead.get(id);
            this.ahead.set(id, { cum: o.cumQuantity, attempts: prev?.attempts ?? 0, marketSlug: o.marketSlug, since });
            this.enqueue(o.marketSlug, since);
          }
        } catch (err) {
          this.metrics.increment('fill_gap.order_lookup_failed');
          this.logger.warn('fill-gap recovery: could not read an order the venue no longer lists as open', { orderId: id, err });
        }
      }
      // The whole account's scan covers every market's.
      const all = this.jobs.get('*');
      const batch = all ? [all] : [...this.jobs.values()];
      if (all) {
        for (const j of this.jobs.values()) all.since = Math.min(all.since, j.since);
        this.jobs.clear();
      } else {
        for (const j of batch) this.jobs.delete(j.marketSlug ?? '*');
      }
      for (const job of batch) await this.scan(job);
      // Status last: a fill applied after its order was marked cancelled would read as a late fill.
      // (Gaps it reports are the ones just scanned: retried below, not re-queued at once.)
      this.applying = true;
      try {
        for (const o of states) this.tracker.applyVenueOrder(o);
      } finally {
        this.applying = false;
      }
      this.scheduleRetries();
    }
  }

  private async scan(job: ScanJob): Promise<void> {
    const activities: VenueActivity[] = [];
    let cursor: string | undefined;
    let pages = 0;
    try {
      for (; pages < this.cfg.maxPages; ) {
        const page = await this.venue.activitiesPage({
          types: [TRADE_ACTIVITY_TYPE],
          sortOrder: 'SORT_ORDER_DESCENDING',
          limit: this.cfg.pageLimit,
          ...(job.marketSlug !== undefined ? { marketSlug: job.marketSlug } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
        });
        pages++;
        activities.push(...page.activities);
        const oldest = page.activities.length > 0 ? page.activities[page.activities.length - 1]!.time : null;
        if (page.eof || !page.nextCursor || (oldest !== null && oldest < job.since)) break;
        cursor = page.nextCursor;
      }
    } catch (err) {
      this.metrics.increment('fill_gap.scan_failed');
      this.logger.warn('fill-gap recovery: trade activities unavailable; will retry', { marketSlug: job.marketSlug ?? 'all', err });
      this.enqueue(job.marketSlug, job.since);
      await this.scheduler.sleep(this.cfg.retryDelayMs);
      return;
    }
    this.metrics.increment('fill_gap.scans');
    const plan = planFillRecovery(activities, this.tracker, job.marketSlug !== undefined ? { marketSlug: job.marketSlug } : {});
    let applied = 0;
    this.applying = true;
    try {
      for (const x of plan.executions) {
        const r = this.tracker.applyExecution(x);
        if (r.applied && r.fill) applied++;
      }
    } finally {
      this.applying = false;
    }
    if (applied > 0) {
      this.metrics.increment('fill_gap.fills_recovered', applied);
      this.logger.warn('fills missed by the private socket recovered from trade activities', {
        marketSlug: job.marketSlug ?? 'all',
        recovered: applied,
        executionIds: plan.executions.slice(0, 20).map((x) => x.id),
      });
    }
    if (plan.problems.length > 0) this.logger.warn('fill-gap recovery: unusable trade activities', { problems: plan.problems, skipped: plan.skipped });
    this.logger.debug('fill-gap scan', { marketSlug: job.marketSlug ?? 'all', pages, activities: activities.length, applied, skipped: plan.skipped });
  }

  /** Orders whose venue quantity is still ahead: scan again later, a bounded number of times. */
  private scheduleRetries(): void {
    for (const [orderId, a] of this.ahead) {
      const tracked = this.tracker.getByOrderId(orderId);
      if (!tracked || tracked.filledQty >= a.cum) {
        this.ahead.delete(orderId);
        continue;
      }
      if (a.attempts >= this.cfg.retries) continue;
      a.attempts++;
      if (a.attempts >= this.cfg.retries) {
        this.metrics.increment('fill_gap.unresolved');
        this.logger.error('fill gap not closed from trade activities; left to the reconciler', { orderId, marketSlug: a.marketSlug, venueCum: a.cum, tracked: tracked.filledQty });
        continue;
      }
      const { marketSlug, since } = a;
      this.scheduler.schedule(this.cfg.retryDelayMs * a.attempts, () => {
        if (this.stopped) return;
        this.enqueue(marketSlug, since);
        this.kick(0);
      });
    }
  }
}
