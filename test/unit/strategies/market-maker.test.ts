import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MarketMakerConfig } from '../../../shared/config/schema.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { isCancelRequest, splitOutputs, type StrategyOutput } from '../../../shared/strategies/base-strategy.js';
import { MarketMaker } from '../../../shared/strategies/market-maker.js';
import { ONE_CONTRACT, contracts } from '../../../shared/domain/quantity.js';
import { FakeContext, gameState } from './fake-context.js';
import { DEFAULT_FEE_MODEL } from '../../../shared/state/market-fees.js';
import { edgeAt } from '../../../shared/strategies/net-edge.js';

const CFG: MarketMakerConfig = {
  enabled: true, spread: 20_000, orderSize: 10_000_000, refreshIntervalMs: 5_000, consensusWeight: 0.5, requireConsensus: false,
  skewPerContract: 500, maxSkew: 50_000, maxInventory: contracts(200), staleBookMs: 15_000, staleConsensusMs: 120_000, pauseAfterEventMs: 3_000,
  minRequoteTicks: 1,
};

function signals(out: readonly StrategyOutput[]): Signal[] {
  return splitOutputs(out).signals;
}

describe('MarketMaker', () => {
  let ctx: FakeContext;
  let mm: MarketMaker;
  beforeEach(() => {
    ctx = new FakeContext();
    ctx.links.set('m1', { fixtureId: 'f1', outcome: 'home' });
    ctx.games.set('f1', gameState('f1'));
    mm = new MarketMaker({ config: CFG, context: ctx });
  });

  it('quotes both sides of a quiet market around mid blended with consensus, on the tick', () => {
    ctx.consensus.set('m1', { probability: 0.52, confidence: 0.9, ageMs: 1_000 });
    const m = ctx.setBook('m1', 450_000, 550_000); // mid 0.50; fair = 0.51
    const s = signals(mm.onMarketUpdate(m));
    expect(s).toHaveLength(2);
    const bid = s.find((x) => x.action === 'BUY_YES')!;
    const ask = s.find((x) => x.action === 'BUY_NO')!;
    expect(bid.price).toBe(500_000); // 0.51 − 0.01
    expect(ask.price).toBe(520_000); // 0.51 + 0.01, long-side price
    expect(bid.quantity).toBe(contracts(20)); // 10 USD / 0.50
    expect(ask.quantity).toBe(contracts(20)); // 10 USD / (1 − 0.52) = 20.8, down to whole contracts
    for (const q of s) {
      expect(q).toMatchObject({ postOnly: true, timeInForce: 'GTD', goodTillTime: q.createdAt + 600_000, urgency: 'LOW', strategyName: 'market_maker' });
      expect(q.price % 10_000).toBe(0);
    }
    expect(bid.fairProbability).toBeCloseTo(0.51, 9);
    // Maker: the edge after fees is the edge plus the rebate, 0.0125 × p × (1 − p) (micros rounded down).
    expect(bid).toMatchObject({ grossEdge: 10_000, netEdge: 13_125 });
    expect(ask).toMatchObject({ grossEdge: 10_000, netEdge: 13_120 }); // 0.0125 × 0.52 × 0.48 = 0.00312
  });

  it('on a 0.0025 tick the rebate lets a quote stand one tick nearer, never nearer than the half spread net', () => {
    ctx.infos.set('m1', { marketSlug: 'm1', eventSlug: 'e', title: 'm1', outcome: 'home', tick: 2_500, minQty: ONE_CONTRACT });
    ctx.consensus.set('m1', { probability: 0.52, confidence: 0.9, ageMs: 1_000 });
    const s = signals(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000))); // fair 0.51, half spread 0.01
    const bid = s.find((x) => x.action === 'BUY_YES')!;
    const ask = s.find((x) => x.action === 'BUY_NO')!;
    // 0.5025: 0.0075 + rebate 0.003124 ≥ 0.01; 0.505 would give 0.005 + 0.003124 < 0.01.
    expect(bid).toMatchObject({ price: 502_500, grossEdge: 7_500, netEdge: 10_624 });
    // 0.5175: 0.0075 + rebate 0.003121 ≥ 0.01; 0.515 would give 0.005 + 0.003122 < 0.01.
    expect(ask).toMatchObject({ price: 517_500, grossEdge: 7_500, netEdge: 10_621 });
  });

  it('property: every quote keeps at least half the spread after the rebate, and one tick nearer would not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 90 }), fc.integer({ min: 2, max: 9 }), fc.constantFrom(2_500, 5_000, 10_000), fc.integer({ min: 1, max: 4 }), (bidC, w, tick, halfTicks) => {
        const c = new FakeContext();
        const spread = 2 * halfTicks * 5_000;
        const m = new MarketMaker({ config: { ...CFG, spread }, context: c });
        c.infos.set('q', { marketSlug: 'q', eventSlug: 'e', title: 'q', outcome: 'x', tick, minQty: ONE_CONTRACT });
        const book = c.setBook('q', bidC * 10_000, (bidC + w) * 10_000);
        const fair = (book.yesBid! + book.yesAsk!) / 2;
        const rebate = (px: number) => Math.floor((12_500 * px * (1_000_000 - px)) / 1e12);
        for (const q of signals(m.onMarketUpdate(book))) {
          expect(q.price % tick).toBe(0);
          const buys = q.action === 'BUY_YES' || q.action === 'SELL_NO';
          const dist = buys ? fair - q.price : q.price - fair;
          expect(q.netEdge).toBe(Math.floor(dist) + rebate(q.price));
          const crossed = buys ? q.price === book.yesAsk! - tick : q.price === book.yesBid! + tick;
          if (crossed) continue; // pulled back from the book: farther than needed
          expect(dist + rebate(q.price)).toBeGreaterThanOrEqual(spread / 2);
          const nearer = buys ? q.price + tick : q.price - tick;
          expect((buys ? fair - nearer : nearer - fair) + rebate(nearer)).toBeLessThan(spread / 2);
        }
      }),
    );
  });

  it('skews both quotes against inventory and sells inventory on the ask', () => {
    ctx.setPosition('m1', contracts(40)); // long 40: skew 40 × 0.0005 = 0.02 down
    const m = ctx.setBook('m1', 450_000, 550_000);
    const s = signals(mm.onMarketUpdate(m));
    const bid = s.find((x) => x.action === 'BUY_YES')!;
    const ask = s.find((x) => x.action === 'SELL_YES')!;
    expect(bid.price).toBe(470_000);
    expect(ask.price).toBe(490_000);
    expect(ask.quantity).toBe(contracts(19)); // min(10 / 0.51 = 19.6, 40), whole contracts
  });

  it("sizes quotes on the market's grid: a 0.01 market keeps the hundredths, inventory skews per contract", () => {
    ctx.infos.set('m1', { marketSlug: 'm1', eventSlug: 'e', title: 'm1', outcome: 'home', tick: 10_000, minQty: contracts(0.01) });
    ctx.consensus.set('m1', { probability: 0.52, confidence: 0.9, ageMs: 1_000 });
    const s = signals(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000)));
    expect(s.find((x) => x.action === 'BUY_YES')!.quantity).toBe(contracts(20)); // 10 / 0.50
    expect(s.find((x) => x.action === 'BUY_NO')!.quantity).toBe(contracts(20.83)); // 10 / 0.48 = 20.833…
    // long 19.6 (a fresh maker, no consensus): skew 19.6 × 0.0005 = 0.0098 down, bid 0.48; the ask sells at most what is held
    ctx.setPosition('m1', contracts(19.6));
    ctx.consensus.delete('m1');
    const q = signals(new MarketMaker({ config: CFG, context: ctx }).onMarketUpdate(ctx.setBook('m1', 450_000, 550_000)));
    expect(q.find((x) => x.action === 'BUY_YES')).toMatchObject({ price: 480_000, quantity: contracts(20.83) }); // 10 / 0.48
    expect(q.find((x) => x.action === 'SELL_YES')!.quantity).toBe(contracts(19.6)); // min(the 10 USD size, 19.6 held)
  });

  it('stops adding to inventory at max_inventory', () => {
    ctx.setPosition('m1', contracts(200));
    const s = signals(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000)));
    expect(s.map((x) => x.action)).toEqual(['SELL_YES']);
  });

  it('never crosses the book with a post-only quote', () => {
    ctx.consensus.set('m1', { probability: 0.8, confidence: 0.9, ageMs: 0 });
    ctx.setPosition('m1', 0);
    const m = ctx.setBook('m1', 480_000, 500_000); // fair 0.645: bid would be 0.63 ≥ ask
    const bid = signals(mm.onMarketUpdate(m)).find((x) => x.action === 'BUY_YES')!;
    expect(bid.price).toBe(490_000);
  });

  it('modifies resting quotes in place instead of cancel/replace, and leaves them alone when unchanged', () => {
    const m = ctx.setBook('m1', 450_000, 550_000);
    for (const s of signals(mm.onMarketUpdate(m))) ctx.rest(s);
    ctx.clock.advance(5_000);
    ctx.setBook('m1', 450_000, 550_000);
    expect(mm.onTimer(ctx.clock.now())).toEqual([]); // same quotes: nothing to do
    ctx.clock.advance(5_000);
    ctx.setBook('m1', 470_000, 570_000); // mid moves up 2 cents
    const out = mm.onTimer(ctx.clock.now());
    expect(out.filter(isCancelRequest)).toEqual([]);
    const s = signals(out);
    expect(s).toHaveLength(2);
    expect(s.every((x) => x.replacesOrderId !== undefined)).toBe(true);
    expect(s.find((x) => x.action === 'BUY_YES')!.price).toBe(510_000);
  });

  it('refreshes at the refresh interval, not on every book tick', () => {
    const m = ctx.setBook('m1', 450_000, 550_000);
    for (const s of signals(mm.onMarketUpdate(m))) ctx.rest(s);
    ctx.clock.advance(1_000);
    expect(mm.onMarketUpdate(ctx.setBook('m1', 460_000, 560_000))).toEqual([]);
  });

  it('pulls quotes at once on a score change and pauses requoting', () => {
    mm.onGameUpdate(ctx.games.get('f1')!);
    for (const s of signals(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000)))) ctx.rest(s);
    const out = mm.onGameUpdate(gameState('f1', { homeScore: 53 }));
    expect(out).toHaveLength(1);
    const c = out[0]!;
    expect(isCancelRequest(c) && c.localIds.sort()).toEqual(['l1', 'l2']);
    expect(isCancelRequest(c) && c.reason).toContain('score');
    ctx.cancel(isCancelRequest(c) ? c.localIds : []);
    ctx.clock.advance(1_000);
    expect(mm.onTimer(ctx.clock.now())).toEqual([]); // paused
    ctx.clock.advance(2_500);
    expect(signals(mm.onTimer(ctx.clock.now()))).toHaveLength(2); // back after pause_after_event_ms
  });

  it('a game event names its change (score before period before status) on the cancel of each market with quotes', () => {
    ctx.links.set('m2', { fixtureId: 'f1', outcome: 'away' });
    ctx.links.set('m3', { fixtureId: 'f1', outcome: 'home' }); // never quoted: nothing to cancel
    mm.onGameUpdate(ctx.games.get('f1')!);
    const quoteAll = () => {
      for (const slug of ['m1', 'm2']) for (const s of signals(mm.onMarketUpdate(ctx.setBook(slug, 450_000, 550_000)))) ctx.rest(s);
    };
    const reasons = (out: readonly StrategyOutput[]) => out.map((o) => (isCancelRequest(o) ? `${o.marketSlug}: ${o.reason}` : 'signal'));
    quoteAll();
    expect(mm.onGameUpdate(gameState('f1'))).toEqual([]); // nothing changed
    expect(reasons(mm.onGameUpdate(gameState('f1', { homeScore: 51, period: 4, status: 'HALFTIME' })))).toEqual([
      'm1: game event: score 50-48 → 51-48',
      'm2: game event: score 50-48 → 51-48',
    ]);
    ctx.cancel(ctx.orders.map((o) => o.localId));
    // Paused, nothing resting: the event brings nothing, yet it restarts the pause.
    ctx.clock.advance(2_000);
    expect(mm.onGameUpdate(gameState('f1', { homeScore: 51, period: 5, status: 'HALFTIME' }))).toEqual([]);
    ctx.clock.advance(2_000);
    expect(mm.onTimer(ctx.clock.now())).toEqual([]); // 2 s after the last event: still paused
    ctx.clock.advance(1_500);
    quoteAll();
    expect(reasons(mm.onGameUpdate(gameState('f1', { homeScore: 51, period: 6, status: 'HALFTIME' })))).toEqual([
      'm1: game event: period 5 → 6',
      'm2: game event: period 5 → 6',
    ]);
    ctx.cancel(ctx.orders.map((o) => o.localId));
    ctx.clock.advance(3_500);
    quoteAll();
    expect(reasons(mm.onGameUpdate(gameState('f1', { homeScore: 51, period: 6, status: 'LIVE' })))).toEqual([
      'm1: game event: status HALFTIME → LIVE',
      'm2: game event: status HALFTIME → LIVE',
    ]);
  });

  it('during a pause: book updates and odds bring nothing while nothing rests, a pull while a quote still rests, quotes after', () => {
    mm.onGameUpdate(ctx.games.get('f1')!);
    for (const s of signals(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000)))) ctx.rest(s);
    const pulled = mm.onGameUpdate(gameState('f1', { homeScore: 53 }));
    expect(pulled).toHaveLength(1);
    ctx.clock.advance(500);
    // The cancel is not done yet: a halt still pulls the quotes that rest.
    const halted = mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000, { state: 'MARKET_STATE_HALTED' }));
    expect(halted).toEqual([expect.objectContaining({ kind: 'cancel', reason: 'market state MARKET_STATE_HALTED' })]);
    const c = pulled[0]!;
    ctx.cancel(isCancelRequest(c) ? c.localIds : []);
    ctx.clock.advance(500);
    expect(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000, { state: 'MARKET_STATE_HALTED' }))).toEqual([]);
    expect(mm.onMarketUpdate(ctx.setBook('m1', 460_000, 560_000))).toEqual([]);
    expect(mm.onTimer(ctx.clock.now())).toEqual([]);
    ctx.clock.advance(2_000); // the pause is over: the next book update quotes at once
    expect(signals(mm.onMarketUpdate(ctx.setBook('m1', 460_000, 560_000)))).toHaveLength(2);
  });

  it('pulls quotes when the market is halted', () => {
    for (const s of signals(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000)))) ctx.rest(s);
    const out = mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000, { state: 'MARKET_STATE_HALTED' }));
    expect(out).toEqual([expect.objectContaining({ kind: 'cancel', reason: 'market state MARKET_STATE_HALTED' })]);
  });

  it('pulls quotes on a stale book or a stale consensus', () => {
    for (const s of signals(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000)))) ctx.rest(s);
    ctx.clock.advance(16_000);
    expect(mm.onTimer(ctx.clock.now())).toEqual([expect.objectContaining({ kind: 'cancel', reason: expect.stringContaining('stale book') })]);
    ctx.setBook('m1', 450_000, 550_000);
    ctx.consensus.set('m1', { probability: 0.5, confidence: 0.9, ageMs: 200_000 });
    expect(mm.onTimer(ctx.clock.now())).toEqual([expect.objectContaining({ kind: 'cancel', reason: expect.stringContaining('stale consensus') })]);
  });

  it('does not touch a side whose order is not yet acknowledged', () => {
    for (const s of signals(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000)))) ctx.rest(s, false);
    ctx.clock.advance(5_000);
    expect(mm.onTimer(ctx.clock.now())).toEqual([]);
  });

  it('does nothing when disabled', () => {
    mm.enabled = false;
    expect(mm.onMarketUpdate(ctx.setBook('m1', 450_000, 550_000))).toEqual([]);
  });

  it("every quote names its fair value and states edgeAt's maker edges, over thousands of fair values", () => {
    const maker = new MarketMaker({ config: { ...CFG, consensusWeight: 1 }, context: ctx }); // fair = the consensus price
    let quotes = 0;
    for (let i = 0; i < 5_500; i++) {
      ctx.clock.advance(CFG.refreshIntervalMs); // a requote is due each time
      const fair = 200_000 + 50 * (i % 5_000); // 5,000 fair values, then the first 500 again (each quoted twice in a row: bid and ask)
      ctx.consensus.set('m1', { probability: fair / 1_000_000, confidence: 0.9, ageMs: 0 });
      const rates = DEFAULT_FEE_MODEL.ratesFor('m1', ctx.clock.now());
      for (const q of signals(maker.onMarketUpdate(ctx.setBook('m1', 100_000, 900_000)))) {
        quotes++;
        expect(q.reason).toBe(`quote around fair ${fair}`);
        const e = edgeAt(q.action, q.price, fair, 'MAKER', rates);
        expect([q.grossEdge, q.netEdge]).toEqual([e.gross, e.net]);
      }
    }
    expect(quotes).toBe(11_000);
  });

  it('desiredQuotes and fairValue hand out answers of their own: later requotes leave them as they were', () => {
    ctx.consensus.set('m1', { probability: 0.52, confidence: 0.9, ageMs: 1_000 });
    ctx.setBook('m1', 450_000, 550_000);
    const wanted = mm.desiredQuotes('m1')!;
    const fair = mm.fairValue('m1')!;
    const before = structuredClone({ wanted, fair });
    expect(wanted.bid).toBeDefined();
    expect(wanted.ask).toBeDefined();
    ctx.consensus.set('m1', { probability: 0.3, confidence: 0.6, ageMs: 1_000 });
    const m = ctx.setBook('m1', 250_000, 350_000);
    expect(mm.desiredQuotes('m1')!.bid!.price).not.toBe(wanted.bid!.price);
    expect(signals(mm.onMarketUpdate(m))).toHaveLength(2);
    mm.fairValue('m1');
    expect({ wanted, fair }).toEqual(before);
  });

  it("keeps a market's fixture link and info (its tick and size step) while the context's directory revision stays, reads them again when it moves", () => {
    const c = new RevisionContext();
    c.links.set('m1', { fixtureId: 'f1', outcome: 'home' });
    c.games.set('f1', gameState('f1'));
    c.games.set('f2', gameState('f2', { status: 'FINAL' }));
    const maker = new MarketMaker({ config: CFG, context: c });
    for (const s of signals(maker.onMarketUpdate(c.setBook('m1', 450_000, 550_000)))) c.rest(s);
    for (let i = 0; i < 5; i++) {
      c.clock.advance(1_000);
      expect(maker.onMarketUpdate(c.setBook('m1', 450_000, 550_000))).toEqual([]);
    }
    c.clock.advance(1_000); // refresh due: the requote reads the info (kept since the first quote)
    maker.onMarketUpdate(c.setBook('m1', 450_000, 550_000));
    expect(c.reads).toEqual({ fixture: 1, info: 1 });
    // The directory moves: m1 now belongs to a finished game, and its tick is 0.0025.
    c.links.set('m1', { fixtureId: 'f2', outcome: 'home' });
    c.infos.set('m1', { marketSlug: 'm1', eventSlug: 'e', title: 'm1', outcome: 'home', tick: 2_500, minQty: ONE_CONTRACT });
    c.revision++;
    expect(maker.onMarketUpdate(c.setBook('m1', 450_000, 550_000))).toEqual([expect.objectContaining({ kind: 'cancel', reason: 'game FINAL' })]);
    c.links.set('m1', { fixtureId: 'f1', outcome: 'home' });
    c.revision++;
    c.clock.advance(1_000);
    const q = signals(maker.onMarketUpdate(c.setBook('m1', 450_000, 550_000)));
    expect(q.length).toBeGreaterThan(0);
    for (const s of q) expect(s.price % 2_500).toBe(0);
    expect(q.some((s) => s.price % 10_000 !== 0)).toBe(true); // on the new 0.0025 tick
    // Both are read together, once per revision seen (the info also at the revision whose game pulled).
    expect(c.reads).toEqual({ fixture: 3, info: 3 });
  });
});

/** A fake context that tells its directory revision (as the engine's view does) and counts directory reads. */
class RevisionContext extends FakeContext {
  revision = 0;
  reads = { fixture: 0, info: 0 };
  directoryRevision(): number {
    return this.revision;
  }
  override fixtureForMarket(s: string) {
    this.reads.fixture++;
    return super.fixtureForMarket(s);
  }
  override marketInfo(s: string) {
    this.reads.info++;
    return super.marketInfo(s);
  }
}
