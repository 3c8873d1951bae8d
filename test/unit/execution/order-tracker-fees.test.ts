import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { Fill } from '../../../shared/domain/order.js';
import { OrderTracker } from '../../../shared/execution/order-tracker.js';
import { execution, request } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

function tracked(feeRates?: ConstructorParameters<typeof OrderTracker>[0]['feeRates']) {
  const tracker = new OrderTracker({ clock: new ManualClock(0), feeRates });
  const fills: Fill[] = [];
  tracker.onFill((f) => fills.push(f));
  const o = tracker.create(request({ quantity: contracts(120), price: 500_000 }), 'market_maker');
  tracker.markSubmitted(o.localId);
  tracker.attachVenueId(o.localId, 'v1');
  return { tracker, fills, localId: o.localId };
}

describe('order tracker fees when the venue does not report them', () => {
  it('caps an order\'s taker fees by its cumulative exact fee: three fills of 40 at 0.50 pay 0.70, 0.69, 0.69', () => {
    const { tracker, fills, localId } = tracked();
    for (const id of ['a', 'b', 'c']) tracker.applyExecution(execution(id, 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(40), lastPx: 500_000, aggressor: true }));
    expect(fills.map((f) => f.fee)).toEqual([700_000, 690_000, 690_000]);
    expect(tracker.get(localId)?.feesPaid).toBe(2_080_000);
  });

  it('credits maker rebates per fill, uncapped, and caps against reported taker fees too', () => {
    const { tracker, fills } = tracked();
    tracker.applyExecution(execution('m1', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(40), lastPx: 500_000, aggressor: false }));
    tracker.applyExecution(execution('m2', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(40), lastPx: 500_000, aggressor: false }));
    // 0.0125 × 40 × 0.25 = 0.125 → 0.12 each (half to even)
    expect(fills.map((f) => f.fee)).toEqual([-120_000, -120_000]);
    const t = tracked();
    t.tracker.applyExecution(execution('r1', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(40), lastPx: 500_000, aggressor: true, fee: 700_000 }));
    t.tracker.applyExecution(execution('r2', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(40), lastPx: 500_000, aggressor: true }));
    expect(t.fills.map((f) => f.fee)).toEqual([700_000, 690_000]);
  });

  it('uses the market\'s own rates from the injected lookup', () => {
    const { tracker, fills } = tracked((slug) => ({ takerThetaPpm: slug === 'mkt-a' ? 100_000 : 69_500, makerThetaPpm: 12_500 }));
    tracker.applyExecution(execution('a', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(40), lastPx: 500_000, aggressor: true }));
    // 0.10 × 40 × 0.25 = 1.00
    expect(fills[0]?.fee).toBe(1_000_000);
  });
});
