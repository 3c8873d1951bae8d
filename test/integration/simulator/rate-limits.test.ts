import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { startSimulator, type RunningSimulator } from '../../../containers/simulator/server.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { RateLimiter, DEFAULT_RATE_LIMITS, resolveRateLimits } from '../../../containers/simulator/server/rate-limiter.js';
import { call } from './helpers.js';

let sim: RunningSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('rate limits over HTTP', () => {
  it('public endpoints: 20 per second per IP, then 429 with Retry-After; refills with time', async () => {
    const clock = new ManualClock(Date.parse('2026-01-15T00:00:00Z'));
    sim = await startSimulator({ clock, liquidity: false, markets: defaultWorld(clock.now()) });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await call(sim.baseUrl, 'GET', '/v1/markets')).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    const refused = await call(sim.baseUrl, 'GET', '/v1/events');
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/rate limit/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    clock.advance(1_000);
    expect((await call(sim.baseUrl, 'GET', '/v1/events')).status).toBe(200);
  });

  it('GET /v1/orders/open: 55 per 10 s per key; other classes keep their own budget', async () => {
    const clock = new ManualClock(Date.parse('2026-01-15T00:00:00Z'));
    sim = await startSimulator({ clock, liquidity: false, markets: defaultWorld(clock.now()) });
    const creds = sim.credentials;
    for (let i = 0; i < 55; i++) {
      expect((await call(sim.baseUrl, 'GET', '/v1/orders/open', { creds, timestamp: clock.now() })).status).toBe(200);
    }
    expect((await call(sim.baseUrl, 'GET', '/v1/orders/open', { creds, timestamp: clock.now() })).status).toBe(429);
    // Balances are only in the 2,000 / 10 s all-endpoints bucket.
    expect((await call(sim.baseUrl, 'GET', '/v1/account/balances', { creds, timestamp: clock.now() })).status).toBe(200);
    clock.advance(Math.ceil(10_000 / 55));
    expect((await call(sim.baseUrl, 'GET', '/v1/orders/open', { creds, timestamp: clock.now() })).status).toBe(200);
  });

  it('limits can be overridden or turned off', async () => {
    const clock = new ManualClock(Date.parse('2026-01-15T00:00:00Z'));
    sim = await startSimulator({ clock, liquidity: false, rateLimits: { perClass: { create: { limit: 2, windowMs: 10_000 } } }, markets: defaultWorld(clock.now()) });
    const body = { marketSlug: 'nba-bos-nyk-moneyline', intent: 'ORDER_INTENT_BUY_LONG', price: { value: '0.10', currency: 'USD' }, quantity: 1 };
    const st: number[] = [];
    for (let i = 0; i < 3; i++) st.push((await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body, timestamp: clock.now() })).status);
    expect(st).toEqual([200, 200, 429]);
    // A refused create did not reach the exchange.
    expect(sim.exchange.openOrders(sim.accountOf(sim.credentials.keyId))).toHaveLength(2);
    await sim.close();
    sim = await startSimulator({ clock, liquidity: false, rateLimits: false });
    for (let i = 0; i < 60; i++) expect((await call(sim.baseUrl, 'GET', '/v1/events')).status).toBe(200);
  });
});

describe('RateLimiter', () => {
  it('a key is limited by its total across classes (2,000 per 10 s by default)', () => {
    let now = 0;
    const limiter = new RateLimiter(resolveRateLimits({ allPrivate: { limit: 5, windowMs: 1_000 } }), () => now);
    const results = Array.from({ length: 6 }, (_, i) => limiter.takePrivate('k', i % 2 ? 'create' : 'cancel').allowed);
    expect(results).toEqual([true, true, true, true, true, false]);
    expect(limiter.takePrivate('other-key', 'create').allowed).toBe(true);
    now += 200;
    expect(limiter.takePrivate('k', 'create').allowed).toBe(true);
    expect(DEFAULT_RATE_LIMITS.allPrivate).toEqual({ limit: 2_000, windowMs: 10_000 });
    expect(DEFAULT_RATE_LIMITS.perClass.cancelAll.limit).toBe(110);
    expect(DEFAULT_RATE_LIMITS.perClass.closePosition.limit).toBe(220);
  });
});
