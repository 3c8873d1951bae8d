/**
 * Shadow mode's parts put together for the engine (assemble-engine.ts): the journal, the paper twins, the
 * mirror in front of the live gateway, and the live account's fills and rejections feeding the journal.
 * `activate` / `deactivate` follow the trading mode (shadow on / off); `panel()` is the day so far;
 * `resetDay()` starts a new day (after the day's report took its panel). `aggregates()` is the day so far in
 * the small mergeable form the bot stores (shadow-aggregates.ts); `carry(stored)` takes the part of the day an
 * earlier process stored, so after a restart the panel is stored ⊕ this process's journal.
 */
import type { Clock } from '../domain/clock.js';
import type { FeeSchedule } from '../domain/fees.js';
import type { OrderGateway } from '../domain/gateway.js';
import type { PriceMicros } from '../domain/money.js';
import { INTENT_EFFECT } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { FeeRatesLookup } from '../execution/fill-fees.js';
import type { MarketRules } from '../execution/order-builder.js';
import type { OrderTracker } from '../execution/order-tracker.js';
import type { Scheduler } from '../execution/scheduler.js';
import type { Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import type { OrderBook } from '../state/order-book.js';
import { panelFromAggregates, type ShadowPanel } from './calibration-panel.js';
import type { OwnRestingOrder } from './own-orders.js';
import { MirrorGateway } from './mirror-gateway.js';
import { aggregateJournal, isEmptyShadowDay, mergeShadowAggregates, type ShadowAggregates } from './shadow-aggregates.js';
import { ShadowBench, type PaperModel, type ShadowGrid } from './shadow-bench.js';
import { LIVE, ShadowJournal } from './shadow-journal.js';

export interface ShadowSessionDeps {
  clock: Clock;
  scheduler: Scheduler;
  /** The configured paper model (trading.paper.*): the primary twin's. */
  paperModel: PaperModel;
  grid?: ShadowGrid;
  fees: FeeSchedule;
  feeRates?: FeeRatesLookup;
  rules: (marketSlug: string) => MarketRules;
  /** The engine's books (the live feed). */
  book: (marketSlug: string) => OrderBook | undefined;
  /** Every market the engine knows (to seed the twins' books when shadow starts). */
  markets: () => Iterable<string>;
  logger?: Logger;
  metrics?: Metrics;
}

const TERMINAL = new Set<string>(['FILLED', 'CANCELLED', 'REJECTED']);

export class ShadowSession {
  readonly journal: ShadowJournal;
  readonly bench: ShadowBench;
  private mirror: MirrorGateway | undefined;
  private liveTracker: OrderTracker | undefined;
  private active = false;
  private readonly metrics: Metrics;
  /** The day's part stored by an earlier process (restart), if any. */
  private carried: ShadowAggregates | undefined;
  /** The twins' refusal counts when the day began (theirs are cumulative). */
  private rejectionBase: Record<string, number> = {};

  constructor(private readonly deps: ShadowSessionDeps) {
    this.metrics = deps.metrics ?? nullMetrics;
    this.journal = new ShadowJournal({
      clock: deps.clock,
      scheduler: deps.scheduler,
      mid: (slug) => deps.book(slug)?.mid ?? null,
      touch: (slug) => {
        const b = deps.book(slug);
        return b ? { bid: b.bestBid, ask: b.bestAsk } : undefined;
      },
      tick: (slug) => deps.rules(slug).tick,
      strategyOf: (id) => this.liveTracker?.find(id)?.strategyName,
    });
    this.bench = new ShadowBench({
      clock: deps.clock,
      scheduler: deps.scheduler,
      base: deps.paperModel,
      ...(deps.grid ? { grid: deps.grid } : {}),
      fees: deps.fees,
      ...(deps.feeRates ? { feeRates: deps.feeRates } : {}),
      rules: deps.rules,
      journal: this.journal,
      ownResting: (slug) => this.ownResting(slug),
      ...(deps.logger ? { logger: deps.logger } : {}),
      metrics: this.metrics,
    });
  }

  /** The gateway the live executor uses: the live one, mirrored to the twins while shadow is on. */
  wrap(live: OrderGateway): MirrorGateway {
    this.mirror = new MirrorGateway(live, { active: () => this.active, bench: this.bench, journal: this.journal });
    return this.mirror;
  }

  /** Follows the live executor's tracker: live fills to the journal, refused live orders out of the comparison. */
  attachLiveTracker(tracker: OrderTracker): void {
    this.liveTracker = tracker;
    tracker.onFill((fill) => {
      const order = this.mirror?.journalOrder(fill.orderId);
      if (!order) return;
      if (fill.strategyName !== undefined) this.journal.setStrategy(order, fill.strategyName);
      this.journal.onFill(order, LIVE, fill.price, fill.qty);
    });
    tracker.onStatus((view, _from, to) => {
      if (view.orderId === null || !this.mirror) return;
      const order = this.mirror.journalOrder(view.orderId);
      if (!order) return;
      this.journal.setStrategy(order, view.strategyName);
      if (to === 'REJECTED') this.mirror.liveRejected(view.orderId, 'rejected by the venue');
      // The tracker reports an order FILLED before it hands out the fill that filled it (same call, status
      // first): forgetting the pairing now would drop every order's last fill from the journal — all of a
      // taker's. The pairing goes once the current execution is through.
      if (TERMINAL.has(to)) {
        const orderId = view.orderId;
        queueMicrotask(() => this.mirror?.forget(orderId));
      }
    });
  }

  isActive(): boolean {
    return this.active;
  }

  /** Shadow on: the twins get the current books, then every order and market event from now on. */
  activate(): void {
    if (this.active) return;
    this.active = true;
    this.bench.activate(this.currentBooks());
    this.metrics.gauge('shadow.active', 1);
  }

  /** Shadow off: the twins' orders are cancelled and no more orders are mirrored (the journal is kept). */
  deactivate(): void {
    if (!this.active) return;
    this.active = false;
    this.bench.deactivate();
    this.mirror?.clear();
    this.metrics.gauge('shadow.active', 0);
  }

  onMarketEvent(ev: VenueEvent): void {
    if (this.active) this.bench.onMarketEvent(ev);
  }

  /** The calibration panel of the day so far (undefined when nothing was mirrored). */
  panel(): ShadowPanel | undefined {
    const agg = this.aggregates();
    return agg ? panelFromAggregates(agg) : undefined;
  }

  /** The day so far as aggregates: the carried part ⊕ this process's journal (undefined when nothing was mirrored). */
  aggregates(): ShadowAggregates | undefined {
    const snap = this.journal.snapshot();
    const mine = aggregateJournal({ ...snap, twins: this.bench.specs(), rejections: this.dayRejections() });
    const day = this.carried ? mergeShadowAggregates(this.carried, mine) : mine;
    return isEmptyShadowDay(day) ? undefined : day;
  }

  /** The part of today an earlier process stored (a restart): merged into `aggregates()` and `panel()`. */
  carry(stored: ShadowAggregates): void {
    this.carried = stored;
  }

  resetDay(): void {
    this.journal.resetDay();
    this.carried = undefined;
    this.rejectionBase = this.bench.rejections();
  }

  private dayRejections(): Record<string, number> {
    const now = this.bench.rejections();
    return Object.fromEntries(Object.entries(now).map(([label, n]) => [label, n - (this.rejectionBase[label] ?? 0)]));
  }

  private ownResting(slug: string): OwnRestingOrder[] {
    const t = this.liveTracker;
    if (!t) return [];
    const out: OwnRestingOrder[] = [];
    for (const o of t.restingOrders({ marketSlug: slug })) {
      const price = o.request.price;
      if (price === undefined) continue;
      out.push({ buysLong: INTENT_EFFECT[o.request.intent].buysLong, price: price as PriceMicros, qty: o.leavesQty });
    }
    return out;
  }

  private currentBooks(): VenueEvent[] {
    const now = this.deps.clock.now();
    const out: VenueEvent[] = [];
    for (const slug of this.deps.markets()) {
      const b = this.deps.book(slug);
      if (!b) continue;
      out.push({ type: 'book', marketSlug: slug, bids: b.levels('bid'), asks: b.levels('ask'), state: b.state, transactTime: b.transactTime, snapshot: true, receivedAt: now });
    }
    return out;
  }
}
