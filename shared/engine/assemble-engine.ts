/**
 * Builds the whole engine (state, strategies, aggregator, risk, executors, paper exchange, PnL) from the
 * configuration, with no I/O: the bot adds sockets and streams around it, the backtest a recorded event
 * source, the tests a scripted one. The same object runs paper and live; only the executor's gateway differs.
 *
 * Routing of exchange events:
 *  - public market events (book, bbo, trade) → state manager, paper exchange (its fill simulator), PnL marks;
 *  - private events (execution, position, balance, orders snapshot) come from the live socket in live mode
 *    and from the paper exchange in paper mode, and go to the active executor and the state manager. Private
 *    events of the inactive source are dropped, so one mode never sees the other's fills.
 *
 * Shadow mode trades the live account exactly as live mode does (the live executor, its PnL, risk, breaker
 * and persistence); in addition every request of the live executor is copied to paper exchanges beside it
 * (shared/shadow/: the mirror gateway in front of the live gateway), whose fills go only to the shadow journal
 * and its calibration panel (`shadow.panel()`). Switching live ↔ shadow only starts or stops the copy;
 * leaving shadow cancels the paper copies' orders.
 *
 * The bot's own resting orders: while the live account trades (live, shadow) the venue's public book shows
 * them, so the executable marks of the state manager (PnL, breaker) and of the performance tracker (reports)
 * close against the books without the live tracker's open orders (shared/state/own-resting-orders.ts). In
 * paper mode, and without a live gateway (replays), there is nothing to take out.
 */
import type { Clock } from '../domain/clock.js';
import type { FeedEvent } from '../domain/feed-events.js';
import type { OrderGateway } from '../domain/gateway.js';
import type { Micros } from '../domain/money.js';
import type { MarketInfo } from '../domain/market.js';
import type { Fill } from '../domain/order.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { VenuePosition } from '../domain/venue-models.js';
import { tradingAccount, type AppConfig, type TradingAccount, type TradingMode } from '../config/schema.js';
import { OrderExecutor } from '../execution/executor.js';
import { marketRulesOf } from '../execution/order-builder.js';
import { OrderTracker } from '../execution/order-tracker.js';
import type { Scheduler } from '../execution/scheduler.js';
import { createConsensusFn } from '../feeds/fair-value/consensus.js';
import { winProbabilityForGame } from '../feeds/fair-value/win-probability.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { PaperExchange } from '../paper/paper-exchange.js';
import { PerformanceTracker } from '../paper/performance-tracker.js';
import { ShadowSession } from '../shadow/shadow-session.js';
import { CircuitBreaker, type CircuitBreakerState } from '../risk/circuit-breaker.js';
import { RiskManager, strategyMaxPositions, type RiskDecision } from '../risk/risk-manager.js';
import { EventBus } from '../state/event-bus.js';
import type { EngineEvents } from '../state/engine-events.js';
import type { MarketDirectory } from '../state/market-directory.js';
import { ScheduleFeeModel, type FeeModel } from '../state/market-fees.js';
import { OwnRestingOrders } from '../state/own-resting-orders.js';
import { StateManager } from '../state/state-manager.js';
import type { BaseStrategy } from '../strategies/base-strategy.js';
import { LiveArbitrage } from '../strategies/live-arbitrage.js';
import { MarketMaker } from '../strategies/market-maker.js';
import { SignalAggregator } from '../strategies/signal-aggregator.js';
import { StatisticalEdge } from '../strategies/statistical-edge.js';
import type { Signal } from '../domain/signal.js';
import { DailyPnlMonitor } from './daily-pnl.js';
import { EngineView } from './engine-view.js';
import type { Holdings } from './breaker-stand-down.js';
import { TradingEngine } from './trading-engine.js';

export const STRATEGY_NAMES = ['market_maker', 'live_arbitrage', 'statistical_edge'] as const;
export type StrategyKey = (typeof STRATEGY_NAMES)[number];

export interface EngineAssemblyOptions {
  config: AppConfig;
  clock: Clock;
  scheduler: Scheduler;
  directory: MarketDirectory;
  /** The exchange for live mode (the REST client's gateway). Without it, live mode cannot be entered. */
  liveGateway?: OrderGateway;
  /** Restrict which strategies run (default: those enabled in the configuration). */
  strategies?: readonly StrategyKey[];
  /** The breaker as persisted (restart within a day keeps a tripped breaker tripped). */
  breakerState?: CircuitBreakerState;
  /** Realized PnL already booked today (restored on restart). */
  realizedToday?: Micros;
  logger?: Logger;
  metrics?: Metrics;
  /** Called when the breaker trips (alerts, cancel-all is done by the engine itself). */
  onBreakerTrip?: (state: CircuitBreakerState) => void;
  onDecision?: (decision: RiskDecision, signal: Signal) => void;
  onFill?: (fill: Fill) => void;
  /**
   * How long finished orders (filled, cancelled, rejected) stay in the trackers after their last update,
   * ms (default 1 h). Persistence keeps every order; the trackers only need recent ones (late executions,
   * reconciliation). Pruned on the engine's tick, at most once a minute.
   */
  orderHistoryMs?: number;
  /**
   * Stand down while the breaker refuses opening trades (breaker-stand-down.ts; default true). False offers
   * every event to the strategies whatever the breaker: the same trades, every refusal decided (comparisons).
   */
  standDown?: boolean;
}

export const DEFAULT_ORDER_HISTORY_MS = 3_600_000;
const PRUNE_EVERY_MS = 60_000;

export interface AssembledEngine {
  readonly bus: EventBus<EngineEvents>;
  readonly state: StateManager;
  readonly view: EngineView;
  readonly engine: TradingEngine;
  readonly breaker: CircuitBreaker;
  readonly risk: RiskManager;
  readonly performance: PerformanceTracker;
  readonly pnl: DailyPnlMonitor;
  readonly paper: PaperExchange;
  /** Shadow mode's journal, paper twins and panel (undefined without a live gateway). */
  readonly shadow: ShadowSession | undefined;
  readonly strategies: BaseStrategy[];
  /** Each market's fee coefficients now (the schedule with the market's own feeCoefficient and sport). */
  readonly fees: FeeModel;
  mode(): TradingMode;
  executor(): OrderExecutor;
  /** The live account's executor whatever the mode (undefined without a live gateway): fill-gap recovery. */
  liveExecutor(): OrderExecutor | undefined;
  /** Feed an event from the exchange's public socket. */
  onMarketEvent(ev: VenueEvent): void;
  /** Feed an event from the exchange's private socket (live account). */
  onLivePrivateEvent(ev: VenueEvent): void;
  /** Feed an event from the sports/odds feeds. */
  onFeedEvent(ev: FeedEvent): void;
  /** Settles a market (game over): paper positions at 1 or 0, PnL realized. */
  settle(marketSlug: string, settlementPrice: number): void;
  /**
   * Switches paper / live / shadow without a restart; leaving the live account (live or shadow → paper)
   * cancels every live resting order first; live ↔ shadow only starts or stops the paper copies.
   */
  setMode(mode: TradingMode): Promise<void>;
  /** The manual kill switch: on = cancel everything, no new orders; off = orders allowed again. */
  setKillSwitch(on: boolean, reason: string): Promise<void>;
  /** The daily reset (circuit breaker and day's PnL); refused while the kill switch is on. */
  resetDay(): void;
  start(): void;
  stop(): void;
  tick(now: number): void;
}

/**
 * The directory's answer for a market, the last one kept while the directory has not changed (its revision):
 * the fees and rules of one market are asked for several times in a row (a quote's prices and sizes), and a
 * map lookup each time cost more than the comparison. Exact: the directory changes only through addMarket,
 * which moves its revision.
 */
export function lastMarketInfo(directory: MarketDirectory): (slug: string) => MarketInfo | undefined {
  let lastSlug: string | undefined;
  let lastRevision = -1;
  let last: MarketInfo | undefined;
  return (slug) => {
    const revision = directory.revision;
    if (slug !== lastSlug || revision !== lastRevision) {
      last = directory.info(slug);
      lastSlug = slug;
      lastRevision = revision;
    }
    return last;
  };
}

export function assembleEngine(opts: EngineAssemblyOptions): AssembledEngine {
  const { config, clock, scheduler, directory } = opts;
  const logger = opts.logger ?? nullLogger;
  const metrics = opts.metrics ?? nullMetrics;
  const bus = new EventBus<EngineEvents>(logger.child({ component: 'bus' }), metrics);
  const sd = config.sportsData;
  const consensus = createConsensusFn({
    weights: sd.sportsbookWeights,
    defaultWeight: sd.defaultSportsbookWeight,
    maxAgeMs: sd.staleAfterMs,
    expireAfterMs: sd.oddsExpireAfterMs,
    method: sd.devigMethod,
  });
  // Each market's fee coefficients: its own feeCoefficient and sport against the configured schedule.
  // Remembered per market while the directory's revision stands (and the schedule's segment holds).
  const info = lastMarketInfo(directory);
  const fees = new ScheduleFeeModel(config.trading.fees, info, () => directory.revision);
  // The live account's own resting orders (followed once its executor exists below); reported only while the
  // live account trades.
  const ownLiquidity = opts.liveGateway ? new OwnRestingOrders({ active: tradingAccount(config.mode) === 'live' }) : undefined;
  const state = new StateManager({
    clock,
    bus,
    directory,
    consensus,
    winProbability: (game, pre) => winProbabilityForGame(game, pre)?.home,
    logger: logger.child({ component: 'state' }),
    metrics,
    feeRates: (slug) => fees.ratesFor(slug, clock.now()),
    feeEpoch: () => fees.epoch(clock.now()),
    onMarkInputs: (slug) => pnl.markMoved(slug),
    ownLiquidity,
  });

  // Each market's own tick and minimum size; config trading.default_tick / default_min_qty where unknown.
  const defaultRules = { tick: config.trading.defaultTick, minQty: config.trading.defaultMinQty };
  const rules = (slug: string) => marketRulesOf(info(slug), defaultRules);
  // Fills are charged at the same rates the strategies priced (a market's own Θ, not only the default).
  const feeRates = (slug: string, atMs: number) => fees.ratesFor(slug, atMs);
  const paper = new PaperExchange({
    clock,
    scheduler,
    logger: logger.child({ component: 'paper' }),
    metrics,
    config: {
      startingBalance: config.trading.paper.startingBalance,
      latencyMs: config.trading.paper.orderLatencyMs,
      cancelLatencyMs: config.trading.paper.cancelLatencyMs,
      marketDataDelayMs: config.trading.paper.marketDataDelayMs,
      queueAheadFraction: config.trading.paper.queueAheadFraction,
      cancelModel: 'behind',
      fees: config.trading.fees,
      feeRates,
      rules,
    },
  });

  // Open positions are valued at executable marks (shared/domain/executable-mark.ts), net of the market's taker fee.
  const performance = new PerformanceTracker({ feeRates: (slug) => fees.ratesFor(slug, clock.now()), ownLiquidity });
  // The day's unrealized PnL is kept running: the state tells it of moved marks (onMarkInputs above), and every
  // mark may move at once when a market's fee coefficient may have changed (the directory changed, or the
  // clock crossed a scheduled fee change).
  const pnl = new DailyPnlMonitor((slug, netQty) => state.closeoutMark(slug, netQty).value, opts.realizedToday ?? 0, {
    epoch: () => fees.epoch(clock.now()),
  });
  const makeExecutor = (gateway: OrderGateway, name: string) =>
    new OrderExecutor({
      gateway,
      clock,
      scheduler,
      tracker: new OrderTracker({ clock, logger: logger.child({ component: `orders-${name}` }), metrics, fees: config.trading.fees, feeRates }),
      logger: logger.child({ component: `executor-${name}` }),
      metrics,
      marketRules: rules,
    });
  const paperModel = {
    orderLatencyMs: config.trading.paper.orderLatencyMs,
    cancelLatencyMs: config.trading.paper.cancelLatencyMs,
    marketDataDelayMs: config.trading.paper.marketDataDelayMs,
    queueAheadFraction: config.trading.paper.queueAheadFraction,
  };
  const shadow = opts.liveGateway
    ? new ShadowSession({
        clock,
        scheduler,
        paperModel,
        fees: config.trading.fees,
        feeRates,
        rules,
        book: (slug) => state.book(slug),
        markets: () => directory.slugs(),
        logger: logger.child({ component: 'shadow' }),
        metrics,
      })
    : undefined;
  const executors: Record<TradingAccount, OrderExecutor | undefined> = {
    paper: makeExecutor(paper, 'paper'),
    live: opts.liveGateway && shadow ? makeExecutor(shadow.wrap(opts.liveGateway), 'live') : undefined,
  };
  if (executors.live) shadow?.attachLiveTracker(executors.live.tracker);
  if (executors.live) ownLiquidity?.follow(executors.live.tracker);
  // Until the engine starts, executions of unknown orders are only buffered: the start-up rebuild restores
  // yesterday's orders under their own ids and strategies first.
  for (const ex of Object.values(executors)) ex?.holdUnknownOrders(true);
  let mode: TradingMode = config.mode;
  if (tradingAccount(mode) === 'live' && !executors.live) throw new Error(`${mode} mode needs the exchange gateway (api keys); start in paper mode or configure the keys`);
  if (mode === 'shadow') shadow?.activate();
  const executor = (): OrderExecutor => executors[tradingAccount(mode)] as OrderExecutor;

  // Fills of either executor feed PnL and the bus, tagged with the mode they happened in.
  for (const m of ['paper', 'live'] as const) {
    executors[m]?.tracker.onFill((fill) => {
      if (m !== tradingAccount(mode)) return;
      performance.onFill(fill);
      state.addFees(fill.marketSlug, fill.fee);
      pnl.onFill(fill);
      bus.emit('fill', fill);
      opts.onFill?.(fill);
    });
  }

  const view = new EngineView({
    clock,
    bus,
    state,
    directory,
    orders: () => executor().tracker,
    bankroll: () => (mode === 'paper' ? paper.balance().buyingPower : state.account().buyingPower),
    dailyPnl: () => pnl.dailyPnl(),
  });

  const breaker = new CircuitBreaker({
    maxDailyLoss: config.risk.maxDailyLoss,
    clock,
    logger: logger.child({ component: 'breaker' }),
    metrics,
    initial: opts.breakerState,
    onTrip: (s) => {
      // Opening orders stop at once (the risk manager refuses them); resting orders are pulled.
      executor()
        .cancelAll()
        .catch((err: unknown) => logger.error('cancel-all after breaker trip failed', { err }));
      opts.onBreakerTrip?.(s);
    },
  });
  const risk = new RiskManager({
    limits: config.risk,
    view,
    breaker,
    strategyMaxPosition: strategyMaxPositions(config.strategies),
    fees,
    now: () => clock.now(),
    logger: logger.child({ component: 'risk' }),
    metrics,
  });

  const wanted = new Set<StrategyKey>(opts.strategies ?? STRATEGY_NAMES);
  const s = config.strategies;
  const tick = config.trading.defaultTick;
  const strategies: BaseStrategy[] = [];
  if (wanted.has('market_maker')) strategies.push(new MarketMaker({ config: s.marketMaker, context: view, defaultTick: tick, fees, logger, metrics }));
  if (wanted.has('live_arbitrage')) strategies.push(new LiveArbitrage({ config: s.liveArbitrage, context: view, defaultTick: tick, fees, metrics }));
  if (wanted.has('statistical_edge')) strategies.push(new StatisticalEdge({ config: s.statisticalEdge, context: view, defaultTick: tick, fees, metrics }));

  const aggregator = new SignalAggregator({ dedupeWindowMs: s.aggregator.dedupeWindowMs, clock, logger, metrics });
  // What the bot holds, for the engine's stand-down while the breaker refuses opening trades: the position's
  // size (no marking) and the active account's open orders.
  const holdings: Holdings = {
    holdsAnythingIn: (slug) => state.heldQty(slug) > 0 || executor().tracker.hasOpenOrders(slug),
    marketsForFixture: (fixtureId) => directory.marketsForFixture(fixtureId),
  };
  const engine = new TradingEngine({ clock, bus, strategies, aggregator, risk, breaker, pnl, executor, logger: logger.child({ component: 'engine' }), metrics, onDecision: opts.onDecision, ...(opts.standDown === false ? {} : { holdings }) });

  const routePrivate = (ev: VenueEvent): void => {
    if (ev.type === 'execution') executor().onExecution(ev.execution);
    else if (ev.type === 'orders_snapshot') for (const o of ev.orders) executor().tracker.applyVenueOrder(o);
    state.onVenueEvent(ev);
  };
  // Each account's positions and balance as last reported, kept whatever the mode: a switch installs the
  // destination account's in the state manager, so one mode never trades on the other's positions.
  const accounts: Record<TradingAccount, { positions: Map<string, VenuePosition>; balance?: Extract<VenueEvent, { type: 'balance' }> }> = {
    paper: { positions: new Map() },
    live: { positions: new Map() },
  };
  const remember = (m: TradingAccount, ev: VenueEvent): void => {
    const a = accounts[m];
    if (ev.type === 'position') a.positions.set(ev.position.marketSlug, ev.position);
    else if (ev.type === 'positions_snapshot') {
      a.positions.clear();
      for (const p of ev.positions) a.positions.set(p.marketSlug, p);
    } else if (ev.type === 'balance') a.balance = ev;
  };
  paper.onEvent((ev) => {
    remember('paper', ev);
    if (mode === 'paper') routePrivate(ev);
  });

  // Finished orders are forgotten after a while (memory stays bounded on a long run).
  const orderHistoryMs = opts.orderHistoryMs ?? DEFAULT_ORDER_HISTORY_MS;
  let lastPrune = clock.now();
  const pruneHistory = (now: number): void => {
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    let pruned = 0;
    for (const ex of Object.values(executors)) if (ex) pruned += ex.tracker.prune(now - orderHistoryMs);
    paper.simulator.prune();
    if (pruned > 0) metrics.increment('engine.orders_pruned', pruned);
  };

  return {
    bus,
    state,
    view,
    engine,
    breaker,
    risk,
    performance,
    pnl,
    paper,
    shadow,
    strategies,
    fees,
    mode: () => mode,
    executor,
    liveExecutor: () => executors.live,
    onMarketEvent(ev) {
      if (tradingAccount(mode) === 'paper') {
        // Paper: the simulator first (a book that crosses a resting paper order fills it, and the fill reaches
        // the state before the strategies see the book), then the performance tracker's marks.
        paper.onMarketEvent(ev);
        performance.onMarketEvent(ev);
        state.onVenueEvent(ev);
      } else {
        // The live account trades: the state manager first, so the orders this event leads to are written
        // before the paper exchange and the performance tracker take it in. Neither is read on the way (the
        // paper exchange is inactive: its fills go to its own account, never to the state or an executor; the
        // tracker's marks are read by fills and reports, and a live fill is a later event), so only sooner.
        state.onVenueEvent(ev);
        paper.onMarketEvent(ev);
        performance.onMarketEvent(ev);
      }
      // After the state manager: the paper copies see the book the live orders were priced on.
      shadow?.onMarketEvent(ev);
    },
    onLivePrivateEvent(ev) {
      if (ev.type === 'connection') return state.onVenueEvent(ev);
      remember('live', ev);
      if (tradingAccount(mode) === 'live') return routePrivate(ev);
      // Paper is active: live orders (e.g. one acknowledged after the switch, before its cancel) still hear
      // their executions — a live fill is real money — but the live account is not the picture.
      if (ev.type === 'execution') executors.live?.onExecution(ev.execution);
      else if (ev.type === 'orders_snapshot') for (const o of ev.orders) executors.live?.tracker.applyVenueOrder(o);
    },
    onFeedEvent(ev) {
      state.onFeedEvent(ev);
    },
    settle(marketSlug, settlementPrice) {
      if (mode === 'paper') paper.settle(marketSlug, settlementPrice);
      shadow?.bench.cancelAll([marketSlug]);
      performance.settle(marketSlug, settlementPrice);
      pnl.settle(marketSlug, settlementPrice);
    },
    async setMode(next) {
      if (next === mode) return;
      const from = tradingAccount(mode);
      const to = tradingAccount(next);
      if (to === 'live' && !executors.live) throw new Error(`cannot switch to ${next}: no exchange gateway (api keys) configured`);
      logger.warn('trading mode switching', { from: mode, to: next });
      if (from === to) {
        // live ↔ shadow: the same account trades on; only the paper copies start or stop.
        mode = next;
        if (next === 'shadow') shadow?.activate();
        else shadow?.deactivate();
        return;
      }
      const leaving = executor();
      if (from === 'live') {
        // Live resting orders must not outlive the switch: cancel first, then stop routing live events.
        leaving.setHalted(true);
        await leaving.cancelAll();
      }
      shadow?.deactivate();
      mode = next;
      if (mode === 'shadow') shadow?.activate();
      ownLiquidity?.setActive(to === 'live');
      const now = clock.now();
      state.onVenueEvent({ type: 'positions_snapshot', positions: [...accounts[to].positions.values()], receivedAt: now });
      // An account whose balance was never heard sizes nothing until it is (Kelly on a zero bankroll).
      state.onVenueEvent(accounts[to].balance ?? { type: 'balance', balance: 0, buyingPower: 0, receivedAt: now });
      executor().setHalted(breaker.isKillSwitchOn());
      metrics.gauge('engine.mode_live', to === 'live' ? 1 : 0);
    },
    async setKillSwitch(on, reason) {
      if (on) {
        breaker.engageKillSwitch(reason);
        for (const ex of Object.values(executors)) ex?.setHalted(true);
        // The venue's cancel-all only in live mode: in paper the account may be another stage's (one key), and
        // a paper bot never touches orders it did not place (leaving live cancelled its own).
        await Promise.all([executors.paper?.cancelAll(), tradingAccount(mode) === 'live' ? executors.live?.cancelAll() : undefined]);
      } else {
        breaker.releaseKillSwitch();
        executor().setHalted(false);
      }
    },
    resetDay() {
      breaker.resetDaily();
      pnl.resetDay();
    },
    start() {
      for (const ex of Object.values(executors)) ex?.holdUnknownOrders(false);
      engine.start();
    },
    stop() {
      engine.stop();
    },
    tick(now) {
      engine.tick(now);
      pruneHistory(now);
    },
  };
}
