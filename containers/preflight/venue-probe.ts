/**
 * The preflight's probe: READ-ONLY requests to the venue, recorded raw for preflight-judge.ts.
 *
 *  - REST, GET only (the one request function hard-codes the method): markets, one market, its book, then
 *    balances, positions, open orders and activities (signed), `repeat` rounds, paced to at most
 *    `maxRequestsPerSecond` request starts per second (default 5, a quarter of the venue's 20/s per key);
 *  - both sockets, signed upgrades: market data for the one market; order, order snapshot, position and
 *    account-balance subscriptions on the private socket; every frame is kept for `listenMs`, then closed.
 * Nothing is ever created, modified or cancelled. The secret stays inside the RequestSigner (auth.ts).
 */
import WebSocket from 'ws';
import type { Clock } from '../../shared/domain/clock.js';
import { systemClock } from '../../shared/domain/clock.js';
import { RequestSigner, type Credentials } from '../../shared/venue/auth.js';
import { FetchTransport } from '../../shared/venue/fetch-transport.js';
import type { HttpTransport } from '../../shared/venue/http.js';
import type { Observations, RestObservation, SocketObservation, SubscriptionObservation } from './preflight-judge.js';

export interface ProbeOptions {
  /** Authenticated REST base, e.g. https://api.polymarket.us. */
  apiBaseUrl: string;
  /** Public REST base, e.g. https://gateway.polymarket.us. */
  gatewayBaseUrl: string;
  wsMarketsUrl: string;
  wsPrivateUrl: string;
  credentials: Credentials;
  /** The market to read a book of and subscribe to (default: the first active market listed). */
  marketSlug?: string;
  /** Rounds of the REST calls, for round-trip statistics (default 3). */
  repeat?: number;
  /** Request starts in any one second, at most (default 5; 1 to 10, at most half the venue's limit). */
  maxRequestsPerSecond?: number;
  /** How long the sockets listen after subscribing, ms (default 5 000). */
  listenMs?: number;
  timeoutMs?: number;
  transport?: HttpTransport;
  clock?: Clock;
}

const MARKETS_PATH = '/v1/ws/markets';
const PRIVATE_PATH = '/v1/ws/private';

/** At most `perSecond` request starts in any one-second window (a sliding window, checked again after each wait). */
class Pacer {
  private readonly starts: number[] = [];
  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {}
  /** Waits for a slot; returns the start time it booked (the request's send time). */
  async turn(): Promise<number> {
    for (;;) {
      const now = this.clock.now();
      while (this.starts.length > 0 && now - this.starts[0]! > 1000) this.starts.shift();
      if (this.starts.length < this.perSecond) {
        this.starts.push(now);
        return now;
      }
      await new Promise((r) => setTimeout(r, this.starts[0]! + 1001 - now));
    }
  }
}

const ms = (ns: bigint): number => Number(ns) / 1e6;

/** Joins a base URL and a path template's filled path. */
function url(base: string, path: string, query?: Record<string, string>): string {
  const u = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) u.searchParams.set(k, v);
  return u.toString();
}

export class VenueProbe {
  private readonly signer: RequestSigner;
  private readonly transport: HttpTransport;
  private readonly clock: Clock;
  private readonly pacer: Pacer;
  private readonly timeoutMs: number;

  constructor(private readonly o: ProbeOptions) {
    this.clock = o.clock ?? systemClock;
    this.signer = new RequestSigner(o.credentials, this.clock);
    this.transport = o.transport ?? new FetchTransport();
    this.pacer = new Pacer(Math.min(10, Math.max(1, Math.floor(o.maxRequestsPerSecond ?? 5))), this.clock);
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  async run(): Promise<Observations> {
    const obs: Observations = { rest: [], sockets: [], skipped: [] };
    const rounds = Math.max(1, Math.floor(this.o.repeat ?? 3));
    let slug = this.o.marketSlug ?? null;
    for (let round = 0; round < rounds; round++) {
      const markets = await this.get('gateway', '/v1/markets', '/v1/markets', { limit: '20', active: 'true', closed: 'false' });
      obs.rest.push(markets);
      slug ??= firstMarketSlug(markets.body);
      if (slug) {
        const s = encodeURIComponent(slug);
        obs.rest.push(await this.get('gateway', '/v1/market/slug/{slug}', `/v1/market/slug/${s}`));
        obs.rest.push(await this.get('gateway', '/v1/markets/{slug}/book', `/v1/markets/${s}/book`));
      }
      obs.rest.push(await this.get('api', '/v1/account/balances', '/v1/account/balances'));
      obs.rest.push(await this.get('api', '/v1/portfolio/positions', '/v1/portfolio/positions', { limit: '100' }));
      obs.rest.push(await this.get('api', '/v1/orders/open', '/v1/orders/open'));
      obs.rest.push(await this.get('api', '/v1/portfolio/activities', '/v1/portfolio/activities', { limit: '50' }));
    }
    if (!slug) obs.skipped.push('no active market listed: the book and the market-data subscription were not checked');

    const listenMs = this.o.listenMs ?? 5_000;
    const privateSubs: SubscriptionObservation[] = [
      { requestId: 'preflight-orders', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER', expects: null },
      { requestId: 'preflight-order-snapshot', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT', expects: 'orderSubscriptionSnapshot' },
      { requestId: 'preflight-positions', subscriptionType: 'SUBSCRIPTION_TYPE_POSITION', expects: null },
      { requestId: 'preflight-balances', subscriptionType: 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE', expects: 'accountBalancesSnapshot', aliases: ['accountBalanceSubscriptionSnapshot'] },
    ];
    const marketSubs: SubscriptionObservation[] = slug ? [{ requestId: 'preflight-market-data', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', expects: 'marketData' }] : [];
    const sockets: Promise<SocketObservation>[] = [];
    if (slug) sockets.push(this.listen(this.o.wsMarketsUrl, MARKETS_PATH, marketSubs, [slug], listenMs));
    sockets.push(this.listen(this.o.wsPrivateUrl, PRIVATE_PATH, privateSubs, undefined, listenMs));
    obs.sockets.push(...(await Promise.all(sockets)));
    return obs;
  }

  async close(): Promise<void> {
    if (!this.o.transport) await this.transport.close();
  }

  /** The only REST request the probe can make: a GET. */
  private async get(host: 'api' | 'gateway', pathTemplate: string, path: string, query?: Record<string, string>): Promise<RestObservation> {
    const sentAtMs = await this.pacer.turn();
    const authenticated = host === 'api';
    const target = url(authenticated ? this.o.apiBaseUrl : this.o.gatewayBaseUrl, path, query);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (authenticated) Object.assign(headers, this.signer.headers('GET', new URL(target).pathname));
    const t0 = this.clock.monotonicNs();
    try {
      const res = await this.transport.send({ method: 'GET', url: target, headers, timeoutMs: this.timeoutMs });
      const rttMs = ms(this.clock.monotonicNs() - t0);
      return { pathTemplate, authenticated, status: res.status, body: res.body, dateHeader: res.headers['date'], sentAtMs, receivedAtMs: this.clock.now(), rttMs };
    } catch (err) {
      const rttMs = ms(this.clock.monotonicNs() - t0);
      return { pathTemplate, authenticated, status: 0, body: '', sentAtMs, receivedAtMs: this.clock.now(), rttMs, failure: err instanceof Error ? err.message : 'request failed' };
    }
  }

  /** Opens one socket (signed upgrade), subscribes, keeps every frame for `listenMs`, closes. */
  private async listen(wsUrl: string, path: string, subs: SubscriptionObservation[], marketSlugs: string[] | undefined, listenMs: number): Promise<SocketObservation> {
    const sentAtMs = await this.pacer.turn();
    const obs: SocketObservation = { path, upgradeStatus: 0, sentAtMs, receivedAtMs: 0, upgradeRttMs: 0, subscriptions: subs, frames: [] };
    const t0 = this.clock.monotonicNs();
    const ws = new WebSocket(wsUrl, { headers: { ...this.signer.headers('GET', path) }, handshakeTimeout: this.timeoutMs });
    const settleUpgrade = (status: number, date: string | undefined): void => {
      obs.upgradeStatus = status;
      obs.dateHeader = date;
      obs.receivedAtMs = this.clock.now();
      obs.upgradeRttMs = ms(this.clock.monotonicNs() - t0);
    };
    return new Promise<SocketObservation>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        ws.removeAllListeners('message');
        ws.on('error', () => undefined);
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
        resolve(obs);
      };
      ws.on('upgrade', (res) => settleUpgrade(101, headerOf(res.headers['date'])));
      ws.on('unexpected-response', (_req, res) => {
        settleUpgrade(res.statusCode ?? 0, headerOf(res.headers['date']));
        res.resume();
        finish();
      });
      ws.on('open', () => {
        for (const s of subs) {
          const subscribe: Record<string, unknown> = { requestId: s.requestId, subscriptionType: s.subscriptionType };
          if (marketSlugs) subscribe.marketSlugs = marketSlugs;
          ws.send(JSON.stringify({ subscribe }));
        }
        timer = setTimeout(finish, listenMs);
      });
      ws.on('message', (data: WebSocket.RawData) => obs.frames.push(rawText(data)));
      ws.on('error', (err) => {
        if (obs.upgradeStatus === 0) {
          obs.failure = err.message;
          obs.receivedAtMs = this.clock.now();
        }
        finish();
      });
      ws.on('close', finish);
    });
  }
}

function headerOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** The slug of the first market listed as active and not closed, from a raw `GET /v1/markets` body. */
export function firstMarketSlug(body: string): string | null {
  try {
    const doc = JSON.parse(body) as { markets?: unknown };
    if (!Array.isArray(doc.markets)) return null;
    for (const m of doc.markets as Record<string, unknown>[]) {
      if (m && typeof m.slug === 'string' && m.slug && m.active !== false && m.closed !== true) return m.slug;
    }
  } catch {
    // not JSON: the judge reports it
  }
  return null;
}
