/**
 * End to end through the whole engine (state → strategies → aggregator → risk → executor → paper exchange),
 * on simulated time with scripted exchange and feed events: each strategy acting on the situation it exists
 * for, and nothing when that situation is absent.
 */
import { describe, expect, it } from 'vitest';
import { bookEvent, engineConfig, gameEvent, oddsEvent, px, ScriptedWorld } from '../../support/engine-fixtures.js';
import { contracts } from '../../../shared/domain/quantity.js';

const FX = { fixtureId: 'FX1', home: 'Boston Celtics', away: 'Chicago Bulls' };

describe('statistical edge: an exchange price away from the sportsbook consensus', () => {
  it('takes the stale ask with an IOC, fills on the paper book at the ask, and books the position', async () => {
    const w = new ScriptedWorld({ strategies: ['statistical_edge'] });
    const { fixture, homeSlug } = w.addFixture(FX);
    const e = w.engine;
    w.feed(oddsEvent(fixture, 0.6, w.clock.now()));
    // The exchange still offers the home team at 0.50 while the books say 0.60: 10 points of edge.
    w.market(bookEvent(homeSlug, [[0.44, 100]], [[0.5, 100], [0.52, 100]], w.clock.now()));

    const orders = e.executor().tracker.all();
    expect(orders).toHaveLength(1);
    const o = orders[0]!;
    expect(o.strategyName).toBe('statistical_edge');
    expect(o.request).toMatchObject({ marketSlug: homeSlug, intent: 'ORDER_INTENT_BUY_LONG', tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL', postOnly: false });
    // Limit: the highest price that keeps min_edge 0.05 after the taker fee 0.0695 × p × (1 − p): 0.55 keeps
    // 0.05 − 0.017202, 0.54 keeps 0.06 − 0.017264, 0.53 keeps 0.07 − 0.017313 = 0.052687 → 0.53.
    expect(o.request.price).toBe(px(0.53));
    // order_size 20 USD at 0.53 → 37 contracts (Kelly at quarter fraction on 1000 USD, after the fee, allows 53).
    expect(o.request.quantity).toBe(contracts(37));

    await w.advance(200); // paper order latency
    const done = e.executor().tracker.get(o.localId)!;
    expect(done.status).toBe('FILLED');
    expect(done.filledQty).toBe(contracts(37));
    expect(done.avgPrice).toBe(px(0.5)); // filled at the resting ask, better than the limit
    const pos = e.state.position(homeSlug)!;
    expect(pos).toMatchObject({ side: 'YES', quantity: contracts(37), netQty: contracts(37) });
    expect(e.paper.balance().balance).toBeLessThan(1_000_000_000 - 37 * px(0.5) + 1);
  });

  it('does nothing when the exchange agrees with the consensus, or when the consensus is not confident', async () => {
    const w = new ScriptedWorld({ strategies: ['statistical_edge'] });
    const { fixture, homeSlug } = w.addFixture(FX);
    const e = w.engine;
    w.feed(oddsEvent(fixture, 0.6, w.clock.now()));
    w.market(bookEvent(homeSlug, [[0.58, 100]], [[0.61, 100]], w.clock.now()));
    // One soft book only: count factor 1 − e^(−0.5) ≈ 0.39 < confidence_threshold 0.7.
    const lonely = new ScriptedWorld({ strategies: ['statistical_edge'] });
    const l = lonely.addFixture(FX);
    expect(lonely.engine.mode()).toBe('paper');
    lonely.feed(oddsEvent(l.fixture, 0.6, lonely.clock.now(), ['Caesars']));
    lonely.market(bookEvent(l.homeSlug, [[0.44, 100]], [[0.5, 100]], lonely.clock.now()));
    await w.advance(500);
    await lonely.advance(500);
    expect(e.executor().tracker.all()).toEqual([]);
    expect(lonely.engine.executor().tracker.all()).toEqual([]);
  });

  it('sells the rich side: a bid above consensus + edge is hit by buying NO at the long-side price', async () => {
    const w = new ScriptedWorld({ strategies: ['statistical_edge'] });
    const { fixture, homeSlug } = w.addFixture(FX);
    const e = w.engine;
    w.feed(oddsEvent(fixture, 0.4, w.clock.now()));
    w.market(bookEvent(homeSlug, [[0.5, 100]], [[0.53, 100]], w.clock.now()));
    const [o] = e.executor().tracker.all();
    // Selling long must keep 0.05 after the fee: 0.45 and 0.46 do not, 0.47 keeps 0.07 − 0.017313.
    expect(o?.request).toMatchObject({ intent: 'ORDER_INTENT_BUY_SHORT', price: px(0.47) });
    await w.advance(200);
    expect(e.executor().tracker.get(o!.localId)!.status).toBe('FILLED');
    expect(e.state.position(homeSlug)).toMatchObject({ side: 'NO', quantity: o!.request.quantity, netQty: -o!.request.quantity });
  });
});

describe('market maker: a quiet market', () => {
  async function quoting() {
    const w = new ScriptedWorld({ strategies: ['market_maker'] });
    const { fixture, homeSlug } = w.addFixture(FX);
    const e = w.engine;
    w.feed(gameEvent(fixture, { status: 'LIVE', homeScore: 0, awayScore: 0, updatedAt: w.clock.now() }));
    w.feed(oddsEvent(fixture, 0.5, w.clock.now()));
    w.market(bookEvent(homeSlug, [[0.47, 100]], [[0.53, 100]], w.clock.now()));
    await w.advance(200); // the paper exchange acknowledges after its latency
    return { w, e, fixture, homeSlug };
  }

  it('rests two-sided post-only quotes one cent either side of fair value', async () => {
    const { w, e, homeSlug } = await quoting();
    const open = w.openOrders({ marketSlug: homeSlug });
    expect(open).toHaveLength(2);
    const bid = open.find((o) => o.request.intent === 'ORDER_INTENT_BUY_LONG')!;
    const ask = open.find((o) => o.request.intent === 'ORDER_INTENT_BUY_SHORT')!;
    // quotes rest good-till-date (the venue's DAY does not expire at the roll): created + quote_lifetime (600 s)
    expect(bid.request).toMatchObject({ price: px(0.49), postOnly: true, tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: bid.createdAt + 600_000 });
    expect(ask.request).toMatchObject({ price: px(0.51), postOnly: true, tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: ask.createdAt + 600_000 });
    for (const o of open) {
      expect(o.status).toBe('PENDING');
      expect(o.strategyName).toBe('market_maker');
    }
    // They rest at the exchange too.
    const resting = await e.paper.openOrders([homeSlug]);
    expect(resting.map((o) => o.id).sort()).toEqual(open.map((o) => o.orderId).sort());
    // A quiet book update does not churn them.
    w.market(bookEvent(homeSlug, [[0.47, 120]], [[0.53, 90]], w.clock.now()));
    await w.advance(200);
    expect(w.openOrders({ marketSlug: homeSlug }).map((o) => o.localId).sort()).toEqual(open.map((o) => o.localId).sort());
  });

  it('pulls both quotes at once on a score, stays out for pause_after_event_ms, then quotes again', async () => {
    const { w, e, fixture, homeSlug } = await quoting();
    const before = w.openOrders({ marketSlug: homeSlug });
    expect(before).toHaveLength(2);

    w.feed(gameEvent(fixture, { status: 'LIVE', homeScore: 3, awayScore: 0, updatedAt: w.clock.now() }));
    await w.advance(200); // paper cancel latency
    for (const o of before) expect(e.executor().tracker.get(o.localId)!.status).toBe('CANCELLED');
    expect(await e.paper.openOrders([homeSlug])).toEqual([]);

    // Within the pause a book update brings no quote back.
    w.market(bookEvent(homeSlug, [[0.52, 100]], [[0.58, 100]], w.clock.now()));
    await w.advance(1_000);
    expect(w.openOrders({ marketSlug: homeSlug })).toEqual([]);

    // After the pause (3 s) the next update quotes again, around the new fair value.
    await w.advance(2_500);
    w.market(bookEvent(homeSlug, [[0.52, 100]], [[0.58, 100]], w.clock.now()));
    await w.advance(200);
    const after = w.openOrders({ marketSlug: homeSlug });
    expect(after).toHaveLength(2);
    expect(after.every((o) => !before.some((b) => b.localId === o.localId))).toBe(true);
  });
});

describe('live arbitrage on scripted events', () => {
  it('a score makes the stale book mispriced against the live model: takes it at once with an IOC', async () => {
    const w = new ScriptedWorld({ strategies: ['live_arbitrage'] });
    const { fixture, homeSlug } = w.addFixture(FX);
    const e = w.engine;
    // Pre-game consensus fixes the home team's strength at 0.50.
    w.feed(gameEvent(fixture, { status: 'SCHEDULED', updatedAt: w.clock.now() }));
    w.feed(oddsEvent(fixture, 0.5, w.clock.now()));
    w.feed(gameEvent(fixture, { status: 'LIVE', period: 4, secondsRemaining: 120, clockSeconds: 120, updatedAt: w.clock.now() }));
    w.market(bookEvent(homeSlug, [[0.48, 200]], [[0.52, 200]], w.clock.now()));
    expect(e.executor().tracker.all()).toEqual([]);

    // Home scores 10 late in the 4th: the model goes far above 0.52 while the book has not moved.
    await w.advance(100);
    w.feed(gameEvent(fixture, { status: 'LIVE', period: 4, homeScore: 10, secondsRemaining: 110, clockSeconds: 110, updatedAt: w.clock.now() }));
    const live = e.state.liveWinProbabilityYes(homeSlug)!;
    expect(live).toBeGreaterThan(0.9);
    const [o] = e.executor().tracker.all();
    expect(o).toBeDefined();
    expect(o!.strategyName).toBe('live_arbitrage');
    expect(o!.request).toMatchObject({ intent: 'ORDER_INTENT_BUY_LONG', tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
    await w.advance(200);
    expect(e.executor().tracker.get(o!.localId)!.filledQty).toBeGreaterThan(0);
    expect(e.state.position(homeSlug)!.side).toBe('YES');
  });
});

describe('config sanity for these scenarios', () => {
  it('uses the repository defaults (edge, sizes, pauses) the expectations above are computed from', () => {
    const c = engineConfig();
    expect(c.strategies.statisticalEdge.minEdge).toBe(px(0.05));
    expect(c.strategies.statisticalEdge.orderSize).toBe(20_000_000);
    expect(c.strategies.marketMaker.spread).toBe(px(0.02));
    expect(c.strategies.marketMaker.pauseAfterEventMs).toBe(3_000);
  });
});
