/**
 * Kelly sizing for a binary contract, on the edge NET of fees, in exact integer arithmetic.
 *
 * A contract of the side bought costs K = its price + the fee per contract (a taker fee adds, a maker rebate
 * subtracts; docs/venue-rules.md, "Fees") and pays 1 if that side wins, with probability q (p for YES,
 * 1 − p for NO):  f* = (q − K) / (1 − K),  contracts = floor(kelly_fraction × f* × bankroll / K)
 *                    = floor(k × net edge × bankroll / (K × (1 − K)))
 * with net edge = q − K = gross edge − fee (gross = p − c buying YES at long price c, c − p buying NO).
 * Computed with BigInt on micros (p and k rounded to millionths), so the result never depends on a binary
 * fraction. No net edge (f* ≤ 0) → 0 contracts.
 */
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../domain/money.js';
import { QTY_SCALE, type Qty } from '../domain/quantity.js';

export type KellySide = 'YES' | 'NO';

export interface KellyInput {
  side: KellySide;
  /** Long-side price in micros, strictly inside (0, 1). */
  price: PriceMicros;
  /** Fair probability that YES wins, 0..1. */
  fairProbability: number;
  /** 0 < k ≤ 1. */
  kellyFraction: number;
  bankroll: Micros;
  /** Signed fee per contract at `price`, micros: > 0 a taker fee paid, < 0 a maker rebate (default 0). */
  feePerContract?: number;
}

const ONE = BigInt(ONE_DOLLAR);

export function probabilityToMicros(p: number): number {
  if (!Number.isFinite(p)) return 0;
  return Math.min(ONE_DOLLAR, Math.max(0, Math.round(p * ONE_DOLLAR)));
}

/** Net edge per contract, micros: the side's win probability minus its cost with the fee. */
export function netKellyEdge(side: KellySide, price: PriceMicros, fairProbability: number, feePerContract = 0): number {
  const p = probabilityToMicros(fairProbability);
  return (side === 'YES' ? p - price : price - p) - feePerContract;
}

/** The full-Kelly fraction f* of the bankroll after fees, as a number (for logs and reports only). */
export function kellyOptimalFraction(side: KellySide, price: PriceMicros, fairProbability: number, feePerContract = 0): number {
  if (price <= 0 || price >= ONE_DOLLAR) return 0;
  const k = costPerContract(side, price) + feePerContract;
  if (k <= 0 || k >= ONE_DOLLAR) return 0;
  return netKellyEdge(side, price, fairProbability, feePerContract) / (ONE_DOLLAR - k);
}

/** Cost of one contract of the side bought at long price `price`. */
export function costPerContract(side: KellySide, price: PriceMicros): PriceMicros {
  return side === 'YES' ? price : ONE_DOLLAR - price;
}

/**
 * The quantity to buy under fractional Kelly, in hundredths of a contract (Qty), rounded down; 0 when there is
 * no edge or no bankroll. Not yet on the market's size grid: the risk manager rounds the final size down to it.
 */
export function kellyContracts(input: KellyInput): Qty {
  const { side, price, bankroll } = input;
  if (price <= 0 || price >= ONE_DOLLAR || bankroll <= 0) return 0;
  const fee = input.feePerContract ?? 0;
  if (!Number.isSafeInteger(fee)) return 0;
  const cost = costPerContract(side, price) + fee;
  if (cost <= 0 || cost >= ONE_DOLLAR) return 0;
  const kMicros = Math.round(Math.min(1, Math.max(0, input.kellyFraction)) * ONE_DOLLAR);
  // A fraction that is not a number is refused as before (BigInt throws its RangeError).
  if (Number.isNaN(kMicros)) return Number(BigInt(kMicros));
  const edgeMicros = netKellyEdge(side, price, input.fairProbability, fee);
  if (edgeMicros <= 0 || kMicros === 0) return 0;
  // floor(k × edge × bankroll × 100 / (1e6 × c × (1e6 − c))), exactly. In binary floating point the quotient
  // is within a few ulps of the true one; when it is not within a wide margin of an integer its floor is the
  // true floor (the usual case, no allocation); otherwise BigInt decides.
  if (Number.isSafeInteger(edgeMicros) && Number.isSafeInteger(cost) && Number.isSafeInteger(bankroll) && bankroll <= MAX_FAST_BANKROLL) {
    const x = (kMicros * edgeMicros * (bankroll * QTY_SCALE)) / (ONE_DOLLAR * (cost * (ONE_DOLLAR - cost)));
    const f = Math.floor(x);
    if (x < MAX_FAST_QTY && x - f > FAST_MARGIN && f + 1 - x > FAST_MARGIN) return f;
  }
  return kellyExact(kMicros, edgeMicros, bankroll, cost);
}

/** Bankrolls (micros) for which bankroll × 100 and k × edge are exact in a binary double. */
const MAX_FAST_BANKROLL = Math.floor(Number.MAX_SAFE_INTEGER / QTY_SCALE);
/** Quotients (Qty) below which the float error (≤ 1e-15 relative, a few roundings) is far under FAST_MARGIN. */
const MAX_FAST_QTY = 1e9;
const FAST_MARGIN = 1e-4;

/** The Kelly quantity in BigInt: the reference the fast path must equal (a property test holds them equal). */
export function kellyExact(kMicros: number, edgeMicros: number, bankroll: Micros, cost: number): Qty {
  const c = BigInt(cost);
  const numerator = BigInt(kMicros) * BigInt(edgeMicros) * BigInt(bankroll);
  const denominator = ONE * c * (ONE - c);
  return Number((numerator * BigInt(QTY_SCALE)) / denominator);
}
