/**
 * The exchange's two WebSockets, `/v1/ws/markets` and `/v1/ws/private`, on the simulator's one HTTP server
 * (ws in noServer mode). Upgrades are authenticated like REST calls (signing GET and the socket's path).
 * Clients subscribe and unsubscribe by requestId; every server message carries `requestId` and
 * `subscriptionType` under its message key (api/polymarket-us.md, "WebSocket messages"); heartbeats go out
 * every `heartbeatMs`. Malformed client frames get an `error` message, never a crash. Outgoing messages pass
 * through the fault controller (drop / delay, order preserved per socket).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import {
  MARKET_SUBSCRIPTIONS,
  PRIVATE_SUBSCRIPTIONS,
  type SubscriptionType,
} from '../../../shared/domain/venue-enums.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import type { Faults, SocketChannel } from '../faults/fault-controller.js';
import type { KeyRing } from './auth.js';

export const MARKETS_SOCKET_PATH = '/v1/ws/markets';
export const PRIVATE_SOCKET_PATH = '/v1/ws/private';

/** What the hub reads for snapshots, already in wire form. */
export interface SocketDataSource {
  hasMarket(slug: string): boolean;
  marketData(slug: string): Record<string, unknown>;
  marketDataLite(slug: string): Record<string, unknown>;
  accountOf(keyId: string): string;
  openOrders(accountId: string, slugs: readonly string[] | null): Record<string, unknown>[];
  positions(accountId: string, slugs: readonly string[] | null): Record<string, Record<string, unknown>>;
  balance(accountId: string): Record<string, unknown>;
}

export interface SocketHubOptions {
  keys: KeyRing;
  data: SocketDataSource;
  faults: Faults;
  serverNow: () => number;
  heartbeatMs: number;
  logger: Logger;
  metrics: Metrics;
  /** Close a socket whose unsent buffer exceeds this many bytes (a consumer too slow to keep up). */
  maxBufferedBytes?: number;
}

const subscribeSchema = z.object({
  subscribe: z.object({
    requestId: z.string().min(1).max(128),
    subscriptionType: z.string(),
    marketSlugs: z.array(z.string().min(1).max(200)).max(1000).optional(),
  }),
});
const unsubscribeSchema = z.object({ unsubscribe: z.object({ requestId: z.string().min(1).max(128) }) });

interface Subscription {
  requestId: string;
  type: SubscriptionType;
  /** null = every market (private subscriptions without a filter). */
  slugs: Set<string> | null;
}

interface Connection {
  ws: WebSocket;
  channel: SocketChannel;
  keyId: string;
  accountId: string;
  subs: Map<string, Subscription>;
  queue: { at: number; text: string }[];
  timer: ReturnType<typeof setTimeout> | null;
}

const MESSAGE_KEY: Record<string, string> = {
  SUBSCRIPTION_TYPE_MARKET_DATA: 'marketData',
  SUBSCRIPTION_TYPE_MARKET_DATA_LITE: 'marketDataLite',
  SUBSCRIPTION_TYPE_TRADE: 'trade',
};

export class SocketHub {
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Connection>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly unregisterFaults: () => void;
  private closed = false;

  constructor(private readonly opts: SocketHubOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
    this.heartbeat = setInterval(() => this.broadcastHeartbeat(), opts.heartbeatMs);
    this.heartbeat.unref();
    this.unregisterFaults = opts.faults.onCloseAllSockets((code, reason) => this.closeAll(code, reason));
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Handles an HTTP upgrade; returns false when the path is not one of the exchange's sockets. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    const channel: SocketChannel | null =
      url.pathname === MARKETS_SOCKET_PATH ? 'markets' : url.pathname === PRIVATE_SOCKET_PATH ? 'private' : null;
    if (!channel) return false;
    socket.on('error', () => socket.destroy());
    if (this.closed) {
      rejectUpgrade(socket, 503, 'server shutting down', this.opts.serverNow());
      return true;
    }
    const auth = this.opts.keys.verify(req.headers, 'GET', url.pathname, this.opts.serverNow());
    if (!auth.ok) {
      this.opts.metrics.increment('sim.ws.auth_rejected', 1, { reason: auth.reason });
      rejectUpgrade(socket, 401, auth.message, this.opts.serverNow());
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, channel, auth.keyId));
    return true;
  }

  private onConnection(ws: WebSocket, channel: SocketChannel, keyId: string): void {
    const conn: Connection = {
      ws,
      channel,
      keyId,
      accountId: this.opts.data.accountOf(keyId),
      subs: new Map(),
      queue: [],
      timer: null,
    };
    this.conns.add(conn);
    this.opts.metrics.increment('sim.ws.connected', 1, { channel });
    ws.on('message', (data, isBinary) => {
      try {
        this.onFrame(conn, data, isBinary);
      } catch (err) {
        this.opts.logger.error('ws frame handling failed', { err });
        this.sendError(conn, 'internal error', undefined);
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (conn.timer) clearTimeout(conn.timer);
      this.conns.delete(conn);
    });
  }

  private onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) return this.malformed(conn, 'binary frames are not supported');
    let msg: unknown;
    try {
      msg = JSON.parse(rawToString(data));
    } catch {
      return this.malformed(conn, 'message is not valid JSON');
    }
    if (msg && typeof msg === 'object' && 'subscribe' in msg) {
      const parsed = subscribeSchema.safeParse(msg);
      if (!parsed.success) return this.malformed(conn, 'invalid subscribe message', requestIdOf(msg, 'subscribe'));
      return this.subscribe(conn, parsed.data.subscribe);
    }
    if (msg && typeof msg === 'object' && 'unsubscribe' in msg) {
      const parsed = unsubscribeSchema.safeParse(msg);
      if (!parsed.success) return this.malformed(conn, 'invalid unsubscribe message', requestIdOf(msg, 'unsubscribe'));
      const { requestId } = parsed.data.unsubscribe;
      if (!conn.subs.delete(requestId)) return this.sendError(conn, `unknown requestId ${requestId}`, requestId);
      return;
    }
    this.malformed(conn, 'expected a subscribe or unsubscribe message');
  }

  private malformed(conn: Connection, message: string, requestId?: string): void {
    this.opts.metrics.increment('sim.ws.malformed', 1, { channel: conn.channel });
    this.sendError(conn, message, requestId);
  }

  private subscribe(conn: Connection, s: { requestId: string; subscriptionType: string; marketSlugs?: string[] }): void {
    const allowed: readonly string[] = conn.channel === 'markets' ? MARKET_SUBSCRIPTIONS : PRIVATE_SUBSCRIPTIONS;
    if (!allowed.includes(s.subscriptionType)) {
      return this.malformed(conn, `subscriptionType ${s.subscriptionType.slice(0, 60)} is not available on the ${conn.channel} socket`, s.requestId);
    }
    if (conn.subs.has(s.requestId)) return this.sendError(conn, `requestId ${s.requestId} is already subscribed`, s.requestId);
    const type = s.subscriptionType as SubscriptionType;
    let slugs: Set<string> | null = s.marketSlugs && s.marketSlugs.length > 0 ? new Set(s.marketSlugs) : null;
    if (conn.channel === 'markets') {
      if (!slugs) return this.sendError(conn, 'marketSlugs is required', s.requestId);
      const unknown = [...slugs].filter((slug) => !this.opts.data.hasMarket(slug));
      if (unknown.length > 0) return this.sendError(conn, `unknown market: ${unknown[0]}`, s.requestId);
    }
    if (type === 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE') slugs = null;
    const sub: Subscription = { requestId: s.requestId, type, slugs };
    conn.subs.set(s.requestId, sub);
    this.sendSnapshot(conn, sub);
  }

  private sendSnapshot(conn: Connection, sub: Subscription): void {
    const d = this.opts.data;
    const slugList = sub.slugs ? [...sub.slugs] : null;
    switch (sub.type) {
      case 'SUBSCRIPTION_TYPE_MARKET_DATA':
        for (const slug of slugList ?? []) this.sendTo(conn, sub, 'marketData', d.marketData(slug));
        return;
      case 'SUBSCRIPTION_TYPE_MARKET_DATA_LITE':
        for (const slug of slugList ?? []) this.sendTo(conn, sub, 'marketDataLite', d.marketDataLite(slug));
        return;
      case 'SUBSCRIPTION_TYPE_TRADE':
        return;
      case 'SUBSCRIPTION_TYPE_ORDER':
        this.sendTo(conn, sub, 'orderSubscriptionSnapshot', { orders: d.openOrders(conn.accountId, slugList), eof: true });
        return;
      case 'SUBSCRIPTION_TYPE_POSITION':
        this.sendTo(conn, sub, 'positionSubscriptionSnapshot', { positions: d.positions(conn.accountId, slugList), eof: true });
        return;
      case 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE':
        this.sendTo(conn, sub, 'accountBalanceSubscriptionSnapshot', d.balance(conn.accountId));
        return;
    }
  }

  // ---- publishing (called by the server from exchange events) ----

  /** The market's book changed: whole book to MARKET_DATA subscribers, top of book to LITE subscribers. */
  publishBook(slug: string): void {
    let full: Record<string, unknown> | undefined;
    let lite: Record<string, unknown> | undefined;
    for (const conn of this.conns) {
      if (conn.channel !== 'markets') continue;
      for (const sub of conn.subs.values()) {
        if (!sub.slugs?.has(slug)) continue;
        if (sub.type === 'SUBSCRIPTION_TYPE_MARKET_DATA') this.sendTo(conn, sub, 'marketData', (full ??= this.opts.data.marketData(slug)));
        else if (sub.type === 'SUBSCRIPTION_TYPE_MARKET_DATA_LITE') {
          this.sendTo(conn, sub, 'marketDataLite', (lite ??= this.opts.data.marketDataLite(slug)));
        }
      }
    }
  }

  publishTrade(slug: string, trade: Record<string, unknown>): void {
    this.publishMarkets(slug, 'SUBSCRIPTION_TYPE_TRADE', trade);
  }

  private publishMarkets(slug: string, type: SubscriptionType, payload: Record<string, unknown>): void {
    for (const conn of this.conns) {
      if (conn.channel !== 'markets') continue;
      for (const sub of conn.subs.values()) {
        if (sub.type === type && sub.slugs?.has(slug)) this.sendTo(conn, sub, MESSAGE_KEY[type] ?? 'unknown', payload);
      }
    }
  }

  publishExecution(accountId: string, slug: string, execution: Record<string, unknown>): void {
    this.publishPrivate(accountId, slug, 'SUBSCRIPTION_TYPE_ORDER', 'orderSubscriptionUpdate', { execution });
  }

  publishPosition(accountId: string, slug: string, position: Record<string, unknown>): void {
    this.publishPrivate(accountId, slug, 'SUBSCRIPTION_TYPE_POSITION', 'positionSubscriptionUpdate', { marketSlug: slug, position });
  }

  publishBalance(accountId: string, balance: Record<string, unknown>): void {
    this.publishPrivate(accountId, null, 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE', 'accountBalanceSubscriptionUpdate', balance);
  }

  private publishPrivate(accountId: string, slug: string | null, type: SubscriptionType, key: string, payload: Record<string, unknown>): void {
    for (const conn of this.conns) {
      if (conn.channel !== 'private' || conn.accountId !== accountId) continue;
      for (const sub of conn.subs.values()) {
        if (sub.type !== type) continue;
        if (slug !== null && sub.slugs && !sub.slugs.has(slug)) continue;
        this.sendTo(conn, sub, key, payload);
      }
    }
  }

  // ---- sending ----

  private sendTo(conn: Connection, sub: Subscription, key: string, payload: unknown): void {
    this.enqueue(conn, JSON.stringify({ requestId: sub.requestId, subscriptionType: sub.type, [key]: payload }));
  }

  private sendError(conn: Connection, message: string, requestId: string | undefined): void {
    this.enqueue(conn, JSON.stringify(requestId === undefined ? { error: message } : { requestId, error: message }));
  }

  private broadcastHeartbeat(): void {
    const text = JSON.stringify({ heartbeat: {} });
    for (const conn of this.conns) this.enqueue(conn, text);
  }

  private enqueue(conn: Connection, text: string): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    const fate = this.opts.faults.socketMessageFate(conn.channel);
    if (fate.drop) return;
    const now = Date.now();
    if (fate.delayMs <= 0 && conn.queue.length === 0) return this.write(conn, text);
    const last = conn.queue[conn.queue.length - 1];
    conn.queue.push({ at: Math.max(now + fate.delayMs, last?.at ?? 0), text });
    this.armQueue(conn);
  }

  private armQueue(conn: Connection): void {
    if (conn.timer || conn.queue.length === 0) return;
    const head = conn.queue[0]!;
    conn.timer = setTimeout(() => {
      conn.timer = null;
      const now = Date.now();
      while (conn.queue.length > 0 && conn.queue[0]!.at <= now) this.write(conn, conn.queue.shift()!.text);
      this.armQueue(conn);
    }, Math.max(0, head.at - Date.now()));
    conn.timer.unref();
  }

  private write(conn: Connection, text: string): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > (this.opts.maxBufferedBytes ?? 16 * 1024 * 1024)) {
      this.opts.logger.warn('closing slow websocket consumer', { channel: conn.channel });
      conn.ws.close(1013, 'consumer too slow');
      return;
    }
    conn.ws.send(text);
  }

  /** Closes every socket; code 1006 terminates abruptly (no close frame). Returns how many were closed. */
  closeAll(code = 1012, reason = 'closing'): number {
    const n = this.conns.size;
    for (const conn of [...this.conns]) {
      if (conn.timer) clearTimeout(conn.timer);
      conn.queue = [];
      if (code === 1006) conn.ws.terminate();
      else conn.ws.close(code, reason);
      this.conns.delete(conn);
    }
    return n;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unregisterFaults();
    for (const conn of [...this.conns]) {
      if (conn.timer) clearTimeout(conn.timer);
      conn.ws.terminate();
    }
    this.conns.clear();
    this.wss.close();
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function requestIdOf(msg: object, key: string): string | undefined {
  const inner = (msg as Record<string, unknown>)[key];
  if (inner && typeof inner === 'object') {
    const id = (inner as Record<string, unknown>).requestId;
    if (typeof id === 'string' && id.length > 0 && id.length <= 128) return id;
  }
  return undefined;
}

function rejectUpgrade(socket: Duplex, status: number, message: string, now: number): void {
  const body = JSON.stringify({ message });
  const reason = status === 401 ? 'Unauthorized' : status === 503 ? 'Service Unavailable' : 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Date: ${new Date(now).toUTCString()}\r\nConnection: close\r\n\r\n${body}`,
  );
}
