/**
 * Hand-written decimal → integer parsing for the WebSocket hot path, where a regex + Number() per field (or a
 * zod schema per level) costs more than the rest of the message handling. Same rules as `parseMicros`:
 * plain decimals only, at most 6 significant decimal places, no exponent, no whitespace. Returns NaN on any
 * malformed input instead of throwing, so callers can count and skip without a try/catch per level.
 */

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const MINUS = 45;
/** Past this many integer digits the micros value would exceed 2^53. */
const MAX_WHOLE_DIGITS = 9;
const SCALE = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

/** "0.55" → 550000; "-1.5" → -1500000; NaN when malformed or when non-zero digits follow the 6th place. */
export function fastMicros(text: string): number {
  return fastMicrosIn(text, 0, text.length);
}

/** `fastMicros` of `text.slice(start, end)`, without the slice. */
export function fastMicrosIn(text: string, start: number, end: number): number {
  const n = end;
  if (n <= start) return NaN;
  let i = start;
  let neg = false;
  if (text.charCodeAt(start) === MINUS) {
    neg = true;
    i = start + 1;
    if (n === i) return NaN;
  }
  let whole = 0;
  let wholeDigits = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) break;
    if (c < ZERO || c > NINE) return NaN;
    whole = whole * 10 + (c - ZERO);
    if (++wholeDigits > MAX_WHOLE_DIGITS) return NaN;
  }
  if (wholeDigits === 0) return NaN;
  let frac = 0;
  if (i < n) {
    // at the dot
    i++;
    if (i === n) return NaN;
    let places = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) return NaN;
      if (places < 6) {
        frac = frac * 10 + (c - ZERO);
      } else if (c !== ZERO) {
        return NaN;
      }
      places++;
    }
    frac *= SCALE[places < 6 ? places : 6] as number;
  }
  const v = whole * 1_000_000 + frac;
  return neg ? -v : v;
}

/** "12" → 12; also accepts a number that is a safe integer. NaN when not a plain integer ("12.0" is accepted). */
export function fastInt(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : NaN;
  if (typeof value !== 'string') return NaN;
  return fastIntIn(value, 0, value.length);
}

/** `fastInt` of the string `value.slice(start, end)`, without the slice. */
export function fastIntIn(value: string, start: number, end: number): number {
  const n = end;
  if (n <= start || n - start > 16) return NaN;
  let i = start;
  let neg = false;
  if (value.charCodeAt(start) === MINUS) {
    neg = true;
    i = start + 1;
    if (n === i) return NaN;
  }
  let v = 0;
  let digits = 0;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === DOT) break;
    if (c < ZERO || c > NINE) return NaN;
    v = v * 10 + (c - ZERO);
    digits++;
  }
  if (digits === 0) return NaN;
  if (i < n) {
    // only ".0", ".00", … allowed after the integer part
    i++;
    if (i === n) return NaN;
    for (; i < n; i++) if (value.charCodeAt(i) !== ZERO) return NaN;
  }
  // 16 digits can exceed 2^53: such a count would silently lose its last digits.
  if (!Number.isSafeInteger(v)) return NaN;
  return neg ? -v : v;
}

/** Hundredths per unit of the last fractional digit kept, by number of fractional digits (1–2). */
const HUNDREDTHS_SCALE = [100, 10, 1];

/**
 * A quantity `text.slice(start, end)` in hundredths of a contract, exactly: plain unsigned digits with an
 * optional fraction whose digits past the second are zeros ("12" → 1200, "0.50" → 50, "1.500" → 150). NaN for
 * anything else (a sign, an exponent, a digit finer than 0.01, beyond 2^53 hundredths, more than 32
 * characters), which callers leave to `parseQuantity` (whose answer this is for every text it takes).
 */
export function fastHundredthsIn(text: string, start: number, end: number): number {
  if (end - start > 32) return NaN;
  let i = start;
  let whole = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) break;
    if (c < ZERO || c > NINE) return NaN;
    whole = whole * 10 + (c - ZERO);
  }
  if (i === start) return NaN;
  let frac = 0;
  if (i < end) {
    // at the dot
    const first = ++i;
    if (i === end) return NaN;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) return NaN;
      if (i - first < 2) frac = frac * 10 + (c - ZERO);
      else if (c !== ZERO) return NaN;
    }
    frac *= HUNDREDTHS_SCALE[Math.min(i - first, 2)] as number;
  }
  const v = whole * 100 + frac;
  // Past 2^53 the digits above were already summed inexactly.
  return Number.isSafeInteger(v) ? v : NaN;
}
