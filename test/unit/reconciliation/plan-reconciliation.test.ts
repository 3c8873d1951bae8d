import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_FEE_SCHEDULE } from '../../../shared/domain/fees.js';
import type { TrackedOrder } from '../../../shared/domain/order.js';
import type { PositionState } from '../../../shared/domain/position.js';
import { contracts, qtyTimesMicros, type Qty } from '../../../shared/domain/quantity.js';
import type { VenueActivity, VenueOrder, VenuePosition } from '../../../shared/domain/venue-models.js';
import type { ReconcileInput, ReconcilePolicy, StoredOrder, StoredPosition } from '../../../shared/reconciliation/drift.js';
import { ordersToLookUp, planReconciliation, totalDrift } from '../../../shared/reconciliation/plan-reconciliation.js';
import { parseTradeActivity, type VenueTrade } from '../../../shared/reconciliation/venue-trade.js';
import { venueOrder as baseVenueOrder } from '../../support/domain-fixtures.js';

const NOW = 1_900_000_000_000;
const GRACE = 60_000;
const OLD = NOW - 10 * 60_000;
const M = 'nba-bos-nyk-moneyline';
const policy = (over: Partial<ReconcilePolicy> = {}): ReconcilePolicy => ({ orphanPolicy: 'cancel', graceMs: GRACE, fees: DEFAULT_FEE_SCHEDULE, ...over });

function venueOrder(id: string, over: Partial<VenueOrder> = {}): VenueOrder {
  return baseVenueOrder(id, { marketSlug: M, price: 400_000, quantity: contracts(10), cumQuantity: 0, leavesQuantity: contracts(10), createTime: OLD, ...over });
}

function tracked(localId: string, orderId: string | null, over: Partial<TrackedOrder> = {}): TrackedOrder {
  return {
    orderId,
    localId,
    request: { marketSlug: M, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 400_000, quantity: contracts(10), tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: true },
    status: 'PENDING',
    filledQty: 0,
    avgPrice: 0,
    feesPaid: 0,
    strategyName: 'market_maker',
    createdAt: OLD,
    updatedAt: OLD,
    ...over,
  };
}

function trade(executionId: string, orderId: string, over: Partial<VenueTrade> = {}): VenueTrade {
  return { executionId, orderId, marketSlug: M, price: 400_000, qty: contracts(5), time: OLD, aggressor: true, intent: null, fee: null, ...over };
}

function position(netQty: Qty, over: Partial<PositionState> = {}): PositionState {
  const quantity = Math.abs(netQty);
  return {
    marketSlug: M,
    side: netQty < 0 ? 'NO' : 'YES',
    quantity,
    netQty,
    avgPrice: 400_000,
    cost: qtyTimesMicros(quantity, 400_000, 'up'),
    currentValue: qtyTimesMicros(quantity, 450_000, 'down'),
    unrealizedPnl: qtyTimesMicros(quantity, 50_000, 'down'),
    realizedPnl: 0,
    feesPaid: 1_000,
    updatedAt: OLD,
    ...over,
  };
}

function venuePosition(net: Qty, over: Partial<VenuePosition> = {}): VenuePosition {
  return { marketSlug: M, netPosition: net, qtyBought: Math.max(0, net), qtySold: 0, cost: qtyTimesMicros(Math.abs(net), 400_000, 'up'), realized: 0, bodPosition: 0, expired: false, updateTime: OLD, cashValue: null, qtyAvailable: null, ...over };
}

function input(over: { venue?: Partial<ReconcileInput['venue']>; store?: Partial<ReconcileInput['store']>; policy?: ReconcilePolicy } = {}): ReconcileInput {
  return {
    now: NOW,
    policy: over.policy ?? policy(),
    venue: { openOrders: [], positions: [], trades: [], lookedUp: new Map(), ...over.venue },
    store: { openOrders: [], positions: [], knownExecutionIds: new Set(), ordersByVenueId: new Map(), ...over.store },
  };
}

describe('missing fills', () => {
  it('appends a trade the ledger lacks, with the stored order context and the schedule fee', () => {
    const stored: StoredOrder = { order: tracked('l1', 'v1'), version: 3 };
    const plan = planReconciliation(
      input({
        venue: { trades: [trade('x1', 'v1'), trade('x2', 'v1', { aggressor: false, fee: -7 }), trade('known', 'v1')] },
        store: { knownExecutionIds: new Set(['known']), ordersByVenueId: new Map([['v1', stored]]) },
      }),
    );
    expect(plan.counts.missing_fill).toBe(2);
    expect(plan.repairs).toEqual([
      {
        kind: 'append_fill',
        // Taker buy 5 @ 0.40: the schedule's Θ·C·p·(1−p) = 0.0695 × 5 × 0.24 = 0.0834 → 0.08 (half-even to the cent).
        fill: { executionId: 'x1', orderId: 'v1', marketSlug: M, intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, qty: contracts(5), fee: 80_000, liquidity: 'TAKER', time: OLD, strategyName: 'market_maker' },
      },
      {
        kind: 'append_fill',
        fill: { executionId: 'x2', orderId: 'v1', marketSlug: M, intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, qty: contracts(5), fee: -7, liquidity: 'MAKER', time: OLD, strategyName: 'market_maker' },
      },
    ]);
  });

  it('leaves a trade younger than the grace period to the bot, and asks for the order when the intent is unknown', () => {
    const young = trade('y', 'v9', { time: NOW - 1_000 });
    const orphanTrade = trade('z', 'v8');
    const base = input({ venue: { trades: [young, orphanTrade] } });
    expect(ordersToLookUp(base)).toEqual(['v8']);
    const unresolved = planReconciliation(base);
    expect(unresolved.counts.missing_fill).toBe(1);
    expect(unresolved.repairs).toEqual([]);
    expect(unresolved.unresolved).toEqual([{ kind: 'missing_fill', key: 'z', reason: 'intent of order v8 unknown' }]);
    const resolved = planReconciliation(input({ venue: { trades: [young, orphanTrade], lookedUp: new Map([['v8', venueOrder('v8', { intent: 'ORDER_INTENT_SELL_LONG' })]]) } }));
    expect(resolved.repairs).toMatchObject([{ kind: 'append_fill', fill: { executionId: 'z', intent: 'ORDER_INTENT_SELL_LONG' } }]);
  });
});

describe('orders', () => {
  it('records an orphan and cancels it (policy cancel), or only records it (adopt); a young one is left alone', () => {
    const orphan = venueOrder('v2');
    const young = venueOrder('v3', { createTime: NOW - 5_000 });
    const cancel = planReconciliation(input({ venue: { openOrders: [orphan, young] } }));
    expect(cancel.counts.orphan_order).toBe(1);
    expect(cancel.repairs.map((r) => r.kind)).toEqual(['record_order', 'cancel_order']);
    expect(cancel.repairs[0]).toMatchObject({ order: { orderId: 'v2', localId: 'recon-v2', status: 'PENDING', strategyName: 'reconciler_orphan' } });
    expect(cancel.repairs[1]).toEqual({ kind: 'cancel_order', orderId: 'v2', marketSlug: M, localId: 'recon-v2' });
    const adopt = planReconciliation(input({ venue: { openOrders: [orphan] }, policy: policy({ orphanPolicy: 'adopt' }) }));
    expect(adopt.repairs.map((r) => r.kind)).toEqual(['record_order']);
  });

  it('does not take an order the store closed too early for an orphan: it brings the record in line', () => {
    const stored: StoredOrder = { order: tracked('l4', 'v4', { status: 'CANCELLED' }), version: 2 };
    const plan = planReconciliation(input({ venue: { openOrders: [venueOrder('v4', { cumQuantity: contracts(2), state: 'ORDER_STATE_PARTIALLY_FILLED' })] }, store: { ordersByVenueId: new Map([['v4', stored]]) } }));
    expect(plan.counts).toMatchObject({ orphan_order: 0, order_mismatch: 1 });
    expect(plan.repairs).toMatchObject([{ kind: 'update_order', expectedVersion: 2, order: { localId: 'l4', status: 'PARTIALLY_FILLED', filledQty: contracts(2) } }]);
  });

  it('stores the final state of a stored open order the exchange no longer works (404: cancelled)', () => {
    const filled: StoredOrder = { order: tracked('l5', 'v5'), version: 1 };
    const gone: StoredOrder = { order: tracked('l6', 'v6'), version: 4 };
    const fresh: StoredOrder = { order: tracked('l7', 'v7', { updatedAt: NOW - 1 }), version: 1 };
    const base = input({ store: { openOrders: [filled, gone, fresh] } });
    expect(ordersToLookUp(base)).toEqual(['v5', 'v6']);
    const plan = planReconciliation({
      ...base,
      venue: { ...base.venue, lookedUp: new Map<string, VenueOrder | null>([['v5', venueOrder('v5', { state: 'ORDER_STATE_FILLED', cumQuantity: contracts(10), leavesQuantity: 0, avgPx: 400_000 })], ['v6', null]]) },
    });
    expect(plan.counts.stale_order).toBe(2);
    expect(plan.repairs).toMatchObject([
      { kind: 'update_order', expectedVersion: 1, order: { localId: 'l5', status: 'FILLED', filledQty: contracts(10), avgPrice: 400_000, updatedAt: NOW } },
      { kind: 'update_order', expectedVersion: 4, order: { localId: 'l6', status: 'CANCELLED' } },
    ]);
  });

  it('updates an order open on both sides whose fills differ; equal ones are no drift', () => {
    const same: StoredOrder = { order: tracked('l8', 'v8'), version: 1 };
    const behind: StoredOrder = { order: tracked('l9', 'v9'), version: 6 };
    const plan = planReconciliation(
      input({
        venue: { openOrders: [venueOrder('v8'), venueOrder('v9', { cumQuantity: contracts(4), leavesQuantity: contracts(6), state: 'ORDER_STATE_PARTIALLY_FILLED' })] },
        store: { openOrders: [same, behind] },
      }),
    );
    expect(plan.counts.order_mismatch).toBe(1);
    expect(plan.repairs).toMatchObject([{ kind: 'update_order', expectedVersion: 6, order: { localId: 'l9', filledQty: contracts(4), status: 'PARTIALLY_FILLED' } }]);
  });
});

describe('positions', () => {
  it("stores the exchange's position when the net differs, keeping the mark per contract; flattens one the exchange does not hold", () => {
    const stored: StoredPosition = { position: position(contracts(10)), version: 2 };
    const other: StoredPosition = { position: position(contracts(-3), { marketSlug: 'nfl-x-y-moneyline' }), version: 1 };
    const plan = planReconciliation(input({ venue: { positions: [venuePosition(contracts(12), { cost: 4_900_000, realized: 25_000 })] }, store: { positions: [stored, other] } }));
    expect(plan.counts.position_mismatch).toBe(2);
    expect(plan.repairs).toEqual([
      {
        kind: 'save_position',
        expectedVersion: 2,
        position: { marketSlug: M, side: 'YES', quantity: contracts(12), netQty: contracts(12), avgPrice: 408_333, cost: 4_900_000, currentValue: 5_400_000, unrealizedPnl: 500_000, realizedPnl: 25_000, feesPaid: 1_000, updatedAt: NOW },
      },
      { kind: 'save_position', expectedVersion: 1, position: expect.objectContaining({ marketSlug: 'nfl-x-y-moneyline', quantity: 0, netQty: 0, cost: 0, unrealizedPnl: 0 }) },
    ]);
  });

  it('keeps the mid-based reference figure per contract beside the executable mark; a flattened position has none', () => {
    // Stored: 10 long costing 4.00, executable value 4.50, at the mid 4.80 (+0.80).
    const stored: StoredPosition = { position: position(contracts(10), { markSource: 'book', beyondVisibleDepth: false, unrealizedPnlAtMid: 800_000 }), version: 2 };
    const other: StoredPosition = { position: position(contracts(-3), { marketSlug: 'nfl-x-y-moneyline', markSource: 'last_trade', unrealizedPnlAtMid: 10_000 }), version: 1 };
    const plan = planReconciliation(input({ venue: { positions: [venuePosition(contracts(12), { cost: 4_900_000 })] }, store: { positions: [stored, other] } }));
    // 12 contracts: executable 5.40, at the mid 4.80 × 12 / 10 = 5.76 → +0.86 against 4.90.
    expect(plan.repairs).toEqual([
      { kind: 'save_position', expectedVersion: 2, position: expect.objectContaining({ currentValue: 5_400_000, unrealizedPnl: 500_000, markSource: 'book', beyondVisibleDepth: false, unrealizedPnlAtMid: 860_000 }) },
      { kind: 'save_position', expectedVersion: 1, position: expect.objectContaining({ quantity: 0, markSource: 'none', unrealizedPnlAtMid: 0 }) },
    ]);
  });

  it('sees no drift when nets agree, or for a flat exchange position the store never had', () => {
    const plan = planReconciliation(input({ venue: { positions: [venuePosition(contracts(10)), venuePosition(0, { marketSlug: 'other' })] }, store: { positions: [{ position: position(contracts(10)), version: 1 }] } }));
    expect(totalDrift(plan.counts)).toBe(0);
    expect(plan.repairs).toEqual([]);
  });
});

describe('trade activities', () => {
  const act = (raw: unknown, over: Partial<VenueActivity> = {}): VenueActivity => ({ type: 'ACTIVITY_TYPE_TRADE', marketSlug: M, orderId: 'o', executionId: 'e', time: OLD, raw, ...over });

  it('reads price, quantity, aggressor, intent and fee; refuses what it cannot read exactly', () => {
    expect(parseTradeActivity(act({ trade: { price: { value: '0.45', currency: 'USD' }, qty: '7', isAggressor: false, intent: 'ORDER_INTENT_BUY_SHORT', fee: { value: '-0.01' } } }))).toEqual({
      ok: true,
      trade: { executionId: 'e', orderId: 'o', marketSlug: M, price: 450_000, qty: contracts(7), time: OLD, aggressor: false, intent: 'ORDER_INTENT_BUY_SHORT', fee: -10_000 },
    });
    expect(parseTradeActivity(act({ trade: { price: 0.45, qty: '7' } }))).toEqual({ ok: false, reason: 'price missing or invalid' });
    expect(parseTradeActivity(act({ trade: { price: '0.45', qty: '-1' } }))).toEqual({ ok: false, reason: 'quantity missing or invalid' });
    expect(parseTradeActivity(act({ trade: { price: '0.45', qty: 1 } }, { executionId: null }))).toEqual({ ok: false, reason: 'execution id missing' });
    expect(parseTradeActivity(act({}, { type: 'ACTIVITY_TYPE_ORDER' }))).toEqual({ ok: false, reason: 'not a trade' });
    expect(parseTradeActivity(act({ trade: { price: '0.45', qty: 1, intent: 'BUY' } }))).toMatchObject({ ok: true, trade: { intent: null, fee: null, aggressor: null } });
  });

  it("keeps the figures of a trade that names no order (the venue contract's shape) for matching, as not ok", () => {
    // The contract's trade: { id, marketSlug, state, price, qtyDecimal, isAggressor, ... }, no order id.
    const contractShape = act({ trade: { id: 't-1', price: { value: '0.55', currency: 'USD' }, qtyDecimal: '19.6', isAggressor: true } }, { orderId: null, executionId: 't-1' });
    expect(parseTradeActivity({ ...contractShape, trade: { id: 't-1', marketSlug: M, state: null, price: 550_000, qty: contracts(19), qtyExact: null, isAggressor: true, costBasis: null, realizedPnl: null } })).toEqual({
      ok: false,
      reason: 'order id missing',
      unattributed: { executionId: 't-1', marketSlug: M, price: 550_000, qty: contracts(19), time: OLD, aggressor: true, intent: null, fee: null, tradeId: 't-1' },
    });
    // Unusable figures still win over the missing order id.
    expect(parseTradeActivity(act({ trade: { price: 0.55, qty: '3' } }, { orderId: null }))).toEqual({ ok: false, reason: 'price missing or invalid' });
  });
});

describe('property: applying the plan converges (a second pass finds no drift)', () => {
  it('holds for random exchange/store states', () => {
    const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    fc.assert(
      fc.property(
        fc.uniqueArray(ids, { maxLength: 4 }),
        fc.uniqueArray(ids, { maxLength: 4 }),
        fc.uniqueArray(fc.constantFrom('x1', 'x2', 'x3', 'x4'), { maxLength: 4 }),
        fc.uniqueArray(fc.constantFrom('x1', 'x2', 'x3', 'x4'), { maxLength: 4 }),
        fc.integer({ min: -5, max: 5 }),
        fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }),
        fc.constantFrom<'cancel' | 'adopt'>('cancel', 'adopt'),
        (venueIds, storeIds, tradeIds, knownIds, venueNet, storeNet, orphanPolicy) => {
          let venueOpen = venueIds.map((id) => venueOrder(id, { cumQuantity: id < 'c' ? 1 : 0, state: id < 'c' ? 'ORDER_STATE_PARTIALLY_FILLED' : 'ORDER_STATE_NEW' }));
          const storeOrders = new Map<string, StoredOrder>(storeIds.map((id) => [id, { order: tracked(`l-${id}`, id), version: 1 }]));
          const known = new Set<string>(knownIds);
          const positions = new Map<string, StoredPosition>(storeNet === undefined ? [] : [[M, { position: position(storeNet), version: 1 }]]);
          const trades = tradeIds.map((x) => trade(x, venueIds[0] ?? 'a', { intent: 'ORDER_INTENT_BUY_LONG' }));
          const lookedUpFor = (ids: string[]) => new Map(ids.map((id) => [id, venueOrder(id, { state: 'ORDER_STATE_CANCELED' }) as VenueOrder | null]));

          const pass = () => {
            const base = input({
              policy: policy({ orphanPolicy }),
              venue: { openOrders: venueOpen, positions: [venuePosition(venueNet)], trades },
              store: {
                openOrders: [...storeOrders.values()].filter((s) => !['FILLED', 'CANCELLED', 'REJECTED'].includes(s.order.status)),
                positions: [...positions.values()],
                knownExecutionIds: known,
                ordersByVenueId: storeOrders,
              },
            });
            return planReconciliation({ ...base, venue: { ...base.venue, lookedUp: lookedUpFor(ordersToLookUp(base)) } });
          };

          const first = pass();
          for (const r of first.repairs) {
            if (r.kind === 'append_fill') known.add(r.fill.executionId);
            else if (r.kind === 'record_order' || r.kind === 'update_order') {
              const prev = storeOrders.get(r.order.orderId as string);
              storeOrders.set(r.order.orderId as string, { order: r.order, version: (prev?.version ?? 0) + 1 });
            } else if (r.kind === 'cancel_order') {
              venueOpen = venueOpen.filter((o) => o.id !== r.orderId);
              const prev = storeOrders.get(r.orderId)!;
              storeOrders.set(r.orderId, { order: { ...prev.order, status: 'CANCELLED' }, version: prev.version + 1 });
            } else if (r.kind === 'save_position') positions.set(r.position.marketSlug, { position: r.position, version: (r.expectedVersion ?? 0) + 1 });
          }
          const second = pass();
          expect(second.unresolved).toEqual([]);
          expect(totalDrift(second.counts)).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
