/**
 * The risk manager: every signal passes here before the executor sees it. The checks run in the documented order (docs/architecture.md):
 *
 *   0. invalid_signal   malformed input (price off (0, 1) or off the tick, quantity not a positive integer, …)
 *   1. circuit_breaker  kill switch blocks everything; a tripped loss breaker blocks opening trades
 *   2. position_limit   per-market exposure limit, the strategy's max_position (a per-market cap on the
 *                       exposure it may build) and the portfolio limit
 *   3. correlation      every correlated group (same game, same team) under max_correlated_exposure
 *   4. kelly            fractional Kelly size of the trade on its edge NET of the fee at the signal's price
 *                       (taker fee, or maker rebate for a post-only quote; 0 = no net edge → rejected)
 *   5. min_size         the Kelly size, then the clamped size, must be worth min_trade_size and ≥ the
 *                       market's minimum quantity
 *   → approved with quantity = min(signal, Kelly, every remaining limit above)
 *
 * Reducing trades (SELL_YES on a long, SELL_NO on a short) lower exposure, so they skip the limits, Kelly
 * and the USD minimum, pass a tripped loss breaker (the bot must be able to get flat), and are clamped to
 * the contracts held minus those already offered by open reducing orders. Only the kill switch stops them.
 *
 * Exposure is worst-case loss (see exposure-monitor.ts). An approved signal must be registered as an open
 * order in the RiskView before the next call (the order tracker does this synchronously on submit).
 * Every decision is counted as `risk.decision{check,strategy}` at once, and logged with its reason (info)
 * off the order path: the lines are queued, in order, and written once the turn's order requests have gone
 * out — by a setImmediate scheduled after the current job's microtasks, so after the executor's batch flush
 * too (a log line costs several µs, and the approved one used to precede every order's bytes).
 */
import { ONE_CONTRACT, formatQuantity, qtyTimesMicros, roundToStep, type Qty } from '../domain/quantity.js';
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../domain/money.js';
import type { MarketInfo } from '../domain/market.js';
import type { Signal, SignalAction } from '../domain/signal.js';
import { SIGNAL_ACTIONS } from '../domain/signal.js';
import type { OrderIntent } from '../domain/venue-enums.js';
import type { RiskConfig } from '../config/schema.js';
import { logEnabled, nullLogger, type LogFields, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import type { BreakerVerdict, CircuitBreaker } from './circuit-breaker.js';
import { CorrelationChecker } from './correlation-checker.js';
import { ExposureLedger, type WatchableRiskView } from './exposure-ledger.js';
import { ExposureMonitor, OPEN_ORDER_STATUSES, headroomQty, remainingQty } from './exposure-monitor.js';
import { DEFAULT_FEE_MODEL, feePerContract, type FeeModel } from '../state/market-fees.js';
import { costPerContract, kellyContracts, netKellyEdge, type KellySide } from './position-sizer.js';
import type { RiskView } from './risk-view.js';

export type RiskCheck = 'invalid_signal' | 'circuit_breaker' | 'position_limit' | 'correlation' | 'kelly' | 'min_size' | 'approved';

/** Read-only: a decision may be shared (the breaker's refusals are one frozen object while it holds). */
export interface RiskDecision {
  readonly approved: boolean;
  /** The signal to execute (quantity possibly reduced), when approved. */
  readonly signal?: Signal;
  readonly reason: string;
  readonly check: RiskCheck;
}

export type RiskLimits = Pick<RiskConfig, 'maxPositionPerMarket' | 'maxPortfolioExposure' | 'maxCorrelatedExposure' | 'kellyFraction' | 'minTradeSize'>;

export interface RiskManagerOptions {
  limits: RiskLimits;
  view: RiskView;
  breaker: CircuitBreaker;
  /** Per-strategy cap on the exposure the strategy may build in one market (its `max_position`). */
  strategyMaxPosition?: Readonly<Record<string, Micros | undefined>>;
  /** The markets' fee coefficients for Kelly's net edge (default: the venue's default schedule). */
  fees?: FeeModel;
  /** Clock for the fee schedule's dated changes (default: the signal's createdAt). */
  now?: () => number;
  logger?: Logger;
  metrics?: Metrics;
  /** Keep exposure incrementally when the view can be watched (default true); false = full scans. */
  incrementalExposure?: boolean;
}

/** The strategies' `max_position` settings, keyed by strategy name. */
export function strategyMaxPositions(strategies: {
  marketMaker: { maxPosition?: Micros };
  liveArbitrage: { maxPosition: Micros };
  statisticalEdge: { maxPosition?: Micros };
}): Record<string, Micros | undefined> {
  return {
    market_maker: strategies.marketMaker.maxPosition,
    live_arbitrage: strategies.liveArbitrage.maxPosition,
    statistical_edge: strategies.statisticalEdge.maxPosition,
  };
}

interface ActionShape {
  opens: boolean;
  buysLong: boolean;
  /** The contract bought (opening) or sold (reducing). */
  side: KellySide;
  intent: OrderIntent;
}

export const ACTION_SHAPE: Readonly<Record<SignalAction, ActionShape>> = {
  BUY_YES: { opens: true, buysLong: true, side: 'YES', intent: 'ORDER_INTENT_BUY_LONG' },
  BUY_NO: { opens: true, buysLong: false, side: 'NO', intent: 'ORDER_INTENT_BUY_SHORT' },
  SELL_YES: { opens: false, buysLong: false, side: 'YES', intent: 'ORDER_INTENT_SELL_LONG' },
  SELL_NO: { opens: false, buysLong: true, side: 'NO', intent: 'ORDER_INTENT_SELL_SHORT' },
};

/**
 * An opening trade approved for less than it asked. Its reason text is built when first read (the decision
 * log line, written after the order has gone out; a report): never on the way to the order.
 */
class ReducedApproval implements RiskDecision {
  readonly approved = true;
  readonly check = 'approved';
  private text: string | undefined;

  constructor(
    readonly signal: Signal,
    private readonly asked: Qty,
    private readonly qty: Qty,
    private readonly boundWhat: string,
    private readonly onGrid: boolean,
  ) {}

  get reason(): string {
    return (this.text ??= `approved, reduced from ${formatQuantity(this.asked)} to ${formatQuantity(this.qty)} by ${this.boundWhat}${this.onGrid ? ' (on the market size grid)' : ''}`);
  }
}

/** Decision log lines kept for the deferred write at most; beyond, they are written at once. */
const MAX_PENDING_LOG_LINES = 1_000;

const usd = (m: Micros) => (m / ONE_DOLLAR).toFixed(2);

export class RiskManager {
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  readonly exposure: ExposureMonitor;
  readonly correlation: CorrelationChecker;
  /**
   * The incremental figures the checks read when the view can be watched (the engine's can); otherwise the
   * full scans of `exposure` and `correlation`, which stay the reference either way.
   */
  readonly ledger: ExposureLedger | undefined;

  /** Decision log lines not written yet (see the header): message, signal and decision, side by side. */
  private readonly pendingMsgs: string[] = [];
  private readonly pendingSignals: Signal[] = [];
  private readonly pendingDecisions: RiskDecision[] = [];

  constructor(private readonly opts: RiskManagerOptions) {
    this.logger = opts.logger ?? nullLogger;
    this.metrics = opts.metrics ?? nullMetrics;
    this.exposure = new ExposureMonitor(opts.view);
    this.correlation = new CorrelationChecker(opts.view, this.exposure);
    const view = opts.view;
    this.ledger = view.watchExposure && opts.incrementalExposure !== false ? new ExposureLedger(view as WatchableRiskView, this.correlation) : undefined;
  }

  validateTrade(signal: Signal): RiskDecision {
    // Read once: nothing below changes the market directory.
    const info = this.opts.view.marketInfo(signal.marketSlug);
    const invalid = this.malformed(signal, info);
    if (invalid) return this.decide(signal, { approved: false, check: 'invalid_signal', reason: invalid });
    const shape = ACTION_SHAPE[signal.action];
    const view = this.opts.view;

    // 1. Circuit breaker. A tripped one stays tripped whatever the PnL: the PnL is worked out only when read.
    const breaker = this.opts.breaker;
    const verdict = breaker.readsPnl() ? breaker.evaluate(view.dailyPnl()) : breaker.verdict();
    if (shape.opens ? !verdict.allowOpening : !verdict.allowReducing) return this.decide(signal, this.breakerDecision(verdict));

    if (!shape.opens) return this.validateReducing(signal, shape);

    const limits = this.opts.limits;
    const price = signal.price;
    const cost = costPerContract(shape.side, price);
    const replaced = signal.replacesOrderId;
    // The ledger answers the market's loss and the other markets' exposure in one call (read both before any
    // other call to it: the answer is its own, reused).
    const checked = this.ledger?.check(signal.marketSlug, replaced);
    const loss = checked ?? this.exposure.marketLoss(signal.marketSlug, replaced);
    const current = Math.max(loss.ifYes, loss.ifNo);
    const sideLoss = shape.buysLong ? loss.ifNo : loss.ifYes;
    // The smallest cap so far and what set it (the first of equal caps wins); named only when it binds.
    let boundQty: Qty = signal.quantity;
    let boundWhat = 'signal quantity';

    // 2. Position limits: per market, the strategy's own cap, the portfolio.
    const perMarket = headroomQty(sideLoss, 0, limits.maxPositionPerMarket, cost);
    if (current >= limits.maxPositionPerMarket || perMarket === 0) {
      return this.decide(signal, {
        approved: false,
        check: 'position_limit',
        reason: `market exposure ${usd(current)} USD leaves no room for one contract under max_position_per_market ${usd(limits.maxPositionPerMarket)} USD`,
      });
    }
    if (perMarket < boundQty) {
      boundQty = perMarket;
      boundWhat = 'max_position_per_market';
    }
    const strategyMax = this.opts.strategyMaxPosition?.[signal.strategyName];
    if (strategyMax !== undefined) {
      const q = headroomQty(sideLoss, 0, strategyMax, cost);
      if (current >= strategyMax || q === 0) {
        return this.decide(signal, {
          approved: false,
          check: 'position_limit',
          reason: `market exposure ${usd(current)} USD leaves no room under ${signal.strategyName}.max_position ${usd(strategyMax)} USD`,
        });
      }
      if (q < boundQty) {
        boundQty = q;
        boundWhat = `${signal.strategyName}.max_position`;
      }
    }
    // The other markets' exposure, for the portfolio and every correlated group (keys[i]: groups[i]), in one
    // pass; the full scan's map read as the ledger's arrays (its keys in their order).
    let otherMarkets: Micros;
    let keys: readonly string[];
    let groups: readonly Micros[];
    if (checked) {
      otherMarkets = checked.portfolio;
      keys = checked.keys;
      groups = checked.groups;
    } else {
      const others = this.correlation.othersExposure(signal.marketSlug);
      otherMarkets = others.portfolio;
      keys = [...others.byKey.keys()];
      groups = [...others.byKey.values()];
    }
    const portfolio = headroomQty(sideLoss, otherMarkets, limits.maxPortfolioExposure, cost);
    if (otherMarkets + current >= limits.maxPortfolioExposure || portfolio === 0) {
      return this.decide(signal, {
        approved: false,
        check: 'position_limit',
        reason: `portfolio exposure ${usd(otherMarkets + current)} USD leaves no room under max_portfolio_exposure ${usd(limits.maxPortfolioExposure)} USD`,
      });
    }
    if (portfolio < boundQty) {
      boundQty = portfolio;
      boundWhat = 'max_portfolio_exposure';
    }

    // 3. Correlated exposure, each of the market's groups in keys' order.
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const group = groups[i] as Micros;
      const q = headroomQty(sideLoss, group, limits.maxCorrelatedExposure, cost);
      if (group + current >= limits.maxCorrelatedExposure || q === 0) {
        return this.decide(signal, {
          approved: false,
          check: 'correlation',
          reason: `correlated exposure of ${key} is ${usd(group + current)} USD: no room under max_correlated_exposure ${usd(limits.maxCorrelatedExposure)} USD`,
        });
      }
      if (q < boundQty) {
        boundQty = q;
        boundWhat = `max_correlated_exposure (${key})`;
      }
    }

    // 4. Kelly sizing, on the edge net of the fee this order would pay (or the rebate it would earn).
    const rates = (this.opts.fees ?? DEFAULT_FEE_MODEL).ratesFor(signal.marketSlug, this.opts.now?.() ?? signal.createdAt);
    const fee = feePerContract(signal.postOnly ? 'MAKER' : 'TAKER', price, rates);
    const kelly = kellyContracts({
      side: shape.side,
      price,
      fairProbability: signal.fairProbability,
      kellyFraction: limits.kellyFraction,
      bankroll: view.bankroll(),
      feePerContract: fee,
    });
    if (kelly <= 0) {
      const net = netKellyEdge(shape.side, price, signal.fairProbability, fee);
      return this.decide(signal, {
        approved: false,
        check: 'kelly',
        reason: `no Kelly edge buying ${shape.side} at ${price} with fair P(YES) ${signal.fairProbability} after a fee of ${fee} micros per contract (net edge ${net} micros) and bankroll ${usd(view.bankroll())} USD`,
      });
    }
    if (kelly < boundQty) {
      boundQty = kelly;
      boundWhat = 'Kelly size';
    }

    // 5. Minimum trade size (on the Kelly size, on the market's size grid: its minimum is its increment).
    const minQty = Math.max(1, info?.minQty ?? ONE_CONTRACT);
    const kellyOnGrid = roundToStep(kelly, minQty, 'down');
    if (qtyTimesMicros(kellyOnGrid, cost, 'down') < limits.minTradeSize || kellyOnGrid < minQty) {
      return this.decide(signal, {
        approved: false,
        check: 'min_size',
        reason: `Kelly size ${formatQuantity(kellyOnGrid)} contracts (${usd(qtyTimesMicros(kellyOnGrid, cost, 'down'))} USD) is below min_trade_size ${usd(limits.minTradeSize)} USD or the market minimum ${formatQuantity(minQty)}`,
      });
    }

    // Clamp to every limit, then down to the market's size grid.
    const qty = roundToStep(boundQty, minQty, 'down');
    if (qtyTimesMicros(qty, cost, 'down') < limits.minTradeSize || qty < minQty) {
      return this.decide(signal, {
        approved: false,
        check: 'min_size',
        reason: `after clamping to ${boundWhat} the trade is ${formatQuantity(qty)} contracts (${usd(qtyTimesMicros(qty, cost, 'down'))} USD), below min_trade_size ${usd(limits.minTradeSize)} USD or the market minimum ${formatQuantity(minQty)}`,
      });
    }
    if (qty === signal.quantity) return this.decide(signal, { approved: true, signal, check: 'approved', reason: 'approved as asked' });
    const approved = { ...signal, quantity: qty };
    return this.decide(approved, new ReducedApproval(approved, signal.quantity, qty, boundWhat, qty < boundQty));
  }

  private validateReducing(signal: Signal, shape: ActionShape): RiskDecision {
    const view = this.opts.view;
    const pos = view.position(signal.marketSlug);
    const held = pos && pos.side === shape.side ? pos.quantity : 0;
    let offered = 0;
    for (const o of view.openOrders(signal.marketSlug)) {
      if (!OPEN_ORDER_STATUSES.has(o.status) || o.request.intent !== shape.intent) continue;
      if (signal.replacesOrderId !== undefined && (o.orderId === signal.replacesOrderId || o.localId === signal.replacesOrderId)) continue;
      offered += remainingQty(o);
    }
    const available = Math.max(0, held - offered);
    if (available === 0) {
      return this.decide(signal, {
        approved: false,
        check: 'position_limit',
        reason: `nothing to reduce: ${formatQuantity(held)} ${shape.side} contracts held, ${formatQuantity(offered)} already offered by open orders`,
      });
    }
    const qty = Math.min(signal.quantity, available);
    const approved = qty === signal.quantity ? signal : { ...signal, quantity: qty };
    return this.decide(approved, {
      approved: true,
      signal: approved,
      check: 'approved',
      reason: qty === signal.quantity ? 'reducing trade approved' : `reducing trade clamped from ${formatQuantity(signal.quantity)} to the ${formatQuantity(qty)} contracts available`,
    });
  }

  private malformed(s: Signal, info: MarketInfo | undefined): string | undefined {
    if (!s.marketSlug) return 'signal has no market';
    if (!(SIGNAL_ACTIONS as readonly string[]).includes(s.action)) return `unknown action ${String(s.action)}`;
    if (!Number.isSafeInteger(s.price) || s.price <= 0 || s.price >= ONE_DOLLAR) return `price ${s.price} is not an integer micros price strictly inside (0, 1)`;
    const tick: PriceMicros = info?.tick ?? 0;
    if (tick > 0 && s.price % tick !== 0) return `price ${s.price} is not on the market tick ${tick}`;
    if (!Number.isSafeInteger(s.quantity) || s.quantity <= 0) return `quantity ${s.quantity} is not a positive whole number of hundredths of a contract`;
    if (!Number.isFinite(s.fairProbability) || s.fairProbability < 0 || s.fairProbability > 1) return `fairProbability ${s.fairProbability} is not in [0, 1]`;
    if (!Number.isFinite(s.confidence) || s.confidence < 0 || s.confidence > 1) return `confidence ${s.confidence} is not in [0, 1]`;
    return undefined;
  }

  private decide(signal: Signal, d: RiskDecision): RiskDecision {
    this.metrics.increment('risk.decision', 1, this.decisionDimensions(d.check, String(signal.strategyName)));
    if (!logEnabled(this.logger, 'info')) return d;
    // The line's fields are made when it is written, from the decision and the signal (never changed once
    // made: the risk check's answer is the executor's to read).
    if (this.pendingMsgs.length === 0) queueMicrotask(this.scheduleLogs);
    // A caller that never yields (a synchronous loop) must not pile lines up: past a bound, write them now.
    else if (this.pendingMsgs.length >= MAX_PENDING_LOG_LINES) this.writeLogs();
    this.pendingMsgs.push(d.approved ? 'risk approved' : 'risk rejected');
    this.pendingSignals.push(signal);
    this.pendingDecisions.push(d);
    return d;
  }

  /** The breaker's refusal, one frozen decision per verdict (the verdict is the same object while it holds). */
  private blockedBy: BreakerVerdict | undefined;
  private blockedDecision: RiskDecision | undefined;

  private breakerDecision(verdict: BreakerVerdict): RiskDecision {
    if (this.blockedBy !== verdict || this.blockedDecision === undefined) {
      this.blockedBy = verdict;
      this.blockedDecision = Object.freeze({ approved: false, check: 'circuit_breaker', reason: verdict.reason });
    }
    return this.blockedDecision;
  }

  /** The decision counter's dimensions per check and strategy, made once each (metrics never keep them). */
  private readonly decisionDims = new Map<string, Map<RiskCheck, Readonly<{ check: RiskCheck; strategy: string }>>>();

  /** The last dimensions handed out (most decisions in a row share check and strategy). */
  private lastDims: Readonly<{ check: RiskCheck; strategy: string }> | undefined;

  private decisionDimensions(check: RiskCheck, strategy: string): Readonly<{ check: RiskCheck; strategy: string }> {
    const last = this.lastDims;
    if (last !== undefined && last.check === check && last.strategy === strategy) return last;
    let byCheck = this.decisionDims.get(strategy);
    if (byCheck === undefined) this.decisionDims.set(strategy, (byCheck = new Map()));
    let dims = byCheck.get(check);
    if (dims === undefined) byCheck.set(check, (dims = Object.freeze({ check, strategy })));
    this.lastDims = dims;
    return dims;
  }

  private readonly scheduleLogs = (): void => void setImmediate(this.writeLogs);

  private readonly writeLogs = (): void => {
    const msgs = this.pendingMsgs;
    const signals = this.pendingSignals;
    const decisions = this.pendingDecisions;
    for (let i = 0; i < msgs.length; i++) {
      const d = decisions[i] as RiskDecision;
      const signal = signals[i] as Signal;
      const fields: LogFields = {
        check: d.check,
        reason: d.reason,
        strategy: signal.strategyName,
        market: signal.marketSlug,
        action: signal.action,
        price: signal.price,
        quantity: signal.quantity,
      };
      this.logger.info(msgs[i] as string, fields);
    }
    msgs.length = 0;
    signals.length = 0;
    decisions.length = 0;
  };
}
