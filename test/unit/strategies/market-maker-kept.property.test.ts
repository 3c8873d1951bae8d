/**
 * What the market maker keeps per market — the fixture link, tick and size step (read again only when the
 * context's directory revision moves), the fee model's handle of the market and the context's handle of its
 * resting orders (taken again when the context's owner of handles changes) — must change nothing: a maker
 * whose context tells a directory revision and gives handles, and whose fee model has handles, must emit exactly what a maker
 * asking the context and the fee model on every event emits, over random books, time passing, directory
 * changes (fixture link, tick, size step, fee coefficient, sport), game events, its own orders resting,
 * being modified and cancelled, and the owner of the resting-order handles changing (a mode switch).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MarketMakerConfig } from '../../../shared/config/schema.js';
import { feeRatesUncached, type FeeSchedule } from '../../../shared/domain/fees.js';
import type { TrackedOrder } from '../../../shared/domain/order.js';
import { ONE_CONTRACT, contracts } from '../../../shared/domain/quantity.js';
import { isCancelRequest, splitOutputs, type StrategyOutput } from '../../../shared/strategies/base-strategy.js';
import { MarketMaker } from '../../../shared/strategies/market-maker.js';
import { ScheduleFeeModel, type FeeModel } from '../../../shared/state/market-fees.js';
import { FakeContext, gameState } from './fake-context.js';

const CFG: MarketMakerConfig = {
  enabled: true, spread: 30_000, orderSize: 10_000_000, refreshIntervalMs: 5_000, consensusWeight: 0.5, requireConsensus: false,
  skewPerContract: 500, maxSkew: 50_000, maxInventory: contracts(200), staleBookMs: 15_000, staleConsensusMs: 120_000, pauseAfterEventMs: 3_000,
  minRequoteTicks: 1,
};
const SLUGS = ['m1', 'm2'] as const;
const SCHEDULE: FeeSchedule = {
  defaults: { takerThetaPpm: 70_000, makerThetaPpm: 12_500 },
  overrides: [{ sport: 'table_tennis', effectiveFrom: 1_003_000, makerThetaPpm: 50_000 }],
};

/**
 * A context telling a directory revision and giving resting-order handles: one array per market and strategy
 * per owner, kept in step (`sync`, the tracker's upkeep) only while that owner is current; `swap` (a mode
 * switch) makes a new owner whose handles are new arrays, the old ones left as they were.
 */
class RevisionContext extends FakeContext {
  revision = 0;
  private owner: object = {};
  private handles = new Map<string, TrackedOrder[]>();
  directoryRevision(): number {
    return this.revision;
  }
  restingOrdersOwner(): object {
    return this.owner;
  }
  restingOrdersHandle(slug: string, strategy: string): readonly Readonly<TrackedOrder>[] {
    const key = `${slug}|${strategy}`;
    let h = this.handles.get(key);
    if (h === undefined) this.handles.set(key, (h = [...this.restingOrders(slug, strategy)]));
    return h;
  }
  sync(): void {
    for (const [key, h] of this.handles) {
      const [slug, strategy] = key.split('|') as [string, string];
      h.splice(0, h.length, ...this.restingOrders(slug, strategy));
    }
  }
  swap(): void {
    this.owner = {};
    this.handles = new Map();
  }
}

const price = fc.integer({ min: 5, max: 95 }).map((c) => c * 10_000);
const op = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('book' as const), slug: fc.nat(1), bid: price, ask: price }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('clock' as const), ms: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7_000 })) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('dir' as const),
      slug: fc.nat(1),
      fixture: fc.constantFrom('f1', 'f2', 'none'),
      tick: fc.constantFrom(10_000, 2_500),
      step: fc.constantFrom(ONE_CONTRACT, contracts(5)),
      coefficient: fc.constantFrom(undefined, 50_000),
      sport: fc.constantFrom(undefined, 'table_tennis'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('game' as const), id: fc.constantFrom('f1', 'f2'), status: fc.constantFrom('LIVE', 'FINAL'), home: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('odds' as const), slug: fc.nat(1), p: fc.integer({ min: 10, max: 90 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('timer' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const) }) },
);

interface World {
  ctx: FakeContext;
  maker: MarketMaker;
  bump(): void;
}

function world(kept: boolean): World {
  const ctx = kept ? new RevisionContext() : new FakeContext();
  const fees: FeeModel = kept
    ? new ScheduleFeeModel(SCHEDULE, (s) => ctx.infos.get(s), () => (ctx as RevisionContext).revision)
    : { ratesFor: (s, now) => feeRatesUncached(SCHEDULE, ctx.infos.get(s) ?? {}, now) };
  ctx.games.set('f1', gameState('f1'));
  ctx.games.set('f2', gameState('f2'));
  for (const s of SLUGS) ctx.links.set(s, { fixtureId: 'f1', outcome: 'home' });
  // m2 starts in the sport whose maker rebate the schedule raises at 1_003_000 (the clock starts at 1_000_000).
  ctx.infos.set('m2', { marketSlug: 'm2', eventSlug: 'e', title: 'm2', outcome: 'home', tick: 10_000, minQty: ONE_CONTRACT, sport: 'table_tennis' });
  const maker = new MarketMaker({ config: CFG, context: ctx, fees });
  return { ctx, maker, bump: () => { if (kept) (ctx as RevisionContext).revision++; } };
}

/** The outputs, then rested (signals) or applied (cancels) on the world's orders. */
function settle(w: World, out: readonly StrategyOutput[]): readonly StrategyOutput[] {
  for (const o of out) if (isCancelRequest(o)) w.ctx.cancel([...o.localIds]);
  for (const s of splitOutputs(out).signals) w.ctx.rest(s);
  if (w.ctx instanceof RevisionContext) w.ctx.sync();
  return out;
}

describe('MarketMaker: what it keeps per market changes nothing', () => {
  it('emits what a maker asking the context and the fee model every time emits', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const worlds = [world(true), world(false)];
        for (const o of ops) {
          const outs = worlds.map((w) => {
            const { ctx, maker } = w;
            switch (o.kind) {
              case 'book': {
                const [bid, ask] = o.bid < o.ask ? [o.bid, o.ask] : [o.ask, o.bid === o.ask ? o.ask + 10_000 : o.bid];
                return settle(w, maker.onMarketUpdate(ctx.setBook(SLUGS[o.slug] as string, bid, ask)));
              }
              case 'clock':
                ctx.clock.advance(o.ms);
                return [];
              case 'dir': {
                const slug = SLUGS[o.slug] as string;
                if (o.fixture === 'none') ctx.links.delete(slug);
                else ctx.links.set(slug, { fixtureId: o.fixture, outcome: 'home' });
                ctx.infos.set(slug, {
                  marketSlug: slug, eventSlug: 'e', title: slug, outcome: 'home', tick: o.tick, minQty: o.step,
                  ...(o.coefficient === undefined ? {} : { feeCoefficientPpm: o.coefficient }),
                  ...(o.sport === undefined ? {} : { sport: o.sport }),
                });
                w.bump();
                return [];
              }
              case 'game': {
                const g = gameState(o.id, { status: o.status as 'LIVE', homeScore: 50 + o.home });
                ctx.games.set(o.id, g);
                return settle(w, maker.onGameUpdate(g));
              }
              case 'odds': {
                const slug = SLUGS[o.slug] as string;
                ctx.consensus.set(slug, { probability: o.p / 100, confidence: 0.8, ageMs: 0 });
                const fixtureId = ctx.links.get(slug)?.fixtureId ?? 'f1';
                return settle(w, maker.onOddsUpdate({ fixtureId, market: 'moneyline', homeProbability: o.p / 100, awayProbability: 1 - o.p / 100, bookCount: 3, confidence: 0.8, receivedAt: ctx.clock.now() } as never));
              }
              case 'timer':
                return settle(w, maker.onTimer(ctx.clock.now()));
              case 'swap':
                if (ctx instanceof RevisionContext) ctx.swap();
                return [];
            }
          });
          expect(outs[0]).toEqual(outs[1]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
