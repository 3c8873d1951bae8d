/**
 * Builders of domain objects for tests: sensible defaults, every field overridable. Quantities are engine
 * quantities (`Qty`, hundredths of a contract): the defaults are 10 contracts; an override passes a Qty,
 * e.g. `venueOrder('o1', { quantity: contracts(5), leavesQuantity: contracts(5) })`.
 */
import type { OrderRequest } from '../../shared/domain/order.js';
import { contracts } from '../../shared/domain/quantity.js';
import type { VenueOrder } from '../../shared/domain/venue-models.js';

export function orderRequest(over: Partial<OrderRequest> = {}): OrderRequest {
  return {
    marketSlug: 'mkt-a',
    intent: 'ORDER_INTENT_BUY_LONG',
    type: 'ORDER_TYPE_LIMIT',
    price: 550_000,
    quantity: contracts(10),
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    postOnly: false,
    ...over,
  };
}

export function venueOrder(id: string, over: Partial<VenueOrder> = {}): VenueOrder {
  return {
    id,
    marketSlug: 'mkt-a',
    side: 'ORDER_SIDE_BUY',
    type: 'ORDER_TYPE_LIMIT',
    price: 550_000,
    quantity: contracts(10),
    cumQuantity: 0,
    leavesQuantity: contracts(10),
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    goodTillTime: null,
    intent: 'ORDER_INTENT_BUY_LONG',
    state: 'ORDER_STATE_NEW',
    avgPx: null,
    createTime: null,
    commissionsBasisPoints: null,
    makerCommissionsBasisPoints: null,
    ...over,
  };
}
