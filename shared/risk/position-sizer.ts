/**
 * Kelly sizing for a binary contract, in exact integer arithmetic.
 *
 *  - Buying YES at long price c with fair probability p:  f* = (p − c) / (1 − c)
 *  - Buying NO at long price c (the NO costs 1 − c), fair NO probability 1 − p:  f* = (c − p) / c
 *  contracts = floor(kelly_fraction × f* × bankroll / cost per contract)
 *
 * Both reduce to floor(k × edge × bankroll / (c × (1 − c))) with edge = p − c (YES) or c − p (NO), which is
 * computed with BigInt on micros (p and k rounded to millionths), so the result never depends on a binary
 * fraction. No edge (f* ≤ 0) → 0 contracts.
 */
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../domain/money.js';

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
}

const ONE = BigInt(ONE_DOLLAR);

export function probabilityToMicros(p: number): number {
  if (!Number.isFinite(p)) return 0;
  return Math.min(ONE_DOLLAR, Math.max(0, Math.round(p * ONE_DOLLAR)));
}

/** The full-Kelly fraction f* of the bankroll, as a number (for logs and reports only). */
export function kellyOptimalFraction(side: KellySide, price: PriceMicros, fairProbability: number): number {
  const p = probabilityToMicros(fairProbability);
  if (price <= 0 || price >= ONE_DOLLAR) return 0;
  return side === 'YES' ? (p - price) / (ONE_DOLLAR - price) : (price - p) / price;
}

/** Cost of one contract of the side bought at long price `price`. */
export function costPerContract(side: KellySide, price: PriceMicros): PriceMicros {
  return side === 'YES' ? price : ONE_DOLLAR - price;
}

/** Contracts to buy under fractional Kelly, floored; 0 when there is no edge or no bankroll. */
export function kellyContracts(input: KellyInput): number {
  const { side, price, bankroll } = input;
  if (price <= 0 || price >= ONE_DOLLAR || bankroll <= 0) return 0;
  const p = BigInt(probabilityToMicros(input.fairProbability));
  const k = BigInt(Math.round(Math.min(1, Math.max(0, input.kellyFraction)) * ONE_DOLLAR));
  const c = BigInt(price);
  const edge = side === 'YES' ? p - c : c - p;
  if (edge <= 0n || k === 0n) return 0;
  const numerator = k * edge * BigInt(bankroll);
  const denominator = ONE * c * (ONE - c);
  return Number(numerator / denominator);
}
