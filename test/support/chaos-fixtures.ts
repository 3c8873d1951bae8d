/**
 * The chaos soak: the bot in LIVE mode against the simulator (exchange + OpticOdds world with games under
 * way) while the simulator's fault switches fire together — socket closes, dropped and delayed socket
 * messages, 429 and 5xx bursts, REST latency spikes, clock skew, ambiguous creates, a sports-feed outage —
 * with the money invariants checked continuously (every `sampleMs`) and at the end:
 *
 *  - risk limits: per-market, correlated-group and portfolio exposure computed from the SIMULATOR's truth
 *    (positions + resting opening orders, worst-case loss as in shared/risk/exposure-monitor.ts; reducing
 *    orders count zero, as the risk manager documents) never above the configured limits;
 *  - no order sent twice: every order the exchange holds for the bot's account is tracked by exactly one
 *    engine order (a resent create would leave an untracked twin, resting or trading). The one exception is
 *    only counted (`deadOnArrivalUntracked`): an order the exchange ended at once without a fill (rejected, or
 *    cancelled within `DEAD_ON_ARRIVAL_MS` of its creation: unfunded, post-only cross) leaves no trace a
 *    recovery can read (today's activities list trades, not order lifecycles), so an ambiguous create of it
 *    is judged absent and sent once more — it never rested nor traded, so no exposure was doubled;
 *  - every exchange execution (fill) appears exactly once in the bot's fills, none invented — including those
 *    sent while the private socket was down (recovered from the trade activities by the fill-gap watcher);
 *  - after a quiet period (faults cleared, kill switch on, open orders gone) the bot's positions equal the
 *    exchange's;
 *  - live arbitrage pauses exactly while the sports feed is down: no live_arbitrage signal reaches the risk
 *    manager while a sports stream is unhealthy (feed_health events and the engine's view agree);
 *  - after every reconnect of the market socket, each subscribed book equals the exchange's within 5 s.
 *
 * Used by test/chaos/soak.test.ts (short) and scripts/chaos-soak.ts (long).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { deepMerge } from '../../shared/config/deep-merge.js';
import { parseConfigDocuments } from '../../shared/config/loader.js';
import type { AppConfig } from '../../shared/config/schema.js';
import type { BookLevel } from '../../shared/domain/market.js';
import type { Fill } from '../../shared/domain/order.js';
import { INTENT_EFFECT } from '../../shared/domain/venue-enums.js';
import type { VenueExecution, VenueOrder, VenuePosition } from '../../shared/domain/venue-models.js';
import { ONE_DOLLAR } from '../../shared/domain/money.js';
import { formatQuantity, qtyTimesMicros } from '../../shared/domain/quantity.js';
import type { LogFields, Logger } from '../../shared/observability/logger.js';
import { createLogger } from '../../shared/observability/pino-logger.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { startBot, type RunningBot } from '../../containers/bot/bot.js';
import { startAuditedSimulator } from './wire-audit.js';
import { CREATE_ORDER_PATHS } from '../../containers/simulator/faults/fault-controller.js';
import { createSportsModule, type SportsModule } from '../../containers/simulator/sports/index.js';
import { simulatorEndpoints, type SimulatorEndpoints } from '../../containers/bot/session-config.js';

const CONFIG_DIR = join(import.meta.dirname, '../../config');

export interface ChaosOptions {
  /** Time with faults firing, ms. */
  durationMs: number;
  seed?: number;
  /** Invariant sampling period, ms (default 250). */
  sampleMs?: number;
  /** Mean time between two fault injections, ms (default 1 500). */
  faultEveryMs?: number;
  /** Trading without faults before the end checks, ms (default 4 000). */
  quietMs?: number;
  /** How long a book may take to match the exchange after a reconnect, ms (default 5 000). */
  resyncWithinMs?: number;
  /** Progress lines (the long soak prints them). */
  progress?: (line: string) => void;
  progressEveryMs?: number;
  /** Every log line of the bot and the simulator also goes here (JSON lines), to investigate a violation. */
  logFile?: string;
}

export interface Violation {
  invariant: 'risk_limit' | 'order_untracked' | 'order_adopted_unknown' | 'order_duplicate' | 'fill_missing' | 'fill_duplicate' | 'fill_phantom' | 'position_mismatch' | 'live_arb_while_feed_down' | 'book_resync' | 'open_order_mismatch';
  atMs: number;
  detail: string;
}

export interface ChaosReport {
  seed: number;
  durationMs: number;
  samples: number;
  /** Faults injected by kind (this harness's count). */
  faults: Record<string, number>;
  faultsTotal: number;
  /** The simulator's own fault counters (messages dropped/delayed, failures injected, …). */
  simulatorFaultStats: Record<string, number>;
  violations: Violation[];
  counts: {
    ordersOnExchange: number;
    /** Orders the exchange ended at once without a fill that no engine order tracks (see the header). */
    deadOnArrivalUntracked: number;
    executions: number;
    botFills: number;
    decisions: Record<string, number>;
    liveArbDecisions: number;
    liveArbDecisionsWhileFeedDown: number;
    feedDownPeriods: number;
    marketReconnects: number;
    resyncsChecked: number;
    resyncMaxMs: number;
    maxMarketExposureUsd: number;
    maxPortfolioExposureUsd: number;
    positionsCompared: number;
    warnLines: number;
    errorLines: number;
    /** Fills the private socket missed, recovered from the trade activities (fill-gap watcher). */
    fillsRecovered: number;
    /** Fill gaps the tracker reported, and cancels answered "not open" (done, not errors). */
    fillGapsReported: number;
    cancelsNotOpen: number;
    /** Trade-activity scans the fill-gap watcher made (reconnects, gaps). */
    fillGapScans: number;
    /** Orders closed as absent after an ambiguous create that turned out live (adopted under their strategy). */
    lateClaims: number;
    /** Orders adopted as unknown (each a violation unless dead on arrival). */
    adoptedUnknown: number;
  };
  limitsUsd: { perMarket: number; portfolio: number; correlated: number };
  errorSamples: string[];
}

/**
 * A logger that counts lines by level and keeps a few error lines (a 30-minute soak logs a lot), optionally
 * forwarding every line to another logger (e.g. a file, to investigate a violation).
 */
export class CountingLogger implements Logger {
  readonly counts = { debug: 0, info: 0, warn: 0, error: 0 };
  readonly errors: string[] = [];
  constructor(
    private readonly root?: CountingLogger,
    private readonly inner?: Logger,
  ) {}
  private add(level: keyof CountingLogger['counts'], msg: string, fields?: LogFields): void {
    const r = this.root ?? this;
    r.counts[level]++;
    if (level === 'error' && r.errors.length < 50) r.errors.push(`${msg} ${safeJson(fields)}`.slice(0, 400));
    this.inner?.[level](msg, fields);
  }
  debug(msg: string, f?: LogFields): void {
    this.add('debug', msg, f);
  }
  info(msg: string, f?: LogFields): void {
    this.add('info', msg, f);
  }
  warn(msg: string, f?: LogFields): void {
    this.add('warn', msg, f);
  }
  error(msg: string, f?: LogFields): void {
    this.add('error', msg, f);
  }
  child(bindings: LogFields): Logger {
    return new CountingLogger(this.root ?? this, this.inner?.child(bindings));
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (x instanceof Error ? { name: x.name, message: x.message } : x)) ?? '';
  } catch {
    return '';
  }
}

/** A small seeded PRNG (mulberry32): the fault schedule replays from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The simulator's endpoints and keys (the same shape the local session uses). */
export type LiveEndpoints = SimulatorEndpoints;
export { simulatorEndpoints };

/** The LIVE configuration (config.yaml + live overlay + the local markets) against these endpoints. */
export function liveChaosConfig(e: LiveEndpoints, overrides: Record<string, unknown> = {}): AppConfig {
  const read = (name: string): unknown => parse(readFileSync(join(CONFIG_DIR, name), 'utf8')) ?? {};
  const live = deepMerge(deepMerge(read('config.live.yaml'), read('config.local.yaml')), {
    api: { request_timeout_ms: 1_500, ws_silence_timeout_ms: 5_000 },
    ...overrides,
  });
  return parseConfigDocuments({
    base: read('config.yaml'),
    overlays: { live },
    mode: 'live',
    baseFile: 'config.yaml',
    overlayFiles: { live: 'config.live.yaml + config.local.yaml' },
    env: {
      PM_API_BASE_URL: e.baseUrl,
      PM_GATEWAY_URL: e.baseUrl,
      PM_WS_MARKETS_URL: e.wsMarketsUrl,
      PM_WS_PRIVATE_URL: e.wsPrivateUrl,
      PM_API_KEY_ID: e.keyId,
      PM_PRIVATE_KEY: e.secretBase64,
      OPTICODDS_BASE_URL: e.oddsBaseUrl,
      OPTICODDS_API_KEY: e.oddsApiKey,
    },
  });
}

/** Worst-case loss per outcome of one market from the exchange's truth (see shared/risk/exposure-monitor.ts). */
export function exchangeMarketLoss(position: VenuePosition | undefined, openOrders: readonly VenueOrder[]): { ifYes: number; ifNo: number } {
  let ifYes = 0;
  let ifNo = 0;
  if (position && position.netPosition > 0) ifNo += Math.max(0, position.cost);
  if (position && position.netPosition < 0) ifYes += Math.max(0, position.cost);
  for (const o of openOrders) {
    const effect = INTENT_EFFECT[o.intent];
    if (!effect.opens) continue;
    const qty = Math.max(0, o.leavesQuantity); // hundredths of a contract
    if (effect.buysLong) ifNo += qtyTimesMicros(qty, o.price ?? ONE_DOLLAR, 'up');
    else ifYes += qtyTimesMicros(qty, ONE_DOLLAR - (o.price ?? 0), 'up');
  }
  return { ifYes, ifNo };
}

const sameLevels = (a: readonly BookLevel[], b: readonly BookLevel[], depth: number): boolean => {
  const n = Math.min(depth, Math.max(a.length, b.length));
  for (let i = 0; i < n; i++) if (a[i]?.price !== b[i]?.price || a[i]?.qty !== b[i]?.qty) return false;
  return true;
};

/** An order ended this soon after its first execution, without a fill, never rested: see the header. */
const DEAD_ON_ARRIVAL_MS = 1_000;
const ENDS_AN_ORDER: ReadonlySet<string> = new Set(['EXECUTION_TYPE_REJECTED', 'EXECUTION_TYPE_CANCELED', 'EXECUTION_TYPE_EXPIRED']);

type FaultKind =
  | 'socket_close'
  | 'drop_market_messages'
  | 'delay_messages'
  | 'http_429_burst'
  | 'http_5xx_burst'
  | 'create_5xx'
  | 'latency_spike'
  | 'clock_skew'
  | 'ambiguous_create'
  | 'sports_feed_outage';

const FAULT_KINDS: readonly FaultKind[] = [
  'socket_close',
  'drop_market_messages',
  'delay_messages',
  'http_429_burst',
  'http_5xx_burst',
  'create_5xx',
  'latency_spike',
  'clock_skew',
  'ambiguous_create',
  'sports_feed_outage',
];

export async function runChaosSoak(options: ChaosOptions): Promise<ChaosReport> {
  const seed = options.seed ?? 11;
  const sampleMs = options.sampleMs ?? 250;
  const faultEveryMs = options.faultEveryMs ?? 1_500;
  const quietMs = options.quietMs ?? 4_000;
  const resyncWithinMs = options.resyncWithinMs ?? 5_000;
  const rnd = prng(seed);
  const logger = new CountingLogger(undefined, options.logFile ? createLogger({ level: 'debug', destination: createWriteStream(options.logFile) }) : undefined);
  const metrics = new MetricsRegistry();
  const violations: Violation[] = [];
  const t0 = Date.now();
  const violate = (invariant: Violation['invariant'], detail: string): void => {
    if (violations.length < 500) violations.push({ invariant, atMs: Date.now() - t0, detail });
  };

  // Games start right after the bot and last about the whole run (a basketball game is ~3 600 game seconds),
  // so live arbitrage, settlement-free trading and the feed-pause invariant stay exercised in a long soak.
  const speed = Math.min(30, Math.max(2, Math.round(3_600 / Math.max(1, options.durationMs / 1_000))));
  // Audited: everything the simulator sends is held against the venue's wire contract; close() fails on a violation.
  const sim = await startAuditedSimulator({
    seed,
    logger: logger.child({ component: 'simulator' }),
    modules: [createSportsModule({ seed, speed, games: { basketball: 2, football: 2 }, firstStartDelayMs: 3_000, startStaggerMs: 4_000 })],
  });
  const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  const account = sim.accountOf(sim.credentials.keyId);
  const config = liveChaosConfig(simulatorEndpoints(sim, sports));
  const limits = config.risk;

  // The exchange's truth: every order and execution of the bot's account.
  const exchangeOrders = new Set<string>();
  /** Orders the exchange ended without a fill within DEAD_ON_ARRIVAL_MS of their first execution. */
  const lifeOf = new Map<string, { firstAt: number; endedAt: number | null; filled: boolean }>();
  const exchangeFills = new Map<string, VenueExecution>();
  const unsubscribe = sim.exchange.onEvent((ev) => {
    if (ev.type !== 'execution' || ev.accountId !== account) return;
    exchangeOrders.add(ev.execution.order.id);
    const life = lifeOf.get(ev.execution.order.id) ?? { firstAt: Date.now(), endedAt: null, filled: false };
    lifeOf.set(ev.execution.order.id, life);
    if ((ev.execution.lastShares ?? 0) > 0) life.filled = true;
    if (life.endedAt === null && ENDS_AN_ORDER.has(ev.execution.type)) life.endedAt = Date.now();
    if ((ev.execution.lastShares ?? 0) > 0) exchangeFills.set(ev.execution.id, ev.execution);
    if (options.logFile) {
      const { order: o, type, lastShares } = ev.execution;
      logger.debug('chaos: exchange execution', { component: 'chaos', orderId: o.id, type, lastShares, marketSlug: o.marketSlug, intent: o.intent, price: o.price, quantity: o.quantity, createTime: o.createTime });
    }
  });

  // What the bot does and sees.
  const ref: { bot?: RunningBot } = {};
  const botFills: Fill[] = [];
  const decisions: Record<string, number> = {};
  let liveArbDecisions = 0;
  let liveArbWhileDown = 0;
  const feedHealth = new Map<string, boolean>();
  let feedDownPeriods = 0;
  const feedDown = () => [...feedHealth.values()].some((h) => !h);
  let marketReconnects = 0;
  const pendingResync: { at: number; unmatched: Set<string> }[] = [];
  let resyncsChecked = 0;
  let resyncMaxMs = 0;
  let dropsBlockedUntil = 0;

  const bot = await startBot({
    config,
    logger,
    metrics,
    tickMs: 250,
    onDecision: (decision, signal) => {
      const k = `${signal.strategyName}:${decision.check}`;
      decisions[k] = (decisions[k] ?? 0) + 1;
      if (signal.strategyName === 'live_arbitrage') {
        liveArbDecisions++;
        const viewDown = ref.bot ? !ref.bot.engine.view.sportsFeedHealthy() : false;
        if (feedDown() || viewDown) {
          liveArbWhileDown++;
          violate('live_arb_while_feed_down', `${signal.marketSlug} ${signal.action} while ${[...feedHealth].filter(([, h]) => !h).map(([s]) => s).join(',') || 'view says down'}`);
        }
      }
    },
    onFill: (fill) => botFills.push(fill),
    onFeedEvent: (ev) => {
      if (ev.type !== 'feed_health') return;
      const key = `${ev.sport}:${ev.stream}`;
      if (feedHealth.get(key) !== false && !ev.healthy) feedDownPeriods++;
      feedHealth.set(key, ev.healthy);
    },
    onVenueEvent: (ev, channel) => {
      if (channel === 'markets' && ev.type === 'connection' && ev.status === 'up' && ev.reason === 'reconnected') {
        marketReconnects++;
        if (ref.bot) pendingResync.push({ at: Date.now(), unmatched: new Set(ref.bot.discovery.markets.map((m) => m.marketSlug)) });
      }
    },
  });
  ref.bot = bot;
  const slugs = bot.discovery.markets.map((m) => m.marketSlug);

  // ------------------------------------------------------------------ the invariant sampler
  let samples = 0;
  let maxMarket = 0;
  let maxPortfolio = 0;
  const sampleRisk = (): void => {
    const positions = sim.exchange.positions(account);
    const orders = sim.exchange.openOrders(account);
    const bySlug = new Map<string, VenueOrder[]>();
    for (const o of orders) bySlug.set(o.marketSlug, [...(bySlug.get(o.marketSlug) ?? []), o]);
    const marketsWithRisk = new Set([...Object.keys(positions), ...bySlug.keys()]);
    let portfolio = 0;
    const groups = new Map<string, number>();
    for (const slug of marketsWithRisk) {
      const loss = exchangeMarketLoss(positions[slug], bySlug.get(slug) ?? []);
      const e = Math.max(loss.ifYes, loss.ifNo);
      portfolio += e;
      maxMarket = Math.max(maxMarket, e);
      if (e > limits.maxPositionPerMarket) violate('risk_limit', `market ${slug} exposure ${e} > max_position_per_market ${limits.maxPositionPerMarket}`);
      for (const k of bot.engine.risk.correlation.keys(slug)) groups.set(k, (groups.get(k) ?? 0) + e);
    }
    maxPortfolio = Math.max(maxPortfolio, portfolio);
    if (portfolio > limits.maxPortfolioExposure) violate('risk_limit', `portfolio exposure ${portfolio} > max_portfolio_exposure ${limits.maxPortfolioExposure}`);
    for (const [k, e] of groups) if (e > limits.maxCorrelatedExposure) violate('risk_limit', `group ${k} exposure ${e} > max_correlated_exposure ${limits.maxCorrelatedExposure}`);
  };
  const sampleResync = (): void => {
    const now = Date.now();
    for (let i = pendingResync.length - 1; i >= 0; i--) {
      const p = pendingResync[i]!;
      for (const slug of [...p.unmatched]) {
        const mine = bot.engine.state.book(slug);
        const truth = sim.exchange.book(slug);
        if (mine && sameLevels(mine.levels('bid'), truth.bids, 10) && sameLevels(mine.levels('ask'), truth.asks, 10)) p.unmatched.delete(slug);
      }
      if (p.unmatched.size === 0) {
        resyncsChecked++;
        resyncMaxMs = Math.max(resyncMaxMs, now - p.at);
        pendingResync.splice(i, 1);
      } else if (now - p.at > resyncWithinMs) {
        resyncsChecked++;
        violate('book_resync', `${p.unmatched.size} book(s) still differ ${now - p.at} ms after a reconnect: ${[...p.unmatched].slice(0, 3).join(', ')}`);
        pendingResync.splice(i, 1);
      }
    }
  };
  const sampler = setInterval(() => {
    samples++;
    try {
      sampleRisk();
      sampleResync();
    } catch (err) {
      logger.error('chaos sampler failed', { err });
    }
  }, sampleMs);

  // ------------------------------------------------------------------ the fault schedule
  const faults: Record<string, number> = {};
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const inject = (kind: FaultKind): void => {
    const f = sim.faults;
    switch (kind) {
      case 'socket_close':
        f.dropSocketMessages({ probability: 0, channel: 'markets' });
        dropsBlockedUntil = Date.now() + resyncWithinMs + 1_000;
        f.closeAllSockets();
        break;
      case 'drop_market_messages':
        if (Date.now() < dropsBlockedUntil) return inject('delay_messages');
        f.dropSocketMessages({ probability: 0.1 + 0.2 * rnd(), channel: 'markets' });
        later(2_000 + 2_000 * rnd(), () => f.dropSocketMessages({ probability: 0, channel: 'markets' }));
        break;
      case 'delay_messages':
        f.delaySocketMessages({ ms: Math.round(50 + 250 * rnd()), jitterMs: 150 });
        later(2_000 + 2_000 * rnd(), () => f.delaySocketMessages({ ms: 0 }));
        break;
      case 'http_429_burst':
        f.failNextRequests({ count: 2 + Math.floor(6 * rnd()), status: 429 });
        break;
      case 'http_5xx_burst':
        f.failNextRequests({ count: 2 + Math.floor(4 * rnd()), status: [500, 502, 503][Math.floor(3 * rnd())] });
        break;
      case 'create_5xx':
        // Single and batched creates (the executor batches the creates of one turn), not batched cancels.
        f.failNextRequests({ count: 1 + Math.floor(2 * rnd()), status: 503, path: CREATE_ORDER_PATHS, method: 'POST' });
        break;
      case 'latency_spike':
        f.setRestLatency(Math.round(100 + 400 * rnd()), 200);
        later(1_500 + 2_000 * rnd(), () => f.setRestLatency(0));
        break;
      case 'clock_skew':
        f.setClockSkew((rnd() < 0.5 ? -1 : 1) * Math.round(35_000 + 20_000 * rnd()));
        later(3_000 + 3_000 * rnd(), () => f.setClockSkew(0));
        break;
      case 'ambiguous_create': {
        const modes = ['reset', 'timeout', '5xx-after-commit'] as const;
        f.ambiguousCreate({ count: 1, mode: modes[Math.floor(3 * rnd())]!, holdMs: 2_000 });
        break;
      }
      case 'sports_feed_outage':
        sports.faults.pauseFeed(4_000 + Math.round(4_000 * rnd()));
        sports.faults.cutStreams();
        break;
    }
    faults[kind] = (faults[kind] ?? 0) + 1;
    logger.info('chaos fault injected', { component: 'chaos', kind }); // so a log file shows when
  };
  // Every kind at least once early on (in a seeded order), then random picks.
  const order = [...FAULT_KINDS].sort(() => rnd() - 0.5);
  const deadline = Date.now() + options.durationMs;
  let lastProgress = Date.now();
  while (Date.now() < deadline) {
    inject(order.length > 0 ? order.shift()! : FAULT_KINDS[Math.floor(rnd() * FAULT_KINDS.length)]!);
    await sleep(Math.round(faultEveryMs * (0.5 + rnd())));
    if (options.progress && Date.now() - lastProgress >= (options.progressEveryMs ?? 60_000)) {
      lastProgress = Date.now();
      options.progress(
        `${Math.round((Date.now() - t0) / 1000)}s faults ${Object.values(faults).reduce((a, b) => a + b, 0)} orders ${exchangeOrders.size} fills ${exchangeFills.size} violations ${violations.length}`,
      );
    }
  }

  // ------------------------------------------------------------------ quiet period, then the end checks
  for (const t of timers) clearTimeout(t);
  sim.faults.clear();
  sports.faults.reset();
  sports.faults.resumeFeed();
  await sleep(quietMs);
  await bot.setKillSwitch(true, 'chaos soak: end checks');
  // Wait until the exchange holds no open order of ours and nothing is in flight, then let events settle.
  for (let i = 0; i < 60 && (sim.exchange.openOrders(account).length > 0 || bot.engine.executor().tracker.inFlightOrders().length > 0); i++) await sleep(250);
  await sleep(1_500);
  clearInterval(sampler);
  sampleRisk();

  const tracker = bot.engine.executor().tracker;
  // Orders: every exchange order is tracked by exactly one engine order.
  const trackedIds = new Map<string, number>();
  for (const o of tracker.all()) if (o.orderId) trackedIds.set(o.orderId, (trackedIds.get(o.orderId) ?? 0) + 1);
  let deadOnArrivalUntracked = 0;
  const deadOnArrival = (id: string): boolean => {
    const life = lifeOf.get(id);
    return !!life && !life.filled && life.endedAt !== null && life.endedAt - life.firstAt <= DEAD_ON_ARRIVAL_MS;
  };
  for (const id of exchangeOrders) {
    const n = trackedIds.get(id) ?? 0;
    if (n === 0 && deadOnArrival(id)) deadOnArrivalUntracked++;
    else if (n === 0) violate('order_untracked', `exchange order ${id} is not tracked by the engine (sent twice, or lost)`);
    if (n > 1) violate('order_duplicate', `exchange order ${id} is tracked ${n} times`);
  }
  // The executor adopts an order of ours it cannot account for as 'unknown' (safe: tracked and cancellable),
  // but in this account every order is the bot's own: one adopted as unknown was sent twice or lost its create.
  let adoptedUnknown = 0;
  for (const o of tracker.all()) {
    if (o.strategyName !== 'unknown' || !o.orderId) continue;
    adoptedUnknown++;
    if (!deadOnArrival(o.orderId)) violate('order_adopted_unknown', `exchange order ${o.orderId} was adopted as unknown (sent twice, or its create lost)`);
  }
  const stillOpen = sim.exchange.openOrders(account);
  if (stillOpen.length > 0) violate('open_order_mismatch', `${stillOpen.length} order(s) still open on the exchange after the kill switch`);
  // Fills: each exchange execution exactly once in the bot's fills.
  const seen = new Map<string, number>();
  for (const f of botFills) seen.set(f.executionId, (seen.get(f.executionId) ?? 0) + 1);
  for (const [id, x] of exchangeFills) {
    const n = seen.get(id) ?? 0;
    if (n === 0) violate('fill_missing', `execution ${id} (${formatQuantity(x.lastShares ?? 0)} @ ${x.lastPx} on ${x.order.marketSlug}, order ${x.order.id}) never reached the bot`);
  }
  for (const [id, n] of seen) {
    if (n > 1) violate('fill_duplicate', `execution ${id} counted ${n} times`);
    if (!exchangeFills.has(id)) violate('fill_phantom', `bot fill ${id} is not an exchange execution`);
  }
  // Positions equal.
  const truth = sim.exchange.positions(account);
  let positionsCompared = 0;
  for (const slug of new Set([...Object.keys(truth), ...slugs])) {
    const want = truth[slug]?.netPosition ?? 0;
    const got = bot.engine.state.position(slug)?.netQty ?? 0;
    if (want !== 0 || got !== 0) positionsCompared++;
    if (want !== got) violate('position_mismatch', `${slug}: exchange ${formatQuantity(want)}, bot ${formatQuantity(got)}`);
  }

  const report: ChaosReport = {
    seed,
    durationMs: options.durationMs,
    samples,
    faults,
    faultsTotal: Object.values(faults).reduce((a, b) => a + b, 0),
    simulatorFaultStats: { ...sim.faults.stats() },
    violations,
    counts: {
      ordersOnExchange: exchangeOrders.size,
      deadOnArrivalUntracked,
      executions: exchangeFills.size,
      botFills: botFills.length,
      decisions,
      liveArbDecisions,
      liveArbDecisionsWhileFeedDown: liveArbWhileDown,
      feedDownPeriods,
      marketReconnects,
      resyncsChecked,
      resyncMaxMs,
      maxMarketExposureUsd: maxMarket / ONE_DOLLAR,
      maxPortfolioExposureUsd: maxPortfolio / ONE_DOLLAR,
      positionsCompared,
      warnLines: logger.counts.warn,
      errorLines: logger.counts.error,
      fillsRecovered: metrics.counter('fill_gap.fills_recovered'),
      fillGapsReported: ['venue_cum_ahead', 'fill_short', 'execution_cum_ahead', 'order_gone'].reduce((a, reason) => a + metrics.counter('fill_gap.reported', { reason }), 0),
      cancelsNotOpen: metrics.counter('execution.cancel_not_open'),
      fillGapScans: metrics.counter('fill_gap.scans'),
      lateClaims: metrics.counter('execution.late_claim'),
      adoptedUnknown,
    },
    limitsUsd: { perMarket: limits.maxPositionPerMarket / ONE_DOLLAR, portfolio: limits.maxPortfolioExposure / ONE_DOLLAR, correlated: limits.maxCorrelatedExposure / ONE_DOLLAR },
    errorSamples: logger.errors.slice(0, 20),
  };
  await bot.stop();
  unsubscribe();
  await sim.close();
  return report;
}
