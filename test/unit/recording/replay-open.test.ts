/**
 * Opening one replay buffer many times (the bench, a caller replaying one buffer again): the checks and the
 * parsed directory are reused only while the buffer's bytes are the ones that were checked, the level objects
 * are shared by the cursors of one unchanged buffer, every cursor gets its own meta, and lists of any length
 * come back as recorded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeReplay, ReplayCursor } from '../../../shared/recording/binary/replay-decoder.js';
import { encodeReplay } from '../../../shared/recording/binary/replay-encoder.js';
import { openContainer, ReplayFormatError } from '../../../shared/recording/binary/replay-layout.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';

type Level = { price: number; qty: number };
type Book = { bids: Level[]; asks: Level[] };

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
const linesOf = (qty: number): RecordLine[] => [1, 2, 3].map((t) => ({ t, k: 'market', e: frame(qty, t) }) as RecordLine);
/** Opens a buffer the way a replay does and reads its events. */
const events = (buf: Uint8Array): Book[] => {
  const c = new ReplayCursor(buf);
  return Array.from({ length: c.length }, (_v, i) => c.event(i) as unknown as Book);
};

describe('replay form opened many times', () => {
  it('an unchanged buffer reuses its directory from the third open on; cursors share level objects', () => {
    const buf = encodeReplay(linesOf(3), { note: 'x' });
    const first = openContainer(buf);
    const second = openContainer(buf);
    expect(second.dir).not.toBe(first.dir); // the second open checks and parses again (and keeps a copy)
    const third = openContainer(buf);
    expect(third.dir).toBe(second.dir);
    expect(openContainer(buf).columns).toBe(second.columns);
    const [a, b] = [events(buf), events(buf)];
    expect(b[0]!.bids[1]).toBe(a[0]!.bids[1]);
    expect(b[2]).toEqual(frame(3, 3));
    // A copy of the same bytes is another buffer: opened in full.
    expect(openContainer(new Uint8Array(buf)).dir).not.toBe(third.dir);
  });

  it('a buffer changed in place after any number of opens is checked again: a damaged one is refused', () => {
    for (const opens of [1, 2, 3, 5]) {
      const buf = encodeReplay(linesOf(3));
      for (let i = 0; i < opens; i++) events(buf);
      buf[buf.length - 9] = (buf[buf.length - 9] as number) ^ 1; // a byte of the last column, the header untouched
      expect(() => new ReplayCursor(buf)).toThrow(ReplayFormatError);
      expect(() => new ReplayCursor(buf)).toThrow(/checksum/);
    }
  });

  it('a buffer rewritten in place with another valid form gives the new lines, never the remembered ones', () => {
    for (const opens of [1, 2, 3, 5]) {
      const buf = encodeReplay(linesOf(3));
      const other = encodeReplay(linesOf(4));
      expect(other.length).toBe(buf.length);
      for (let i = 0; i < opens; i++) expect(events(buf)[0]!.bids[0]!.qty).toBe(3);
      buf.set(other);
      expect(events(buf)[0]!.bids[0]!.qty).toBe(4);
      expect(events(buf)[2]).toEqual(frame(4, 3));
      expect(JSON.stringify(decodeReplay(buf).lines)).toBe(JSON.stringify(linesOf(4)));
    }
  });

  it('every cursor gets a meta of its own', () => {
    const buf = encodeReplay(linesOf(3), { issues: ['a'] });
    const cursors = [1, 2, 3, 4].map(() => new ReplayCursor(buf));
    (cursors[0]!.meta as { issues: string[] }).issues.push('changed');
    (cursors[2]!.meta as { issues: string[] }).issues.push('changed');
    expect(new ReplayCursor(buf).meta).toEqual({ issues: ['a'] });
    expect(cursors[3]!.meta).toEqual({ issues: ['a'] });
    expect(new Set(cursors.map((c) => c.meta)).size).toBe(4);
  });

  it('property: lists of any length (interned book sides, odds quotes) come back as recorded, opened again or not', () => {
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
