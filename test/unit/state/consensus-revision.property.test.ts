/**
 * StateManager.consensusRevision: while a market's revision stays the same, consensusYes's answer for it keeps
 * its presence, probability and confidence, and its ageMs moves exactly with the clock. Over random sequences
 * of odds messages (which move the consensus, or leave it absent), directory changes (a market linked to
 * another fixture, market or team, or unlinked) and clock moves, every question is checked against the
 * answer given at the last question that saw the same revision.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { OddsQuote } from '../../../shared/domain/feed-events.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { createConsensusFn } from '../../../shared/feeds/fair-value/consensus.js';
import { winProbabilityForGame } from '../../../shared/feeds/fair-value/win-probability.js';
import { EventBus } from '../../../shared/state/event-bus.js';
import type { EngineEvents } from '../../../shared/state/engine-events.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';
import { StateManager } from '../../../shared/state/state-manager.js';

const T0 = 1_800_000_000_000;
const FIXTURES = ['F1', 'F2'];
const TEAMS = ['Home', 'Away'];
const BOOKS = ['Pinnacle', 'DraftKings'];
const MARKETS = ['Moneyline', 'Spread'];
const SLUGS = ['m-a', 'm-b', 'm-c'];

type Step =
  | { k: 'odds'; fixture: number; market: number; book: number; team: number; price: number }
  | { k: 'link'; slug: number; fixture: number; market: number; team: number; linked: boolean }
  | { k: 'clock'; ms: number }
  | { k: 'ask'; slug: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('odds' as const),
      fixture: fc.nat(1),
      market: fc.constantFrom(0, 0, 1),
      book: fc.nat(BOOKS.length - 1),
      team: fc.nat(1),
      price: fc.constantFrom(-200, -110, 120, 250),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('link' as const), slug: fc.nat(SLUGS.length - 1), fixture: fc.nat(1), market: fc.constantFrom(0, 0, 1), team: fc.nat(1), linked: fc.constantFrom(true, true, false) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('clock' as const), ms: fc.constantFrom(0, 500, 3_000) }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('ask' as const), slug: fc.nat(SLUGS.length - 1) }) },
);

interface Seen {
  rev: number;
  at: number;
  answer: { probability: number; confidence: number; ageMs: number } | undefined;
}

describe('StateManager.consensusRevision', () => {
  it('at one revision, consensusYes keeps its answer but for the age, which follows the clock', () => {
    let same = 0;
    let moved = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 100, size: 'max' }), (steps) => {
        const clock = new ManualClock(T0);
        const directory = new MarketDirectory();
        const bus = new EventBus<EngineEvents>();
        const sm = new StateManager({
          clock, bus, directory, consensus: createConsensusFn({ method: 'multiplicative' }), winProbability: (g, pre) => winProbabilityForGame(g, pre)?.home,
        });
        const seen = new Map<string, Seen>();
        let seq = 0;
        for (const s of steps) {
          switch (s.k) {
            case 'odds': {
              const fixtureId = FIXTURES[s.fixture] as string;
              const market = MARKETS[s.market] as string;
              const name = TEAMS[s.team] as string;
              const sportsbook = BOOKS[s.book] as string;
              const quote: OddsQuote = {
                key: `${fixtureId}|${sportsbook}|${market}|${name}`, oddId: `odd-${++seq}`, fixtureId, sport: 'basketball', league: 'NBA', sportsbook, market, name,
                selection: name, selectionLine: '', points: null, americanOdds: s.price, isMain: true, isLive: false, locked: false, timestamp: clock.now(), receivedAt: clock.now(),
              };
              sm.onFeedEvent({ type: 'odds', quotes: [quote], entryId: null });
              break;
            }
            case 'link': {
              const slug = SLUGS[s.slug] as string;
              const link = { fixtureId: FIXTURES[s.fixture] as string, side: 'home' as const, oddsName: TEAMS[s.team] as string, oddsMarket: MARKETS[s.market] as string };
              directory.addMarket({ marketSlug: slug, eventSlug: 'e', title: slug, outcome: link.oddsName, tick: 10_000, minQty: contracts(1) }, s.linked ? link : undefined);
              break;
            }
            case 'clock':
              clock.advance(s.ms);
              break;
            case 'ask': {
              const slug = SLUGS[s.slug] as string;
              const rev = sm.consensusRevision(slug);
              const y = sm.consensusYes(slug);
              const answer = y && { ...y };
              const last = seen.get(slug);
              if (last !== undefined && last.rev === rev) {
                same++;
                const aged = last.answer && { ...last.answer, ageMs: last.answer.ageMs + (clock.now() - last.at) };
                expect(answer).toStrictEqual(aged);
              } else if (last !== undefined && JSON.stringify(answer) !== JSON.stringify(last.answer)) {
                moved++;
              }
              seen.set(slug, { rev, at: clock.now(), answer });
              break;
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    // Both cases were met often: revisions that stood and answers that moved with a new one.
    expect(same).toBeGreaterThan(1_000);
    expect(moved).toBeGreaterThan(200);
  });
});
