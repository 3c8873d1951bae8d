import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import { INSUFFICIENT_BUYING_POWER, PaperPortfolio } from '../../../shared/paper/paper-portfolio.js';
import { applyTrade, emptyLedger, markValue, settle } from '../../../shared/paper/position-math.js';
import { M, lv, paper, usd } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

describe('paper portfolio', () => {
  it('(f) rejects an order the buying power cannot cover, as the exchange would, and leaves the account untouched', async () => {
    const p = paper({ balance: 10 });
    p.book([lv(0.5, 100)], [lv(0.55, 100)]);
    const big = await p.ex.createOrder(p.order({ price: usd(0.55), quantity: contracts(20), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    expect(p.executions().find((x) => x.order.id === big.orderId)).toMatchObject({
      type: 'EXECUTION_TYPE_REJECTED',
      orderRejectReason: INSUFFICIENT_BUYING_POWER,
    });
    expect(p.fills()).toHaveLength(0);
    expect(p.ex.balance()).toEqual({ balance: usd(10), buyingPower: usd(10) });

    // resting orders reserve buying power: the second order no longer fits. Admission needs the order's
    // reservation and its taker fee at the limit; only the reservation stays held while it rests.
    const first = await p.ex.createOrder(p.order({ price: usd(0.4), quantity: contracts(15) })); // 6.00 + fee 0.25 ≤ 10
    const second = await p.ex.createOrder(p.order({ price: usd(0.4), quantity: contracts(10) })); // 4.00 + fee 0.17 > 4.00 left
    p.scheduler.advance(100);
    expect(p.ex.simulator.get(first.orderId)?.status).toBe('resting');
    expect(p.executions().find((x) => x.order.id === second.orderId)?.type).toBe('EXECUTION_TYPE_REJECTED');
    expect(p.ex.balance().buyingPower).toBe(usd(10) - usd(6));
    // cancelling gives it back
    await p.ex.cancelOrder(first.orderId, M);
    p.scheduler.advance(100);
    expect(p.ex.balance().buyingPower).toBe(usd(10));

    // nothing to sell: SELL_LONG without a long opens a short (posts $1, costs 1 − p) and needs the power for it
    const sell = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.6), quantity: contracts(25) })); // 10.00 + fee > 10
    p.scheduler.advance(100);
    expect(p.executions().find((x) => x.order.id === sell.orderId)?.orderRejectReason).toBe(INSUFFICIENT_BUYING_POWER);
    const small = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.6), quantity: contracts(5) }));
    p.scheduler.advance(100);
    expect(p.ex.simulator.get(small.orderId)?.status).toBe('resting');
    expect(p.ex.balance().buyingPower).toBe(usd(10) - 5 * usd(0.4));
  });

  it('(d, f) a short costs 1 − price: BUY_SHORT at 0.40 needs 0.60 a contract', () => {
    const pf = new PaperPortfolio({ startingBalance: usd(50) }, new ManualClock(0));
    // 0.60 × 100 + taker fee 0.0695 × 100 × 0.40 × 0.60 = 1.668 → 1.67
    expect(pf.requiredCash('ORDER_INTENT_BUY_SHORT', usd(0.4), contracts(100))).toBe(usd(60) + 1_670_000);
    expect(pf.reserve({ id: 's', marketSlug: M, intent: 'ORDER_INTENT_BUY_SHORT', price: usd(0.4), quantity: contracts(100) })).toBe(INSUFFICIENT_BUYING_POWER);
    expect(pf.reserve({ id: 'l', marketSlug: M, intent: 'ORDER_INTENT_BUY_LONG', price: usd(0.4), quantity: contracts(100) })).toBeNull();
    // admitted with room for its fee (40 + 1.67 ≤ 50); resting, it holds its cost only
    expect(pf.buyingPower()).toBe(usd(50) - usd(40));
  });

  it('(e) settlement pays 1 or 0 per contract (1 − S for shorts) and realizes the PnL', async () => {
    const p = paper({ balance: 100 });
    p.book([lv(0.4, 100)], [lv(0.55, 100)]);
    p.book([lv(0.3, 100)], [lv(0.35, 100)], 'MARKET_STATE_OPEN', 'mkt-b');
    await p.ex.createOrder(p.order({ price: usd(0.55), quantity: contracts(10), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    await p.ex.createOrder(p.order({ marketSlug: 'mkt-b', intent: 'ORDER_INTENT_BUY_SHORT', price: usd(0.3), quantity: contracts(20), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    const resting = await p.ex.createOrder(p.order({ price: usd(0.4), quantity: contracts(5) }));
    p.scheduler.advance(100);
    const fees = p.fills().reduce((s, x) => s + x.commissionNotionalCollected!, 0);
    const cashBefore = p.ex.portfolio.cash;
    expect(cashBefore).toBe(usd(100) - usd(5.5) - usd(14) - fees);

    // YES wins in mkt-a: long 10 bought at 0.55 → +4.50; the resting bid is cancelled
    expect(p.ex.settle(M, 1_000_000)).toEqual({ payout: usd(10), realized: usd(4.5) });
    expect(p.executions().find((x) => x.order.id === resting.orderId && x.type === 'EXECUTION_TYPE_CANCELED')).toBeDefined();
    // YES wins in mkt-b too: the short (cost 0.70 each) is worth 0 → −14.00
    expect(p.ex.settle('mkt-b', 1_000_000)).toEqual({ payout: 0, realized: -usd(14) });
    expect(p.ex.portfolio.cash).toBe(cashBefore + usd(10));
    expect(p.ex.balance().buyingPower).toBe(p.ex.portfolio.cash);
    expect(p.ex.portfolio.position(M)).toMatchObject({ netQty: 0, cost: 0, realized: usd(4.5) });
    const lastPos = p.events.filter((e) => e.type === 'position').at(-1);
    expect(lastPos).toMatchObject({ position: { marketSlug: 'mkt-b', netPosition: 0, expired: true, realized: -usd(14) } });
  });

  it('position math: cash and PnL are conserved (property)', () => {
    fc.assert(
      fc.property(
        // quantities in hundredths (up to 50 contracts), prices in cents
        fc.array(fc.record({ buy: fc.boolean(), qty: fc.integer({ min: 1, max: 5_000 }), c: fc.integer({ min: 1, max: 99 }) }), { maxLength: 30 }),
        fc.constantFrom(0, 1_000_000),
        (trades, s) => {
          const pos = emptyLedger();
          let cash = 0;
          for (const t of trades) cash += applyTrade(pos, t.buy, t.qty, t.c * 10_000).cashDelta;
          expect(pos.cost).toBeGreaterThanOrEqual(0);
          // net position equals contracts bought minus sold
          expect(pos.netQty).toBe(pos.qtyBought - pos.qtySold);
          // at any mark, value + cash = realized + unrealized (everything accounted for)
          expect(cash + markValue(pos, 500_000)).toBe(pos.realized + (markValue(pos, 500_000) - pos.cost));
          const { payout } = settle(pos, s);
          cash += payout;
          expect(cash).toBe(pos.realized);
        },
      ),
    );
  });
});
