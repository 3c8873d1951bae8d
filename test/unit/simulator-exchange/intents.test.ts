import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import { USD, MARKET, limit, makeExchange } from './fixture.js';

const START = 1_000 * USD;

describe('four intents on one long book (worked numbers)', () => {
  it('BUY_SHORT resting at 0.40 vs BUY_LONG taking at 0.40: A pays 6.00, B pays 4.00, fees Θ·C·p(1−p) on both sides', () => {
    const { ex } = makeExchange();
    const a = ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(10)));
    expect(a.order.side).toBe('ORDER_SIDE_SELL');
    expect(ex.book(MARKET).asks).toEqual([{ price: 400_000, qty: contracts(10) }]);
    // A's resting short reserves 10 × (1 − 0.40) = 6.00
    expect(ex.balance('A')).toMatchObject({ currentBalance: START, openOrders: 6 * USD, buyingPower: START - 6 * USD });

    const b = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10)));
    expect(b.order.state).toBe('ORDER_STATE_FILLED');
    const fill = b.executions.find((e) => e.type === 'EXECUTION_TYPE_FILL');
    // taker fee: 0.0695 × 10 × 0.40 × 0.60 = 0.1668 → 0.17 (cent, half even)
    expect(fill).toMatchObject({ lastShares: contracts(10), lastPx: 400_000, aggressor: true, commissionNotionalCollected: 170_000 });
    expect(fill?.order).toMatchObject({ commissionNotionalTotalCollected: 170_000, commissionsBasisPoints: 695, makerCommissionsBasisPoints: -125 });
    // maker A: rebate 0.0125 × 10 × 0.24 = 0.03; B: 4.00 + 0.17
    expect(ex.balance('A')).toMatchObject({ currentBalance: START - 6 * USD + 30_000, openOrders: 0 });
    expect(ex.balance('B')).toMatchObject({ currentBalance: START - 4 * USD - 170_000, openOrders: 0 });
    expect(ex.getOrder('A', a.order.id)).toMatchObject({ commissionNotionalTotalCollected: -30_000 });
    expect(ex.positions('A')[MARKET]).toMatchObject({ netPosition: contracts(-10), qtySold: contracts(10), cost: 6 * USD, realized: 0 });
    expect(ex.positions('B')[MARKET]).toMatchObject({ netPosition: contracts(10), qtyBought: contracts(10), cost: 4 * USD, realized: 0 });
    const makerExec = ex.getOrder('A', a.order.id);
    expect(makerExec).toMatchObject({ state: 'ORDER_STATE_FILLED', cumQuantity: contracts(10), leavesQuantity: 0, avgPx: 400_000 });
  });

  it('SELL_LONG and SELL_SHORT close positions and realize PnL; all cash is conserved less net fees', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(10)));
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10)));
    // B sells its long at 0.55 to C.
    ex.submitOrder('B', limit('ORDER_INTENT_SELL_LONG', 550_000, contracts(10)));
    const c = ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 550_000, contracts(10)));
    // C's taker fee: 0.0695 × 10 × 0.55 × 0.45 = 0.1720125 → 0.17; B's rebate 0.0125 × 2.475 = 0.0309375 → 0.03
    expect(c.executions.at(-1)?.commissionNotionalCollected).toBe(170_000);
    expect(ex.positions('B')[MARKET]).toMatchObject({ netPosition: 0, realized: 1_500_000, cost: 0 });
    expect(ex.balance('B').currentBalance).toBe(START - 4 * USD - 170_000 + 5_500_000 + 30_000);

    // The long price falls to 0.30: C sells to A, who buys its short back (SELL_SHORT is a bid at the long price).
    ex.submitOrder('C', limit('ORDER_INTENT_SELL_LONG', 300_000, contracts(10)));
    const a = ex.submitOrder('A', limit('ORDER_INTENT_SELL_SHORT', 300_000, contracts(10)));
    expect(a.order.side).toBe('ORDER_SIDE_BUY');
    expect(a.order.state).toBe('ORDER_STATE_FILLED');
    // A: short entered at long 0.40 (cost 0.60), closed at long 0.30 (returns 0.70): +1.00
    expect(ex.positions('A')[MARKET]).toMatchObject({ netPosition: 0, realized: 1 * USD, cost: 0, qtyBought: contracts(10), qtySold: contracts(10) });
    expect(ex.positions('C')[MARKET]).toMatchObject({ netPosition: 0, realized: -2_500_000 });
    // A: −6.00 + 0.03 rebate + 7.00 − 0.15 fee (0.0695 × 10 × 0.21 = 0.14595 → 0.15)
    expect(ex.balance('A').currentBalance).toBe(START + 880_000);
    // C: −5.50 − 0.17 fee + 3.00 + 0.03 rebate (0.0125 × 2.1 = 0.02625 → 0.03)
    expect(ex.balance('C').currentBalance).toBe(START - 5_670_000 + 3 * USD + 30_000);

    const accounts = ex.allAccounts();
    const cash = accounts.reduce((s, a) => s + a.cash, 0);
    const fees = accounts.reduce((s, a) => s + a.feesPaid, 0);
    const rebates = accounts.reduce((s, a) => s + a.rebatesReceived, 0);
    expect(fees).toBe(490_000);
    expect(rebates).toBe(90_000);
    expect(cash).toBe(3 * START - fees + rebates);
  });

  it('SELL_SHORT vs BUY_SHORT transfers a short from one account to another', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(5)));
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(5)));
    // C opens a short by offering at 0.45; A buys its short back by bidding 0.45.
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_SHORT', 450_000, contracts(5)));
    ex.submitOrder('A', limit('ORDER_INTENT_SELL_SHORT', 450_000, contracts(5)));
    expect(ex.positions('A')[MARKET]).toMatchObject({ netPosition: 0, realized: 250_000 }); // 0.55 − 0.50 per contract
    expect(ex.positions('C')[MARKET]).toMatchObject({ netPosition: contracts(-5), cost: 2_750_000 });
    expect(ex.positions('B')[MARKET]).toMatchObject({ netPosition: contracts(5) });
  });

  it('an opening intent against an opposite position nets: BUY_SHORT while long sells the long first', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(10)));
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10))); // B long 10 @ 0.40
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(15)));
    const before = ex.balance('B').currentBalance;
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(15))); // sells 10 long, opens 5 short
    const pos = ex.positions('B')[MARKET];
    expect(pos).toMatchObject({ netPosition: contracts(-5), realized: 1 * USD, cost: 2_500_000 });
    // +10 × 0.50 for the long sold, −5 × 0.50 for the short opened, − taker fee 0.0695 × 15 × 0.25 = 0.260625 → 0.26
    expect(ex.balance('B').currentBalance).toBe(before + 5 * USD - 2_500_000 - 260_000);
  });

  it('the wire price is always the long price: a BUY_SHORT offer at 0.45 is the ask at 0.45', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 450_000, contracts(3)));
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 420_000, contracts(4)));
    expect(ex.bbo(MARKET)).toMatchObject({ bestBid: 420_000, bestAsk: 450_000, bestBidQty: contracts(4), bestAskQty: contracts(3) });
  });
});
