import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { Fill, OrderStatus } from '../../../shared/domain/order.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { OrderTracker } from '../../../shared/execution/order-tracker.js';
import { execution, venueOrder } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

function setup() {
  const clock = new ManualClock(5_000);
  const metrics = new MetricsRegistry();
  const logger = new MemoryLogger();
  const tracker = new OrderTracker({ clock, metrics, logger });
  const fills: Fill[] = [];
  const statuses: [OrderStatus, OrderStatus][] = [];
  tracker.onFill((f) => fills.push(f));
  tracker.onStatus((_o, from, to) => statuses.push([from, to]));
  return { clock, metrics, logger, tracker, fills, statuses };
}

const partlyFilled = (over: Parameters<typeof venueOrder>[1] = {}) =>
  venueOrder('v7', { quantity: contracts(10), cumQuantity: contracts(4), leavesQuantity: contracts(6), avgPx: 540_000, state: 'ORDER_STATE_PARTIALLY_FILLED', ...over });

describe('OrderTracker.restore (adoption at restart with the venue cumulative fill)', () => {
  it('restores filled quantity, average price, leaves and PARTIALLY_FILLED under the stored id, without emitting a fill', () => {
    const { tracker, fills, metrics } = setup();
    const o = tracker.restore(partlyFilled(), 'market_maker', 'loc-1');
    expect(o).toMatchObject({
      localId: 'loc-1',
      orderId: 'v7',
      strategyName: 'market_maker',
      status: 'PARTIALLY_FILLED',
      filledQty: contracts(4),
      leavesQty: contracts(6),
      avgPrice: 540_000,
      filledNotional: contracts(4) * 540_000,
      feesPaid: 0,
    });
    expect(o.request).toMatchObject({ marketSlug: 'mkt-a', intent: 'ORDER_INTENT_BUY_LONG', price: 550_000, quantity: contracts(10) });
    expect(fills).toEqual([]);
    expect(metrics.counter('execution.fill_gap')).toBe(0);
    expect(tracker.getByOrderId('v7')?.localId).toBe('loc-1');
    expect(tracker.restingOrders({ marketSlug: 'mkt-a' }).map((r) => r.localId)).toEqual(['loc-1']);
  });

  it('continues from the restored quantity: a later execution adds to it, fills once, and completes the order', () => {
    const { tracker, fills } = setup();
    tracker.restore(partlyFilled(), 'market_maker', 'loc-1');
    const r1 = tracker.applyExecution(
      execution('e5', 'v7', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(2), lastPx: 550_000, order: { cumQuantity: contracts(6), state: 'ORDER_STATE_PARTIALLY_FILLED' } }),
    );
    expect(r1.applied).toBe(true);
    let o = tracker.get('loc-1')!;
    expect(o).toMatchObject({ status: 'PARTIALLY_FILLED', filledQty: contracts(6), leavesQty: contracts(4), filledNotional: contracts(4) * 540_000 + contracts(2) * 550_000 });
    expect(o.avgPrice).toBe(Math.round((4 * 540_000 + 2 * 550_000) / 6));
    // The same execution again (socket replay): no second fill.
    expect(tracker.applyExecution(execution('e5', 'v7', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(2), lastPx: 550_000, order: { cumQuantity: contracts(6) } })).applied).toBe(false);
    tracker.applyExecution(execution('e6', 'v7', 'EXECUTION_TYPE_FILL', { lastShares: contracts(4), lastPx: 550_000, order: { cumQuantity: contracts(10), state: 'ORDER_STATE_FILLED' } }));
    o = tracker.get('loc-1')!;
    expect(o).toMatchObject({ status: 'FILLED', filledQty: contracts(10), leavesQty: 0 });
    expect(fills.map((f) => [f.executionId, f.qty, f.strategyName])).toEqual([
      ['e5', contracts(2), 'market_maker'],
      ['e6', contracts(4), 'market_maker'],
    ]);
  });

  it('an execution within the restored quantity (buffered during the rebuild, or replayed) is not a new fill', () => {
    const { tracker, fills, metrics } = setup();
    // Delivered by the socket before the order was known: buffered as an orphan.
    tracker.applyExecution(execution('e3', 'v7', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(3), lastPx: 540_000, order: { cumQuantity: contracts(4), state: 'ORDER_STATE_PARTIALLY_FILLED' } }));
    tracker.restore(partlyFilled(), 'statistical_edge', 'loc-2');
    expect(fills).toEqual([]);
    expect(tracker.get('loc-2')).toMatchObject({ filledQty: contracts(4), leavesQty: contracts(6), status: 'PARTIALLY_FILLED' });
    expect(metrics.counter('execution.duplicate')).toBe(1);
    // And the same one replayed later stays a duplicate.
    expect(tracker.applyExecution(execution('e3', 'v7', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(3), lastPx: 540_000, order: { cumQuantity: contracts(4) } })).applied).toBe(false);
    expect(tracker.get('loc-2')?.filledQty).toBe(contracts(4));
  });

  it('a buffered execution newer than the snapshot is applied on restore, after the snapshot status', () => {
    const { tracker, fills, metrics } = setup();
    tracker.applyExecution(execution('e9', 'v7', 'EXECUTION_TYPE_FILL', { lastShares: contracts(6), lastPx: 560_000, order: { cumQuantity: contracts(10), state: 'ORDER_STATE_FILLED' } }));
    const o = tracker.restore(partlyFilled(), 'market_maker', 'loc-3');
    expect(o).toMatchObject({ status: 'FILLED', filledQty: contracts(10), leavesQty: 0 });
    expect(fills.map((f) => [f.executionId, f.qty])).toEqual([['e9', contracts(6)]]);
    expect(metrics.counter('execution.illegal_transition', { from: 'FILLED', to: 'PARTIALLY_FILLED' })).toBe(0);
  });

  it('an unfilled order restores as PENDING; restoring a tracked venue id twice is a no-op', () => {
    const { tracker } = setup();
    const o = tracker.restore(venueOrder('v1', { state: 'ORDER_STATE_NEW' }), 'market_maker', 'loc-4');
    expect(o).toMatchObject({ status: 'PENDING', filledQty: 0, leavesQty: contracts(10), avgPrice: 0 });
    expect(tracker.restore(venueOrder('v1', { cumQuantity: contracts(3), avgPx: 500_000 }), 'x', 'loc-5').localId).toBe('loc-4');
    expect(tracker.get('loc-5')).toBeUndefined();
  });

  it('a snapshot without an average price uses the limit price, and says so', () => {
    const { tracker, metrics, logger } = setup();
    const o = tracker.restore(partlyFilled({ avgPx: null }), 'market_maker');
    expect(o).toMatchObject({ filledQty: contracts(4), avgPrice: 550_000, filledNotional: contracts(4) * 550_000 });
    expect(metrics.counter('execution.restore_without_avg_price')).toBe(1);
    expect(logger.lines.some((l) => l.msg.includes('no average fill price'))).toBe(true);
  });

  it('property: restored filled + later fills never exceed the quantity; leaves = quantity − filled; each later execution fills once', () => {
    fc.assert(
      fc.property(
        // hundredths: up to 200 contracts, later fills up to 60
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(fc.integer({ min: 1, max: 6_000 }), { maxLength: 8 }),
        (quantity, cumRaw, later) => {
          const cum = Math.min(cumRaw, quantity - 1);
          const { tracker, fills } = setup();
          tracker.restore(
            venueOrder('vp', { quantity, cumQuantity: cum, leavesQuantity: quantity - cum, avgPx: cum > 0 ? 500_000 : null, state: cum > 0 ? 'ORDER_STATE_PARTIALLY_FILLED' : 'ORDER_STATE_NEW' }),
            'market_maker',
            'lp',
          );
          let venueCum = cum;
          for (const [i, q] of later.entries()) {
            venueCum = Math.min(quantity, venueCum + q);
            const x = execution(`x${i}`, 'vp', venueCum >= quantity ? 'EXECUTION_TYPE_FILL' : 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: q, lastPx: 500_000, order: { cumQuantity: venueCum } });
            tracker.applyExecution(x);
            tracker.applyExecution(x); // replay
          }
          const o = tracker.get('lp')!;
          const emitted = fills.reduce((s, f) => s + f.qty, 0);
          expect(new Set(fills.map((f) => f.executionId)).size).toBe(fills.length);
          expect(o.filledQty).toBe(cum + emitted);
          expect(o.filledQty).toBeLessThanOrEqual(quantity);
          expect(o.leavesQty).toBe(o.status === 'FILLED' || o.status === 'CANCELLED' ? 0 : quantity - o.filledQty);
        },
      ),
      { numRuns: 200 },
    );
  });
});
