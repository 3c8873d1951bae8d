import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import {
  AmbiguousOrderError,
  AuthError,
  BadRequestError,
  NotFoundError,
  RateLimitedError,
  ResponseValidationError,
  ServerError,
} from '../../../shared/venue/errors.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { TransportError } from '../../../shared/venue/http.js';
import { amount, wireOrder } from './fixtures.js';
import { REQ, SECRET, json, setup } from './rest-client-harness.js';

describe('routing and signing', () => {
  it('sends public calls to the gateway unsigned and private calls to the api signed, query not signed into the path', async () => {
    const { client, transport } = setup((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/v1/markets/nba-bos-lal/bbo') return json(200, { marketSlug: 'nba-bos-lal', bestBid: amount('0.5') });
      return json(200, { orders: [wireOrder()] });
    });
    const bbo = await client.getBbo('nba-bos-lal');
    expect(bbo.bestBid).toBe(500_000);
    const orders = await client.openOrders(['a', 'b']);
    expect(orders[0]?.price).toBe(550_000);
    const [pub, priv] = transport.requests;
    expect(pub!.url).toBe('https://gateway.example/v1/markets/nba-bos-lal/bbo');
    expect(pub!.headers['X-PM-Signature']).toBeUndefined();
    expect(priv!.url).toBe('https://api.example/v1/orders/open?slugs=a&slugs=b');
    expect(priv!.headers['X-PM-Access-Key']).toBe('key-1');
    const sig = priv!.headers['X-PM-Signature']!;
    expect(client.signer!.signMessage(`${priv!.headers['X-PM-Timestamp']}GET/v1/orders/open`)).toBe(sig);
  });

  it('encodes path segments so a hostile slug cannot change the path', async () => {
    const { client, transport } = setup(() => json(404, { message: 'no' }));
    await expect(client.getMarketBySlug('a/../b?x')).rejects.toBeInstanceOf(NotFoundError);
    expect(transport.requests[0]!.url).toBe('https://gateway.example/v1/market/slug/a%2F..%2Fb%3Fx');
  });
});

describe('retry policy', () => {
  it('on 401 sets the clock offset from Date, re-signs once, and succeeds', async () => {
    const clock = new ManualClock(Date.parse('2024-01-16T16:00:00Z'));
    const { client, transport } = setup(
      (req, n) => (n === 1 ? json(401, { message: 'timestamp outside window' }, { date: 'Tue, 16 Jan 2024 16:01:00 GMT' }) : json(200, { balances: [] })),
      clock,
    );
    await client.balances();
    expect(transport.requests).toHaveLength(2);
    expect(client.signer!.clockOffsetMs).toBe(60_500);
    expect(Number(transport.requests[1]!.headers['X-PM-Timestamp'])).toBe(clock.now() + 60_500);
  });

  it('on a second 401 fails loudly with AuthError (no loop): one error-level line for the operator, no secret in it', async () => {
    const logger = new MemoryLogger();
    const { client, transport, metrics } = setup(() => json(401, { message: 'bad key' }, { date: new Date().toUTCString() }), undefined, { logger });
    const err = await client.balances().catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(transport.requests).toHaveLength(2);
    expect(String(err.message)).not.toContain(SECRET);
    expect(JSON.stringify(err)).not.toContain(SECRET);
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toContain('venue rejected our credentials');
    expect(errors[0]!.fields).toMatchObject({ endpoint: 'GET /v1/account/balances', status: 401, venueMessage: 'bad key', keyId: 'key-1', afterResign: true });
    expect(JSON.stringify(logger.lines)).not.toContain(SECRET);
    expect(JSON.stringify(logger.lines)).not.toContain(transport.requests[1]!.headers['X-PM-Signature']);
    expect(metrics.counter('venue.auth_rejected', { class: 'authenticated', status: '401' })).toBe(1);
  });

  it('a 403 is not re-signed, and is logged at error level too', async () => {
    const logger = new MemoryLogger();
    const { client, transport } = setup(() => json(403, { message: 'forbidden' }), undefined, { logger });
    await expect(client.openOrders()).rejects.toBeInstanceOf(AuthError);
    expect(transport.requests).toHaveLength(1);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => [l.msg.includes('venue rejected our credentials'), l.fields['status'], l.fields['afterResign']])).toEqual([[true, 403, false]]);
  });

  it('a 401 answered OK after the re-sign logs no error', async () => {
    const logger = new MemoryLogger();
    const { client } = setup((req, n) => (n === 1 ? json(401, { message: 'stale' }, { date: new Date().toUTCString() }) : json(200, { balances: [] })), undefined, { logger });
    await client.balances();
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('on 429 a read pauses the budget at least 1 s, honours Retry-After, backs off exponentially, then succeeds', async () => {
    const { client, transport, sleeps } = setup((req, n) => {
      if (n === 1) return json(429, { message: 'Too Many Requests' });
      if (n === 2) return json(429, { message: 'Too Many Requests' }, { 'retry-after': '3' });
      if (n === 3) return json(429, { message: 'Too Many Requests' });
      return json(200, { orders: [] });
    });
    await expect(client.openOrders()).resolves.toEqual([]);
    expect(transport.requests).toHaveLength(4);
    // random 0.5 → 0.75 of the doubling step, floored at 1 s: 1 s, max(1.5 s, Retry-After 3 s), 3 s.
    expect(sleeps).toEqual([1_000, 3_000, 3_000]);
  });

  it('on 429 a create is never resent: it fails with RateLimitedError, and the pause still holds every later request', async () => {
    const { client, transport, sleeps } = setup((req, n) => (n === 1 ? json(429, { message: 'Too Many Requests' }) : json(200, { orders: [] })));
    await expect(client.createOrder(REQ)).rejects.toBeInstanceOf(RateLimitedError);
    expect(transport.requests).toHaveLength(1);
    await client.openOrders();
    expect(sleeps[0]).toBeGreaterThanOrEqual(1_000);
    expect(transport.paths()).toEqual(['POST /v1/orders', 'GET /v1/orders/open']);
  });

  it('gives up on persistent 429 with RateLimitedError', async () => {
    const { client } = setup(() => json(429, {}));
    await expect(client.getOrder('x')).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('retries 5xx on idempotent calls, at most 3 attempts', async () => {
    const { client, transport } = setup(() => json(503, { error: 'down' }));
    await expect(client.positionsPage()).rejects.toBeInstanceOf(ServerError);
    expect(transport.requests).toHaveLength(3);
  });

  it('recovers from one 5xx on an idempotent call', async () => {
    const { client } = setup((req, n) => (n === 1 ? json(502, {}) : json(200, { positions: {}, eof: true })));
    await expect(client.positionsPage()).resolves.toEqual({ positions: [], nextCursor: null, eof: true });
  });

  it('does not retry 400 or 404', async () => {
    for (const status of [400, 404]) {
      const { client, transport } = setup(() => json(status, { message: 'nope' }));
      await expect(client.cancelOrder('o1', 'm')).rejects.toBeInstanceOf(status === 400 ? BadRequestError : NotFoundError);
      expect(transport.requests).toHaveLength(1);
    }
  });

  it('retries a request that provably never left (connection refused), even a create', async () => {
    const { client, transport } = setup((req, n) => {
      if (n === 1) throw new TransportError('network', false, 'connection failed (ECONNREFUSED)', 'ECONNREFUSED');
      return json(200, { id: 'ord-1' });
    });
    await expect(client.createOrder(REQ)).resolves.toMatchObject({ orderId: 'ord-1', recovered: false });
    expect(transport.requests).toHaveLength(2);
  });

  it('reports a 2xx with a malformed body as ResponseValidationError', async () => {
    const { client } = setup(() => json(200, { orders: [wireOrder({ price: 0.55 })] }));
    await expect(client.openOrders()).rejects.toBeInstanceOf(ResponseValidationError);
  });

  it('counts requests and errors by endpoint class', async () => {
    const { client, metrics } = setup((req, n) => (n === 1 ? json(503, {}) : json(200, { orders: [] })));
    await client.openOrders();
    expect(metrics.counter('venue.http.requests', { class: 'openOrders', status: '503' })).toBe(1);
    expect(metrics.counter('venue.http.requests', { class: 'openOrders', status: '200' })).toBe(1);
    expect(metrics.counter('venue.http.errors', { class: 'openOrders', kind: '503' })).toBe(1);
    expect(metrics.histogram('venue.http.latency_us', { class: 'openOrders' })?.count).toBe(2);
  });
});

describe('createOrder never sends an order twice', () => {
  const createdAt = (clock: ManualClock) => new Date(clock.now()).toISOString();

  it('timeout after the request left → finds the order in open orders → recovered, not resent', async () => {
    const clock = new ManualClock(Date.parse('2024-01-16T16:00:00Z'));
    const { client, transport } = setup((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/v1/orders') throw new TransportError('timeout', true, 'no response before the deadline', undefined);
      if (path === '/v1/orders/open') return json(200, { orders: [wireOrder({ id: 'ord-new', createTime: createdAt(clock) })] });
      return json(200, { activities: [], eof: true });
    }, clock);
    const r = await client.createOrder(REQ);
    expect(r).toEqual({ orderId: 'ord-new', executions: [], recovered: true });
    expect(transport.paths().filter((p) => p === 'POST /v1/orders')).toHaveLength(1);
    expect(client.isKnownOrderId('ord-new')).toBe(true);
  });

  it('5xx and two empty looks → proven absent → sent exactly once more', async () => {
    const { client, transport } = setup((req, n) => {
      const path = new URL(req.url).pathname;
      if (path === '/v1/orders') return n === 1 ? json(500, { message: 'oops' }) : json(200, { id: 'ord-2' });
      if (path === '/v1/orders/open') return json(200, { orders: [] });
      return json(200, { activities: [], eof: true });
    });
    await expect(client.createOrder(REQ)).resolves.toMatchObject({ orderId: 'ord-2', recovered: false });
    expect(transport.paths().filter((p) => p === 'POST /v1/orders')).toHaveLength(2);
    expect(transport.paths().filter((p) => p === 'GET /v1/orders/open')).toHaveLength(2);
  });

  it('ambiguous twice → never a third send → AmbiguousOrderError', async () => {
    const { client, transport } = setup((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/v1/orders') throw new TransportError('network', true, 'connection failed (ECONNRESET)', 'ECONNRESET');
      if (path === '/v1/orders/open') return json(200, { orders: [] });
      return json(200, { activities: [], eof: true });
    });
    await expect(client.createOrder(REQ)).rejects.toBeInstanceOf(AmbiguousOrderError);
    expect(transport.paths().filter((p) => p === 'POST /v1/orders')).toHaveLength(2);
  });

  it('cannot tell (unattributable trade) → AmbiguousOrderError, never resent', async () => {
    const clock = new ManualClock(Date.parse('2024-01-16T16:00:00Z'));
    const { client, transport } = setup((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/v1/orders') return json(503, {});
      if (path === '/v1/orders/open') return json(200, { orders: [] });
      return json(200, {
        activities: [{ type: 'ACTIVITY_TYPE_TRADE', trade: { id: 't', marketSlug: 'nba-bos-lal', createTime: createdAt(clock) } }],
        eof: true,
      });
    }, clock);
    const err = await client.createOrder(REQ).catch((e) => e);
    expect(err).toBeInstanceOf(AmbiguousOrderError);
    expect(err.marketSlug).toBe('nba-bos-lal');
    expect(transport.paths().filter((p) => p === 'POST /v1/orders')).toHaveLength(1);
  });

  it('does not claim an order the caller already knows', async () => {
    const clock = new ManualClock(Date.parse('2024-01-16T16:00:00Z'));
    const { client, transport } = setup((req, n) => {
      const path = new URL(req.url).pathname;
      if (path === '/v1/orders') return n === 1 ? json(504, {}) : json(200, { id: 'ord-fresh' });
      if (path === '/v1/orders/open') return json(200, { orders: [wireOrder({ id: 'ord-mine', createTime: createdAt(clock) })] });
      return json(200, { activities: [], eof: true });
    }, clock);
    const r = await client.createOrder(REQ, { knownOrderIds: ['ord-mine'] });
    expect(r).toMatchObject({ orderId: 'ord-fresh', recovered: false });
    expect(transport.paths().filter((p) => p === 'POST /v1/orders')).toHaveLength(2);
  });

  it('a 400 on create is final and not reconciled', async () => {
    const { client, transport } = setup(() => json(400, { message: 'price not on tick' }));
    await expect(client.createOrder(REQ)).rejects.toBeInstanceOf(BadRequestError);
    expect(transport.requests).toHaveLength(1);
  });
});

describe('paging', () => {
  it('iterates every page of positions and activities by cursor', async () => {
    const { client, transport } = setup((req) => {
      const u = new URL(req.url);
      const cursor = u.searchParams.get('cursor');
      if (u.pathname === '/v1/portfolio/positions') {
        if (!cursor) return json(200, { positions: { a: { netPosition: '1' } }, nextCursor: 'p2', eof: false });
        return json(200, { positions: { b: { netPosition: '2' } }, eof: true });
      }
      if (!cursor) return json(200, { activities: [{ type: 'ACTIVITY_TYPE_TRADE' }], nextCursor: 'a2' });
      if (cursor === 'a2') return json(200, { activities: [{ type: 'ACTIVITY_TYPE_TRADE' }], nextCursor: 'a3' });
      return json(200, { activities: [{ type: 'ACTIVITY_TYPE_TRADE' }], eof: true });
    });
    const ps = [];
    for await (const p of client.positions()) ps.push(p.marketSlug);
    expect(ps).toEqual(['a', 'b']);
    let n = 0;
    for await (const _a of client.activities({ marketSlug: 'm' })) n++;
    expect(n).toBe(3);
    expect(transport.requests.at(-1)!.url).toContain('marketSlug=m');
  });

  it('stops on a cursor loop instead of spinning', async () => {
    const { client } = setup(() => json(200, { positions: {}, nextCursor: 'same', eof: false }));
    const it = client.positions();
    await expect((async () => {
      for await (const _ of it) void _;
    })()).rejects.toBeInstanceOf(ResponseValidationError);
  });
});
