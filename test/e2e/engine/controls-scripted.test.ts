/**
 * The engine's controls wired end to end on simulated time (the breaker and kill-switch logic itself is
 * property-tested in test/unit/risk; here: that they reach the executor and the exchange).
 */
import { describe, expect, it } from 'vitest';
import { bookEvent, engineConfig, gameEvent, oddsEvent, ScriptedWorld } from '../../support/engine-fixtures.js';

const FX = { fixtureId: 'FX1', home: 'Boston Celtics', away: 'Chicago Bulls' };

async function quotingWorld(patch?: unknown) {
  const w = new ScriptedWorld({ config: engineConfig({ patch }), strategies: ['market_maker', 'statistical_edge'] });
  const m = w.addFixture(FX);
  const e = w.engine;
  w.feed(gameEvent(m.fixture, { status: 'LIVE', updatedAt: w.clock.now() }));
  w.feed(oddsEvent(m.fixture, 0.5, w.clock.now()));
  w.market(bookEvent(m.homeSlug, [[0.47, 100]], [[0.53, 100]], w.clock.now()));
  w.market(bookEvent(m.awaySlug, [[0.47, 100]], [[0.53, 100]], w.clock.now()));
  await w.advance(200);
  return { w, e, ...m };
}

describe('kill switch', () => {
  it('cancels every resting order at the exchange and blocks new orders until released', async () => {
    const { w, e, fixture, homeSlug, awaySlug } = await quotingWorld();
    const quotes = w.openOrders();
    expect(quotes).toHaveLength(4);
    expect(await e.paper.openOrders()).toHaveLength(4);

    await e.setKillSwitch(true, 'operator');
    await w.advance(200);
    expect(await e.paper.openOrders()).toEqual([]);
    for (const q of quotes) expect(e.executor().tracker.get(q.localId)!.status).toBe('CANCELLED');

    // A screaming mispricing: refused by risk (kill switch) and by the halted executor alike.
    const before = e.executor().tracker.all().length;
    w.feed(oddsEvent(fixture, 0.7, w.clock.now()));
    w.market(bookEvent(homeSlug, [[0.4, 100]], [[0.45, 100]], w.clock.now()));
    await w.advance(6_000); // past the refresh interval and the cooldowns
    w.market(bookEvent(awaySlug, [[0.1, 100]], [[0.12, 100]], w.clock.now()));
    await w.advance(200);
    expect(e.executor().tracker.all()).toHaveLength(before);
    const refused = w.decisions.filter((d) => d.decision.check === 'circuit_breaker');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((d) => !d.decision.approved)).toBe(true);
    expect(e.executor().isHalted()).toBe(true);

    // Refused daily reset while on; after release, trading resumes.
    expect(() => e.resetDay()).toThrow(/kill switch/);
    expect(e.breaker.isKillSwitchOn()).toBe(true);
    await e.setKillSwitch(false, 'operator');
    expect(e.executor().isHalted()).toBe(false);
    await w.advance(6_000);
    w.market(bookEvent(homeSlug, [[0.4, 100]], [[0.45, 100]], w.clock.now()));
    await w.advance(200);
    expect(e.executor().tracker.all().length).toBeGreaterThan(before);
    expect((await e.paper.openOrders()).length + e.executor().tracker.all().filter((o) => o.status === 'FILLED').length).toBeGreaterThan(0);
  });
});

describe('loss breaker', () => {
  it('a forced loss beyond max_daily_loss trips it on the next tick: resting quotes pulled, opening orders refused, reducing allowed', async () => {
    const w = new ScriptedWorld({ config: engineConfig({ patch: { risk: { max_daily_loss: 5 } } }), strategies: ['statistical_edge', 'market_maker'] });
    const { fixture, homeSlug, awaySlug } = w.addFixture(FX);
    const e = w.engine;
    w.feed(oddsEvent(fixture, 0.6, w.clock.now()));
    // Statistical edge buys the home team at 0.50 …
    w.market(bookEvent(homeSlug, [[0.44, 100]], [[0.5, 100]], w.clock.now()));
    await w.advance(200);
    const held = e.state.position(homeSlug)!;
    expect(held.quantity).toBeGreaterThan(0);
    // … market maker quotes the away market …
    w.market(bookEvent(awaySlug, [[0.38, 100]], [[0.42, 100]], w.clock.now()));
    await w.advance(200);
    const quotes = w.openOrders({ marketSlug: awaySlug, strategyName: 'market_maker' });
    expect(quotes.length).toBeGreaterThan(0);
    expect(e.breaker.isTripped()).toBe(false);

    // … and the home market collapses to 0.05: an unrealized loss of ~0.45 × qty > 5 USD.
    w.market(bookEvent(homeSlug, [[0.04, 100]], [[0.06, 100]], w.clock.now()));
    await w.advance(1_200); // the engine's tick evaluates the day's PnL
    expect(e.pnl.dailyPnl().unrealized).toBeLessThan(-5_000_000);
    expect(e.breaker.isTripped()).toBe(true);
    await w.advance(200);
    expect(await e.paper.openOrders([awaySlug])).toEqual([]);
    for (const q of quotes) expect(e.executor().tracker.get(q.localId)!.status).toBe('CANCELLED');

    // Opening trades refused with the breaker named; nothing new reaches the exchange.
    const n = e.executor().tracker.all().length;
    w.decisions.length = 0;
    await w.advance(6_000);
    w.feed(oddsEvent(fixture, 0.6, w.clock.now()));
    w.market(bookEvent(awaySlug, [[0.3, 100]], [[0.32, 100]], w.clock.now()));
    await w.advance(200);
    const opening = w.decisions.filter((d) => d.signal.action === 'BUY_YES' || d.signal.action === 'BUY_NO');
    expect(opening.length).toBeGreaterThan(0);
    expect(opening.every((d) => !d.decision.approved && d.decision.check === 'circuit_breaker')).toBe(true);
    // Only reducing orders may appear (the market maker offering the held YES back is one): never an opening one.
    const since = e.executor().tracker.all().slice(n);
    expect(since.filter((o) => o.request.intent === 'ORDER_INTENT_BUY_LONG' || o.request.intent === 'ORDER_INTENT_BUY_SHORT')).toEqual([]);
    const m = since.length;

    // Getting flat is still allowed: the consensus collapses below the (recovered) bid → sell the YES held.
    await w.advance(6_000);
    const holding = e.state.position(homeSlug)!.quantity;
    const offered = w.openOrders({ marketSlug: homeSlug }).filter((o) => o.request.intent === 'ORDER_INTENT_SELL_LONG').reduce((a, o) => a + o.leavesQty, 0);
    w.feed(oddsEvent(fixture, 0.03, w.clock.now()));
    w.market(bookEvent(homeSlug, [[0.1, 100]], [[0.12, 100]], w.clock.now()));
    const sells = e.executor().tracker.all().slice(n + m).filter((o) => o.strategyName === 'statistical_edge');
    expect(sells).toHaveLength(1);
    expect(sells[0]!.request).toMatchObject({ marketSlug: homeSlug, intent: 'ORDER_INTENT_SELL_LONG', tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
    await w.advance(200);
    expect(e.executor().tracker.get(sells[0]!.localId)!.status).toBe('FILLED');
    // Clamped to what is held minus what resting reducing orders already offer: never flips the position.
    expect(sells[0]!.request.quantity).toBe(holding - offered);
    expect(e.state.position(homeSlug)!.quantity).toBe(offered);

    // The daily reset clears the breaker (a new day).
    e.resetDay();
    expect(e.breaker.isTripped()).toBe(false);
  });
});
