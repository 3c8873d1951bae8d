/**
 * The bot: the composition root that wires the exchange's sockets and REST client, the OpticOdds streams and
 * the engine (state → strategies → aggregator → risk → executor), from the configuration. Everything here is
 * plumbing; the decisions live in shared/.
 *
 * Start-up order: discover markets and games, take REST snapshots (odds, scores), assemble the engine,
 * subscribe the sockets and streams, then start the hot loop. Fills the private socket missed (an outage, a
 * dropped message) are recovered from the trade activities by the FillGapWatcher (fill-gap-watcher.ts). Paper mode needs the exchange's market data
 * (and so a key for the socket) but sends no order to it.
 */
import { tradingAccount, type AppConfig, type TradingMode } from '../../shared/config/schema.js';
import type { Clock } from '../../shared/domain/clock.js';
import { systemClock } from '../../shared/domain/clock.js';
import type { FeedEvent } from '../../shared/domain/feed-events.js';
import type { Micros } from '../../shared/domain/money.js';
import type { Fill } from '../../shared/domain/order.js';
import type { Signal } from '../../shared/domain/signal.js';
import type { VenueOrder } from '../../shared/domain/venue-models.js';
import type { VenueEvent } from '../../shared/domain/venue-events.js';
import { assembleEngine, type AssembledEngine, type StrategyKey } from '../../shared/engine/assemble-engine.js';
import { TimerScheduler, type Scheduler } from '../../shared/execution/scheduler.js';
import { OpticOddsFeed } from '../../shared/feeds/opticodds-feed.js';
import { OpticOddsRestClient } from '../../shared/feeds/rest-client.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import type { CircuitBreakerState } from '../../shared/risk/circuit-breaker.js';
import type { RiskDecision } from '../../shared/risk/risk-manager.js';
import { RequestSigner } from '../../shared/venue/auth.js';
import { LiveOrderGateway } from '../../shared/venue/live-gateway.js';
import { PolymarketRestClient } from '../../shared/venue/rest-client.js';
import { UndiciTransport } from '../../shared/venue/undici-transport.js';
import { VenueSocket } from '../../shared/venue/ws-client.js';
import { discoverMarkets, type Discovery } from './discovery.js';
import { FillGapWatcher } from './fill-gap-watcher.js';
import { TradingPauses } from '../../shared/engine/trading-pauses.js';

export interface BotOptions {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  clock?: Clock;
  scheduler?: Scheduler;
  strategies?: readonly StrategyKey[];
  /** Hooks for persistence, recording and reports. */
  onVenueEvent?: (ev: VenueEvent, channel: 'markets' | 'private') => void;
  onFeedEvent?: (ev: FeedEvent) => void;
  onDecision?: (decision: RiskDecision, signal: Signal) => void;
  onFill?: (fill: Fill) => void;
  onBreakerTrip?: (state: CircuitBreakerState) => void;
  /** The discovery result, before any event flows (the recorder stores it: a replay needs the directory). */
  onDiscovery?: (discovery: Discovery) => void;
  /**
   * Right after the engine started (the strategies hear events from here on; what came before reached the
   * state only). The recorder marks it so a replay starts its engine at the same point.
   */
  onEngineStart?: () => void;
  /** A settlement the engine applied (market slug, long-side settlement price in micros). */
  onSettle?: (marketSlug: string, settlementPrice: number) => void;
  /** Period of the engine's timer (strategy refreshes, breaker), ms. */
  tickMs?: number;
  /** The breaker as persisted (risk day): a restart within a day keeps a tripped breaker tripped. */
  breakerState?: CircuitBreakerState;
  /** Realized PnL already booked today (risk day), restored on restart. */
  realizedToday?: Micros;
  /**
   * Runs after the sockets and streams are started and before the engine trades (crash recovery: rebuild
   * from the store and the exchange, adopt open orders, apply the kill switch). A throw aborts the start.
   */
  beforeTrading?: (ctx: { engine: AssembledEngine; rest: PolymarketRestClient; discovery: Discovery }) => Promise<void>;
}

export interface RunningBot {
  readonly engine: AssembledEngine;
  readonly discovery: Discovery;
  readonly rest: PolymarketRestClient;
  mode(): TradingMode;
  setMode(mode: TradingMode): Promise<void>;
  setKillSwitch(on: boolean, reason: string): Promise<void>;
  stop(): Promise<void>;
}

const SETTLED_STATES = new Set(['MARKET_STATE_EXPIRED', 'MARKET_STATE_TERMINATED']);

export async function startBot(opts: BotOptions): Promise<RunningBot> {
  const { config, logger, metrics } = opts;
  const clock = opts.clock ?? systemClock;
  const scheduler = opts.scheduler ?? new TimerScheduler();
  const { apiKeyId, privateKey } = config.api;
  if (!apiKeyId || !privateKey) {
    throw new Error('api.api_key_id and api.private_key are needed even in paper mode: the exchange market-data socket is authenticated');
  }
  const signer = new RequestSigner({ keyId: apiKeyId, secretBase64: privateKey }, clock);
  const rest = new PolymarketRestClient({
    apiBaseUrl: config.api.baseUrl,
    gatewayBaseUrl: config.api.gatewayUrl,
    credentials: signer,
    clock,
    timeoutMs: config.api.requestTimeoutMs,
    rateLimitPerSecond: config.api.rateLimitPerSecond,
    transport: new UndiciTransport(),
    ownsTransport: true,
    logger: logger.child({ component: 'venue-rest' }),
    metrics,
  });
  const sportsKey = config.sportsData.apiKey;
  if (!sportsKey) throw new Error('sports_data.api_key is required: scores and odds come from OpticOdds');
  const feedsRest = new OpticOddsRestClient({ apiKey: sportsKey, baseUrl: config.sportsData.baseUrl, clock, logger, metrics });

  const discovery = await discoverMarkets(config, rest, feedsRest, logger.child({ component: 'discovery' }));
  opts.onDiscovery?.(discovery);
  // The gateway asks for the engine's known order ids; the engine is built right after it.
  const built: { engine?: AssembledEngine } = {};
  const engine = assembleEngine({
    config,
    clock,
    scheduler,
    directory: discovery.directory,
    liveGateway: new LiveOrderGateway(rest, {
      knownOrderIds: () => (built.engine ? knownIds(built.engine) : []),
      streamOrders: () => (built.engine ? untrackedStreamOrders(built.engine) : []),
    }),
    strategies: opts.strategies,
    logger,
    metrics,
    onDecision: opts.onDecision,
    onFill: opts.onFill,
    onBreakerTrip: opts.onBreakerTrip,
    breakerState: opts.breakerState,
    realizedToday: opts.realizedToday,
  });
  built.engine = engine;

  const feedEvent = (ev: FeedEvent): void => {
    opts.onFeedEvent?.(ev);
    engine.onFeedEvent(ev);
  };

  const fixtureIds = discovery.fixtures.map((f) => f.fixtureId);
  // Every odds/results stream (≤ 5 books, ≤ 10 leagues per odds connection), merged, repaired over REST after
  // each reconnect (shared/feeds/opticodds-feed.ts).
  const sd = config.sportsData;
  const feed = new OpticOddsFeed({
    apiKey: sportsKey,
    streamBaseUrl: sd.streamBaseUrl,
    sports: sd.sports,
    leagues: sd.leagues,
    sportsbooks: sd.sportsbooks,
    markets: sd.oddsMarkets,
    maxSportsbooksPerStream: sd.maxSportsbooksPerStream,
    maxLeaguesPerStream: sd.maxLeaguesPerStream,
    silenceTimeoutMs: sd.staleAfterMs,
    rest: feedsRest,
    fixtureIds: () => fixtureIds,
    onEvent: feedEvent,
    clock,
    logger,
    metrics,
  });
  const streams = [feed];

  // REST snapshots first, so the engine starts with scores and a consensus (the odds through the feed, which
  // then knows them: locked if their stream goes quiet, checked by its repairs).
  if (fixtureIds.length > 0) {
    for (const game of await feedsRest.results(fixtureIds)) feedEvent({ type: 'game', game, entryId: null });
    const quotes = await feedsRest.odds({ fixtureIds, sportsbooks: config.sportsData.sportsbooks, markets: config.sportsData.oddsMarkets });
    if (quotes.length > 0) feed.ingestSnapshot(quotes);
  }

  // The exchange's maintenance window and unannounced halts: cancel, pause, resume (trading-pauses.ts).
  const pauses = new TradingPauses({
    maintenance: config.trading.maintenance,
    executors: () => [...new Set([engine.executor(), engine.liveExecutor()].filter((e) => e !== undefined))],
    logger: logger.child({ component: 'trading-pauses' }),
    metrics,
  });
  pauses.onTick(clock.now());

  // Settlement: when a market leaves trading for good, fetch its settlement price once and settle.
  const settling = new Set<string>();
  const onMarketEvent = (ev: VenueEvent): void => {
    opts.onVenueEvent?.(ev, 'markets');
    engine.onMarketEvent(ev);
    pauses.onMarketEvent(ev);
    if (ev.type === 'book' && SETTLED_STATES.has(ev.state) && !settling.has(ev.marketSlug)) {
      settling.add(ev.marketSlug);
      void settleWhenKnown(ev.marketSlug);
    }
  };
  const settleWhenKnown = async (slug: string): Promise<void> => {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const s = await rest.getSettlement(slug);
        if (s.settlementPrice !== null) {
          engine.settle(slug, s.settlementPrice);
          opts.onSettle?.(slug, s.settlementPrice);
          logger.info('market settled', { marketSlug: slug, settlementPrice: s.settlementPrice });
          return;
        }
      } catch (err) {
        logger.warn('settlement not available yet', { marketSlug: slug, attempt, err });
      }
      await scheduler.sleep(1_000 * (attempt + 1));
    }
    logger.error('settlement never became available; positions stay marked, not settled', { marketSlug: slug });
  };

  const wsBase = (url: string) => new URL(url).origin.replace(/^http/, 'ws');
  const marketsSocket = new VenueSocket({
    channel: 'markets',
    wsBaseUrl: wsBase(config.api.wsMarketsUrl),
    signer,
    onEvent: onMarketEvent,
    clock,
    logger: logger.child({ component: 'ws-markets' }),
    metrics,
    silenceTimeoutMs: config.api.wsSilenceTimeoutMs,
  });
  // Fills the private socket missed (down, or a dropped message) are fetched over REST (live account only).
  const liveTracker = engine.liveExecutor()?.tracker;
  const fillGaps = liveTracker
    ? new FillGapWatcher({ venue: rest, tracker: liveTracker, liveActive: () => tradingAccount(engine.mode()) === 'live', clock, scheduler, logger: logger.child({ component: 'fill-gaps' }), metrics })
    : undefined;
  const privateSocket = new VenueSocket({
    channel: 'private',
    wsBaseUrl: wsBase(config.api.wsPrivateUrl),
    signer,
    onEvent: (ev) => {
      opts.onVenueEvent?.(ev, 'private');
      engine.onLivePrivateEvent(ev);
      fillGaps?.onPrivateEvent(ev);
    },
    clock,
    logger: logger.child({ component: 'ws-private' }),
    metrics,
    silenceTimeoutMs: config.api.wsSilenceTimeoutMs,
  });
  const slugs = discovery.markets.map((m) => m.marketSlug);
  if (slugs.length > 0) {
    marketsSocket.subscribe('SUBSCRIPTION_TYPE_MARKET_DATA', slugs);
    marketsSocket.subscribe('SUBSCRIPTION_TYPE_TRADE', slugs);
  }
  privateSocket.subscribe('SUBSCRIPTION_TYPE_ORDER');
  privateSocket.subscribe('SUBSCRIPTION_TYPE_POSITION');
  privateSocket.subscribe('SUBSCRIPTION_TYPE_ACCOUNT_BALANCE');

  marketsSocket.start();
  privateSocket.start();
  for (const s of streams) s.start();
  if (opts.beforeTrading) {
    try {
      await opts.beforeTrading({ engine, rest, discovery });
    } catch (err) {
      await Promise.allSettled([marketsSocket.close(), privateSocket.close(), ...streams.map((s) => s.stop()), fillGaps?.stop()]);
      await rest.close();
      throw err;
    }
  }
  engine.start();
  opts.onEngineStart?.();
  const tickMs = opts.tickMs ?? 1_000;
  const timer = setInterval(() => {
    const now = clock.now();
    pauses.onTick(now);
    engine.tick(now);
  }, tickMs);
  timer.unref();
  logger.info('bot started', { mode: engine.mode(), markets: slugs.length, fixtures: fixtureIds.length, strategies: engine.strategies.map((s) => s.name) });

  let stopped = false;
  return {
    engine,
    discovery,
    rest,
    mode: () => engine.mode(),
    setMode: (m) => engine.setMode(m),
    setKillSwitch: (on, reason) => engine.setKillSwitch(on, reason),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      engine.stop();
      await Promise.allSettled([marketsSocket.close(), privateSocket.close(), ...streams.map((s) => s.stop()), fillGaps?.stop()]);
      await rest.close();
      logger.info('bot stopped');
    },
  };
}

/** Orders the private socket reported that the engine does not track (yet): evidence for a recovery. */
function untrackedStreamOrders(engine: AssembledEngine): VenueOrder[] {
  const tracker = engine.executor().tracker;
  const out: VenueOrder[] = [];
  for (const id of tracker.orphanOrderIds()) {
    const o = tracker.peekOrphan(id);
    if (o) out.push(o);
  }
  return out;
}

/** Venue ids the engine already tracks, so an ambiguous-create recovery never claims one of them. */
function knownIds(engine: AssembledEngine): string[] {
  const out: string[] = [];
  for (const o of engine.executor().tracker.all()) if (o.orderId) out.push(o.orderId);
  return out;
}
