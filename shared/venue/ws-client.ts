/**
 * VenueSocket: one of the exchange's two WebSockets (`/v1/ws/markets`, `/v1/ws/private`), kept alive.
 *
 * - Authenticates the upgrade with the three X-PM headers (signing GET + the socket path). A 401 on the
 *   upgrade re-estimates the signer's clock offset from the response `Date` header before the next attempt.
 * - Subscriptions are registered by a generated requestId and re-sent after every reconnect.
 * - After every (re)subscription, the first book of each market is flagged `snapshot: true`.
 * - Silence (no frame, heartbeat or pong for `silenceTimeoutMs`) forces a reconnect; reconnects back off
 *   exponentially with jitter.
 * - Emits typed VenueEvents, including connection up/down; malformed frames are counted
 *   (`venue.ws.malformed`) and skipped.
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
import { parseVenueMessage } from './ws-messages.js';

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

  subscribe(type: MarketSubscriptionType | PrivateSubscriptionType, marketSlugs?: string[]): string {
    const requestId = randomUUID();
    const reg: Registered = { type, marketSlugs: marketSlugs && marketSlugs.length ? [...marketSlugs] : undefined };
    this.subs.set(requestId, reg);
    if (this.isUp) this.sendSubscribe(requestId, reg);
    return requestId;
  }

  unsubscribe(requestId: string): boolean {
    if (!this.subs.delete(requestId)) return false;
    if (this.isUp) this.send({ unsubscribe: { requestId } });
    return true;
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
    if (this.closed) return;
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
      if (status === 401) {
        this.consecutiveAuthFailures++;
        const offset = offsetFromDateHeader(res.headers['date'], this.clock.now());
        if (offset !== null) this.signer.clockOffsetMs = offset;
        if (this.consecutiveAuthFailures >= 2) {
          // Skew was corrected after the first 401: a repeat means the key itself is refused. Keep retrying
          // with backoff (keys may be rotated in place), but loudly.
          this.logger.error('socket upgrade keeps failing with 401 after clock correction: credentials rejected', {
            failures: this.consecutiveAuthFailures,
          });
        } else {
          this.logger.warn('socket upgrade rejected with 401; clock offset re-estimated', { offsetMs: this.signer.clockOffsetMs });
        }
      } else {
        this.logger.warn('socket upgrade rejected', { status });
      }
      res.resume();
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
    for (const [requestId, reg] of this.subs) this.sendSubscribe(requestId, reg);
    this.startConnectionTimers(ws);
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
    if (this.closed || this.reconnectTimer) return;
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

  private send(message: unknown): void {
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  private onFrame(text: string): void {
    const parsed = parseVenueMessage(text, this.clock.now());
    switch (parsed.kind) {
      case 'event': {
        const e = parsed.event;
        if (e.type === 'book' && this.pendingSnapshot.size > 0 && this.pendingSnapshot.delete(e.marketSlug)) e.snapshot = true;
        this.emit(e);
        return;
      }
      case 'heartbeat':
        return;
      case 'error':
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
