/**
 * Turns the exchange's view of a position (signed net quantity in hundredths of a contract, cost, realized) into the product's
 * PositionState, marked to the market: `currentValue` is the executable mark (what closing the position now
 * would bring in, net of the taker fee: shared/domain/executable-mark.ts), or the cost when there is no mark;
 * the mid-based figure is kept beside it for reference (`unrealizedPnlAtMid`).
 */
import type { ExecutableMark } from '../domain/executable-mark.js';
import type { Micros } from '../domain/money.js';
import type { PositionState } from '../domain/position.js';
import { QTY_SCALE } from '../domain/quantity.js';
import type { VenuePosition } from '../domain/venue-models.js';

/**
 * `closeout`: the executable mark of the whole position; `midValue`: its mid-based value (reference only), or
 * null without a mid or a last trade.
 */
export function markPosition(p: VenuePosition, closeout: ExecutableMark, midValue: Micros | null, feesPaid: number, now: number): PositionState {
  const quantity = Math.abs(p.netPosition);
  const side = p.netPosition < 0 ? 'NO' : 'YES';
  const cost = Math.abs(p.cost);
  const avgPrice = quantity > 0 ? Math.round((cost * QTY_SCALE) / quantity) : 0;
  const open = quantity > 0;
  const currentValue = open ? (closeout.value ?? cost) : 0;
  return {
    marketSlug: p.marketSlug,
    side,
    quantity,
    netQty: p.netPosition,
    avgPrice,
    cost,
    currentValue,
    unrealizedPnl: open ? currentValue - cost : 0,
    realizedPnl: p.realized,
    feesPaid,
    updatedAt: now,
    markSource: open ? closeout.source : 'none',
    beyondVisibleDepth: open && closeout.beyondVisibleDepth,
    unrealizedPnlAtMid: open && midValue !== null ? midValue - cost : 0,
  };
}
