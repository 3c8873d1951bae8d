/**
 * Helpers for the engine's end-to-end and integration tests and its benchmarks:
 *  - `engineConfig`: the repository's config/ files (config.yaml + the mode's overlay) with a patch and an
 *    environment, validated exactly as at start-up;
 *  - `ScriptedWorld`: the whole engine (`assembleEngine`) on a ManualClock + ManualScheduler, with builders
 *    for the exchange and feed events a scenario scripts (books, odds from a target probability, games).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { deepMerge } from '../../shared/config/deep-merge.js';
import { overlayFileNames, parseConfigDocuments } from '../../shared/config/loader.js';
import type { AppConfig, TradingMode } from '../../shared/config/schema.js';
import { generateKeyPairSync } from 'node:crypto';
import { ManualClock, type Clock } from '../../shared/domain/clock.js';
import type { PriceMicros } from '../../shared/domain/money.js';
import type { OrderRequest } from '../../shared/domain/order.js';
import { contracts, type Qty } from '../../shared/domain/quantity.js';
import type { CreateOrderResult, VenueExecution, VenueOrder } from '../../shared/domain/venue-models.js';
import { HEADER_ACCESS_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, RequestSigner } from '../../shared/venue/auth.js';
import { buildModifyOrder, createOrderJson } from '../../shared/venue/wire-requests.js';
import type { FeedEvent, OddsQuote } from '../../shared/domain/feed-events.js';
import type { GameState, GameStatus } from '../../shared/domain/game.js';
import type { OrderGateway } from '../../shared/domain/gateway.js';
import type { BookLevel } from '../../shared/domain/market.js';
import type { VenueEvent } from '../../shared/domain/venue-events.js';
import { INTENT_EFFECT, type VenueMarketState } from '../../shared/domain/venue-enums.js';
import { assembleEngine, type AssembledEngine, type StrategyKey } from '../../shared/engine/assemble-engine.js';
import { ManualScheduler } from '../../shared/execution/scheduler.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import type { RiskDecision } from '../../shared/risk/risk-manager.js';
import type { Signal } from '../../shared/domain/signal.js';
import { MarketDirectory } from '../../shared/state/market-directory.js';

/** The repository's config/ folder (ENGINE_CONFIG_DIR overrides it, for a bundled copy of this file). */
export const REPO_CONFIG_DIR = process.env.ENGINE_CONFIG_DIR ?? join(import.meta.dirname, '../../config');

const readYaml = (dir: string, name: string): unknown => parse(readFileSync(join(dir, name), 'utf8')) ?? {};

export interface EngineConfigOptions {
  mode?: TradingMode;
  /** Deep-merged over the mode's overlay (YAML spelling: snake_case keys, USD as numbers). */
  patch?: unknown;
  env?: NodeJS.ProcessEnv;
  dir?: string;
}

/** The repository's configuration for a mode, patched, validated like at start-up. */
export function engineConfig(opts: EngineConfigOptions = {}): AppConfig {
  const dir = opts.dir ?? REPO_CONFIG_DIR;
  const mode = opts.mode ?? 'paper';
  const names = overlayFileNames(mode).filter((name) => existsSync(join(dir, name)));
  const overlay = deepMerge(
    names.reduce<unknown>((acc, name) => deepMerge(acc, readYaml(dir, name)), {}),
    opts.patch ?? {},
  );
  return parseConfigDocuments({
    base: readYaml(dir, 'config.yaml'),
    overlays: { [mode]: overlay },
    overlayFiles: { [mode]: names.join(' + ') },
    baseFile: 'config.yaml',
    mode,
    env: {
      PM_API_KEY_ID: 'test-key',
      PM_PRIVATE_KEY: 'dGVzdA==',
      OPTICODDS_API_KEY: 'test-odds-key',
      ...opts.env,
    },
  });
}

// ------------------------------------------------------------------------------------------------ builders

export const usd = (n: number): number => Math.round(n * 1_000_000);
/** A price in micros from a decimal such as 0.47. */
export const px = (p: number): number => Math.round(p * 1_000_000);

/** American odds whose implied probability is `p` (no vig). */
export function americanFor(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability out of (0,1): ${p}`);
  return p >= 0.5 ? -Math.round((100 * p) / (1 - p)) : Math.round((100 * (1 - p)) / p);
}

export interface FixtureSpec {
  fixtureId: string;
  home: string;
  away: string;
  sport?: string;
  league?: string;
  startTime?: number;
}

export interface FixtureMarkets {
  fixture: Required<FixtureSpec>;
  /** The market whose long side pays when the home team wins. */
  homeSlug: string;
  awaySlug: string;
}

export const DEFAULT_BOOKS = ['Pinnacle', 'DraftKings', 'FanDuel'] as const;

/** One odds event: every book quotes the home team at probability `homeP` (no vig), at `timestamp`. */
export function oddsEvent(fx: Required<FixtureSpec>, homeP: number, timestamp: number, books: readonly string[] = DEFAULT_BOOKS): FeedEvent {
  const quotes: OddsQuote[] = [];
  for (const book of books) {
    for (const [name, p] of [
      [fx.home, homeP],
      [fx.away, 1 - homeP],
    ] as const) {
      quotes.push({
        key: `${fx.fixtureId}|${book}|Moneyline|${name}`,
        oddId: `${fx.fixtureId}:${book.toLowerCase()}:moneyline:${name.toLowerCase().replace(/\s+/g, '_')}`,
        fixtureId: fx.fixtureId,
        sport: fx.sport,
        league: fx.league,
        sportsbook: book,
        market: 'Moneyline',
        name,
        selection: name,
        selectionLine: '',
        points: null,
        americanOdds: americanFor(p),
        isMain: true,
        isLive: false,
        locked: false,
        timestamp,
        receivedAt: timestamp,
      });
    }
  }
  return { type: 'odds', quotes, entryId: null };
}

export interface GameSpec {
  status?: GameStatus;
  homeScore?: number;
  awayScore?: number;
  period?: number;
  clockSeconds?: number | null;
  secondsRemaining?: number | null;
  updatedAt: number;
}

export function gameEvent(fx: Required<FixtureSpec>, g: GameSpec): FeedEvent {
  const status = g.status ?? 'LIVE';
  const game: GameState = {
    gameId: fx.fixtureId,
    sport: fx.sport,
    league: fx.league,
    homeTeam: fx.home,
    awayTeam: fx.away,
    homeScore: g.homeScore ?? 0,
    awayScore: g.awayScore ?? 0,
    period: g.period ?? (status === 'SCHEDULED' ? 0 : 1),
    clockSeconds: g.clockSeconds ?? null,
    secondsRemaining: g.secondsRemaining ?? (status === 'SCHEDULED' ? 2880 : 2400),
    timeRemaining: '',
    status,
    rawStatus: status === 'LIVE' ? 'live' : status === 'SCHEDULED' ? 'unplayed' : status.toLowerCase(),
    startTime: fx.startTime,
    updatedAt: g.updatedAt,
  };
  return { type: 'game', game, entryId: null };
}

/**
 * A whole-book message: levels as [price, size] pairs in the venue's units — decimal prices and sizes in
 * contracts (converted here to micros and Qty hundredths: [0.47, 100] is 100 contracts at 0.47), best first.
 */
export function bookEvent(
  marketSlug: string,
  bids: readonly (readonly [number, number])[],
  asks: readonly (readonly [number, number])[],
  receivedAt: number,
  state: VenueMarketState = 'MARKET_STATE_OPEN',
): VenueEvent {
  const lv = (l: readonly [number, number]): BookLevel => ({ price: px(l[0]), qty: contracts(l[1]) });
  return { type: 'book', marketSlug, bids: bids.map(lv), asks: asks.map(lv), state, transactTime: receivedAt, snapshot: false, receivedAt };
}

// ------------------------------------------------------------------------------------------------ scripted world

export interface ScriptedWorldOptions {
  config?: AppConfig;
  strategies?: readonly StrategyKey[];
  liveGateway?: OrderGateway;
  start?: number;
  /** The clock to run on (default a new ManualClock at `start`). */
  clock?: ManualClock;
  logger?: Logger;
  metrics?: Metrics;
}

/**
 * The whole engine without I/O on simulated time: nothing happens until the test feeds an event or moves the
 * clock (`advance`, which also runs due timers — paper latency — and the engine's once-a-second tick).
 */
export class ScriptedWorld {
  readonly clock: ManualClock;
  readonly scheduler: ManualScheduler;
  readonly directory = new MarketDirectory();
  readonly config: AppConfig;
  readonly decisions: { decision: RiskDecision; signal: Signal }[] = [];
  private engineRef: AssembledEngine | undefined;
  private lastTick: number;

  constructor(private readonly opts: ScriptedWorldOptions = {}) {
    this.clock = opts.clock ?? new ManualClock(opts.start ?? Date.UTC(2025, 0, 15, 0, 0, 0));
    this.scheduler = new ManualScheduler(this.clock);
    this.config = opts.config ?? engineConfig();
    this.lastTick = this.clock.now();
  }

  /** Adds a game's two markets (YES = home wins, YES = away wins) to the directory. Call before `engine`. */
  addFixture(spec: FixtureSpec): FixtureMarkets {
    if (this.engineRef) throw new Error('add fixtures before the engine is built');
    const fixture: Required<FixtureSpec> = { sport: 'basketball', league: 'NBA', startTime: this.clock.now(), ...spec };
    const base = `nba-${fixture.fixtureId}`;
    const homeSlug = `${base}-home`;
    const awaySlug = `${base}-away`;
    const tick = this.config.trading.defaultTick;
    const minQty = this.config.trading.defaultMinQty;
    this.directory.addMarket(
      { marketSlug: homeSlug, eventSlug: base, title: `${fixture.away} @ ${fixture.home}`, outcome: fixture.home, team: fixture.home, tick, minQty },
      { fixtureId: fixture.fixtureId, side: 'home', oddsName: fixture.home, oddsMarket: 'Moneyline' },
    );
    this.directory.addMarket(
      { marketSlug: awaySlug, eventSlug: base, title: `${fixture.away} @ ${fixture.home}`, outcome: fixture.away, team: fixture.away, tick, minQty },
      { fixtureId: fixture.fixtureId, side: 'away', oddsName: fixture.away, oddsMarket: 'Moneyline' },
    );
    return { fixture, homeSlug, awaySlug };
  }

  get engine(): AssembledEngine {
    if (!this.engineRef) {
      this.engineRef = assembleEngine({
        config: this.config,
        clock: this.clock,
        scheduler: this.scheduler,
        directory: this.directory,
        liveGateway: this.opts.liveGateway,
        strategies: this.opts.strategies,
        logger: this.opts.logger,
        metrics: this.opts.metrics,
        onDecision: (decision, signal) => this.decisions.push({ decision, signal }),
      });
      this.engineRef.start();
    }
    return this.engineRef;
  }

  market(ev: VenueEvent): void {
    this.engine.onMarketEvent(ev);
  }

  feed(ev: FeedEvent): void {
    this.engine.onFeedEvent(ev);
  }

  /** Moves simulated time, running due timers, promise continuations, and the engine tick every second. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    while (this.clock.now() < target) {
      const step = Math.min(target, this.lastTick + 1_000) - this.clock.now();
      await this.scheduler.advanceAsync(Math.max(0, step));
      if (this.clock.now() - this.lastTick >= 1_000) {
        this.lastTick = this.clock.now();
        this.engine.tick(this.lastTick);
        await flush();
      }
    }
    await flush();
  }

  /** Open orders of the active executor. */
  openOrders(filter: { marketSlug?: string; strategyName?: string } = {}) {
    return this.engine.executor().tracker.openOrders(filter);
  }
}

export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits (event-driven polling on real time) until `cond` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ------------------------------------------------------------------------------------------------ simulator

/** The environment that points the repository's configuration at a running simulator and its sports world. */
export function simulatorEnv(sim: { baseUrl: string; wsMarketsUrl: string; wsPrivateUrl: string; credentials: { keyId: string; secretBase64: string } }, sports: { pathPrefix: string; apiKey: string }): NodeJS.ProcessEnv {
  return {
    PM_API_BASE_URL: sim.baseUrl,
    PM_GATEWAY_URL: sim.baseUrl,
    PM_WS_MARKETS_URL: sim.wsMarketsUrl,
    PM_WS_PRIVATE_URL: sim.wsPrivateUrl,
    PM_API_KEY_ID: sim.credentials.keyId,
    PM_PRIVATE_KEY: sim.credentials.secretBase64,
    OPTICODDS_BASE_URL: `${sim.baseUrl}${sports.pathPrefix}`,
    OPTICODDS_API_KEY: sports.apiKey,
  };
}

/** What config.local.yaml sets for a session against the simulator (every market, its sports and books). */
export const LOCAL_SESSION_PATCH = readYaml(REPO_CONFIG_DIR, 'config.local.yaml');

// ------------------------------------------------------------------------------------------------ benchmarks

/**
 * An OrderGateway that does everything a live create/modify/cancel does up to the socket write — the wire
 * body from the venue builders, JSON, the signer's Ed25519 headers, the HTTP/1.1 request bytes — and no
 * network. The create resolves at once with the venue's NEW execution; an IOC comes back cancelled (nothing
 * filled), as the venue reports an IOC that found nothing, so no exposure accumulates over a long run.
 */
export class SigningGateway implements OrderGateway {
  /** Monotonic ns at which the last create's bytes were complete. */
  lastCreateWrittenNs = 0n;
  creates = 0;
  modifies = 0;
  cancels = 0;
  bytes = 0;
  private seq = 0;

  constructor(
    private readonly signer: RequestSigner,
    private readonly host = 'api.polymarket.us',
  ) {}

  private write(method: 'POST' | 'DELETE', path: string, body: string): void {
    const h = this.signer.headers(method, path);
    const head =
      `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\naccept: application/json\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n${HEADER_ACCESS_KEY}: ${h[HEADER_ACCESS_KEY]}\r\n${HEADER_TIMESTAMP}: ${h[HEADER_TIMESTAMP]}\r\n` +
      `${HEADER_SIGNATURE}: ${h[HEADER_SIGNATURE]}\r\n\r\n`;
    const bytes = Buffer.from(head + body, 'utf8');
    this.bytes += bytes.length;
  }

  createOrder(request: OrderRequest): Promise<CreateOrderResult> {
    this.write('POST', '/v1/orders', createOrderJson(request));
    this.lastCreateWrittenNs = process.hrtime.bigint();
    this.creates++;
    const orderId = `bench-${++this.seq}`;
    const ioc = request.tif === 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL';
    const order: VenueOrder = {
      id: orderId,
      marketSlug: request.marketSlug,
      side: INTENT_EFFECT[request.intent].side,
      type: request.type,
      price: request.price ?? null,
      quantity: request.quantity,
      cumQuantity: 0,
      leavesQuantity: ioc ? 0 : request.quantity,
      tif: request.tif,
      goodTillTime: null,
      intent: request.intent,
      state: ioc ? 'ORDER_STATE_CANCELED' : 'ORDER_STATE_NEW',
      avgPx: null,
      createTime: null,
      commissionsBasisPoints: null,
      makerCommissionsBasisPoints: null,
    };
    const exec = (type: VenueExecution['type'], o: VenueOrder): VenueExecution => ({
      id: `x-${type}-${orderId}`,
      order: o,
      lastShares: null,
      lastPx: null,
      type,
      text: null,
      orderRejectReason: null,
      transactTime: null,
      tradeId: null,
      aggressor: null,
      commissionNotionalCollected: null,
    });
    // As the venue answers: NEW on acceptance; for an IOC that found nothing, CANCELED right after.
    const executions = [exec('EXECUTION_TYPE_NEW', { ...order, state: 'ORDER_STATE_NEW', leavesQuantity: request.quantity })];
    if (ioc) executions.push(exec('EXECUTION_TYPE_CANCELED', order));
    return Promise.resolve({ orderId, executions, recovered: false });
  }

  cancelOrder(orderId: string, _marketSlug: string): Promise<void> {
    this.write('DELETE', `/v1/order/${orderId}/cancel`, '{}');
    this.cancels++;
    return Promise.resolve();
  }

  modifyOrder(orderId: string, marketSlug: string, change: { price?: PriceMicros; quantity?: Qty }): Promise<void> {
    this.write('POST', `/v1/order/${orderId}/modify`, JSON.stringify(buildModifyOrder(marketSlug, change)));
    this.modifies++;
    return Promise.resolve();
  }

  cancelAll(): Promise<string[]> {
    return Promise.resolve([]);
  }

  openOrders(): Promise<VenueOrder[]> {
    return Promise.resolve([]);
  }
}

/** A throwaway Ed25519 signer (raw 32-byte seed, base64), on the given clock. */
export function benchSigner(clock: Clock): RequestSigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return new RequestSigner({ keyId: 'bench-key', secretBase64: der.subarray(der.length - 32).toString('base64') }, clock);
}

/** A whole-book market-data message exactly as the venue's socket sends it (text frame). */
export function bookWireText(marketSlug: string, bestBid: number, bestAsk: number, levels: number, qtySeed: number, transactTime: string): string {
  const bids = [];
  const offers = [];
  for (let i = 0; i < levels; i++) {
    bids.push({ px: { value: ((bestBid - i * 10_000) / 1_000_000).toFixed(2), currency: 'USD' }, qty: String(100 + ((qtySeed + i * 7) % 50)) });
    offers.push({ px: { value: ((bestAsk + i * 10_000) / 1_000_000).toFixed(2), currency: 'USD' }, qty: String(120 + ((qtySeed + i * 11) % 50)) });
  }
  return JSON.stringify({
    requestId: 'md-1',
    subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA',
    marketData: { marketSlug, bids, offers, state: 'MARKET_STATE_OPEN', transactTime },
  });
}

export interface BenchWorldOptions {
  markets: number;
  levels?: number;
  metrics?: Metrics;
  /** The engine's logger (default none: nothing is logged). */
  logger?: Logger;
  /** Books offered below the consensus by more than min_edge (every message is a trade) or at it (quiet). */
  books: 'mispriced' | 'quiet';
  /** Variants of each market's book (the prices walk a tick between them). */
  variants?: number;
}

/**
 * The engine in LIVE mode with every strategy on, `markets` markets (two per game) with a fresh, confident
 * sportsbook consensus (home 0.60), the SigningGateway as the exchange, limits wide enough that exposure
 * never becomes the bottleneck, and pre-built wire texts of each market's books.
 */
export function buildBenchWorld(opts: BenchWorldOptions) {
  const config = engineConfig({
    mode: 'live',
    patch: { risk: { max_position_per_market: 1_000, max_portfolio_exposure: 10_000_000, max_correlated_exposure: 10_000_000 } },
  });
  const clock = new ManualClock(Date.UTC(2025, 0, 15, 0, 0, 0));
  const signer = benchSigner(clock);
  const gateway = new SigningGateway(signer);
  const w = new ScriptedWorld({ config, liveGateway: gateway, metrics: opts.metrics, logger: opts.logger, clock });
  const fixtures: FixtureMarkets[] = [];
  for (let g = 0; g < opts.markets / 2; g++) fixtures.push(w.addFixture({ fixtureId: `F${g}`, home: `Home ${g}`, away: `Away ${g}` }));
  const e = w.engine;
  e.onLivePrivateEvent({ type: 'balance', balance: usd(100_000), buyingPower: usd(100_000), receivedAt: w.clock.now() });
  const refreshOdds = (): void => {
    for (const f of fixtures) w.feed(oddsEvent(f.fixture, 0.6, w.clock.now()));
  };
  refreshOdds();
  const levels = opts.levels ?? 10;
  const variants = opts.variants ?? 4;
  const iso = new Date(w.clock.now()).toISOString();
  // texts[v * markets + m]: market m's book in variant v.
  const texts: string[] = [];
  for (let v = 0; v < variants; v++) {
    for (const f of fixtures) {
      for (const [slug, fair] of [
        [f.homeSlug, 600_000],
        [f.awaySlug, 400_000],
      ] as const) {
        const ask = opts.books === 'mispriced' ? fair - 100_000 + v * 10_000 : fair + 10_000 + (v % 2) * 10_000;
        texts.push(bookWireText(slug, ask - 20_000, ask, levels, v * 13 + slug.length, iso));
      }
    }
  }
  return { world: w, clock, engine: e, gateway, texts, refreshOdds, fixtures };
}
