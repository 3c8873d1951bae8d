/**
 * The replay form's codec: any recorded line comes back identical (values and key order), whether its event
 * fits a columnar shape or falls back to its JSON text; property test over generated lines of every shape.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeReplay, ReplayCursor } from '../../../shared/recording/binary/replay-decoder.js';
import { encodeReplay, fitsShape } from '../../../shared/recording/binary/replay-encoder.js';
import { readContainer, ReplayFormatError } from '../../../shared/recording/binary/replay-layout.js';
import { EVENT_SHAPES, JSON_SHAPE } from '../../../shared/recording/binary/replay-schema.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';
import { parseOdds } from '../../../shared/feeds/wire.js';
import { oddJson } from '../feeds/helpers/fixtures.js';

const roundTrip = (lines: RecordLine[]): RecordLine[] => decodeReplay(encodeReplay(lines)).lines;
const shapeOf = (name: string) => EVENT_SHAPES.find((s) => s.shape.name === name)!.shape;

const book = { type: 'book', marketSlug: 'm1', bids: [{ price: 400_000, qty: 3 }], asks: [], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 7 };

describe('replay codec', () => {
  it('keeps values, nulls, empty lists, -0 and key order', () => {
    const lines = [
      { t: 1, k: 'market', e: book },
      { t: 2, k: 'market', e: { type: 'trade', marketSlug: 'm1', price: 1, qty: -0, qtyExact: '0.4', tradeTime: 3, takerSide: 'ORDER_SIDE_SELL', receivedAt: 4 } },
      { t: 2, k: 'market', e: { type: 'trade', marketSlug: 'm1', price: 1, qty: 2, tradeTime: 3, takerSide: 'ORDER_SIDE_BUY', receivedAt: 4 } },
      { t: 3, k: 'settle', e: { marketSlug: 'm1', settlementPrice: 0 } },
    ] as RecordLine[];
    const back = roundTrip(lines);
    expect(JSON.stringify(back)).toBe(JSON.stringify(lines));
    expect(Object.is((back[1]!.e as { qty: number }).qty, -0)).toBe(true);
    expect('qtyExact' in back[2]!.e).toBe(false);
  });

  it('an event off its shape (extra key, other order, other type) is kept whole as JSON', () => {
    const extra = { ...book, venueSeq: 9 };
    const { marketSlug, ...others } = book;
    const reordered = { ...others, marketSlug };
    const badType = { ...book, snapshot: 'yes' };
    for (const e of [extra, reordered, badType]) expect(fitsShape(shapeOf('book'), e)).toBe(false);
    const lines = [extra, reordered, badType].map((e, i) => ({ t: i, k: 'market', e })) as RecordLine[];
    const buf = encodeReplay(lines);
    const cursor = new ReplayCursor(buf);
    expect(JSON.stringify(Array.from({ length: 3 }, (_, i) => cursor.line(i)))).toBe(JSON.stringify(lines));
    expect(fitsShape(shapeOf('book'), book)).toBe(true);
    expect(JSON_SHAPE).toBe(0);
  });

  it('stores a number column as i32 only when every value is an int32 (no null, no -0, no fraction, no huge value)', () => {
    const trade = (price: number, qty: number, tradeTime: number) => ({ type: 'trade', marketSlug: 'm1', price, qty, tradeTime, takerSide: 'ORDER_SIDE_BUY', receivedAt: 4 });
    const cases: [string, unknown[], Record<string, 'i32' | 'f64'>][] = [
      ['ints', [trade(400_000, 300, 3), trade(-5, 0, 2 ** 31 - 1)], { 'trade.price': 'i32', 'trade.qty': 'i32', 'trade.tradeTime': 'i32' }],
      ['-0, fraction, epoch ms', [trade(400_000, -0, 1_795_622_893_975), trade(0.5, 1, 3)], { 'trade.price': 'f64', 'trade.qty': 'f64', 'trade.tradeTime': 'f64' }],
      ['null', [{ ...book, transactTime: null }, { ...book, transactTime: 5 }], { 'book.transactTime': 'f64', 'book.bids[].price': 'i32', 'book.receivedAt': 'i32' }],
    ];
    for (const [, events, types] of cases) {
      const lines = events.map((e, i) => ({ t: i, k: 'market', e })) as RecordLine[];
      const buf = encodeReplay(lines);
      const { dir } = readContainer(buf);
      for (const [name, type] of Object.entries(types)) expect(dir.columns.find((c) => c.name === name)?.type).toBe(type);
      const back = decodeReplay(buf).lines;
      expect(JSON.stringify(back)).toBe(JSON.stringify(lines));
      back.forEach((l, i) => expect(Object.is((l.e as { qty?: number }).qty, (lines[i]!.e as { qty?: number }).qty)).toBe(true));
    }
  });

  it('interned book levels: each distinct level and each repeated side decoded once, and right after the list cache wraps', () => {
    // 1 500 distinct bid sides (more than the cursor's 1 024 recent lists), each frame with the same two asks.
    const frames = Array.from({ length: 1_500 }, (_, i) => ({
      ...book,
      bids: [{ price: 400_000, qty: i + 1 }, { price: 390_000, qty: 5 }],
      asks: [{ price: 410_000, qty: 5 }, { price: 420_000, qty: 5 }],
    }));
    const lines = frames.map((e, i) => ({ t: i, k: 'market', e })) as RecordLine[];
    const buf = encodeReplay(lines);
    const { dir } = readContainer(buf);
    const rows = (name: string): number | undefined => dir.columns.find((c) => c.name === name)?.length;
    expect(rows('book.bids[].price')).toBe(1_501);
    expect(rows('book.asks[].price')).toBe(2);
    expect(rows('book.asks@')).toBe(2);
    const cursor = new ReplayCursor(buf);
    type Book = typeof book;
    const first = cursor.event(0) as unknown as Book;
    const last = cursor.event(1_499) as unknown as Book;
    expect(last.asks).toBe(first.asks);
    expect(last.bids[1]).toBe(first.bids[1]);
    // Back to the start, after 1 500 other bid sides went through the cache, and in any order.
    for (const i of [0, 1_499, 3, 1_027, 3, 0]) expect(cursor.event(i)).toEqual(frames[i]);
    expect(JSON.stringify(decodeReplay(buf).lines)).toBe(JSON.stringify(lines));
  });

  it('interned lists are shared within one cursor only: a second cursor over the same buffer makes its own sides and levels', () => {
    const frames = [
      { ...book, bids: [{ price: 400_000, qty: 3 }, { price: 390_000, qty: 4 }], asks: [{ price: 410_000, qty: 5 }] },
      { ...book, bids: [{ price: 400_000, qty: 3 }, { price: 380_000, qty: 1 }], asks: [{ price: 410_000, qty: 5 }] },
      { ...book, bids: [], asks: [{ price: 410_000, qty: 5 }] },
    ];
    const buf = encodeReplay(frames.map((e, i) => ({ t: i, k: 'market', e })) as RecordLine[]);
    type Book = typeof book;
    const a = new ReplayCursor(buf);
    const b = new ReplayCursor(buf);
    const at = (c: ReplayCursor, i: number): Book => c.event(i) as unknown as Book;
    const [a0, a1, a2] = [at(a, 0), at(a, 1), at(a, 2)];
    const b0 = at(b, 0);
    // One cursor: the repeated ask side is one array, the repeated best bid one object.
    expect(a1.asks).toBe(a0.asks);
    expect(a2.asks).toBe(a0.asks);
    expect(a1.bids[0]).toBe(a0.bids[0]);
    expect(a1.bids).not.toBe(a0.bids);
    // Another cursor: equal values, its own objects.
    expect(b0).toEqual(a0);
    expect(b0.asks).not.toBe(a0.asks);
    expect(b0.bids[0]).not.toBe(a0.bids[0]);
    expect(a2.bids).toEqual([]);
    expect(a0.bids).toHaveLength(2);
  });

  it('odds as the feed adapter makes them today are stored in columns (oddsByIds), not as JSON, and come back identical', () => {
    // Every kind of quote the adapter makes: ids given or derived from names, a line with points or none, a
    // stake limit or none, locked, an alternate line, a live one.
    const at = { locked: false, receivedAt: 1_796_670_717_260 };
    const quotes = [
      ...parseOdds([oddJson(), oddJson({ is_main: false, is_live: true, limits: null })], at).quotes,
      ...parseOdds([oddJson({ sportsbook_id: 'caesars', market_id: 'total_points', normalized_selection: 'over', selection_line: 'over', points: 247.5, limits: { max: 2500 } })], { ...at, locked: true }).quotes,
    ];
    expect(quotes).toHaveLength(3);
    const lines = [
      { t: 1, k: 'feed', e: { type: 'odds', quotes, entryId: 'e-1' } },
      { t: 2, k: 'feed', e: { type: 'odds', quotes: quotes.slice(0, 1), entryId: null } },
    ] as RecordLine[];
    const buf = encodeReplay(lines);
    const { columns } = readContainer(buf);
    const byIds = EVENT_SHAPES.find((s) => s.shape.name === 'oddsByIds')!;
    expect(Array.from(columns.get('line.shape') as Uint8Array)).toEqual([byIds.id, byIds.id]);
    expect(JSON.stringify(decodeReplay(buf).lines)).toBe(JSON.stringify(lines));
  });

  it('refuses what is not a replay file', () => {
    expect(() => decodeReplay(new Uint8Array(64))).toThrow(ReplayFormatError);
    const buf = encodeReplay([{ t: 1, k: 'market', e: book } as RecordLine]);
    expect(() => decodeReplay(buf.subarray(0, buf.length - 8))).toThrow(ReplayFormatError);
  });

  it('property: generated lines of every shape come back identical', () => {
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
    const num = fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
    const level = fc.record({ price: fc.integer({ min: 1, max: 999_999 }), qty: fc.integer({ min: 0, max: 1e6 }) });
    const bookArb = fc.record({
      type: fc.constant('book'),
      marketSlug: fc.string(),
      bids: fc.array(level, { maxLength: 5 }),
      asks: fc.array(level, { maxLength: 5 }),
      state: fc.constantFrom('MARKET_STATE_OPEN', 'MARKET_STATE_SUSPENDED'),
      transactTime: maybe(num),
      snapshot: fc.boolean(),
      receivedAt: num,
    });
    const quote = fc.record(
      {
        key: fc.string(), oddId: fc.string(), fixtureId: fc.string(), sport: fc.string(), league: fc.string(), sportsbook: fc.string(),
        sportsbookId: fc.string(), market: fc.string(), marketId: fc.string(), normalizedSelection: fc.string(), maxStake: maybe(num),
        name: fc.string(), selection: fc.string(), selectionLine: fc.string(), points: maybe(num), americanOdds: num,
        isMain: fc.boolean(), isLive: fc.boolean(), locked: fc.boolean(), timestamp: num, receivedAt: num,
      },
      { requiredKeys: ['key', 'oddId', 'fixtureId', 'sport', 'league', 'sportsbook', 'market', 'name', 'selection', 'selectionLine', 'points', 'americanOdds', 'isMain', 'isLive', 'locked', 'timestamp', 'receivedAt'] },
    );
    const odds = fc.record({ type: fc.constant('odds'), quotes: fc.array(quote, { maxLength: 4 }), entryId: maybe(fc.string()) });
    const anyJson = fc.record({ type: fc.string(), v: fc.jsonValue() });
    const line = fc.oneof(
      fc.record({ t: num, k: fc.constant('market'), e: bookArb }),
      fc.record({ t: num, k: fc.constant('feed'), e: odds }),
      fc.record({ t: num, k: fc.constantFrom('private', 'feed', 'meta', 'own'), e: anyJson }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        expect(JSON.stringify(roundTrip(lines as RecordLine[]))).toBe(JSON.stringify(lines));
      }),
      { numRuns: 200 },
    );
  });

  it('property: book frames decoded in any order equal the recorded ones, -0 included', () => {
    // Few markets and few level values, so frames often repeat a side or a level of the last one; -0 kept.
    const level = fc.record({ price: fc.constantFrom(400_000, 410_000), qty: fc.constantFrom(0, -0, 1, 2) });
    const frame = fc.record({ marketSlug: fc.constantFrom('a', 'b'), bids: fc.array(level, { maxLength: 3 }), asks: fc.array(level, { maxLength: 3 }) });
    const exact = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? '-0' : x));
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 24 }), (frames, order) => {
        const lines = frames.map((f, i) => ({ t: i, k: 'market', e: { ...book, ...f } })) as RecordLine[];
        const cursor = new ReplayCursor(encodeReplay(lines));
        for (const i of [...order.map((o) => o % lines.length), ...lines.keys()]) expect(exact(cursor.event(i))).toBe(exact(lines[i]!.e));
      }),
      { numRuns: 300 },
    );
  });
});
