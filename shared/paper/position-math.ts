/**
 * Exact position arithmetic on one binary market, shared by the paper portfolio and the performance tracker.
 *
 * Every trade is a trade of LONG contracts at a long-side price p. A short (NO) position is priced at 1 − p
 * everywhere: opening a short by selling long at p costs 1 − p per contract (collateral 1, proceeds p);
 * closing it by buying long at p returns 1 − p; it is marked at 1 − mark and settles at 1 − S. `cost` is the
 * basis of the open position in the held side's own terms, so the average entry of a NO position bought by
 * selling long at 0.40 is 0.60. All amounts are integer micros; quantities are Qty (hundredths of a contract).
 * Money of a quantity is exact at a tick price; off a tick (a mid mark) it is rounded toward the safe side:
 * costs up, proceeds and values down (qtyTimesMicros).
 */
import { QTY_SCALE, qtyTimesMicros, type Qty } from '../domain/quantity.js';
import { ONE_DOLLAR, mulDivRoundHalfEven, type Micros, type PriceMicros } from '../domain/money.js';

export interface PositionLedger {
  /** Signed like the venue's netPosition: > 0 long, < 0 short (hundredths of a contract). */
  netQty: Qty;
  /** Cost basis of the open position (held side's terms), micros, ≥ 0. */
  cost: Micros;
  /** Realized PnL before fees, micros. */
  realized: Micros;
  /** Fees paid (rebates negative), micros. */
  fees: Micros;
  qtyBought: Qty;
  qtySold: Qty;
}

export function emptyLedger(): PositionLedger {
  return { netQty: 0, cost: 0, realized: 0, fees: 0, qtyBought: 0, qtySold: 0 };
}

export interface TradeEffect {
  /** Change in cash from the trade (before fees). */
  cashDelta: Micros;
  /** PnL realized by the closing part of the trade. */
  realized: Micros;
  /** Contracts of an existing position closed by this trade. */
  closedQty: Qty;
  /** Contracts of new position opened by this trade. */
  openedQty: Qty;
}

/** The price per contract of the side held for a long-side price: p for long, 1 − p for short. */
export function sidePrice(longPrice: PriceMicros, long: boolean): PriceMicros {
  return long ? longPrice : ONE_DOLLAR - longPrice;
}

/** Applies a trade of `qty` long contracts at `longPrice` (bought when `buysLong`), mutating `pos`. */
export function applyTrade(pos: PositionLedger, buysLong: boolean, qty: Qty, longPrice: PriceMicros): TradeEffect {
  if (!Number.isSafeInteger(qty) || qty <= 0) throw new RangeError(`trade quantity must be a positive number of hundredths of a contract, got ${qty}`);
  if (!Number.isSafeInteger(longPrice) || longPrice < 0 || longPrice > ONE_DOLLAR) throw new RangeError(`bad price ${longPrice}`);
  let cashDelta = 0;
  let realized = 0;
  // Closing the opposite side first: buying long closes a short, selling long closes a long.
  const opposite = buysLong ? Math.max(0, -pos.netQty) : Math.max(0, pos.netQty);
  const closedQty = Math.min(qty, opposite);
  if (closedQty > 0) {
    const heldLong = !buysLong; // selling long closes a long; buying long closes a short
    const proceeds = qtyTimesMicros(closedQty, sidePrice(longPrice, heldLong), 'down');
    const costRemoved = closedQty === opposite ? pos.cost : mulDivRoundHalfEven(pos.cost, closedQty, opposite);
    realized = proceeds - costRemoved;
    cashDelta += proceeds;
    pos.cost -= costRemoved;
    pos.realized += realized;
    pos.netQty += buysLong ? closedQty : -closedQty;
  }
  const openedQty = qty - closedQty;
  if (openedQty > 0) {
    const unit = sidePrice(longPrice, buysLong); // buying long opens long at p; selling long opens short at 1 − p
    const paid = qtyTimesMicros(openedQty, unit, 'up');
    cashDelta -= paid;
    pos.cost += paid;
    pos.netQty += buysLong ? openedQty : -openedQty;
  }
  if (buysLong) pos.qtyBought += qty;
  else pos.qtySold += qty;
  return { cashDelta, realized, closedQty, openedQty };
}

/** Value of the open position at a long-side mark (short side valued at 1 − mark). */
export function markValue(pos: PositionLedger, markLong: PriceMicros): Micros {
  if (pos.netQty === 0) return 0;
  return qtyTimesMicros(Math.abs(pos.netQty), sidePrice(markLong, pos.netQty > 0), 'down');
}

export function unrealizedPnl(pos: PositionLedger, markLong: PriceMicros): Micros {
  return pos.netQty === 0 ? 0 : markValue(pos, markLong) - pos.cost;
}

/** Settles the position at S (0 or 1 USD per long contract): pays out, realizes PnL, flattens. */
export function settle(pos: PositionLedger, settlementPrice: PriceMicros): { payout: Micros; realized: Micros } {
  const payout = markValue(pos, settlementPrice);
  const realized = payout - pos.cost;
  pos.realized += realized;
  pos.netQty = 0;
  pos.cost = 0;
  return { payout, realized };
}

/** Average entry price of the held side per contract, micros (0 when flat). */
export function averageEntry(pos: PositionLedger): PriceMicros {
  return pos.netQty === 0 ? 0 : Math.round((pos.cost * QTY_SCALE) / Math.abs(pos.netQty));
}
