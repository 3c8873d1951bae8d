/**
 * The engine's mutable record of one order, and its conversion to the wire-level `VenueOrder` snapshot.
 */
import type { Qty } from '../../../shared/domain/quantity.js';
import { divRoundHalfEven, type Micros, type PriceMicros } from '../../../shared/domain/money.js';
import type {
  OrderIntent,
  OrderSide,
  OrderType,
  TimeInForce,
  VenueOrderState,
} from '../../../shared/domain/venue-enums.js';
import type { SimOrderView } from './types.js';

export interface SimOrder {
  id: string;
  accountId: string;
  marketSlug: string;
  intent: OrderIntent;
  side: OrderSide;
  /** True for BUY_LONG and SELL_SHORT: the order is a bid on the long book. */
  buysLong: boolean;
  /** True for BUY_LONG and BUY_SHORT, false for SELL_LONG / SELL_SHORT: the intent's name only (with buysLong it
   * picks the cashOrderQty notional). It does not limit the order: every intent closes first and opens the rest. */
  opens: boolean;
  type: OrderType;
  /** Long-side limit price, null for a market order. */
  price: PriceMicros | null;
  quantity: Qty;
  cumQuantity: Qty;
  leavesQuantity: Qty;
  tif: TimeInForce;
  /** Sent as TIME_IN_FORCE_DAY: rests as GOOD_TILL_CANCEL and never expires at the roll (the venue's behaviour). */
  day: boolean;
  goodTillTime: number | null;
  participateDontInitiate: boolean;
  state: VenueOrderState;
  /** Σ fill qty × fill price, for avgPx. */
  filledNotional: Micros;
  createTime: number;
  /** Placement sequence (renewed when a modify loses priority): the newest unfunded order is cancelled first. */
  placedSeq: number;
  /** The market's taker Θ and maker rebate Θ when the order was placed, in basis points (0.0695 → 695; maker negative). */
  commissionsBasisPoints: number;
  makerCommissionsBasisPoints: number;
  /** Σ signed fees of the order's fills, micros (taker > 0, maker rebate < 0). */
  commissionTotal: Micros;
}

export const LIVE_STATES: ReadonlySet<VenueOrderState> = new Set<VenueOrderState>([
  'ORDER_STATE_NEW',
  'ORDER_STATE_PARTIALLY_FILLED',
]);

export function isLive(order: SimOrder): boolean {
  return LIVE_STATES.has(order.state);
}

export function averagePrice(order: SimOrder): PriceMicros | null {
  if (order.cumQuantity === 0) return null;
  return Number(divRoundHalfEven(BigInt(order.filledNotional), BigInt(order.cumQuantity)));
}

/** A detached snapshot of the order as the wire reports it. */
export function toVenueOrder(order: SimOrder): SimOrderView {
  return {
    id: order.id,
    marketSlug: order.marketSlug,
    side: order.side,
    type: order.type,
    price: order.price,
    quantity: order.quantity,
    cumQuantity: order.cumQuantity,
    leavesQuantity: order.leavesQuantity,
    tif: order.tif,
    goodTillTime: order.goodTillTime,
    intent: order.intent,
    state: order.state,
    avgPx: averagePrice(order),
    createTime: order.createTime,
    commissionsBasisPoints: order.commissionsBasisPoints,
    makerCommissionsBasisPoints: order.makerCommissionsBasisPoints,
    commissionNotionalTotalCollected: order.commissionTotal,
    timeInForceAsSent: order.day && order.tif === 'TIME_IN_FORCE_GOOD_TILL_CANCEL' ? 'TIME_IN_FORCE_DAY' : order.tif,
  };
}
