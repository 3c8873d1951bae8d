/**
 * The replay driver: recorded events through the same engine as the bot (assembleEngine in paper mode: state
 * manager, strategies, aggregator, risk manager, executor, paper fill simulator), on simulated time.
 *
 * Time: a ManualClock starts at the first line's receive time. Before each line, the ManualScheduler runs
 * every timer due up to that line's time (order latency, retries, paper fills), and the engine's `tick` runs
 * at every whole simulated second crossed (the bot's 1 s timer). Then the clock stands at the line's time
 * and the line is delivered exactly where the bot delivered it (market → onMarketEvent, private →
 * onLivePrivateEvent, feed → onFeedEvent, settle → settle, discovery meta → the market directory).
 *
 * Start: the bot feeds its start-up snapshots (scores, odds) and the first socket messages to the state
 * before it starts the engine, so its strategies never hear them. A recording that marks the start
 * (`engine_start` meta line) is replayed the same way: the engine starts at that line. One without the mark
 * (older recordings, hand-made samples) starts the engine before the first line.
 *
 * Trading pauses: the exchange's weekly maintenance window (`trading.maintenance`) and market halts pause the
 * executor here as in the bot (TradingPauses, on the replay's clock: checked before each tick and at the
 * engine's start, and after each market line).
 *
 * Own liquidity: a recording of a live day shows the bot's own resting orders in the books and its own fills
 * in the prints. When the recording holds the bot's own order activity (`own` lines), every market event
 * passes through the OwnLiquidityFilter (own-liquidity-filter.ts) first, so the replayed bot never queues
 * behind or fills against them; the `own` lines themselves reach no one. A recording without them is
 * replayed exactly as before.
 *
 * Async work: the executor's calls are promises. In the bot, their continuations run before the next socket
 * message is handled; here, after a line (or a tick) that started executor work, the driver lets every
 * pending continuation run before the next line. Lines that start no work cost nothing extra. Every
 * continuation on this path is a promise continuation (the paper exchange and the executor's retries run on
 * the ManualScheduler; no timer, I/O or process.nextTick is used), so "every pending continuation" is the
 * microtask queue run to empty: the driver waits for a process.nextTick callback, which Node runs only once
 * that queue is empty — the same continuations a macrotask turn would run, without the event-loop turn. Every
 * YIELD_EVERY_LINES lines, one of these waits is a real macrotask turn instead (the same continuations run),
 * so a long replay still lets its process's I/O and timers in. No wall clock and no randomness is read
 * anywhere in this path: same lines, same config → same result.
 *
 * Heap: a replay holds `replayHeap` while it runs (replay-heap.ts: V8's allocation-site pretenuring off).
 */
import type { Qty } from '../domain/quantity.js';
import type { AppConfig } from '../config/schema.js';
import { ManualClock } from '../domain/clock.js';
import type { Fill } from '../domain/order.js';
import type { Signal } from '../domain/signal.js';
import { assembleEngine, type AssembledEngine, type StrategyKey } from '../engine/assemble-engine.js';
import { ManualScheduler } from '../execution/scheduler.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { applyDiscovery, configDigest, type RecordLine, type RecordPayload } from '../recording/record-format.js';
import { nullLogger } from '../observability/logger.js';
import { nullMetrics } from '../observability/metrics.js';
import { TradingPauses } from '../engine/trading-pauses.js';
import type { RiskDecision } from '../risk/risk-manager.js';
import { MarketDirectory } from '../state/market-directory.js';
import { ReportCollector } from '../reports/report-collector.js';
import { replayHeap } from './replay-heap.js';
import { OwnLiquidityFilter, type OwnLiquidityOptions, type OwnLiquidityStats } from './own-liquidity-filter.js';
import type { ReportData } from '../reports/report-model.js';

/**
 * Lines by index: an array of parsed lines, or the replay form's cursor (shared/recording/binary), which
 * decodes each line when it is delivered.
 */
export interface LineSource {
  readonly length: number;
  /** Line i (the cursor decodes it on each call: ask once). */
  line(i: number): RecordLine;
  /** The event of line i, without the line around it (the cursor decodes it on each call: ask once). */
  event(i: number): RecordLine['e'];
  /** Receive time of line i, without decoding it. */
  timeAt(i: number): number;
  /** The kind of line i, without decoding it. */
  kindAt(i: number): RecordLine['k'];
}

export interface ReplayOptions {
  lines: readonly RecordLine[] | LineSource;
  config: AppConfig;
  strategies?: readonly StrategyKey[];
  /** Order latency of the paper exchange, ms (default: the configuration's trading.paper.order_latency_ms). */
  latencyMs?: number;
  /** Period of the engine's tick, simulated ms (default 1000, as the bot). */
  tickMs?: number;
  /** Build the report's data (default true). */
  report?: boolean;
  reportTitle?: string;
  /** Keep every decision in the result (default true; the parity and determinism tests compare them). */
  keepDecisions?: boolean;
  onProgress?: (done: number, total: number, simTime: number) => void;
  /** Lines between progress calls (default 100 000). */
  progressEvery?: number;
  logger?: Logger;
  metrics?: Metrics;
  /** Extra facts for the report's run table. */
  extra?: Record<string, string | number | boolean>;
  /** Stand down while the breaker refuses opening trades (default true: EngineAssemblyOptions.standDown). */
  standDown?: boolean;
  /** Taking the bot's own recorded liquidity out of the market (default on; false replays the market as recorded). */
  ownLiquidity?: false | OwnLiquidityOptions;
}

export interface DecisionRecord {
  t: number;
  strategy: string;
  marketSlug: string;
  action: string;
  price: number;
  quantity: Qty;
  approved: boolean;
  check: string;
  /** The quantity the risk manager let through (approved only). */
  approvedQty?: Qty;
}

export interface BacktestResult {
  configDigest: string;
  latencyMs: number;
  strategies: string[];
  /** Lines delivered to the engine (market, private, feed, settle). */
  events: number;
  from: number | null;
  to: number | null;
  decisions: DecisionRecord[];
  decisionCount: number;
  approvedCount: number;
  fills: Fill[];
  settlements: number;
  /** The performance tracker's report, amounts as decimal strings. */
  performance: Record<string, unknown>;
  report?: ReportData;
  /** What was taken out of the market as the bot's own liquidity (only when the recording holds own lines). */
  ownLiquidity?: OwnLiquidityStats;
}

function arraySource(lines: readonly RecordLine[]): LineSource {
  return {
    length: lines.length,
    line: (i) => lines[i] as RecordLine,
    event: (i) => (lines[i] as RecordLine).e,
    timeAt: (i) => (lines[i] as RecordLine).t,
    kindAt: (i) => (lines[i] as RecordLine).k,
  };
}

/** Resolves once every promise continuation queued (and queued by those) has run: see "Async work" above. */
const continuationsRun = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));
/** The same, through a turn of the event loop (timers and I/O of the process get their turn). */
const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Lines between real event-loop turns, at most (a turn happens only where continuations are awaited anyway). */
const YIELD_EVERY_LINES = 4_096;

export async function runReplay(opts: ReplayOptions): Promise<BacktestResult> {
  const release = replayHeap.hold();
  try {
    return await replay(opts);
  } finally {
    release();
  }
}

async function replay(opts: ReplayOptions): Promise<BacktestResult> {
  const lines: LineSource = Array.isArray(opts.lines) ? arraySource(opts.lines as readonly RecordLine[]) : (opts.lines as LineSource);
  const tickMs = opts.tickMs ?? 1_000;
  const latencyMs = opts.latencyMs ?? opts.config.trading.paper.orderLatencyMs;
  const config: AppConfig = {
    ...opts.config,
    mode: 'paper',
    trading: { ...opts.config.trading, mode: 'paper', paper: { ...opts.config.trading.paper, orderLatencyMs: latencyMs } },
  };
  const own = opts.ownLiquidity === false ? undefined : OwnLiquidityFilter.fromLines(lines, opts.ownLiquidity);
  const firstT = lines.length > 0 ? lines.timeAt(0) : 0;
  const clock = new ManualClock(firstT);
  const scheduler = new ManualScheduler(clock);
  const directory = new MarketDirectory();
  const keepDecisions = opts.keepDecisions ?? true;
  const decisions: DecisionRecord[] = [];
  const fills: Fill[] = [];
  let decisionCount = 0;
  let approvedCount = 0;
  let work = false;
  let collector: ReportCollector | undefined;

  const onDecision = (d: RiskDecision, s: Signal): void => {
    decisionCount++;
    if (d.approved) {
      approvedCount++;
      work = true;
    }
    collector?.onDecision(d, s);
    if (!keepDecisions) return;
    const rec: DecisionRecord = { t: clock.now(), strategy: String(s.strategyName), marketSlug: s.marketSlug, action: s.action, price: s.price, quantity: s.quantity, approved: d.approved, check: d.check };
    if (d.approved && d.signal) rec.approvedQty = d.signal.quantity;
    decisions.push(rec);
  };
  const engine: AssembledEngine = assembleEngine({
    config,
    clock,
    scheduler,
    directory,
    strategies: opts.strategies,
    logger: opts.logger,
    metrics: opts.metrics,
    onDecision,
    onFill: (f) => {
      fills.push(f);
    },
    onBreakerTrip: (s) => collector?.onBreakerTrip(s),
    ...(opts.standDown === false ? { standDown: false } : {}),
  });
  // Any executor call starts promise work whose continuations must run before the next line.
  const ex = engine.executor();
  const { execute, cancel, cancelAll } = ex;
  ex.execute = (signal) => {
    work = true;
    return execute.call(ex, signal);
  };
  ex.cancel = (id) => {
    work = true;
    return cancel.call(ex, id);
  };
  ex.cancelAll = (marketSlugs) => {
    work = true;
    return cancelAll.call(ex, marketSlugs);
  };
  let lastTurnAt = 0;
  /** Lets the started work's continuations run (a real event-loop turn now and then, see YIELD_EVERY_LINES). */
  const settle = (at: number): Promise<void> => {
    work = false;
    if (at - lastTurnAt < YIELD_EVERY_LINES) return continuationsRun();
    lastTurnAt = at;
    return macrotask();
  };
  if (opts.report !== false) {
    collector = new ReportCollector({ engine, directory });
    collector.attach();
  }
  // The bot's maintenance window and halt pauses, on simulated time (the bot checks them as it starts).
  const pauses = new TradingPauses({
    maintenance: config.trading.maintenance,
    executors: () => [engine.executor()],
    logger: (opts.logger ?? nullLogger).child({ component: 'trading-pauses' }),
    metrics: opts.metrics ?? nullMetrics,
  });
  const start = (): void => {
    pauses.onTick(clock.now());
    engine.start();
  };
  let startMarked = false;
  for (let i = 0; i < lines.length && !startMarked; i++) {
    if (lines.kindAt(i) !== 'meta') continue;
    const l = lines.line(i);
    startMarked = l.k === 'meta' && l.e.type === 'engine_start';
  }
  if (!startMarked) start();

  /** The bot's 1 s timer at simulated time `t`: timers due, pauses, the engine's tick, the report's sample. */
  const tickAt = (t: number): void => {
    scheduler.runUntil(t);
    pauses.onTick(t);
    engine.tick(t);
    collector?.sample(t);
  };
  const progressEvery = opts.progressEvery ?? 100_000;
  const onProgress = opts.onProgress;
  const total = lines.length;
  /**
   * Where the delivery stands, between the waits for started work: numbers in an object's fields, written in
   * place (the line loop runs in the synchronous `deliver`, where its times stay unboxed locals; an async
   * function keeps its locals across awaits as heap numbers, one per line's time).
   */
  const at = { line: 0, nextTick: Math.ceil(firstT / tickMs) * tickMs, events: 0, settlements: 0, lineDone: false };
  /**
   * Delivers the lines from `at.line` on (each after the ticks due before it), until a tick or a line started
   * executor work, whose continuations must run before anything else: then returns that line's index (the
   * caller lets them run, then calls again; `at.lineDone` tells whether the line itself was delivered). At the
   * end, returns -1.
   */
  const deliver = (): number => {
    let nextTick = at.nextTick;
    let events = at.events;
    let settlements = at.settlements;
    let i = at.line;
    let stop = -1;
    for (; i < total; i++) {
      const t = lines.timeAt(i);
      let tickStarted = false;
      while (nextTick <= t) {
        tickAt(nextTick);
        nextTick += tickMs;
        if (work) {
          tickStarted = true;
          break;
        }
      }
      if (tickStarted) {
        stop = i;
        break;
      }
      scheduler.runUntil(t);
      switch (lines.kindAt(i)) {
        case 'market': {
          const e = lines.event(i) as RecordPayload<'market'>;
          const ev = own ? own.market(e, t) : e;
          if (ev) {
            engine.onMarketEvent(ev);
            pauses.onMarketEvent(ev);
          }
          events++;
          break;
        }
        case 'own':
          break;
        case 'private':
          engine.onLivePrivateEvent(lines.event(i) as RecordPayload<'private'>);
          events++;
          break;
        case 'feed':
          engine.onFeedEvent(lines.event(i) as RecordPayload<'feed'>);
          events++;
          break;
        case 'settle': {
          const e = lines.event(i) as RecordPayload<'settle'>;
          engine.settle(e.marketSlug, e.settlementPrice);
          collector?.onSettle(e.marketSlug, e.settlementPrice);
          settlements++;
          events++;
          break;
        }
        case 'meta': {
          const e = lines.event(i) as RecordPayload<'meta'>;
          if (e.type === 'discovery') {
            applyDiscovery(directory, e);
            collector?.addFixtures(e.fixtures);
          } else if (e.type === 'engine_start') {
            start();
          }
          break;
        }
      }
      if (work) {
        stop = i;
        at.lineDone = true;
        break;
      }
      if (onProgress && (i + 1) % progressEvery === 0) onProgress(i + 1, total, t);
    }
    at.line = at.lineDone ? i + 1 : i;
    at.nextTick = nextTick;
    at.events = events;
    at.settlements = settlements;
    return stop;
  };
  for (let stop = deliver(); stop >= 0; stop = deliver()) {
    await settle(stop);
    if (at.lineDone) {
      at.lineDone = false;
      if (onProgress && (stop + 1) % progressEvery === 0) onProgress(stop + 1, total, lines.timeAt(stop));
    }
  }
  let nextTick = at.nextTick;
  const { events, settlements } = at;
  // Let orders in flight land (one latency and a tick past the last line).
  const end = (lines.length > 0 ? lines.timeAt(total - 1) : firstT) + Math.max(latencyMs, 0) + tickMs;
  while (nextTick <= end) {
    tickAt(nextTick);
    nextTick += tickMs;
    await settle(total);
  }
  scheduler.runUntil(end);
  await macrotask();
  engine.stop();
  onProgress?.(total, total, end);

  const digest = configDigest(config);
  const report = collector?.build({
    title: opts.reportTitle ?? 'Backtest',
    kind: 'backtest',
    now: end,
    configDigest: digest,
    extra: { events, latencyMs, strategies: engine.strategies.map((s) => s.name).join(', '), stoodDown: engine.engine.stoodDownEvents, ...opts.extra },
  });
  return {
    configDigest: digest,
    latencyMs,
    strategies: engine.strategies.map((s) => String(s.name)),
    events,
    from: lines.length > 0 ? firstT : null,
    to: lines.length > 0 ? end : null,
    decisions,
    decisionCount,
    approvedCount,
    fills,
    settlements,
    performance: engine.performance.reportJson(),
    ...(report ? { report } : {}),
    ...(own ? { ownLiquidity: own.stats() } : {}),
  };
}
