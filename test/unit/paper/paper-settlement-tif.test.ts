import { describe, expect, it } from 'vitest';
import { M, lv, paper, usd } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

async function longAndShort() {
  const p = paper({ balance: 100 });
  p.book([lv(0.4, 100)], [lv(0.55, 100)]);
  await p.ex.createOrder(p.order({ price: usd(0.55), quantity: contracts(10), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
  p.book([lv(0.3, 100)], [lv(0.35, 100)], 'MARKET_STATE_OPEN', 'mkt-b');
  await p.ex.createOrder(p.order({ marketSlug: 'mkt-b', intent: 'ORDER_INTENT_BUY_SHORT', price: usd(0.3), quantity: contracts(20), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
  p.scheduler.advance(100);
  return p;
}

describe('paper settlement at the exchange price', () => {
  it('a tie settles at 0.50 a side: the long and the short are each paid half a dollar a contract', async () => {
    const p = await longAndShort();
    const cash = p.ex.portfolio.cash;
    // long 10 bought at 0.55: 10 × 0.50 = 5.00, realized −0.50
    expect(p.ex.settle(M, usd(0.5))).toEqual({ payout: usd(5), realized: -usd(0.5) });
    // short 20 at 0.30 (0.70 each, 14.00): 20 × (1 − 0.50) = 10.00, realized −4.00
    expect(p.ex.settle('mkt-b', usd(0.5))).toEqual({ payout: usd(10), realized: -usd(4) });
    expect(p.ex.portfolio.cash).toBe(cash + usd(15));
  });

  it('a cancelled game settles at the last fair market price; co-winners at 1/n rounded down to the tick', async () => {
    const p = await longAndShort();
    expect(p.ex.settle(M, usd(0.37))).toEqual({ payout: usd(3.7), realized: usd(3.7) - usd(5.5) });
    // three co-winners: 1/3 → 0.33; the short pays out 1 − 0.33 a contract
    expect(p.ex.settle('mkt-b', usd(0.33))).toEqual({ payout: 20 * usd(0.67), realized: 20 * usd(0.67) - usd(14) });
    expect(p.events.filter((e) => e.type === 'position').at(-1)).toMatchObject({ position: { marketSlug: 'mkt-b', netPosition: 0, expired: true } });
  });

  it('refuses a settlement price outside [0, 1] or not in whole micros, naming it', async () => {
    const p = await longAndShort();
    expect(() => p.ex.settle(M, 1_000_001)).toThrow(/settlement price/);
    expect(() => p.ex.settle(M, 0.5)).toThrow(/settlement price/);
    expect(p.ex.portfolio.position(M)?.netQty).toBe(contracts(10));
  });
});

describe('paper time in force', () => {
  it('a good-till-date order rests until its goodTillTime, then expires and frees its buying power', async () => {
    const p = paper({ balance: 100 });
    p.book([lv(0.4, 100)], [lv(0.6, 100)]);
    const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.45), quantity: contracts(10), tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: 5_000 }));
    p.scheduler.advance(100);
    expect(p.ex.simulator.get(orderId)?.status).toBe('resting');
    expect(p.ex.balance().buyingPower).toBe(usd(100) - usd(4.5));
    expect((await p.ex.openOrders())[0]).toMatchObject({ id: orderId, tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: 5_000 });
    p.scheduler.advance(4_800); // t = 4 900
    expect(p.ex.simulator.get(orderId)?.status).toBe('resting');
    p.scheduler.advance(100); // t = 5 000
    expect(p.executions().at(-1)).toMatchObject({ type: 'EXECUTION_TYPE_EXPIRED', order: { id: orderId, state: 'ORDER_STATE_EXPIRED' } });
    expect(p.ex.balance().buyingPower).toBe(usd(100));
  });

  it('refuses a good-till-date order without a goodTillTime or one already past', async () => {
    const p = paper();
    p.book([lv(0.4, 100)], [lv(0.6, 100)]);
    const a = await p.ex.createOrder(p.order({ price: usd(0.45), tif: 'TIME_IN_FORCE_GOOD_TILL_DATE' }));
    const b = await p.ex.createOrder(p.order({ price: usd(0.45), tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: 50 }));
    p.scheduler.advance(100);
    expect(p.executions().find((x) => x.order.id === a.orderId)).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', orderRejectReason: expect.stringMatching(/goodTillTime/) });
    expect(p.executions().find((x) => x.order.id === b.orderId)).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', orderRejectReason: expect.stringMatching(/past/) });
  });
});
