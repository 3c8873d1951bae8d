/**
 * The state manager's odds-side memory (the consensus's working memory per fixture × market, the per-market
 * views read by consensusYes / liveWinProbabilityYes, the live model's last answer) never changes an answer:
 * over random sequences of odds updates, game updates, directory changes, clock moves and questions, every
 * answer equals that of a plain model that looks everything up and computes everything again on each question.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { ConsensusProbability, OddsQuote } from '../../../shared/domain/feed-events.js';
import type { GameState, GameStatus } from '../../../shared/domain/game.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { computeConsensus, createConsensusFn, type ConsensusOptions } from '../../../shared/feeds/fair-value/consensus.js';
import { winProbabilityForGame } from '../../../shared/feeds/fair-value/win-probability.js';
import { EventBus } from '../../../shared/state/event-bus.js';
import type { EngineEvents } from '../../../shared/state/engine-events.js';
import { MarketDirectory, type MarketLink } from '../../../shared/state/market-directory.js';
import { StateManager } from '../../../shared/state/state-manager.js';

const T0 = 1_800_000_000_000;
const FIXTURES = ['F1', 'F2'];
const TEAMS = ['Home', 'Away'];
const BOOKS = ['Pinnacle', 'DraftKings', 'FanDuel'];
const MARKETS = ['Moneyline', 'Spread'];
const SLUGS = ['m-a', 'm-b', 'm-c'];
const OPTIONS: ConsensusOptions = { method: 'multiplicative', weights: { Pinnacle: 3 } };
const win = (g: GameState, pre: number): number | undefined => winProbabilityForGame(g, pre)?.home;

type Step =
  | { k: 'odds'; quotes: { fixture: number; market: number; book: number; team: number; price: number; locked: boolean; lag: number }[] }
  | { k: 'game'; fixture: number; status: GameStatus; home: number; away: number; secondsRemaining: number | null }
  | { k: 'link'; slug: number; fixture: number; market: number; team: number; side: 'home' | 'away'; linked: boolean }
  | { k: 'clock'; ms: number }
  | { k: 'ask'; slug: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('odds' as const),
      quotes: fc.array(
        fc.record({
          fixture: fc.constantFrom(0, 0, 1),
          market: fc.constantFrom(0, 0, 0, 1),
          book: fc.nat(BOOKS.length - 1),
          team: fc.nat(1),
          price: fc.integer({ min: 100, max: 900 }).chain((a) => fc.constantFrom(a, -a)),
          locked: fc.constantFrom(false, false, false, true),
          lag: fc.integer({ min: -2_000, max: 2_000 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('game' as const),
      fixture: fc.nat(1),
      status: fc.constantFrom<GameStatus>('SCHEDULED', 'LIVE', 'LIVE', 'HALFTIME', 'FINAL'),
      home: fc.nat(120),
      away: fc.nat(120),
      secondsRemaining: fc.option(fc.integer({ min: 0, max: 2_880 }), { freq: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('link' as const),
      slug: fc.nat(SLUGS.length - 1),
      fixture: fc.nat(1),
      market: fc.constantFrom(0, 0, 0, 1),
      team: fc.nat(1),
      side: fc.constantFrom<'home' | 'away'>('home', 'away'),
      linked: fc.constantFrom(true, true, true, false),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('clock' as const), ms: fc.integer({ min: 0, max: 5_000 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('ask' as const), slug: fc.nat(SLUGS.length - 1) }) },
);

/** The plain model: the state manager's odds-side rules, with every lookup and computation made again on each question. */
class PlainOddsModel {
  private readonly quotes = new Map<string, OddsQuote[]>();
  private readonly consensusOf = new Map<string, ConsensusProbability>();
  private readonly pregame = new Map<string, number>();
  readonly games = new Map<string, GameState>();
  /** The fixture × market keys whose consensus the last odds message published, in order. */
  published: string[] = [];

  constructor(
    private readonly directory: MarketDirectory,
    private readonly clock: ManualClock,
  ) {}

  onOdds(quotes: readonly OddsQuote[]): void {
    const touched: string[] = [];
    this.published = [];
    for (const q of quotes) {
      const key = `${q.fixtureId}\u0000${q.market}`;
      const list = this.quotes.get(key) ?? this.quotes.set(key, []).get(key)!;
      const i = list.findIndex((x) => x.key === q.key);
      if (i < 0) list.push(q);
      else if (list[i]!.timestamp > q.timestamp) continue;
      else list[i] = q;
      if (!touched.includes(key)) touched.push(key);
    }
    for (const key of touched) {
      const [fixtureId, market] = key.split('\u0000') as [string, string];
      const c = computeConsensus(this.quotes.get(key)!, fixtureId, market, this.clock.now(), OPTIONS) ?? undefined;
      if (!c) {
        this.consensusOf.delete(key);
        continue;
      }
      this.consensusOf.set(key, c);
      this.published.push(key);
      const game = this.games.get(fixtureId);
      if (game && game.status !== 'SCHEDULED') continue;
      const slug = this.directory.marketsForFixture(fixtureId)[0];
      const link = slug ? this.directory.link(slug) : undefined;
      const p = link && link.oddsMarket === market ? c.probabilities[link.oddsName] : undefined;
      if (link && p !== undefined) this.pregame.set(fixtureId, link.side === 'home' ? p : 1 - p);
    }
  }

  consensus(fixtureId: string, market: string): ConsensusProbability | undefined {
    return this.consensusOf.get(`${fixtureId}\u0000${market}`);
  }

  consensusYes(slug: string): { probability: number; confidence: number; ageMs: number } | undefined {
    const link = this.directory.link(slug);
    const c = link ? this.consensus(link.fixtureId, link.oddsMarket) : undefined;
    const p = link ? c?.probabilities[link.oddsName] : undefined;
    if (!c || p === undefined) return undefined;
    return { probability: p, confidence: c.confidence, ageMs: this.clock.now() - c.computedAt + c.maxAgeMs };
  }

  liveWinProbabilityYes(slug: string): number | undefined {
    const link = this.directory.link(slug);
    const game = link ? this.games.get(link.fixtureId) : undefined;
    if (!link || !game) return undefined;
    const pre = this.pregame.get(link.fixtureId) ?? this.inferPregame(link, game);
    if (pre === undefined) return undefined;
    const home = win(game, pre);
    if (home === undefined) return undefined;
    return link.side === 'home' ? home : 1 - home;
  }

  private inferPregame(link: MarketLink, game: GameState): number | undefined {
    if (game.status !== 'LIVE' && game.status !== 'HALFTIME') return undefined;
    const p = this.consensus(link.fixtureId, link.oddsMarket)?.probabilities[link.oddsName];
    if (p === undefined) return undefined;
    const target = link.side === 'home' ? p : 1 - p;
    let lo = 0.001;
    let hi = 0.999;
    const atLo = win(game, lo);
    const atHi = win(game, hi);
    if (atLo === undefined || atHi === undefined || target < atLo || target > atHi) return undefined;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      const v = win(game, mid);
      if (v === undefined) return undefined;
      if (v < target) lo = mid;
      else hi = mid;
    }
    const pre = (lo + hi) / 2;
    this.pregame.set(link.fixtureId, pre);
    return pre;
  }
}

function gameOf(s: Extract<Step, { k: 'game' }>, at: number): GameState {
  return {
    gameId: FIXTURES[s.fixture] as string,
    sport: 'basketball',
    league: 'NBA',
    homeTeam: 'Home',
    awayTeam: 'Away',
    homeScore: s.home,
    awayScore: s.away,
    period: 1,
    clockSeconds: null,
    secondsRemaining: s.secondsRemaining,
    timeRemaining: '',
    status: s.status,
    rawStatus: s.status.toLowerCase(),
    startTime: T0,
    updatedAt: at,
  };
}

describe('state manager odds-side memory', () => {
  it('consensus, consensusYes and liveWinProbabilityYes equal the plain model over random sequences', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120, size: 'large' }), (steps) => {
        const clock = new ManualClock(T0);
        const directory = new MarketDirectory();
        const bus = new EventBus<EngineEvents>();
        const emitted: ConsensusProbability[] = [];
        bus.on('odds_update', (c) => emitted.push(c));
        const sm = new StateManager({ clock, bus, directory, consensus: createConsensusFn(OPTIONS), winProbability: win });
        const plain = new PlainOddsModel(directory, clock);
        let seq = 0;
        const askAll = () => {
          for (const slug of SLUGS) {
            expect(sm.consensusYes(slug)).toStrictEqual(plain.consensusYes(slug));
            expect(sm.liveWinProbabilityYes(slug)).toStrictEqual(plain.liveWinProbabilityYes(slug));
          }
          for (const f of FIXTURES) for (const m of MARKETS) expect(sm.consensus(f, m)).toStrictEqual(plain.consensus(f, m));
        };
        for (const s of steps) {
          switch (s.k) {
            case 'odds': {
              const quotes = s.quotes.map((x): OddsQuote => {
                const fixtureId = FIXTURES[x.fixture] as string;
                const market = MARKETS[x.market] as string;
                const name = TEAMS[x.team] as string;
                const sportsbook = BOOKS[x.book] as string;
                return {
                  key: `${fixtureId}|${sportsbook}|${market}|${name}`,
                  oddId: `odd-${++seq}`,
                  fixtureId,
                  sport: 'basketball',
                  league: 'NBA',
                  sportsbook,
                  market,
                  name,
                  selection: name,
                  selectionLine: '',
                  points: null,
                  americanOdds: x.price,
                  isMain: true,
                  isLive: false,
                  locked: x.locked,
                  timestamp: clock.now() + x.lag,
                  receivedAt: clock.now(),
                };
              });
              const before = emitted.length;
              sm.onFeedEvent({ type: 'odds', quotes, entryId: null });
              plain.onOdds(quotes);
              // what was published is what the model holds
              for (const c of emitted.slice(before)) expect(c).toStrictEqual(plain.consensus(c.fixtureId, c.market));
              // exactly the markets this message touched, each once, in first-touch order (none left over from an earlier message)
              expect(emitted.slice(before).map((c) => `${c.fixtureId}\u0000${c.market}`)).toStrictEqual(plain.published);
              break;
            }
            case 'game': {
              const g = gameOf(s, clock.now());
              sm.onFeedEvent({ type: 'game', game: g, entryId: null });
              plain.games.set(g.gameId, g);
              break;
            }
            case 'link': {
              const slug = SLUGS[s.slug] as string;
              const link: MarketLink = { fixtureId: FIXTURES[s.fixture] as string, side: s.side, oddsName: TEAMS[s.team] as string, oddsMarket: MARKETS[s.market] as string };
              directory.addMarket({ marketSlug: slug, eventSlug: 'e', title: slug, outcome: link.oddsName, tick: 10_000, minQty: contracts(1) }, s.linked ? link : undefined);
              break;
            }
            case 'clock':
              clock.advance(s.ms);
              break;
            case 'ask':
              expect(sm.consensusYes(SLUGS[s.slug] as string)).toStrictEqual(plain.consensusYes(SLUGS[s.slug] as string));
              expect(sm.liveWinProbabilityYes(SLUGS[s.slug] as string)).toStrictEqual(plain.liveWinProbabilityYes(SLUGS[s.slug] as string));
              break;
          }
        }
        askAll();
      }),
      { numRuns: 150 },
    );
  });
});
