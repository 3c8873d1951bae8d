/**
 * The exact fee numerator Θ·Q·p·(1e6 − p) (Θ in ppm, Q in hundredths of a contract, p in micros; the fee in
 * cents is this / 1e18: shared/domain/fees.ts) in plain numbers, without BigInt: the numerator is held as two
 * safe integers, `hi` = ⌊N / 1e12⌋ and `lo` = N mod 1e12, so every step stays below 2^53 and is exact.
 *
 * Only the operand ranges that keep it exact are taken (Θ a whole ppm in [0, 1e6), p a whole micro in
 * [0, 1e6], Q a whole number ≤ 1e9 hundredths, a stored numerator of at most 27 digits); anything else is
 * refused (`false` / null) and the caller falls back to the BigInt reference in fees.ts, so results, errors
 * included, never differ from it (property tests: test/unit/domain/fee-numerator.test.ts).
 */

/** 1e12: the base of the low part. */
const LO = 1e12;
const MILLION = 1e6;
/** Largest quantity (hundredths) of the fast path: Q·(1e6 − p) ≤ 1e15 keeps every partial product exact. */
export const FAST_MAX_QTY = 1e9;
/** Largest high part a sum may reach and still round exactly (far below 2^53 ≈ 9.007e15). */
const MAX_HI = 4e15;

/** A numerator as two safe integers: N = hi·1e12 + lo, 0 ≤ lo < 1e12. Mutable scratch, reused. */
export interface FeeNumerator {
  hi: number;
  lo: number;
}

/**
 * Sets `out` to Θ·Q·p·(1e6 − p) and returns true, or returns false (out untouched) when an operand is outside
 * the exact fast range (the caller then uses BigInt).
 */
export function numeratorInto(out: FeeNumerator, thetaPpm: number, qty: number, price: number): boolean {
  if (!(Number.isInteger(thetaPpm) && thetaPpm >= 0 && thetaPpm < MILLION)) return false;
  if (!(Number.isInteger(qty) && qty >= 0 && qty <= FAST_MAX_QTY)) return false;
  if (!(Number.isInteger(price) && price >= 0 && price <= MILLION)) return false;
  const a = thetaPpm * price; // < 1e12
  const b = qty * (MILLION - price); // ≤ 1e15
  const aHi = Math.floor(a / MILLION); // < 1e6
  const aLo = a - aHi * MILLION; // < 1e6
  const bHi = Math.floor(b / MILLION); // ≤ 1e9
  const bLo = b - bHi * MILLION; // < 1e6
  // N = aHi·bHi·1e12 + (aHi·bLo + aLo·bHi)·1e6 + aLo·bLo
  const mid = aHi * bLo + aLo * bHi; // < 1.01e15
  const midHi = Math.floor(mid / MILLION);
  let lo = (mid - midHi * MILLION) * MILLION + aLo * bLo; // < 2e12
  let hi = aHi * bHi + midHi; // < 1.01e15
  if (lo >= LO) {
    lo -= LO;
    hi += 1;
  }
  out.hi = hi;
  out.lo = lo;
  return true;
}

/** `acc` += `n`; false (acc untouched) when the sum would leave the exact range. */
export function addNumerator(acc: FeeNumerator, n: FeeNumerator): boolean {
  let hi = acc.hi + n.hi;
  let lo = acc.lo + n.lo;
  if (lo >= LO) {
    lo -= LO;
    hi += 1;
  }
  if (hi > MAX_HI) return false;
  acc.hi = hi;
  acc.lo = lo;
  return true;
}

/** N / 1e18 rounded half to even: whole cents. */
export function centsHalfEven(n: FeeNumerator): number {
  const cents = Math.floor(n.hi / MILLION);
  const rest = n.hi - cents * MILLION; // the remainder is rest·1e12 + lo against a half of 5e17
  if (rest > 500_000 || (rest === 500_000 && (n.lo > 0 || cents % 2 === 1))) return cents + 1;
  return cents;
}

const DIGITS = /^\d{1,27}$/;

/**
 * Reads a stored numerator (a decimal string, as TakerFeeState keeps it) into `out`; false when it is not a
 * plain string of at most 27 digits (BigInt then reads it, and refuses what it must).
 */
export function parseNumerator(out: FeeNumerator, text: string): boolean {
  if (text === '0') {
    out.hi = 0;
    out.lo = 0;
    return true;
  }
  if (!DIGITS.test(text)) return false;
  const cut = text.length - 12;
  if (cut <= 0) {
    out.hi = 0;
    out.lo = Number(text);
  } else {
    out.hi = Number(text.slice(0, cut));
    out.lo = Number(text.slice(cut));
  }
  return true;
}

/** The numerator as the decimal string BigInt's toString would write. */
export function formatNumerator(n: FeeNumerator): string {
  return n.hi === 0 ? String(n.lo) : String(n.hi) + String(n.lo).padStart(12, '0');
}

/** The numerator as a BigInt (leaving the fast path mid-way). */
export function numeratorToBigInt(n: FeeNumerator): bigint {
  return BigInt(n.hi) * 1_000_000_000_000n + BigInt(n.lo);
}
