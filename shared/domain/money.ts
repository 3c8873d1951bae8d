/**
 * Exact money arithmetic.
 *
 * Every price, amount and balance in the engine is an integer number of micro-dollars ("micros",
 * 1 USD = 1_000_000). A price of 0.55 is 550_000 micros. Integers below 2^53 are exact in a JS number,
 * which covers 9 billion dollars at micro precision, so the hot path never touches a binary fraction.
 * `decimal.js` is used only where amounts are summed for reports (see `sumMicros`).
 */
import { Decimal } from 'decimal.js';

/** An integer number of micro-dollars (USD × 1e6). */
export type Micros = number;

export const MICROS_PER_USD = 1_000_000;
/** The payout of one winning contract: 1 USD. */
export const ONE_DOLLAR: Micros = MICROS_PER_USD;
/** One cent in micros. */
export const CENT: Micros = 10_000;

export class MoneyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyFormatError';
  }
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string ("0.55", "-12.5", "3") into micros, exactly. Rejects anything that is not a plain
 * decimal or that has more than six decimal places (which would need rounding and so lose money silently).
 */
export function parseMicros(text: string): Micros {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) throw new MoneyFormatError(`not a decimal amount: ${JSON.stringify(text).slice(0, 40)}`);
  const [, sign, whole = '0', frac = ''] = m;
  if (frac.length > 6 && /[^0]/.test(frac.slice(6))) {
    throw new MoneyFormatError(`amount has more than 6 decimal places: ${text}`);
  }
  const micros = Number(whole) * MICROS_PER_USD + Number(frac.slice(0, 6).padEnd(6, '0'));
  if (!Number.isSafeInteger(micros)) throw new MoneyFormatError(`amount out of range: ${text}`);
  return sign ? -micros : micros;
}

/**
 * Formats micros as a decimal string with at least `minDecimals` places and no trailing zeros beyond them:
 * 550_000 → "0.55", 1_000_000 → "1.00", 1_234 → "0.001234".
 */
export function formatMicros(micros: Micros, minDecimals = 2): string {
  if (!Number.isSafeInteger(micros)) throw new MoneyFormatError(`not an integer micros value: ${micros}`);
  const neg = micros < 0;
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS_PER_USD);
  let frac = String(abs % MICROS_PER_USD).padStart(6, '0');
  while (frac.length > minDecimals && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${neg ? '-' : ''}${whole}${frac.length ? '.' + frac : ''}`;
}

/** Converts a USD amount given as a JS number from configuration (e.g. 100.5) into micros, exactly. */
export function usdToMicros(usd: number): Micros {
  if (!Number.isFinite(usd)) throw new MoneyFormatError(`not a finite amount: ${usd}`);
  return parseMicros(new Decimal(usd).toFixed(6));
}

/**
 * Micros as a Decimal in USD, for reports and sums. A safe integer other than 0 is read as "<micros>e-6"
 * (the same Decimal as dividing by 1e6, which is exact at decimal.js's 20 digits, without the division);
 * anything else (±0, whose sign the division keeps; non-integers; values past 2^53) is divided.
 */
export function microsToDecimal(micros: Micros): Decimal {
  if (micros !== 0 && Number.isSafeInteger(micros)) return new Decimal(`${micros}e-6`);
  return new Decimal(micros).div(MICROS_PER_USD);
}

/** Exact sum of many micros values (safe against overflow of intermediate sums past 2^53). */
export function sumMicros(values: Iterable<Micros>): Decimal {
  let acc = new Decimal(0);
  for (const v of values) acc = acc.plus(v);
  return acc.div(MICROS_PER_USD);
}

/**
 * Divides `numerator` by `denominator` (both integers, denominator > 0) and rounds half to even (banker's
 * rounding), exactly, using BigInt so that no intermediate product loses precision.
 */
export function divRoundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const neg = numerator < 0n;
  const n = neg ? -numerator : numerator;
  let q = n / denominator;
  const r = n % denominator;
  const twice = r * 2n;
  if (twice > denominator || (twice === denominator && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

/**
 * divRoundHalfEven on plain numbers, for safe integers (the common case: no BigInt). Exact: the remainder
 * (`%`) and the quotient of the exactly divisible n − r are exact for safe integers. Anything else (a value
 * past 2^53, a non-integer, a denominator ≤ 0) goes through the BigInt version, which answers or throws.
 */
export function divRoundHalfEvenNumber(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    return Number(divRoundHalfEven(BigInt(numerator), BigInt(denominator)));
  }
  const n = numerator < 0 ? -numerator : numerator;
  const r = n % denominator;
  let q = (n - r) / denominator;
  const twice = r * 2;
  if (twice > denominator || (twice === denominator && q % 2 === 1)) q += 1;
  return numerator < 0 ? 0 - q : q; // 0 − 0 is +0, as Number(0n)
}

/**
 * a × b / denominator rounded half to even, exactly, for integers (a pro-rata share of a cost): plain numbers
 * while a × b is a safe integer, BigInt past it.
 */
export function mulDivRoundHalfEven(a: number, b: number, denominator: number): number {
  const product = a * b;
  // A true product within ±(2^53 − 1) is computed exactly; one past it rounds to at least 2^53 in magnitude.
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b) && Number.isSafeInteger(product)) return divRoundHalfEvenNumber(product, denominator);
  return Number(divRoundHalfEven(BigInt(a) * BigInt(b), BigInt(denominator)));
}

/** Rounds micros to a multiple of `unit` micros (e.g. CENT), half to even. */
export function roundHalfEven(micros: Micros, unit: Micros): Micros {
  return divRoundHalfEvenNumber(micros, unit) * unit;
}

/** A long (YES) contract price in micros, strictly between 0 and 1 USD for a tradable order. */
export type PriceMicros = Micros;

/** The price of the short (NO) side for a given long-side price: 1 − price. */
export function complement(price: PriceMicros): PriceMicros {
  return ONE_DOLLAR - price;
}

/** The midpoint of two prices in micros, rounded half to even (exact, no BigInt on the hot path). */
export function midHalfEven(a: Micros, b: Micros): Micros {
  const s = a + b;
  const q = Math.floor(s / 2);
  return s % 2 !== 0 && q % 2 !== 0 ? q + 1 : q;
}
