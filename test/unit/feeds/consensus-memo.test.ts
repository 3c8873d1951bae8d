/**
 * The consensus's working memory (ConsensusMemo, kept per quote list by the state manager) never changes an
 * answer: over random sequences of odds updates applied in place to quote lists, the consensus computed with a
 * memo kept between calls is exactly (bit for bit) the one computed afresh.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OddsQuote } from '../../../shared/domain/feed-events.js';
import { computeConsensus, createConsensusFn, type ConsensusMemo, type ConsensusOptions } from '../../../shared/feeds/fair-value/consensus.js';
import { NO_VIG_METHODS } from '../../../shared/feeds/fair-value/no-vig.js';
import { moneylineQuote } from '../../support/odds-fixtures.js';

const T0 = 1_800_000_000_000;
const BOOKS = ['Pinnacle', 'DraftKings', 'FanDuel', 'Zero Book', 'Caesars'];
const NAMES = ['Home', 'Away', 'Draw', 'Over 1.5'];
const FIXTURES = ['F1', 'F2'];
const MARKETS = ['Moneyline', 'Total'];
/** Mostly valid American prices; a few malformed ones (excluded as invalid_price). */
const PRICES = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 100, max: 2_000 }).chain((a) => fc.constantFrom(a, -a)) },
  { weight: 1, arbitrary: fc.constantFrom(50, -99, 150.5, 2_000_000) },
);

interface Update {
  fixture: number;
  market: number;
  book: number;
  name: number;
  price: number;
  locked: boolean;
  isMain: boolean;
  /** ms added to the clock before this update; the quote's own timestamp may lag the clock. */
  advance: number;
  lag: number;
  withIds: boolean;
}

const update: fc.Arbitrary<Update> = fc.record({
  // mostly one fixture × market and two outcomes, so that books are priced again and again
  fixture: fc.constantFrom(0, 0, 0, 0, 1),
  market: fc.constantFrom(0, 0, 0, 0, 1),
  book: fc.nat(BOOKS.length - 1),
  name: fc.constantFrom(0, 1, 0, 1, 0, 1, 2, 3),
  price: PRICES,
  locked: fc.constantFrom(false, false, false, true),
  isMain: fc.constantFrom(true, true, true, true, false),
  advance: fc.integer({ min: 0, max: 20_000 }),
  lag: fc.integer({ min: 0, max: 90_000 }),
  withIds: fc.boolean(),
});

const options: fc.Arbitrary<ConsensusOptions> = fc.record(
  {
    method: fc.constantFrom(...NO_VIG_METHODS),
    weights: fc.constantFrom<Record<string, number>>({ 'Zero Book': 0 }, { pinnacle: 3, zerobook: 0 }, {}),
    defaultWeight: fc.constantFrom(1, 0.5),
    expireAfterMs: fc.constantFrom(null, 30_000),
    minBooks: fc.constantFrom(1, 2),
  },
  { requiredKeys: ['method'] },
);

function quoteOf(u: Update, now: number, seq: number): OddsQuote {
  const fixtureId = FIXTURES[u.fixture] as string;
  const market = MARKETS[u.market] as string;
  const sportsbook = BOOKS[u.book] as string;
  const name = NAMES[u.name] as string;
  return {
    key: `${fixtureId}|${sportsbook}|${market}|${name}`,
    oddId: `odd-${seq}`,
    fixtureId,
    sport: 'basketball',
    league: 'NBA',
    sportsbook,
    market,
    ...(u.withIds ? { sportsbookId: sportsbook.toLowerCase().replace(/ /g, '_'), marketId: market.toLowerCase() } : {}),
    name,
    selection: name,
    selectionLine: '',
    points: null,
    americanOdds: u.price,
    isMain: u.isMain,
    isLive: false,
    locked: u.locked,
    timestamp: now - u.lag,
    receivedAt: now,
  };
}

describe('consensus working memory', () => {
  it('a memo kept between calls gives exactly the fresh computation, over random odds sequences', () => {
    fc.assert(
      fc.property(options, fc.array(update, { minLength: 1, maxLength: 150, size: 'large' }), fc.boolean(), fc.boolean(), (opts, updates, shareOneList, reversedToo) => {
        const cached = createConsensusFn(opts);
        // One list (and memo) per fixture × market as the state manager keeps them, or one list for all (the
        // consensus then filters by fixture and market: the memo must not mix them up).
        const lists = new Map<string, { list: OddsQuote[]; memo: ConsensusMemo }>();
        const one = { list: [] as OddsQuote[], memo: {} as ConsensusMemo };
        let now = T0;
        let seq = 0;
        for (const u of updates) {
          now += u.advance;
          const q = quoteOf(u, now, ++seq);
          const slot = shareOneList ? one : (lists.get(`${u.fixture}/${u.market}`) ?? lists.set(`${u.fixture}/${u.market}`, { list: [], memo: {} }).get(`${u.fixture}/${u.market}`)!);
          const i = slot.list.findIndex((x) => x.key === q.key);
          if (i < 0) slot.list.push(q);
          else if (slot.list[i]!.timestamp <= q.timestamp) slot.list[i] = q;
          for (const market of [q.market, q.marketId ?? q.market]) {
            const expected = computeConsensus(slot.list, q.fixtureId, market, now, opts) ?? undefined;
            expect(cached(slot.list, q.fixtureId, market, now, slot.memo)).toStrictEqual(expected);
            expect(cached(slot.list, q.fixtureId, market, now)).toStrictEqual(expected);
            if (reversedToo) {
              // the same memo with the quotes in other places (the memo's record of the book at each place is then wrong)
              const reversed = [...slot.list].reverse();
              expect(cached(reversed, q.fixtureId, market, now, slot.memo)).toStrictEqual(computeConsensus(reversed, q.fixtureId, market, now, opts) ?? undefined);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the memo is used: a repeated call on unchanged prices de-vigs nothing again, yet answers the same', () => {
    const quotes: OddsQuote[] = [];
    let seq = 0;
    for (const [book, home, away] of [['Pinnacle', -150, 130], ['DraftKings', -160, 140], ['FanDuel', -145, 125]] as const) {
      quotes.push(quoteOf({ fixture: 0, market: 0, book: BOOKS.indexOf(book), name: 0, price: home, locked: false, isMain: true, advance: 0, lag: 0, withIds: false }, T0, ++seq));
      quotes.push(quoteOf({ fixture: 0, market: 0, book: BOOKS.indexOf(book), name: 1, price: away, locked: false, isMain: true, advance: 0, lag: 0, withIds: false }, T0, ++seq));
    }
    const fn = createConsensusFn({ method: 'shin' });
    const memo: ConsensusMemo = {};
    const first = fn(quotes, 'F1', 'Moneyline', T0, memo);
    expect(memo.scratch!.devigs).toBe(3);
    const fairs = [...memo.scratch!.books.values()].map((b) => b.fair.slice(0, 2));
    // a new quote object at the same price: the book's de-vig is reused
    quotes[0] = { ...quotes[0]!, timestamp: T0 + 5, oddId: 'again' };
    const second = fn(quotes, 'F1', 'Moneyline', T0 + 10, memo);
    expect(memo.scratch!.devigs).toBe(3);
    expect([...memo.scratch!.books.values()].map((b) => b.fair.slice(0, 2))).toEqual(fairs);
    expect(second).toStrictEqual({ ...first, computedAt: T0 + 10 });
    // a price change de-vigs that book (only) again
    quotes[0] = { ...quotes[0]!, americanOdds: -170, timestamp: T0 + 20 };
    const third = fn(quotes, 'F1', 'Moneyline', T0 + 20, memo);
    expect(memo.scratch!.devigs).toBe(4);
    expect(memo.scratch!.books.get('Pinnacle')!.fair.slice(0, 2)).not.toEqual(fairs[0]);
    expect(third).toStrictEqual(computeConsensus(quotes, 'F1', 'Moneyline', T0 + 20, { method: 'shin' }));
    expect(third!.probabilities.Home).toBeGreaterThan(first!.probabilities.Home!);
  });
});

describe('consensus result objects', () => {
  const quote = (book: string, name: string, americanOdds: number): OddsQuote =>
    moneylineQuote(book, name, americanOdds, { oddId: `${book}-${name}`, timestamp: T0, receivedAt: T0 });

  it('each call returns its own probabilities object, keys in name order as a fresh computation makes them', () => {
    const fn = createConsensusFn({ method: 'multiplicative' });
    const memo: ConsensusMemo = {};
    // names that sort apart from their enumeration order (integer-like keys come first) and prototype names
    const names = ['b team', '10', 'a team', 'constructor', '2'];
    const quotes = ['Pinnacle', 'DraftKings'].flatMap((book, k) => names.map((n, i) => quote(book, n, 150 + 10 * i + k)));
    const first = fn(quotes, 'F1', 'Moneyline', T0, memo)!;
    const fresh = computeConsensus(quotes, 'F1', 'Moneyline', T0, { method: 'multiplicative' })!;
    expect(Object.keys(first.probabilities)).toEqual(Object.keys(fresh.probabilities));
    expect(Object.keys(first.probabilities)).toEqual(['2', '10', 'a team', 'b team', 'constructor']);
    expect(Object.getPrototypeOf(first.probabilities)).toBe(Object.prototype);
    const kept = { ...first.probabilities };
    first.probabilities['a team'] = 99; // a holder changing its own copy changes no later answer
    const second = fn(quotes, 'F1', 'Moneyline', T0 + 1, memo)!;
    expect(second.probabilities).not.toBe(first.probabilities);
    expect(second.probabilities).toStrictEqual(kept);
    expect(second).toStrictEqual({ ...fresh, computedAt: T0 + 1 });
  });

  it('the memo of options follows the options object: another one with other weights gives its own answer', () => {
    const quotes = [quote('Pinnacle', 'Home', -150), quote('Pinnacle', 'Away', 130), quote('FanDuel', 'Home', -120), quote('FanDuel', 'Away', 100)];
    const memo: ConsensusMemo = {};
    for (const opts of [{}, { weights: { fanduel: 5 } }, { dispersionScale: 0.01 }, {}] as ConsensusOptions[]) {
      expect(createConsensusFn(opts)(quotes, 'F1', 'Moneyline', T0, memo)).toStrictEqual(computeConsensus(quotes, 'F1', 'Moneyline', T0, opts) ?? undefined);
    }
  });
});
