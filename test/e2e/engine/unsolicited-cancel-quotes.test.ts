/**
 * End to end through the whole engine on simulated time: the exchange cancels a resting quote on its own
 * (an unsolicited cancel, as on a lost connection) and the market maker learns the quote is gone — it quotes
 * that side again as a new order, leaves the other side alone, and nothing is treated as an error.
 */
import { describe, expect, it } from 'vitest';
import { bookEvent, gameEvent, oddsEvent, ScriptedWorld } from '../../support/engine-fixtures.js';

const FX = { fixtureId: 'FX1', home: 'Boston Celtics', away: 'Chicago Bulls' };

describe('market maker and a cancel nobody asked for', () => {
  it('the quote the exchange cancelled is replaced by a new one; the other side keeps resting', async () => {
    const w = new ScriptedWorld({ strategies: ['market_maker'] });
    const { fixture, homeSlug } = w.addFixture(FX);
    const e = w.engine;
    w.feed(gameEvent(fixture, { status: 'LIVE', homeScore: 0, awayScore: 0, updatedAt: w.clock.now() }));
    w.feed(oddsEvent(fixture, 0.5, w.clock.now()));
    w.market(bookEvent(homeSlug, [[0.47, 100]], [[0.53, 100]], w.clock.now()));
    await w.advance(200);
    const quotes = w.openOrders({ marketSlug: homeSlug });
    expect(quotes).toHaveLength(2);
    const bid = quotes.find((o) => o.request.intent === 'ORDER_INTENT_BUY_LONG')!;
    const ask = quotes.find((o) => o.request.intent === 'ORDER_INTENT_BUY_SHORT')!;

    expect(e.paper.cancelUnsolicited([bid.orderId!], 'UNSOLICITED_CXL_REASON_CONNECTION_LOSS')).toEqual([bid.orderId]);
    expect(e.executor().tracker.get(bid.localId)).toMatchObject({ status: 'CANCELLED', unsolicitedCancelReason: 'UNSOLICITED_CXL_REASON_CONNECTION_LOSS' });
    // what the strategy reads of its own orders no longer lists the bid
    expect(w.openOrders({ marketSlug: homeSlug }).map((o) => o.localId)).toEqual([ask.localId]);

    // at its next refresh the market maker quotes the bid again (a new order, not a modify of the dead one)
    await w.advance(5_000);
    w.market(bookEvent(homeSlug, [[0.47, 100]], [[0.53, 100]], w.clock.now()));
    await w.advance(200);
    const after = w.openOrders({ marketSlug: homeSlug });
    expect(after).toHaveLength(2);
    const newBid = after.find((o) => o.request.intent === 'ORDER_INTENT_BUY_LONG')!;
    expect(newBid.localId).not.toBe(bid.localId);
    expect(newBid.status).toBe('PENDING');
    expect(after.find((o) => o.request.intent === 'ORDER_INTENT_BUY_SHORT')!.localId).toBe(ask.localId);
    expect((await e.paper.openOrders([homeSlug])).map((o) => o.id).sort()).toEqual(after.map((o) => o.orderId).sort());
  });
});
