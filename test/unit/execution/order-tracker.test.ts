import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { Fill, OrderStatus } from '../../../shared/domain/order.js';
import { EXECUTION_TYPES } from '../../../shared/domain/venue-enums.js';
import type { VenueExecution } from '../../../shared/domain/venue-models.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { ORDER_TRANSITIONS, OrderTracker, base36, isTerminal } from '../../../shared/execution/order-tracker.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { execution, request, venueOrder } from './helpers.js';

function setup() {
  const clock = new ManualClock(1_000);
  const metrics = new MetricsRegistry();
  const logger = new MemoryLogger();
  const tracker = new OrderTracker({ clock, metrics, logger });
  const fills: Fill[] = [];
  tracker.onFill((f) => fills.push(f));
  const o = tracker.create(request(), 'market_maker');
  tracker.markSubmitted(o.localId);
  tracker.attachVenueId(o.localId, 'v1');
  return { clock, metrics, logger, tracker, fills, localId: o.localId };
}

describe('order tracker state machine', () => {
  it('walks CREATED → SUBMITTED → PENDING → PARTIALLY_FILLED → FILLED with VWAP and fees', () => {
    const { tracker, fills, localId } = setup();
    expect(tracker.get(localId)?.status).toBe('SUBMITTED');
    tracker.applyExecution(execution('e0', 'v1', 'EXECUTION_TYPE_NEW'));
    expect(tracker.get(localId)?.status).toBe('PENDING');
    tracker.applyExecution(execution('e1', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(4), lastPx: 540_000, aggressor: false }));
    let o = tracker.get(localId)!;
    expect(o.status).toBe('PARTIALLY_FILLED');
    expect(o.filledQty).toBe(contracts(4));
    expect(o.leavesQty).toBe(contracts(6));
    tracker.applyExecution(execution('e2', 'v1', 'EXECUTION_TYPE_FILL', { lastShares: contracts(6), lastPx: 550_000, fee: 20_000 }));
    o = tracker.get(localId)!;
    expect(o.status).toBe('FILLED');
    expect(o.filledQty).toBe(contracts(10));
    expect(o.filledNotional).toBe(contracts(4) * 540_000 + contracts(6) * 550_000); // micros × hundredths
    expect(o.avgPrice).toBe(546_000);
    // maker rebate computed (0.0125 × 4 × 0.54 × 0.46 = 0.01242 → 0.01 credit), reported fee taken as is
    expect(fills.map((f) => [f.qty, f.price, f.fee, f.liquidity, f.strategyName])).toEqual([
      [contracts(4), 540_000, -10_000, 'MAKER', 'market_maker'],
      [contracts(6), 550_000, 20_000, 'TAKER', 'market_maker'],
    ]);
    expect(o.feesPaid).toBe(20_000 - 10_000);
    expect(o.leavesQty).toBe(0);
  });

  it('computes a seller\'s taker fee as Θ × C × p × (1 − p) when the venue does not report it', () => {
    const clock = new ManualClock(0);
    const tracker = new OrderTracker({ clock });
    const o = tracker.create(request({ intent: 'ORDER_INTENT_BUY_SHORT', quantity: contracts(1_000), price: 350_000 }), 's');
    tracker.markSubmitted(o.localId);
    tracker.attachVenueId(o.localId, 'v9');
    const r = tracker.applyExecution(execution('x', 'v9', 'EXECUTION_TYPE_FILL', { lastShares: contracts(1_000), lastPx: 350_000, aggressor: true }));
    // 0.0695 × 1000 × 0.35 × 0.65 = 15.81125 → 15.81
    expect(r.applied && r.fill?.fee).toBe(15_810_000);
  });

  it('refuses illegal transitions and reports them', () => {
    const { tracker, metrics, logger, localId } = setup();
    tracker.applyExecution(execution('e1', 'v1', 'EXECUTION_TYPE_CANCELED', { state: 'ORDER_STATE_CANCELED' }));
    expect(tracker.get(localId)?.status).toBe('CANCELLED');
    const r = tracker.applyExecution(execution('e2', 'v1', 'EXECUTION_TYPE_REJECTED', { state: 'ORDER_STATE_REJECTED' }));
    expect(r.applied).toBe(false);
    expect(tracker.get(localId)?.status).toBe('CANCELLED');
    expect(metrics.counter('execution.illegal_transition', { from: 'CANCELLED', to: 'REJECTED' })).toBe(1);
    expect(logger.lines.some((l) => l.msg.includes('illegal order transition'))).toBe(true);
    expect(tracker.markSubmitted(localId)).toBe(false);
  });

  it('records a fill that arrives after a cancel (real money) without reviving the order', () => {
    const { tracker, metrics, fills, localId } = setup();
    tracker.applyExecution(execution('e1', 'v1', 'EXECUTION_TYPE_CANCELED', { state: 'ORDER_STATE_CANCELED' }));
    tracker.applyExecution(execution('e2', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(3), lastPx: 550_000 }));
    expect(fills).toHaveLength(1);
    expect(tracker.get(localId)).toMatchObject({ status: 'CANCELLED', filledQty: contracts(3), leavesQty: 0 });
    expect(metrics.counter('execution.late_fill')).toBe(1);
  });

  it('de-duplicates executions by id', () => {
    const { tracker, fills, localId } = setup();
    const x = execution('dup', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(2), lastPx: 550_000 });
    expect(tracker.applyExecution(x).applied).toBe(true);
    expect(tracker.applyExecution(x)).toEqual({ applied: false, reason: 'duplicate' });
    expect(tracker.applyExecution({ ...x })).toEqual({ applied: false, reason: 'duplicate' });
    expect(tracker.get(localId)?.filledQty).toBe(contracts(2));
    expect(fills).toHaveLength(1);
  });

  it("records the venue's trade id on the fill when the execution names one (the key a trade activity is matched by)", () => {
    const { tracker, fills } = setup();
    const x = execution('x-7', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(2), lastPx: 550_000 });
    expect(tracker.applyExecution({ ...x, tradeId: 'trade-7' }).applied).toBe(true);
    expect(tracker.applyExecution({ ...x, id: 'x-8' }).applied).toBe(true);
    expect(fills.map((f) => [f.executionId, f.tradeId])).toEqual([
      ['x-7', 'trade-7'],
      ['x-8', undefined],
    ]);
  });

  it('buffers executions that arrive before the venue id is known and replays them once', () => {
    const clock = new ManualClock(0);
    const tracker = new OrderTracker({ clock });
    const fills: Fill[] = [];
    tracker.onFill((f) => fills.push(f));
    const o = tracker.create(request(), 's');
    tracker.markSubmitted(o.localId);
    const x = execution('f1', 'v7', 'EXECUTION_TYPE_FILL', { lastShares: contracts(10), lastPx: 550_000 });
    expect(tracker.applyExecution(x)).toEqual({ applied: false, reason: 'orphan' });
    expect(tracker.applyExecution(x)).toEqual({ applied: false, reason: 'orphan' });
    tracker.attachVenueId(o.localId, 'v7');
    expect(tracker.get(o.localId)).toMatchObject({ status: 'FILLED', filledQty: contracts(10) });
    expect(fills).toHaveLength(1);
    // the create response may carry the same execution again
    expect(tracker.applyExecution(x).applied).toBe(false);
    expect(fills).toHaveLength(1);
  });

  it('clamps an overfill and counts it', () => {
    const { tracker, metrics, localId } = setup();
    tracker.applyExecution(execution('a', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(8), lastPx: 550_000 }));
    tracker.applyExecution(execution('b', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(8), lastPx: 550_000 }));
    expect(tracker.get(localId)).toMatchObject({ filledQty: contracts(10), status: 'FILLED' });
    expect(metrics.counter('execution.overfill')).toBe(1);
  });

  it('treats a rejected cancel/modify on a working order as no status change', () => {
    const { tracker, localId } = setup();
    tracker.applyExecution(execution('n', 'v1', 'EXECUTION_TYPE_NEW'));
    tracker.applyExecution(execution('r', 'v1', 'EXECUTION_TYPE_REJECTED', { state: 'ORDER_STATE_NEW' }));
    expect(tracker.get(localId)?.status).toBe('PENDING');
  });

  it('applies a replace (modify ack) to price and quantity', () => {
    const { tracker, localId } = setup();
    tracker.applyExecution(execution('n', 'v1', 'EXECUTION_TYPE_NEW'));
    tracker.applyExecution(execution('r', 'v1', 'EXECUTION_TYPE_REPLACE', { order: { price: 560_000, quantity: contracts(12) } }));
    expect(tracker.get(localId)).toMatchObject({ status: 'PENDING', leavesQty: contracts(12), request: expect.objectContaining({ price: 560_000, quantity: contracts(12) }) });
  });

  it('maps venue states from snapshots without inventing fills', () => {
    const { tracker, fills, localId } = setup();
    tracker.applyVenueOrder(venueOrder('v1', { state: 'ORDER_STATE_PARTIALLY_FILLED', cumQuantity: contracts(3) }));
    expect(tracker.get(localId)?.status).toBe('PARTIALLY_FILLED');
    expect(tracker.get(localId)?.filledQty).toBe(0);
    expect(fills).toHaveLength(0);
    tracker.applyVenueOrder(venueOrder('v1', { state: 'ORDER_STATE_EXPIRED' }));
    expect(tracker.get(localId)?.status).toBe('CANCELLED');
  });

  it('looks orders up by local id, venue id, market and strategy', () => {
    const { tracker, localId } = setup();
    tracker.applyExecution(execution('n', 'v1', 'EXECUTION_TYPE_NEW'));
    const other = tracker.create(request({ marketSlug: 'mkt-b' }), 'live_arbitrage');
    expect(tracker.find('v1')?.localId).toBe(localId);
    expect(tracker.find(localId)?.orderId).toBe('v1');
    expect(tracker.restingOrders({ marketSlug: 'mkt-a' }).map((o) => o.localId)).toEqual([localId]);
    expect(tracker.restingOrders({ strategyName: 'live_arbitrage' })).toEqual([]);
    expect(tracker.inFlightOrders({ strategyName: 'live_arbitrage' }).map((o) => o.localId)).toEqual([other.localId]);
  });
});

describe('order tracker properties', () => {
  const execArb = fc.record({
    type: fc.constantFrom(...EXECUTION_TYPES),
    shares: fc.integer({ min: 1, max: 1_500 }), // hundredths
    px: fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000),
    liveState: fc.boolean(),
  });

  it('never fills beyond quantity, terminal states are absorbing, every change is a legal edge, duplicates are idempotent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), fc.array(execArb, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 10 }), (quantity, specs, dupIdx) => {
        const execs: VenueExecution[] = specs.map((s, i) =>
          execution(`x${i}`, 'v1', s.type, {
            lastShares: s.shares,
            lastPx: s.px,
            state: s.liveState ? 'ORDER_STATE_NEW' : 'ORDER_STATE_CANCELED',
            order: { quantity },
          }),
        );
        const run = (sequence: VenueExecution[]) => {
          const tracker = new OrderTracker({ clock: new ManualClock(0) });
          let filledByFills = 0;
          tracker.onFill((f) => (filledByFills += f.qty));
          const changes: [OrderStatus, OrderStatus][] = [];
          tracker.onStatus((_o, from, to) => changes.push([from, to]));
          const o = tracker.create(request({ quantity }), 's');
          tracker.markSubmitted(o.localId);
          tracker.attachVenueId(o.localId, 'v1');
          let terminalSeen: OrderStatus | null = null;
          for (const x of sequence) {
            tracker.applyExecution(x);
            const now = tracker.get(o.localId)!;
            expect(now.filledQty).toBeLessThanOrEqual(quantity);
            expect(now.filledQty).toBeLessThanOrEqual(now.request.quantity);
            if (terminalSeen) expect(now.status).toBe(terminalSeen);
            if (isTerminal(now.status)) terminalSeen = now.status;
          }
          for (const [from, to] of changes) expect(ORDER_TRANSITIONS[from]).toContain(to);
          const final = tracker.get(o.localId)!;
          expect(filledByFills).toBe(final.filledQty);
          return final;
        };
        const base = run(execs);
        // Re-deliver some executions (duplicates) at random later points: same outcome.
        const withDups = [...execs];
        for (const d of dupIdx) {
          if (!execs.length) break;
          const x = execs[d % execs.length]!;
          withDups.splice(Math.min(withDups.length, withDups.indexOf(x) + 1 + (d % 3)), 0, x);
        }
        const dup = run(withDups);
        expect({ ...dup, updatedAt: 0 }).toEqual({ ...base, updatedAt: 0 });
      }),
      { numRuns: 300 },
    );
  });
});

describe('default local order ids', () => {
  it('base36 prints exactly what toString(36) prints, for any number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeNat(), fc.integer({ min: 0, max: 36 ** 4 }), fc.double({ noNaN: true })), (n) => {
        expect(base36(n)).toBe(n.toString(36));
      }),
      { numRuns: 2_000 },
    );
    for (const n of [0, 35, 36, 1_765_000_000_000, Number.MAX_SAFE_INTEGER, -1, 1.5, Infinity]) expect(base36(n)).toBe(n.toString(36));
  });

  it('are ord-<clock ms in base 36>-<sequence>, the time part following the clock', () => {
    const clock = new ManualClock(1_765_000_000_000);
    const tracker = new OrderTracker({ clock });
    const ids = [tracker.create(request(), 'market_maker').localId, tracker.create(request(), 'market_maker').localId];
    clock.advance(37);
    ids.push(tracker.create(request(), 'market_maker').localId);
    clock.advance(1);
    ids.push(tracker.create(request(), 'market_maker').localId);
    const at = (t: number, seq: number) => `ord-${t.toString(36)}-${seq}`;
    expect(ids).toEqual([at(1_765_000_000_000, 1), at(1_765_000_000_000, 2), at(1_765_000_000_037, 3), at(1_765_000_000_038, 4)]);
  });
});
