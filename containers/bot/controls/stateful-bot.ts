/**
 * The bot with its state and controls: what main.ts (AWS) and local-aws.ts (`npm start` on emulators) run.
 *
 * Start-up sequence (nothing trades before step 6):
 *  0. The trading lease (optional `lease`; main.ts always passes it): wait until this process is the
 *     account's single writer (shared/store/trading-lease-keeper.ts), before reading any state and before any
 *     order or cancel. An old task still in its graceful stop holds it until its last step.
 *  1. Risk day from DynamoDB → breaker state and today's realized PnL (a tripped breaker stays tripped).
 *  2. startBot: discovery, REST snapshots, engine assembled with (1), sockets and streams started.
 *  3. beforeTrading: persistence follows the engine (fills, orders, positions, risk day); the runtime
 *     controls are read once (kill switch on → cancel everything, halt; mode from SSM).
 *  4. Wait (bounded) for the private socket, so executions from here on are delivered live.
 *  5. Rebuild from the exchange (exchange-rebuild.ts): missing fills appended, in-flight orders claimed,
 *     orphans cancelled or adopted, stale records closed, positions replaced; open orders adopted into the
 *     live tracker under their stored ids; positions and balance into the state manager. In paper mode nothing
 *     of the account is repaired and only this stage's own live leftovers (open orders its store recorded) are
 *     cancelled: orders it did not place (another stage on the same key) are left alone (paper-start.ts).
 *  6. The engine starts; controls poll, queues are consumed, alarm metrics exported, orders swept.
 * A failure in 1–5 aborts the start (ECS starts a new task): the bot never trades on a state it could not
 * rebuild.
 *
 * Graceful stop (SIGTERM): controls and queues stop, the engine stops, live resting orders are cancelled
 * (optional), the write-behind queue is flushed, one last rebuild pass records any fill that landed during
 * shutdown, then the persistence stops; the day report is written and the recording closed (its last chunk
 * uploaded), bounded by `outputsTimeoutMs`; last, the trading lease is released (the next bot may start).
 *
 * Lease lost (a renewal refused, or renewals failing until just before the expiry): trading halts at once —
 * executors halted, engine stopped, controls and queues stopped — and NOTHING is cancelled (the new owner owns
 * the orders); a later stop() skips the cancels, the shutdown rebuild pass and the release. main.ts exits
 * non-zero so ECS restarts the task.
 *
 * Outputs (optional, both off the hot loop):
 *  - recording: every inbound message (exchange sockets, OpticOdds, discovery, settlements) through
 *    createBotRecorder, exactly as `npm start` records (replays, backtests); the writer buffers, and each
 *    closed chunk goes to `recording.uploader` (S3) when given;
 *  - reports: the trading day's report (HTML + JSON, reporting/live-day-reports.ts), written at the daily
 *    reset (then a new day starts) and at a graceful stop.
 */
import type { Qty } from '../../../shared/domain/quantity.js';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { BOT_STATUS_LOG_MESSAGE } from '../../../shared/aws/alarm-metrics.js';
import type { MetricsExporter } from '../../../shared/aws/emf-exporter.js';
import type { Notifier } from '../../../shared/aws/notifier.js';
import type { ParameterStore } from '../../../shared/aws/parameter-store.js';
import { SqsQueueConsumer } from '../../../shared/aws/queue-consumer.js';
import { tradingAccount, type AppConfig, type TradingAccount } from '../../../shared/config/schema.js';
import { systemClock, type Clock } from '../../../shared/domain/clock.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { formatMicros, type Micros } from '../../../shared/domain/money.js';
import type { AssembledEngine } from '../../../shared/engine/assemble-engine.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import type { OrphanPolicy } from '../../../shared/reconciliation/drift.js';
import { createBotRecorder, type BotRecorder } from '../../../shared/recording/bot-recorder.js';
import { configDigest } from '../../../shared/recording/record-format.js';
import type { RecordingWriterOptions } from '../../../shared/recording/recording-writer.js';
import type { S3ChunkUploader } from '../../../shared/recording/s3-chunk-uploader.js';
import type { CircuitBreakerState } from '../../../shared/risk/circuit-breaker.js';
import type { LeaseLostError, TradingLeaseKeeper } from '../../../shared/store/trading-lease-keeper.js';
import type { PolymarketRestClient } from '../../../shared/venue/rest-client.js';
import { startBot, type BotOptions, type RunningBot } from '../bot.js';
import { rebuildFromExchange, type RebuildResult } from '../persistence/exchange-rebuild.js';
import { adoptOrders, installAccount } from '../persistence/install-rebuild.js';
import { cancelOwnLiveLeftovers } from '../persistence/paper-start.js';
import { loadRiskDay } from '../persistence/risk-day-loader.js';
import { ShadowDayPersistence } from '../persistence/shadow-day-persistence.js';
import { StatePersister, type StateRepositories } from '../persistence/state-persister.js';
import { LiveDayReports } from '../reporting/live-day-reports.js';
import type { ReportStore } from '../reporting/report-store.js';
import { AlarmMetricsReporter } from './alarm-metrics-reporter.js';
import { createControlHandler, createOddsUpdateHandler, type DayTracker } from './control-handlers.js';
import { parseControlMessage, parseOddsUpdateMessage, type ControlMessage, type OddsUpdateMessage } from '../../../shared/messages/queue-messages.js';
import type { HealthStatus } from './health-server.js';
import { RuntimeControls } from './runtime-controls.js';

export type BotHooks = Pick<BotOptions, 'onDecision' | 'onFill' | 'onFeedEvent' | 'onVenueEvent' | 'onDiscovery' | 'onSettle' | 'onBreakerTrip' | 'onEngineStart'>;

export interface StatefulBotOptions {
  /** The configuration, its mode being the trading-mode parameter's value at start. */
  config: AppConfig;
  logger: Logger;
  metrics: MetricsRegistry;
  clock?: Clock;
  repos: StateRepositories;
  parameters: ParameterStore;
  parameterNames: { tradingMode: string; killSwitch: string };
  notifier?: Notifier;
  queues?: { sqs: SQSClient; controlUrl?: string; oddsUrl?: string; waitTimeSeconds?: number };
  /** Orders open at the exchange that the store does not know: cancel (default) or adopt. */
  orphanPolicy?: OrphanPolicy;
  /** Modes whose orders, fills and positions are stored (default ['live']). */
  persistModes?: readonly TradingAccount[];
  /** Runtime controls poll period, ms (default 5 000). */
  controlPollMs?: number;
  /** Alarm metrics as EMF on stdout (default on, every 10 s); false to turn off. */
  metricsExport?: { namespace: string; intervalMs?: number; exporter?: MetricsExporter; exportAll?: boolean } | false;
  maxPositionContracts?: Qty;
  /** Trades compared with the ledger at start-up, ms back (default 24 h). */
  lookbackMs?: number;
  /** Wait for the private socket before the rebuild, ms (default 10 000). */
  privateSocketWaitMs?: number;
  /** Order sweep / PnL check period, ms (default 2 000). */
  sweepMs?: number;
  /** Least time between two stores of a shadow day's aggregates, ms (default 60 000). */
  shadowPersistMs?: number;
  strategies?: BotOptions['strategies'];
  tickMs?: number;
  hooks?: BotHooks;
  /** Records every inbound message (as `npm start` does); closed chunks are handed to `uploader` (S3). */
  recording?: {
    dir: string;
    uploader?: Pick<S3ChunkUploader, 'enqueue' | 'idle'>;
    /** Header source / session id label (default "bot"). */
    source?: string;
    version?: string;
    writer?: Partial<Omit<RecordingWriterOptions, 'dir' | 'sessionId' | 'header' | 'onChunkClosed'>>;
  };
  /** The trading day's report, written at each daily reset and at a graceful stop. */
  reports?: { store: ReportStore; prefix: string; stage?: string; sampleTimerMs?: number };
  /**
   * The account's single-writer lease: acquired (waiting as long as another bot holds it, or until `signal`
   * aborts the start) before anything is read or sent; renewed by the keeper; released as the stop's last step.
   */
  lease?: { keeper: TradingLeaseHandle; signal?: AbortSignal };
  /** Period of the "bot status" log line (PnL, exposure, orders), ms (default 60 000). */
  statusLogMs?: number;
  /** Asked before any switch to live (runtime-controls.ts): a reason keeps the bot in paper. */
  liveGuard?: () => Promise<string | undefined>;
}

export type TradingLeaseHandle = Pick<TradingLeaseKeeper, 'owner' | 'acquire' | 'release' | 'stop' | 'isHeld' | 'onLost' | 'lost'>;

/** What a stop has not finished yet (main.ts logs it when the stop deadline passes). */
export interface StopProgress {
  step: string;
  persistencePending: number;
  persistenceLagMs: number;
  openOrders: number;
  leaseHeld: boolean | undefined;
}

export interface StopOptions {
  /** Cancel live resting orders before stopping (default true). */
  cancelOrders?: boolean;
  flushTimeoutMs?: number;
  /** Bound on writing the day report and closing/uploading the recording, ms (default 15 000). */
  outputsTimeoutMs?: number;
}

export interface StatefulBot {
  readonly bot: RunningBot;
  readonly persister: StatePersister;
  readonly controls: RuntimeControls;
  readonly reporter: AlarmMetricsReporter | undefined;
  readonly rebuild: RebuildResult | undefined;
  readonly recorder: BotRecorder | undefined;
  readonly dayReports: LiveDayReports | undefined;
  health(): HealthStatus;
  /** The stop's current step and what is still unflushed. */
  progress(): StopProgress;
  stop(options?: StopOptions): Promise<void>;
}

/** The message of the minute status line; infra/constructs/alerting.ts charts its fields (keep in step). */
export const BOT_STATUS_MESSAGE = BOT_STATUS_LOG_MESSAGE;

/** The status line's fields: USD amounts as decimal strings from integer micros, counts as integers. */
export function botStatus(engine: AssembledEngine): Record<string, string | number | boolean> {
  const pnl = engine.pnl.dailyPnl();
  let exposure = 0;
  let positions = 0;
  for (const p of engine.state.allPositions()) {
    if (p.quantity === 0) continue;
    positions++;
    exposure += p.cost;
  }
  return {
    mode: engine.mode(),
    realizedPnlUsd: Number(formatMicros(pnl.realized as Micros)),
    unrealizedPnlUsd: Number(formatMicros(pnl.unrealized as Micros)),
    exposureUsd: Number(formatMicros(exposure as Micros)),
    positions,
    openOrders: engine.executor().tracker.openOrders().length,
    breakerTripped: engine.breaker.isTripped(),
  };
}

export async function startStatefulBot(o: StatefulBotOptions): Promise<StatefulBot> {
  const clock = o.clock ?? systemClock;
  const { logger, metrics, config } = o;
  const log = logger.child({ component: 'stateful-bot' });
  let phase: HealthStatus['phase'] = 'starting';

  // 0. The trading lease, before any state is read and before any order or cancel.
  const keeper = o.lease?.keeper;
  let leaseLost: LeaseLostError | undefined;
  /** Set once trading is under way: stops the background work that could trade or un-halt. */
  let stopBackground: () => void = () => {};
  if (keeper) {
    log.info('waiting for the trading lease (before the rebuild and any order or cancel)', { owner: keeper.owner });
    await keeper.acquire(o.lease?.signal);
  }
  /** The account may be touched (cancels, rebuild) only while the lease is ours (or without a lease). */
  const ownsAccount = (): boolean => !keeper || keeper.isHeld();

  // 1. The risk day.
  let riskDay: Awaited<ReturnType<typeof loadRiskDay>>;
  try {
    riskDay = await loadRiskDay(o.repos.riskDays, clock);
  } catch (err) {
    await keeper?.release();
    throw err;
  }
  log.info('risk day loaded', { day: riskDay.day, realizedPnlMicros: riskDay.realizedToday, breakerTripped: riskDay.breakerState.tripped });

  const ref: { engine?: AssembledEngine; rest?: PolymarketRestClient } = {};
  const persister = new StatePersister({
    repos: o.repos,
    clock,
    logger: logger.child({ component: 'persistence' }),
    metrics,
    persistModes: o.persistModes,
    riskDay: { day: riskDay.day, realizedPnlMicros: riskDay.state.realizedPnlMicros, updates: riskDay.state.updates },
    realizedToday: () => (ref.engine ? ref.engine.pnl.dailyPnl().realized : riskDay.realizedToday),
  });
  persister.start();

  let reporter: AlarmMetricsReporter | undefined;
  const notifyTrip = (s: CircuitBreakerState): void => {
    const notifier = o.notifier;
    if (!notifier) return;
    const message = `The circuit breaker tripped at ${new Date(s.trippedAt ?? clock.now()).toISOString()}: ${s.tripReason ?? ''}. Opening orders are stopped and resting orders cancelled until the daily reset.`;
    void (async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await notifier.notify({ subject: `Trading stopped: circuit breaker tripped (${config.mode})`, message });
          return;
        } catch (err) {
          log.error('breaker notification failed', { attempt, err });
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    })();
  };

  let privateUp: () => void = () => {};
  const privateConnected = new Promise<void>((resolve) => (privateUp = resolve));
  const onVenueEvent = (ev: VenueEvent, channel: 'markets' | 'private'): void => {
    if (ev.type === 'connection' && channel === 'private' && ev.status === 'up') privateUp();
    o.hooks?.onVenueEvent?.(ev, channel);
  };

  const controls: { current?: RuntimeControls } = {};
  if (keeper) {
    const onLeaseLost = (err: LeaseLostError): void => {
      leaseLost = err;
      phase = 'stopping';
      // Halt at once and cancel nothing: the new owner owns the account's orders now.
      const e = ref.engine;
      e?.executor().setHalted(true, 'refuse');
      e?.liveExecutor()?.setHalted(true, 'refuse');
      e?.stop();
      void controls.current?.stop();
      stopBackground();
      log.error('trading lease lost: trading halted, nothing cancelled; this process must exit', { owner: keeper.owner, reason: err.reason });
    };
    const early = keeper.lost();
    if (early) onLeaseLost(early);
    else keeper.onLost(onLeaseLost);
  }
  let rebuild: RebuildResult | undefined;
  const followExecutor = (engine: AssembledEngine): void => persister.attachTracker(engine.executor().tracker, engine.mode());

  const runRebuild = async (engine: AssembledEngine, rest: PolymarketRestClient, orphanPolicy: OrphanPolicy): Promise<RebuildResult | undefined> => {
    const live = tradingAccount(engine.mode()) === 'live';
    if (!live) {
      // Paper: the exchange account may be another stage's too (one key). Touch only this stage's own live
      // leftovers; no ledger, position or orphan repair from an account this stage does not trade.
      await cancelOwnLiveLeftovers({ venue: rest, orders: o.repos.orders, now: () => clock.now(), logger: logger.child({ component: 'paper-start' }), metrics });
      return undefined;
    }
    const result = await rebuildFromExchange({
      venue: rest,
      repos: o.repos,
      now: () => clock.now(),
      logger: logger.child({ component: 'rebuild' }),
      metrics,
      orphanPolicy,
      fees: config.trading.fees,
      lookbackMs: o.lookbackMs ?? 24 * 3_600_000,
    });
    const targets = { tracker: engine.executor().tracker, state: engine.state, pnl: engine.pnl, persister, logger, now: clock.now() };
    const adopted = adoptOrders(result.openOrders, targets);
    installAccount(result.positions, result.balance, targets);
    log.info('open orders adopted into the live tracker', { adopted });
    return result;
  };

  const rec = o.recording;
  const recorder = rec
    ? createBotRecorder({
        dir: rec.dir,
        config,
        clock,
        source: rec.source ?? 'bot',
        version: rec.version ?? '0.0.0',
        writer: { ...rec.writer, logger: logger.child({ component: 'recording' }), metrics, ...(rec.uploader ? { onChunkClosed: (file: string) => rec.uploader?.enqueue(file) } : {}) },
      })
    : undefined;
  if (recorder) log.info('recording inbound messages', { dir: rec?.dir, sessionId: recorder.sessionId, upload: rec?.uploader !== undefined });
  let dayReports: LiveDayReports | undefined;
  let shadowDays: ShadowDayPersistence | undefined;

  let bot: RunningBot;
  try {
    bot = await startBot({
      config,
      logger,
      metrics,
      clock,
      strategies: o.strategies,
      tickMs: o.tickMs,
      breakerState: riskDay.breakerState,
      realizedToday: riskDay.realizedToday,
      ...o.hooks,
      onVenueEvent: recorder
        ? (ev, channel) => {
            recorder.onVenueEvent(ev, channel);
            onVenueEvent(ev, channel);
          }
        : onVenueEvent,
      onFeedEvent: (ev) => {
        recorder?.onFeedEvent(ev);
        o.hooks?.onFeedEvent?.(ev);
      },
      onDiscovery: (d) => {
        recorder?.onDiscovery(d);
        o.hooks?.onDiscovery?.(d);
      },
      onEngineStart: () => {
        recorder?.onEngineStart();
        o.hooks?.onEngineStart?.();
      },
      onSettle: (slug, price) => {
        recorder?.onSettle(slug, price);
        dayReports?.onSettle(slug, price);
        o.hooks?.onSettle?.(slug, price);
      },
      onDecision: (decision, signal) => {
        dayReports?.onDecision(decision, signal);
        o.hooks?.onDecision?.(decision, signal);
      },
      onFill: (fill) => {
        persister.recordFill(fill, ref.engine?.mode() ?? config.mode);
        o.hooks?.onFill?.(fill);
      },
      onBreakerTrip: (s) => {
        persister.recordBreakerTrip(s);
        reporter?.onBreakerTrip();
        dayReports?.onBreakerTrip(s);
        notifyTrip(s);
        o.hooks?.onBreakerTrip?.(s);
      },
      beforeTrading: async ({ engine, rest, discovery }) => {
        phase = 'rebuilding';
        ref.engine = engine;
        ref.rest = rest;
        // The paper account's own orders are recorded too (marked paper: a replay keeps them as a record only).
        if (recorder) engine.paper.onEvent(recorder.onPaperEvent);
        // 3. Persistence and controls.
        followExecutor(engine);
        engine.bus.on('position_update', (p) => persister.recordPosition(p, engine.mode()));
        // A shadow day's calibration aggregates: resumed from the store (a restart mid-day), stored as it goes.
        const shadowRepo = o.repos.shadowDays;
        if (engine.shadow && shadowRepo) {
          shadowDays = new ShadowDayPersistence({
            shadow: engine.shadow,
            repo: shadowRepo,
            record: (day, agg) => void persister.recordShadowDay(day, agg),
            now: () => clock.now(),
            logger: logger.child({ component: 'shadow-day' }),
            metrics,
            ...(o.shadowPersistMs !== undefined ? { intervalMs: o.shadowPersistMs } : {}),
          });
          await shadowDays.resume(persister.currentDay());
        }
        controls.current = new RuntimeControls({
          engine,
          parameters: o.parameters,
          tradingModeParameter: o.parameterNames.tradingMode,
          killSwitchParameter: o.parameterNames.killSwitch,
          logger: logger.child({ component: 'controls' }),
          metrics,
          intervalMs: o.controlPollMs,
          onModeChanged: () => followExecutor(engine),
          ...(o.liveGuard ? { liveGuard: o.liveGuard } : {}),
        });
        await controls.current.pollOnce();
        // 4. The private socket.
        const waitMs = o.privateSocketWaitMs ?? 10_000;
        let waitTimer: NodeJS.Timeout | undefined;
        const up = await Promise.race([
          privateConnected.then(() => true),
          new Promise<boolean>((r) => (waitTimer = setTimeout(() => r(false), waitMs))),
        ]);
        clearTimeout(waitTimer);
        if (!up) log.warn('private socket not up yet; rebuilding from REST anyway', { waitMs });
        if (leaseLost) throw leaseLost;
        // 5. The exchange.
        rebuild = await runRebuild(engine, rest, o.orphanPolicy ?? 'cancel');
        if (leaseLost) throw leaseLost;
        // The day report starts with trading.
        if (o.reports) {
          dayReports = new LiveDayReports({
            engine,
            directory: discovery.directory,
            fixtures: discovery.fixtures,
            store: o.reports.store,
            prefix: o.reports.prefix,
            day: persister.currentDay(),
            now: () => clock.now(),
            logger: logger.child({ component: 'day-report' }),
            metrics,
            configDigest: configDigest(config),
            ...(o.reports.stage !== undefined ? { stage: o.reports.stage } : {}),
            ...(o.reports.sampleTimerMs !== undefined ? { sampleTimerMs: o.reports.sampleTimerMs } : {}),
          });
        }
        phase = 'trading';
      },
    });
  } catch (err) {
    await dayReports?.close().catch(() => undefined);
    await recorder?.close().catch(() => undefined);
    if (keeper?.isHeld()) await keeper.release();
    else keeper?.stop();
    throw err;
  }

  const engine = bot.engine;
  // Lost between the rebuild and startBot's engine.start(): stopped again (the executors stay halted).
  if (leaseLost) engine.stop();
  // 6. Background work.
  const runtime = controls.current as RuntimeControls;
  if (!leaseLost) runtime.start();
  if (o.metricsExport !== false) {
    const me = o.metricsExport ?? { namespace: 'PmusTrader/local' };
    reporter = new AlarmMetricsReporter({
      source: metrics,
      namespace: me.namespace,
      now: () => clock.now(),
      positions: () => engine.state.allPositions(),
      maxPositionContracts: o.maxPositionContracts ?? Number.MAX_SAFE_INTEGER,
      persistence: persister.queue,
      logger,
      intervalMs: me.intervalMs,
      exporter: me.exporter,
      exportAll: me.exportAll,
    });
    reporter.start();
  }
  // One status line a minute: PnL, exposure and orders for the dashboard's log widgets (no custom metrics).
  const statusTimer = setInterval(() => log.info(BOT_STATUS_MESSAGE, botStatus(engine)), o.statusLogMs ?? 60_000);
  statusTimer.unref();
  const sweep = setInterval(() => {
    persister.sweepOrders(engine.executor().tracker, engine.mode());
    persister.recordRealizedPnl();
    shadowDays?.tick(persister.currentDay());
    persister.queue.sampleMetrics();
  }, o.sweepMs ?? 2_000);
  sweep.unref();

  const consumers: SqsQueueConsumer<unknown>[] = [];
  if (o.queues?.controlUrl) {
    // The daily reset moves the persistence to the new risk day and writes the ended day's report.
    const days: DayTracker = {
      currentDay: () => persister.currentDay(),
      onNewDay: (day) => {
        // The ended shadow day's last aggregates first (the rollover resets the journal).
        shadowDays?.save(persister.currentDay());
        shadowDays?.onNewDay(day);
        persister.onNewDay(day);
        if (dayReports) void dayReports.rollover(day);
        else engine.shadow?.resetDay();
      },
    };
    const handle = createControlHandler({ engine, days, logger: logger.child({ component: 'control-queue' }), metrics, now: () => clock.now() });
    consumers.push(
      new SqsQueueConsumer<ControlMessage>({
        sqs: o.queues.sqs,
        queueUrl: o.queues.controlUrl,
        name: 'control',
        parse: parseControlMessage,
        handle: async (m) => void handle(m.body),
        logger,
        metrics,
        waitTimeSeconds: o.queues.waitTimeSeconds,
      }) as SqsQueueConsumer<unknown>,
    );
  }
  if (o.queues?.oddsUrl) {
    const handle = createOddsUpdateHandler({ logger, metrics, now: () => clock.now() });
    consumers.push(
      new SqsQueueConsumer<OddsUpdateMessage>({
        sqs: o.queues.sqs,
        queueUrl: o.queues.oddsUrl,
        name: 'odds',
        parse: parseOddsUpdateMessage,
        handle: async (m) => handle(m.body),
        logger,
        metrics,
        waitTimeSeconds: o.queues.waitTimeSeconds,
      }) as SqsQueueConsumer<unknown>,
    );
  }
  for (const c of consumers) c.start();
  stopBackground = () => {
    clearInterval(sweep);
    clearInterval(statusTimer);
    for (const c of consumers) void c.stop();
  };
  if (leaseLost) stopBackground();
  log.info('trading', { mode: engine.mode(), killSwitch: engine.breaker.isKillSwitchOn(), breakerTripped: engine.breaker.isTripped() });

  /** The day report and the recording's last chunk (and its upload), bounded: a stop must not hang on S3. */
  const finishOutputs = async (timeoutMs: number): Promise<void> => {
    const work = Promise.allSettled([
      dayReports?.close(),
      (async () => {
        if (!recorder) return;
        const stats = await recorder.close();
        await rec?.uploader?.idle();
        log.info('recording closed', { files: stats.files.length, written: stats.written, dropped: stats.dropped });
      })(),
    ]).then((results) => {
      for (const r of results) if (r.status === 'rejected') log.error('closing an output failed', { err: r.reason });
      return true;
    });
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([work, new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
    clearTimeout(timer);
    if (!done) log.error('day report / recording not finished in time at shutdown; the chunk stays on local disk', { timeoutMs });
  };

  let stopping: Promise<void> | undefined;
  let stopStep = 'running';
  return {
    bot,
    persister,
    controls: runtime,
    reporter,
    recorder,
    dayReports,
    get rebuild() {
      return rebuild;
    },
    progress: () => ({
      step: stopStep,
      persistencePending: persister.queue.depth(),
      persistenceLagMs: persister.queue.lagMs(),
      openOrders: engine.executor().tracker.openOrders().length,
      leaseHeld: keeper?.isHeld(),
    }),
    health: () => ({
      phase,
      mode: engine.mode(),
      killSwitch: engine.breaker.isKillSwitchOn(),
      breakerTripped: engine.breaker.isTripped(),
      persistenceLagMs: persister.queue.lagMs(),
    }),
    stop(options = {}) {
      stopping ??= (async () => {
        phase = 'stopping';
        log.info('stopping', { leaseLost: !ownsAccount() });
        stopStep = 'controls';
        await runtime.stop();
        await Promise.allSettled(consumers.map((c) => c.stop()));
        engine.stop();
        clearInterval(sweep);
        clearInterval(statusTimer);
        const live = tradingAccount(engine.mode()) === 'live';
        if (leaseLost) log.error('stopping without cancels or a final rebuild pass: the trading lease is lost', { reason: leaseLost.reason });
        stopStep = 'cancel-all';
        if (live && options.cancelOrders !== false && ownsAccount()) {
          await engine
            .executor()
            .cancelAll()
            .catch((err: unknown) => log.error('cancel-all at shutdown failed', { err }));
        }
        persister.sweepOrders(engine.executor().tracker, engine.mode());
        persister.recordRealizedPnl();
        shadowDays?.save(persister.currentDay());
        stopStep = 'persistence-flush';
        await persister.flush(options.flushTimeoutMs ?? 10_000);
        stopStep = 'final-rebuild-pass';
        if (live && ref.rest && ownsAccount()) {
          // A fill that landed while stopping is recorded now rather than by the next start.
          await runRebuild(engine, ref.rest, 'cancel').catch((err: unknown) => log.error('shutdown rebuild pass failed', { err }));
        }
        stopStep = 'sockets';
        await bot.stop();
        stopStep = 'persistence-stop';
        await persister.stop(options.flushTimeoutMs ?? 10_000);
        reporter?.stop();
        stopStep = 'outputs';
        await finishOutputs(options.outputsTimeoutMs ?? 15_000);
        // Last: the lease. The next bot may now rebuild and trade.
        stopStep = 'lease-release';
        if (keeper?.isHeld()) await keeper.release();
        else keeper?.stop();
        stopStep = 'stopped';
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
