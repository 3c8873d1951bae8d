import { describe, expect, it } from 'vitest';
import type { OddsQuote } from '../../../shared/domain/feed-events.js';
import { parseOdds } from '../../../shared/feeds/wire.js';
import { QuoteCache } from '../../../shared/feeds/quote-cache.js';
import { oddJson } from './helpers/fixtures.js';

const T = 1_730_000_000;
function spread(book: string, side: 'home' | 'away', points: number, over: Record<string, unknown> = {}, ts = T): OddsQuote {
  return parseOdds(
    [
      oddJson({
        sportsbook: book,
        sportsbook_id: book.toLowerCase(),
        market: 'Point Spread',
        market_id: 'point_spread',
        name: `${side} ${points}`,
        normalized_selection: side,
        points,
        timestamp: ts,
        ...over,
      }),
    ],
    { locked: false, receivedAt: 0 },
  ).quotes[0]!;
}

describe('QuoteCache', () => {
  it('evicts the old main line when a book posts a new one without locking the old (is_main=true filtering)', () => {
    const c = new QuoteCache();
    expect(c.apply([spread('Pinnacle', 'home', -3.5), spread('Pinnacle', 'away', 3.5), spread('FanDuel', 'home', -3.5)], 's', 1)).toEqual([]);
    const evicted = c.apply([spread('Pinnacle', 'home', -4.5, {}, T + 5), spread('Pinnacle', 'away', 4.5, {}, T + 5)], 's', 2);
    expect(evicted.map((q) => [q.name, q.locked, q.timestamp])).toEqual([
      ['home -3.5', true, T * 1000],
      ['away 3.5', true, T * 1000],
    ]);
    // another book's line is left alone
    expect(c.get(spread('FanDuel', 'home', -3.5).key)!.locked).toBe(false);
  });

  it('an old main that comes back as is_main=false replaces its key as an alternate (no eviction needed)', () => {
    const c = new QuoteCache();
    const old = spread('Pinnacle', 'home', -3.5);
    c.apply([old], 's', 1);
    const alt = spread('Pinnacle', 'home', -3.5, { is_main: false }, T + 5);
    expect(c.apply([alt, spread('Pinnacle', 'home', -4.5, {}, T + 5)], 's', 2)).toEqual([]);
    expect(c.get(old.key)).toMatchObject({ isMain: false, locked: false });
  });

  it('never lets an older price replace a newer one', () => {
    const c = new QuoteCache();
    c.apply([spread('Pinnacle', 'home', -3.5, { price: -120 }, T + 10)], 's', 1);
    c.apply([spread('Pinnacle', 'home', -3.5, { price: -140 }, T)], 's', 2);
    expect(c.get(spread('Pinnacle', 'home', -3.5).key)!.americanOdds).toBe(-120);
  });

  it('locks a quiet source, and after a snapshot locks what the snapshot no longer lists (unless updated since)', () => {
    const c = new QuoteCache();
    const a = spread('Pinnacle', 'home', -3.5);
    const b = spread('Pinnacle', 'away', 3.5);
    const other = spread('FanDuel', 'home', -3.5);
    c.apply([a, b], 's1', 1);
    c.apply([other], 's2', 1);
    const before = c.liveOf('s1');
    expect([...before.keys()].sort()).toEqual([a.key, b.key].sort());
    // b was updated by the stream while the snapshot was in flight: not suspended
    const b2 = spread('Pinnacle', 'away', 3.5, { price: 110 }, T + 1);
    c.apply([b2], 's1', 2);
    const absent = c.absentFrom(before, new Set<string>(), 3);
    expect(absent.map((q) => q.key)).toEqual([a.key]);
    expect(absent[0]).toMatchObject({ locked: true, timestamp: a.timestamp, receivedAt: 3 });
    expect(c.lockSource('s2', 4).map((q) => q.key)).toEqual([other.key]);
    expect(c.lockSource('s2', 5)).toEqual([]);
  });
});
