import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import { USD, MARKET, limit, makeExchange, market } from './fixture.js';

describe('buying power checks, every intent closing first and opening the rest', () => {
  it('rejects a BUY_LONG the buying power cannot cover (cost + taker fee) and accepts one it can', () => {
    const { ex } = makeExchange({ A: 10 * USD, B: 100 * USD });
    // 20 × 0.50 = 10.00 + fee 0.03 > 10.00
    const r = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(20)));
    expect(r.order.state).toBe('ORDER_STATE_REJECTED');
    expect(r.executions[0]).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', orderRejectReason: 'INSUFFICIENT_BUYING_POWER' });
    expect(ex.balance('A')).toMatchObject({ currentBalance: 10 * USD, buyingPower: 10 * USD, openOrders: 0 });
    // post-only pays no taker fee: exactly 10.00 is enough
    expect(ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(20), { participateDontInitiate: true })).order.state).toBe('ORDER_STATE_NEW');
    expect(ex.balance('A')).toMatchObject({ buyingPower: 0, openOrders: 10 * USD });
    // nothing left for another order
    expect(ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 10_000, contracts(1))).order.state).toBe('ORDER_STATE_REJECTED');
  });

  it('a BUY_SHORT reserves (1 − price) per contract', () => {
    const { ex } = makeExchange({ A: 3 * USD, B: 100 * USD });
    // 10 shorts at long 0.80 cost 10 × 0.20 = 2.00 (+ fee 0.01)
    expect(ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 800_000, contracts(10))).order.state).toBe('ORDER_STATE_NEW');
    expect(ex.balance('A').openOrders).toBe(2 * USD);
    // 10 shorts at 0.10 would cost 9.00
    expect(ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 100_000, contracts(10))).executions[0]?.orderRejectReason).toBe('INSUFFICIENT_BUYING_POWER');
  });

  it('a market order is rejected when its planned cost exceeds buying power', () => {
    const { ex } = makeExchange({ A: 100 * USD, B: 2 * USD });
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(10)));
    const r = ex.submitOrder('B', market('ORDER_INTENT_BUY_LONG', contracts(5)));
    expect(r.executions[0]?.orderRejectReason).toBe('INSUFFICIENT_BUYING_POWER');
    expect(ex.book(MARKET).asks).toEqual([{ price: 500_000, qty: contracts(10) }]);
  });

  it('SELL_LONG without a long opens a short (posts 1 − p), SELL_SHORT without a short opens a long (pays p)', () => {
    const { ex } = makeExchange();
    // A holds nothing: a SELL_LONG offer at 0.70 × 10 would open 10 shorts: 10 × 0.30 = 3.00 reserved
    const sell = ex.submitOrder('A', limit('ORDER_INTENT_SELL_LONG', 700_000, contracts(10)));
    expect(sell.order.state).toBe('ORDER_STATE_NEW');
    expect(ex.balance('A').openOrders).toBe(3 * USD);
    // a SELL_SHORT bid at 0.40 × 10 would open 10 longs: 4.00; the instrument holds the worse side, 4.00
    const buyBack = ex.submitOrder('A', limit('ORDER_INTENT_SELL_SHORT', 400_000, contracts(10)));
    expect(buyBack.order.state).toBe('ORDER_STATE_NEW');
    expect(ex.balance('A').openOrders).toBe(4 * USD);

    // B lifts the offer: A is short 10 at 0.70 (cost 3.00) and earns the maker rebate 0.0125 × 10 × 0.21 = 0.02625 → 0.03
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 700_000, contracts(10)));
    expect(ex.positions('A')[MARKET]).toMatchObject({ netPosition: contracts(-10), qtySold: contracts(10), cost: 3 * USD, realized: 0, qtyAvailable: 0 });
    expect(ex.balance('A')).toMatchObject({ currentBalance: 1_000 * USD - 3 * USD + 30_000, openOrders: 0 }); // the bid now only closes
    // C, holding nothing, sells YES into A's bid: C opens a short, A buys its short back (0.60 back per contract)
    const c = ex.submitOrder('C', limit('ORDER_INTENT_SELL_LONG', 400_000, contracts(10)));
    expect(c.order.state).toBe('ORDER_STATE_FILLED');
    expect(ex.positions('C')[MARKET]).toMatchObject({ netPosition: contracts(-10), cost: 6 * USD });
    expect(ex.positions('A')[MARKET]).toMatchObject({ netPosition: 0, realized: 3 * USD, cost: 0 });
    // A, flat again, sends a SELL_SHORT with no short to buy back: it trades as a YES bid and opens a long
    // (the paper exchange's rule; the venue documents only the SELL_LONG case). B's offer closes 4 of B's 10 longs.
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 550_000, contracts(4)));
    const opening = ex.submitOrder('A', limit('ORDER_INTENT_SELL_SHORT', 550_000, contracts(4)));
    expect(opening.order.state).toBe('ORDER_STATE_FILLED');
    expect(ex.positions('B')[MARKET]?.netPosition).toBe(contracts(6));
    expect(ex.positions('A')[MARKET]).toMatchObject({ netPosition: contracts(4), cost: 4 * 550_000 });
  });

  it('the opening part of a SELL_LONG beyond the long needs buying power like any opening order', () => {
    const { ex } = makeExchange({ A: 5 * USD, B: 100 * USD });
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(6)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(6))); // 3.00 + fee 0.0695 × 6 × 0.25 = 0.10425 → 0.10
    expect(ex.balance('A')).toMatchObject({ currentBalance: 1_900_000, buyingPower: 1_900_000 });
    // selling the 6 held only closes: nothing reserved, no fee needed
    expect(ex.submitOrder('A', limit('ORDER_INTENT_SELL_LONG', 600_000, contracts(6))).order.state).toBe('ORDER_STATE_NEW');
    expect(ex.balance('A').openOrders).toBe(0);
    expect(ex.positions('A')[MARKET]?.qtyAvailable).toBe(0);
    // 5 more would open 5 shorts: 5 × 0.40 = 2.00 + fee 0.0695 × 5 × 0.24 = 0.0834 → 0.08; 2.08 > 1.90
    const tooMany = ex.submitOrder('A', limit('ORDER_INTENT_SELL_LONG', 600_000, contracts(5)));
    expect(tooMany.executions[0]).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', orderRejectReason: 'INSUFFICIENT_BUYING_POWER' });
    // 4 more: 1.60 + 0.0667 → 0.07 = 1.67 ≤ 1.90
    expect(ex.submitOrder('A', limit('ORDER_INTENT_SELL_LONG', 600_000, contracts(4))).order.state).toBe('ORDER_STATE_NEW');
    expect(ex.balance('A')).toMatchObject({ openOrders: 1_600_000, buyingPower: 300_000 });
  });

  it('a resting SELL_LONG whose long another order sold now opens a short: it fills when funded', () => {
    const { ex } = makeExchange();
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(10)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(10))); // A long 10
    const sell = ex.submitOrder('A', limit('ORDER_INTENT_SELL_LONG', 700_000, contracts(10))).order; // ask 0.70
    // ask 0.65 nets the long first; the offers side now holds 10 × (1 − 0.70) = 3.00 for the SELL_LONG beyond it
    const shortOffer = ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 650_000, contracts(10))).order;
    expect(ex.balance('A').openOrders).toBe(3 * USD);
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 700_000, contracts(20)));
    // C lifts 0.65 (A sells its long through the BUY_SHORT), then 0.70 (the SELL_LONG opens 10 shorts)
    expect(ex.getOrder('A', shortOffer.id).state).toBe('ORDER_STATE_FILLED');
    expect(ex.getOrder('A', sell.id)).toMatchObject({ state: 'ORDER_STATE_FILLED', cumQuantity: contracts(10) });
    expect(ex.positions('A')[MARKET]).toMatchObject({ netPosition: contracts(-10), cost: 3 * USD, realized: 1_500_000 });
    expect(ex.positions('C')[MARKET]?.netPosition).toBe(contracts(20));
    expect(ex.balance('A').openOrders).toBe(0);
    expect(ex.book(MARKET)).toMatchObject({ asks: [], bids: [] });
  });

  it('a resting SELL_LONG whose long another order sold is cancelled as unfunded when the short it would open is not', () => {
    const { ex } = makeExchange({ A: 6 * USD, B: 100 * USD, C: 100 * USD });
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(10)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(10))); // 5.00 + fee 0.17375 → 0.17: cash 0.83
    const resting = ex.submitOrder('A', limit('ORDER_INTENT_SELL_LONG', 300_000, contracts(10))).order; // closes only: free
    expect(ex.balance('A')).toMatchObject({ currentBalance: 830_000, openOrders: 0 });
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 100_000, contracts(10)));
    // A sells its long at market into C's 0.10 bid: + 1.00 − fee 0.0695 × 10 × 0.09 = 0.06255 → 0.06; cash 1.77.
    const r = ex.submitOrder('A', market('ORDER_INTENT_SELL_LONG', contracts(10)));
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_FILLED', cumQuantity: contracts(10) });
    // The resting SELL_LONG would now open 10 shorts at 0.30: 7.00 > 1.77, so the exchange cancels it.
    const cancel = r.executions.find((e) => e.order.id === resting.id);
    expect(cancel).toMatchObject({ type: 'EXECUTION_TYPE_CANCELED', unsolicitedCancelReason: 'UNSOLICITED_CXL_REASON_EXCHANGE_OPTION' });
    expect(ex.getOrder('A', resting.id)).toMatchObject({ state: 'ORDER_STATE_CANCELED', cumQuantity: 0, leavesQuantity: 0 });
    expect(ex.balance('A')).toMatchObject({ currentBalance: 1_770_000, openOrders: 0, buyingPower: 1_770_000 });
    expect(ex.positions('A')[MARKET]?.netPosition).toBe(0);
  });
});

describe('cancel, modify, cancel all, close position, preview', () => {
  it('cancel releases the reservation and reports CANCELED; cancelling twice is a 400', () => {
    const { ex, events } = makeExchange();
    const o = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10))).order;
    const r = ex.cancelOrder('A', o.id, MARKET);
    expect(r.order.state).toBe('ORDER_STATE_CANCELED');
    expect(r.executions.map((e) => e.type)).toEqual(['EXECUTION_TYPE_CANCELED']);
    expect(ex.balance('A')).toMatchObject({ openOrders: 0, buyingPower: 1_000 * USD });
    expect(ex.book(MARKET).bids).toEqual([]);
    expect(() => ex.cancelOrder('A', o.id, MARKET)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => ex.cancelOrder('B', o.id, MARKET)).toThrow(expect.objectContaining({ status: 404 }));
    expect(events.filter((e) => e.type === 'book').length).toBeGreaterThanOrEqual(2);
  });

  it('a size decrease keeps time priority; a price change or size increase loses it', () => {
    const { ex } = makeExchange();
    const a = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10))).order;
    const b = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10))).order;
    const dec = ex.modifyOrder('A', a.id, { marketSlug: MARKET, quantity: contracts(6) });
    expect(dec.executions.map((e) => e.type)).toEqual(['EXECUTION_TYPE_REPLACE']);
    expect(dec.order).toMatchObject({ id: a.id, quantity: contracts(6), leavesQuantity: contracts(6) });
    expect(ex.balance('A').openOrders).toBe(6 * 400_000);
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(3)));
    expect(ex.getOrder('A', a.id).cumQuantity).toBe(contracts(3)); // A still first

    ex.modifyOrder('A', a.id, { marketSlug: MARKET, quantity: contracts(20) }); // increase: to the back of the queue
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(10)));
    expect(ex.getOrder('B', b.id).state).toBe('ORDER_STATE_FILLED');
    expect(ex.getOrder('A', a.id).cumQuantity).toBe(contracts(3));

    ex.modifyOrder('A', a.id, { marketSlug: MARKET, price: 410_000 });
    expect(ex.book(MARKET).bids).toEqual([{ price: 410_000, qty: contracts(17) }]);
    expect(ex.balance('A').openOrders).toBe(17 * 410_000);
  });

  it('a modify that crosses trades as the aggressor', () => {
    const { ex } = makeExchange();
    const a = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(5))).order;
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 450_000, contracts(5)));
    const r = ex.modifyOrder('A', a.id, { marketSlug: MARKET, price: 450_000 });
    expect(r.executions.map((e) => e.type)).toEqual(['EXECUTION_TYPE_REPLACE', 'EXECUTION_TYPE_FILL']);
    expect(r.executions[1]).toMatchObject({ aggressor: true, lastPx: 450_000 });
    expect(() => ex.modifyOrder('A', a.id, { marketSlug: MARKET, quantity: contracts(9) })).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('modify below the filled quantity or beyond buying power is refused and leaves the order unchanged', () => {
    const { ex } = makeExchange({ A: 5 * USD, B: 100 * USD });
    const a = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10))).order;
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(4)));
    expect(() => ex.modifyOrder('A', a.id, { marketSlug: MARKET, quantity: contracts(4) })).toThrow(expect.objectContaining({ code: 'INVALID_QUANTITY' }));
    expect(() => ex.modifyOrder('A', a.id, { marketSlug: MARKET, quantity: contracts(100) })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_BUYING_POWER' }));
    expect(ex.getOrder('A', a.id)).toMatchObject({ quantity: contracts(10), leavesQuantity: contracts(6), price: 400_000 });
  });

  it('cancelAll cancels only the account orders in the given markets', () => {
    const { ex } = makeExchange();
    ex.addMarket({ slug: 'other', eventSlug: 'nba-bos-nyk', title: 'Total', outcome: 'Over' });
    const o1 = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(1))).order;
    const o2 = ex.submitOrder('A', { marketSlug: 'other', intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, quantity: contracts(1) }).order;
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(1)));
    expect(ex.cancelAll('A', [MARKET])).toEqual([o1.id]);
    expect(ex.openOrders('A').map((o) => o.id)).toEqual([o2.id]);
    expect(ex.cancelAll('A')).toEqual([o2.id]);
    expect(ex.openOrders('B')).toHaveLength(1);
  });

  it('closePosition sells the whole position at market, cancelling the account resting reducing orders first', () => {
    const { ex } = makeExchange();
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(8)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(8)));
    ex.submitOrder('A', limit('ORDER_INTENT_SELL_LONG', 900_000, contracts(8)));
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(5)));
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 440_000, contracts(5)));
    const r = ex.closePosition('A', MARKET);
    expect(r.order).toMatchObject({ intent: 'ORDER_INTENT_SELL_LONG', type: 'ORDER_TYPE_MARKET', state: 'ORDER_STATE_FILLED', cumQuantity: contracts(8) });
    expect(ex.positions('A')[MARKET]?.netPosition).toBe(0);
    expect(ex.openOrders('A')).toEqual([]);
    expect(() => ex.closePosition('A', MARKET)).toThrow(expect.objectContaining({ code: 'NO_POSITION' }));
    // a short closes with SELL_SHORT
    expect(ex.closePosition('B', MARKET, { quantity: contracts(3) }).order).toMatchObject({ intent: 'ORDER_INTENT_SELL_SHORT' });
  });

  it('previewOrder reports what would happen without changing any state', () => {
    const { ex, events } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(3)));
    const before = JSON.stringify([ex.book(MARKET), ex.allAccounts()]);
    events.length = 0;
    expect(ex.previewOrder('B', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(5)))).toMatchObject({
      state: 'ORDER_STATE_PARTIALLY_FILLED',
      cumQuantity: contracts(3),
      leavesQuantity: contracts(2),
      avgPx: 500_000,
    });
    expect(ex.previewOrder('B', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(5), { tif: 'TIME_IN_FORCE_FILL_OR_KILL' })).state).toBe('ORDER_STATE_CANCELED');
    // B holds nothing: a SELL_LONG would open a short and rest; 5000 longs at 0.50 are beyond its buying power
    expect(ex.previewOrder('B', limit('ORDER_INTENT_SELL_LONG', 600_000, contracts(5))).state).toBe('ORDER_STATE_NEW');
    expect(ex.previewOrder('B', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(5_000))).state).toBe('ORDER_STATE_REJECTED');
    expect(JSON.stringify([ex.book(MARKET), ex.allAccounts()])).toBe(before);
    expect(events).toEqual([]);
  });
});
