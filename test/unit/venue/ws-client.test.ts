/**
 * VenueSocket against a scripted local WebSocket server (real sockets, no simulator): the ORDER_SNAPSHOT it
 * requests after every private connect, chunked snapshots joined into one event, market subscriptions split
 * at 100 slugs and all re-sent after a reconnect, fatal upgrade refusals (401/403/429) that stop the loop.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import { WebSocketServer, type WebSocket } from 'ws';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { RequestSigner } from '../../../shared/venue/auth.js';
import { VenueSocket, type VenueSocketOptions } from '../../../shared/venue/ws-client.js';
import { generateApiKey } from '../../../containers/simulator/server/auth.js';
import { wireOrder } from './fixtures.js';

type Frame = { subscribe?: { requestId: string; subscriptionType: string; marketSlugs?: string[] }; unsubscribe?: { requestId: string } };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A WebSocket server that records every client frame per connection and lets the test answer. */
async function scriptedServer(onFrame?: (ws: WebSocket, f: Frame, connection: number) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const connections: { ws: WebSocket; frames: Frame[] }[] = [];
  wss.on('connection', (ws) => {
    const c = { ws, frames: [] as Frame[] };
    connections.push(c);
    const n = connections.length;
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      c.frames.push(f);
      onFrame?.(ws, f, n);
    });
  });
  cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, connections };
}

function socket(url: string, over: Partial<VenueSocketOptions> = {}) {
  const events: VenueEvent[] = [];
  const metrics = new MetricsRegistry();
  const s = new VenueSocket({
    channel: 'private',
    wsBaseUrl: url,
    signer: new RequestSigner(generateApiKey()),
    metrics,
    pingIntervalMs: 0,
    reconnectInitialDelayMs: 10,
    reconnectMaxDelayMs: 50,
    onEvent: (e) => events.push(e),
    ...over,
  });
  cleanups.push(() => s.close());
  return { s, events, metrics };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const snapshotRequests = (frames: Frame[]) => frames.filter((f) => f.subscribe?.subscriptionType === 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT');

describe('private socket: order snapshot after every connect', () => {
  it('sends ORDER_SNAPSHOT as its own request on the first connect and on every reconnect, and joins chunked answers', async () => {
    const server = await scriptedServer((ws, f) => {
      if (f.subscribe?.subscriptionType !== 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT') return;
      const requestId = f.subscribe.requestId;
      const frame = (orders: unknown[], eof: boolean) =>
        JSON.stringify({ requestId, subscriptionType: 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT', orderSubscriptionSnapshot: { orders, eof } });
      ws.send(frame([wireOrder({ id: 'o1' })], false));
      ws.send(frame([wireOrder({ id: 'o2' }), wireOrder({ id: 'o3', quantity: 0.5, leavesQuantity: 0.5 })], true));
    });
    const { s, events, metrics } = socket(server.url);
    s.subscribe('SUBSCRIPTION_TYPE_ORDER');
    s.subscribe('SUBSCRIPTION_TYPE_POSITION');
    s.start();

    const snapshots = () => events.filter((e): e is Extract<VenueEvent, { type: 'orders_snapshot' }> => e.type === 'orders_snapshot');
    await until(() => snapshots().length === 1, 'the first snapshot');
    expect(snapshots()[0]!.orders.map((o) => o.id)).toEqual(['o1', 'o2', 'o3']);
    const fractional = snapshots()[0]!.orders[2]!;
    expect([fractional.quantity, fractional.quantityExact, fractional.leavesQuantity]).toEqual([contracts(0.5), '0.5', contracts(0.5)]);
    const first = server.connections[0]!.frames;
    expect(first.map((f) => f.subscribe?.subscriptionType)).toEqual(['SUBSCRIPTION_TYPE_ORDER', 'SUBSCRIPTION_TYPE_POSITION', 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT']);

    // Drop the connection twice: each reconnect resubscribes everything and asks for a fresh snapshot.
    for (let drop = 1; drop <= 2; drop++) {
      server.connections[drop - 1]!.ws.terminate();
      await until(() => snapshots().length === drop + 1, `snapshot after reconnect ${drop}`);
      const frames = server.connections[drop]!.frames;
      expect(snapshotRequests(frames)).toHaveLength(1);
      expect(frames.filter((f) => f.subscribe?.subscriptionType === 'SUBSCRIPTION_TYPE_ORDER')).toHaveLength(1);
    }
    const ids = server.connections.map((c) => snapshotRequests(c.frames)[0]!.subscribe!.requestId);
    expect(new Set(ids).size).toBe(3);
    expect(metrics.counter('venue.ws.order_snapshot_requested', { channel: 'private' })).toBe(3);
    // The snapshot request is one-shot: never registered as a subscription of its own.
    expect(s.subscriptions().map((r) => r.type)).toEqual(['SUBSCRIPTION_TYPE_ORDER', 'SUBSCRIPTION_TYPE_POSITION']);
  });

  it('drops a snapshot cut short by an error frame, and requests none without an ORDER subscription', async () => {
    const server = await scriptedServer((ws, f) => {
      if (f.subscribe?.subscriptionType !== 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT') return;
      const requestId = f.subscribe.requestId;
      ws.send(JSON.stringify({ requestId, orderSubscriptionSnapshot: { orders: [wireOrder()], eof: false } }));
      ws.send(JSON.stringify({ requestId, orderSubscriptionSnapshot: { orders: [], eof: false }, error: 'deadline exceeded' }));
      ws.send(JSON.stringify({ heartbeat: {} }));
    });
    const { s, events, metrics } = socket(server.url);
    s.subscribe('SUBSCRIPTION_TYPE_ORDER');
    s.start();
    await until(() => metrics.counter('venue.ws.snapshot_failed', { channel: 'private' }) === 1, 'the failed snapshot');
    expect(events.filter((e) => e.type === 'orders_snapshot')).toHaveLength(0);

    const bare = await scriptedServer();
    const other = socket(bare.url);
    other.s.subscribe('SUBSCRIPTION_TYPE_ACCOUNT_BALANCE');
    other.s.start();
    await other.s.waitUntilUp();
    await until(() => bare.connections[0]?.frames.length === 1, 'the balance subscription');
    expect(snapshotRequests(bare.connections[0]!.frames)).toHaveLength(0);
  });
});

describe('market subscriptions', () => {
  it('splits more than 100 slugs into subscriptions of at most 100 and re-sends them all after a reconnect', async () => {
    const server = await scriptedServer();
    const { s } = socket(server.url, { channel: 'markets' });
    const slugs = Array.from({ length: 250 }, (_, i) => `m-${i}`);
    const group = s.subscribe('SUBSCRIPTION_TYPE_MARKET_DATA', slugs);
    s.start();
    await until(() => server.connections[0]?.frames.length === 3, 'three subscribe frames');
    const sent = server.connections[0]!.frames.map((f) => f.subscribe!.marketSlugs!);
    expect(sent.map((x) => x.length)).toEqual([100, 100, 50]);
    expect(sent.flat()).toEqual(slugs);
    expect(snapshotRequests(server.connections[0]!.frames)).toHaveLength(0);

    server.connections[0]!.ws.terminate();
    await until(() => server.connections[1]?.frames.length === 3, 'resubscription');
    expect(server.connections[1]!.frames.flatMap((f) => f.subscribe!.marketSlugs!)).toEqual(slugs);

    // The group id unsubscribes every chunk.
    expect(s.unsubscribe(group)).toBe(true);
    await until(() => server.connections[1]!.frames.length === 6, 'three unsubscribes');
    expect(server.connections[1]!.frames.slice(3).every((f) => f.unsubscribe !== undefined)).toBe(true);
    expect(s.subscriptions()).toHaveLength(0);
  });
});

describe('fatal upgrade refusals', () => {
  /** An HTTP server refusing every upgrade with `status` (and a Date header when asked), counting attempts. */
  async function refusing(status: number, withDate: boolean) {
    let attempts = 0;
    const server: Server = createServer();
    server.on('upgrade', (_req, sock) => {
      attempts++;
      const date = withDate ? `Date: ${new Date(Date.now() + 120_000).toUTCString()}\r\n` : '';
      sock.end(`HTTP/1.1 ${status} Refused\r\n${date}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, attempts: () => attempts };
  }

  for (const [status, withDate, wantAttempts] of [
    [403, true, 1],
    [429, false, 1],
    [401, false, 1],
    [401, true, 2],
  ] as const) {
    it(`${status}${withDate ? ' with a Date header' : ''}: gives up after ${wantAttempts} attempt(s), no reconnect loop`, async () => {
      const srv = await refusing(status, withDate);
      let fatal: string | null = null;
      const { s, events, metrics } = socket(srv.url, { onFatal: (r) => (fatal = r) });
      s.start();
      await until(() => fatal !== null, 'the fatal callback');
      // Room for a (wrong) reconnect to happen: the backoff is 10–50 ms.
      await new Promise((r) => setTimeout(r, 300));
      expect(srv.attempts()).toBe(wantAttempts);
      expect(s.fatal).toMatch(new RegExp(`^fatal: upgrade rejected with ${status}`));
      expect(metrics.counter('venue.ws.fatal', { channel: 'private' })).toBe(1);
      const down = events.filter((e) => e.type === 'connection' && e.status === 'down');
      expect(down).toHaveLength(1);
      expect(s.connected).toBe(false);
    });
  }
});
