/**
 * The exchange's fee schedule (api/polymarket-us.md, "Fees"): taker fee and maker rebate in basis points of
 * the fee notional, where a buyer's notional is contracts × price and a seller's is contracts × (1 − price).
 * Rounded half to even to a configurable unit (the cent by default). Used by the simulator, the paper fill
 * simulator and PnL alike, so paper and live agree to the cent.
 */
import { CENT, ONE_DOLLAR, divRoundHalfEven, type Micros, type PriceMicros } from './money.js';

export interface FeeSchedule {
  /** Taker fee in basis points of the fee notional (30 = 0.30 %). */
  takerBps: number;
  /** Maker rebate in basis points of the fee notional, paid to the maker (20 = 0.20 %). */
  makerRebateBps: number;
  /** Rounding unit in micros (CENT by default; 1_000 for the older 0.001 rule). */
  roundingUnit: Micros;
  /** Minimum absolute fee in micros when the fee is not zero (0 by default; 1_000 for the older rule). */
  minimum: Micros;
}

export const DEFAULT_FEES: FeeSchedule = { takerBps: 30, makerRebateBps: 20, roundingUnit: CENT, minimum: 0 };

/**
 * The fee notional of one side of a fill. `buysLong` is true when this party ends up buying the long
 * contract (BUY_LONG or SELL_SHORT, which closes a short by buying long back); the seller's notional is on
 * 1 − price.
 */
export function feeNotional(qty: number, longPrice: PriceMicros, buysLong: boolean): Micros {
  return qty * (buysLong ? longPrice : ONE_DOLLAR - longPrice);
}

function applyBps(notionalMicros: Micros, bps: number, schedule: FeeSchedule): Micros {
  if (bps === 0 || notionalMicros === 0) return 0;
  // fee = notional × bps / 10_000, rounded to the unit: one exact integer division.
  const raw = divRoundHalfEven(BigInt(notionalMicros) * BigInt(bps), 10_000n * BigInt(schedule.roundingUnit));
  const fee = Number(raw) * schedule.roundingUnit;
  return Math.max(fee, schedule.minimum);
}

/** The taker's fee (a positive cost) for a fill. */
export function takerFee(qty: number, longPrice: PriceMicros, buysLong: boolean, schedule: FeeSchedule = DEFAULT_FEES): Micros {
  return applyBps(feeNotional(qty, longPrice, buysLong), schedule.takerBps, schedule);
}

/** The maker's rebate (a positive credit) for a fill. */
export function makerRebate(qty: number, longPrice: PriceMicros, buysLong: boolean, schedule: FeeSchedule = DEFAULT_FEES): Micros {
  return applyBps(feeNotional(qty, longPrice, buysLong), schedule.makerRebateBps, schedule);
}
