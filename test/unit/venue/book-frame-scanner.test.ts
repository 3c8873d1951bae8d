/**
 * The book-frame scanner (shared/venue/book-frame-scanner.ts) reads market-data frames from the text without
 * JSON.parse. Differential property: for any frame — plain ones, and ones with every kind of deviation the
 * scanner must not answer for (escapes, extra keys, other value types, decimal or huge quantities, prices out
 * of range or not plain decimals, foreign currency, unsorted or duplicate levels, duplicate keys, bad times,
 * trailing text, cut-off text, `stats` of every JSON shape, well-formed or not) — `parseVenueMessage`
 * answers exactly as the full parse (JSON.parse + the frame parser) does, and reports the same drift (unknown
 * states counted once). And the scanner does take the plain frames, the venue's own layout through its fastest
 * reading: it is not a fallback that never runs.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalFrame, isoUtcMs, scanBookFrame } from '../../../shared/venue/book-frame-scanner.js';
import { WireDrift } from '../../../shared/venue/wire-drift.js';
import { parseVenueMessage, parseVenueMessageInFull } from '../../../shared/venue/ws-messages.js';

/** A quantity as the venue writes it: whole contracts, or hundredths with one or two decimals. */
const goodQty = fc.oneof(
  fc.nat(100_000).map(String),
  fc.nat(10_000_000).map((h) => (h / 100).toFixed(2)),
  fc.nat(100_000).map((t) => (t / 10).toFixed(1)),
);
/** Distinct prices on a tenth-of-a-cent grid (written with 2 or 3 decimals), quantities as above: what the venue sends. */
const goodSide = fc.uniqueArray(fc.integer({ min: 1, max: 999 }), { maxLength: 12 }).chain((mils) =>
  fc.tuple(
    ...mils.map((m) =>
      goodQty.map((qty) => ({ px: { value: m % 10 === 0 ? (m / 1000).toFixed(2) : (m / 1000).toFixed(3), currency: 'USD' } as Record<string, unknown>, qty: qty as unknown })),
    ),
  ),
);
/** `stats` as the venue sends it (docs/venue-rules.md): Amounts, decimal strings, a flag, a nested price sample. */
const amountOf = fc.integer({ min: 0, max: 1000 }).map((m) => ({ value: (m / 1000).toFixed(3), currency: 'USD' }));
const goodStats = fc.record(
  {
    lastTradePx: amountOf,
    sharesTraded: fc.nat(1_000_000).map(String),
    openInterest: fc.nat(1_000_000).map(String),
    settlementPreliminaryFlag: fc.boolean(),
    lastPriceSample: fc.record({ longPx: amountOf, shortPx: amountOf, ts: fc.constant('2024-01-15T10:30:00Z') }),
    currentPx: fc.constant(null),
    tradeCount: fc.integer({ min: -5, max: 5 }).map((n) => n * 1.5),
  },
  { requiredKeys: [] },
);
const byPrice = (desc: boolean) => (ls: { px: Record<string, unknown> }[]) =>
  [...ls].sort((a, b) => (desc ? Number(b.px.value) - Number(a.px.value) : Number(a.px.value) - Number(b.px.value)));
const plainFrame = fc.record({
  requestId: fc.constant<unknown>('md-1'),
  subscriptionType: fc.constant('SUBSCRIPTION_TYPE_MARKET_DATA'),
  marketData: fc.record({
    marketSlug: fc.stringMatching(/^[a-z0-9-]{1,30}$/) as fc.Arbitrary<unknown>,
    bids: goodSide.map(byPrice(true)) as fc.Arbitrary<unknown>,
    offers: goodSide.map(byPrice(false)) as fc.Arbitrary<unknown>,
    state: fc.constantFrom<unknown>('MARKET_STATE_OPEN', 'MARKET_STATE_SUSPENDED', 'MARKET_STATE_SOMETHING_NEW'),
    stats: fc.option(goodStats, { nil: undefined }) as fc.Arbitrary<unknown>,
    transactTime: fc.oneof(
      fc.constantFrom<unknown>('2024-01-16T16:00:00.500Z', '2026-12-07T03:00:00Z', '2024-02-29T23:59:59.999999Z', '2025-01-31T00:00:00.1Z'),
      fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString() as unknown),
    ),
  }),
});
type Frame = { requestId?: unknown; subscriptionType?: unknown; marketData: Record<string, unknown> } & Record<string, unknown>;
type Level = { px: Record<string, unknown>; qty: unknown } & Record<string, unknown>;

/** One deviation from the plain frame, each one the scanner must either read exactly or leave to the full parse. */
const DEVIATIONS = [
  'none', 'none', 'none', 'pxValue', 'qty', 'currency', 'noCurrency', 'pxNotObject', 'levelKey', 'pxKey', 'mdKey', 'error', 'emptyError',
  'heartbeat', 'duplicatePrice', 'unsorted', 'slug', 'state', 'noState', 'time', 'noTime', 'requestId', 'noRequestId', 'noSlug', 'noBids',
  'bidsNotArray', 'trail', 'trailSpace', 'cut', 'dupKey', 'whitespace', 'emptyLevel', 'rawStats', 'rawStats', 'dupStats',
] as const;
/** `stats` values written by hand: well-formed JSON of every kind (skipped) and malformed text (not JSON). */
const RAW_STATS = [
  '{}', '[]', '[1,[2,{}]]', '{"a":-0.5e+3,"b":0,"c":10E-2,"d":[true,false,null]}', '{"a":"x\\"y"}', '{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{}}}}}}}}}',
  '"text"', '12', '-0', 'null', ' { "a" : [ 1 , 2 ] } ',
  '{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":-}', '{"a":1e}', '{"a":+1}', '{"a":tru}', '{"a":NaN}', '{"a":[1,]}', '{"a":1,}', '{,}', '{"a"}',
  '{"a":"ctl\u0001"}', '{"a":1', '[', "{'a':1}", '{"a":"b"', '{"a":"\\u00"}', '{"a":{"b":"c"}}', '{"a":{"b":{"c":"d","e":true}},"f":"g"}', '{"a":{"b":{"c":{"d":"e"}}}}',
];

const WEIRD_PX = ['0.5', '0.00', '0.000001', '0.999999', '0.1234567', '0.1200000', '1.00', '0', '-0.5', '', '.5', '5.', '1e-2', '0.5 ', '00.45', '0.4\u0035', 5, null];
const WEIRD_QTY = ['12.0', '9999999999999', '10000000000000', '10.5', '0.01', '-1', '-0', '', '1e3', '99999999999999999', '123456789012345', 12, null];
const WEIRD_SLUG = ['', 'a"b', 'é-ü', 'tab\there', 'a\\b', 'ctl\u0001', null, 7];

function deviate(f: Frame, kind: (typeof DEVIATIONS)[number], n: number, seed: number): string {
  const md = f.marketData;
  const bids = md.bids as Level[];
  const pick = <T>(xs: readonly T[]): T => xs[n % xs.length] as T;
  const lv = bids.length ? bids[n % bids.length] : undefined;
  switch (kind) {
    case 'pxValue': if (lv) lv.px.value = pick(WEIRD_PX); break;
    case 'qty': if (lv) lv.qty = pick(WEIRD_QTY); break;
    case 'currency': if (lv) lv.px.currency = pick(['EUR', 'usd', 7, null]); break;
    case 'noCurrency': if (lv) delete lv.px.currency; break;
    case 'pxNotObject': if (lv) lv.px = pick<unknown>([null, '0.5', 0.5, [1]]) as Record<string, unknown>; break;
    case 'levelKey': if (lv) lv.extra = 'x'; break;
    case 'pxKey': if (lv) lv.px.extra = 1; break;
    case 'mdKey': md.stats = { lastTradePx: { value: '0.5', currency: 'USD' } }; break;
    case 'error': f.error = 'deadline exceeded'; break;
    case 'emptyError': f.error = pick(['', null]); break;
    case 'heartbeat': f.heartbeat = {}; break;
    case 'duplicatePrice': if (bids.length > 1) bids[1]!.px.value = bids[0]!.px.value; break;
    case 'unsorted': bids.reverse(); (md.offers as Level[]).reverse(); break;
    case 'slug': md.marketSlug = pick(WEIRD_SLUG); break;
    case 'state': md.state = pick([7, null, '']); break;
    case 'noState': delete md.state; break;
    case 'time': md.transactTime = pick(['yesterday', 1_705_420_800_000, null, '', 'Tue, 16 Jan 2024 16:00:00 GMT']); break;
    case 'noTime': delete md.transactTime; break;
    case 'requestId': f.requestId = pick([null, 3, 'r"q']); break;
    case 'noRequestId': delete f.requestId; break;
    case 'noSlug': delete md.marketSlug; break;
    case 'noBids': delete md.bids; break;
    case 'bidsNotArray': md.bids = pick([null, 'x', {}]); break;
    case 'emptyLevel': if (lv) { delete (lv as Partial<Level>).px; delete (lv as Partial<Level>).qty; } break;
    default: break;
  }
  // Keys in a shuffled order: the venue promises none.
  const shuffle = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(shuffle);
    if (o === null || typeof o !== 'object') return o;
    const entries = Object.entries(o as Record<string, unknown>).map(([k, v]) => [k, shuffle(v)] as const);
    entries.sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7));
    return Object.fromEntries(entries);
  };
  // Seeds 4–6: the venue's own layout (compact, its key order), so its fastest reading is held to the same answers.
  let t = seed >= 4 ? JSON.stringify(f) : JSON.stringify(shuffle(f), null, seed % 3 === 0 ? 1 : undefined);
  if (kind === 'trail') t += ' x';
  if (kind === 'trailSpace') t += ' \n ';
  if (kind === 'cut') t = t.slice(0, n % (t.length + 1));
  if (kind === 'dupKey') t = t.replace('"marketSlug":', '"marketSlug":"dup","marketSlug":');
  if (kind === 'whitespace') t = t.replace(/([,:[{])/g, '$1 \r\n\t');
  // Where the venue puts it (before transactTime, read by the fastest reading) or first.
  const statsAt = n % 2 === 0 && t.includes(',"transactTime":') ? ',"transactTime":' : '"marketSlug":';
  const insert = (raw: string) => (statsAt === '"marketSlug":' ? `"stats":${raw},"marketSlug":` : `,"stats":${raw},"transactTime":`);
  if (kind === 'rawStats') t = t.replace(statsAt, insert(pick(RAW_STATS)));
  if (kind === 'dupStats') t = t.replace(statsAt, insert('{},"stats":[1]'));
  return t;
}

const text = fc.tuple(plainFrame, fc.constantFrom(...DEVIATIONS), fc.nat(), fc.nat(6)).map(([f, kind, n, seed]) => ({ kind, text: deviate(f as Frame, kind, n, seed) }));

describe('book frame scanner', () => {
  it('answers exactly as the full parse for any frame, with the same drift (property)', () => {
    let scanned = 0;
    let canonical = 0;
    let total = 0;
    const kinds = new Set<string>();
    fc.assert(
      fc.property(text, ({ kind, text: t }) => {
        const d1 = new WireDrift();
        const d2 = new WireDrift();
        expect(parseVenueMessage(t, 42, d1)).toEqual(parseVenueMessageInFull(t, 42, d2));
        expect(d1.unknownSeen()).toEqual(d2.unknownSeen());
        total++;
        if (scanBookFrame(t, 42, new WireDrift())) scanned++;
        if (canonicalFrame(t, 42, new WireDrift())) canonical++;
        kinds.add(kind);
      }),
      { numRuns: 3_000 },
    );
    // Plain frames are common among the generated ones: the scanner must have taken a good share.
    expect(scanned / total).toBeGreaterThan(0.1);
    expect(canonical / total).toBeGreaterThan(0.015);
    expect(kinds.size).toBe(new Set(DEVIATIONS).size);
  });

  it('takes the venue frame as the socket sends it, and gives up on what it does not answer for', () => {
    const frame = (md: string) => `{"requestId":"md-1","subscriptionType":"SUBSCRIPTION_TYPE_MARKET_DATA","marketData":${md}}`;
    const plain = frame(
      '{"marketSlug":"nba-x","bids":[{"px":{"value":"0.48","currency":"USD"},"qty":"100"},{"px":{"value":"0.47","currency":"USD"},"qty":"12.0"}],' +
        '"offers":[{"px":{"value":"0.50","currency":"USD"},"qty":"7"}],"state":"MARKET_STATE_OPEN","transactTime":"2024-01-16T16:00:00.500Z"}',
    );
    expect(scanBookFrame(plain, 5, new WireDrift())).toEqual({
      kind: 'event',
      requestId: 'md-1',
      event: {
        type: 'book',
        marketSlug: 'nba-x',
        bids: [
          { price: 480_000, qty: 10_000 },
          { price: 470_000, qty: 1_200 },
        ],
        asks: [{ price: 500_000, qty: 700 }],
        state: 'MARKET_STATE_OPEN',
        transactTime: Date.parse('2024-01-16T16:00:00.500Z'),
        snapshot: false,
        receivedAt: 5,
      },
    });
    const giveUp = [
      plain.replace('"qty":"7"', '"qty":"7.505"'), // a quantity finer than 0.01: parseQuantity's rounding
      plain.replace('"qty":"7"', '"qty":"+7"'), // a sign
      plain.replace('"0.47"', '"0.49"'), // bids out of order: sorted by the full parser
      plain.replace('"nba-x"', '"nba\\u002dx"'), // an escape
      plain.replace('"state"', '"stats":{"a":01},"state"'), // another key, not JSON
      plain.replace('"state"', '"state":"MARKET_STATE_OPEN","state"'), // a book key twice
      plain.replace('"qty":"7"', '"qty":"7","extra":1'), // another key in a level
      plain.replace('}}', '}, "error": "deadline exceeded"}'),
      `${plain}x`,
      plain.slice(0, -1),
    ];
    for (const t of giveUp) expect(scanBookFrame(t, 5, new WireDrift())).toBeUndefined();
    for (const t of giveUp) expect(parseVenueMessage(t, 5)).toEqual(parseVenueMessageInFull(t, 5));
  });

  it('reads a run of frames with shared or changed times and states as the full parse reads each one (property)', () => {
    // The venue's layout keeps the last time text read and compares the next frame's in place, and compares a
    // state in full only with the known state of the same first letter: texts of one length that differ
    // anywhere (a digit, the zone, a letter, a character Date.parse alone takes) must each be read again.
    const times = ['2024-01-16T16:00:00.500Z', '2024-01-16T16:00:00.501Z', '2024-01-16T16:00:01.500Z', '2034-01-16T16:00:00.500Z', '2024-01-16T16:00:00.500+00:00', '2024-01-16T16:00:00.5000'];
    const states = ['MARKET_STATE_OPEN', 'MARKET_STATE_OPEX', 'MARKET_STATE_SUSPENDED', 'MARKET_STATE_SUSPENDEZ', 'MARKET_STATE_PREOPEN', 'MARKET_STATE_EXPIRED', 'MARKET_STATE_EXPIREX', 'MARKET_STATE_', 'M', 'NARKET_STATE_OPEN'];
    const ids = ['md-1', 'md-2', ''];
    const frameOf = (id: string, time: string, state: string, bid: number) =>
      `{"requestId":"${id}","subscriptionType":"SUBSCRIPTION_TYPE_MARKET_DATA","marketData":{"marketSlug":"nba-x","bids":[{"px":{"value":"0.${bid}","currency":"USD"},"qty":"1"}],"offers":[],"state":"${state}","transactTime":"${time}"}}`;
    let fast = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...times), fc.constantFrom(...states), fc.integer({ min: 10, max: 99 })), { minLength: 1, maxLength: 12 }),
        (run) => {
          for (const [id, time, state, bid] of run) {
            const t = frameOf(id, time, state, bid);
            const d1 = new WireDrift();
            const d2 = new WireDrift();
            const full = parseVenueMessageInFull(t, 7, d2);
            const got = canonicalFrame(t, 7, d1);
            if (got) fast++;
            expect(got ?? parseVenueMessage(t, 7, d1)).toEqual(full);
            expect(d1.unknownSeen()).toEqual(d2.unknownSeen());
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(fast).toBeGreaterThan(500);
  });

  it('leaves levels with more digits than it reads exactly to the general reading, wherever they sit (property)', () => {
    // The venue's layout matches digit runs of any length and counts them while reading: more than 6 price
    // decimals, 2 quantity decimals or 13 whole quantity digits must never be read as a level.
    const level = (px: string, qty: string) => `{"px":{"value":"${px}","currency":"USD"},"qty":"${qty}"}`;
    const frameOf = (bids: string[], offers: string[]) =>
      `{"requestId":"md-1","subscriptionType":"SUBSCRIPTION_TYPE_MARKET_DATA","marketData":{"marketSlug":"nba-x","bids":[${bids.join(',')}],"offers":[${offers.join(',')}],"state":"MARKET_STATE_OPEN","transactTime":"2024-01-16T16:00:00.500Z"}}`;
    // [digits appended to the level's two-decimal price, quantity]: each level has one run too long.
    const long = fc.constantFrom(['23456', '5'], ['0000000', '1.5'], ['', '1.005'], ['', '1.0055'], ['', '12345678901234'], ['', '12345678901234.5']);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), long, (nb, at, inBids, [more, qty]) => {
        const bids = Array.from({ length: nb + 1 }, (_, k) => level(`0.${30 - k}`, '2'));
        const offers = Array.from({ length: nb + 1 }, (_, k) => level(`0.${60 + k}`, '3'));
        const side = inBids ? bids : offers;
        const k = Math.min(at, side.length - 1);
        side[k] = level(`0.${inBids ? 30 - k : 60 + k}${more}`, qty);
        const t = frameOf(bids, offers);
        expect(canonicalFrame(t, 3, new WireDrift())).toBeUndefined();
        expect(parseVenueMessage(t, 3)).toEqual(parseVenueMessageInFull(t, 3));
      }),
      { numRuns: 300 },
    );
  });

  it("reads the wire contract's sample book frame (stats, decimal quantities) in the venue's layout, as the full parse does", () => {
    const samples = JSON.parse(readFileSync(new URL('../../../shared/venue/contract/samples/ws-frames.json', import.meta.url), 'utf8')) as { def: string; expect: boolean; doc: unknown }[];
    const docs = samples.filter((x) => x.def === 'marketData' && x.expect).map((x) => JSON.stringify(x.doc));
    expect(docs.length).toBeGreaterThan(0);
    for (const t of docs) {
      const full = parseVenueMessageInFull(t, 5);
      expect(full.kind).toBe('event');
      expect(canonicalFrame(t, 5, new WireDrift())).toEqual(full);
      expect(parseVenueMessage(t, 5)).toEqual(full);
    }
  });

  it('reads ISO-8601 UTC times exactly as Date.parse does, or leaves them to it (property)', () => {
    const dd = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const isoLike = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), dd(19), dd(39), dd(29), dd(69), dd(69), fc.option(fc.stringMatching(/^[0-9]{0,12}$/)), fc.constantFrom('Z', 'Z', '', '+00:00', 'z'))
      .map(([y, mo, d, h, mi, s, frac, z]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}${frac === null ? '' : `.${frac}`}${z}`);
    fc.assert(
      fc.property(isoLike, fc.constantFrom('', '"', 'x"'), (iso, pad) => {
        const text = `${pad}${iso}${pad}`;
        const ms = isoUtcMs(text, pad.length, pad.length + iso.length);
        if (!Number.isNaN(ms)) expect(ms).toBe(Date.parse(iso));
      }),
      { numRuns: 5_000 },
    );
    // And it does take the venue's usual times (any real calendar day).
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 0, 1)), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        const ms = isoUtcMs(iso, 0, iso.length);
        expect(ms).toBe(d.getTime());
      }),
    );
    expect(isoUtcMs('2024-01-16T16:00:00.123456789Z', 0, 30)).toBe(Date.parse('2024-01-16T16:00:00.123Z'));
  });
});
