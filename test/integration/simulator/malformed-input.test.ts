import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { request } from 'node:http';
import { startAuditedSimulator as startSimulator, type AuditedSimulator as RunningSimulator } from '../../support/wire-audit.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { call, signHeaders, TestSocket } from './helpers.js';

const BOS = 'nba-bos-nyk-moneyline';
const usd = (value: string) => ({ value, currency: 'USD' });

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ liquidity: false, rateLimits: false, markets: defaultWorld(Date.now()), heartbeatMs: 30 });
});
afterAll(async () => {
  await sim.close();
});

const post = (path: string, body: unknown) =>
  call(sim.baseUrl, 'POST', path, typeof body === 'string' ? { creds: sim.credentials, rawBody: body } : { creds: sim.credentials, body });

async function alive(): Promise<void> {
  expect((await call(sim.baseUrl, 'GET', '/v1/account/balances', { creds: sim.credentials })).status).toBe(200);
}

describe('malformed REST requests get 400 { message }', () => {
  const valid = { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: usd('0.10'), quantity: 1, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL' };
  const cases: [string, unknown][] = [
    ['bad JSON', '{"marketSlug": '],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"hello"'],
    ['missing marketSlug', { ...valid, marketSlug: undefined }],
    ['missing intent', { ...valid, intent: undefined }],
    ['unknown intent', { ...valid, intent: 'ORDER_INTENT_BUY_MAYBE' }],
    ['unknown type', { ...valid, type: 'ORDER_TYPE_STOP' }],
    ['unknown tif', { ...valid, tif: 'TIME_IN_FORCE_FOREVER' }],
    ['price as a number', { ...valid, price: 0.1 }],
    ['price as a bare string', { ...valid, price: '0.10' }],
    ['price not decimal', { ...valid, price: usd('1e-1') }],
    ['price in EUR', { ...valid, price: { value: '0.10', currency: 'EUR' } }],
    ['negative quantity', { ...valid, quantity: -1 }],
    // (a fraction above the minimum is not malformed: the venue cuts it to the market's increment, below)
    ['quantity below the whole-contract minimum', { ...valid, quantity: 0.5 }],
    ['quantity finer than 0.01 only', { ...valid, quantity: 0.001 }],
    ['quantity in exponent form', { ...valid, quantity: '1e2' }],
    ['quantity as bool', { ...valid, quantity: true }],
    ['post-only as string', { ...valid, participateDontInitiate: 'yes' }],
    ['goodTillTime not ISO', { ...valid, tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: 'tomorrow' }],
    ['GTD without time', { ...valid, tif: 'TIME_IN_FORCE_GOOD_TILL_DATE' }],
    ['limit without price', { ...valid, price: undefined }],
  ];
  for (const [name, body] of cases) {
    it(`create order: ${name}`, async () => {
      const r = await post('/v1/orders', body);
      expect(r.status).toBe(400);
      expect(typeof r.body.message).toBe('string');
    });
  }

  it('create order: prices outside 0.01–0.99 get an order id then a reject; extra precision is cut down to the tick', async () => {
    for (const price of ['1.00', '0']) {
      const r = await post('/v1/orders', { ...valid, price: usd(price) });
      expect(r.status).toBe(200);
      expect(typeof r.body.id).toBe('string');
      expect(JSON.stringify(r.body.executions)).toContain('ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS');
    }
    const cut = await post('/v1/orders', { ...valid, price: usd('0.105') });
    expect(cut.status).toBe(200);
    expect(JSON.stringify(cut.body.executions)).not.toContain('EXECUTION_TYPE_REJECTED');
    // Size precision too: 1.5 contracts on a whole-contract market rest as 1 (docs/venue-rules.md).
    const fraction = await post('/v1/orders', { ...valid, quantity: 1.5 });
    expect(fraction.status).toBe(200);
    const rested = await call(sim.baseUrl, 'GET', `/v1/order/${fraction.body.id}`, { creds: sim.credentials });
    expect(rested.body.order).toMatchObject({ quantity: 1, leavesQuantity: 1 });
    await post('/v1/orders/open/cancel', {});
  });

  it('unknown market is 404; other endpoints validate too', async () => {
    expect((await post('/v1/orders', { ...valid, marketSlug: 'no-such-market' })).status).toBe(404);
    expect((await post('/v1/order/ord-1/cancel', {})).status).toBe(400);
    expect((await post('/v1/order/ord-1/modify', { marketSlug: BOS, price: 'x' })).status).toBe(400);
    expect((await post('/v1/orders/open/cancel', { slugs: 'all' })).status).toBe(400);
    expect((await post('/v1/order/preview', { marketSlug: BOS })).status).toBe(400);
    expect((await post('/v1/order/close-position', { slippageTolerance: 3 })).status).toBe(400);
    for (const q of ['limit=-1', 'limit=abc', 'limit=100000', 'offset=1.5', 'active=maybe', 'startTimeMin=notatime']) {
      expect((await call(sim.baseUrl, 'GET', `/v1/events?${q}`)).status).toBe(400);
    }
    expect((await call(sim.baseUrl, 'GET', '/v1/markets/%E0%A4%A/book')).status).toBe(400);
    await alive();
  });

  it('an oversized body is 400 whether or not it declares its length', async () => {
    const huge = JSON.stringify({ ...valid, pad: 'x'.repeat(200_000) });
    expect((await post('/v1/orders', huge)).status).toBe(400);
    // Chunked, without Content-Length.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL('/v1/orders', sim.baseUrl);
      const req = request(url, { method: 'POST', headers: { ...signedFor('POST', '/v1/orders'), 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(10_000));
      req.end();
    });
    expect(status).toBe(400);
    await alive();
  });

  it('garbage HTTP does not hurt the server', async () => {
    const net = await import('node:net');
    await new Promise<void>((resolve) => {
      const s = net.connect(sim.port, '127.0.0.1', () => s.end('THIS IS NOT HTTP\r\n\r\n'));
      s.on('data', () => undefined);
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    await alive();
  });

  it('fuzz: arbitrary JSON bodies on every POST endpoint never produce a 5xx', async () => {
    const paths = ['/v1/orders', '/v1/order/ord-1/cancel', '/v1/order/ord-1/modify', '/v1/orders/open/cancel', '/v1/order/preview', '/v1/order/close-position'];
    const bodyArb = fc.oneof(
      fc.json(),
      fc.record({
        marketSlug: fc.oneof(fc.constant(BOS), fc.string()),
        intent: fc.oneof(fc.constantFrom('ORDER_INTENT_BUY_LONG', 'ORDER_INTENT_SELL_LONG', 'ORDER_INTENT_BUY_SHORT', 'ORDER_INTENT_SELL_SHORT'), fc.string()),
        type: fc.option(fc.constantFrom('ORDER_TYPE_LIMIT', 'ORDER_TYPE_MARKET')),
        price: fc.option(fc.record({ value: fc.oneof(fc.stringMatching(/^0\.\d{1,8}$/), fc.string()), currency: fc.constant('USD') })),
        quantity: fc.option(fc.oneof(fc.integer(), fc.double(), fc.string())),
        tif: fc.option(fc.constantFrom('TIME_IN_FORCE_GOOD_TILL_CANCEL', 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL', 'TIME_IN_FORCE_FILL_OR_KILL', 'TIME_IN_FORCE_GOOD_TILL_DATE')),
        cashOrderQty: fc.option(fc.record({ value: fc.stringMatching(/^\d{1,4}(\.\d{1,2})?$/) })),
      }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), bodyArb, async (path, body) => {
        const r = await call(sim.baseUrl, 'POST', path, { creds: sim.credentials, rawBody: JSON.stringify(body) });
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) expect(typeof r.body.message).toBe('string');
      }),
      { numRuns: 150, seed: 7 },
    );
    await alive();
  });
});

function signedFor(method: string, path: string): Record<string, string> {
  return signHeaders(sim.credentials, method, path);
}

describe('malformed socket frames', () => {
  it('fuzz: arbitrary frames get error messages, never a crash or a closed socket', async () => {
    const s = await TestSocket.open(sim.wsBaseUrl, '/v1/ws/markets', sim.credentials);
    try {
      const frames = fc.sample(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.record({ subscribe: fc.record({ requestId: fc.oneof(fc.string(), fc.integer()), subscriptionType: fc.string(), marketSlugs: fc.array(fc.string()) }) }),
          fc.record({ unsubscribe: fc.anything() }),
        ),
        { numRuns: 300, seed: 11 },
      );
      for (const f of frames) s.send(typeof f === 'string' ? f : JSON.stringify(f));
      // Frames are handled in order: once the real subscription is answered, every fuzz frame has been too.
      s.send({ subscribe: { requestId: 'real', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: [BOS] } });
      expect((await s.next((m) => m.requestId === 'real' && m.marketData)).marketData.marketSlug).toBe(BOS);
      expect(s.closed).toBeNull();
      expect(s.messages.filter((m) => m.error).length).toBeGreaterThan(100);
    } finally {
      s.close();
    }
  });
});
