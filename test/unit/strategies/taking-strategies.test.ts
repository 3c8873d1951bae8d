import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { LiveArbitrageConfig, StatisticalEdgeConfig } from '../../../shared/config/schema.js';
import type { ConsensusProbability } from '../../../shared/domain/feed-events.js';
import { LiveArbitrage } from '../../../shared/strategies/live-arbitrage.js';
import { StatisticalEdge } from '../../../shared/strategies/statistical-edge.js';
import { FakeContext, gameState } from './fake-context.js';

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

  it('takes a stale ask after a score: IOC, HIGH urgency, limit at fair − edge snapped down', () => {
    ctx.setBook('home', 530_000, 550_000);
    ctx.setBook('away', 450_000, 470_000);
    ctx.live.set('home', 0.627); // the score moved the home win probability to 0.627
    ctx.live.set('away', 0.373);
    const out = arb.onGameUpdate(gameState('f1', { homeScore: 53 }));
    expect(out).toHaveLength(2);
    const home = out.find((s) => 'action' in s && s.marketSlug === 'home')!;
    expect(home).toMatchObject({ action: 'BUY_YES', price: 590_000, urgency: 'HIGH', timeInForce: 'IOC', postOnly: false, fairProbability: 0.627 });
    expect('quantity' in home && home.quantity).toBe(84); // 50 USD / 0.59
    const away = out.find((s) => 'action' in s && s.marketSlug === 'away')!;
    // bid 0.45 ≥ 0.373 + 0.03: sell YES → buy NO at long price snapUp(0.403) = 0.41
    expect(away).toMatchObject({ action: 'BUY_NO', price: 410_000 });
  });

  it('sells the YES it holds instead of buying NO', () => {
    ctx.setPosition('away', 30);
    ctx.setBook('away', 450_000, 470_000);
    ctx.live.set('away', 0.373);
    const out = arb.onGameUpdate(gameState('f1', { homeScore: 53 }));
    expect(out).toEqual([expect.objectContaining({ action: 'SELL_YES', quantity: 30, price: 410_000 })]);
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
    const m = ctx.setBook('home', 600_000, 640_000); // ask ≤ 0.70 − 0.03
    expect(arb.onMarketUpdate(m)).toHaveLength(1);
    expect(arb.onMarketUpdate(m)).toEqual([]); // cooldown
    ctx.clock.advance(20_000);
    expect(arb.onMarketUpdate(ctx.setBook('home', 600_000, 640_000))).toEqual([]); // window over
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
    expect(out).toEqual([
      expect.objectContaining({ action: 'BUY_YES', price: 530_000, urgency: 'MEDIUM', timeInForce: 'IOC', confidence: 0.85, quantity: 37 }),
    ]);
  });

  it('buys NO when the exchange is above the consensus by the edge', () => {
    ctx.setBook('home', 700_000, 720_000);
    ctx.consensus.set('home', { probability: 0.6, confidence: 0.85, ageMs: 2_000 });
    expect(se.onMarketUpdate(ctx.markets.get('home')!)).toEqual([expect.objectContaining({ action: 'BUY_NO', price: 650_000 })]);
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

  it('property: a taken price always clears min_edge against the consensus and sits on the tick', () => {
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
          if (o.action === 'BUY_YES' || o.action === 'SELL_NO') expect(o.price).toBeLessThanOrEqual(fair - SE.minEdge);
          else expect(o.price).toBeGreaterThanOrEqual(fair + SE.minEdge);
        }
      }),
    );
  });
});
