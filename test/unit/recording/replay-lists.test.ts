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
});
