import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareEntryIds, EntryLog, parseEntryId } from '../../../containers/simulator/sports/entry-log.js';
import type { FeedEntry } from '../../../containers/simulator/sports/entry-log.js';

function entry(log: EntryLog, ms: number): FeedEntry {
  const { ms: m, seq } = log.nextId(ms);
  return { id: `${m}-${seq}`, ms: m, seq, stream: 'odds', event: 'odds', sport: 'basketball', league: 'nba', fixtureId: 'F', payload: {}, json: '{}' };
}

describe('EntryLog', () => {
  it('issues strictly increasing <ms>-<seq> ids, even when time repeats or steps back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 }), (times) => {
        const log = new EntryLog(1000);
        let prev = null as null | { ms: number; seq: number };
        for (const t of times) {
          const id = log.nextId(1_000 + t);
          if (prev) expect(compareEntryIds(id, prev)).toBeGreaterThan(0);
          prev = id;
        }
      }),
    );
  });

  it('replays exactly the entries after an id, and keeps a bounded history', () => {
    const log = new EntryLog(50);
    const all: FeedEntry[] = [];
    for (let i = 0; i < 120; i += 1) {
      const e = entry(log, 1000 + Math.floor(i / 3));
      all.push(e);
      log.append(e);
    }
    expect(log.size).toBe(50);
    expect(log.oldest()!.id).toBe(all[70]!.id);
    const after = all[99]!;
    expect(log.since(after).map((e) => e.id)).toEqual(all.slice(100).map((e) => e.id));
    expect(log.since({ ms: 0, seq: 0 }).length).toBe(50);
    expect(log.since(all[119]!)).toEqual([]);
    expect(log.hasGapAfter(all[68]!)).toBe(true);
    expect(log.hasGapAfter(all[69]!)).toBe(false);
    expect(log.hasGapAfter(all[100]!)).toBe(false);
  });

  it('parses ids and rejects malformed ones', () => {
    expect(parseEntryId('1730079534820-2')).toEqual({ ms: 1730079534820, seq: 2 });
    expect(parseEntryId('abc')).toBeNull();
    expect(parseEntryId('1-2-3')).toBeNull();
  });
});
