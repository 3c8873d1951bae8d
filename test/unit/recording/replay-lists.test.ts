/**
 * Lists decoded from the replay form (interned book sides and plain lists such as odds quotes) come back as
 * recorded, at any length: the decoder builds short lists as array literals and longer ones by pushing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeReplay, ReplayCursor } from '../../../shared/recording/binary/replay-decoder.js';
import { encodeReplay } from '../../../shared/recording/binary/replay-encoder.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';

const frame = (qty: number, t: number) => ({
  type: 'book',
  marketSlug: 'm1',
  bids: [{ price: 400_000, qty }, { price: 390_000, qty: 5 }],
  asks: [{ price: 410_000, qty: 7 }],
  state: 'MARKET_STATE_OPEN',
  transactTime: null,
  snapshot: true,
  receivedAt: t,
});

describe('replay form lists', () => {
  it('property: lists of any length (interned book sides, odds quotes) come back as recorded, read backwards, by fresh cursors', () => {
    const level = fc.record({ price: fc.integer({ min: 1, max: 30 }), qty: fc.integer({ min: 0, max: 3 }) });
    const quote = fc.record({
      key: fc.string({ maxLength: 3 }), oddId: fc.constant('o'), fixtureId: fc.constant('f'), sport: fc.constant('s'), league: fc.constant('l'),
      sportsbook: fc.constant('b'), market: fc.constant('m'), name: fc.constant('n'), selection: fc.constant('s'), selectionLine: fc.constant(''),
      points: fc.constant(null), americanOdds: fc.integer(), isMain: fc.boolean(), isLive: fc.boolean(), locked: fc.boolean(), timestamp: fc.integer(), receivedAt: fc.integer(),
    });
    const line = fc.oneof(
      fc.record({ bids: fc.array(level, { maxLength: 12 }), asks: fc.array(level, { maxLength: 12 }) }).map((s) => ({ t: 1, k: 'market', e: { ...frame(1, 1), ...s } })),
      fc.array(quote, { maxLength: 12 }).map((quotes) => ({ t: 2, k: 'feed', e: { type: 'odds', quotes, entryId: null } })),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 15 }), fc.integer({ min: 1, max: 4 }), (lines, opens) => {
        const buf = encodeReplay(lines as RecordLine[]);
        for (let i = 0; i < opens; i++) {
          const c = new ReplayCursor(buf);
          for (let j = c.length - 1; j >= 0; j--) expect(JSON.stringify(c.event(j))).toBe(JSON.stringify(lines[j]!.e));
          expect(JSON.stringify(decodeReplay(buf).lines)).toBe(JSON.stringify(lines));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('property: within one cursor a book level is one object per side and distinct value (equal levels the same object, unequal never), and a fresh cursor shares none', () => {
    const level = fc.record({ price: fc.integer({ min: 1, max: 4 }), qty: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(-0)) });
    const side = fc.array(level, { maxLength: 6 });
    fc.assert(
      fc.property(fc.array(fc.record({ bids: side, asks: side }), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (sides, order) => {
        const lines = sides.map((s, i) => ({ t: i, k: 'market', e: { ...frame(1, i), ...s } })) as RecordLine[];
        const buf = encodeReplay(lines);
        const a = new ReplayCursor(buf);
        const b = new ReplayCursor(buf);
        // Read in any order, some lines more than once.
        const reads = [...order.map((n) => n % lines.length), ...lines.keys()];
        type Level = { price: number; qty: number };
        const seen = { bids: new Map<string, Level>(), asks: new Map<string, Level>() };
        const all = new Set<Level>();
        for (const i of reads) {
          const e = a.event(i) as unknown as { bids: Level[]; asks: Level[] };
          expect(JSON.stringify(e)).toBe(JSON.stringify(lines[i]!.e));
          for (const key of ['bids', 'asks'] as const) {
            e[key].forEach((l, j) => {
              const want = (lines[i]!.e as unknown as Record<typeof key, Level[]>)[key][j]!;
              expect(Object.is(l.qty, want.qty)).toBe(true);
              const id = `${l.price}|${Object.is(l.qty, -0) ? '-0' : l.qty}`;
              const first = seen[key].get(id);
              if (first) expect(l).toBe(first);
              else {
                expect(all.has(l)).toBe(false);
                seen[key].set(id, l);
              }
              all.add(l);
            });
          }
        }
        for (let i = 0; i < lines.length; i++) {
          const e = b.event(i) as unknown as { bids: Level[]; asks: Level[] };
          for (const l of [...e.bids, ...e.asks]) expect(all.has(l)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });
});
