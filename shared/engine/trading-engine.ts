/**
 * The hot loop (seed: strategy engine + signal flow): every state change on the bus goes to the enabled
 * strategies; their cancels go straight to the executor, their signals through the aggregator (de-duplicate,
 * resolve conflicts, rank) and the risk manager (approve and size) to the executor. Synchronous up to the
 * order request; the request itself is the only thing awaited, and nothing waits on it.
 *
 * Events that arrive while a batch is being handled (a paper fill emitted from inside an order call, say) are
 * queued and handled right after, in arrival order, so strategies never see a half-handled world.
 */
import type { Clock } from '../domain/clock.js';
import type { Signal } from '../domain/signal.js';
import type { OrderExecutor } from '../execution/executor.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import type { CircuitBreaker } from '../risk/circuit-breaker.js';
import type { RiskDecision, RiskManager } from '../risk/risk-manager.js';
import type { EngineEvents } from '../state/engine-events.js';
import type { EventBus } from '../state/event-bus.js';
import { splitOutputs, type BaseStrategy, type CancelRequest, type StrategyOutput } from '../strategies/base-strategy.js';
import type { SignalAggregator } from '../strategies/signal-aggregator.js';
import type { DailyPnlMonitor } from './daily-pnl.js';

export interface TradingEngineDeps {
  clock: Clock;
  bus: EventBus<EngineEvents>;
  strategies: BaseStrategy[];
  aggregator: SignalAggregator;
  risk: RiskManager;
  breaker: CircuitBreaker;
  pnl: DailyPnlMonitor;
  /** The active executor (paper or live); read on every batch so a mode switch takes effect at once. */
  executor: () => OrderExecutor;
  logger?: Logger;
  metrics?: Metrics;
  /** Observes each risk decision (for reports and recordings). */
  onDecision?: (decision: RiskDecision, signal: Signal) => void;
}

export class TradingEngine {
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly unsubscribe: (() => void)[] = [];
  private busy = false;
  private readonly queue: (() => StrategyOutput[])[] = [];
  private running = false;

  constructor(private readonly deps: TradingEngineDeps) {
    this.logger = deps.logger ?? nullLogger;
    this.metrics = deps.metrics ?? nullMetrics;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { bus, strategies } = this.deps;
    this.unsubscribe.push(
      bus.on('market_update', (m) => this.dispatch(() => collect(strategies, (s) => s.onMarketUpdate(m), this.onStrategyError))),
      bus.on('game_update', (g) => this.dispatch(() => collect(strategies, (s) => s.onGameUpdate(g), this.onStrategyError))),
      bus.on('odds_update', (c) => this.dispatch(() => collect(strategies, (s) => s.onOddsUpdate(c), this.onStrategyError))),
      bus.on('feed_health', (h) => {
        this.logger[h.healthy ? 'info' : 'warn']('feed health changed', { ...h });
        this.metrics.gauge('feed.healthy', h.healthy ? 1 : 0, { source: h.source, stream: String(h.stream) });
      }),
    );
  }

  stop(): void {
    this.running = false;
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** The periodic call (about once a second): strategy refreshes and the breaker's look at the day's PnL. */
  tick(now: number): void {
    if (!this.running) return;
    this.deps.breaker.evaluate(this.deps.pnl.dailyPnl());
    this.dispatch(() => collect(this.deps.strategies, (s) => s.onTimer(now), this.onStrategyError));
  }

  private readonly onStrategyError = (strategy: BaseStrategy, err: unknown): void => {
    this.metrics.increment('engine.strategy_error', 1, { strategy: String(strategy.name) });
    this.logger.error('strategy failed; its output for this event is dropped', { strategy: strategy.name, err });
  };

  private dispatch(produce: () => StrategyOutput[]): void {
    if (!this.running) return;
    this.queue.push(produce);
    if (this.busy) return;
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.handle(next());
    } finally {
      this.busy = false;
    }
  }

  private handle(outputs: StrategyOutput[]): void {
    if (outputs.length === 0) return;
    const { signals, cancels } = splitOutputs(outputs);
    const executor = this.deps.executor();
    for (const c of cancels) this.cancel(executor, c);
    if (signals.length === 0) return;
    for (const signal of this.deps.aggregator.aggregate(signals)) {
      const decision = this.deps.risk.validateTrade(signal);
      this.deps.onDecision?.(decision, signal);
      if (!decision.approved || !decision.signal) continue;
      const approved = decision.signal;
      executor.execute(approved).then(
        (r) => {
          if (r.status === 'rejected' || r.status === 'blocked') {
            this.metrics.increment('engine.order_not_sent', 1, { status: r.status, strategy: String(approved.strategyName) });
          }
        },
        (err: unknown) => {
          this.metrics.increment('engine.execute_error', 1, { strategy: String(approved.strategyName) });
          this.logger.error('order execution failed', { marketSlug: approved.marketSlug, strategy: approved.strategyName, err });
        },
      );
    }
  }

  private cancel(executor: OrderExecutor, c: CancelRequest): void {
    for (const id of c.localIds) {
      executor.cancel(id).then(
        (ok) => {
          if (!ok) this.metrics.increment('engine.cancel_failed', 1, { strategy: String(c.strategyName) });
        },
        (err: unknown) => {
          this.metrics.increment('engine.cancel_failed', 1, { strategy: String(c.strategyName) });
          this.logger.error('cancel failed', { localId: id, marketSlug: c.marketSlug, reason: c.reason, err });
        },
      );
    }
  }
}

function collect(
  strategies: readonly BaseStrategy[],
  call: (s: BaseStrategy) => StrategyOutput[],
  onError: (s: BaseStrategy, err: unknown) => void,
): StrategyOutput[] {
  let out: StrategyOutput[] | undefined;
  for (const s of strategies) {
    if (!s.enabled) continue;
    let r: StrategyOutput[];
    try {
      r = call(s);
    } catch (err) {
      onError(s, err);
      continue;
    }
    if (r.length === 0) continue;
    if (!out) out = r.slice();
    else for (const o of r) out.push(o);
  }
  return out ?? [];
}
