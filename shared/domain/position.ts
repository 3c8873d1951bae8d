/** Position domain types (seed: PositionState), in exact units. */
import type { Qty } from './quantity.js';
import type { Micros } from './money.js';

export type PositionSide = 'YES' | 'NO';

/**
 * One market's position. `netQty` is signed like the venue's `netPosition`: positive = long (YES) contracts,
 * negative = short (NO) contracts. `avgPrice` is the average entry price of the side held, in that side's own
 * terms (a NO position bought by selling long at 0.40 has avgPrice 0.60).
 */
export interface PositionState {
  marketSlug: string;
  side: PositionSide;
  /** Hundredths of a contract held (always ≥ 0; the side says which contract). */
  quantity: Qty;
  netQty: Qty;
  avgPrice: Micros;
  /** Cost basis of the open quantity, in micros. */
  cost: Micros;
  /** quantity × the side's current mark. */
  currentValue: Micros;
  unrealizedPnl: Micros;
  realizedPnl: Micros;
  feesPaid: Micros;
  updatedAt: number;
}
