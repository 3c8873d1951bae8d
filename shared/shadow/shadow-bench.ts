/**
 * The paper exchanges that run beside the live account in shadow mode: the primary one with the configured
 * model (trading.paper.*), and one per candidate value of the queue and the latency parameters (the others
 * held at their configured values), so the calibration can say which value would have made paper match live
 * (calibration.ts). Each receives every mirrored order, cancel and modify at the moment the live account does,
 * and the same public feed less the live account's own resting orders (own-orders.ts). Their fills go to the
 * shadow journal only — never to PnL, risk or persistence.
 *
 * A twin's account starts with SHADOW_PAPER_BALANCE: the live account already funded these orders, so a twin
 * must not refuse one for money (a paper refusal for any other reason — post-only cross, market not open — is
 * part of the comparison). A twin that throws is logged and counted (`shadow.twin_error`), never passed on.
 */
import type { Clock } from '../domain/clock.js';
import type { FeeSchedule } from '../domain/fees.js';
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type { Qty } from '../domain/quantity.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { FeeRatesLookup } from '../execution/fill-fees.js';
import type { MarketRules } from '../execution/order-builder.js';
import type { Scheduler } from '../execution/scheduler.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { PaperExchange } from '../paper/paper-exchange.js';
import { withoutOwnOrders, type OwnRestingOrder } from './own-orders.js';
import { PRIMARY_PAPER, type JournalOrder, type ShadowJournal } from './shadow-journal.js';

/** The paper model's parameters a shadow day compares (trading.paper.*, in ms and a 0..1 share). */
export interface PaperModel {
  orderLatencyMs: number;
  cancelLatencyMs: number;
  marketDataDelayMs: number;
  queueAheadFraction: number;
}

export interface ShadowGrid {
  /** Candidate queue-ahead fractions (0..1). */
  queueFractions: readonly number[];
  /** Candidate latencies as multiples of the configured order and cancel latencies. */
  latencyFactors: readonly number[];
  /** Candidate order latencies (ms) used instead of factors when the configured latency is 0. */
  latenciesWhenZeroMs: readonly number[];
}

export const DEFAULT_SHADOW_GRID: ShadowGrid = {
  queueFractions: [0, 0.25, 0.5, 0.75, 1],
  latencyFactors: [0, 0.5, 1, 2, 4],
  latenciesWhenZeroMs: [0, 25, 50, 100, 200],
};

/** USD 1,000,000: the twins' starting balance (see above). */
export const SHADOW_PAPER_BALANCE: Micros = 1_000_000 * ONE_DOLLAR;

export type TwinKind = 'primary' | 'queue' | 'latency';

export interface TwinSpec {
  label: string;
  kind: TwinKind;
  model: PaperModel;
}

/** The primary twin and the candidates: one per grid value that differs from the configured one. */
export function twinSpecs(base: PaperModel, grid: ShadowGrid = DEFAULT_SHADOW_GRID): TwinSpec[] {
  const specs: TwinSpec[] = [{ label: PRIMARY_PAPER, kind: 'primary', model: base }];
  for (const f of new Set(grid.queueFractions)) {
    if (f < 0 || f > 1 || f === base.queueAheadFraction) continue;
    specs.push({ label: `queue=${f}`, kind: 'queue', model: { ...base, queueAheadFraction: f } });
  }
  const latencies =
    base.orderLatencyMs > 0
      ? [...new Set(grid.latencyFactors)].map((k) => ({ order: Math.round(base.orderLatencyMs * k), cancel: Math.round(base.cancelLatencyMs * k) }))
      : [...new Set(grid.latenciesWhenZeroMs)].map((ms) => ({ order: ms, cancel: ms }));
  const seen = new Set<number>([base.orderLatencyMs]);
  for (const l of latencies) {
    if (l.order < 0 || seen.has(l.order)) continue;
    seen.add(l.order);
    specs.push({ label: `latency=${l.order}ms`, kind: 'latency', model: { ...base, orderLatencyMs: l.order, cancelLatencyMs: l.cancel } });
  }
  return specs;
}

export interface ShadowBenchDeps {
  clock: Clock;
  scheduler: Scheduler;
  base: PaperModel;
  grid?: ShadowGrid;
  fees: FeeSchedule;
  feeRates?: FeeRatesLookup;
  rules: (marketSlug: string) => MarketRules | undefined;
  journal: ShadowJournal;
  /** The live account's resting orders in a market (taken out of the book the twins see). */
  ownResting: (marketSlug: string) => readonly OwnRestingOrder[];
  logger?: Logger;
  metrics?: Metrics;
}

interface Twin {
  spec: TwinSpec;
  exchange: PaperExchange;
  /** Twin order id → journal order, while the twin order works. */
  byTwinId: Map<string, JournalOrder>;
  /** Journal order seq → the twin's order id (a promise: the paper exchange answers on the next microtask). */
  idOf: Map<number, Promise<string | undefined>>;
  rejected: number;
}

const TERMINAL_STATES = new Set(['ORDER_STATE_FILLED', 'ORDER_STATE_CANCELED', 'ORDER_STATE_REJECTED', 'ORDER_STATE_EXPIRED']);

export class ShadowBench {
  private readonly twins: Twin[];
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private active = false;

  constructor(private readonly deps: ShadowBenchDeps) {
    this.logger = deps.logger ?? nullLogger;
    this.metrics = deps.metrics ?? nullMetrics;
    this.twins = twinSpecs(deps.base, deps.grid).map((spec) => {
      const exchange = new PaperExchange({
        clock: deps.clock,
        scheduler: deps.scheduler,
        logger: this.logger.child({ component: `shadow-${spec.label}` }),
        config: {
          startingBalance: SHADOW_PAPER_BALANCE,
          latencyMs: spec.model.orderLatencyMs,
          cancelLatencyMs: spec.model.cancelLatencyMs,
          marketDataDelayMs: spec.model.marketDataDelayMs,
          queueAheadFraction: spec.model.queueAheadFraction,
          cancelModel: 'behind',
          fees: deps.fees,
          ...(deps.feeRates ? { feeRates: deps.feeRates } : {}),
          rules: deps.rules,
        },
      });
      const twin: Twin = { spec, exchange, byTwinId: new Map(), idOf: new Map(), rejected: 0 };
      exchange.onEvent((ev) => this.onTwinEvent(twin, ev));
      return twin;
    });
  }

  specs(): TwinSpec[] {
    return this.twins.map((t) => t.spec);
  }

  /** Orders each twin refused (by label). */
  rejections(): Record<string, number> {
    return Object.fromEntries(this.twins.map((t) => [t.spec.label, t.rejected]));
  }

  isActive(): boolean {
    return this.active;
  }

  /** Starts feeding the twins; `books` are the current books (the twins know nothing before them). */
  activate(books: readonly VenueEvent[]): void {
    this.active = true;
    for (const b of books) this.onMarketEvent(b);
  }

  /** Stops feeding the twins and cancels every twin order (nothing of a shadow period outlives it). */
  deactivate(): void {
    this.active = false;
    for (const t of this.twins) this.guard(t, () => t.exchange.cancelAll());
  }

  /** Public market data (only while active). */
  onMarketEvent(ev: VenueEvent): void {
    if (!this.active) return;
    if (ev.type !== 'book' && ev.type !== 'trade') return;
    const seen = ev.type === 'book' ? withoutOwnOrders(ev, this.deps.ownResting(ev.marketSlug)) : ev;
    for (const t of this.twins) {
      try {
        t.exchange.onMarketEvent(seen);
      } catch (err) {
        this.failed(t, err);
      }
    }
  }

  create(order: JournalOrder, request: OrderRequest): void {
    for (const t of this.twins) {
      const id = t.exchange.createOrder(request).then(
        (r) => {
          t.byTwinId.set(r.orderId, order);
          return r.orderId;
        },
        (err: unknown) => {
          this.failed(t, err);
          return undefined;
        },
      );
      t.idOf.set(order.seq, id);
    }
  }

  cancel(order: JournalOrder): void {
    for (const t of this.twins) this.withId(t, order, (id) => t.exchange.cancelOrder(id, order.marketSlug));
  }

  modify(order: JournalOrder, change: { price?: PriceMicros; quantity?: Qty }): void {
    for (const t of this.twins) this.withId(t, order, (id) => t.exchange.modifyOrder(id, order.marketSlug, change));
  }

  cancelAll(marketSlugs?: string[]): void {
    for (const t of this.twins) this.guard(t, () => t.exchange.cancelAll(marketSlugs));
  }

  private withId(t: Twin, order: JournalOrder, call: (id: string) => Promise<unknown>): void {
    const id = t.idOf.get(order.seq);
    if (!id) return;
    void id.then((x) => {
      // An order the twin has finished (filled, refused) answers "not found": nothing to do.
      if (x !== undefined && t.byTwinId.has(x)) this.guard(t, () => call(x), true);
    });
  }

  private guard(t: Twin, call: () => Promise<unknown>, quietNotFound = false): void {
    call().catch((err: unknown) => {
      if (quietNotFound && (err as { name?: string })?.name === 'NotFoundError') return;
      this.failed(t, err);
    });
  }

  private failed(t: Twin, err: unknown): void {
    this.metrics.increment('shadow.twin_error', 1, { twin: t.spec.label });
    this.logger.warn('shadow paper exchange failed a request; the live account is unaffected', { twin: t.spec.label, err });
  }

  private onTwinEvent(t: Twin, ev: VenueEvent): void {
    if (ev.type !== 'execution') return;
    const x = ev.execution;
    const order = t.byTwinId.get(x.order.id);
    if (!order) return;
    if (x.lastShares !== null && x.lastShares > 0 && x.lastPx !== null) this.deps.journal.onFill(order, t.spec.label, x.lastPx, x.lastShares);
    if (x.type === 'EXECUTION_TYPE_REJECTED') t.rejected++;
    if (TERMINAL_STATES.has(x.order.state)) {
      t.byTwinId.delete(x.order.id);
      t.idOf.delete(order.seq);
    }
  }
}
