/**
 * Fill-gap recovery (pure part) and the tracker's fill-gap reports: trade activities as the exchange sends
 * them (the simulator's wire shape, parsed by the REST client's schema) → the executions of our orders the
 * tracker missed, applied once, with the exchange's ids, price, quantity and fee.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { DEFAULT_FEE_SCHEDULE, makerRebate, takerFee } from '../../../shared/domain/fees.js';
import type { Fill } from '../../../shared/domain/order.js';
import type { VenueActivity } from '../../../shared/domain/venue-models.js';
import { planFillRecovery } from '../../../shared/execution/fill-gap-recovery.js';
import { OrderTracker, type FillGap } from '../../../shared/execution/order-tracker.js';
import { toVenueActivity } from '../../../shared/venue/wire-convert.js';
import { ActivitiesResponseSchema } from '../../../shared/venue/wire-schemas.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { execution, request, venueOrder } from './helpers.js';
import { contracts, quantityToWire } from '../../../shared/domain/quantity.js';

const T0 = Date.parse('2026-03-01T18:00:00Z');

interface TradeSpec {
  exec: string;
  order: string;
  /** Wire quantity, in contracts (the venue's decimal). */
  qty: number;
  price: string;
  at: number;
  aggressor?: boolean;
  fee?: string;
  intent?: string;
  tradeId?: string;
  market?: string;
}

/** Activities exactly as the simulator serialises them (market-wire.ts), read through the client's schema. */
function activities(specs: TradeSpec[], extra: unknown[] = []): VenueActivity[] {
  const wire = {
    activities: [
      ...specs.map((s, i) => ({
        id: `act-${i}`,
        type: 'ACTIVITY_TYPE_TRADE',
        marketSlug: s.market ?? 'mkt-a',
        time: new Date(s.at).toISOString(),
        trade: {
          id: s.tradeId ?? `trd-${s.exec}`,
          marketSlug: s.market ?? 'mkt-a',
          orderId: s.order,
          executionId: s.exec,
          createTime: new Date(s.at).toISOString(),
          updateTime: new Date(s.at).toISOString(),
          ...(s.intent !== undefined ? { intent: s.intent } : { intent: 'ORDER_INTENT_BUY_LONG' }),
          side: 'ORDER_SIDE_BUY',
          price: { value: s.price, currency: 'USD' },
          qty: String(s.qty),
          ...(s.aggressor !== undefined ? { isAggressor: s.aggressor } : {}),
          ...(s.fee !== undefined ? { fee: { value: s.fee, currency: 'USD' } } : {}),
          cashDelta: { value: '-1', currency: 'USD' },
        },
      })),
      ...extra,
    ],
    eof: true,
  };
  return ActivitiesResponseSchema.parse(wire).activities.map((a) => toVenueActivity(a, a));
}

function setup() {
  const clock = new ManualClock(T0);
  const tracker = new OrderTracker({ clock, fees: DEFAULT_FEE_SCHEDULE });
  const fills: Fill[] = [];
  const gaps: FillGap[] = [];
  tracker.onFill((f) => fills.push(f));
  tracker.onFillGap((g) => gaps.push(g));
  const place = (orderId: string, over: Parameters<typeof request>[0] = {}) => {
    const o = tracker.create(request(over), 'market_maker');
    tracker.markSubmitted(o.localId);
    tracker.attachVenueId(o.localId, orderId);
    tracker.applyExecution(execution(`ack-${orderId}`, orderId, 'EXECUTION_TYPE_NEW', { order: { quantity: over.quantity ?? contracts(10), intent: over.intent ?? 'ORDER_INTENT_BUY_LONG' } }));
    return o.localId;
  };
  return { clock, tracker, fills, gaps, place };
}

describe('trade activities through the REST schema', () => {
  it('keep the trade intent and fee (zod no longer strips them)', () => {
    const [a] = activities([{ exec: 'x1', order: 'o1', qty: 3, price: '0.55', at: T0, aggressor: false, fee: '-0.01', intent: 'ORDER_INTENT_BUY_SHORT' }]);
    expect(a!.executionId).toBe('x1');
    expect((a!.raw as { trade: Record<string, unknown> }).trade).toMatchObject({ intent: 'ORDER_INTENT_BUY_SHORT', fee: { value: '-0.01', currency: 'USD' } });
  });
});

describe('planFillRecovery', () => {
  it('turns the missed trades of our order into executions with the exchange ids, price, qty and fee; applied once', () => {
    const { tracker, fills, place } = setup();
    const local = place('o1');
    // x1 arrived on the socket; x2 and x3 were lost.
    tracker.applyExecution({ ...execution('x1', 'o1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(2), lastPx: 550_000, aggressor: false, fee: -2_000, order: { cumQuantity: contracts(2) } }), tradeId: 'trd-x1' });
    const acts = activities([
      // newest first, as the venue lists them
      { exec: 'x3', order: 'o1', qty: 5, price: '0.54', at: T0 + 3_000, aggressor: false, fee: '-0.005' },
      { exec: 'x2', order: 'o1', qty: 3, price: '0.55', at: T0 + 2_000, aggressor: false, fee: '-0.003' },
      { exec: 'x1', order: 'o1', qty: 2, price: '0.55', at: T0 + 1_000, aggressor: false, fee: '-0.002' },
    ]);
    const plan = planFillRecovery(acts, tracker);
    expect(plan.executions.map((x) => [x.id, x.lastShares, x.lastPx, x.commissionNotionalCollected, x.order.cumQuantity, x.tradeId])).toEqual([
      ['x2', contracts(3), 550_000, -3_000, contracts(5), 'trd-x2'],
      ['x3', contracts(5), 540_000, -5_000, contracts(10), 'trd-x3'],
    ]);
    expect(plan.skipped.already_applied).toBe(1);
    for (const x of plan.executions) expect(tracker.applyExecution(x).applied).toBe(true);
    expect(fills.map((f) => [f.executionId, f.qty, f.price, f.fee, f.liquidity])).toEqual([
      ['x1', contracts(2), 550_000, -2_000, 'MAKER'],
      ['x2', contracts(3), 550_000, -3_000, 'MAKER'],
      ['x3', contracts(5), 540_000, -5_000, 'MAKER'],
    ]);
    const o = tracker.get(local)!;
    expect(o.status).toBe('FILLED');
    expect(o.filledQty).toBe(contracts(10));
    expect(o.feesPaid).toBe(-10_000);
    // A second pass finds nothing; the same fills arriving late on the socket are duplicates.
    expect(planFillRecovery(acts, tracker).executions).toEqual([]);
    expect(tracker.applyExecution(execution('x3', 'o1', 'EXECUTION_TYPE_FILL', { lastShares: contracts(5), lastPx: 540_000 })).applied).toBe(false);
    expect(fills).toHaveLength(3);
  });

  it('computes the fee from the schedule and the liquidity flag when the activity sends none', () => {
    const { tracker, fills, place } = setup();
    place('o1');
    place('o2', { postOnly: true });
    place('o3');
    const acts = activities([
      { exec: 'a', order: 'o1', qty: 4, price: '0.55', at: T0 + 1, aggressor: true },
      { exec: 'b', order: 'o1', qty: 4, price: '0.55', at: T0 + 2, aggressor: false },
      { exec: 'c', order: 'o2', qty: 4, price: '0.55', at: T0 + 3 }, // post-only, aggressor unknown: maker
      { exec: 'd', order: 'o3', qty: 4, price: '0.55', at: T0 + 4 }, // aggressor unknown: taker (conservative)
    ]);
    for (const x of planFillRecovery(acts, tracker).executions) tracker.applyExecution(x);
    expect(fills.map((f) => [f.executionId, f.fee, f.liquidity])).toEqual([
      ['a', takerFee(contracts(4), 550_000), 'TAKER'],
      ['b', -makerRebate(contracts(4), 550_000), 'MAKER'],
      ['c', -makerRebate(contracts(4), 550_000), 'MAKER'],
      ['d', takerFee(contracts(4), 550_000), 'TAKER'],
    ]);
  });

  it('leaves out other activity types, unknown and adopted orders, contradicting intents, unreadable trades and other markets', () => {
    const { tracker, place } = setup();
    place('o1');
    tracker.adoptVenueOrder(venueOrder('adopted', { cumQuantity: contracts(2), leavesQuantity: contracts(8), state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    const acts = activities(
      [
        { exec: 'u', order: 'someone-else', qty: 1, price: '0.5', at: T0 },
        { exec: 'ad', order: 'adopted', qty: 2, price: '0.5', at: T0 },
        { exec: 'wrong', order: 'o1', qty: 1, price: '0.5', at: T0, intent: 'ORDER_INTENT_SELL_LONG' },
        { exec: 'elsewhere', order: 'o1', qty: 1, price: '0.5', at: T0, market: 'mkt-b' },
        { exec: 'ok', order: 'o1', qty: 1, price: '0.5', at: T0 },
      ],
      [
        { type: 'ACTIVITY_TYPE_ORDER', time: new Date(T0).toISOString(), order: { orderId: 'o1', executionId: 'ack' } },
        { type: 'ACTIVITY_TYPE_TRADE', time: new Date(T0).toISOString(), trade: { marketSlug: 'mkt-a', orderId: 'o1', executionId: 'noprice', qty: '1' } },
      ],
    );
    const plan = planFillRecovery(acts, tracker);
    expect(plan.executions.map((x) => x.id)).toEqual(['ok']);
    expect(plan.skipped).toMatchObject({ not_trade: 1, unparsable: 1, unknown_order: 1, adopted_order: 1, intent_mismatch: 2 });
    expect(planFillRecovery(acts, tracker, { marketSlug: 'mkt-b' }).executions).toEqual([]);
  });

  it('a trade recovered under one id and heard on the socket under another (same trade id) counts once', () => {
    const { tracker, fills, place } = setup();
    place('o1');
    for (const x of planFillRecovery(activities([{ exec: 'trd-9', order: 'o1', qty: 3, price: '0.55', at: T0, tradeId: 'trd-9' }]), tracker).executions) tracker.applyExecution(x);
    const live = { ...execution('exec-live-9', 'o1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(3), lastPx: 550_000, order: { cumQuantity: contracts(3) } }), tradeId: 'trd-9' };
    expect(tracker.applyExecution(live)).toMatchObject({ applied: false, reason: 'duplicate' });
    expect(fills).toHaveLength(1);
    expect(tracker.hasExecution('other-id', 'o1', 'trd-9')).toBe(true);
  });

  it('never books a restored order twice: trades within its restored quantity are not fills', () => {
    const { tracker, fills } = setup();
    tracker.restore(venueOrder('r1', { cumQuantity: contracts(4), leavesQuantity: contracts(6), avgPx: 550_000, state: 'ORDER_STATE_PARTIALLY_FILLED' }), 'market_maker');
    const acts = activities([
      { exec: 'r-a', order: 'r1', qty: 4, price: '0.55', at: T0 - 60_000 },
      { exec: 'r-b', order: 'r1', qty: 3, price: '0.56', at: T0 + 1_000 },
    ]);
    for (const x of planFillRecovery(acts, tracker).executions) tracker.applyExecution(x);
    expect(fills.map((f) => [f.executionId, f.qty])).toEqual([['r-b', contracts(3)]]);
    expect(tracker.getByOrderId('r1')!.filledQty).toBe(contracts(7));
  });

  it('property: whatever part the socket delivered, socket + recovery books every trade of the order exactly once', () => {
    fc.assert(
      // trade sizes in hundredths (0.01 to 5 contracts), on the wire as the venue's decimals
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 500 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 8 }), fc.boolean(), (trades, socketLate) => {
        const { tracker, fills, place } = setup();
        const quantity = trades.reduce((a, [q]) => a + q, 0);
        place('o1', { quantity });
        let cum = 0;
        const specs: TradeSpec[] = [];
        const socket = [];
        for (const [i, [qty, delivered]] of trades.entries()) {
          cum += qty;
          specs.push({ exec: `x${i}`, order: 'o1', qty: quantityToWire(qty), price: '0.55', at: T0 + i, aggressor: false, fee: '-0.001' });
          const x = { ...execution(`x${i}`, 'o1', cum === quantity ? 'EXECUTION_TYPE_FILL' : 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: qty, lastPx: 550_000, aggressor: false, fee: -1_000, order: { cumQuantity: cum, quantity } }), tradeId: `trd-x${i}` };
          if (delivered) socket.push(x);
        }
        const early = socketLate ? [] : socket;
        for (const x of early) tracker.applyExecution(x);
        for (const x of planFillRecovery(activities(specs.reverse()), tracker).executions) tracker.applyExecution(x);
        for (const x of socketLate ? socket : []) tracker.applyExecution(x);
        const ids = fills.map((f) => f.executionId).sort();
        expect(ids).toEqual(trades.map((_, i) => `x${i}`).sort());
        expect(tracker.getByOrderId('o1')!.filledQty).toBe(quantity);
        expect(tracker.getByOrderId('o1')!.status).toBe('FILLED');
      }),
      { numRuns: 200 },
    );
  });
});

describe('OrderTracker fill-gap reports', () => {
  it('reports a snapshot ahead of the executions, an execution whose cumulative quantity skips one, a short FILL, and an order gone', () => {
    const { tracker, gaps, place } = setup();
    place('o1');
    place('o2');
    place('o3');
    tracker.applyVenueOrder(venueOrder('o1', { cumQuantity: contracts(4), leavesQuantity: contracts(6), state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    tracker.applyExecution(execution('e2', 'o2', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(2), lastPx: 550_000, order: { cumQuantity: contracts(5) } }));
    tracker.applyExecution(execution('e3', 'o3', 'EXECUTION_TYPE_FILL', { lastShares: contracts(2), lastPx: 550_000, order: { cumQuantity: contracts(10) } }));
    expect(gaps.map((g) => [g.orderId, g.reason, g.venueCumQuantity, g.trackedQty])).toEqual([
      ['o1', 'venue_cum_ahead', contracts(4), 0],
      ['o2', 'execution_cum_ahead', contracts(5), contracts(2)],
      ['o3', 'fill_short', contracts(10), contracts(2)],
    ]);
    expect(tracker.reportOrderGone('o2')).toBe(true);
    expect(tracker.reportOrderGone('o3')).toBe(false); // terminal already
    expect(gaps.at(-1)).toMatchObject({ orderId: 'o2', reason: 'order_gone', venueCumQuantity: null, marketSlug: 'mkt-a' });
  });

  it('stays quiet for executions in order, and for adopted orders (their earlier fills are not tracked)', () => {
    const { tracker, gaps, place } = setup();
    place('o1');
    tracker.applyExecution(execution('e1', 'o1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(2), lastPx: 550_000, order: { cumQuantity: contracts(2) } }));
    tracker.applyExecution(execution('e2', 'o1', 'EXECUTION_TYPE_FILL', { lastShares: contracts(8), lastPx: 550_000, order: { cumQuantity: contracts(10) } }));
    tracker.adoptVenueOrder(venueOrder('ad', { cumQuantity: contracts(3), leavesQuantity: contracts(7), state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    tracker.applyVenueOrder(venueOrder('ad', { cumQuantity: contracts(3), leavesQuantity: contracts(7), state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    expect(gaps).toEqual([]);
  });

  it('a throwing gap listener is logged, not propagated', () => {
    const logger = new MemoryLogger();
    const tracker = new OrderTracker({ clock: new ManualClock(T0), logger });
    tracker.onFillGap(() => {
      throw new Error('boom');
    });
    const o = tracker.create(request(), 'market_maker');
    tracker.attachVenueId(o.localId, 'o1');
    expect(() => tracker.applyVenueOrder(venueOrder('o1', { cumQuantity: contracts(1) }))).not.toThrow();
    // the tracker's event bus logs a failing subscriber with its topic
    expect(logger.lines.some((e) => e.msg === 'event handler failed' && e.fields.topic === 'fill_gap')).toBe(true);
  });
});
