/**
 * Odds conversions (OpticOdds prices are American odds).
 *
 *   American a → decimal d:  d = 1 + a/100      when a > 0
 *                            d = 1 + 100/|a|    when a < 0
 *   implied probability      r = 1/d
 *
 * American odds are integers with |a| ≥ 100 (+100 and −100 are both even money). Anything else is malformed.
 * |a| is also capped at 1_000_000 (an implied probability of about 1e-4 or 0.9999): beyond that a "price" is
 * a feed error, and accepting it would push the de-vig maths to the edge of float precision.
 */

export const MIN_ABS_AMERICAN_ODDS = 100;
export const MAX_ABS_AMERICAN_ODDS = 1_000_000;

export class InvalidOddsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOddsError';
  }
}

/** True for an integer with 100 ≤ |a| ≤ 1_000_000. */
export function isValidAmericanOdds(a: unknown): a is number {
  return (
    typeof a === 'number' &&
    Number.isInteger(a) &&
    Math.abs(a) >= MIN_ABS_AMERICAN_ODDS &&
    Math.abs(a) <= MAX_ABS_AMERICAN_ODDS
  );
}

function assertAmerican(a: number): void {
  if (!isValidAmericanOdds(a)) throw new InvalidOddsError(`not valid American odds: ${String(a)}`);
}

/** American → decimal odds (d > 1). */
export function americanToDecimal(a: number): number {
  assertAmerican(a);
  return a > 0 ? 1 + a / 100 : 1 + 100 / -a;
}

/** Decimal → American odds, rounded to the nearest integer. d must be > 1. */
export function decimalToAmerican(d: number): number {
  if (!Number.isFinite(d) || d <= 1) throw new InvalidOddsError(`not valid decimal odds: ${String(d)}`);
  return d >= 2 ? Math.round((d - 1) * 100) : Math.round(-100 / (d - 1));
}

/** Decimal odds → implied probability r = 1/d. */
export function decimalToProbability(d: number): number {
  if (!Number.isFinite(d) || d <= 1) throw new InvalidOddsError(`not valid decimal odds: ${String(d)}`);
  return 1 / d;
}

/** Probability (0,1) → decimal odds d = 1/p. */
export function probabilityToDecimal(p: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidOddsError(`probability out of (0,1): ${String(p)}`);
  return 1 / p;
}

/** American odds → implied probability (with the book's margin still in it). */
export function americanToProbability(a: number): number {
  // Computed directly to avoid a rounding step through d: a>0 → 100/(a+100); a<0 → |a|/(|a|+100).
  assertAmerican(a);
  return a > 0 ? 100 / (a + 100) : -a / (-a + 100);
}

/** Probability (0,1) → American odds, rounded to the nearest integer (p ≥ 0.5 gives a negative price). */
export function probabilityToAmerican(p: number): number {
  return decimalToAmerican(probabilityToDecimal(p));
}
