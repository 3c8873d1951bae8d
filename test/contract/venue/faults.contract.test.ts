/**
 * The venue client under the simulator's faults: 429 and 5xx bursts, clock skew, and ambiguous creates that
 * commit on the exchange but never answer cleanly. The exchange must end up holding exactly one order, over
 * each HTTP transport (a reset or a timeout must be classified the same way by both).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../containers/simulator/server.js';
import { AmbiguousOrderError, AuthError, RateLimitedError, ServerError } from '../../../shared/venue/errors.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { MARKET, TRANSPORTS, clientFor, limitBuy, simulator } from './harness.js';

describe.each(TRANSPORTS)('faults over the %s transport', (transport) => {
  let sim: RunningSimulator;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    sim = await simulator();
  });

  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
    await sim.close();
  });

  function client(over: Parameters<typeof clientFor>[1] = {}) {
    const c = clientFor(sim, over, transport, true);
    closers.push(() => c.client.close());
    return c;
  }

  const ordersOnExchange = () => sim.exchange.openOrders(sim.accountOf(sim.credentials.keyId), [MARKET]);

  describe('429 and 5xx', () => {
    it('waits at least 1 s on 429 (Retry-After honoured) and then succeeds', async () => {
      // No jitter below the middle; each pause is slept as what is left of it when the budget looks (a few ms
      // of real time may have passed since the 429), so "about a second or more" twice.
      const { client: c, sleeps, metrics } = client({ random: () => 0.5 });
      sim.faults.failNextRequests({ count: 2, status: 429, path: '/v1/account/balances' });
      const balances = await c.balances();
      expect(balances[0]?.currency).toBe('USD');
      expect(sleeps.filter((s) => s >= 900)).toHaveLength(2);
      expect(metrics.counter('venue.http.rate_limited', { class: 'authenticated', budget: 'authenticated' })).toBe(2);
    });

    it('a create refused with 429 is not resent: the key pauses, the call fails as rate limited and nothing is placed', async () => {
      // The venue's 429 comes from its edge before the API, so nothing was processed; a create is still not sent
      // again after the pause (its price is a second old): the strategy decides afresh.
      const { client: c, sleeps } = client();
      sim.faults.failNextRequests({ count: 1, status: 429, path: '/v1/orders', method: 'POST' });
      await expect(c.createOrder(limitBuy(300_000, contracts(3)))).rejects.toBeInstanceOf(RateLimitedError);
      expect(ordersOnExchange()).toEqual([]);
      // the next request of the key waits out what is left of the pause (1 s from the 429), then goes through once
      const r = await c.createOrder(limitBuy(300_000, contracts(3)));
      expect(sleeps.some((s) => s > 500)).toBe(true);
      expect(ordersOnExchange().map((o) => o.id)).toEqual([r.orderId]);
    });

    it('retries 5xx on an idempotent call up to 3 attempts', async () => {
      const { client: c, metrics } = client();
      sim.faults.failNextRequests({ count: 2, status: 503, path: '/v1/orders/open' });
      await expect(c.openOrders([MARKET])).resolves.toEqual([]);
      expect(metrics.counter('venue.http.requests', { class: 'openOrders', status: '503' })).toBe(2);
      sim.faults.failNextRequests({ count: 3, status: 502, path: '/v1/orders/open' });
      await expect(c.openOrders([MARKET])).rejects.toBeInstanceOf(ServerError);
    });

    it('a 5xx on create that was NOT processed: proven absent after two looks, sent once more, one order', async () => {
      const { client: c, metrics } = client();
      sim.faults.failNextRequests({ count: 1, status: 500, path: '/v1/orders', method: 'POST' });
      const r = await c.createOrder(limitBuy(320_000, contracts(2)));
      expect(r.recovered).toBe(false);
      expect(metrics.counter('venue.orders.resent_after_absent')).toBe(1);
      expect(ordersOnExchange()).toHaveLength(1);
    });
  });

  describe('clock skew', () => {
    it('recovers from a 70 s skew with one re-signed request', async () => {
      sim.faults.setClockSkew(70_000);
      const { client: c, metrics } = client();
      await expect(c.balances()).resolves.toHaveLength(1);
      expect(Math.abs(c.signer!.clockOffsetMs - 70_000)).toBeLessThan(2_000);
      expect(metrics.counter('venue.http.requests', { class: 'authenticated', status: '401' })).toBe(1);
      // subsequent calls are signed right the first time
      await c.positionsPage();
      expect(metrics.counter('venue.http.requests', { class: 'authenticated', status: '401' })).toBe(1);
    });

    it('fails loudly with AuthError when the key is wrong (no retry loop)', async () => {
      const { client: c, metrics } = client({ credentials: { keyId: sim.credentials.keyId, secretBase64: Buffer.alloc(32, 9).toString('base64') } });
      await expect(c.balances()).rejects.toBeInstanceOf(AuthError);
      expect(metrics.counter('venue.http.requests', { class: 'authenticated', status: '401' })).toBe(2);
    });
  });

  describe('ambiguous creates never produce a duplicate', () => {
    for (const mode of ['reset', '5xx-after-commit', 'timeout'] as const) {
      it(`${mode}: the committed order is recovered, not resent`, async () => {
        const { client: c, metrics } = client({ timeoutMs: 400 });
        sim.faults.ambiguousCreate({ count: 1, mode });
        const r = await c.createOrder(limitBuy(330_000, contracts(4)));
        expect(r.recovered).toBe(true);
        const onExchange = ordersOnExchange();
        expect(onExchange).toHaveLength(1);
        expect(onExchange[0]!.id).toBe(r.orderId);
        expect(metrics.counter('venue.orders.recovered', { via: 'open_orders' })).toBe(1);
        expect(sim.faults.stats().ambiguousCreates).toBe(1);
      });
    }

    it('an IOC order that filled in full is found through its activity and fetched by id', async () => {
      const { client: c, metrics } = client({ timeoutMs: 400 });
      // someone else's resting offer for us to take in full
      sim.exchange.openAccount('account-maker', 1_000_000_000);
      sim.exchange.submitOrder('account-maker', {
        marketSlug: MARKET,
        intent: 'ORDER_INTENT_BUY_SHORT',
        type: 'ORDER_TYPE_LIMIT',
        price: 600_000,
        quantity: contracts(5),
        tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
      });
      sim.faults.ambiguousCreate({ count: 1, mode: 'reset' });
      const r = await c.createOrder({ ...limitBuy(600_000, contracts(5)), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
      expect(r.recovered).toBe(true);
      expect(metrics.counter('venue.orders.recovered', { via: 'order_by_id' })).toBe(1);
      const pos = sim.exchange.positions(sim.accountOf(sim.credentials.keyId))[MARKET];
      expect(pos?.netPosition).toBe(contracts(5)); // filled once, not twice
    });

    it('two identical orders resting after an ambiguous create → AmbiguousOrderError, nothing resent', async () => {
      const { client: c } = client({ timeoutMs: 400 });
      // An identical order the client does not know about (e.g. placed by another process with the same key)
      // a moment before: within the matching tolerance, so two orders fit the request.
      sim.exchange.submitOrder(sim.accountOf(sim.credentials.keyId), {
        marketSlug: MARKET,
        intent: 'ORDER_INTENT_BUY_LONG',
        type: 'ORDER_TYPE_LIMIT',
        price: 340_000,
        quantity: contracts(6),
        tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
      });
      sim.faults.ambiguousCreate({ count: 1, mode: '5xx-after-commit' });
      const pending = c.createOrder(limitBuy(340_000, contracts(6)));
      const err = await pending.catch((e) => e);
      expect(err).toBeInstanceOf(AmbiguousOrderError);
      expect((err as AmbiguousOrderError).candidateOrderIds).toHaveLength(2);
      expect(ordersOnExchange()).toHaveLength(2); // the committed one and the twin: no third
    });
  });
});
