/**
 * Fuzz of the exchange's WebSocket frames: `parseVenueMessage` on ≥ 10 000 malformed frames (structured
 * mutations of valid messages, prototype-named keys, corrupted text, junk) never throws and never lets an
 * unvalidated object through as an event; then the same kind of frames pushed through a real socket into
 * `VenueSocket`: every malformed one counted in `venue.ws.malformed`, logged with its reason (the socket
 * logs the first 10 and every 1000th), the socket stays up and the handler never sees garbage.
 */
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { VenueEvent } from '../../shared/domain/venue-events.js';
import { MemoryLogger } from '../../shared/observability/logger.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { RequestSigner } from '../../shared/venue/auth.js';
import { VenueSocket } from '../../shared/venue/ws-client.js';
import { parseVenueMessage, type ParsedMessage } from '../../shared/venue/ws-messages.js';
import { generateApiKey } from '../../containers/simulator/server/auth.js';
import { FUZZ_RUNS, PROTOTYPE_KEYS, malformedInputs } from './mutation.js';
import { venueMessageArb, wireBookArb, wireExecutionArb } from './venue-arbitraries.js';

const isPrice = (p: unknown) => Number.isSafeInteger(p) && (p as number) > 0 && (p as number) < 1_000_000;
const isMicros = (m: unknown) => Number.isSafeInteger(m);
const isMicrosOrNull = (m: unknown) => m === null || Number.isSafeInteger(m);

/** What any event that comes out of the parser must satisfy: exact integer money, valid books. */
function checkEvent(e: VenueEvent): void {
  switch (e.type) {
    case 'book': {
      expect(typeof e.marketSlug === 'string' && e.marketSlug.length > 0).toBe(true);
      for (const side of [e.bids, e.asks]) for (const l of side) expect(isPrice(l.price) && Number.isSafeInteger(l.qty) && l.qty >= 0, JSON.stringify(l)).toBe(true);
      for (let i = 1; i < e.bids.length; i++) expect(e.bids[i]!.price).toBeLessThan(e.bids[i - 1]!.price);
      for (let i = 1; i < e.asks.length; i++) expect(e.asks[i]!.price).toBeGreaterThan(e.asks[i - 1]!.price);
      return;
    }
    case 'trade':
      // A print under 0.01 contract rounds down to 0 hundredths (its exact size is in qtyExact).
      expect(isPrice(e.price) && Number.isSafeInteger(e.qty) && e.qty >= 0 && Number.isFinite(e.tradeTime)).toBe(true);
      expect(e.qty > 0 || /^0\.00\d+$/.test(e.qtyExact ?? '')).toBe(true);
      expect(['ORDER_SIDE_BUY', 'ORDER_SIDE_SELL']).toContain(e.takerSide);
      return;
    case 'bbo':
      expect(isMicrosOrNull(e.bestBid) && isMicrosOrNull(e.bestAsk) && isMicrosOrNull(e.lastTradePx)).toBe(true);
      return;
    case 'execution': {
      const x = e.execution;
      expect(typeof x.id === 'string' && x.id.length > 0).toBe(true);
      expect(isMicrosOrNull(x.lastPx) && isMicrosOrNull(x.commissionNotionalCollected)).toBe(true);
      expect(x.lastShares === null || Number.isSafeInteger(x.lastShares)).toBe(true);
      expect(Number.isSafeInteger(x.order.quantity) && isMicrosOrNull(x.order.price)).toBe(true);
      return;
    }
    case 'orders_snapshot':
      for (const o of e.orders) expect(Number.isSafeInteger(o.quantity) && isMicrosOrNull(o.price) && Number.isSafeInteger(o.cumQuantity)).toBe(true);
      return;
    case 'positions_snapshot':
    case 'position':
      for (const p of e.type === 'position' ? [e.position] : e.positions) {
        expect(Number.isSafeInteger(p.netPosition) && isMicros(p.cost) && isMicros(p.realized)).toBe(true);
      }
      return;
    case 'balance':
      expect(isMicros(e.balance) && isMicros(e.buyingPower)).toBe(true);
      return;
    default:
      throw new Error(`the parser produced an event type it never should: ${JSON.stringify(e).slice(0, 200)}`);
  }
}

function checkParsed(r: ParsedMessage): void {
  switch (r.kind) {
    case 'event':
      checkEvent(r.event);
      return;
    case 'malformed':
      expect(typeof r.reason).toBe('string');
      expect(r.reason.length).toBeGreaterThan(0);
      expect(r.reason.length).toBeLessThan(300);
      return;
    case 'error':
      expect(r.message.length).toBeLessThanOrEqual(500);
      return;
    case 'unknown':
      expect(r.key.length).toBeLessThanOrEqual(60);
      return;
    case 'skipped':
      expect(r.reason.length).toBeGreaterThan(0);
      return;
    case 'heartbeat':
      return;
    default:
      throw new Error(`unexpected parse result ${JSON.stringify(r)}`);
  }
}

/** Envelopes whose payload key is a name of Object.prototype, with a payload that is NOT a valid message. */
const prototypeEnvelope: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.oneof(wireBookArb, wireExecutionArb, fc.jsonValue({ maxDepth: 2 })), fc.boolean())
  .map(([key, payload, poisoned]) => {
    const p = poisoned && payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? { ...payload, type: 'book', bids: [{ price: 5_000_000, qty: -1 }], asks: [] } : payload;
    return `{"${key}":${JSON.stringify(p)}}`;
  });

const frames: fc.Arbitrary<string> = fc.oneof(
  { weight: 9, arbitrary: malformedInputs(venueMessageArb) },
  { weight: 1, arbitrary: prototypeEnvelope },
);

describe('parseVenueMessage under fuzzing', () => {
  it(`never throws and never emits an unvalidated event (${FUZZ_RUNS} malformed frames)`, () => {
    let malformed = 0;
    fc.assert(
      fc.property(frames, (text) => {
        const r = parseVenueMessage(text, 1_700_000_000_000);
        checkParsed(r);
        if (r.kind === 'malformed') malformed++;
      }),
      { numRuns: FUZZ_RUNS },
    );
    // the mix really is mostly broken input
    expect(malformed).toBeGreaterThan(FUZZ_RUNS / 4);
  });

  it('valid messages still parse as events (the generators are sound)', () => {
    fc.assert(
      fc.property(venueMessageArb, (m) => {
        const r = parseVenueMessage(JSON.stringify(m), 1);
        expect(['event', 'heartbeat', 'error', 'skipped']).toContain(r.kind);
        if (r.kind === 'event') checkEvent(r.event);
      }),
      { numRuns: 2_000 },
    );
  });

  it('prototype-named payload keys are never dispatched to a parser', () => {
    for (const key of PROTOTYPE_KEYS) {
      const r = parseVenueMessage(`{"${key}":{"type":"book","marketSlug":"x","bids":[{"price":5000000,"qty":-1}],"asks":[]}}`, 1);
      expect(r.kind, key).toBe('unknown');
    }
  });

  it('regressions found by the fuzzer: a duplicate price hidden by out-of-order levels, a quantity past 2^53', () => {
    const px = (v: string) => ({ value: v, currency: 'USD' });
    const book = (offers: unknown[], bids: unknown[] = []) =>
      JSON.stringify({ marketData: { marketSlug: 'm', bids, offers, state: 'MARKET_STATE_OPEN' } });
    const dup = parseVenueMessage(book([{ px: px('0.01'), qty: 1 }, { px: px('0.02'), qty: 1 }, { px: px('0.01'), qty: 5 }]), 1);
    expect(dup).toEqual({ kind: 'malformed', reason: 'marketData.offers invalid' });
    const huge = parseVenueMessage(book([], [{ px: px('0.07'), qty: '9007199254740993' }]), 1);
    expect(huge).toEqual({ kind: 'malformed', reason: 'marketData.bids invalid' });
    // in hundredths of a contract the bound is 2^53 hundredths: a whole count or a decimal past it is refused too
    for (const qty of ['90071992547410', '90071992547409.93']) {
      expect(parseVenueMessage(book([], [{ px: px('0.07'), qty }]), 1), qty).toEqual({ kind: 'malformed', reason: 'marketData.bids invalid' });
    }
    expect(parseVenueMessage(book([], [{ px: px('0.07'), qty: '90071992547409.91' }]), 1)).toMatchObject({ kind: 'event', event: { bids: [{ price: 70_000, qty: 9_007_199_254_740_991 }] } });
    const trade = parseVenueMessage(
      JSON.stringify({ trade: { marketSlug: 'm', price: px('0.5'), quantity: '9007199254740993', tradeTime: 1, taker: { side: 'ORDER_SIDE_BUY' } } }),
      1,
    );
    expect(trade.kind).toBe('malformed');
  });
});

describe('VenueSocket fed malformed frames over a real socket', () => {
  const servers: WebSocketServer[] = [];
  const sockets: VenueSocket[] = [];
  afterAll(async () => {
    for (const s of sockets) await s.close();
    for (const w of servers) await new Promise<void>((r) => w.close(() => r()));
  });

  it('counts every malformed frame, logs reasons, keeps the connection and hands the engine only valid events', async () => {
    // What arrives is the UTF-8 round trip of what was sent (lone surrogates become U+FFFD).
    const texts = fc.sample(frames, { numRuns: 3_000 }).map((t) => Buffer.from(t, 'utf8').toString('utf8'));
    const expected = texts.map((t) => parseVenueMessage(t, 1));
    const wantMalformed = expected.filter((r) => r.kind === 'malformed').length;
    // Snapshot chunks with eof: false are held until their last chunk (joined into one event).
    const wantEvents = expected.filter((r) => r.kind === 'event' && r.eof !== false).length;
    const wantErrors = expected.filter((r) => r.kind === 'error').length;

    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(wss);
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws) => {
      for (const t of texts) ws.send(t);
    });

    const logger = new MemoryLogger();
    const metrics = new MetricsRegistry();
    const events: VenueEvent[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    let serverErrors = 0;
    const socket = new VenueSocket({
      channel: 'markets',
      wsBaseUrl: `ws://127.0.0.1:${port}`,
      signer: new RequestSigner(generateApiKey()),
      onEvent: (e) => {
        if (e.type !== 'connection') {
          checkEvent(e);
          events.push(e);
        }
      },
      onServerError: () => serverErrors++,
      logger,
      metrics,
      pingIntervalMs: 0,
    });
    sockets.push(socket);
    // When the counters add up, every frame has been handled.
    const poll = setInterval(() => {
      const handled = metrics.counter('venue.ws.malformed', { channel: 'markets' }) + events.length + serverErrors;
      if (handled >= wantMalformed + wantEvents + wantErrors) done();
    }, 20);
    socket.start();
    await finished;
    clearInterval(poll);

    expect(metrics.counter('venue.ws.malformed', { channel: 'markets' })).toBe(wantMalformed);
    expect(events.length).toBe(wantEvents);
    expect(metrics.counter('venue.ws.handler_errors', { channel: 'markets' })).toBe(0);
    expect(socket.connected).toBe(true);
    expect(socket.connections).toBe(1);
    const logged = logger.lines.filter((l) => l.msg === 'malformed frame skipped');
    expect(logged.length).toBe(Math.min(10, wantMalformed) + Math.floor(wantMalformed / 1000));
    for (const l of logged) expect(typeof l.fields.reason === 'string' && (l.fields.reason as string).length > 0).toBe(true);
  });
});
