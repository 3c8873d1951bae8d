/**
 * Turns the exchange's view of a position (signed net contracts, cost, realized) into the product's
 * PositionState, marked to the market. A short (NO) position is marked at 1 − the long mark, always.
 */
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';
import type { PositionState } from '../domain/position.js';
import type { VenuePosition } from '../domain/venue-models.js';

export function markPosition(p: VenuePosition, longMark: PriceMicros | null, feesPaid: number, now: number): PositionState {
  const quantity = Math.abs(p.netPosition);
  const side = p.netPosition < 0 ? 'NO' : 'YES';
  const cost = Math.abs(p.cost);
  const avgPrice = quantity > 0 ? Math.round(cost / quantity) : 0;
  const sideMark = longMark === null ? avgPrice : side === 'YES' ? longMark : ONE_DOLLAR - longMark;
  const currentValue = quantity * sideMark;
  return {
    marketSlug: p.marketSlug,
    side,
    quantity,
    netQty: p.netPosition,
    avgPrice,
    cost,
    currentValue,
    unrealizedPnl: quantity > 0 ? currentValue - cost : 0,
    realizedPnl: p.realized,
    feesPaid,
    updatedAt: now,
  };
}
