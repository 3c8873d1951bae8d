/**
 * Exact contract quantities.
 *
 * The venue trades fractions of a contract: quantities are decimals on the wire and a market's minimum size
 * (`market.minimumTradeQty`) is 0.01 (1 % of a contract) or 1 (whole contracts); finer precision is silently
 * normalised down by the venue (docs/venue-rules.md, "Quantities, prices and ticks"). The engine counts them
 * like money: an integer number of hundredths of a contract (`Qty`, "centi-contracts"), so one contract is 100
 * and 2.5 contracts are 250. Integers below 2^53 are exact in a JS number, so the hot path adds, subtracts and
 * compares quantities as plain integers and never touches a binary fraction or decimal.js.
 *
 * Edges: `parseQuantity` (wire/config text or number → Qty, exact, finer than 0.01 rounded as the caller asks
 * and reported), `formatQuantity` (Qty → exact decimal text: "19.6", "0.01", "3"), `quantityToWire` (Qty → the
 * JSON number the venue's `quantity` fields carry, built from that exact text), `contracts(n)` (a count given
 * as a JS number in config and tests → Qty). Money: `qtyTimesMicros` (Qty × micros → micros, explicit rounding).
 */

/**
 * An integer number of hundredths of a contract: 1 contract = {@link QTY_SCALE} = 100, 0.01 contract = 1.
 * Always a safe integer; signed where the field says so (a net position).
 */
export type Qty = number;

/** Hundredths per contract: the venue's finest size (0.01). */
export const QTY_SCALE = 100;
/** One whole contract. */
export const ONE_CONTRACT: Qty = QTY_SCALE;
/** The finest quantity the venue keeps: 0.01 contract. */
export const QTY_STEP: Qty = 1;

/** How a quantity finer than 0.01 becomes a whole number of hundredths (or a whole count, for `roundToStep`). */
export type QuantityRounding = 'down' | 'up' | 'toward_zero';

export interface ParsedQuantity {
  /** The quantity in hundredths, rounded as asked when the text is finer than 0.01. */
  qty: Qty;
  /** The exact decimal as received, normalised: no '+', no leading zeros, no trailing fractional zeros ("19.6", "-3", "0"). */
  exact: string;
  /** True when `exact` is finer than 0.01 (so `qty` is rounded): the caller counts it. */
  rounded: boolean;
}

const QUANTITY_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;
/** More digits than any real quantity: refuse instead of scanning megabytes of digits. */
const MAX_TEXT_LENGTH = 40;
const SCALE_DIGITS = 2;

/**
 * Parses a quantity given as a decimal string, a JSON number or an Amount-like `{ value }`, exactly. Digits
 * finer than 0.01 are rounded as asked (`toward_zero` = what the venue does: 0.015 → 0.01) and reported in
 * `rounded`. Returns null for anything else (empty, exponent form, non-finite, beyond 2^53 hundredths). Never
 * throws. A JSON number is read through its shortest decimal text ("0.5").
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
  const kept = fracDigits.slice(0, SCALE_DIGITS).padEnd(SCALE_DIGITS, '0');
  const rounded = fracDigits.length > SCALE_DIGITS;
  let magnitude = Number(intDigits) * QTY_SCALE + Number(kept);
  if (!Number.isSafeInteger(magnitude)) return null;
  // Rounding a magnitude: 'up' means away from zero only for a positive value, 'down' only for a negative one.
  if (rounded && ((rounding === 'up' && !negative) || (rounding === 'down' && negative))) magnitude += 1;
  const isZero = intDigits === '0' && fracDigits.length === 0;
  const exact = `${negative && !isZero ? '-' : ''}${intDigits}${fracDigits.length > 0 ? `.${fracDigits}` : ''}`;
  const qty = negative ? -magnitude : magnitude;
  // -0 → 0
  return { qty: qty === 0 ? 0 : qty, exact, rounded };
}

/** Exact decimal text of a quantity, no trailing zeros: 1960 → "19.6", 1 → "0.01", 300 → "3", -250 → "-2.5". */
export function formatQuantity(qty: Qty): string {
  if (!Number.isSafeInteger(qty)) throw new RangeError(`not a whole number of hundredths of a contract: ${qty}`);
  const neg = qty < 0;
  const abs = Math.abs(qty);
  const whole = Math.floor(abs / QTY_SCALE);
  // Hundredths without padding or trailing zeros: 5 → ".05", 50 → ".5", 55 → ".55" (no regex: a hot path).
  const h = abs % QTY_SCALE;
  const frac = h === 0 ? '' : h % 10 === 0 ? `.${h / 10}` : h < 10 ? `.0${h}` : `.${h}`;
  return `${neg ? '-' : ''}${whole}${frac}`;
}

/**
 * The JSON number a wire `quantity` field carries, read from the exact text so it serialises back to that text
 * (250 → 2.5, 30 → 0.3, never 0.30000000000000004).
 */
export function quantityToWire(qty: Qty): number {
  return Number(formatQuantity(qty));
}

/**
 * A count of contracts given as a JS number (config, tests, literals) as a Qty: contracts(10) = 1000,
 * contracts(2.5) = 250. Read through the number's decimal text, so 0.3 is exactly 30. Throws on a non-finite
 * number or one finer than 0.01 (a configuration or test error, never wire input: use parseQuantity there).
 */
export function contracts(n: number): Qty {
  const p = typeof n === 'number' ? parseQuantity(n) : null;
  if (p === null || p.rounded) throw new RangeError(`not a quantity in hundredths of a contract: ${n}`);
  return p.qty;
}

/** The quantity as a JS number of contracts, for display arithmetic only (charts, ratios); never for money. */
export function qtyToContracts(qty: Qty): number {
  return qty / QTY_SCALE;
}

/**
 * `qty` rounded to a multiple of `step` (a market's size increment, e.g. 1 for 0.01 markets, 100 for whole
 * contracts): 'down' = toward zero for a size to send. A step < 1 counts as 1.
 */
export function roundToStep(qty: Qty, step: Qty, rounding: QuantityRounding = 'down'): Qty {
  const s = Math.max(QTY_STEP, Math.floor(step));
  const r = qty % s;
  if (r === 0) return qty;
  const towardZero = qty - r;
  if (rounding === 'toward_zero') return towardZero;
  if (rounding === 'down') return qty > 0 ? towardZero : towardZero - s;
  return qty > 0 ? towardZero + s : towardZero;
}

/** Rounding of a money amount that a fraction of a contract can leave finer than a micro. */
export type MicrosRounding = 'down' | 'up';

/**
 * `qty` × `micros` (a per-contract amount: a price, a fee per contract) in micros. Exact when the product is a
 * whole micro: always so at a price on the venue's ticks (multiples of 2_500 micros, docs/venue-rules.md) or
 * for whole contracts; otherwise rounded as asked, toward the safe side for what the caller pays or receives
 * ('up' for a cost, 'down' for proceeds or a value held). Integer arithmetic, no BigInt, exact below 2^53.
 */
export function qtyTimesMicros(qty: Qty, micros: number, rounding: MicrosRounding): number {
  const p = qty * micros;
  const r = p % QTY_SCALE;
  if (r === 0) return p / QTY_SCALE;
  const q = (p - r) / QTY_SCALE; // toward zero
  if (rounding === 'down') return p > 0 ? q : q - 1;
  return p > 0 ? q + 1 : q;
}

/** Largest Qty whose cost at `perContract` micros fits in `budget` micros (0 when nothing does): sizing. */
export function qtyAffordable(budget: number, perContract: number): Qty {
  if (!(perContract > 0) || !(budget > 0)) return 0;
  const scaled = budget * QTY_SCALE;
  const q = Math.floor(scaled / perContract);
  return q * perContract > scaled ? q - 1 : q;
}
