/**
 * The venue's per-market price rules (docs/venue-rules.md, "Per-market constraints" and "Settlement"):
 *   - prices are the YES price in 0.01–0.99 whatever the tick; an order outside gets an id and is then rejected
 *     (ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS);
 *   - ticks are 0.01, 0.005 or 0.0025; extra precision beyond the tick's decimals is silently cut DOWN
 *     ("0.515" → "0.51" on a 0.01 tick); a price with no more decimals than the tick but off its grid
 *     (0.013 on a 0.005 tick) cannot be normalised and is rejected (ORD_REJECT_REASON_INVALID_PRICE_INCREMENT);
 *   - settlement prices the exchange derives (co-winners 1/n, a fair price) are rounded down to the tick.
 * Units: micros.
 */
import { Decimal } from 'decimal.js';
import { ONE_DOLLAR, type PriceMicros } from '../../../shared/domain/money.js';

export const MIN_ORDER_PRICE: PriceMicros = 10_000;
export const MAX_ORDER_PRICE: PriceMicros = 990_000;
/** The ticks the venue lists today. */
export const VENUE_TICKS: readonly PriceMicros[] = [10_000, 5_000, 2_500];

export const PRICE_REJECTS = {
  outOfBounds: 'ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS',
  invalidIncrement: 'ORD_REJECT_REASON_INVALID_PRICE_INCREMENT',
} as const;

export type PriceCheck = { ok: true; price: PriceMicros } | { ok: false; reason: string; text: string };

/** The tick in dollars as the wire writes it: 10_000 → "0.01", 2_500 → "0.0025". */
export function tickDecimal(tick: PriceMicros): string {
  return new Decimal(tick).div(ONE_DOLLAR).toFixed();
}

/** The precision unit of a tick: one unit of its last decimal place (0.005 → 0.001), in micros. */
function precisionUnit(tick: PriceMicros): PriceMicros {
  const places = new Decimal(tick).div(ONE_DOLLAR).decimalPlaces();
  return 10 ** (6 - places);
}

/** Cuts a price down to its tick's precision, then checks the grid and the 0.01–0.99 bounds. */
export function normalizePrice(price: PriceMicros, tick: PriceMicros): PriceCheck {
  const unit = precisionUnit(tick);
  const cut = price - (((price % unit) + unit) % unit);
  if (cut < MIN_ORDER_PRICE || cut > MAX_ORDER_PRICE) {
    return { ok: false, reason: PRICE_REJECTS.outOfBounds, text: `price ${new Decimal(price).div(ONE_DOLLAR).toFixed()} is outside 0.01–0.99` };
  }
  if (cut % tick !== 0) {
    return {
      ok: false,
      reason: PRICE_REJECTS.invalidIncrement,
      text: `price ${new Decimal(cut).div(ONE_DOLLAR).toFixed()} is not a multiple of the tick ${tickDecimal(tick)}`,
    };
  }
  return { ok: true, price: cut };
}

/** A price rounded down to the tick, kept within [0, 1 USD]. */
export function floorToTick(price: PriceMicros, tick: PriceMicros): PriceMicros {
  const p = Math.min(ONE_DOLLAR, Math.max(0, price));
  return p - (p % tick);
}

/** Each co-winner's settlement price: $1.00 ÷ n rounded down to the tick. */
export function coWinnerPrice(winners: number, tick: PriceMicros): PriceMicros {
  if (!Number.isSafeInteger(winners) || winners < 1) throw new RangeError(`winners must be a whole number ≥ 1: ${winners}`);
  return floorToTick(Math.floor(ONE_DOLLAR / winners), tick);
}

/** The settlement price of a winner market whose game ended tied (no draw outcome). */
export const TIE_SETTLEMENT_PRICE: PriceMicros = 500_000;
