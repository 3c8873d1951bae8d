/**
 * The soak's exposure-from-the-exchange's-truth (test/support/chaos-fixtures.ts) is the risk manager's
 * definition (shared/risk/exposure-monitor.ts) applied to the exchange's objects: same worst-case losses for
 * the same position and resting orders, reducing orders counting zero. Otherwise the soak's risk invariant
 * would check something else than the limits the engine enforces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderStatus, TrackedOrder } from '../../shared/domain/order.js';
import type { PositionState } from '../../shared/domain/position.js';
import { contracts } from '../../shared/domain/quantity.js';
import { ORDER_INTENTS } from '../../shared/domain/venue-enums.js';
import type { VenueOrder, VenuePosition } from '../../shared/domain/venue-models.js';
import { marketLoss } from '../../shared/risk/exposure-monitor.js';
import { exchangeMarketLoss } from '../support/chaos-fixtures.js';

const orderArb = fc.record({
  intent: fc.constantFrom(...ORDER_INTENTS),
  price: fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000),
  // hundredths of a contract: 0.01 to 500 contracts, fractions included
  quantity: fc.integer({ min: 1, max: contracts(500) }),
  filled: fc.nat(contracts(500)),
});

describe('exposure from the exchange truth', () => {
  it('equals the risk manager exposure for the same position and resting orders', () => {
    fc.assert(
      fc.property(fc.integer({ min: contracts(-300), max: contracts(300) }), fc.nat(200_000_000), fc.array(orderArb, { maxLength: 6 }), (net, cost, orders) => {
        const venuePos: VenuePosition = { marketSlug: 'm', netPosition: net, qtyBought: 0, qtySold: 0, cost, realized: 0, bodPosition: 0, expired: false, updateTime: null, cashValue: null, qtyAvailable: null };
        const statePos = { marketSlug: 'm', side: net >= 0 ? 'YES' : 'NO', quantity: Math.abs(net), netQty: net, cost } as PositionState;
        const venueOrders: VenueOrder[] = orders.map((o, i) => {
          const filled = Math.min(o.filled, o.quantity - 1);
          return { id: `o${i}`, marketSlug: 'm', side: 'ORDER_SIDE_BUY', type: 'ORDER_TYPE_LIMIT', price: o.price, quantity: o.quantity, cumQuantity: filled, leavesQuantity: o.quantity - filled, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', goodTillTime: null, intent: o.intent, state: 'ORDER_STATE_NEW', avgPx: null, createTime: null, commissionsBasisPoints: null, makerCommissionsBasisPoints: null };
        });
        const tracked = venueOrders.map((o) => ({ orderId: o.id, localId: o.id, request: { marketSlug: 'm', intent: o.intent, type: o.type, price: o.price!, quantity: o.quantity, tif: o.tif, postOnly: false }, status: 'SUBMITTED' as OrderStatus, filledQty: o.cumQuantity }) as unknown as TrackedOrder);
        expect(exchangeMarketLoss(venuePos, venueOrders)).toEqual(marketLoss(net === 0 ? undefined : statePos, tracked));
      }),
      { numRuns: 2_000 },
    );
  });
});
