/** Position domain types (seed: PositionState), in exact units. */
import type { Qty } from './quantity.js';
import type { ExecutableMarkSource } from './executable-mark.js';
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
  /**
   * What the position could be sold for now: the executable mark (best bid for a long, 1 − best ask for a
   * short, walking the visible depth, less the taker fee of the close; shared/domain/executable-mark.ts),
   * or the cost when there is no mark.
   */
  currentValue: Micros;
  /** currentValue − cost. */
  unrealizedPnl: Micros;
  realizedPnl: Micros;
  feesPaid: Micros;
  updatedAt: number;
  /** Where `currentValue` came from (absent on positions stored before executable marks, or not yet marked). */
  markSource?: ExecutableMarkSource;
  /** Part of the position was valued past the visible book depth, at its worst level. */
  beyondVisibleDepth?: boolean;
  /** The mid-based unrealized PnL (mid, else last trade; no fee), for reference only. */
  unrealizedPnlAtMid?: Micros;
}
