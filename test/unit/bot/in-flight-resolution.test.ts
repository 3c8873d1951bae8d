import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TrackedOrder } from '../../../shared/domain/order.js';
import type { StoredOrder } from '../../../shared/reconciliation/drift.js';
import type { UnattributedTrade } from '../../../shared/reconciliation/venue-trade.js';
import { recordOfOutcome, resolveInFlight } from '../../../containers/bot/persistence/in-flight-resolution.js';
import { tradeFits } from '../../../shared/reconciliation/attribute-trades.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { VenueOrder } from '../../../shared/domain/venue-models.js';
import { orderRequest, venueOrder as fixtureOrder } from '../../support/domain-fixtures.js';

const T0 = 1_900_000_000_000;
const SKEW = 5_000;
const M = 'mkt-a';
/** The size of the orders below: 10 contracts. */
const Q = contracts(10);

/** An exchange order of the fixture's shape, sized Q unless told. */
function venueOrder(id: string, over: Partial<VenueOrder> = {}): VenueOrder {
  return fixtureOrder(id, { quantity: Q, cumQuantity: 0, leavesQuantity: Q, ...over });
}

function inFlight(localId: string, over: Partial<TrackedOrder> = {}, request = orderRequest({ quantity: Q })): StoredOrder {
  return {
    order: { orderId: null, localId, request, status: 'PENDING', filledQty: 0, avgPrice: 0, feesPaid: 0, strategyName: 'market_maker', createdAt: T0, updatedAt: T0, ...over },
    version: 1,
  };
}

function trade(executionId: string, over: Partial<UnattributedTrade> = {}): UnattributedTrade {
  return { executionId, marketSlug: M, price: 550_000, qty: contracts(4), time: T0 + 100, aggressor: true, intent: null, fee: null, ...over };
}

describe('in-flight orders after a restart', () => {
  it('claims the unrecorded exchange order with its market, intent, quantity and price created after it, oldest first', () => {
    const a = inFlight('a', { createdAt: T0 });
    const b = inFlight('b', { createdAt: T0 + 1_000 });
    const tooOld = venueOrder('v-old', { createTime: T0 - SKEW - 1 });
    const otherPrice = venueOrder('v-px', { createTime: T0 + 10, price: 560_000 });
    const first = venueOrder('v1', { createTime: T0 + 50 });
    const second = venueOrder('v2', { createTime: T0 + 1_050 });
    const out = resolveInFlight({ inFlight: [b, a], candidates: [second, otherPrice, tooOld, first], unattributed: [], skewMs: SKEW });
    expect(out.map((x) => [x.stored.order.localId, x.kind, x.kind === 'claimed' ? x.venue.id : null])).toEqual([
      ['a', 'claimed', 'v1'],
      ['b', 'claimed', 'v2'],
    ]);
    const rec = recordOfOutcome(out[0]!, T0 + 9_000);
    expect(rec).toMatchObject({ localId: 'a', orderId: 'v1', status: 'PENDING', strategyName: 'market_maker', updatedAt: T0 + 9_000 });
  });

  it('closes an order that left the book with fills from the trades that name no order and fit it', () => {
    const s = inFlight('a');
    const trades = [
      trade('t1', { price: 540_000, qty: contracts(4), time: T0 + 10 }),
      trade('t2', { price: 550_000, qty: contracts(6), time: T0 + 20 }),
      trade('t3', { price: 550_000, qty: contracts(0.01), time: T0 + 30 }), // would exceed the 10 contracts asked
    ];
    const [out] = resolveInFlight({ inFlight: [s], candidates: [], unattributed: trades, skewMs: SKEW });
    expect(out).toMatchObject({ kind: 'traded', trades: [{ executionId: 't1' }, { executionId: 't2' }] });
    // Filled in full; average = (4 × 0.54 + 6 × 0.55) / 10 = 0.546.
    expect(recordOfOutcome(out!, T0 + 9_000)).toMatchObject({ orderId: null, status: 'FILLED', filledQty: contracts(10), avgPrice: 546_000 });

    const [partial] = resolveInFlight({ inFlight: [s], candidates: [], unattributed: [trade('t1', { qty: contracts(3) })], skewMs: SKEW });
    // Not open at the exchange, so the rest was cancelled (an immediate-or-cancel order, or cancelled later).
    expect(recordOfOutcome(partial!, T0)).toMatchObject({ status: 'CANCELLED', filledQty: contracts(3), avgPrice: 550_000 });
  });

  it('closes as never placed an order nothing at the exchange accounts for', () => {
    const s = inFlight('a');
    const out = resolveInFlight({ inFlight: [s], candidates: [venueOrder('v', { quantity: Q + contracts(1) })], unattributed: [trade('t', { marketSlug: 'mkt-b' })], skewMs: SKEW });
    expect(out).toEqual([{ kind: 'never_placed', stored: s }]);
    expect(recordOfOutcome(out[0]!, T0 + 1)).toMatchObject({ orderId: null, status: 'REJECTED', rejectReason: 'not found at the exchange after a restart', updatedAt: T0 + 1 });
  });

  it('property: each exchange order and each trade serves one order at most, and every taken trade fits its order', () => {
    const arbOrder = fc.record({
      createdAt: fc.integer({ min: 0, max: 20_000 }),
      intent: fc.constantFrom('ORDER_INTENT_BUY_LONG', 'ORDER_INTENT_SELL_LONG') as fc.Arbitrary<'ORDER_INTENT_BUY_LONG' | 'ORDER_INTENT_SELL_LONG'>,
      price: fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000),
      quantity: fc.integer({ min: 1, max: 800 }), // hundredths: 0.01 to 8 contracts
      market: fc.constantFrom('mkt-a', 'mkt-b'),
    });
    fc.assert(
      fc.property(
        fc.array(arbOrder, { maxLength: 6 }),
        fc.array(arbOrder, { maxLength: 6 }),
        fc.array(fc.record({ time: fc.integer({ min: 0, max: 25_000 }), price: fc.integer({ min: 1, max: 99 }), qty: fc.integer({ min: 1, max: 800 }), market: fc.constantFrom('mkt-a', 'mkt-b') }), { maxLength: 12 }),
        (orders, venue, raw) => {
          const stored = orders.map((x, i) => inFlight(`l${i}`, { createdAt: T0 + x.createdAt }, orderRequest({ marketSlug: x.market, intent: x.intent, price: x.price, quantity: x.quantity })));
          const candidates = venue.map((x, i) => venueOrder(`v${i}`, { marketSlug: x.market, intent: x.intent, price: x.price, quantity: x.quantity, leavesQuantity: x.quantity, createTime: T0 + x.createdAt }));
          const trades = raw.map((x, i) => trade(`t${i}`, { time: T0 + x.time, price: x.price * 10_000, qty: x.qty, marketSlug: x.market }));
          const out = resolveInFlight({ inFlight: stored, candidates, unattributed: trades, skewMs: SKEW });
          expect(out.map((x) => x.stored.order.localId).sort()).toEqual(stored.map((s) => s.order.localId).sort());
          const claimed = out.flatMap((x) => (x.kind === 'claimed' ? [x.venue.id] : []));
          expect(new Set(claimed).size).toBe(claimed.length);
          const taken = out.flatMap((x) => (x.kind === 'traded' ? x.trades.map((t) => t.executionId) : []));
          expect(new Set(taken).size).toBe(taken.length);
          for (const x of out) {
            if (x.kind === 'claimed') expect(x.venue.marketSlug).toBe(x.stored.order.request.marketSlug);
            if (x.kind !== 'traded') continue;
            for (const t of x.trades) expect(tradeFits(t, x.stored.order, SKEW)).toBe(true);
            const rec = recordOfOutcome(x, T0);
            expect(rec.filledQty).toBeLessThanOrEqual(x.stored.order.request.quantity);
            expect(rec.filledQty).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});
