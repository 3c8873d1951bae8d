/**
 * The preflight's judge on controlled observations: the contract's own samples (expect: true) come out clean
 * (nothing breaking; at most deprecated-field warnings) and the ones it rejects do not; a renamed field and an
 * unknown enum value break (exit 1); a deprecated key warns (exit 0, or 1 with --strict); a frame on the wrong socket, a refused upgrade, a 401 and a clock outside
 * the 30 s window break; the clock estimate always contains the true offset; the peak rate is counted over
 * any one-second window.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockOffset, exitCodeFor, formatReport, judgeObservations, requestRate, type Observations, type RestObservation, type SocketObservation } from '../../../containers/preflight/preflight-judge.js';
import { defName, WireContract } from '../../../shared/venue/contract/wire-contract.js';

interface Sample {
  def: string;
  expect: boolean;
  doc: unknown;
}

const SAMPLE_FILES = ['rest-market', 'rest-orders', 'rest-portfolio', 'ws-frames'];
const samples: Sample[] = SAMPLE_FILES.flatMap(
  (f) => JSON.parse(readFileSync(new URL(`../../../shared/venue/contract/samples/${f}.json`, import.meta.url), 'utf8')) as Sample[],
);
const contract = WireContract.load();

/** The GET endpoint answering with a definition, if any. */
const getEndpointOf = (def: string) => contract.endpoints.find((e) => e.method === 'GET' && e.response && defName(e.response) === def);
/** The socket whose server frames include a definition, if any. */
const socketOf = (def: string) => contract.sockets.find((s) => s.server.map(defName).includes(def));

const T0 = Date.parse('2026-12-06T12:00:00Z');

function rest(pathTemplate: string, body: unknown, extra: Partial<RestObservation> = {}): RestObservation {
  return {
    pathTemplate,
    authenticated: true,
    status: 200,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    dateHeader: new Date(T0).toUTCString(),
    sentAtMs: T0,
    receivedAtMs: T0 + 20,
    rttMs: 20,
    ...extra,
  };
}

function socket(path: string, frames: unknown[], extra: Partial<SocketObservation> = {}): SocketObservation {
  return { path, upgradeStatus: 101, sentAtMs: T0 + 500, receivedAtMs: T0 + 520, upgradeRttMs: 20, subscriptions: [], frames: frames.map((f) => JSON.stringify(f)), ...extra };
}

const observations = (o: Partial<Observations>): Observations => ({ rest: [], sockets: [], skipped: [], ...o });

/** A sample as the venue would send it: a GET body or a frame on its socket. */
function asObservation(s: Sample): Observations | null {
  const ep = getEndpointOf(s.def);
  if (ep) return observations({ rest: [rest(ep.path, s.doc)] });
  const sock = socketOf(s.def);
  if (sock) return observations({ sockets: [socket(sock.path, [s.doc])] });
  return null;
}

const bookSample = samples.find((s) => s.def === 'GetMarketBookResponse' && s.expect)!.doc as { marketData: Record<string, unknown> };

describe('preflight judge', () => {
  it('reports the contract samples marked expect:true clean, and those marked expect:false not', () => {
    let judged = 0;
    for (const s of samples) {
      // A well-formed `error` frame is still the venue refusing something of ours: tested below as breaking.
      if (s.def === 'error') continue;
      const obs = asObservation(s);
      if (!obs) continue;
      judged++;
      const report = judgeObservations(contract, obs);
      const label = `${s.def} ${JSON.stringify(s.doc).slice(0, 80)}`;
      if (s.expect) {
        // Clean: nothing breaking, no unknown enum value; the only warnings allowed are the deprecated fields
        // the venue's own examples still carry beside their replacements (e.g. netPosition beside
        // netPositionDecimal).
        expect(report.breaking, label).toBe(0);
        expect(exitCodeFor(report), label).toBe(0);
        for (const f of report.findings) expect(f.message, label).toMatch(/^deprecated field or key in use: /);
      } else {
        expect(report.breaking + report.warnings, label).toBeGreaterThan(0);
      }
    }
    // book, BBO, settlement, by-slug, open orders, positions, activities, balances and the server frames
    expect(judged).toBeGreaterThanOrEqual(20);
  });

  it('a renamed field is breaking: exit code 1', () => {
    const cases: [string, unknown][] = [
      // the wrapper renamed (a bare or differently wrapped book)
      ['/v1/markets/{slug}/book', { book: bookSample.marketData }],
      // a required field of an Amount renamed
      ['/v1/markets/{slug}/book', { marketData: { ...bookSample.marketData, bids: [{ px: { val: '0.55', currency: 'USD' }, qty: '1' }] } }],
      ['/v1/orders/open', { openOrders: [] }],
    ];
    for (const [path, body] of cases) {
      const report = judgeObservations(contract, observations({ rest: [rest(path, body)] }));
      expect(report.breaking, JSON.stringify(body).slice(0, 80)).toBeGreaterThan(0);
      expect(report.findings.every((f) => f.where === `GET ${path}`)).toBe(true);
      expect(exitCodeFor(report)).toBe(1);
      expect(formatReport(report)).toContain('BREAKING');
    }
  });

  it('an unknown enum value is reported with its value and breaks: exit 1', () => {
    const body = { marketData: { ...bookSample.marketData, state: 'MARKET_STATE_BRAND_NEW' } };
    const report = judgeObservations(contract, observations({ rest: [rest('/v1/markets/{slug}/book', body)] }));
    expect(report.breaking).toBe(1);
    expect(report.findings).toEqual([
      { severity: 'breaking', where: 'GET /v1/markets/{slug}/book', message: '/marketData/state: unknown enum value "MARKET_STATE_BRAND_NEW"', count: 1 },
    ]);
    expect(exitCodeFor(report)).toBe(1);
  });

  it('one drift repeated over a list and over rounds is one finding with a count', () => {
    const order = (samples.find((s) => s.def === 'GetOpenOrdersResponse' && s.expect)!.doc as { orders: Record<string, unknown>[] }).orders[0]!;
    const body = { orders: [0, 1, 2].map((i) => ({ ...order, id: `o${i}`, state: 'ORDER_STATE_SOMETHING' })) };
    const report = judgeObservations(contract, observations({ rest: [rest('/v1/orders/open', body), rest('/v1/orders/open', body)] }));
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ severity: 'breaking', message: '/orders/*/state: unknown enum value "ORDER_STATE_SOMETHING"', count: 6 });
  });

  it('a deprecated field or frame key warns; a legacy key the contract does not know breaks', () => {
    const positions = { positions: { m: { netPosition: '1', netPositionDecimal: '1' } } };
    const r1 = judgeObservations(contract, observations({ rest: [rest('/v1/portfolio/positions', positions)] }));
    expect(r1.breaking).toBe(0);
    expect(r1.findings.map((f) => f.message)).toContain('deprecated field or key in use: netPosition');
    const r2 = judgeObservations(contract, observations({ sockets: [socket('/v1/ws/private', [{ requestId: 'x', ordersSnapshot: { orders: [], eof: true } }])] }));
    expect(r2.breaking).toBe(1);
  });

  it('breaks on a frame the socket does not send, a venue error frame, a refused upgrade, a 401 and a body that is not JSON', () => {
    const marketData = samples.find((s) => s.def === 'marketData' && s.expect)!.doc;
    const report = judgeObservations(
      contract,
      observations({
        rest: [rest('/v1/account/balances', { message: 'unauthorized' }, { status: 401 }), rest('/v1/orders/open', '<html>')],
        sockets: [
          socket('/v1/ws/private', [marketData, { requestId: 'r', error: 'subscription rejected' }]),
          socket('/v1/ws/markets', [], { upgradeStatus: 403 }),
        ],
      }),
    );
    const messages = report.findings.filter((f) => f.severity === 'breaking').map((f) => `${f.where}: ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/v1\/account\/balances: HTTP 401: unauthorized \(bad key id or secret, or clock skew/),
        'GET /v1/orders/open: the body is not JSON',
        'socket /v1/ws/private marketData: frame key marketData is not one this socket sends',
        'socket /v1/ws/private error: the venue sent an error: subscription rejected',
        'socket /v1/ws/markets: upgrade refused with HTTP 403',
      ]),
    );
    expect(exitCodeFor(report)).toBe(1);
  });

  it('warns when a subscription snapshot never came, and about what the probe skipped', () => {
    const sub = { requestId: 'b', subscriptionType: 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE', expects: 'accountBalancesSnapshot' };
    const report = judgeObservations(contract, observations({ sockets: [socket('/v1/ws/private', [{ heartbeat: {} }], { subscriptions: [sub] })], skipped: ['no active market'] }));
    expect(report.breaking).toBe(0);
    expect(report.findings.map((f) => f.message)).toEqual(['SUBSCRIPTION_TYPE_ACCOUNT_BALANCE: no accountBalancesSnapshot frame within the listen window', 'no active market']);
  });

  it('a legacy snapshot key answers its subscription: one deprecated-key warning, no missing-snapshot warning', () => {
    const sub = { requestId: 'b', subscriptionType: 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE', expects: 'accountBalancesSnapshot', aliases: ['accountBalanceSubscriptionSnapshot'] };
    const legacy = { requestId: 'b', subscriptionType: 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE', accountBalanceSubscriptionSnapshot: { balance: 10_000, buyingPower: 10_000 } };
    const report = judgeObservations(contract, observations({ sockets: [socket('/v1/ws/private', [legacy], { subscriptions: [sub] })] }));
    expect(report.findings.map((f) => `${f.severity} ${f.where}: ${f.message}`)).toEqual([
      'warning socket /v1/ws/private accountBalanceSubscriptionSnapshot: deprecated field or key in use: accountBalanceSubscriptionSnapshot',
    ]);
    expect(exitCodeFor(report)).toBe(0);
    expect(exitCodeFor(report, true)).toBe(1);
    // An alias does not answer a subscription it is not the alias of.
    const other = judgeObservations(contract, observations({ sockets: [socket('/v1/ws/private', [legacy], { subscriptions: [{ ...sub, aliases: [] }] })] }));
    expect(other.findings.map((f) => f.message)).toContain('SUBSCRIPTION_TYPE_ACCOUNT_BALANCE: no accountBalancesSnapshot frame within the listen window');
  });

  it('a clock outside the 30 s auth window breaks; over 5 s warns', () => {
    const skewed = (offsetMs: number) => rest('/v1/orders/open', { orders: [] }, { dateHeader: new Date(T0 + offsetMs).toUTCString() });
    const far = judgeObservations(contract, observations({ rest: [skewed(45_000)] }));
    expect(far.clock.withinWindow).toBe(false);
    expect(far.findings.some((f) => f.where === 'clock' && f.severity === 'breaking')).toBe(true);
    const near = judgeObservations(contract, observations({ rest: [skewed(8_000)] }));
    expect(near.clock.withinWindow).toBe(true);
    expect(near.findings).toEqual([expect.objectContaining({ where: 'clock', severity: 'warning' })]);
    expect(judgeObservations(contract, observations({ rest: [skewed(0)] })).findings).toEqual([]);
  });

  it('the clock estimate always contains the true offset (Date headers of one-second resolution)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -120_000, max: 120_000 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3_000 }), rtt: fc.integer({ min: 1, max: 800 }), at: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 25 }),
        (trueOffset, calls) => {
          let t = T0;
          const obs = observations({
            rest: calls.map((c) => {
              t += c.gap;
              const sentAtMs = t;
              const receivedAtMs = t + c.rtt;
              const serverRead = sentAtMs + c.at * c.rtt + trueOffset;
              t = receivedAtMs;
              return rest('/v1/orders/open', { orders: [] }, { sentAtMs, receivedAtMs, rttMs: c.rtt, dateHeader: new Date(serverRead).toUTCString() });
            }),
          });
          const c = clockOffset(obs, 30_000);
          expect(c.samples).toBe(calls.length);
          expect(Math.abs(c.offsetMs! - trueOffset)).toBeLessThanOrEqual(c.uncertaintyMs! + 1);
          expect(c.uncertaintyMs!).toBeLessThanOrEqual(500 + 800);
        },
      ),
    );
  });

  it('counts the peak request rate over any one-second window, and the headroom against 20/s', () => {
    const at = (ms: number) => rest('/v1/markets', { markets: [] }, { sentAtMs: T0 + ms, authenticated: false });
    const r = requestRate(observations({ rest: [0, 200, 400, 600, 800, 999, 1_001, 2_500].map(at) }), 20);
    expect(r).toMatchObject({ requests: 8, authenticated: 0, public: 8, peakPerSecond: 6, limitPerSecond: 20, headroomPerSecond: 14, spanMs: 2_500 });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 60 }), (times) => {
        const peak = requestRate(observations({ rest: times.map(at) }), 20).peakPerSecond;
        const brute = Math.max(0, ...times.map((s) => times.filter((x) => x >= s && x < s + 1000).length));
        expect(peak).toBe(brute);
      }),
    );
  });
});
