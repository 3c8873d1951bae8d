import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OddsQuote } from '../../../shared/domain/feed-events.js';
import { computeConsensus, computeConsensusDetailed } from '../../../shared/feeds/fair-value/consensus.js';
import { moneylineQuote } from '../../support/odds-fixtures.js';

const NOW = 1_800_000_000_000;
let seq = 0;
function q(sportsbook: string, name: string, americanOdds: number, over: Partial<OddsQuote> = {}): OddsQuote {
  return moneylineQuote(sportsbook, name, americanOdds, { oddId: `odd-${++seq}`, timestamp: NOW - 1_000, receivedAt: NOW - 900, ...over });
}

describe('consensus', () => {
  it('one book: its multiplicative no-vig probabilities (worked example)', () => {
    // Pinnacle −150/+130 → 69/119 and 50/119 (see odds-and-no-vig.test.ts)
    const c = computeConsensus([q('Pinnacle', 'Home', -150), q('Pinnacle', 'Away', 130)], 'F1', 'Moneyline', NOW, {
      method: 'multiplicative',
    });
    expect(c).not.toBeNull();
    expect(c!.probabilities.Home).toBeCloseTo(69 / 119, 12);
    expect(c!.probabilities.Away).toBeCloseTo(50 / 119, 12);
    expect(c!.books).toBe(1);
    // no age expiry: the quotes are known valid now (unlocked, stream up)
    expect(c!.maxAgeMs).toBe(0);
    const expiring = computeConsensus([q('Pinnacle', 'Home', -150), q('Pinnacle', 'Away', 130)], 'F1', 'Moneyline', NOW, { expireAfterMs: 60_000 });
    expect(expiring!.maxAgeMs).toBe(1_000);
  });

  it('blends books by weight', () => {
    // Pinnacle (w 3) +100/+100 → 0.5; DraftKings (w 1) −150/+130 multiplicative → 69/119
    // blend: (3·0.5 + 1·69/119) / 4
    const c = computeConsensus(
      [q('Pinnacle', 'Home', 100), q('Pinnacle', 'Away', 100), q('DraftKings', 'Home', -150), q('DraftKings', 'Away', 130)],
      'F1',
      'Moneyline',
      NOW,
      { method: 'multiplicative' },
    )!;
    expect(c.probabilities.Home).toBeCloseTo((3 * 0.5 + 69 / 119) / 4, 12);
    expect(c.books).toBe(2);
    // custom weights override the table
    const equal = computeConsensus(
      [q('Pinnacle', 'Home', 100), q('Pinnacle', 'Away', 100), q('DraftKings', 'Home', -150), q('DraftKings', 'Away', 130)],
      'F1',
      'Moneyline',
      NOW,
      { method: 'multiplicative', weights: { pinnacle: 1 } },
    )!;
    expect(equal.probabilities.Home).toBeCloseTo((0.5 + 69 / 119) / 2, 12);
  });

  it('drops locked quotes, and a lock removes the older live price of the same outcome', () => {
    const quotes = [
      q('Pinnacle', 'Home', -300),
      q('Pinnacle', 'Away', 250),
      q('Pinnacle', 'Home', -300, { locked: true, timestamp: NOW - 500 }),
      q('FanDuel', 'Home', 100),
      q('FanDuel', 'Away', 100),
    ];
    const d = computeConsensusDetailed(quotes, 'F1', 'Moneyline', NOW);
    expect(d.consensus!.books).toBe(1);
    expect(d.books.map((b) => b.sportsbook)).toEqual(['FanDuel']);
    expect(d.consensus!.probabilities.Home).toBeCloseTo(0.5, 12);
    expect(d.excluded).toContainEqual({ sportsbook: 'Pinnacle', name: 'Home', reason: 'locked' });
  });

  it('keeps a steady price however old its last change (valid until locked or its stream is lost)', () => {
    // OpticOdds stamps an odd with its last CHANGE: a sharp book that has not moved for 10 minutes still counts.
    const quotes = [
      q('Pinnacle', 'Home', -300, { timestamp: NOW - 600_000 }),
      q('Pinnacle', 'Away', 250, { timestamp: NOW - 600_000 }),
      q('FanDuel', 'Home', 100),
      q('FanDuel', 'Away', 100),
    ];
    const c = computeConsensus(quotes, 'F1', 'Moneyline', NOW, { maxAgeMs: 15_000 })!;
    expect(c.books).toBe(2);
    expect(computeConsensus(quotes, 'F1', 'Moneyline', NOW + 3_600_000, { maxAgeMs: 15_000 })!.books).toBe(2);
    // locking it (its stream went quiet, or the book suspended it) takes it out
    const locked = quotes.map((x) => (x.sportsbook === 'Pinnacle' ? { ...x, locked: true } : x));
    expect(computeConsensus(locked, 'F1', 'Moneyline', NOW)!.books).toBe(1);
  });

  it('drops quotes older than expireAfterMs when an age cut-off is configured', () => {
    const quotes = [
      q('Pinnacle', 'Home', -300, { timestamp: NOW - 120_000 }),
      q('Pinnacle', 'Away', 250, { timestamp: NOW - 120_000 }),
      q('FanDuel', 'Home', 100),
      q('FanDuel', 'Away', 100),
    ];
    const c = computeConsensus(quotes, 'F1', 'Moneyline', NOW, { expireAfterMs: 60_000 })!;
    expect(c.books).toBe(1);
    expect(c.probabilities.Home).toBeCloseTo(0.5, 12);
    expect(computeConsensus(quotes, 'F1', 'Moneyline', NOW + 120_000, { expireAfterMs: 60_000 })).toBeNull();
  });

  it('leaves out alternate lines (a moved main line that came back as is_main=false)', () => {
    const quotes = [
      q('Pinnacle', 'Home', -300, { isMain: false }),
      q('Pinnacle', 'Away', 250, { isMain: false }),
      q('FanDuel', 'Home', 100),
      q('FanDuel', 'Away', 100),
    ];
    const d = computeConsensusDetailed(quotes, 'F1', 'Moneyline', NOW);
    expect(d.consensus!.books).toBe(1);
    expect(d.excluded.filter((e) => e.reason === 'alternate_line')).toHaveLength(2);
  });

  it('matches the market on its id and the book on its id when the quotes carry them', () => {
    const quotes = [
      q('Pinnacle', 'Home', -150, { marketId: 'moneyline', sportsbookId: 'pinnacle' }),
      q('Pinnacle', 'Away', 130, { marketId: 'moneyline', sportsbookId: 'pinnacle' }),
    ];
    expect(computeConsensus(quotes, 'F1', 'moneyline', NOW)!.books).toBe(1);
    expect(computeConsensus(quotes, 'F1', 'Moneyline', NOW)!.books).toBe(1); // callers grouping by display name
    expect(computeConsensus(quotes, 'F1', 'total_points', NOW)).toBeNull();
  });

  it('leaves out a book on a different line rather than mixing outcome sets', () => {
    const t = (book: string, name: string, odds: number): OddsQuote => q(book, name, odds, { market: 'Total Points' });
    const quotes = [
      t('Pinnacle', 'Over 220.5', -110),
      t('Pinnacle', 'Under 220.5', -110),
      t('FanDuel', 'Over 220.5', -105),
      t('FanDuel', 'Under 220.5', -115),
      t('BetMGM', 'Over 221.5', -110),
      t('BetMGM', 'Under 221.5', -110),
    ];
    const d = computeConsensusDetailed(quotes, 'F1', 'Total Points', NOW);
    expect(Object.keys(d.consensus!.probabilities).sort()).toEqual(['Over 220.5', 'Under 220.5']);
    expect(d.excluded.filter((e) => e.reason === 'incomplete_market').map((e) => e.sportsbook)).toEqual(['BetMGM', 'BetMGM']);
  });

  it('a book pricing only one side contributes nothing', () => {
    expect(computeConsensus([q('Pinnacle', 'Home', -150)], 'F1', 'Moneyline', NOW)).toBeNull();
  });

  it('confidence rises with books and falls with disagreement, and with age only when prices expire by age', () => {
    const one = computeConsensus([q('FanDuel', 'Home', -110), q('FanDuel', 'Away', -110)], 'F1', 'Moneyline', NOW)!;
    const steadyOld = [q('FanDuel', 'Home', -110, { timestamp: NOW - 55_000 }), q('FanDuel', 'Away', -110, { timestamp: NOW - 55_000 })];
    expect(computeConsensus(steadyOld, 'F1', 'Moneyline', NOW)!.confidence).toBeCloseTo(one.confidence, 12);
    const agreeing = computeConsensus(
      ['FanDuel', 'DraftKings', 'Pinnacle', 'Circa Sports'].flatMap((b) => [q(b, 'Home', -110), q(b, 'Away', -110)]),
      'F1',
      'Moneyline',
      NOW,
    )!;
    const disagreeing = computeConsensus(
      [q('FanDuel', 'Home', -300), q('FanDuel', 'Away', 250), q('DraftKings', 'Home', 200), q('DraftKings', 'Away', -240)],
      'F1',
      'Moneyline',
      NOW,
    )!;
    const expiring = { expireAfterMs: 60_000 };
    const old = computeConsensus(steadyOld, 'F1', 'Moneyline', NOW, expiring)!;
    expect(agreeing.confidence).toBeGreaterThan(one.confidence);
    expect(disagreeing.confidence).toBeLessThan(one.confidence);
    expect(old.confidence).toBeLessThan(computeConsensus([q('FanDuel', 'Home', -110), q('FanDuel', 'Away', -110)], 'F1', 'Moneyline', NOW, expiring)!.confidence);
    for (const c of [one, agreeing, disagreeing, old]) {
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('property: probabilities sum to 1 and stay in (0,1) for any set of books', () => {
    const book = fc.record({
      name: fc.constantFrom('Pinnacle', 'FanDuel', 'DraftKings', 'BetMGM', 'Unknown Book'),
      home: fc.oneof(fc.integer({ min: 100, max: 2000 }), fc.integer({ min: -2000, max: -100 })),
      away: fc.oneof(fc.integer({ min: 100, max: 2000 }), fc.integer({ min: -2000, max: -100 })),
      locked: fc.boolean(),
      age: fc.integer({ min: 0, max: 120_000 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(book, { minLength: 1, maxLength: 5, selector: (b) => b.name }), fc.constantFrom('multiplicative', 'additive', 'power', 'shin' as const), (books, method) => {
        const quotes = books.flatMap((b) => [
          q(b.name, 'Home', b.home, { locked: b.locked, timestamp: NOW - b.age }),
          q(b.name, 'Away', b.away, { locked: b.locked, timestamp: NOW - b.age }),
        ]);
        const c = computeConsensus(quotes, 'F1', 'Moneyline', NOW, { method });
        const usable = books.some((b) => !b.locked);
        if (!usable) {
          expect(c).toBeNull();
          return;
        }
        expect(c).not.toBeNull();
        const ps = Object.values(c!.probabilities);
        for (const p of ps) expect(p > 0 && p < 1).toBe(true);
        expect(Math.abs(ps.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
        expect(c!.confidence >= 0 && c!.confidence <= 1).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('consensus without the detail', () => {
  it('property: computeConsensus is exactly the detailed consensus (locks, alternates, age cut-off, other lines, zero weights, both orders)', () => {
    const quote = fc.record({
      book: fc.constantFrom('Pinnacle', 'FanDuel', 'DraftKings', 'Zero', 'Unknown Book'),
      name: fc.constantFrom('Home', 'Away', 'Over 200.5', 'Under 200.5'),
      odds: fc.oneof(fc.integer({ min: 100, max: 2000 }), fc.integer({ min: -2000, max: -100 }), fc.constant(0)),
      locked: fc.boolean(),
      isMain: fc.boolean(),
      age: fc.integer({ min: 0, max: 120_000 }),
    });
    fc.assert(
      fc.property(fc.array(quote, { maxLength: 14 }), fc.constantFrom('multiplicative', 'additive', 'power', 'shin' as const), fc.option(fc.integer({ min: 1, max: 100_000 })), (qs, method, expireAfterMs) => {
        const quotes = qs.map((x) => q(x.book, x.name, x.odds, { locked: x.locked, isMain: x.isMain || x.age % 3 !== 0, timestamp: NOW - x.age }));
        const options = { method, expireAfterMs, weights: { Zero: 0 } };
        const detail = computeConsensusDetailed(quotes, 'F1', 'Moneyline', NOW, options);
        expect(computeConsensus(quotes, 'F1', 'Moneyline', NOW, options)).toEqual(detail.consensus);
        if (detail.consensus) expect(detail.books.length).toBe(detail.consensus.books);
      }),
      { numRuns: 300 },
    );
  });
});

describe('createConsensusFn', () => {
  it('binds options and returns undefined when nothing qualifies', async () => {
    const { createConsensusFn } = await import('../../../shared/feeds/fair-value/consensus.js');
    const fn = createConsensusFn({ method: 'multiplicative', expireAfterMs: 10 });
    expect(fn([q('Pinnacle', 'Home', -150), q('Pinnacle', 'Away', 130)], 'F1', 'Moneyline', NOW)).toBeUndefined();
    expect(fn([q('Pinnacle', 'Home', -150, { timestamp: NOW }), q('Pinnacle', 'Away', 130, { timestamp: NOW })], 'F1', 'Moneyline', NOW)!.probabilities.Home).toBeCloseTo(69 / 119, 12);
  });
});
