/**
 * VenueSocket: one of the exchange's two WebSockets (`/v1/ws/markets`, `/v1/ws/private`), kept alive.
 *
 * - Authenticates the upgrade with the three X-PM headers (signing GET + the socket path). A 401 on the
 *   upgrade re-estimates the signer's clock offset from the response `Date` header before the next attempt.
 * - Subscriptions are registered by a generated requestId and re-sent after every reconnect. A market
 *   subscription with more than `maxSlugsPerSubscription` (100, the venue's limit) slugs is sent as several
 *   subscriptions of at most 100 each; `subscribe` returns one id for the whole group.
 * - After every (re)subscription, the first book of each market is flagged `snapshot: true`.
 * - Private socket: after EVERY connect (first and each reconnect) a SUBSCRIPTION_TYPE_ORDER_SNAPSHOT is sent
 *   as its own request (when an ORDER subscription is registered), since order, position and trade streams do
 *   not replay history. Its answer is emitted as one complete `orders_snapshot` event (chunks with
 *   `eof: false` are joined first; a snapshot cut short by an error frame is dropped and counted). The bot's
 *   FillGapWatcher (containers/bot/fill-gap-watcher.ts) waits for that snapshot after a reconnect and then
 *   reconciles fills over REST; without one it reconciles after its settle delay anyway.
 * - Upgrade refusals 401/403/429 are fatal (venue rules: do not loop): the socket stops, emits
 *   `connection down` with a `fatal:` reason, counts `venue.ws.fatal` and calls `onFatal`. The one exception
 *   is a first 401 whose Date header yields a clock offset: that is skew, so the signer is corrected and the
 *   upgrade tried once more.
 * - Silence (no frame, heartbeat or pong for `silenceTimeoutMs`) forces a reconnect; reconnects back off
 *   exponentially with jitter.
 * - Emits typed VenueEvents, including connection up/down; malformed frames are counted
 *   (`venue.ws.malformed`) and skipped; unknown enum values are counted by WireDrift (`venue.unknown_enum`).
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { BACKOFF, backoffDelay } from '../domain/backoff-policy.js';
import type { MarketSubscriptionType, PrivateSubscriptionType, SubscriptionType } from '../domain/venue-enums.js';
import type { VenueChannel, VenueEvent } from '../domain/venue-events.js';
import type { Logger } from '../observability/logger.js';
import { nullLogger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { nullMetrics } from '../observability/metrics.js';
import { offsetFromDateHeader, type RequestSigner } from './auth.js';
import { WireDrift } from './wire-drift.js';
import { SnapshotAssembler } from './ws-snapshots.js';
import { parseVenueMessage } from './ws-messages.js';

/** The venue's limit of market slugs per subscription. */
export const MAX_SLUGS_PER_SUBSCRIPTION = 100;
/** Upgrade statuses after which reconnecting is pointless (venue rules). */
const FATAL_UPGRADE_STATUSES: ReadonlySet<number> = new Set([401, 403, 429]);

export const SOCKET_PATHS: Readonly<Record<VenueChannel, string>> = {
  markets: '/v1/ws/markets',
  private: '/v1/ws/private',
};

export interface VenueSocketOptions {
  channel: VenueChannel;
  /** e.g. `wss://api.polymarket.us` (the socket path is appended). */
  wsBaseUrl: string;
  signer: RequestSigner;
  onEvent: (event: VenueEvent) => void;
  /** Server `error` messages (e.g. a rejected subscription). */
  onServerError?: (message: string, requestId: string | null) => void;
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
  random?: () => number;
  /** No frame at all for this long → reconnect (default 30 s). */
  silenceTimeoutMs?: number;
  /** WebSocket ping interval (default 10 s; 0 disables). */
  pingIntervalMs?: number;
  /** Upgrade handshake timeout (default 10 s). */
  handshakeTimeoutMs?: number;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** Slugs per market subscription (default and maximum 100, the venue's limit). */
  maxSlugsPerSubscription?: number;
  /** Private socket: request an ORDER_SNAPSHOT after every connect (default true). */
  orderSnapshotOnConnect?: boolean;
  /** Called once when the socket gives up for good (fatal upgrade refusal). */
  onFatal?: (reason: string) => void;
  /** Unknown enum values and rounded quantities are reported here (default: one built on metrics/logger). */
  drift?: WireDrift;
}

interface Registered {
  type: SubscriptionType;
  marketSlugs: string[] | undefined;
}

export class VenueSocket {
  readonly channel: VenueChannel;
  private readonly url: string;
  private readonly path: string;
  private readonly signer: RequestSigner;
  private readonly onEvent: (e: VenueEvent) => void;
  private readonly onServerError: (message: string, requestId: string | null) => void;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly random: () => number;
  private readonly silenceTimeoutMs: number;
  private readonly pingIntervalMs: number;
  private readonly handshakeTimeoutMs: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxSlugs: number;
  private readonly orderSnapshotOnConnect: boolean;
  private readonly onFatal: (reason: string) => void;
  readonly drift: WireDrift;
  private readonly snapshots: SnapshotAssembler;
  /** Group id (returned by subscribe) → the chunk requestIds it stands for. */
  private readonly groups = new Map<string, string[]>();
  private fatalReason: string | null = null;

  private ws: WebSocket | null = null;
  private readonly subs = new Map<string, Registered>();
  /** Markets whose next book is a fresh snapshot. */
  private readonly pendingSnapshot = new Set<string>();
  private started = false;
  private closed = false;
  private isUp = false;
  private attempt = 0;
  private lastFrameAt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private pinger: ReturnType<typeof setInterval> | null = null;
  private malformedCount = 0;
  private consecutiveAuthFailures = 0;
  private connectCount = 0;
  private upWaiters: (() => void)[] = [];

  constructor(options: VenueSocketOptions) {
    this.channel = options.channel;
    this.path = SOCKET_PATHS[options.channel];
    this.url = options.wsBaseUrl.replace(/\/+$/, '') + this.path;
    this.signer = options.signer;
    this.onEvent = options.onEvent;
    this.onServerError = options.onServerError ?? (() => {});
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? nullLogger).child({ component: 'venue-ws', channel: options.channel });
    this.metrics = options.metrics ?? nullMetrics;
    this.random = options.random ?? Math.random;
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 30_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 10_000;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.initialDelayMs = options.reconnectInitialDelayMs ?? BACKOFF.venueReconnect.initialDelayMs;
    this.maxDelayMs = options.reconnectMaxDelayMs ?? BACKOFF.venueReconnect.maxDelayMs;
    this.maxSlugs = Math.max(1, Math.min(MAX_SLUGS_PER_SUBSCRIPTION, options.maxSlugsPerSubscription ?? MAX_SLUGS_PER_SUBSCRIPTION));
    this.orderSnapshotOnConnect = options.orderSnapshotOnConnect ?? true;
    this.onFatal = options.onFatal ?? (() => {});
    this.drift = options.drift ?? new WireDrift({ metrics: this.metrics, logger: this.logger });
    this.snapshots = new SnapshotAssembler();
  }

  /** Why the socket gave up for good (a fatal upgrade refusal), or null while it keeps (re)connecting. */
  get fatal(): string | null {
    return this.fatalReason;
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.isUp;
  }

  /** How many times a connection was established (1 after the first connect). */
  get connections(): number {
    return this.connectCount;
  }

  /** Starts connecting (and reconnecting for as long as the socket is not closed). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.connect();
  }

  /** Resolves when the socket is (next) up. */
  waitUntilUp(): Promise<void> {
    if (this.isUp) return Promise.resolve();
    return new Promise((resolve) => this.upWaiters.push(resolve));
  }

  /**
   * Registers a subscription (sent now if up, and after every reconnect). More slugs than the per-subscription
   * limit become several subscriptions; the id returned stands for all of them (pass it to unsubscribe).
   */
  subscribe(type: MarketSubscriptionType | PrivateSubscriptionType, marketSlugs?: string[]): string {
    const slugs = marketSlugs && marketSlugs.length ? [...new Set(marketSlugs)] : undefined;
    const chunks: (string[] | undefined)[] = [];
    if (!slugs) chunks.push(undefined);
    else for (let i = 0; i < slugs.length; i += this.maxSlugs) chunks.push(slugs.slice(i, i + this.maxSlugs));
    const ids: string[] = [];
    for (const chunk of chunks) {
      const requestId = randomUUID();
      const reg: Registered = { type, marketSlugs: chunk };
      this.subs.set(requestId, reg);
      ids.push(requestId);
      if (this.isUp) this.sendSubscribe(requestId, reg);
    }
    const groupId = ids[0] as string;
    if (ids.length > 1) this.groups.set(groupId, ids);
    if (this.isUp && type === 'SUBSCRIPTION_TYPE_ORDER') this.requestOrderSnapshot();
    return groupId;
  }

  unsubscribe(requestId: string): boolean {
    const ids = this.groups.get(requestId) ?? [requestId];
    this.groups.delete(requestId);
    let any = false;
    for (const id of ids) {
      if (!this.subs.delete(id)) continue;
      any = true;
      if (this.isUp) this.send({ unsubscribe: { requestId: id } });
    }
    return any;
  }

  /** Subscriptions currently registered (re-sent after every reconnect). */
  subscriptions(): { requestId: string; type: SubscriptionType; marketSlugs: string[] | undefined }[] {
    return [...this.subs].map(([requestId, r]) => ({ requestId, type: r.type, marketSlugs: r.marketSlugs }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1_000);
        ws.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'client closing');
      });
    }
    this.markDown('closed by client');
  }

  /** Forces a reconnect now (e.g. after an operator action); subscriptions are restored. */
  reconnectNow(reason = 'requested'): void {
    if (this.ws) {
      this.logger.info('forcing reconnect', { reason });
      this.ws.terminate();
    }
  }

  // ---------------------------------------------------------------- connection lifecycle

  private connect(): void {
    if (this.closed || this.fatalReason) return;
    const headers = this.signer.headers('GET', this.path);
    const ws = new WebSocket(this.url, {
      headers: headers as unknown as Record<string, string>,
      handshakeTimeout: this.handshakeTimeoutMs,
      perMessageDeflate: false,
    });
    this.ws = ws;

    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data, isBinary) => {
      if (ws !== this.ws) return;
      this.lastFrameAt = this.clock.now();
      this.onFrame(isBinary ? (data as Buffer).toString('utf8') : String(data));
    });
    ws.on('pong', () => {
      if (ws === this.ws) this.lastFrameAt = this.clock.now();
    });
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      this.metrics.increment('venue.ws.upgrade_rejected', 1, { channel: this.channel, status: String(status) });
      res.resume();
      if (status === 401) {
        this.consecutiveAuthFailures++;
        const offset = offsetFromDateHeader(res.headers['date'], this.clock.now());
        if (offset !== null && this.consecutiveAuthFailures === 1) {
          // Most likely clock skew: corrected, one more attempt.
          this.signer.clockOffsetMs = offset;
          this.logger.warn('socket upgrade rejected with 401; clock offset re-estimated, retrying once', { offsetMs: offset });
        } else {
          this.giveUp(ws, `upgrade rejected with 401 (credentials refused${offset !== null ? ' after clock correction' : ''})`);
          return;
        }
      } else if (FATAL_UPGRADE_STATUSES.has(status)) {
        this.giveUp(ws, `upgrade rejected with ${status}`);
        return;
      } else {
        this.logger.warn('socket upgrade rejected', { status });
      }
      ws.terminate();
    });
    ws.on('error', (err) => {
      // 'close' follows; the message carries no secret (the URL has no query and headers are not echoed).
      this.logger.debug('socket error', { error: err.message });
    });
    ws.on('close', (code, reason) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.clearConnectionTimers();
      this.markDown(`closed (${code}${reason.length ? ` ${reason.toString('utf8').slice(0, 80)}` : ''})`);
      this.scheduleReconnect();
    });
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.attempt = 0;
    this.consecutiveAuthFailures = 0;
    this.connectCount++;
    this.isUp = true;
    this.lastFrameAt = this.clock.now();
    this.metrics.increment('venue.ws.connected', 1, { channel: this.channel });
    this.metrics.gauge('venue.ws.up', 1, { channel: this.channel });
    this.emit({ type: 'connection', channel: this.channel, status: 'up', reason: this.connectCount === 1 ? 'connected' : 'reconnected', at: this.clock.now() });
    this.snapshots.clear();
    for (const [requestId, reg] of this.subs) this.sendSubscribe(requestId, reg);
    this.requestOrderSnapshot();
    this.startConnectionTimers(ws);
    const waiters = this.upWaiters;
    this.upWaiters = [];
    for (const w of waiters) w();
  }

  /** A fatal refusal: no reconnect loop (venue rules); the owner decides what to do (alert, stop trading). */
  private giveUp(ws: WebSocket, why: string): void {
    const reason = `fatal: ${why}`;
    this.fatalReason = reason;
    this.metrics.increment('venue.ws.fatal', 1, { channel: this.channel });
    this.logger.error('socket gave up: not reconnecting', { reason });
    this.clearTimers();
    if (ws === this.ws) this.ws = null;
    ws.terminate();
    // Tell consumers even if the socket never came up (a first connect refused).
    this.isUp = true;
    this.markDown(reason);
    try {
      this.onFatal(reason);
    } catch (err) {
      this.logger.error('onFatal handler threw', { error: err instanceof Error ? err.message : String(err) });
    }
    const waiters = this.upWaiters;
    this.upWaiters = [];
    for (const w of waiters) w();
  }

  private markDown(reason: string): void {
    if (!this.isUp) return;
    this.isUp = false;
    this.metrics.gauge('venue.ws.up', 0, { channel: this.channel });
    this.metrics.increment('venue.ws.disconnected', 1, { channel: this.channel });
    this.logger.warn('socket down', { reason });
    this.emit({ type: 'connection', channel: this.channel, status: 'down', reason, at: this.clock.now() });
  }

  private scheduleReconnect(): void {
    if (this.closed || this.fatalReason || this.reconnectTimer) return;
    const delay = backoffDelay({ initialDelayMs: this.initialDelayMs, maxDelayMs: this.maxDelayMs }, this.attempt, this.random);
    this.attempt++;
    this.metrics.increment('venue.ws.reconnects', 1, { channel: this.channel });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private startConnectionTimers(ws: WebSocket): void {
    const check = Math.max(10, Math.floor(this.silenceTimeoutMs / 4));
    this.watchdog = setInterval(() => {
      if (ws !== this.ws) return;
      const silent = this.clock.now() - this.lastFrameAt;
      if (silent >= this.silenceTimeoutMs) {
        this.metrics.increment('venue.ws.silence_timeouts', 1, { channel: this.channel });
        this.logger.warn('socket silent too long; reconnecting', { silentMs: silent });
        ws.terminate();
      }
    }, check);
    if (this.pingIntervalMs > 0) {
      this.pinger = setInterval(() => {
        if (ws === this.ws && ws.readyState === WebSocket.OPEN) ws.ping();
      }, this.pingIntervalMs);
    }
  }

  private clearConnectionTimers(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.pinger) clearInterval(this.pinger);
    this.watchdog = null;
    this.pinger = null;
  }

  private clearTimers(): void {
    this.clearConnectionTimers();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  // ---------------------------------------------------------------- frames

  private sendSubscribe(requestId: string, reg: Registered): void {
    if (reg.type === 'SUBSCRIPTION_TYPE_MARKET_DATA' && reg.marketSlugs) for (const s of reg.marketSlugs) this.pendingSnapshot.add(s);
    const subscribe: Record<string, unknown> = { requestId, subscriptionType: reg.type };
    if (reg.marketSlugs) subscribe.marketSlugs = reg.marketSlugs;
    this.send({ subscribe });
  }

  /**
   * Private socket: asks for the open-order snapshot as its own request (the venue answers
   * SUBSCRIPTION_TYPE_ORDER_SNAPSHOT with `orderSubscriptionSnapshot` frames). One-shot: not re-registered,
   * sent again after every connect instead.
   */
  private requestOrderSnapshot(): void {
    if (this.channel !== 'private' || !this.orderSnapshotOnConnect) return;
    if (![...this.subs.values()].some((r) => r.type === 'SUBSCRIPTION_TYPE_ORDER')) return;
    const requestId = `order-snapshot-${randomUUID()}`;
    this.metrics.increment('venue.ws.order_snapshot_requested', 1, { channel: this.channel });
    this.send({ subscribe: { requestId, subscriptionType: 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT' } });
  }

  private send(message: unknown): void {
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  private onFrame(text: string): void {
    const parsed = parseVenueMessage(text, this.clock.now(), this.drift);
    switch (parsed.kind) {
      case 'event': {
        let e: VenueEvent | null = parsed.event;
        if (e.type === 'book' && this.pendingSnapshot.size > 0 && this.pendingSnapshot.delete(e.marketSlug)) e.snapshot = true;
        if (e.type === 'orders_snapshot' || e.type === 'positions_snapshot') {
          e = this.snapshots.add(parsed.requestId, e, parsed.eof ?? true);
          if (!e) return;
        }
        this.emit(e);
        return;
      }
      case 'heartbeat':
        return;
      case 'skipped':
        this.metrics.increment('venue.ws.skipped', 1, { channel: this.channel, key: parsed.key.slice(0, 60) });
        return;
      case 'error':
        if (this.snapshots.abandon(parsed.requestId)) {
          this.metrics.increment('venue.ws.snapshot_failed', 1, { channel: this.channel });
          this.logger.warn('snapshot cut short by an error; dropped (REST reconciliation covers it)', { requestId: parsed.requestId, message: parsed.message });
        }
        this.metrics.increment('venue.ws.server_errors', 1, { channel: this.channel });
        this.logger.warn('server error message', { requestId: parsed.requestId, message: parsed.message });
        this.onServerError(parsed.message, parsed.requestId);
        return;
      case 'unknown':
        this.metrics.increment('venue.ws.unknown', 1, { channel: this.channel });
        return;
      case 'malformed':
        this.malformedCount++;
        this.metrics.increment('venue.ws.malformed', 1, { channel: this.channel });
        if (this.malformedCount <= 10 || this.malformedCount % 1000 === 0) {
          this.logger.warn('malformed frame skipped', { reason: parsed.reason, count: this.malformedCount });
        }
        return;
    }
  }

  private emit(e: VenueEvent): void {
    try {
      this.onEvent(e);
    } catch (err) {
      // A consumer bug must not kill the socket loop.
      this.metrics.increment('venue.ws.handler_errors', 1, { channel: this.channel });
      this.logger.error('venue event handler threw', { error: err instanceof Error ? err.message : String(err), type: e.type });
    }
  }
}
