/**
 * The statistical edge strategy woken only when its inputs change: given the context's consensusRevision it
 * answers a kept refusal again without asking (statistical-edge.ts, evaluateMarket). Over random sequences of
 * consensus changes (new, gone, below the confidence threshold), book changes, the market closing and opening,
 * position changes and time passing (past the cooldown and the consensus's staleness, and going back), its
 * signals equal those of the same strategy over the same context without consensusRevision, which evaluates
 * everything on every update.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { StatisticalEdgeConfig } from '../../../shared/config/schema.js';
import type { Clock } from '../../../shared/domain/clock.js';
import type { ConsensusProbability } from '../../../shared/domain/feed-events.js';
import type { MarketState } from '../../../shared/domain/market.js';
import type { PositionState } from '../../../shared/domain/position.js';
import { contracts, qtyTimesMicros } from '../../../shared/domain/quantity.js';
import type { ConsensusYes, FixtureLink, StrategyContext } from '../../../shared/strategies/context.js';
import { StatisticalEdge } from '../../../shared/strategies/statistical-edge.js';
import { book } from './fake-context.js';

const SLUGS = ['m-a', 'm-b'];
const FIXTURE = 'F1';
/** Cooldown 5 s, staleness 20 s; orderSize 0.6 USD buys no whole contract over 0.6: there only a position to close makes a take. */
const CONFIG: StatisticalEdgeConfig = { enabled: true, minEdge: 50_000, confidenceThreshold: 0.7, orderSize: 600_000, maxConsensusAgeMs: 20_000, cooldownMs: 5_000 };

/** A consensus as the state gives it: fixed probability and confidence, its age following the clock. */
interface Held {
  probability: number;
  confidence: number;
  computedAt: number;
}

/** A context whose consensusRevision moves on every consensus change (and only then); its clock may go back. */
class RevisionContext implements StrategyContext {
  t = 1_000_000;
  readonly clock: Clock = { now: () => this.t, monotonicNs: () => 0n };
  readonly markets = new Map<string, MarketState>();
  readonly consensus = new Map<string, Held>();
  readonly positions = new Map<string, PositionState>();
  readonly revisions = new Map<string, number>();
  private seq = 0;

  market(s: string) { return this.markets.get(s); }
  marketInfo() { return undefined; }
  game() { return undefined; }
  fixtureForMarket(): Readonly<FixtureLink> { return { fixtureId: FIXTURE, outcome: 'home' }; }
  marketsForFixture() { return SLUGS; }
  consensusYes(s: string): ConsensusYes | undefined {
    const c = this.consensus.get(s);
    return c && { probability: c.probability, confidence: c.confidence, ageMs: this.t - c.computedAt };
  }
  consensusRevision(s: string): number { return this.revisions.get(s) ?? 0; }
  liveWinProbabilityYes() { return undefined; }
  position(s: string) { return this.positions.get(s); }
  restingOrders() { return []; }
  sportsFeedHealthy() { return true; }

  setConsensus(s: string, c: Held | undefined): void {
    if (c) this.consensus.set(s, c);
    else this.consensus.delete(s);
    this.revisions.set(s, ++this.seq);
  }
}

/** The same context without consensusRevision: the strategy evaluates everything on every update. */
function withoutRevision(c: RevisionContext): StrategyContext {
  return {
    clock: c.clock,
    market: (s) => c.market(s),
    marketInfo: () => c.marketInfo(),
    game: () => c.game(),
    fixtureForMarket: () => c.fixtureForMarket(),
    marketsForFixture: () => c.marketsForFixture(),
    consensusYes: (s) => c.consensusYes(s),
    liveWinProbabilityYes: () => c.liveWinProbabilityYes(),
    position: (s) => c.position(s),
    restingOrders: () => c.restingOrders(),
    sportsFeedHealthy: () => c.sportsFeedHealthy(),
  };
}

const odds = (): ConsensusProbability => ({ fixtureId: FIXTURE, market: 'Moneyline', probabilities: {}, confidence: 0.9, books: 3, maxAgeMs: 0, computedAt: 0 });

type Step =
  | { k: 'consensus'; slug: number; gone: boolean; probability: number; confidence: number }
  | { k: 'book'; slug: number; bid: number | null; ask: number | null; open: boolean }
  | { k: 'position'; slug: number; net: number }
  | { k: 'clock'; ms: number }
  | { k: 'market'; slug: number }
  | { k: 'odds' };

const price = fc.constantFrom(null, 300_000, 450_000, 500_000, 550_000, 700_000);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('consensus' as const),
      slug: fc.nat(SLUGS.length - 1),
      gone: fc.constantFrom(false, false, false, true),
      probability: fc.constantFrom(0.2, 0.4, 0.5, 0.6, 0.8, Number.NaN),
      confidence: fc.constantFrom(0.5, 0.8, 0.9),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('book' as const), slug: fc.nat(SLUGS.length - 1), bid: price, ask: price, open: fc.constantFrom(true, true, true, false) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('position' as const), slug: fc.nat(SLUGS.length - 1), net: fc.constantFrom(0, 0, 300, -300) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('clock' as const), ms: fc.constantFrom(0, 1_000, 4_000, 6_000, 15_000, 25_000, -3_000) }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('market' as const), slug: fc.nat(SLUGS.length - 1) }) },
  { weight: 2, arbitrary: fc.constant({ k: 'odds' as const }) },
);

function setPosition(c: RevisionContext, slug: string, net: number): void {
  if (net === 0) {
    c.positions.delete(slug);
    return;
  }
  const quantity = Math.abs(net);
  c.positions.set(slug, {
    marketSlug: slug, side: net > 0 ? 'YES' : 'NO', quantity, netQty: net, avgPrice: 500_000, cost: qtyTimesMicros(quantity, 500_000, 'up'),
    currentValue: 0, unrealizedPnl: 0, realizedPnl: 0, feesPaid: 0, updatedAt: 0,
  });
}

describe('StatisticalEdge woken only when its inputs change', () => {
  it('answers as the full evaluation over random consensus, book, position and clock changes', () => {
    let skipped = 0;
    let signals = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80, size: 'max' }), (steps) => {
        const ctx = new RevisionContext();
        for (const s of SLUGS) ctx.markets.set(s, book(s, 450_000, 550_000));
        const quiet = new StatisticalEdge({ config: CONFIG, context: ctx });
        const full = new StatisticalEdge({ config: CONFIG, context: withoutRevision(ctx) });
        let asked = 0;
        const counting = ctx.consensusYes.bind(ctx);
        ctx.consensusYes = (s: string) => {
          asked++;
          return counting(s);
        };
        for (const s of steps) {
          switch (s.k) {
            case 'consensus':
              ctx.setConsensus(SLUGS[s.slug] as string, s.gone ? undefined : { probability: s.probability, confidence: s.confidence, computedAt: ctx.t });
              break;
            case 'book': {
              const slug = SLUGS[s.slug] as string;
              // The state's own object, changed in place (as the state manager does).
              Object.assign(ctx.markets.get(slug) as MarketState, { yesBid: s.bid, yesAsk: s.ask, state: s.open ? 'MARKET_STATE_OPEN' : 'MARKET_STATE_CLOSED' });
              break;
            }
            case 'position':
              setPosition(ctx, SLUGS[s.slug] as string, contracts(s.net / 100));
              break;
            case 'clock':
              ctx.t += s.ms;
              break;
            case 'market': {
              const m = ctx.markets.get(SLUGS[s.slug] as string) as MarketState;
              const before = asked;
              const got = quiet.onMarketUpdate(m);
              if (asked === before && m.state === 'MARKET_STATE_OPEN') skipped++;
              const want = full.onMarketUpdate(m);
              expect(got).toStrictEqual(want);
              signals += want.length;
              break;
            }
            case 'odds': {
              const got = quiet.onOddsUpdate(odds());
              const want = full.onOddsUpdate(odds());
              expect(got).toStrictEqual(want);
              signals += want.length;
              break;
            }
          }
        }
      }),
      { numRuns: 400 },
    );
    // The runs took the skip and signalled often enough for the comparison to mean something.
    expect(skipped).toBeGreaterThan(200);
    expect(signals).toBeGreaterThan(100);
  });
});
