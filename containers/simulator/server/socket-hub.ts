/**
 * The exchange's two WebSockets, `/v1/ws/markets` and `/v1/ws/private`, on the simulator's one HTTP server
 * (ws in noServer mode). Upgrades are authenticated like REST calls (signing GET and the socket's path).
 * Clients subscribe and unsubscribe by requestId, at most MAX_SLUGS_PER_SUBSCRIPTION market slugs each; every
 * server message carries `requestId` and `subscriptionType` beside its message key (docs/venue-rules.md,
 * "WebSockets"); heartbeats go out every `heartbeatMs`. Malformed client frames get an `error` message, never a
 * crash. Outgoing messages pass through the fault controller (drop / delay, order preserved per socket).
 *
 * Frame keys. By default the server sends today's keys; with `legacyWire` it sends the legacy aliases the
 * venue's SDK still accepts instead, so a client can be tested against both:
 *
 * | subscription                 | today's key (default)                     | legacy alias (`legacyWire`)                          |
 * |------------------------------|-------------------------------------------|------------------------------------------------------|
 * | ORDER (live executions)      | orderSubscriptionUpdate `{ execution }`   | the same (the SDK's `orderUpdate` is not in the      |
 * |                              | (no snapshot on subscribe)                | contract: never sent); ORDER also answers a snapshot |
 * | ORDER_SNAPSHOT               | orderSubscriptionSnapshot `{orders, eof}` | the same (the SDK's `ordersSnapshot`: never sent)    |
 * | POSITION, on subscribe       | positionSubscriptionSnapshot              | the same (`positionsSnapshot`: never sent)           |
 * |                              | `{ positions{slug: UserPosition}, eof }`  | with the deprecated rounded counts                   |
 * | POSITION, on a change        | positionSubscription `{ beforePosition,   | positionSubscriptionUpdate `{ marketSlug, position }`|
 * |                              | afterPosition, updateTime, entryType }`   | (also known as positionUpdate)                       |
 * | ACCOUNT_BALANCE, on subscribe| accountBalancesSnapshot `{ balances[] }`  | accountBalanceSubscriptionSnapshot                   |
 * |                              |                                           | `{ balance, buyingPower }` (numbers)                 |
 * | ACCOUNT_BALANCE, on a change | accountBalancesUpdate `{ balanceChange:   | accountBalanceSubscriptionUpdate                     |
 * |                              | { beforeBalance, afterBalance, … } }`     | `{ balance, buyingPower }` (also accountBalanceUpdate)|
 * | MARKET_DATA / _LITE / TRADE  | marketData / marketDataLite / trade       | the same                                             |
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import type { Faults, SocketChannel } from '../faults/fault-controller.js';
import type { KeyRing } from './auth.js';
import type { WireAudit } from './wire-audit.js';

export const MARKET_SUBSCRIPTIONS = ['SUBSCRIPTION_TYPE_MARKET_DATA', 'SUBSCRIPTION_TYPE_MARKET_DATA_LITE', 'SUBSCRIPTION_TYPE_TRADE'] as const;
export const PRIVATE_SUBSCRIPTIONS = [
  'SUBSCRIPTION_TYPE_ORDER',
  'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT',
  'SUBSCRIPTION_TYPE_POSITION',
  'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE',
] as const;
/** The RFQ stream is an allowlisted beta the simulated accounts are not on: subscribing is refused. */
const BETA_SUBSCRIPTIONS = ['SUBSCRIPTION_TYPE_RFQ'] as const;
export type SubscriptionType = (typeof MARKET_SUBSCRIPTIONS)[number] | (typeof PRIVATE_SUBSCRIPTIONS)[number];
const ALL_SUBSCRIPTIONS: readonly string[] = [...MARKET_SUBSCRIPTIONS, ...PRIVATE_SUBSCRIPTIONS, ...BETA_SUBSCRIPTIONS];

/** The venue's limit on market slugs per subscription (use several subscriptions for more). */
export const MAX_SLUGS_PER_SUBSCRIPTION = 100;

/** A position change, in both forms: today's `positionSubscription` payload and the legacy one. */
export interface PositionChangeFrames {
  current: Record<string, unknown>;
  legacy: Record<string, unknown>;
}

/** A balance change, in both forms: today's `accountBalancesUpdate` payload and the legacy one. */
export type BalanceChangeFrames = PositionChangeFrames;

export const MARKETS_SOCKET_PATH = '/v1/ws/markets';
export const PRIVATE_SOCKET_PATH = '/v1/ws/private';

/** What the hub reads for snapshots, already in wire form. */
export interface SocketDataSource {
  hasMarket(slug: string): boolean;
  marketData(slug: string): Record<string, unknown>;
  marketDataLite(slug: string): Record<string, unknown>;
  accountOf(keyId: string): string;
  openOrders(accountId: string, slugs: readonly string[] | null): Record<string, unknown>[];
  /** UserPositions by slug; `legacy` adds the deprecated rounded counts. */
  positions(accountId: string, slugs: readonly string[] | null, legacy: boolean): Record<string, Record<string, unknown>>;
  /** The account's UserBalance. */
  balance(accountId: string): Record<string, unknown>;
  /** The legacy balance payload `{ balance, buyingPower }`. */
  legacyBalance(accountId: string): Record<string, unknown>;
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
  /** Send the legacy frame keys (the table above) instead of today's. */
  legacyWire?: boolean;
  /** Sees every frame sent. */
  wireAudit?: WireAudit;
}

const subscribeSchema = z.object({
  subscribe: z.object({
    requestId: z.string().min(1).max(128),
    subscriptionType: z.string(),
    marketSlugs: z.array(z.string().min(1).max(200)).max(10_000).optional(),
    responsesDebounced: z.boolean().optional(),
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
    const knownType = ALL_SUBSCRIPTIONS.includes(s.subscriptionType) ? s.subscriptionType : undefined;
    const refuse = (message: string): void => this.sendError(conn, message, s.requestId, knownType);
    if ((BETA_SUBSCRIPTIONS as readonly string[]).includes(s.subscriptionType) && conn.channel === 'private') {
      return refuse(`${s.subscriptionType} is an allowlisted beta; this account is not allowlisted`);
    }
    if (!allowed.includes(s.subscriptionType)) {
      this.opts.metrics.increment('sim.ws.malformed', 1, { channel: conn.channel });
      return refuse(`subscriptionType ${s.subscriptionType.slice(0, 60)} is not available on the ${conn.channel} socket`);
    }
    if (conn.subs.has(s.requestId)) return refuse(`requestId ${s.requestId} is already subscribed`);
    if ((s.marketSlugs?.length ?? 0) > MAX_SLUGS_PER_SUBSCRIPTION) {
      return refuse(`at most ${MAX_SLUGS_PER_SUBSCRIPTION} marketSlugs per subscription (got ${s.marketSlugs!.length}); use several subscriptions`);
    }
    const type = s.subscriptionType as SubscriptionType;
    let slugs: Set<string> | null = s.marketSlugs && s.marketSlugs.length > 0 ? new Set(s.marketSlugs) : null;
    if (conn.channel === 'markets') {
      if (!slugs) return refuse('marketSlugs is required');
      const unknown = [...slugs].filter((slug) => !this.opts.data.hasMarket(slug));
      if (unknown.length > 0) return refuse(`unknown market: ${unknown[0]}`);
    }
    if (type === 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE') slugs = null;
    const sub: Subscription = { requestId: s.requestId, type, slugs };
    conn.subs.set(s.requestId, sub);
    this.sendSnapshot(conn, sub);
  }

  private sendSnapshot(conn: Connection, sub: Subscription): void {
    const d = this.opts.data;
    const legacy = this.opts.legacyWire === true;
    const slugList = sub.slugs ? [...sub.slugs] : null;
    const ordersSnapshot = (): void =>
      this.sendTo(conn, sub, 'orderSubscriptionSnapshot', { orders: d.openOrders(conn.accountId, slugList), eof: true });
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
        if (legacy) ordersSnapshot();
        return;
      case 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT':
        ordersSnapshot();
        return;
      case 'SUBSCRIPTION_TYPE_POSITION':
        this.sendTo(conn, sub, 'positionSubscriptionSnapshot', { positions: d.positions(conn.accountId, slugList, legacy), eof: true });
        return;
      case 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE':
        if (legacy) this.sendTo(conn, sub, 'accountBalanceSubscriptionSnapshot', d.legacyBalance(conn.accountId));
        else this.sendTo(conn, sub, 'accountBalancesSnapshot', { balances: [d.balance(conn.accountId)] });
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

  publishPosition(accountId: string, slug: string, change: PositionChangeFrames): void {
    if (this.opts.legacyWire) this.publishPrivate(accountId, slug, 'SUBSCRIPTION_TYPE_POSITION', 'positionSubscriptionUpdate', change.legacy);
    else this.publishPrivate(accountId, slug, 'SUBSCRIPTION_TYPE_POSITION', 'positionSubscription', change.current);
  }

  publishBalance(accountId: string, change: BalanceChangeFrames): void {
    if (this.opts.legacyWire) this.publishPrivate(accountId, null, 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE', 'accountBalanceSubscriptionUpdate', change.legacy);
    else this.publishPrivate(accountId, null, 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE', 'accountBalancesUpdate', change.current);
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
    this.sendFrame(conn, { requestId: sub.requestId, subscriptionType: sub.type, [key]: payload });
  }

  private sendError(conn: Connection, message: string, requestId: string | undefined, subscriptionType?: string): void {
    const frame: Record<string, unknown> = {};
    if (requestId !== undefined) frame.requestId = requestId;
    if (subscriptionType !== undefined) frame.subscriptionType = subscriptionType;
    frame.error = message;
    this.sendFrame(conn, frame);
  }

  private sendFrame(conn: Connection, frame: Record<string, unknown>): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    this.opts.wireAudit?.({ kind: 'frame', socket: conn.channel, frame });
    this.enqueue(conn, JSON.stringify(frame));
  }

  private broadcastHeartbeat(): void {
    for (const conn of this.conns) this.sendFrame(conn, { heartbeat: {} });
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
