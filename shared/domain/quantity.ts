/**
 * Contract quantities as the venue reports them: decimals since partial-contract markets (docs/venue-rules.md,
 * "Values, enums, identifiers"), while the engine still counts whole contracts. This is the one place that
 * turns a wire quantity into the engine's whole count, so the planned fixed-point quantity migration has one
 * place to change.
 *
 * Parsing is exact (string arithmetic, no binary float): "19.6000" → exact "19.6", and the whole count rounded
 * as the caller asks. A JSON number is read through its shortest decimal text ("0.5"); one in exponent form
 * (1e-7, 1e21) is refused rather than guessed.
 */

/** How a fractional quantity becomes a whole count. */
export type QuantityRounding = 'down' | 'up' | 'toward_zero';

export interface ParsedQuantity {
  /** The whole-contract count the engine uses (a safe integer), rounded as asked. */
  whole: number;
  /** The exact decimal, normalised: no '+', no leading zeros, no trailing fractional zeros ("19.6", "-3", "0"). */
  exact: string;
  /** True when `exact` has a fractional part (so `whole` is rounded). */
  fractional: boolean;
}

const QUANTITY_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;
/** More digits than any real quantity: refuse instead of scanning megabytes of digits. */
const MAX_TEXT_LENGTH = 40;

/**
 * Parses a quantity given as a decimal string, a JSON number or an Amount-like `{ value }`. Returns null for
 * anything else (empty, exponent form, non-finite, whole part beyond 2^53). Never throws.
 */
export function parseQuantity(value: unknown, rounding: QuantityRounding = 'toward_zero'): ParsedQuantity | null {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'value' in value) {
    const inner = (value as { value: unknown }).value;
    return typeof inner === 'string' || typeof inner === 'number' ? parseQuantity(inner, rounding) : null;
  } else return null;
  if (text.length === 0 || text.length > MAX_TEXT_LENGTH) return null;
  const m = QUANTITY_TEXT.exec(text);
  if (!m) return null;
  const negative = m[1] === '-';
  const intDigits = (m[2] ?? '0').replace(/^0+(?=\d)/, '');
  const fracDigits = (m[3] ?? '').replace(/0+$/, '');
  const magnitude = Number(intDigits);
  if (!Number.isSafeInteger(magnitude)) return null;
  const fractional = fracDigits.length > 0;
  const isZero = magnitude === 0 && !fractional;
  const exact = `${negative && !isZero ? '-' : ''}${intDigits}${fractional ? `.${fracDigits}` : ''}`;
  let whole = negative ? -magnitude : magnitude;
  if (fractional) {
    if (rounding === 'up' && !negative) whole += 1;
    else if (rounding === 'down' && negative) whole -= 1;
  }
  if (!Number.isSafeInteger(whole)) return null;
  // -0 → 0
  return { whole: whole === 0 ? 0 : whole, exact, fractional };
}

/** The exact text of a whole count (for fields that are already whole numbers, e.g. engine-side quantities). */
export function wholeQuantity(n: number): ParsedQuantity {
  return { whole: n, exact: String(n), fractional: false };
}
