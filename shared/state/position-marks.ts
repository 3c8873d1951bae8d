/**
 * Turns the exchange's view of a position (signed net quantity in hundredths of a contract, cost, realized) into the product's
 * PositionState, marked to the market. A short (NO) position is marked at 1 − the long mark, always.
 */
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';
import type { PositionState } from '../domain/position.js';
import { QTY_SCALE, qtyTimesMicros } from '../domain/quantity.js';
import type { VenuePosition } from '../domain/venue-models.js';

export function markPosition(p: VenuePosition, longMark: PriceMicros | null, feesPaid: number, now: number): PositionState {
  const quantity = Math.abs(p.netPosition);
  const side = p.netPosition < 0 ? 'NO' : 'YES';
  const cost = Math.abs(p.cost);
  const avgPrice = quantity > 0 ? Math.round((cost * QTY_SCALE) / quantity) : 0;
  const sideMark = longMark === null ? avgPrice : side === 'YES' ? longMark : ONE_DOLLAR - longMark;
  const currentValue = qtyTimesMicros(quantity, sideMark, 'down');
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
