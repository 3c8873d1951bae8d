/**
 * A computation that starts from the last one's books (the consensus's reuse of its working memory when only
 * some quotes were replaced, see reuseBooks in consensus.ts) answers exactly (bit for bit) what the full
 * computation answers. The quote lists are kept as the state manager keeps them (one per fixture × market, a
 * newer quote of a key taking its key's slot, new keys appended), with keys that give one book two quotes of
 * one outcome name (two lines of a price, a locked one beside an open one), books whose display name
 * changes, prices that turn invalid, alternate lines, locks and unlocks; and the reuse is checked to happen.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OddsQuote } from '../../../shared/domain/feed-events.js';
import { computeConsensus, createConsensusFn, type ConsensusMemo, type ConsensusOptions } from '../../../shared/feeds/fair-value/consensus.js';
import { NO_VIG_METHODS } from '../../../shared/feeds/fair-value/no-vig.js';

const T0 = 1_800_000_000_000;
const BOOKS = ['pinnacle', 'draftkings', 'fanduel', 'zerobook', 'caesars'];
const NAMES = ['Home', 'Away', 'Draw'];

interface Update {
  market: number;
  book: number;
  name: number;
  /** Which of the quote's keys (its line): mostly the first, so that books are priced again and again. */
  line: number;
  price: number;
  locked: boolean;
  /** Whether a quote of the second line is locked (often: a lock beside an open price of the same outcome). */
  lineLocked: boolean;
  isMain: boolean;
  /** The book's display name: its id, or another spelling of it. */
  shown: boolean;
  advance: number;
  lag: number;
}

const PRICES = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: 100, max: 600 }).chain((a) => fc.constantFrom(a, -a)) },
  { weight: 1, arbitrary: fc.constantFrom(50, -99, 150.5, 2_000_000) },
);

const update: fc.Arbitrary<Update> = fc.record({
  market: fc.constantFrom(0, 0, 0, 1),
  book: fc.nat(BOOKS.length - 1),
  name: fc.constantFrom(0, 1, 0, 1, 0, 1, 0, 1, 2),
  line: fc.constantFrom(0, 0, 0, 0, 0, 0, 1),
  price: PRICES,
  locked: fc.integer({ min: 0, max: 11 }).map((k) => k === 0),
  lineLocked: fc.boolean(),
  isMain: fc.integer({ min: 0, max: 15 }).map((k) => k !== 0),
  shown: fc.constantFrom(true, true, true, false),
  advance: fc.integer({ min: 0, max: 5_000 }),
  lag: fc.integer({ min: -2_000, max: 60_000 }),
});

const options: fc.Arbitrary<ConsensusOptions> = fc.record(
  {
    method: fc.constantFrom(...NO_VIG_METHODS),
    weights: fc.constantFrom<Record<string, number>>({ zerobook: 0 }, { pinnacle: 3, zerobook: 0 }, {}),
    defaultWeight: fc.constantFrom(1, 0.5),
    expireAfterMs: fc.constantFrom(null, null, null, 30_000),
    minBooks: fc.constantFrom(1, 2),
  },
  { requiredKeys: ['method'] },
);

const MARKETS = ['moneyline', 'spread'];

function quoteOf(u: Update, now: number, seq: number): OddsQuote {
  const sportsbookId = BOOKS[u.book] as string;
  const market = MARKETS[u.market] as string;
  const name = NAMES[u.name] as string;
  return {
    key: `F1|${sportsbookId}|${market}|${name}|${u.line}`,
    oddId: `odd-${seq}`,
    fixtureId: 'F1',
    sport: 'basketball',
    league: 'NBA',
    sportsbook: u.shown ? sportsbookId : sportsbookId.toUpperCase(),
    sportsbookId,
    market: market.toUpperCase(),
    marketId: market,
    name,
    selection: name,
    selectionLine: String(u.line),
    points: null,
    americanOdds: u.price,
    isMain: u.isMain,
    isLive: false,
    locked: u.line === 0 ? u.locked : u.lineLocked,
    timestamp: now - u.lag,
    receivedAt: now,
  };
}

describe('consensus reuse of the last computation', () => {
  it('answers exactly the full computation over random runs of odds updates, and is taken', () => {
    let reuses = 0;
    let calls = 0;
    // Runs with second lines are the fewer (two open prices of one book × outcome stop the reuse while both
    // stand); in some, every second-line quote is locked (a lock beside an open price of the same outcome).
    const runLines = fc.constantFrom('one', 'one', 'two', 'locked');
    fc.assert(
      fc.property(options, fc.array(fc.array(update, { minLength: 1, maxLength: 3 }), { minLength: 30, maxLength: 120 }), runLines, fc.boolean(), (opts, messages, lines, anyOrder) => {
        const fn = createConsensusFn(opts);
        const lists = new Map<string, { list: OddsQuote[]; at: Map<string, number>; memo: ConsensusMemo }>();
        let now = T0;
        let seq = 0;
        for (const message of messages) {
          now += message[0]!.advance;
          const touched = new Set<string>();
          for (const u of message) {
            const q = quoteOf(lines === 'one' ? { ...u, line: 0 } : lines === 'locked' ? { ...u, lineLocked: true } : u, now, ++seq);
            const market = q.marketId!;
            let slot = lists.get(market);
            if (!slot) lists.set(market, (slot = { list: [], at: new Map(), memo: {} }));
            const i = slot.at.get(q.key);
            if (i === undefined) {
              slot.at.set(q.key, slot.list.length);
              slot.list.push(q);
            } else if (anyOrder || slot.list[i]!.timestamp <= q.timestamp) slot.list[i] = q; // (any list must be answered right)
            touched.add(market);
          }
          for (const market of touched) {
            const slot = lists.get(market)!;
            const before = slot.memo.scratch?.reuses ?? 0;
            const got = fn(slot.list, 'F1', market, now, slot.memo);
            expect(got).toStrictEqual(computeConsensus(slot.list, 'F1', market, now, opts) ?? undefined);
            calls++;
            if ((slot.memo.scratch?.reuses ?? 0) > before) reuses++;
          }
        }
      }),
      { numRuns: 400 },
    );
    // the reuse is the common case of these runs (most updates price a known key again)
    expect(reuses).toBeGreaterThan(calls / 6);
  });
});
