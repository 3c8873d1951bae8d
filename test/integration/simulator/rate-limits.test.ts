import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { RateLimiter, DEFAULT_RATE_LIMITS, resolveRateLimits } from '../../../containers/simulator/server/rate-limiter.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { call } from './helpers.js';

const TOO_MANY = { status: 429, message: 'Too Many Requests' };
const usd = (value: string) => ({ value, currency: 'USD' });
const BOS = 'nba-bos-nyk-moneyline';

let sim: AuditedSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function started(clock: ManualClock, options: Parameters<typeof startAuditedSimulator>[0] = {}): Promise<AuditedSimulator> {
  sim = await startAuditedSimulator({ clock, liquidity: false, markets: defaultWorld(clock.now()), ...options });
  return sim;
}

describe('rate limits over HTTP', () => {
  it('public endpoints: 20 per rolling second per IP, then 429 { status, message } without Retry-After', async () => {
    const clock = new ManualClock(Date.parse('2026-01-15T00:00:00Z'));
    const s = await started(clock);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await call(s.baseUrl, 'GET', '/v1/markets')).status);
    expect(statuses.every((x) => x === 200)).toBe(true);
    const refused = await call(s.baseUrl, 'GET', '/v1/events');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(TOO_MANY);
    expect(refused.headers.get('retry-after')).toBeNull();
    // The authenticated bucket is another one.
    expect((await call(s.baseUrl, 'GET', '/v1/account/balances', { creds: s.credentials, timestamp: clock.now() })).status).toBe(200);
    clock.advance(999);
    expect((await call(s.baseUrl, 'GET', '/v1/events')).status).toBe(429);
    clock.advance(1);
    expect((await call(s.baseUrl, 'GET', '/v1/events')).status).toBe(200);
  });

  it('one bucket of 20 per rolling second per key across orders, portfolio and account', async () => {
    const clock = new ManualClock(Date.parse('2026-01-15T00:00:00Z'));
    const s = await started(clock);
    const creds = s.credentials;
    const paths = ['/v1/orders/open', '/v1/portfolio/positions', '/v1/account/balances', '/v1/portfolio/activities'];
    for (let i = 0; i < 20; i++) {
      expect((await call(s.baseUrl, 'GET', paths[i % paths.length]!, { creds, timestamp: clock.now() })).status).toBe(200);
    }
    const create = { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', price: usd('0.10'), quantity: 1 };
    const refused = await call(s.baseUrl, 'POST', '/v1/orders', { creds, body: create, timestamp: clock.now() });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(TOO_MANY);
    // A refused create did not reach the exchange.
    expect(s.exchange.openOrders(s.accountOf(creds.keyId))).toHaveLength(0);
    // Public routes keep their own per-IP bucket.
    expect((await call(s.baseUrl, 'GET', '/v1/markets')).status).toBe(200);
    clock.advance(1_000);
    expect((await call(s.baseUrl, 'POST', '/v1/orders', { creds, body: create, timestamp: clock.now() })).status).toBe(200);
  });

  it('a batch counts as batchRequestCost requests (default 1)', async () => {
    const clock = new ManualClock(Date.parse('2026-01-15T00:00:00Z'));
    const batch = { orders: [{ orderId: 'none', marketSlug: BOS }] };
    for (const [cost, served] of [
      [1, 20],
      [5, 4],
    ] as const) {
      const s = await started(clock, { batchRequestCost: cost });
      let ok = 0;
      for (let i = 0; i < 21; i++) {
        if ((await call(s.baseUrl, 'POST', '/v1/orders/batched/cancel', { creds: s.credentials, body: batch, timestamp: clock.now() })).status === 200) ok++;
      }
      expect(ok).toBe(served);
      await s.close();
      sim = null;
    }
    await expect(started(clock, { batchRequestCost: 0 })).rejects.toThrow(/batchRequestCost/);
  });

  it('limits can be overridden or turned off', async () => {
    const clock = new ManualClock(Date.parse('2026-01-15T00:00:00Z'));
    const s = await started(clock, { rateLimits: { authenticatedPerKey: { limit: 2, windowMs: 10_000 } } });
    const st: number[] = [];
    for (let i = 0; i < 3; i++) st.push((await call(s.baseUrl, 'GET', '/v1/orders/open', { creds: s.credentials, timestamp: clock.now() })).status);
    expect(st).toEqual([200, 200, 429]);
    await s.close();
    const off = await started(clock, { rateLimits: false });
    for (let i = 0; i < 60; i++) expect((await call(off.baseUrl, 'GET', '/v1/events')).status).toBe(200);
  });
});

describe('RateLimiter', () => {
  it('a rolling window: refused requests do not count, each key and IP has its own', () => {
    let now = 0;
    const limiter = new RateLimiter(resolveRateLimits({ authenticatedPerKey: { limit: 5, windowMs: 1_000 } }), () => now);
    const results = Array.from({ length: 6 }, () => limiter.takePrivate('k'));
    expect(results).toEqual([true, true, true, true, true, false]);
    expect(limiter.takePrivate('other-key')).toBe(true);
    now += 999;
    expect(limiter.takePrivate('k')).toBe(false);
    now += 1;
    expect(limiter.takePrivate('k', 5)).toBe(true);
    expect(limiter.takePrivate('k')).toBe(false);
    expect(DEFAULT_RATE_LIMITS).toEqual({ authenticatedPerKey: { limit: 20, windowMs: 1_000 }, publicPerIp: { limit: 20, windowMs: 1_000 } });
    expect(() => resolveRateLimits({ publicPerIp: { limit: 0, windowMs: 1_000 } })).toThrow(/publicPerIp/);
  });
});
