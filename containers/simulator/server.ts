/**
 * The simulated Polymarket US exchange on one loopback port: public gateway and authenticated REST paths,
 * the two WebSockets, Ed25519 auth, rate limits, fault injection and background liquidity, around the pure
 * matching engine (./exchange). Mounted SimulatorModules (e.g. the sports world) get every request the
 * exchange does not serve.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../shared/domain/clock.js';
import type { FeeSchedule } from '../../shared/domain/fees.js';
import { ONE_DOLLAR, type Micros } from '../../shared/domain/money.js';
import { nullLogger, registerSecret, type Logger } from '../../shared/observability/logger.js';
import { nullMetrics, type Metrics } from '../../shared/observability/metrics.js';
import { Exchange } from './exchange/exchange.js';
import { Faults, type FaultController } from './faults/fault-controller.js';
import { BackgroundLiquidity, type LiquidityOptions } from './liquidity/background-liquidity.js';
import { realScheduler, type Scheduler, type TimerHandle } from './liquidity/scheduler.js';
import { VenueControl } from './liquidity/venue-control.js';
import type { SimulatorModule, SimulatorModuleFactory } from './module.js';
import { KeyRing, generateApiKey, type ApiKeyCredentials } from './server/auth.js';
import type { SimWorld } from './server/default-world.js';
import { bboToWire, bookToWire, marketMetadataOf, tradeToWire } from './server/market-wire.js';
import { RateLimiter, resolveRateLimits, type RateLimitOverrides } from './server/rate-limiter.js';
import { RejectedOrders } from './server/rejected-orders.js';
import { RequestHandler } from './server/request-handler.js';
import { RequestTally, type KeyRequestTally } from './server/request-tally.js';
import { SocketHub } from './server/socket-hub.js';
import type { WireAudit, WireAuditRecord } from './server/wire-audit.js';
import { WireChanges } from './server/wire-changes.js';
import { executionToWire, orderToWire, positionToWire, type MetadataOf } from './server/wire-format.js';

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Seed of every random choice (faults, liquidity); default 1. */
  seed?: number;
  /** Default the system clock. Auth windows, rate limits, order times and liquidity lags use it. */
  clock?: Clock;
  /** Timers of the background activity (liquidity, order expiry); default Node's timers. */
  scheduler?: Scheduler;
  logger?: Logger;
  metrics?: Metrics;
  /** API keys accepted; default one key pair generated at start. Each key gets its own account. */
  keys?: ApiKeyCredentials[];
  /** Starting cash of each key's account, micros (default 10_000 USD). */
  startingBalance?: Micros;
  /** Events and markets to list at start. */
  markets?: SimWorld;
  /** Background makers and takers: options, or false for none (default on with default options). */
  liquidity?: LiquidityOptions | false;
  /**
   * true (default) for the venue's limits (20 requests per rolling second per API key across every
   * authenticated call, 20 per second per IP on public routes), false for none, or overrides.
   */
  rateLimits?: boolean | RateLimitOverrides;
  /**
   * How many requests one call of a batch endpoint counts for against the key's limit (default 1). The venue's
   * accounting of batches is unconfirmed; this is the knob.
   */
  batchRequestCost?: number;
  /**
   * Send the legacy wire forms instead of today's: the legacy socket frame keys (positionSubscriptionUpdate,
   * accountBalanceSubscriptionSnapshot / …Update, an order snapshot on the ORDER subscription) and the
   * deprecated rounded position counts. Default false. The table is in ./server/socket-hub.ts.
   */
  legacyWire?: boolean;
  /** Called with every REST answer of the exchange's routes and every socket frame sent (contract audits). */
  wireAudit?: WireAudit;
  fees?: FeeSchedule;
  /** Modules mounted on the same port (they get every request the exchange does not serve). */
  modules?: SimulatorModuleFactory[];
  /** Heartbeat interval on the sockets, ms (default 5_000). */
  heartbeatMs?: number;
  /** How often good-till-date orders are swept for expiry, ms (default 250). */
  expirySweepMs?: number;
}

export interface RunningSimulator {
  /** http://host:port: both the api and the gateway base URL. */
  baseUrl: string;
  /** ws://host:port: the socket paths (/v1/ws/markets, /v1/ws/private) are appended to it. */
  wsBaseUrl: string;
  wsMarketsUrl: string;
  wsPrivateUrl: string;
  /** The first (or only) key: a throwaway sandbox credential. */
  credentials: ApiKeyCredentials;
  keys: ApiKeyCredentials[];
  /** The exchange account of a key id. */
  accountOf(keyId: string): string;
  exchange: Exchange;
  venue: VenueControl;
  faults: FaultController;
  liquidity: BackgroundLiquidity | null;
  modules: readonly SimulatorModule[];
  port: number;
  /** Open WebSocket connections right now. */
  socketCount(): number;
  /**
   * A key's authenticated requests as the simulator received them: how many, how many were refused with 429,
   * and the most in any rolling window of the key's limit (default one second).
   */
  requestTally(keyId: string): KeyRequestTally;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const logger = options.logger ?? nullLogger;
  const metrics = options.metrics ?? nullMetrics;
  const scheduler = options.scheduler ?? realScheduler;

  const exchange = new Exchange({ clock, fees: options.fees, logger });
  const faults = new Faults(seed);
  const serverNow = (): number => clock.now() + faults.clockSkewMs;

  // Keys and their accounts.
  const keys = options.keys && options.keys.length > 0 ? options.keys : [generateApiKey()];
  const keyRing = new KeyRing();
  const accounts = new Map<string, string>();
  keys.forEach((k, i) => {
    registerSecret(k.secretBase64);
    keyRing.add(k);
    const accountId = `account-${i + 1}`;
    accounts.set(k.keyId, accountId);
    exchange.openAccount(accountId, options.startingBalance ?? 10_000 * ONE_DOLLAR);
  });
  const accountOf = (keyId: string): string => {
    const a = accounts.get(keyId);
    if (!a) throw new Error('unknown key');
    return a;
  };

  const liquidity =
    options.liquidity === false
      ? null
      : new BackgroundLiquidity({ exchange, scheduler, seed, logger: logger.child({ component: 'liquidity' }) }, options.liquidity ?? {});
  const venue = new VenueControl(exchange, liquidity);
  for (const e of options.markets?.events ?? []) venue.addEvent(e);
  for (const m of options.markets?.markets ?? []) venue.addMarket(m);

  const rateCfg = options.rateLimits ?? true;
  const limiter = rateCfg === false ? null : new RateLimiter(resolveRateLimits(rateCfg === true ? undefined : rateCfg), () => clock.now());
  const tally = new RequestTally(() => clock.now(), resolveRateLimits(typeof rateCfg === 'object' ? rateCfg : undefined).authenticatedPerKey.windowMs);
  const batchRequestCost = options.batchRequestCost ?? 1;
  if (!(Number.isInteger(batchRequestCost) && batchRequestCost >= 1)) {
    throw new RangeError('batchRequestCost must be a positive integer (how many requests one batch call counts for)');
  }
  const legacyWire = options.legacyWire === true;
  const wireAudit = safeAudit(options.wireAudit, logger);
  const metadataOf: MetadataOf = (slug) => {
    const m = exchange.getMarket(slug);
    return m ? marketMetadataOf(m) : undefined;
  };
  const changes = new WireChanges({ metadataOf, now: () => clock.now() });
  for (const accountId of accounts.values()) changes.seedBalance(accountId, exchange.balance(accountId));

  const hub = new SocketHub({
    keys: keyRing,
    faults,
    serverNow,
    heartbeatMs: options.heartbeatMs ?? 5_000,
    logger: logger.child({ component: 'ws' }),
    metrics,
    legacyWire,
    wireAudit,
    data: {
      hasMarket: (slug) => exchange.getMarket(slug) !== undefined,
      marketData: (slug) => bookToWire(exchange.book(slug)),
      marketDataLite: (slug) => bboToWire(exchange.bbo(slug)),
      accountOf,
      openOrders: (accountId, slugs) => exchange.openOrders(accountId, slugs ?? undefined).map((o) => orderToWire(o, metadataOf)),
      positions: (accountId, slugs, legacy) => {
        const out: Record<string, Record<string, unknown>> = {};
        for (const [slug, p] of Object.entries(exchange.positions(accountId))) {
          if (!slugs || slugs.includes(slug)) out[slug] = positionToWire(p, { metadataOf, deprecatedCounts: legacy });
        }
        return out;
      },
      balance: (accountId) => changes.balance(exchange.balance(accountId)),
      legacyBalance: (accountId) => changes.legacyBalance(exchange.balance(accountId)),
    },
  });

  const rejected = new RejectedOrders({
    stopgapActive: () => faults.latencyStopgap,
    now: () => clock.now(),
    publish: (accountId, execution) => hub.publishExecution(accountId, execution.order.marketSlug, executionToWire(execution, metadataOf)),
  });

  const unsubscribe = exchange.onEvent((ev) => {
    switch (ev.type) {
      case 'execution':
        hub.publishExecution(ev.accountId, ev.execution.order.marketSlug, executionToWire(ev.execution, metadataOf));
        return;
      case 'position':
        hub.publishPosition(ev.accountId, ev.marketSlug, changes.position(ev.accountId, ev.marketSlug, ev.position, legacyWire));
        return;
      case 'balance':
        hub.publishBalance(ev.accountId, changes.balanceChange(ev.accountId, ev.balance));
        return;
      case 'book':
        hub.publishBook(ev.marketSlug);
        return;
      case 'trade':
        hub.publishTrade(ev.marketSlug, tradeToWire(ev));
        return;
      case 'market':
        return;
    }
  });

  const venueCtx = { clock, logger, seed, venue };
  const modules = (options.modules ?? []).map((factory) => factory(venueCtx));

  const handler = new RequestHandler({
    exchange,
    keys: keyRing,
    accountOfKey: accountOf,
    faults,
    limiter,
    clock,
    serverNow,
    modules,
    logger: logger.child({ component: 'http' }),
    metrics,
    metadataOf,
    rejected,
    legacyWire,
    batchRequestCost,
    wireAudit,
    tally,
  });

  const server: Server = createServer({ keepAlive: true, maxHeaderSize: 16 * 1024 }, handler.listener);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', (req, socket, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      socket.destroy();
      return;
    }
    try {
      if (!hub.handleUpgrade(req, socket, head, url)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
    } catch (err) {
      logger.error('websocket upgrade failed', { err });
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;

  // Good-till-date expiry sweep and the background liquidity.
  let expiryTimer: TimerHandle | null = null;
  const sweepMs = options.expirySweepMs ?? 250;
  const sweep = (): void => {
    try {
      exchange.expireOrders();
    } catch (err) {
      logger.error('order expiry sweep failed', { err });
    }
    expiryTimer = scheduler.setTimeout(sweep, sweepMs);
  };
  expiryTimer = scheduler.setTimeout(sweep, sweepMs);
  liquidity?.start();

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      liquidity?.stop();
      if (expiryTimer !== null) scheduler.clearTimeout(expiryTimer);
      unsubscribe();
      hub.close();
      handler.close();
      for (const m of modules) {
        try {
          await m.close?.();
        } catch (err) {
          logger.warn('simulator module close failed', { module: m.name, err });
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })());

  logger.info('simulator listening', { port, keys: keys.map((k) => k.keyId) });
  const baseUrl = `http://${hostForUrl}:${port}`;
  const wsBaseUrl = `ws://${hostForUrl}:${port}`;
  return {
    baseUrl,
    wsBaseUrl,
    wsMarketsUrl: `${wsBaseUrl}/v1/ws/markets`,
    wsPrivateUrl: `${wsBaseUrl}/v1/ws/private`,
    credentials: keys[0]!,
    keys,
    accountOf,
    exchange,
    venue,
    faults,
    liquidity,
    modules,
    port,
    socketCount: () => hub.connectionCount,
    requestTally: (keyId) => tally.forKey(keyId),
    close,
  };
}

/** The audit hook, made safe: a throwing hook is logged once and never breaks an answer or a frame. */
function safeAudit(audit: WireAudit | undefined, logger: Logger): WireAudit | undefined {
  if (!audit) return undefined;
  let warned = false;
  return (record: WireAuditRecord) => {
    try {
      audit(record);
    } catch (err) {
      if (!warned) logger.warn('wire audit hook threw', { err });
      warned = true;
    }
  };
}

export type { ApiKeyCredentials, FaultController, KeyRequestTally, LiquidityOptions, RateLimitOverrides, SimWorld, WireAudit, WireAuditRecord };
