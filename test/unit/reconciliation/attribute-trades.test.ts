import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Fill, OrderRequest, TrackedOrder } from '../../../shared/domain/order.js';
import type { StoredOrder } from '../../../shared/reconciliation/drift.js';
import type { UnattributedTrade } from '../../../shared/reconciliation/venue-trade.js';
import { attributeTrades, tradeFits, unrecordedTrades } from '../../../shared/reconciliation/attribute-trades.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { orderRequest } from '../../support/domain-fixtures.js';

const T0 = 1_900_000_000_000;
const SKEW = 5_000;
const M = 'mkt-a';
/** The fixture's order request, sized 10 contracts unless told. */
const req = (over: Partial<OrderRequest> = {}): OrderRequest => orderRequest({ quantity: contracts(10), ...over });

function inFlight(localId: string, over: Partial<TrackedOrder> = {}, request = req()): StoredOrder {
  return {
    order: { orderId: null, localId, request, status: 'PENDING', filledQty: 0, avgPrice: 0, feesPaid: 0, strategyName: 'market_maker', createdAt: T0, updatedAt: T0, ...over },
    version: 1,
  };
}

const recorded = (orderId: string, request = req(), over: Partial<TrackedOrder> = {}): StoredOrder => inFlight(`l-${orderId}`, { orderId, ...over }, request);

function trade(executionId: string, over: Partial<UnattributedTrade> = {}): UnattributedTrade {
  return { executionId, marketSlug: M, price: 550_000, qty: contracts(4), time: T0 + 100, aggressor: true, intent: null, fee: null, ...over };
}

function fill(executionId: string, over: Partial<Fill> = {}): Fill {
  return { executionId, orderId: 'o', marketSlug: M, intent: 'ORDER_INTENT_BUY_LONG', price: 550_000, qty: contracts(4), fee: 0, liquidity: 'TAKER', time: T0 + 100, ...over };
}

describe('which order could have made a trade', () => {
  it('takes no trade its order could not have made', () => {
    const buy = inFlight('a').order;
    expect(tradeFits(trade('t'), buy, SKEW)).toBe(true);
    expect(tradeFits(trade('t', { marketSlug: 'mkt-b' }), buy, SKEW)).toBe(false);
    expect(tradeFits(trade('t', { price: 560_000 }), buy, SKEW)).toBe(false); // above a buyer's limit
    expect(tradeFits(trade('t', { time: T0 - SKEW - 1 }), buy, SKEW)).toBe(false); // before it was sent
    expect(tradeFits(trade('t', { qty: contracts(10.01) }), buy, SKEW)).toBe(false);
    expect(tradeFits(trade('t', { intent: 'ORDER_INTENT_SELL_LONG' }), buy, SKEW)).toBe(false);
    const sell = inFlight('s', {}, req({ intent: 'ORDER_INTENT_SELL_LONG' })).order;
    expect(tradeFits(trade('t', { price: 540_000 }), sell, SKEW)).toBe(false); // below a seller's limit
    expect(tradeFits(trade('t', { price: 560_000 }), sell, SKEW)).toBe(true);
    const short = inFlight('s', {}, req({ intent: 'ORDER_INTENT_BUY_SHORT' })).order; // sells the long side
    expect(tradeFits(trade('t', { price: 560_000 }), short, SKEW)).toBe(true);
    expect(tradeFits(trade('t', { price: 540_000 }), short, SKEW)).toBe(false);
    const maker = inFlight('m', {}, req({ postOnly: true })).order;
    expect(tradeFits(trade('t', { aggressor: true }), maker, SKEW)).toBe(false);
    expect(tradeFits(trade('t', { aggressor: false }), maker, SKEW)).toBe(true);
    const market = inFlight('mk', {}, req({ type: 'ORDER_TYPE_MARKET', price: undefined })).order;
    expect(tradeFits(trade('t', { price: 990_000 }), market, SKEW)).toBe(true);
  });

});

describe('trades the ledger does not hold', () => {
  it('counts a trade as held by its execution id, or by a ledger fill of the same figures within the skew, each fill once', () => {
    const trades = [trade('t1'), trade('t2'), trade('t3'), trade('x-1')];
    const ledger = [
      fill('x-1'), // same id
      fill('e-9', { time: T0 + 100 + SKEW }), // the stream's execution id, same figures: accounts for one trade
      fill('e-8', { time: T0 + 100 + SKEW + 1 }), // too far apart
      fill('e-7', { qty: contracts(5) }), // other quantity
    ];
    expect(unrecordedTrades(trades, ledger, SKEW).map((t) => t.executionId)).toEqual(['t2', 't3']);
  });

  it('matches by trade id exactly when both carry one: any time apart, and never a fill of another trade id', () => {
    const trades = [
      trade('T1', { tradeId: 'T1', time: T0 + 100 }),
      trade('T2', { tradeId: 'T2' }),
      trade('T3', { tradeId: 'T3' }),
    ];
    const ledger = [
      fill('e-1', { tradeId: 'T1', time: T0 + 100 + 10 * SKEW }), // its trade, recorded far later: still held
      fill('e-9', { tradeId: 'T9' }), // same figures and time as T2, but another trade: does not hold it
      fill('e-5'), // same figures, no trade id (an execution that named none): may hold one trade by figures
    ];
    expect(unrecordedTrades(trades, ledger, SKEW).map((t) => t.executionId)).toEqual(['T3']);
    // Without the figures-only fill, both T2 and T3 are missing: T9's fill holds neither.
    expect(unrecordedTrades(trades, ledger.slice(0, 2), SKEW).map((t) => t.executionId)).toEqual(['T2', 'T3']);
  });
});

describe('trades attributed to recorded orders', () => {
  it('gives a trade to the one recorded order that fits it and has room, and leaves it when none or several do', () => {
    const bid = recorded('o1', req({ quantity: contracts(6) }));
    const ask = recorded('o2', req({ intent: 'ORDER_INTENT_SELL_LONG', price: 600_000 }));
    const { attributed, left } = attributeTrades(
      [trade('t1', { qty: contracts(4) }), trade('t2', { qty: contracts(4), time: T0 + 200 }), trade('t3', { price: 610_000, qty: contracts(1) }), trade('t4', { marketSlug: 'mkt-b' })],
      [bid, ask],
      [fill('f0', { orderId: 'o1', qty: contracts(1) })],
      SKEW,
    );
    // o1 asked 6, the ledger holds 1: t1 (4) fits, t2 (4) no longer does; t3 sells above 0.60 → o2.
    expect(attributed.map((t) => [t.executionId, t.orderId])).toEqual([
      ['t1', 'o1'],
      ['t3', 'o2'],
    ]);
    expect(left.map((t) => t.executionId)).toEqual(['t4', 't2']); // oldest first
    // Two bids that could both have made it: no guess.
    const twin = recorded('o3', req({ quantity: contracts(6) }));
    expect(attributeTrades([trade('t1')], [bid, twin], [], SKEW)).toEqual({ attributed: [], left: [trade('t1')] });
  });

  it('property: never more contracts on an order than it asked for, and only trades it could have made', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ price: fc.integer({ min: 1, max: 99 }), quantity: fc.integer({ min: 1, max: 900 }), sell: fc.boolean() }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.record({ price: fc.integer({ min: 1, max: 99 }), qty: fc.integer({ min: 1, max: 900 }), time: fc.integer({ min: -10_000, max: 10_000 }) }), { maxLength: 15 }),
        (os, ts) => {
          const orders = os.map((x, i) => recorded(`o${i}`, req({ price: x.price * 10_000, quantity: x.quantity, intent: x.sell ? 'ORDER_INTENT_SELL_LONG' : 'ORDER_INTENT_BUY_LONG' })));
          const trades = ts.map((x, i) => trade(`t${i}`, { price: x.price * 10_000, qty: x.qty, time: T0 + x.time }));
          const { attributed, left } = attributeTrades(trades, orders, [], SKEW);
          expect(attributed.length + left.length).toBe(trades.length);
          for (const s of orders) {
            const mine = attributed.filter((t) => t.orderId === s.order.orderId);
            expect(mine.reduce((a, t) => a + t.qty, 0)).toBeLessThanOrEqual(s.order.request.quantity);
            for (const t of mine) expect(tradeFits(t, s.order, SKEW)).toBe(true);
          }
        },
      ),
    );
  });
});
