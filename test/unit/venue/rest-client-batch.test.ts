import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { AmbiguousOrderError, BadRequestError, RateLimitedError, StopgapRejectError } from '../../../shared/venue/errors.js';
import { isStopgapExecution, isStopgapText } from '../../../shared/venue/error-mapping.js';
import type { HttpRequest } from '../../../shared/venue/http.js';
import { RequestBudget } from '../../../shared/venue/request-budget.js';
import { wireOrder } from './fixtures.js';
import { REQ, json, setup } from './rest-client-harness.js';

const T0 = Date.parse('2024-01-16T16:00:00Z');
const path = (req: HttpRequest): string => new URL(req.url).pathname;
const bodyOf = (req: HttpRequest): { orders: Record<string, unknown>[] } => JSON.parse(req.body ?? '{}');
const req = (i: number): OrderRequest => ({ ...REQ, quantity: contracts(i + 1) });

describe('batch endpoints', () => {
  it('createOrdersBatch sends 20 orders per request, one budget token each, ids back in request order', async () => {
    let next = 0;
    const { client, transport } = setup((r) => json(200, { createdOrderIds: bodyOf(r).orders.map(() => `ord-${next++}`) }));
    const outcomes = await client.createOrdersBatch(Array.from({ length: 45 }, (_, i) => req(i)));
    expect(transport.paths()).toEqual(Array(3).fill('POST /v1/orders/batched'));
    expect(transport.requests.map((r) => bodyOf(r).orders.length)).toEqual([20, 20, 5]);
    expect(transport.requests.flatMap((r) => bodyOf(r).orders.map((o) => o.quantity))).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(outcomes.map((o) => (o.ok ? o.result.orderId : 'x'))).toEqual(Array.from({ length: 45 }, (_, i) => `ord-${i}`));
    expect(client.budget.grantedCount).toBe(3);
    expect(client.isKnownOrderId('ord-44')).toBe(true);
  });

  it('cancelOrdersBatch and modifyOrdersBatch send {orders:[…]} 20 per request', async () => {
    const { client, transport, metrics } = setup((r) =>
      path(r).endsWith('/cancel')
        ? json(200, { canceledOrderIds: bodyOf(r).orders.map((o) => o.orderId) })
        : json(200, { modifiedOrderIds: bodyOf(r).orders.map((o) => o.orderId) }),
    );
    const refs = Array.from({ length: 21 }, (_, i) => ({ orderId: `o${i}`, marketSlug: 'nba-bos-lal' }));
    await expect(client.cancelOrdersBatch(refs)).resolves.toHaveLength(21);
    await client.modifyOrdersBatch([{ orderId: 'o1', marketSlug: 'nba-bos-lal', change: { price: 560_000, quantity: contracts(12) } }]);
    expect(transport.paths()).toEqual(['POST /v1/orders/batched/cancel', 'POST /v1/orders/batched/cancel', 'POST /v1/orders/batched/modify']);
    expect(bodyOf(transport.requests[0]!).orders[0]).toEqual({ orderId: 'o0', marketSlug: 'nba-bos-lal' });
    expect(bodyOf(transport.requests[2]!).orders[0]).toMatchObject({ orderId: 'o1', marketSlug: 'nba-bos-lal', quantity: 12, price: { value: '0.56' } });
    expect(metrics.counter('venue.batches', { class: 'cancel' })).toBe(2);
    expect(metrics.counter('venue.batches', { class: 'modify' })).toBe(1);
  });

  it('a 400 fails every entry of its request (the gateway validates a batch as a whole)', async () => {
    const { client } = setup(() => json(400, { message: 'bad entry' }));
    const outcomes = await client.createOrdersBatch([req(0), req(1)]);
    expect(outcomes.every((o) => !o.ok && o.error instanceof BadRequestError)).toBe(true);
  });

  it('an ambiguous batch is reconciled entry by entry before any resend: found → recovered, absent → sent once more', async () => {
    const clock = new ManualClock(T0);
    const { client, transport } = setup((r, n) => {
      const p = path(r);
      if (p === '/v1/orders/batched') return n === 1 ? json(504, {}) : json(200, { createdOrderIds: bodyOf(r).orders.map(() => 'ord-resent') });
      if (p === '/v1/orders/open') return json(200, { orders: [wireOrder({ id: 'ord-landed', quantity: 1, createTime: new Date(clock.now()).toISOString() })] });
      return json(200, { activities: [], eof: true });
    }, clock);
    const outcomes = await client.createOrdersBatch([req(0), req(1)]);
    expect(outcomes).toEqual([
      { ok: true, result: { orderId: 'ord-landed', executions: [], recovered: true } },
      { ok: true, result: { orderId: 'ord-resent', executions: [], recovered: false } },
    ]);
    const creates = transport.requests.filter((r) => path(r) === '/v1/orders/batched');
    expect(creates).toHaveLength(2);
    expect(bodyOf(creates[1]!).orders.map((o) => o.quantity)).toEqual([2]);
  });

  it('an ambiguous batch never sends an entry a third time', async () => {
    const { client, transport } = setup((r) => {
      const p = path(r);
      if (p === '/v1/orders/batched') return json(503, {});
      if (p === '/v1/orders/open') return json(200, { orders: [] });
      return json(200, { activities: [], eof: true });
    });
    const outcomes = await client.createOrdersBatch([req(0), req(1)]);
    expect(outcomes.every((o) => !o.ok && o.error instanceof AmbiguousOrderError)).toBe(true);
    expect(transport.paths().filter((p) => p === 'POST /v1/orders/batched')).toHaveLength(2);
  });
});

describe('latency stopgap', () => {
  it('classifies a "Global Rate Limit Exceeded" create reject as StopgapRejectError: counted, not retried, no pause', async () => {
    const { client, transport, metrics } = setup(() => json(400, { message: 'Global Rate Limit Exceeded' }));
    await expect(client.createOrder(REQ)).rejects.toBeInstanceOf(StopgapRejectError);
    expect(transport.requests).toHaveLength(1);
    expect(client.budget.isPaused()).toBe(false);
    expect(metrics.counter('venue.stopgap_rejects', { class: 'create', via: 'response' })).toBe(1);
    expect(metrics.counter('venue.http.rate_limited', { class: 'create', budget: 'authenticated' })).toBe(0);
  });

  it('recognises the stopgap text on a REJECTED execution only', () => {
    expect(isStopgapText('Global Rate Limit Exceeded')).toBe(true);
    expect(isStopgapText('Too Many Requests')).toBe(false);
    const x = { type: 'EXECUTION_TYPE_REJECTED' as const, text: 'Global Rate Limit Exceeded', orderRejectReason: null };
    expect(isStopgapExecution(x)).toBe(true);
    expect(isStopgapExecution({ ...x, text: null, orderRejectReason: 'Global Rate Limit Exceeded' })).toBe(true);
    expect(isStopgapExecution({ ...x, text: 'insufficient buying power' })).toBe(false);
    expect(isStopgapExecution({ ...x, type: 'EXECUTION_TYPE_CANCELED' })).toBe(false);
  });
});

describe('429 on the shared budget (manual clock and scheduler)', () => {
  it('a 429 stops every request of the key for ≥ 1 s; the read retries after, a queued cancel goes first', async () => {
    const clock = new ManualClock(T0);
    const scheduler = new ManualScheduler(clock);
    const sleep = (ms: number): Promise<void> => scheduler.sleep(ms);
    const budget = new RequestBudget({ clock, sleep, name: 'authenticated' });
    const sent: string[] = [];
    const { client } = setup((r, n) => {
      sent.push(`${clock.now() - T0} ${r.method} ${path(r)}`);
      if (n === 1) return json(429, { status: 429, message: 'Too Many Requests' });
      return path(r) === '/v1/orders/open' ? json(200, { orders: [] }) : json(200, {});
    }, clock, { sleep, budget, random: () => 0 });
    const read = client.openOrders();
    await scheduler.advanceAsync(0);
    expect(budget.isPaused()).toBe(true);
    const cancel = client.cancelOrder('o1', 'nba-bos-lal');
    await scheduler.advanceAsync(999);
    expect(sent).toEqual(['0 GET /v1/orders/open']);
    await scheduler.advanceAsync(1);
    await Promise.all([read, cancel]);
    expect(sent).toEqual(['0 GET /v1/orders/open', '1000 POST /v1/order/o1/cancel', '1000 GET /v1/orders/open']);
  });

  it('requests in flight together and refused together are one 429 episode: one pause, not one doubling each', async () => {
    const clock = new ManualClock(T0);
    const scheduler = new ManualScheduler(clock);
    const sleep = (ms: number): Promise<void> => scheduler.sleep(ms);
    const budget = new RequestBudget({ clock, sleep, name: 'authenticated' });
    const sent: string[] = [];
    let release: () => void = () => undefined;
    const together = new Promise<void>((r) => (release = r));
    const { client } = setup(async (r, n) => {
      sent.push(`${clock.now() - T0} ${r.method} ${path(r)}`);
      if (n <= 5) {
        if (n === 5) release();
        await together; // five cancels in flight at once, all refused
        return json(429, { message: 'Too Many Requests' });
      }
      if (n === 6) return json(429, { message: 'Too Many Requests' }); // the next episode: the pause doubles
      return json(200, { orders: [] });
    }, clock, { sleep, budget, random: () => 0.999 });
    const cancels = [1, 2, 3, 4, 5].map((i) => client.cancelOrder(`o${i}`, 'nba-bos-lal').catch((e: unknown) => e));
    await scheduler.advanceAsync(0);
    expect((await Promise.all(cancels)).every((e) => e instanceof RateLimitedError)).toBe(true);
    const read = client.openOrders();
    // One episode: paused ~1 s (five doublings would be 16 s).
    await scheduler.advanceAsync(999);
    expect(sent).toHaveLength(5);
    await scheduler.advanceAsync(1);
    expect(sent[5]).toBe('1000 GET /v1/orders/open');
    // Refused again after the pause: a consecutive episode doubles it (~2 s).
    await scheduler.advanceAsync(1_998);
    expect(sent).toHaveLength(6);
    await scheduler.advanceAsync(1);
    await expect(read).resolves.toEqual([]);
    expect(sent[6]).toBe('2999 GET /v1/orders/open');
  });

  it('a POST answered 429 is not resent by the client', async () => {
    const { client, transport } = setup(() => json(429, {}));
    await expect(client.cancelOrdersBatch([{ orderId: 'o1', marketSlug: 'm' }])).rejects.toBeInstanceOf(RateLimitedError);
    expect(transport.requests).toHaveLength(1);
  });
});
