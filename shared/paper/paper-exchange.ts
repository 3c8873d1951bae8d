/**
 * The paper exchange: an OrderGateway backed by the fill simulator and the paper portfolio. It emits the same
 * VenueEvents as the real private socket ('execution', 'position', 'balance'), with venue-shaped orders and
 * executions, so nothing else in the engine changes between paper and live.
 *
 * Feed it the market's public events (`onMarketEvent`: 'book' and 'trade') and, when a game ends,
 * `settle(slug, price)`. createOrder answers at once with the order id; the order reaches the simulated book
 * after the configured latency, where it is admitted against buying power (or rejected with an
 * EXECUTION_TYPE_REJECTED execution, as the exchange's risk check would), acknowledged, filled or rested.
 *
 * Money follows the exchange (paper-portfolio.ts): fees at the market's rates with the per-order taker cap,
 * maker rebates at the fill, buying power per instrument. After a fill eats buying power, resting orders no
 * longer funded are cancelled at once with an unsolicited cancel — EXECUTION_TYPE_CANCELED with
 * `unsolicitedCancelReason` — the same shape as the venue's, so the engine cannot tell paper from live.
 * `settle` takes the exchange's settlement price (1 or 0, 0.50 for a tie, the last fair market price, 1/n).
 */
import type { Qty } from '../domain/quantity.js';
import type { Clock } from '../domain/clock.js';
import type { FeeSchedule } from '../domain/fees.js';
import type { FeeRatesLookup } from '../execution/fill-fees.js';
import type { OrderGateway } from '../domain/gateway.js';
import type { Micros, PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import { INTENT_EFFECT, type ExecutionType, type UnsolicitedCancelReason, type VenueOrderState } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { CreateOrderResult, VenueExecution, VenueOrder } from '../domain/venue-models.js';
import { DEFAULT_MARKET_RULES, type MarketRules } from '../execution/order-builder.js';
import type { Scheduler } from '../execution/scheduler.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { NotFoundError } from '../venue/errors.js';
import { FillSimulator, type CancelModel, type SimEvent, type SimOrder } from './fill-simulator.js';
import { PaperPortfolio } from './paper-portfolio.js';

export interface PaperExchangeConfig {
  startingBalance: Micros;
  latencyMs: number;
  /** Latency of a cancel (config `trading.paper.cancel_latency_ms`); default: latencyMs. */
  cancelLatencyMs?: number;
  /** Lag of the market data behind the venue's book (config `trading.paper.market_data_delay_ms`); default 0. */
  marketDataDelayMs?: number;
  /** Share of the visible queue ahead of a resting order (config `trading.paper.queue_ahead_fraction`); default 1. */
  queueAheadFraction?: number;
  cancelModel: CancelModel;
  fees?: FeeSchedule;
  /** Per-market fee rates (the market's feeCoefficient, dated overrides); default: the schedule's. */
  feeRates?: FeeRatesLookup;
  rules?: (marketSlug: string) => MarketRules | undefined;
}

export interface PaperExchangeDeps {
  clock: Clock;
  scheduler: Scheduler;
  config: PaperExchangeConfig;
  logger?: Logger;
  metrics?: Metrics;
}

interface PaperOrderMeta {
  createTime: number;
  state: VenueOrderState;
  goodTillTime: number | null;
}

/** The venue's reason for an order it cancels because the account can no longer fund it. */
export const UNFUNDED_CANCEL_REASON: UnsolicitedCancelReason = 'UNSOLICITED_CXL_REASON_EXCHANGE_OPTION';

export class PaperExchange implements OrderGateway {
  readonly portfolio: PaperPortfolio;
  readonly simulator: FillSimulator;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly fees: FeeSchedule;
  private readonly listeners: ((ev: VenueEvent) => void)[] = [];
  /**
   * The venue's view of each order (created, state, expiry), keyed by the simulator's order: it lives exactly as
   * long as that order (the simulator forgets finished orders when pruned, and a request still travelling to
   * one keeps it), so an always-on paper session does not hold every order it ever sent.
   */
  private readonly meta = new WeakMap<SimOrder, PaperOrderMeta>();
  /** Reasons of cancels the exchange makes on its own, by order id, until the cancel is emitted. */
  private readonly unsolicited = new Map<string, UnsolicitedCancelReason>();
  private orderSeq = 0;
  private execSeq = 0;

  constructor(deps: PaperExchangeDeps) {
    this.clock = deps.clock;
    this.logger = deps.logger ?? nullLogger;
    this.metrics = deps.metrics ?? nullMetrics;
    this.portfolio = new PaperPortfolio({ startingBalance: deps.config.startingBalance, fees: deps.config.fees, feeRates: deps.config.feeRates }, deps.clock);
    this.fees = this.portfolio.feeSchedule;
    this.simulator = new FillSimulator(
      deps.clock,
      deps.scheduler,
      { latencyMs: deps.config.latencyMs, cancelLatencyMs: deps.config.cancelLatencyMs, marketDataDelayMs: deps.config.marketDataDelayMs, queueAheadFraction: deps.config.queueAheadFraction, cancelModel: deps.config.cancelModel, rules: deps.config.rules ?? (() => undefined) },
      {
        admit: (o) =>
          this.portfolio.reserve({ id: o.id, marketSlug: o.marketSlug, intent: o.intent, price: o.type === 'ORDER_TYPE_MARKET' ? null : o.price, quantity: o.quantity, postOnly: o.postOnly }),
        admitModify: (o, change) => this.portfolio.rereserve(o.id, change.price, change.quantity - o.filledQty),
        // cut short on the market's size grid, as the simulator's own rules (and the venue) have it
        fundable: (o, qty, price, liquidity) =>
          this.portfolio.fundableQty({ orderId: o.id, marketSlug: o.marketSlug, intent: o.intent, qty, price, liquidity }, (deps.config.rules?.(o.marketSlug) ?? DEFAULT_MARKET_RULES).minQty),
      },
    );
    this.simulator.onEvent((e) => this.onSimEvent(e));
  }

  /** Subscribes to the private-channel events (execution, position, balance). */
  onEvent(listener: (ev: VenueEvent) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1);
  }

  /** Public market data in: books and trades drive the simulation. */
  onMarketEvent(ev: VenueEvent): void {
    this.simulator.onMarketEvent(ev);
  }

  async createOrder(request: OrderRequest): Promise<CreateOrderResult> {
    const id = `paper-${++this.orderSeq}`;
    const goodTillTime = request.tif === 'TIME_IN_FORCE_GOOD_TILL_DATE' ? (request.goodTillTime ?? null) : null;
    const createTime = this.clock.now();
    // submit emits nothing before it returns: the order's first event finds its view in place.
    const order = this.simulator.submit({
      id,
      marketSlug: request.marketSlug,
      intent: request.intent,
      type: request.type,
      price: request.price ?? null,
      quantity: request.quantity,
      tif: request.tif,
      postOnly: request.postOnly,
      goodTillTime,
    });
    this.meta.set(order, { createTime, state: 'ORDER_STATE_PENDING_NEW', goodTillTime });
    this.metrics.increment('paper.orders');
    return { orderId: id, executions: [], recovered: false };
  }

  async cancelOrder(orderId: string, _marketSlug: string): Promise<void> {
    if (!this.simulator.cancel(orderId)) throw this.notFound(orderId, 'POST /v1/order/{id}/cancel');
  }

  async modifyOrder(orderId: string, _marketSlug: string, change: { price?: PriceMicros; quantity?: Qty }): Promise<void> {
    if (!this.simulator.modify(orderId, change)) throw this.notFound(orderId, 'POST /v1/order/{id}/modify');
  }

  async cancelAll(marketSlugs?: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const o of this.simulator.workingOrders()) {
      if (marketSlugs && !marketSlugs.includes(o.marketSlug)) continue;
      if (this.simulator.cancel(o.id)) ids.push(o.id);
    }
    return ids;
  }

  /** Orders resting on the simulated book (not those still travelling to it, which the venue cannot know). */
  async openOrders(marketSlugs?: string[]): Promise<VenueOrder[]> {
    return this.simulator
      .restingOrders()
      .filter((o) => !marketSlugs || marketSlugs.includes(o.marketSlug))
      .map((o) => this.venueOrder(o));
  }

  /**
   * Cancels working orders on the exchange's own initiative, as the venue does on a lost connection, a logout
   * or maintenance: each gets EXECUTION_TYPE_CANCELED with `unsolicitedCancelReason`. Returns the ids cancelled.
   */
  cancelUnsolicited(orderIds: readonly string[], reason: UnsolicitedCancelReason = 'UNSOLICITED_CXL_REASON_OTHER'): string[] {
    for (const id of orderIds) this.unsolicited.set(id, reason);
    const done = this.simulator.cancelNow(orderIds, 'exchange').map((o) => o.id);
    for (const id of orderIds) this.unsolicited.delete(id);
    return done;
  }

  /**
   * Settles a market (its game ended) at the exchange's settlement price per long contract (1 − S per short):
   * cancels its orders, pays out, realizes PnL.
   */
  settle(marketSlug: string, settlementPrice: PriceMicros): { payout: Micros; realized: Micros } {
    this.simulator.closeMarket(marketSlug);
    const result = this.portfolio.settle(marketSlug, settlementPrice);
    this.metrics.increment('paper.settlements');
    this.emitPosition(marketSlug);
    this.emitBalance();
    return result;
  }

  balance(): { balance: Micros; buyingPower: Micros } {
    return { balance: this.portfolio.cash, buyingPower: this.portfolio.buyingPower() };
  }

  // ---------------------------------------------------------------------------------------------------------

  private onSimEvent(e: SimEvent): void {
    const o = e.order;
    switch (e.type) {
      case 'accepted':
        this.setState(o, 'ORDER_STATE_NEW');
        this.emitExecution(o, 'EXECUTION_TYPE_NEW');
        this.emitBalance();
        return;
      case 'fill': {
        const applied = this.portfolio.applyFill({
          orderId: o.id,
          marketSlug: o.marketSlug,
          intent: o.intent,
          qty: e.fill.qty,
          price: e.fill.price,
          liquidity: e.fill.liquidity,
        });
        const done = o.filledQty >= o.quantity;
        this.setState(o, done ? 'ORDER_STATE_FILLED' : 'ORDER_STATE_PARTIALLY_FILLED');
        this.emitExecution(o, done ? 'EXECUTION_TYPE_FILL' : 'EXECUTION_TYPE_PARTIAL_FILL', {
          lastShares: e.fill.qty,
          lastPx: e.fill.price,
          aggressor: e.fill.liquidity === 'TAKER',
          commissionNotionalCollected: applied.fee,
          tradeId: `paper-trade-${this.execSeq + 1}`,
        });
        this.metrics.increment('paper.fills', 1, { liquidity: e.fill.liquidity });
        this.emitPosition(o.marketSlug);
        this.cancelUnfunded();
        this.emitBalance();
        return;
      }
      case 'done': {
        this.portfolio.release(o.id);
        if (e.reason === 'filled') return;
        const expired = e.reason === 'unfilled_fok' || e.reason === 'expired';
        this.setState(o, expired ? 'ORDER_STATE_EXPIRED' : 'ORDER_STATE_CANCELED');
        const unsolicited = e.reason === 'unfunded' ? UNFUNDED_CANCEL_REASON : e.reason === 'exchange' ? (this.unsolicited.get(o.id) ?? 'UNSOLICITED_CXL_REASON_OTHER') : null;
        if (unsolicited) this.metrics.increment('paper.unsolicited_cancels', 1, { reason: e.reason });
        this.emitExecution(o, expired ? 'EXECUTION_TYPE_EXPIRED' : 'EXECUTION_TYPE_CANCELED', { text: e.reason, unsolicitedCancelReason: unsolicited });
        this.emitBalance();
        return;
      }
      case 'rejected':
        this.portfolio.release(o.id);
        this.setState(o, 'ORDER_STATE_REJECTED');
        this.metrics.increment('paper.rejects');
        this.logger.info('paper order rejected', { orderId: o.id, reason: e.reason });
        this.emitExecution(o, 'EXECUTION_TYPE_REJECTED', { orderRejectReason: e.reason, text: e.reason });
        return;
      case 'replaced':
        this.emitExecution(o, 'EXECUTION_TYPE_REPLACE');
        this.emitBalance();
        return;
      case 'request_rejected':
        this.emitExecution(o, 'EXECUTION_TYPE_REJECTED', { orderRejectReason: e.reason, text: `${e.request} rejected: ${e.reason}` });
        return;
    }
  }

  /** After a fill: the exchange cancels resting orders the account no longer funds (unsolicited). */
  private cancelUnfunded(): void {
    if (this.portfolio.buyingPower() >= 0) return;
    const ids = this.portfolio.unfundedOrderIds();
    this.logger.info('paper exchange cancels unfunded orders', { orderIds: ids, buyingPower: this.portfolio.buyingPower() });
    this.simulator.cancelNow(ids, 'unfunded');
  }

  private setState(o: SimOrder, state: VenueOrderState): void {
    const m = this.meta.get(o);
    if (m) m.state = state;
  }

  private venueOrder(o: SimOrder): VenueOrder {
    const m = this.meta.get(o);
    return {
      id: o.id,
      marketSlug: o.marketSlug,
      side: INTENT_EFFECT[o.intent].side,
      type: o.type,
      price: o.type === 'ORDER_TYPE_MARKET' ? null : o.price,
      quantity: o.quantity,
      cumQuantity: o.filledQty,
      leavesQuantity: o.status === 'done' ? 0 : o.quantity - o.filledQty,
      tif: o.tif,
      goodTillTime: m?.goodTillTime ?? null,
      intent: o.intent,
      state: m?.state ?? 'ORDER_STATE_NEW',
      avgPx: o.filledQty > 0 ? Math.round(o.filledNotional / o.filledQty) : null,
      createTime: m?.createTime ?? null,
      commissionsBasisPoints: null,
      makerCommissionsBasisPoints: null,
    };
  }

  /** `extra` overrides fields of the literal below (all of them there already, so the key order stays). */
  private emitExecution(o: SimOrder, type: ExecutionType, extra?: Partial<VenueExecution>): void {
    const execution: VenueExecution = {
      id: `paper-exec-${++this.execSeq}`,
      order: this.venueOrder(o),
      lastShares: null,
      lastPx: null,
      type,
      text: null,
      orderRejectReason: null,
      transactTime: this.clock.now(),
      tradeId: null,
      aggressor: null,
      commissionNotionalCollected: null,
      unsolicitedCancelReason: null,
    };
    // Assigned after the literal, not spread into it (a spread in a literal is a runtime call per execution).
    if (extra !== undefined) Object.assign(execution, extra);
    this.emit({ type: 'execution', execution, receivedAt: this.clock.now() });
  }

  private emitPosition(marketSlug: string): void {
    this.emit({ type: 'position', position: this.portfolio.toVenuePosition(marketSlug), receivedAt: this.clock.now() });
  }

  private emitBalance(): void {
    this.emit({ type: 'balance', balance: this.portfolio.cash, buyingPower: this.portfolio.buyingPower(), receivedAt: this.clock.now() });
  }

  private emit(ev: VenueEvent): void {
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch (err) {
        this.logger.error('paper exchange listener threw', { err });
      }
    }
  }

  private notFound(orderId: string, endpoint: string): NotFoundError {
    return new NotFoundError(`order ${orderId} not found or no longer working`, { status: 404, endpoint });
  }
}
