import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CREATE_ORDER_PATHS } from '../../../containers/simulator/faults/fault-controller.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { call, signHeaders, TestSocket } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

const BOS = 'nba-bos-nyk-moneyline';
const usd = (value: string) => ({ value, currency: 'USD' });

let sim: AuditedSimulator;
const sockets: TestSocket[] = [];
let account: string;

beforeAll(async () => {
  sim = await startAuditedSimulator({ liquidity: false, rateLimits: false, markets: defaultWorld(Date.now()), heartbeatMs: 40 });
  account = sim.accountOf(sim.credentials.keyId);
  sim.exchange.openAccount('maker', 1_000_000_000_000);
});
afterEach(() => {
  sim.faults.clear();
  sim.exchange.cancelAll(account);
  sim.exchange.cancelAll('maker');
  while (sockets.length) sockets.pop()!.close();
});
afterAll(async () => {
  await sim.close();
});

async function open(path: '/v1/ws/markets' | '/v1/ws/private'): Promise<TestSocket> {
  const s = await TestSocket.open(sim.wsBaseUrl, path, sim.credentials);
  sockets.push(s);
  return s;
}

const createBody = (price = '0.10') => ({ marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', price: usd(price), quantity: 1 });
const openOrderIds = () => sim.exchange.openOrders(account).map((o) => o.id);

describe('HTTP failure bursts', () => {
  it('the next N matching requests get the injected status without being processed', async () => {
    sim.faults.failNextRequests({ count: 2, status: 503, path: '/v1/orders', method: 'POST' });
    const a = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody() });
    // A non-matching request passes untouched in the middle of the burst.
    const other = await call(sim.baseUrl, 'GET', '/v1/orders/open', { creds: sim.credentials });
    const b = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody() });
    const c = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody() });
    expect([a.status, other.status, b.status, c.status]).toEqual([503, 200, 503, 200]);
    expect(typeof a.body.message).toBe('string');
    expect(openOrderIds()).toEqual([c.body.id]);
  });

  it("429 bursts answer as the venue's edge does (no Retry-After); an unmatched burst hits any path", async () => {
    sim.faults.failNextRequests({ count: 1, status: 429 });
    const r = await call(sim.baseUrl, 'GET', '/v1/events');
    expect(r.status).toBe(429);
    expect(r.body).toEqual({ status: 429, message: 'Too Many Requests' });
    expect(r.headers.get('retry-after')).toBeNull();
    expect((await call(sim.baseUrl, 'GET', '/v1/events')).status).toBe(200);
    expect(() => sim.faults.failNextRequests({ count: 1, status: 404 })).toThrow(RangeError);
  });
});

describe('latency stopgap', () => {
  it('rejects creates (with an order id) and modifies with Global Rate Limit Exceeded; cancels pass', async () => {
    const priv = await open('/v1/ws/private');
    priv.send({ subscribe: { requestId: 'o', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER' } });
    await priv.next((x) => x.heartbeat);
    const resting = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.10') });
    expect(resting.status).toBe(200);
    sim.faults.setLatencyStopgap(true);
    expect(sim.faults.latencyStopgap).toBe(true);

    const created = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.11') });
    expect(created.status).toBe(200);
    expect(typeof created.body.id).toBe('string');
    expect(created.body.executions).toEqual([
      expect.objectContaining({ type: 'EXECUTION_TYPE_REJECTED', text: 'Global Rate Limit Exceeded', order: expect.objectContaining({ id: created.body.id, state: 'ORDER_STATE_REJECTED' }) }),
    ]);
    const onStream = await priv.next((x) => x.orderSubscriptionUpdate?.execution?.order?.id === created.body.id);
    expect(onStream.orderSubscriptionUpdate.execution).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', text: 'Global Rate Limit Exceeded' });
    expect((await call(sim.baseUrl, 'GET', `/v1/order/${created.body.id}`, { creds: sim.credentials })).body.order.state).toBe('ORDER_STATE_REJECTED');
    expect(openOrderIds()).toEqual([resting.body.id]);

    const mark = priv.messages.length;
    const mod = await call(sim.baseUrl, 'POST', `/v1/order/${resting.body.id}/modify`, { creds: sim.credentials, body: { marketSlug: BOS, price: usd('0.12') } });
    expect(mod.status).toBe(200);
    const modRejected = await priv.next((x) => x.orderSubscriptionUpdate?.execution?.order?.id === resting.body.id, mark);
    expect(modRejected.orderSubscriptionUpdate.execution).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', text: 'Global Rate Limit Exceeded' });
    expect(sim.exchange.getOrder(account, resting.body.id).price).toBe(100_000);

    const batch = await call(sim.baseUrl, 'POST', '/v1/orders/batched', { creds: sim.credentials, body: { orders: [createBody('0.13'), createBody('0.14')] } });
    expect(batch.body.createdOrderIds).toHaveLength(2);
    expect(openOrderIds()).toEqual([resting.body.id]);

    const cancel = await call(sim.baseUrl, 'POST', `/v1/order/${resting.body.id}/cancel`, { creds: sim.credentials, body: { marketSlug: BOS } });
    expect(cancel.status).toBe(200);
    expect(openOrderIds()).toEqual([]);

    sim.faults.clear();
    expect(sim.faults.latencyStopgap).toBe(false);
    const after = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.10') });
    expect(after.body.executions[0].type).toBe('EXECUTION_TYPE_NEW');
  });
});

describe('REST latency', () => {
  it('delays processing: a request sent later without latency completes first', async () => {
    sim.faults.setRestLatency(400);
    const before = sim.faults.stats().requestsDelayed;
    const order: string[] = [];
    const slow = call(sim.baseUrl, 'GET', '/v1/events').then((r) => order.push(`slow:${r.status}`));
    await vi.waitFor(() => expect(sim.faults.stats().requestsDelayed).toBe(before + 1), { timeout: 5_000, interval: 5 });
    sim.faults.setRestLatency(0);
    await call(sim.baseUrl, 'GET', '/v1/events').then((r) => order.push(`fast:${r.status}`));
    await slow;
    expect(order).toEqual(['fast:200', 'slow:200']);
  });
});

describe('clock skew', () => {
  it('a skewed server clock rejects correctly signed requests; the Date header shows the skew so a client can correct', async () => {
    sim.faults.setClockSkew(120_000);
    const r = await call(sim.baseUrl, 'GET', '/v1/account/balances', { creds: sim.credentials });
    expect(r.status).toBe(401);
    const serverDate = Date.parse(r.headers.get('date')!);
    expect(serverDate - Date.now()).toBeGreaterThan(100_000);
    const corrected = await call(sim.baseUrl, 'GET', '/v1/account/balances', { creds: sim.credentials, timestamp: Date.now() + 120_000 });
    expect(corrected.status).toBe(200);
  });
});

describe('ambiguous creates', () => {
  it("'reset': the order is on the exchange but the connection dies without an answer", async () => {
    sim.faults.ambiguousCreate({ count: 1, mode: 'reset' });
    await expect(call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.11') })).rejects.toThrow();
    const open = await call(sim.baseUrl, 'GET', '/v1/orders/open', { creds: sim.credentials });
    expect(open.body.orders).toEqual([expect.objectContaining({ price: usd('0.11'), state: 'ORDER_STATE_NEW' })]);
    // Only the next N creates: the following one is answered normally.
    const next = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.12') });
    expect(next.status).toBe(200);
    expect(sim.faults.stats().ambiguousCreates).toBeGreaterThanOrEqual(1);
  });

  it("'5xx-after-commit': 503, yet the order exists", async () => {
    sim.faults.ambiguousCreate({ count: 1, mode: '5xx-after-commit' });
    const r = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.13') });
    expect(r.status).toBe(503);
    expect(sim.exchange.openOrders(account).map((o) => o.price)).toEqual([130_000]);
  });

  it("'timeout': the answer is held past the client's timeout while the order rests", async () => {
    sim.faults.ambiguousCreate({ count: 1, mode: 'timeout' });
    const path = '/v1/orders';
    const res = fetch(sim.baseUrl + path, {
      method: 'POST',
      headers: { ...signHeaders(sim.credentials, 'POST', path), 'Content-Type': 'application/json' },
      body: JSON.stringify(createBody('0.14')),
      signal: AbortSignal.timeout(300),
    });
    await expect(res).rejects.toThrow();
    expect(sim.exchange.openOrders(account).map((o) => o.price)).toEqual([140_000]);
  });

  it("'timeout' with holdMs answers late with the real result", async () => {
    sim.faults.ambiguousCreate({ count: 1, mode: 'timeout', holdMs: 150 });
    const r = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.15') });
    expect(r.status).toBe(200);
    expect(openOrderIds()).toEqual([r.body.id]);
  });

  it('a batched create is one request to the fault: every entry commits, the one answer is lost', async () => {
    sim.faults.ambiguousCreate({ count: 1, mode: '5xx-after-commit' });
    const before = sim.faults.stats().ambiguousCreates;
    const r = await call(sim.baseUrl, 'POST', '/v1/orders/batched', { creds: sim.credentials, body: { orders: [createBody('0.17'), createBody('0.18')] } });
    expect(r.status).toBe(503);
    expect(sim.exchange.openOrders(account).map((o) => o.price).sort()).toEqual([170_000, 180_000]);
    expect(sim.faults.stats().ambiguousCreates).toBe(before + 1);
    // A batched cancel is not a create: never affected.
    sim.faults.ambiguousCreate({ count: 1, mode: 'reset' });
    const ids = openOrderIds();
    const cancel = await call(sim.baseUrl, 'POST', '/v1/orders/batched/cancel', { creds: sim.credentials, body: { orders: ids.map((orderId) => ({ orderId, marketSlug: BOS })) } });
    expect(cancel.status).toBe(200);
    expect(sim.faults.stats().ambiguousCreates).toBe(before + 1);
  });

  it('a create failure burst on CREATE_ORDER_PATHS hits single and batched creates, not batched cancels', async () => {
    sim.faults.failNextRequests({ count: 2, status: 503, path: CREATE_ORDER_PATHS, method: 'POST' });
    const cancel = await call(sim.baseUrl, 'POST', '/v1/orders/batched/cancel', { creds: sim.credentials, body: { orders: [{ orderId: 'nope', marketSlug: BOS }] } });
    expect(cancel.status).toBe(200);
    const batch = await call(sim.baseUrl, 'POST', '/v1/orders/batched', { creds: sim.credentials, body: { orders: [createBody('0.19'), createBody('0.2')] } });
    const single = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.21') });
    expect([batch.status, single.status]).toEqual([503, 503]);
    expect(openOrderIds()).toEqual([]);
    const after = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.22') });
    expect(after.status).toBe(200);
  });

  it('an invalid create is answered 400 and does not consume the fault', async () => {
    sim.faults.ambiguousCreate({ count: 1, mode: '5xx-after-commit' });
    const bad = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: { ...createBody(), quantity: 0.5 } }); // below the whole-contract minimum
    expect(bad.status).toBe(400);
    const good = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: createBody('0.16') });
    expect(good.status).toBe(503);
  });
});

describe('socket faults', () => {
  it('closeAllSockets closes every socket with 1012; clients can reconnect', async () => {
    const a = await open('/v1/ws/markets');
    const b = await open('/v1/ws/private');
    expect(sim.faults.closeAllSockets()).toBe(2);
    await Promise.all([a.waitClosed(), b.waitClosed()]);
    expect(a.closed?.code).toBe(1012);
    expect(b.closed?.code).toBe(1012);
    const c = await open('/v1/ws/markets');
    c.send({ subscribe: { requestId: 'r', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: [BOS] } });
    expect((await c.next((m) => m.marketData)).marketData.marketSlug).toBe(BOS);
    expect(sim.faults.closeAllSockets(1006)).toBe(1);
    await c.waitClosed();
    expect(c.closed?.code).toBe(1006);
  });

  it('drops every message of a channel with probability 1, and some with probability 0.5', async () => {
    sim.faults.dropSocketMessages({ probability: 1, channel: 'markets' });
    const md = await open('/v1/ws/markets');
    const priv = await open('/v1/ws/private');
    md.send({ subscribe: { requestId: 'r', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: [BOS] } });
    // Private heartbeats keep flowing while the markets channel is silent.
    await priv.next((m) => m.heartbeat, priv.messages.length);
    await priv.next((m) => m.heartbeat, priv.messages.length);
    expect(md.messages).toEqual([]);

    sim.faults.dropSocketMessages({ probability: 0.5, channel: 'markets' });
    const dropsBefore = sim.faults.stats().socketMessagesDropped;
    const n = 200;
    for (let i = 0; i < n; i++) {
      sim.exchange.submitOrder('maker', { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 100_000, quantity: contracts(1) });
    }
    sim.faults.dropSocketMessages({ probability: 0, channel: 'markets' });
    await md.next((m) => m.heartbeat);
    const books = md.messages.filter((m) => m.marketData).length;
    expect(books).toBeGreaterThan(0);
    expect(books).toBeLessThan(n);
    expect(sim.faults.stats().socketMessagesDropped - dropsBefore).toBeGreaterThan(0);
  });

  it('delays messages but keeps their order on each socket', async () => {
    const md = await open('/v1/ws/markets');
    md.send({ subscribe: { requestId: 'r', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: [BOS] } });
    await md.next((m) => m.marketData);
    sim.faults.delaySocketMessages({ ms: 20, jitterMs: 80, channel: 'markets' });
    const n = 30;
    for (let i = 1; i <= n; i++) {
      sim.exchange.submitOrder('maker', { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 200_000, quantity: contracts(1) });
    }
    await md.next((m) => m.marketData?.bids?.[0]?.qty === String(n));
    const qtys = md.messages.filter((m) => m.marketData?.bids?.[0]?.px.value === '0.20').map((m) => Number(m.marketData.bids[0].qty));
    expect(qtys).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(sim.faults.stats().socketMessagesDelayed).toBeGreaterThanOrEqual(n);
  });
});
