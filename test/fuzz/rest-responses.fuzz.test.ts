/**
 * Fuzz of the exchange's REST responses through the real `PolymarketRestClient` (zod schemas + converters)
 * with a scripted transport: ≥ 10 000 malformed bodies (structured mutations of valid responses, corrupted
 * text, junk) across every read endpoint and the order create. The contract: a call either returns domain
 * models with exact integer money, or rejects with a typed `VenueError` — never a TypeError/RangeError/
 * MoneyFormatError — and every unreadable body is counted once, in `venue.http.errors{kind=validation}` (schema)
 * or `venue.http.conversion_errors` (inexact money). A create
 * answered 2xx is never sent twice, whatever the body (the order exists).
 */
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/domain/clock.js';
import type { OrderRequest } from '../../shared/domain/order.js';
import { contracts } from '../../shared/domain/quantity.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { ResponseValidationError, VenueError } from '../../shared/venue/errors.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../shared/venue/http.js';
import { PolymarketRestClient } from '../../shared/venue/rest-client.js';
import { FUZZ_RUNS, malformedInputs } from './mutation.js';
import { amount, isoArb, priceArb, slugArb, wireBookArb, wireExecutionArb, wireOrderArb, wirePositionArb } from './venue-arbitraries.js';

const { privateKey } = generateKeyPairSync('ed25519');
const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
const SECRET = pkcs8.subarray(pkcs8.length - 32).toString('base64');

const marketArb = fc.record({ id: fc.nat(), slug: slugArb, title: fc.string(), outcome: fc.string(), active: fc.boolean(), closed: fc.boolean() });
const eventArb = fc.record({ id: fc.nat(), slug: slugArb, title: fc.string(), startTime: isoArb, markets: fc.array(marketArb, { maxLength: 3 }) });
const activityArb = fc.record({
  type: fc.constantFrom('ACTIVITY_TYPE_TRADE', 'ACTIVITY_TYPE_ORDER'),
  marketSlug: slugArb,
  orderId: fc.uuid(),
  time: isoArb,
  trade: fc.record({ marketSlug: slugArb, price: priceArb.map(amount), qty: fc.integer({ min: 1, max: 100 }), orderId: fc.uuid(), executionId: fc.uuid() }),
});
const moneyArb = fc.oneof(fc.integer({ min: 0, max: 10_000_000_000 }).map(amount), fc.constantFrom(12.5, '100.25', 0));

type Call = (c: PolymarketRestClient) => Promise<unknown>;
interface Endpoint {
  name: string;
  valid: fc.Arbitrary<unknown>;
  call: Call;
}

const REQUEST: OrderRequest = {
  marketSlug: 'nba-bos-lal-2024-01-16',
  intent: 'ORDER_INTENT_BUY_LONG',
  type: 'ORDER_TYPE_LIMIT',
  price: 550_000,
  quantity: contracts(10),
  tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
  postOnly: false,
};

const ENDPOINTS: Endpoint[] = [
  { name: 'book', valid: wireBookArb, call: (c) => c.getBook('m') },
  { name: 'bbo', valid: fc.record({ marketSlug: slugArb, bestBid: priceArb.map(amount), bestAsk: priceArb.map(amount), bidDepth: fc.nat() }), call: (c) => c.getBbo('m') },
  { name: 'events', valid: fc.array(eventArb, { maxLength: 3 }).map((events) => ({ events })), call: (c) => c.listEvents() },
  { name: 'event', valid: eventArb.map((event) => ({ event })), call: (c) => c.getEventBySlug('e') },
  { name: 'markets', valid: fc.array(marketArb, { maxLength: 3 }).map((markets) => ({ markets })), call: (c) => c.listMarkets() },
  { name: 'settlement', valid: fc.record({ marketSlug: slugArb, settlementPrice: fc.constantFrom(amount(0), amount(1_000_000)), settledAt: isoArb }), call: (c) => c.getSettlement('m') },
  { name: 'openOrders', valid: fc.array(wireOrderArb, { maxLength: 3 }).map((orders) => ({ orders })), call: (c) => c.openOrders() },
  { name: 'order', valid: wireOrderArb.map((order) => ({ order })), call: (c) => c.getOrder('o-1') },
  {
    name: 'positions',
    valid: fc.record({ positions: fc.dictionary(slugArb, wirePositionArb, { maxKeys: 3 }), nextCursor: fc.constant(null), eof: fc.constant(true) }),
    call: (c) => c.positionsPage(),
  },
  { name: 'activities', valid: fc.array(activityArb, { maxLength: 3 }).map((activities) => ({ activities, eof: true })), call: (c) => c.activitiesPage() },
  {
    name: 'balances',
    valid: fc.array(fc.record({ currentBalance: moneyArb, currency: fc.constant('USD'), buyingPower: moneyArb }), { maxLength: 2 }).map((balances) => ({ balances })),
    call: (c) => c.balances(),
  },
  { name: 'cancelAll', valid: fc.array(fc.uuid(), { maxLength: 3 }).map((canceledOrderIds) => ({ canceledOrderIds })), call: (c) => c.cancelAll() },
];

/** Every number reachable in a domain result must be an exact integer where it is money or a count. */
function checkIntegers(value: unknown, path = ''): void {
  if (typeof value === 'number') {
    // bps and probabilities are not money; every other number the client returns is micros, a count or a time
    if (/commissions|BasisPoints|liquidity|volume/i.test(path)) return;
    expect(Number.isSafeInteger(value), `${path} = ${value}`).toBe(true);
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => checkIntegers(v, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) if (k !== 'raw') checkIntegers(v, `${path}.${k}`);
}

function client(transport: HttpTransport, metrics: MetricsRegistry): PolymarketRestClient {
  const clock = new ManualClock(Date.parse('2024-01-16T16:00:00Z'));
  return new PolymarketRestClient({
    apiBaseUrl: 'https://api.example',
    gatewayBaseUrl: 'https://gateway.example',
    credentials: { keyId: 'key-1', secretBase64: SECRET },
    clock,
    transport,
    metrics,
    random: () => 0.5,
    sleep: async (ms) => clock.advance(ms),
  });
}

class FuzzTransport implements HttpTransport {
  readonly requests: HttpRequest[] = [];
  constructor(private readonly answer: (req: HttpRequest) => HttpResponse) {}
  async send(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    return this.answer(req);
  }
  async close(): Promise<void> {}
}

const endpointBodies = fc.integer({ min: 0, max: ENDPOINTS.length - 1 }).chain((i) =>
  malformedInputs(ENDPOINTS[i]!.valid).map((body) => ({ endpoint: ENDPOINTS[i]!, body })),
);

describe('REST responses under fuzzing', () => {
  it(`every read endpoint returns exact domain models or a typed VenueError (${FUZZ_RUNS} malformed bodies)`, async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(endpointBodies, async ({ endpoint, body }) => {
        const metrics = new MetricsRegistry();
        const c = client(new FuzzTransport(() => ({ status: 200, headers: {}, body })), metrics);
        let result: unknown;
        try {
          result = await endpoint.call(c);
        } catch (err) {
          rejected++;
          expect(err, `${endpoint.name}: ${String(err)}`).toBeInstanceOf(ResponseValidationError);
          expect((err as Error).message.length).toBeLessThan(2_000);
          // a body that fails the schema counts as a validation error, one that fails the exact conversion
          // (e.g. a float balance with 7 decimals) as a conversion error: each rejection exactly once
          const validationErrors = Object.entries(metrics.snapshot().counters).filter(
            ([k]) => (k.startsWith('venue.http.errors|') && k.includes('kind=validation')) || k.startsWith('venue.http.conversion_errors|'),
          );
          expect(validationErrors.reduce((a, [, v]) => a + v, 0), `${endpoint.name} not counted`).toBe(1);
          return;
        }
        checkIntegers(result, endpoint.name);
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(rejected).toBeGreaterThan(FUZZ_RUNS / 4);
    // 10 000 client calls: generous on a busy 2-core machine (no assertion on time).
  }, 180_000);

  it('valid responses are accepted (the generators are sound)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: ENDPOINTS.length - 1 }).chain((i) => ENDPOINTS[i]!.valid.map((v) => ({ e: ENDPOINTS[i]!, body: JSON.stringify(v) }))),
        async ({ e, body }) => {
          const c = client(new FuzzTransport(() => ({ status: 200, headers: {}, body })), new MetricsRegistry());
          checkIntegers(await e.call(c), e.name);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('regression: a body that passes the schema but not the exact conversion is counted', async () => {
    const metrics = new MetricsRegistry();
    const body = JSON.stringify({ balances: [{ currentBalance: 1.0000001, currency: 'USD', buyingPower: 1 }] });
    const c = client(new FuzzTransport(() => ({ status: 200, headers: {}, body })), metrics);
    await expect(c.balances()).rejects.toBeInstanceOf(ResponseValidationError);
    expect(metrics.counter('venue.http.conversion_errors', { endpoint: 'GET /v1/account/balances' })).toBe(1);
  });

  const createResponse = fc.record({ id: fc.uuid(), executions: fc.array(wireExecutionArb, { maxLength: 2 }) });
  const lookups = fc.record({
    open: malformedInputs(fc.array(wireOrderArb, { maxLength: 2 }).map((orders) => ({ orders }))),
    activities: malformedInputs(fc.array(activityArb, { maxLength: 2 }).map((activities) => ({ activities, eof: true }))),
    order: malformedInputs(wireOrderArb.map((order) => ({ order }))),
  });

  it(`a create answered 2xx with any body is never sent twice, and fails only with a VenueError (${Math.round(FUZZ_RUNS / 4)} bodies)`, async () => {
    await fc.assert(
      fc.asyncProperty(malformedInputs(createResponse), lookups, fc.constantFrom(200, 201, 500, 502, 503), async (body, look, status) => {
        const transport = new FuzzTransport((req) => {
          const path = new URL(req.url).pathname;
          if (req.method === 'POST' && path === '/v1/orders') return { status, headers: {}, body };
          if (path === '/v1/orders/open') return { status: 200, headers: {}, body: look.open };
          if (path === '/v1/portfolio/activities') return { status: 200, headers: {}, body: look.activities };
          return { status: 200, headers: {}, body: look.order };
        });
        const c = client(transport, new MetricsRegistry());
        try {
          const r = await c.createOrder(REQUEST);
          expect(typeof r.orderId === 'string' && r.orderId.length > 0).toBe(true);
          checkIntegers(r.executions, 'executions');
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(VenueError);
        }
        const creates = transport.requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/v1/orders').length;
        // 2xx: the order exists, never resent. 5xx: resent at most once, and only when proven absent.
        expect(creates, `status ${status}`).toBeLessThanOrEqual(status < 300 ? 1 : 2);
      }),
      { numRuns: Math.round(FUZZ_RUNS / 4) },
    );
  }, 180_000);
});
