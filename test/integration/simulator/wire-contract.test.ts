/**
 * Everything the simulator serves, held against the venue's wire contract (shared/venue/contract): every
 * endpoint the contract lists, every subscription of both sockets, and the venue's rate limits (20 requests per
 * rolling second per key across the authenticated routes, a separate 20 per IP on the public ones).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { WireContract, defName } from '../../../shared/venue/contract/wire-contract.js';
import { defaultWorld, FINISHED_MARKET_SLUG } from '../../../containers/simulator/server/default-world.js';
import { seriesIdOfLeague, tagIdOf } from '../../../containers/simulator/server/sports-wire.js';
import { startAuditedSimulator, WireAuditRecorder, type AuditedSimulator } from '../../support/wire-audit.js';
import { call, TestSocket } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

const BOS = 'nba-bos-nyk-moneyline';
const usd = (value: string) => ({ value, currency: 'USD' });
const contract = WireContract.load();
const clock = new ManualClock(Date.parse('2026-01-15T00:00:00Z'));
let sim: AuditedSimulator;

const order = (price: string, quantity = 2) => ({
  marketSlug: BOS,
  intent: 'ORDER_INTENT_BUY_LONG',
  type: 'ORDER_TYPE_LIMIT',
  price: usd(price),
  quantity,
  tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
  manualOrderIndicator: 'MANUAL_ORDER_INDICATOR_AUTOMATIC',
});

beforeAll(async () => {
  sim = await startAuditedSimulator({ clock, liquidity: false, markets: defaultWorld(clock.now(), { finishedGame: true }), heartbeatMs: 50 });
  sim.venue.settle(FINISHED_MARKET_SLUG, 1_000_000);
  sim.exchange.openAccount('maker', 1_000_000_000_000);
  sim.exchange.submitOrder('maker', { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_SHORT', type: 'ORDER_TYPE_LIMIT', price: 600_000, quantity: contracts(100) });
  sim.exchange.submitOrder('maker', { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 550_000, quantity: contracts(100) });
});
afterAll(async () => {
  await sim.close();
});

/** One request, on a fresh rate-limit second (the manual clock moves 1 s per call). */
function req(method: string, path: string, body?: unknown) {
  clock.advance(1_000);
  const authed = !/^\/v[12]\/(markets|market|events|series|sports|leagues|tags|search|partners|price-history|asset-prices)\b/.test(path);
  return call(sim.baseUrl, method, path, { creds: authed ? sim.credentials : undefined, body, timestamp: clock.now() });
}

describe('the wire contract', () => {
  it('every endpoint the contract lists answers its shape; writes of the beta endpoints are refused', async () => {
    const market = (await req('GET', `/v1/market/slug/${BOS}`)).body.market;
    const event = (await req('GET', '/v1/events/slug/nba-bos-nyk')).body.event;
    const resting = (await req('POST', '/v1/orders', order('0.10'))).body.id as string;
    const batch = (await req('POST', '/v1/orders/batched', { orders: [order('0.11'), order('0.12')] })).body.createdOrderIds as string[];
    expect(batch).toHaveLength(2);
    const params: Record<string, string> = {
      '/v1/market/id/{id}': market.id,
      '/v1/events/{id}': event.id,
      '/v1/series/id/{id}': seriesIdOfLeague('nba'),
      '/v1/sports/{seriesId}/events': seriesIdOfLeague('nba'),
      '/v2/tags/{id}': tagIdOf('league', 'nba'),
      '/v1/markets/{slug}/settlement': FINISHED_MARKET_SLUG,
    };
    const slugFor = (template: string) =>
      template.startsWith('/v2/sports/')
        ? 'basketball'
        : template.startsWith('/v2/leagues/') || template.startsWith('/v2/tags/')
          ? 'nba'
          : template.startsWith('/v1/events/')
            ? 'nba-bos-nyk'
            : BOS;
    const concrete = (template: string): string => {
      const fixed = params[template];
      let p = template.replace(/\{(\w+)\}/g, (_, name: string) => {
        if (fixed !== undefined) return fixed;
        if (name === 'orderId') return resting;
        if (name === 'partnerKey') return 'sportradar';
        if (name === 'externalId') return 'SIM-NBA-1';
        if (name === 'rfqId' || name === 'quoteId') return 'rfq-1';
        return slugFor(template);
      });
      if (template === '/v1/price-history' || template === '/v1/combos') p += `?symbol=${BOS}`;
      return p;
    };
    const bodies: Record<string, unknown> = {
      '/v1/orders': order('0.13'),
      '/v1/orders/open/cancel': { slugs: ['nba-lal-gsw-moneyline'] },
      '/v1/orders/batched': { orders: [order('0.14')] },
      '/v1/orders/batched/cancel': { orders: batch.map((orderId) => ({ orderId, marketSlug: BOS })) },
      '/v1/orders/batched/modify': { orders: [{ orderId: resting, marketSlug: BOS, price: usd('0.15'), quantity: 3 }] },
      '/v1/order/{orderId}/cancel': { marketSlug: BOS },
      '/v1/order/{orderId}/modify': { marketSlug: BOS, price: usd('0.16') },
      '/v1/order/preview': { request: order('0.17') },
    };
    const refused: string[] = [];
    // Reads first, then writes; the order's own cancel last of all.
    const endpoints = [...contract.endpoints].sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET') || Number(a.path.endsWith('/cancel')) - Number(b.path.endsWith('/cancel')));
    for (const e of endpoints) {
      if (e.path === '/v1/order/close-position') continue; // below, once there is a position
      const r = await req(e.method, concrete(e.path), e.method === 'GET' || e.method === 'DELETE' ? undefined : (bodies[e.path] ?? {}));
      if (r.status === 403) refused.push(`${e.method} ${e.path}`);
      else expect(r.status, `${e.method} ${e.path}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    expect(refused.every((x) => /\/v1\/(combos|rfqs)/.test(x))).toBe(true);
    expect(refused.length).toBeGreaterThan(0);

    // A fill, then close-position on it.
    expect((await req('POST', '/v1/orders', { ...order('0.60', 5), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' })).status).toBe(200);
    const close = await req('POST', '/v1/order/close-position', { marketSlug: BOS });
    expect(close.status).toBe(200);

    const wanted = contract.endpoints
      .filter((e) => !refused.includes(`${e.method} ${e.path}`) && e.response)
      .map((e) => defName(e.response!));
    expect([...new Set(wanted)].filter((d) => !sim.audit.seen.has(d))).toEqual([]);
    expect(sim.audit.violations).toEqual([]);
  });

  it('every subscription of both sockets answers with frames of the contract', async () => {
    const md = await TestSocket.open(sim.wsBaseUrl, '/v1/ws/markets', sim.credentials, clock.now());
    const priv = await TestSocket.open(sim.wsBaseUrl, '/v1/ws/private', sim.credentials, clock.now());
    try {
      for (const t of ['MARKET_DATA', 'MARKET_DATA_LITE', 'TRADE']) md.send({ subscribe: { requestId: t, subscriptionType: `SUBSCRIPTION_TYPE_${t}`, marketSlugs: [BOS] } });
      for (const t of ['ORDER', 'ORDER_SNAPSHOT', 'POSITION', 'ACCOUNT_BALANCE']) priv.send({ subscribe: { requestId: t, subscriptionType: `SUBSCRIPTION_TYPE_${t}` } });
      priv.send({ subscribe: { requestId: 'bad', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA' } });
      await priv.next((x) => x.accountBalancesSnapshot);
      clock.advance(1_000);
      const r = await call(sim.baseUrl, 'POST', '/v1/orders', { creds: sim.credentials, body: { ...order('0.60', 3), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }, timestamp: clock.now() });
      expect(r.status).toBe(200);
      await md.next((x) => x.trade);
      await priv.next((x) => x.positionSubscription);
      await priv.next((x) => x.accountBalancesUpdate);
      await md.next((x) => x.heartbeat);
      await priv.next((x) => x.heartbeat);
    } finally {
      md.close();
      priv.close();
    }
    const today = contract.sockets.flatMap((s) => s.server.map(defName)).filter((d) => !contract.isDeprecated(d) && d !== 'rfqEvent');
    expect([...new Set(today)].filter((d) => !sim.audit.seen.has(d))).toEqual([]);
    expect(sim.audit.violations).toEqual([]);
  });
});

describe('rate limits as the venue', () => {
  it('the 21st authenticated request within a second gets 429; a public route has its own bucket', async () => {
    clock.advance(1_000);
    const paths = ['/v1/portfolio/positions', '/v1/account/balances', '/v1/orders/open', '/v1/portfolio/activities'];
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      clock.advance(10);
      statuses.push((await call(sim.baseUrl, 'GET', paths[i % 4]!, { creds: sim.credentials, timestamp: clock.now() })).status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses[20]).toBe(429);
    const publicStatuses: number[] = [];
    for (let i = 0; i < 21; i++) publicStatuses.push((await call(sim.baseUrl, 'GET', `/v1/markets/${BOS}/bbo`)).status);
    expect(publicStatuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(publicStatuses[20]).toBe(429);
    clock.advance(1_000);
    expect((await call(sim.baseUrl, 'GET', '/v1/account/balances', { creds: sim.credentials, timestamp: clock.now() })).status).toBe(200);
    expect(sim.audit.violations).toEqual([]);
  });
});

describe('the audit itself', () => {
  it('catches an unwrapped body, a wrong type, a deprecated frame key (unless legacy) and a bad 429', () => {
    const a = new WireAuditRecorder();
    a.record({ kind: 'rest', method: 'GET', template: '/v1/markets/{slug}/book', status: 200, body: { marketSlug: BOS, bids: [], offers: [] } });
    a.record({ kind: 'rest', method: 'GET', template: '/v1/account/balances', status: 200, body: { balances: [{ currentBalance: usd('1.00') }] } });
    a.record({ kind: 'rest', method: 'GET', template: '/v1/events', status: 429, body: { message: 'rate limit exceeded' } });
    const legacyFrame = { requestId: 'b', subscriptionType: 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE', accountBalanceSubscriptionUpdate: { balance: 1, buyingPower: 1 } };
    a.record({ kind: 'frame', socket: 'private', frame: legacyFrame });
    a.record({ kind: 'frame', socket: 'markets', frame: { heartbeat: {} } });
    expect(a.violationCount).toBe(4);
    expect(() => a.assertClean()).toThrow(/4 time/);
    const legacy = new WireAuditRecorder({ legacyWire: true });
    legacy.record({ kind: 'frame', socket: 'private', frame: legacyFrame });
    expect(legacy.violationCount).toBe(0);
  });
});
