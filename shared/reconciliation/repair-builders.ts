/**
 * Building the store's records from the exchange's truth: a fill from a trade, an order record from a venue
 * order, a position from a venue position. Pure functions, exact integer micros.
 */
import { QTY_SCALE } from '../domain/quantity.js';
import { signedFee, type FeeSchedule } from '../domain/fees.js';
import { divRoundHalfEven, type Micros } from '../domain/money.js';
import type { Fill, OrderStatus, TrackedOrder } from '../domain/order.js';
import type { PositionState } from '../domain/position.js';
import type { OrderIntent } from '../domain/venue-enums.js';
import type { VenueOrder, VenuePosition } from '../domain/venue-models.js';
import { statusOfVenueState } from '../execution/order-tracker.js';
import { ORPHAN_STRATEGY } from './drift.js';
import type { VenueTrade } from './venue-trade.js';

/** True when the party ends up buying the long contract (BUY_LONG, or SELL_SHORT which buys long back). */
export function buysLong(intent: OrderIntent): boolean {
  return intent === 'ORDER_INTENT_BUY_LONG' || intent === 'ORDER_INTENT_SELL_SHORT';
}

export interface TradeContext {
  intent: OrderIntent;
  strategyName?: string;
  /** A post-only order can only make; used when the trade does not say who was the aggressor. */
  postOnly?: boolean;
}

/** The ledger fill for a trade: the exchange's fee when reported, else the fee schedule's. */
export function fillFromTrade(trade: VenueTrade, ctx: TradeContext, fees: FeeSchedule): Fill {
  const intent = trade.intent ?? ctx.intent;
  const taker = trade.aggressor ?? !ctx.postOnly;
  const computed = signedFee(taker ? 'TAKER' : 'MAKER', trade.qty, trade.price, fees.defaults);
  // `|| 0`: a zero rebate is 0, never −0.
  const fee = (trade.fee ?? computed) || 0;
  return {
    executionId: trade.executionId,
    orderId: trade.orderId,
    marketSlug: trade.marketSlug,
    intent,
    price: trade.price,
    qty: trade.qty,
    fee,
    liquidity: taker ? 'TAKER' : 'MAKER',
    time: trade.time,
    ...(ctx.strategyName ? { strategyName: ctx.strategyName } : {}),
    ...(trade.tradeId ? { tradeId: trade.tradeId } : {}),
  };
}

/** The engine status of a venue order; a REPLACED order no longer works, so it counts as cancelled here. */
export function statusOfVenueOrder(o: VenueOrder): OrderStatus {
  if (o.state === 'ORDER_STATE_REPLACED') return 'CANCELLED';
  return statusOfVenueState(o.state, o.cumQuantity) ?? (o.cumQuantity > 0 ? 'PARTIALLY_FILLED' : 'PENDING');
}

/** A record for an order found on the exchange without one in the store. */
export function orderRecordFromVenue(o: VenueOrder, now: number): TrackedOrder {
  return {
    orderId: o.id,
    localId: `recon-${o.id}`,
    request: {
      marketSlug: o.marketSlug,
      intent: o.intent,
      type: o.type,
      ...(o.price !== null ? { price: o.price } : {}),
      quantity: o.quantity,
      tif: o.tif,
      postOnly: false,
      ...(o.goodTillTime !== null ? { goodTillTime: o.goodTillTime } : {}),
    },
    status: statusOfVenueOrder(o),
    filledQty: o.cumQuantity,
    avgPrice: o.avgPx ?? 0,
    feesPaid: 0,
    strategyName: ORPHAN_STRATEGY,
    createdAt: o.createTime ?? now,
    updatedAt: now,
  };
}

/** The stored order brought in line with the exchange's view of it (null: the exchange does not know it). */
export function orderUpdatedFromVenue(stored: TrackedOrder, venue: VenueOrder | null, now: number): TrackedOrder {
  if (venue === null) return { ...stored, status: 'CANCELLED', rejectReason: stored.rejectReason ?? 'unknown to the exchange (reconciler)', updatedAt: now };
  return {
    ...stored,
    status: statusOfVenueOrder(venue),
    filledQty: venue.cumQuantity,
    avgPrice: venue.avgPx ?? stored.avgPrice,
    updatedAt: now,
  };
}

/**
 * The store's position replaced by the exchange's: quantity, side, cost basis and realized PnL are the
 * exchange's. The mark per contract of the previous record is kept when the side is unchanged (the bot
 * re-marks it on the next book update), the mid-based reference figure with it; otherwise the position is
 * marked at cost. Fees stay as recorded.
 */
export function positionFromVenue(v: VenuePosition, prev: PositionState | undefined, now: number): PositionState {
  const quantity = Math.abs(v.netPosition);
  const side = v.netPosition < 0 ? 'NO' : 'YES';
  const cost: Micros = quantity === 0 ? 0 : v.cost;
  const avgPrice = quantity === 0 ? 0 : Number(divRoundHalfEven(BigInt(cost) * BigInt(QTY_SCALE), BigInt(quantity)));
  let currentValue = cost;
  // The executable-mark fields, when the previous record has them (docs/pnl-marks.md).
  let marks: Pick<PositionState, 'markSource' | 'beyondVisibleDepth' | 'unrealizedPnlAtMid'> = {};
  if (prev && prev.side === side && prev.quantity > 0 && quantity > 0) {
    const scaled = (v: Micros) => Number(divRoundHalfEven(BigInt(v) * BigInt(quantity), BigInt(prev.quantity)));
    currentValue = scaled(prev.currentValue);
    if (prev.unrealizedPnlAtMid !== undefined) {
      marks = { markSource: prev.markSource ?? 'none', beyondVisibleDepth: prev.beyondVisibleDepth ?? false, unrealizedPnlAtMid: scaled(prev.cost + prev.unrealizedPnlAtMid) - cost };
    }
  } else if (prev?.unrealizedPnlAtMid !== undefined) {
    marks = { markSource: 'none', beyondVisibleDepth: false, unrealizedPnlAtMid: 0 };
  }
  return {
    marketSlug: v.marketSlug,
    side,
    quantity,
    netQty: v.netPosition,
    avgPrice,
    cost,
    currentValue,
    unrealizedPnl: currentValue - cost,
    realizedPnl: v.realized,
    feesPaid: prev?.feesPaid ?? 0,
    updatedAt: now,
    ...marks,
  };
}

/** A flat position (the exchange reports none for a market the store holds). */
export function flatPosition(marketSlug: string, prev: PositionState, now: number): PositionState {
  const marks = prev.unrealizedPnlAtMid === undefined ? {} : { markSource: 'none' as const, beyondVisibleDepth: false, unrealizedPnlAtMid: 0 };
  return { ...prev, marketSlug, quantity: 0, netQty: 0, avgPrice: 0, cost: 0, currentValue: 0, unrealizedPnl: 0, updatedAt: now, ...marks };
}
