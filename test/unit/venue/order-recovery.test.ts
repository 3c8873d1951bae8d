import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { VenueActivity, VenueOrder } from '../../../shared/domain/venue-models.js';
import { judgeRecovery, type RecoveryInput } from '../../../shared/venue/order-recovery.js';
import { orderRequest, venueOrder } from '../../support/domain-fixtures.js';

const START = 1_000_000;
const req: OrderRequest = orderRequest({ marketSlug: 'm', quantity: contracts(10) });

function order(over: Partial<VenueOrder> = {}): VenueOrder {
  return venueOrder('o-new', { marketSlug: 'm', quantity: req.quantity, cumQuantity: 0, leavesQuantity: req.quantity, createTime: START + 50, ...over });
}

function trade(over: Partial<VenueActivity> = {}): VenueActivity {
  return { type: 'ACTIVITY_TYPE_TRADE', marketSlug: 'm', orderId: null, executionId: 'e', time: START + 60, raw: {}, ...over };
}

function input(over: Partial<RecoveryInput> = {}): RecoveryInput {
  return {
    request: req,
    attemptStartServerMs: START,
    toleranceMs: 2_000,
    openOrders: [],
    activities: [],
    ordersById: new Map(),
    isKnown: () => false,
    ...over,
  };
}

describe('judgeRecovery', () => {
  it('finds the one new open order of exactly this shape', () => {
    const v = judgeRecovery(input({ openOrders: [order()] }));
    expect(v).toMatchObject({ kind: 'found', via: 'open_orders' });
  });

  it('ignores orders known to the caller, older orders and other shapes → absent', () => {
    const v = judgeRecovery(
      input({
        openOrders: [
          order({ id: 'known' }),
          order({ id: 'old', createTime: START - 10_000 }),
          order({ id: 'px', price: 540_000 }),
          order({ id: 'qty', quantity: req.quantity + 1 }),
          order({ id: 'intent', intent: 'ORDER_INTENT_SELL_SHORT' }),
          order({ id: 'mkt', marketSlug: 'other' }),
          order({ id: 'tif', tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }),
        ],
        isKnown: (id) => id === 'known',
      }),
    );
    expect(v).toEqual({ kind: 'absent' });
  });

  it('finds an order seen on the order stream that the exchange ended before the look (found by the chaos soak)', () => {
    // Committed, then cancelled by the exchange (unfunded) before the recovery looked: not open, no trade.
    const cancelled = order({ id: 'o-cxl', state: 'ORDER_STATE_CANCELED' });
    expect(judgeRecovery(input())).toEqual({ kind: 'absent' });
    expect(judgeRecovery(input({ streamOrders: [cancelled] }))).toMatchObject({ kind: 'found', via: 'order_stream', order: { id: 'o-cxl' } });
    // Other markets, known ids and other shapes on the stream prove nothing.
    const noise = [order({ id: 'x', marketSlug: 'other' }), order({ id: 'known' }), order({ id: 'q', quantity: req.quantity + 1 })];
    expect(judgeRecovery(input({ streamOrders: noise, isKnown: (id) => id === 'known' }))).toEqual({ kind: 'absent' });
    // The same order open and on the stream is one candidate, found through the open orders.
    expect(judgeRecovery(input({ openOrders: [order()], streamOrders: [order()] }))).toMatchObject({ kind: 'found', via: 'open_orders' });
  });

  it('matches on the original quantity even when partly filled', () => {
    const v = judgeRecovery(input({ openOrders: [order({ cumQuantity: contracts(4), leavesQuantity: contracts(6), state: 'ORDER_STATE_PARTIALLY_FILLED' })] }));
    expect(v.kind).toBe('found');
  });

  it('is unknown when two orders match', () => {
    const v = judgeRecovery(input({ openOrders: [order({ id: 'a' }), order({ id: 'b' })] }));
    expect(v).toMatchObject({ kind: 'unknown', candidateOrderIds: ['a', 'b'] });
  });

  it('is unknown when a matching order has no create time', () => {
    expect(judgeRecovery(input({ openOrders: [order({ createTime: null })] })).kind).toBe('unknown');
  });

  it('is unknown when a recent trade in the market cannot be attributed (our order may have filled in full)', () => {
    expect(judgeRecovery(input({ activities: [trade()] })).kind).toBe('unknown');
  });

  it('ignores trades before the cut-off, in other markets, or of known orders', () => {
    const v = judgeRecovery(
      input({
        activities: [trade({ time: START - 5_000 }), trade({ marketSlug: 'other' }), trade({ orderId: 'mine' })],
        isKnown: (id) => id === 'mine',
      }),
    );
    expect(v).toEqual({ kind: 'absent' });
  });

  it('finds a fully filled order through the order-by-id path', () => {
    const filled = order({ id: 'o-filled', state: 'ORDER_STATE_FILLED', cumQuantity: 10, leavesQuantity: 0 });
    const v = judgeRecovery(input({ activities: [trade({ orderId: 'o-filled' })], ordersById: new Map([['o-filled', filled]]) }));
    expect(v).toMatchObject({ kind: 'found', via: 'order_by_id', order: { id: 'o-filled' } });
  });

  it('explains a trade whose order does not match, and stays unknown when the order cannot be fetched', () => {
    const other = order({ id: 'o-other', price: 100_000 });
    expect(judgeRecovery(input({ activities: [trade({ orderId: 'o-other' })], ordersById: new Map([['o-other', other]]) }))).toEqual({ kind: 'absent' });
    expect(judgeRecovery(input({ activities: [trade({ orderId: 'o-gone' })], ordersById: new Map([['o-gone', null]]) })).kind).toBe('unknown');
  });
});
