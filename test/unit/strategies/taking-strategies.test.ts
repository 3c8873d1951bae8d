import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { LiveArbitrageConfig, StatisticalEdgeConfig } from '../../../shared/config/schema.js';
import type { ConsensusProbability } from '../../../shared/domain/feed-events.js';
import { LiveArbitrage } from '../../../shared/strategies/live-arbitrage.js';
import { StatisticalEdge } from '../../../shared/strategies/statistical-edge.js';
import { takerFee } from '../../../shared/domain/fees.js';
import { DEFAULT_FEE_MODEL, ScheduleFeeModel } from '../../../shared/state/market-fees.js';
import { takeEdge } from '../../../shared/strategies/edge-taker.js';
import { probabilityToPrice } from '../../../shared/strategies/pricing.js';
import type { Signal } from '../../../shared/domain/signal.js';
import type { GameState } from '../../../shared/domain/game.js';
import type { MarketState } from '../../../shared/domain/market.js';
import { FakeContext, gameState } from './fake-context.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { contracts, ONE_CONTRACT } from '../../../shared/domain/quantity.js';

const ARB: LiveArbitrageConfig = { enabled: true, minEdge: 30_000, maxPosition: 50_000_000, confidence: 0.8, reactionWindowMs: 10_000, cooldownMs: 1_000 };
const SE: StatisticalEdgeConfig = { enabled: true, minEdge: 50_000, confidenceThreshold: 0.7, orderSize: 20_000_000, maxConsensusAgeMs: 60_000, cooldownMs: 5_000 };
const consensus = (fixtureId: string): ConsensusProbability => ({ fixtureId, market: 'Moneyline', probabilities: {}, confidence: 0.9, books: 3, maxAgeMs: 0, computedAt: 0 });

describe('LiveArbitrage', () => {
  let ctx: FakeContext;
  let arb: LiveArbitrage;
  beforeEach(() => {
    ctx = new FakeContext();
    ctx.links.set('home', { fixtureId: 'f1', outcome: 'home' });
    ctx.links.set('away', { fixtureId: 'f1', outcome: 'away' });
    ctx.games.set('f1', gameState('f1'));
    arb = new LiveArbitrage({ config: ARB, context: ctx });
    arb.onGameUpdate(gameState('f1')); // first sighting
  });

  it('takes a stale ask after a score: IOC, HIGH urgency, limit where fair − limit − taker fee ≥ edge', () => {
    ctx.setBook('home', 530_000, 550_000);
    ctx.setBook('away', 450_000, 470_000);
    ctx.live.set('home', 0.627); // the score moved the home win probability to 0.627
    ctx.live.set('away', 0.373);
    const out = arb.onGameUpdate(gameState('f1', { homeScore: 53 }));
    expect(out).toHaveLength(2);
    const home = out.find((s) => 'action' in s && s.marketSlug === 'home')!;
    // 0.59 would keep 0.627 − 0.59 − 0.0695 × 0.59 × 0.41 (0.016813) = 0.020187 < 0.03; 0.58 keeps 0.030069.
    // The edge at the ask it takes: gross 0.077, fee 0.0695 × 0.55 × 0.45 = 0.017202 (micro rounded up), net 0.059798.
    expect(home).toMatchObject({ action: 'BUY_YES', price: 580_000, urgency: 'HIGH', timeInForce: 'IOC', postOnly: false, fairProbability: 0.627 });
    expect(home).toMatchObject({ grossEdge: 77_000, netEdge: 59_798 });
    expect('quantity' in home && home.quantity).toBe(contracts(86)); // 50 USD / 0.58 = 86.2, down to whole contracts
    const away = out.find((s) => 'action' in s && s.marketSlug === 'away')!;
    // Selling long: 0.41 keeps 0.41 − 0.373 − 0.016813 < 0.03; 0.42 keeps 0.030069 → buy NO at long price 0.42.
    expect(away).toMatchObject({ action: 'BUY_NO', price: 420_000 });
  });

  it('sells the YES it holds instead of buying NO', () => {
    ctx.setPosition('away', contracts(30));
    ctx.setBook('away', 450_000, 470_000);
    ctx.live.set('away', 0.373);
    const out = arb.onGameUpdate(gameState('f1', { homeScore: 53 }));
    expect(out).toEqual([expect.objectContaining({ action: 'SELL_YES', quantity: contracts(30), price: 420_000 })]);
  });

  it('does nothing without edge, or with the game unchanged', () => {
    ctx.setBook('home', 600_000, 610_000);
    ctx.live.set('home', 0.627);
    expect(arb.onGameUpdate(gameState('f1', { homeScore: 53 }))).toEqual([]);
    ctx.setBook('home', 530_000, 550_000);
    expect(arb.onGameUpdate(gameState('f1', { homeScore: 53 }))).toEqual([]); // no change since the last update
  });

  it('reacts to a book update inside the reaction window, with a cooldown', () => {
    ctx.setBook('home', 680_000, 690_000);
    ctx.live.set('home', 0.7);
    expect(arb.onGameUpdate(gameState('f1', { homeScore: 53 }))).toEqual([]);
    ctx.clock.advance(2_000);
    const m = ctx.setBook('home', 600_000, 640_000); // ask ≤ 0.65: 0.70 − 0.65 − fee 0.015812 ≥ 0.03
    expect(arb.onMarketUpdate(m)).toHaveLength(1);
    expect(arb.onMarketUpdate(m)).toEqual([]); // cooldown
    ctx.clock.advance(20_000);
    expect(arb.onMarketUpdate(ctx.setBook('home', 600_000, 640_000))).toEqual([]); // window over
  });

  it('the answer of wantsMarketUpdate carries over only to the same market at the same time', () => {
    ctx.clock.advance(20_000);
    const m = ctx.setBook('home', 600_000, 640_000);
    expect(arb.wantsMarketUpdate(m)).toBe(false); // no game event within the window
    expect(arb.onGameUpdate(gameState('f1', { homeScore: 53 }))).toEqual([]); // no live model yet
    ctx.live.set('home', 0.7);
    expect(arb.onMarketUpdate(m)).toHaveLength(1); // the game event since is seen
    ctx.clock.advance(2_000); // past the cooldown, inside the window
    expect(arb.wantsMarketUpdate(m)).toBe(true);
    ctx.clock.advance(20_000); // the window closes before the call
    expect(arb.onMarketUpdate(m)).toEqual([]);
  });

  it('does nothing while the sports feed is unhealthy, or when the market is not open', () => {
    ctx.setBook('home', 530_000, 550_000);
    ctx.live.set('home', 0.627);
    ctx.healthy = false;
    expect(arb.onGameUpdate(gameState('f1', { homeScore: 53 }))).toEqual([]);
    ctx.healthy = true;
    ctx.setBook('home', 530_000, 550_000, { state: 'MARKET_STATE_SUSPENDED' });
    expect(arb.onGameUpdate(gameState('f1', { homeScore: 55 }))).toEqual([]);
  });
});

describe('StatisticalEdge', () => {
  let ctx: FakeContext;
  let se: StatisticalEdge;
  beforeEach(() => {
    ctx = new FakeContext();
    ctx.links.set('home', { fixtureId: 'f1', outcome: 'home' });
    se = new StatisticalEdge({ config: SE, context: ctx });
  });

  it('buys YES when the exchange is below the consensus by the edge: MEDIUM, IOC', () => {
    ctx.setBook('home', 480_000, 500_000);
    ctx.consensus.set('home', { probability: 0.583, confidence: 0.85, ageMs: 2_000 });
    const out = se.onOddsUpdate(consensus('f1'));
    // 0.53 and 0.52 keep less than 0.05 after the taker fee; 0.51 keeps 0.583 − 0.51 − 0.017369 = 0.055631.
    expect(out).toEqual([
      expect.objectContaining({ action: 'BUY_YES', price: 510_000, urgency: 'MEDIUM', timeInForce: 'IOC', confidence: 0.85, quantity: contracts(39) }),
    ]);
  });

  it("sizes on the market's size step, read again when the context's directory revision moves", () => {
    let revision = 1;
    const c = Object.assign(ctx, { directoryRevision: () => revision });
    const info = { marketSlug: 'home', eventSlug: 'e', title: 'home', outcome: 'home', tick: 10_000, minQty: contracts(10) };
    c.infos.set('home', info);
    ctx.setBook('home', 480_000, 500_000);
    ctx.consensus.set('home', { probability: 0.583, confidence: 0.85, ageMs: 2_000 });
    expect(se.onOddsUpdate(consensus('f1'))).toEqual([expect.objectContaining({ price: 510_000, quantity: contracts(30) })]);
    // Inside the cooldown: nothing, whatever the directory says.
    c.infos.set('home', { ...info, minQty: ONE_CONTRACT });
    revision++;
    expect(se.onOddsUpdate(consensus('f1'))).toEqual([]);
    ctx.clock.advance(SE.cooldownMs);
    expect(se.onOddsUpdate(consensus('f1'))).toEqual([expect.objectContaining({ price: 510_000, quantity: contracts(39) })]);
  });

  it('buys NO when the exchange is above the consensus by the edge', () => {
    ctx.setBook('home', 700_000, 720_000);
    ctx.consensus.set('home', { probability: 0.6, confidence: 0.85, ageMs: 2_000 });
    // 0.65 and 0.66 keep less than 0.05 after the fee; 0.67 keeps 0.67 − 0.60 − 0.015367 = 0.054633.
    expect(se.onMarketUpdate(ctx.markets.get('home')!)).toEqual([expect.objectContaining({ action: 'BUY_NO', price: 670_000 })]);
  });

  it('ignores an edge below min_edge, a low-confidence or an old consensus', () => {
    ctx.setBook('home', 480_000, 500_000);
    ctx.consensus.set('home', { probability: 0.545, confidence: 0.85, ageMs: 0 });
    expect(se.onOddsUpdate(consensus('f1'))).toEqual([]);
    ctx.consensus.set('home', { probability: 0.6, confidence: 0.6, ageMs: 0 });
    expect(se.onOddsUpdate(consensus('f1'))).toEqual([]);
    ctx.consensus.set('home', { probability: 0.6, confidence: 0.9, ageMs: 61_000 });
    expect(se.onOddsUpdate(consensus('f1'))).toEqual([]);
  });

  it('property: a taken price always clears min_edge after the taker fee, sits on the tick and states its edges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 98 }), fc.integer({ min: 1, max: 5 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (bidT, width, p) => {
        const c = new FakeContext();
        c.links.set('m', { fixtureId: 'f', outcome: 'home' });
        const s = new StatisticalEdge({ config: SE, context: c });
        const ask = Math.min(99, bidT + width);
        c.setBook('m', bidT * 10_000, ask * 10_000);
        c.consensus.set('m', { probability: p, confidence: 0.9, ageMs: 0 });
        const fair = Math.round(p * 1e6);
        for (const o of s.onOddsUpdate(consensus('f'))) {
          if (!('action' in o)) continue;
          expect(o.price % 10_000).toBe(0);
          const fee = takerFee(contracts(1_000_000), o.price) / 1_000_000; // exact fee of one contract, micros
          const buys = o.action === 'BUY_YES' || o.action === 'SELL_NO';
          if (buys) expect(fair - o.price - fee).toBeGreaterThanOrEqual(SE.minEdge);
          else expect(o.price - fair - fee).toBeGreaterThanOrEqual(SE.minEdge);
          const touch = buys ? ask * 10_000 : bidT * 10_000;
          expect(o.grossEdge).toBe(buys ? fair - touch : touch - fair);
          expect(o.netEdge).toBe(o.grossEdge! - Math.ceil(takerFee(contracts(1_000_000), touch) / 1_000_000));
          expect(o.netEdge).toBeGreaterThanOrEqual(SE.minEdge);
        }
      }),
    );
  });
});

/** A wall clock that a correction may also step back. */
class SteppingClock extends ManualClock {
  private at = 1_000_000;
  override now(): number {
    return this.at;
  }
  step(ms: number): void {
    this.at += ms;
  }
}

class SteppingBackContext extends FakeContext {
  override readonly clock = new SteppingClock();
}

/**
 * Live arbitrage's rules written plainly, asking the context every time (the directory's info, the live model,
 * the position): its signal for `slug` now, or none. `last` holds each market's last signal time.
 */
/** The taking strategies' first two rules written plainly: the market's state when it is open and out of its cooldown. */
function openPastCooldown(c: FakeContext, last: Map<string, number>, slug: string, cooldownMs: number): MarketState | undefined {
  const market = c.market(slug);
  if (!market || market.state !== 'MARKET_STATE_OPEN') return undefined;
  const t = last.get(slug);
  return t !== undefined && c.clock.now() - t < cooldownMs ? undefined : market;
}

function plainLiveArbitrage(c: SteppingBackContext, last: Map<string, number>, slug: string, reason: string): Signal | undefined {
  const now = c.clock.now();
  const market = openPastCooldown(c, last, slug, ARB.cooldownMs);
  if (!market) return undefined;
  const p = c.liveWinProbabilityYes(slug);
  if (p === undefined) return undefined;
  const info = c.marketInfo(slug);
  const signal = takeEdge({
    market, fair: probabilityToPrice(p), minEdge: ARB.minEdge, tick: info?.tick ?? 10_000, sizeStep: info?.minQty, rates: DEFAULT_FEE_MODEL.ratesFor(slug, now),
    budget: ARB.maxPosition, position: c.position(slug), strategyName: 'live_arbitrage', urgency: 'HIGH', confidence: ARB.confidence,
    fairProbability: p, reason: `live arbitrage on ${reason}`, now,
  });
  if (signal) last.set(slug, now);
  return signal;
}

describe('LiveArbitrage against its rules written plainly', () => {
  it('property: over game and book updates, with a clock that also steps back, the signals of the plain rules (the cooldown asked every time)', () => {
    const step = fc.record({
      advance: fc.constantFrom(-1_500, -300, 0, 300, 999, 1_000, 1_001, 4_000, 12_000),
      game: fc.boolean(),
      scored: fc.boolean(),
      market: fc.constantFrom('home', 'away'),
      bid: fc.integer({ min: 30, max: 60 }),
      width: fc.integer({ min: 1, max: 3 }),
      p: fc.constantFrom(0.3, 0.45, 0.7, 0.75),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const c = new SteppingBackContext();
        c.links.set('home', { fixtureId: 'f1', outcome: 'home' });
        c.links.set('away', { fixtureId: 'f1', outcome: 'away' });
        let game = gameState('f1');
        c.games.set('f1', game);
        c.setBook('home', 450_000, 470_000);
        c.setBook('away', 530_000, 550_000);
        c.live.set('home', 0.75);
        const la = new LiveArbitrage({ config: ARB, context: c });
        const last = new Map<string, number>();
        let eventAt: number | undefined;
        const expected = (slug: string, reason: string): Signal | undefined => plainLiveArbitrage(c, last, slug, reason);
        // The first sighting of a live game is a game event.
        eventAt = c.clock.now();
        expect(la.onGameUpdate(game)).toEqual([expected('home', 'clock change')].filter((e) => e !== undefined));
        let n = 0;
        for (const x of steps) {
          c.clock.step(x.advance);
          const now = c.clock.now();
          c.live.set(x.market, x.p);
          const want: Signal[] = [];
          let got: readonly unknown[];
          if (x.game) {
            n++;
            game = x.scored ? { ...game, homeScore: game.homeScore + 1 } : { ...game, clockSeconds: (game.clockSeconds ?? 0) + n };
            c.games.set('f1', game);
            eventAt = now;
            for (const slug of ['home', 'away']) {
              const e = expected(slug, x.scored ? 'score change' : 'clock change');
              if (e) want.push(e);
            }
            got = la.onGameUpdate(game);
          } else {
            const m = c.setBook(x.market, x.bid * 10_000, (x.bid + x.width) * 10_000);
            if (eventAt !== undefined && now - eventAt <= ARB.reactionWindowMs) {
              const e = expected(x.market, 'book update after game event');
              if (e) want.push(e);
            }
            got = la.wantsMarketUpdate(m) ? la.onMarketUpdate(m) : [];
          }
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** A context whose market directory has a revision, moved by every relink or info change (StrategyContext.directoryRevision). */
class RevisedContext extends SteppingBackContext {
  rev = 0;
  directoryRevision(): number {
    return this.rev;
  }
  relink(slug: string, fixtureId: string | undefined, outcome: 'home' | 'away'): void {
    if (fixtureId === undefined) this.links.delete(slug);
    else this.links.set(slug, { fixtureId, outcome });
    this.rev++;
  }
  setInfo(slug: string, tick: number, minQty: number): void {
    this.infos.set(slug, { marketSlug: slug, eventSlug: 'e', title: slug, outcome: slug, tick, minQty });
    this.rev++;
  }
}

describe('LiveArbitrage per-market marks against the plain rules', () => {
  it('property: with markets relinked between fixtures, infos and positions changing, two games and the clock stepping back, the signals of the plain rules asking the directory every time', () => {
    const action = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('game' as const), fixture: fc.constantFrom('f1', 'f2'), scored: fc.boolean(), live: fc.constantFrom(true, true, false) }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('book' as const), market: fc.constantFrom('a', 'b', 'c'), bid: fc.integer({ min: 30, max: 60 }), width: fc.integer({ min: 1, max: 3 }) }), weight: 5 },
      fc.record({ kind: fc.constant('relink' as const), market: fc.constantFrom('a', 'b', 'c'), fixture: fc.constantFrom('f1', 'f2', undefined) }),
      fc.record({ kind: fc.constant('info' as const), market: fc.constantFrom('a', 'b', 'c'), tick: fc.constantFrom(10_000, 20_000, 50_000), minQty: fc.constantFrom(1, 100, 1_000) }),
      fc.record({ kind: fc.constant('position' as const), market: fc.constantFrom('a', 'b', 'c'), net: fc.integer({ min: -3, max: 3 }) }),
      fc.record({ kind: fc.constant('time' as const), ms: fc.constantFrom(-1_500, 0, 999, 1_000, 1_001, 9_000, 10_000, 10_001, 30_000) }),
      fc.record({ kind: fc.constant('fair' as const), market: fc.constantFrom('a', 'b', 'c'), p: fc.constantFrom(0.3, 0.45, 0.7, 0.75) }),
    );
    // Each step lets the clock run (often past the cooldown, sometimes to the reaction window's edge) before its action.
    const step = fc.record({ advance: fc.constantFrom(0, 300, 999, 1_000, 2_500, 10_000), action });
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 60 }), (steps) => {
        const c = new RevisedContext();
        c.relink('a', 'f1', 'home');
        c.relink('b', 'f1', 'away');
        c.relink('c', 'f2', 'home');
        const games = new Map([['f1', gameState('f1')], ['f2', gameState('f2')]]);
        for (const slug of ['a', 'b', 'c']) {
          c.setBook(slug, 450_000, 470_000);
          c.live.set(slug, 0.75);
        }
        const la = new LiveArbitrage({ config: ARB, context: c });
        const last = new Map<string, number>();
        const eventAt = new Map<string, number>();
        const marks = new Map<string, string>();
        const expected = (slug: string, reason: string): Signal | undefined => plainLiveArbitrage(c, last, slug, reason);
        let n = 0;
        for (const { advance, action: x } of steps) {
          c.clock.step(advance);
          const now = c.clock.now();
          if (x.kind === 'time') c.clock.step(x.ms);
          else if (x.kind === 'relink') c.relink(x.market, x.fixture, x.market === 'b' ? 'away' : 'home');
          else if (x.kind === 'info') c.setInfo(x.market, x.tick, x.minQty);
          else if (x.kind === 'position') c.setPosition(x.market, contracts(x.net));
          else if (x.kind === 'fair') c.live.set(x.market, x.p);
          else if (x.kind === 'game') {
            n++;
            const g0 = games.get(x.fixture)!;
            const g = x.scored ? { ...g0, homeScore: g0.homeScore + 1 } : { ...g0, clockSeconds: (g0.clockSeconds ?? 0) + n };
            const game: GameState = { ...g, status: x.live ? 'LIVE' : 'HALFTIME' };
            games.set(x.fixture, game);
            c.games.set(x.fixture, game);
            const seen = marks.has(x.fixture);
            const changed = !seen || marks.get(x.fixture) !== `${game.homeScore}:${game.clockSeconds}`;
            marks.set(x.fixture, `${game.homeScore}:${game.clockSeconds}`);
            const want: Signal[] = [];
            if (changed && game.status === 'LIVE') {
              eventAt.set(x.fixture, now);
              for (const slug of c.marketsForFixture(x.fixture)) {
                const e = expected(slug, seen && x.scored ? 'score change' : 'clock change');
                if (e) want.push(e);
              }
            }
            expect(la.onGameUpdate(game)).toEqual(want);
          } else {
            const m = c.setBook(x.market, x.bid * 10_000, (x.bid + x.width) * 10_000);
            const link = c.fixtureForMarket(x.market);
            const at = link && eventAt.get(link.fixtureId);
            const want: Signal[] = [];
            if (link && at !== undefined && now - at <= ARB.reactionWindowMs && c.game(link.fixtureId)?.status === 'LIVE') {
              const e = expected(x.market, 'book update after game event');
              if (e) want.push(e);
            }
            expect(la.wantsMarketUpdate(m) ? la.onMarketUpdate(m) : []).toEqual(want);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('StatisticalEdge against its rules written plainly', () => {
  it('property: over a run of book and consensus updates, the signals of the plain order of tests (cooldown first) with a fresh takeEdge input each', () => {
    const step = fc.record({
      advance: fc.constantFrom(0, 1_000, 2_000, 5_000),
      market: fc.constantFrom('a', 'b'),
      bid: fc.integer({ min: 30, max: 60 }),
      width: fc.integer({ min: 1, max: 4 }),
      p: fc.constantFrom(0.35, 0.45, 0.5, 0.55, 0.62),
      confidence: fc.constantFrom(0.6, 0.9),
      ageMs: fc.constantFrom(0, 70_000),
      open: fc.boolean(),
      viaOdds: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const c = new FakeContext();
        c.links.set('a', { fixtureId: 'f', outcome: 'home' });
        c.links.set('b', { fixtureId: 'f', outcome: 'away' });
        const se = new StatisticalEdge({ config: SE, context: c });
        const last = new Map<string, number>();
        // The rules in their plain order, for one market now.
        const expected = (slug: string): Signal | undefined => {
          const now = c.clock.now();
          const market = openPastCooldown(c, last, slug, SE.cooldownMs);
          if (!market) return undefined;
          const k = c.consensusYes(slug);
          if (!k || !Number.isFinite(k.probability) || k.confidence < SE.confidenceThreshold || k.ageMs > SE.maxConsensusAgeMs) return undefined;
          const signal = takeEdge({
            market, fair: probabilityToPrice(k.probability), minEdge: SE.minEdge, tick: 10_000, sizeStep: undefined, rates: DEFAULT_FEE_MODEL.ratesFor(slug, now),
            budget: SE.orderSize, position: c.position(slug), strategyName: 'statistical_edge', urgency: 'MEDIUM', confidence: k.confidence,
            fairProbability: k.probability, reason: 'exchange vs sportsbook consensus', now,
          });
          if (signal) last.set(slug, now);
          return signal;
        };
        for (const x of steps) {
          c.clock.advance(x.advance);
          const m = c.setBook(x.market, x.bid * 10_000, (x.bid + x.width) * 10_000, x.open ? {} : { state: 'MARKET_STATE_HALTED' });
          c.consensus.set(x.market, { probability: x.p, confidence: x.confidence, ageMs: x.ageMs });
          const want: Signal[] = [];
          for (const slug of x.viaOdds ? ['a', 'b'] : [x.market]) {
            const e = expected(slug);
            if (e) want.push(e);
          }
          expect(x.viaOdds ? se.onOddsUpdate(consensus('f')) : se.onMarketUpdate(m)).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('taking strategies with per-market fee coefficients', () => {
  it('a market with a higher feeCoefficient needs a cheaper ask for the same edge', () => {
    const ctx = new FakeContext();
    ctx.links.set('cheap', { fixtureId: 'f1', outcome: 'home' });
    ctx.links.set('dear', { fixtureId: 'f1', outcome: 'home' });
    const coefficients: Record<string, number> = { dear: 150_000 }; // Θ 0.15 on one market, the default 0.0695 elsewhere
    const fees = new ScheduleFeeModel(
      { defaults: { takerThetaPpm: 69_500, makerThetaPpm: 12_500 }, overrides: [] },
      (slug) => ({ feeCoefficientPpm: coefficients[slug] ?? null }),
    );
    const se = new StatisticalEdge({ config: SE, context: ctx, fees });
    ctx.setBook('cheap', 480_000, 500_000);
    ctx.setBook('dear', 480_000, 500_000);
    ctx.consensus.set('cheap', { probability: 0.583, confidence: 0.85, ageMs: 0 });
    ctx.consensus.set('dear', { probability: 0.583, confidence: 0.85, ageMs: 0 });
    const out = se.onOddsUpdate(consensus('f1'));
    // cheap: limit 0.51 as above. dear: 0.51 keeps 0.073 − 0.15 × 0.51 × 0.49 (0.037485) = 0.035515 < 0.05;
    // 0.50 keeps 0.083 − 0.0375 = 0.0455 < 0.05; 0.49 keeps 0.093 − 0.037485 = 0.055515 → limit 0.49 under the ask 0.50: no trade.
    expect(out).toEqual([expect.objectContaining({ marketSlug: 'cheap', price: 510_000 })]);
    ctx.setBook('dear', 470_000, 490_000);
    ctx.clock.advance(10_000);
    expect(se.onOddsUpdate(consensus('f1'))).toEqual(
      expect.arrayContaining([expect.objectContaining({ marketSlug: 'dear', price: 490_000, grossEdge: 93_000, netEdge: 93_000 - 37_485 })]),
    );
  });

  it('a scheduled per-sport change applies from its date', () => {
    const ctx = new FakeContext();
    ctx.links.set('tt', { fixtureId: 'f1', outcome: 'home' });
    const at = ctx.clock.now() + 60_000;
    const fees = new ScheduleFeeModel(
      { defaults: { takerThetaPpm: 69_500, makerThetaPpm: 12_500 }, overrides: [{ sport: 'table_tennis', effectiveFrom: at, takerThetaPpm: 200_000 }] },
      () => ({ sport: 'table_tennis' }),
    );
    const se = new StatisticalEdge({ config: { ...SE, cooldownMs: 0 }, context: ctx, fees });
    ctx.setBook('tt', 480_000, 500_000);
    ctx.consensus.set('tt', { probability: 0.583, confidence: 0.85, ageMs: 0 });
    expect(se.onOddsUpdate(consensus('f1'))).toEqual([expect.objectContaining({ price: 510_000 })]);
    ctx.clock.advance(60_000);
    // Θ 0.20: 0.50 keeps 0.083 − 0.05 = 0.033; 0.48 keeps 0.103 − 0.04992 = 0.05308 → limit 0.48 under the ask: nothing.
    expect(se.onOddsUpdate(consensus('f1'))).toEqual([]);
  });
});
