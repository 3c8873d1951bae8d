import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { LiveArbitrageConfig, MarketMakerConfig, StatisticalEdgeConfig } from '../../../shared/config/schema.js';
import type { ConsensusProbability } from '../../../shared/domain/feed-events.js';
import type { GameState, GameStatus } from '../../../shared/domain/game.js';
import type { MarketState } from '../../../shared/domain/market.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { hears, StrategyDispatch, type EventKind } from '../../../shared/engine/strategy-dispatch.js';
import { isCancelRequest, NO_OUTPUT, type BaseStrategy, type StrategyOutput } from '../../../shared/strategies/base-strategy.js';
import { LiveArbitrage } from '../../../shared/strategies/live-arbitrage.js';
import { MarketMaker } from '../../../shared/strategies/market-maker.js';
import { StatisticalEdge } from '../../../shared/strategies/statistical-edge.js';
import { FakeContext, gameState } from '../strategies/fake-context.js';

const MM: MarketMakerConfig = {
  enabled: true, spread: 20_000, orderSize: 10_000_000, refreshIntervalMs: 5_000, consensusWeight: 0.5, requireConsensus: false,
  skewPerContract: 500, maxSkew: 50_000, maxInventory: contracts(200), staleBookMs: 15_000, staleConsensusMs: 120_000, pauseAfterEventMs: 3_000,
  minRequoteTicks: 1,
};
const ARB: LiveArbitrageConfig = { enabled: true, minEdge: 30_000, maxPosition: 50_000_000, confidence: 0.8, reactionWindowMs: 10_000, cooldownMs: 1_000 };
const SE: StatisticalEdgeConfig = { enabled: true, minEdge: 50_000, confidenceThreshold: 0.7, orderSize: 20_000_000, maxConsensusAgeMs: 60_000, cooldownMs: 5_000 };

const SLUGS = ['m1', 'm2', 'm3', 'm4'] as const; // m1, m2 → f1; m3 → f2; m4 has no fixture
const FIXTURES = ['f1', 'f2', 'f3'] as const; // f3 has no market
const odds = (fixtureId: string): ConsensusProbability => ({ fixtureId, market: 'Moneyline', probabilities: {}, confidence: 0.9, books: 3, maxAgeMs: 0, computedAt: 0 });

function world(ctx: FakeContext): BaseStrategy[] {
  return [new MarketMaker({ config: MM, context: ctx }), new LiveArbitrage({ config: ARB, context: ctx }), new StatisticalEdge({ config: SE, context: ctx })];
}

/** The engine before the dispatch table: every enabled strategy hears every event. */
function callEveryEnabled(strategies: readonly BaseStrategy[], kind: EventKind, payload: unknown): StrategyOutput[] {
  const out: StrategyOutput[] = [];
  for (const s of strategies) {
    if (!s.enabled) continue;
    if (kind === 'market') out.push(...s.onMarketUpdate(payload as MarketState));
    else if (kind === 'game') out.push(...s.onGameUpdate(payload as GameState));
    else if (kind === 'odds') out.push(...s.onOddsUpdate(payload as ConsensusProbability));
    else out.push(...s.onTimer(payload as number));
  }
  return out;
}

const price = fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000);
const slug = fc.constantFrom(...SLUGS);
const rarely = fc.integer({ min: 0, max: 7 }).map((x) => x === 0);
const fixture = fc.constantFrom(...FIXTURES);
const command = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 2_000, max: 30_000 })) }), weight: 2 },
  { weight: 4, arbitrary: fc.record({
    t: fc.constant('book' as const), slug, bid: fc.option(price, { nil: null }), spread: fc.integer({ min: 1, max: 10 }), noAsk: rarely,
    halted: rarely, ack: fc.boolean(),
  }) },
  { weight: 2, arbitrary: fc.record({
    t: fc.constant('game' as const), fixture, home: fc.integer({ min: 0, max: 3 }), away: fc.integer({ min: 0, max: 3 }), period: fc.integer({ min: 1, max: 2 }),
    clock: fc.constantFrom(600, 300, null), status: fc.constantFrom<GameStatus>('LIVE', 'LIVE', 'SCHEDULED', 'HALFTIME', 'FINAL', 'SUSPENDED'), ack: fc.boolean(),
  }) },
  { weight: 2, arbitrary: fc.record({
    t: fc.constant('odds' as const), fixture, p: fc.double({ min: 0.02, max: 0.98, noNaN: true }), confidence: fc.double({ min: 0.5, max: 1, noNaN: true }),
    ageMs: fc.constantFrom(0, 30_000, 90_000, 200_000), ack: fc.boolean(),
  }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('live' as const), slug, p: fc.option(fc.double({ min: 0.02, max: 0.98, noNaN: true }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('position' as const), slug, net: fc.integer({ min: -300, max: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('timer' as const), ack: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('health' as const), healthy: rarely.map((x) => !x) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('toggle' as const), index: fc.integer({ min: 0, max: 2 }) }) },
);

describe('StrategyDispatch', () => {
  it('property: the filtered dispatch gives exactly the outputs of calling every enabled strategy, event after event', () => {
    const seen = new Map<string, number>(); // 'strategy kind' → outputs over all runs: the property is not vacuous
    fc.assert(
      fc.property(fc.array(command, { minLength: 20, maxLength: 120 }), (cmds) => {
        const ctx = new FakeContext();
        ctx.links.set('m1', { fixtureId: 'f1', outcome: 'home' });
        ctx.links.set('m2', { fixtureId: 'f1', outcome: 'away' });
        ctx.links.set('m3', { fixtureId: 'f2', outcome: 'home' });
        const filtered = world(ctx);
        const reference = world(ctx);
        const errors: unknown[] = [];
        const table = new StrategyDispatch(filtered, (_s, err) => errors.push(err));
        const tell = (kind: EventKind, payload: unknown, ack: boolean): void => {
          const got = table.outputs(kind, payload as never);
          const want = callEveryEnabled(reference, kind, payload);
          expect(got).toEqual(want);
          for (const o of got) seen.set(`${o.strategyName} ${kind}`, (seen.get(`${o.strategyName} ${kind}`) ?? 0) + 1);
          // The exchange's side of it: cancels take effect, post-only quotes rest (acknowledged or not yet).
          for (const o of got) {
            if (isCancelRequest(o)) ctx.cancel(o.localIds);
            else if ((o as Signal).postOnly) ctx.rest(o as Signal, ack);
          }
        };
        for (const c of cmds) {
          switch (c.t) {
            case 'advance':
              ctx.clock.advance(c.ms);
              break;
            case 'book': {
              const ask = c.noAsk || c.bid === null ? null : Math.min(990_000, c.bid + c.spread * 10_000);
              const m = ctx.setBook(c.slug, c.bid, ask === c.bid ? null : ask, c.halted ? { state: 'MARKET_STATE_HALTED' } : {});
              tell('market', m, c.ack);
              break;
            }
            case 'game': {
              const g = gameState(c.fixture, { homeScore: c.home, awayScore: c.away, period: c.period, clockSeconds: c.clock, status: c.status, updatedAt: ctx.clock.now() });
              ctx.games.set(c.fixture, g);
              tell('game', g, c.ack);
              break;
            }
            case 'odds':
              for (const [s, l] of ctx.links) {
                if (l.fixtureId !== c.fixture) continue;
                const p = l.outcome === 'home' ? c.p : 1 - c.p;
                ctx.consensus.set(s, { probability: p, confidence: c.confidence, ageMs: c.ageMs });
              }
              tell('odds', odds(c.fixture), c.ack);
              break;
            case 'live':
              if (c.p === undefined) ctx.live.delete(c.slug);
              else ctx.live.set(c.slug, c.p);
              break;
            case 'position':
              ctx.setPosition(c.slug, contracts(c.net));
              break;
            case 'timer':
              tell('timer', ctx.clock.now(), c.ack);
              break;
            case 'health':
              ctx.healthy = c.healthy;
              break;
            case 'toggle':
              (filtered[c.index] as BaseStrategy).enabled = !(filtered[c.index] as BaseStrategy).enabled;
              (reference[c.index] as BaseStrategy).enabled = !(reference[c.index] as BaseStrategy).enabled;
              break;
          }
        }
        expect(errors).toEqual([]);
      }),
      { numRuns: 400 },
    );
    const acting = ['market_maker market', 'market_maker game', 'market_maker odds', 'market_maker timer', 'live_arbitrage market', 'live_arbitrage game', 'statistical_edge market', 'statistical_edge odds'];
    for (const k of acting) expect(seen.get(k) ?? 0, k).toBeGreaterThanOrEqual(3);
  });

  it('tells a strategy only the kinds of event it declares; no declaration means every kind', () => {
    const ctx = new FakeContext();
    const [mm, arb, stat] = world(ctx) as [BaseStrategy, BaseStrategy, BaseStrategy];
    const table = new StrategyDispatch([mm, arb, stat], () => undefined);
    expect(table.listenersOf('market')).toEqual([mm, arb, stat]);
    expect(table.listenersOf('game')).toEqual([mm, arb]);
    expect(table.listenersOf('odds')).toEqual([mm, stat]);
    expect(table.listenersOf('timer')).toEqual([mm]);
    expect(mm.interest).toBeUndefined();
    expect((['market', 'game', 'odds', 'timer'] as const).every((k) => hears(mm, k))).toBe(true);
  });

  it('the declarations are honest: a strategy returns nothing for the kinds it leaves out', () => {
    const ctx = new FakeContext();
    ctx.links.set('m1', { fixtureId: 'f1', outcome: 'home' });
    ctx.setBook('m1', 400_000, 420_000);
    ctx.consensus.set('m1', { probability: 0.6, confidence: 0.95, ageMs: 0 });
    ctx.live.set('m1', 0.7);
    const arb = new LiveArbitrage({ config: ARB, context: ctx });
    const stat = new StatisticalEdge({ config: SE, context: ctx });
    // Both would trade m1 now (fair 0.6 / 0.7 against an ask of 0.42) ...
    expect(arb.onGameUpdate(gameState('f1'))).toHaveLength(1);
    expect(stat.onMarketUpdate(ctx.markets.get('m1')!)).toHaveLength(1);
    // ... yet the kinds they leave out give nothing.
    expect(arb.onOddsUpdate(odds('f1'))).toBe(NO_OUTPUT);
    expect(arb.onTimer(ctx.clock.now())).toBe(NO_OUTPUT);
    expect(stat.onGameUpdate(gameState('f1', { homeScore: 70 }))).toBe(NO_OUTPUT);
    expect(stat.onTimer(ctx.clock.now())).toBe(NO_OUTPUT);
  });

  it('live arbitrage wants book updates only of a fixture with a game event inside the reaction window', () => {
    const ctx = new FakeContext();
    ctx.links.set('m1', { fixtureId: 'f1', outcome: 'home' });
    ctx.links.set('m3', { fixtureId: 'f2', outcome: 'home' });
    const arb = new LiveArbitrage({ config: ARB, context: ctx });
    const m1 = ctx.setBook('m1', 400_000, 420_000);
    const m3 = ctx.setBook('m3', 400_000, 420_000);
    const m4 = ctx.setBook('m4', 400_000, 420_000);
    expect(arb.wantsMarketUpdate(m1)).toBe(false); // no game event yet
    arb.onGameUpdate(gameState('f1'));
    expect(arb.wantsMarketUpdate(m1)).toBe(true);
    expect(arb.wantsMarketUpdate(m3)).toBe(false); // another fixture
    expect(arb.wantsMarketUpdate(m4)).toBe(false); // no fixture
    ctx.clock.advance(ARB.reactionWindowMs);
    expect(arb.wantsMarketUpdate(m1)).toBe(true);
    ctx.clock.advance(1);
    expect(arb.wantsMarketUpdate(m1)).toBe(false);
  });

  it('hands on one strategy output as it is, joins several in strategy order, skips the disabled, and drops only a thrower', () => {
    const a = stub('a', [sig('a')]);
    const b = stub('b', [sig('b1'), sig('b2')]);
    const boom = stub('boom', [], true);
    const errors: string[] = [];
    const table = new StrategyDispatch([a, boom, b], (s) => errors.push(s.name));
    const aOnly = a.out;
    b.enabled = false;
    expect(table.outputs('timer', 0)).toBe(aOnly); // not copied
    b.enabled = true;
    const both = table.outputs('timer', 0);
    expect(both.map((o) => (o as Signal).reason)).toEqual(['a', 'b1', 'b2']);
    expect(aOnly).toHaveLength(1); // the strategy's own array untouched
    expect(errors).toEqual(['boom', 'boom']);
    a.enabled = false;
    b.enabled = false;
    expect(table.outputs('timer', 0)).toBe(NO_OUTPUT);
  });

  it('asks wantsMarketUpdate only of enabled strategies, and calls onMarketUpdate only when it says yes', () => {
    const calls: string[] = [];
    const s: BaseStrategy = {
      name: 'market_maker',
      enabled: true,
      wantsMarketUpdate: (m) => (calls.push(`wants ${m.marketSlug}`), m.marketSlug === 'yes'),
      onMarketUpdate: (m) => (calls.push(`on ${m.marketSlug}`), NO_OUTPUT),
      onGameUpdate: () => NO_OUTPUT,
      onOddsUpdate: () => NO_OUTPUT,
      onTimer: () => NO_OUTPUT,
    };
    const table = new StrategyDispatch([s], () => undefined);
    const ctx = new FakeContext();
    table.outputs('market', ctx.setBook('no', 1, 2));
    table.outputs('market', ctx.setBook('yes', 1, 2));
    s.enabled = false;
    table.outputs('market', ctx.setBook('yes', 1, 2));
    expect(calls).toEqual(['wants no', 'wants yes', 'on yes']);
  });

  it('each kind of event reaches its own handler with its payload, only in the strategies that hear it', () => {
    const calls: string[] = [];
    const recorder = (name: string, interest?: BaseStrategy['interest']): BaseStrategy => ({
      name: name as never,
      enabled: true,
      interest,
      onMarketUpdate: (m) => (calls.push(`${name} market ${m.marketSlug}`), NO_OUTPUT),
      onGameUpdate: (g) => (calls.push(`${name} game ${g.gameId}`), NO_OUTPUT),
      onOddsUpdate: (c) => (calls.push(`${name} odds ${c.fixtureId}`), NO_OUTPUT),
      onTimer: (now) => (calls.push(`${name} timer ${now}`), NO_OUTPUT),
    });
    const table = new StrategyDispatch([recorder('all'), recorder('some', { market: false, game: true, odds: false, timer: true })], () => undefined);
    const ctx = new FakeContext();
    table.outputs('market', ctx.setBook('m1', 1, 2));
    table.outputs('game', gameState('f1'));
    table.outputs('odds', odds('f2'));
    table.outputs('timer', 42);
    expect(calls).toEqual(['all market m1', 'all game f1', 'some game f1', 'all odds f2', 'all timer 42', 'some timer 42']);
  });
});

function sig(reason: string): Signal {
  return {
    marketSlug: 'm', action: 'BUY_YES', price: 500_000, quantity: contracts(1), urgency: 'LOW', strategyName: 'market_maker', confidence: 1, reason, createdAt: 0,
  } as Signal;
}

function stub(name: string, out: StrategyOutput[], throws = false): BaseStrategy & { out: StrategyOutput[] } {
  const timer = (): readonly StrategyOutput[] => {
    if (throws) throw new Error(name);
    return out;
  };
  return { name: name as never, enabled: true, out, onMarketUpdate: () => NO_OUTPUT, onGameUpdate: () => NO_OUTPUT, onOddsUpdate: () => NO_OUTPUT, onTimer: timer };
}
