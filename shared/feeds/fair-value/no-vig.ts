/**
 * Removing a sportsbook's margin ("vig", overround) from the implied probabilities r_i of one market's outcomes.
 * Every method returns probabilities p_i in (0,1) with Σ p_i = 1 (to float precision: the final vector is
 * renormalised by its sum, after raising anything below MIN_FAIR_PROBABILITY = 1e-12 to it).
 *
 * - multiplicative: p_i = r_i / Σ r_j.
 * - additive:       p_i = r_i − (Σ r_j − 1)/n. A longshot with r_i ≤ (Σr − 1)/n would get p_i ≤ 0: in that case
 *                   the additive method is not meaningful for the market and the result falls back to the
 *                   multiplicative one (reported in `fellBackTo`). No clamping to an arbitrary floor.
 * - power:          p_i = r_i^k with k > 0 such that Σ p_i = 1. f(k) = Σ r_i^k is strictly decreasing (all
 *                   r_i < 1), f(0) = n > 1 and f(∞) = 0, so the root exists and is unique: found by bisection.
 * - shin (1993):    p_i = (√(z² + 4(1−z) r_i²/S) − z) / (2(1−z)), S = Σ r_j, z ∈ [0,1) solving Σ p_i = 1.
 *                   Evaluated in the algebraically equal, cancellation-free form p_i = 2q_i / (√(z² + 4(1−z)q_i) + z)
 *                   with q_i = r_i²/S, which is decreasing in z (q_i < 1), so bisection finds the root. Shin
 *                   needs an overround (S > 1); when S ≤ 1 (a market priced at or below fair) z would be ≤ 0 and
 *                   the result falls back to multiplicative.
 */

export type NoVigMethod = 'multiplicative' | 'additive' | 'power' | 'shin';
export const NO_VIG_METHODS: readonly NoVigMethod[] = ['multiplicative', 'additive', 'power', 'shin'];

export interface NoVigResult {
  probabilities: number[];
  /** Σ r_i − 1 (negative when the market is priced below fair). */
  overround: number;
  method: NoVigMethod;
  /** Set when the requested method could not apply and another was used (see file comment). */
  fellBackTo?: NoVigMethod;
  /** The solved parameter: k for power, z for Shin. */
  parameter?: number;
}

export class NoVigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoVigError';
  }
}

/** Checks the first `n` implied probabilities and returns their sum (a left fold from 0, in order). */
function validate(implied: readonly number[], n: number = implied.length): number {
  if (n < 2) throw new NoVigError(`a market needs at least 2 outcomes, got ${n}`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = implied[i] as number;
    if (!(Number.isFinite(r) && r > 0 && r < 1)) throw new NoVigError(`implied probability out of (0,1): ${String(r)}`);
    sum += r;
  }
  return sum;
}

/**
 * Below any tradable resolution; a probability under it (e.g. r^k underflowing in the power method on an
 * absurd market) is raised to it so every result stays strictly inside (0,1).
 */
export const MIN_FAIR_PROBABILITY = 1e-12;

/** Floors each of the first `n` probabilities at MIN_FAIR_PROBABILITY and divides them by their sum, in place. */
function normalise(p: number[], n: number = p.length): number[] {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.max(p[i] as number, MIN_FAIR_PROBABILITY);
    p[i] = x;
    s = s + x;
  }
  for (let i = 0; i < n; i++) p[i] = (p[i] as number) / s;
  return p;
}

/** The multiplicative de-vig of the first `n` of `implied` written into the first `n` of `out`; returns the overround. */
function multiplicativeInto(implied: readonly number[], n: number, out: number[]): number {
  const sum = validate(implied, n);
  for (let i = 0; i < n; i++) out[i] = (implied[i] as number) / sum;
  normalise(out, n);
  return sum - 1;
}

export function multiplicative(implied: readonly number[]): NoVigResult {
  const probabilities = new Array<number>(implied.length);
  const overround = multiplicativeInto(implied, implied.length, probabilities);
  return { probabilities, overround, method: 'multiplicative' };
}

export function additive(implied: readonly number[]): NoVigResult {
  const sum = validate(implied);
  const shift = (sum - 1) / implied.length;
  const p = implied.map((r) => r - shift);
  if (p.some((x) => !(x > 0 && x < 1))) {
    return { ...multiplicative(implied), method: 'additive', fellBackTo: 'multiplicative' };
  }
  return { probabilities: normalise(p), overround: sum - 1, method: 'additive' };
}

const MAX_ITER = 200;

export function power(implied: readonly number[]): NoVigResult {
  const sum = validate(implied);
  const f = (k: number): number => implied.reduce((a, r) => a + Math.pow(r, k), 0) - 1;
  // f(0) = n − 1 > 0; find hi with f(hi) ≤ 0.
  let lo = 0;
  let hi = 1;
  while (f(hi) > 0) {
    lo = hi;
    hi *= 2;
    if (hi > 1e6) throw new NoVigError('power method did not bracket a root');
  }
  for (let i = 0; i < MAX_ITER && hi - lo > 1e-15 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  const k = (lo + hi) / 2;
  return { probabilities: normalise(implied.map((r) => Math.pow(r, k))), overround: sum - 1, method: 'power', parameter: k };
}

export function shin(implied: readonly number[]): NoVigResult {
  const sum = validate(implied);
  if (sum <= 1) return { ...multiplicative(implied), method: 'shin', fellBackTo: 'multiplicative' };
  const q = implied.map((r) => (r * r) / sum);
  const pAt = (z: number): number[] => q.map((qi) => (2 * qi) / (Math.sqrt(z * z + 4 * (1 - z) * qi) + z));
  const g = (z: number): number => pAt(z).reduce((a, b) => a + b, 0) - 1;
  // g(0) = √S − 1 > 0 and g(1) = Σq − 1 < 0 (q_i < r_i), g decreasing.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < MAX_ITER && hi - lo > 1e-16; i++) {
    const mid = (lo + hi) / 2;
    if (g(mid) > 0) lo = mid;
    else hi = mid;
  }
  const z = (lo + hi) / 2;
  return { probabilities: normalise(pAt(z)), overround: sum - 1, method: 'shin', parameter: z };
}

/** De-vigs implied probabilities with the given method. */
export function removeVig(implied: readonly number[], method: NoVigMethod): NoVigResult {
  switch (method) {
    case 'multiplicative':
      return multiplicative(implied);
    case 'additive':
      return additive(implied);
    case 'power':
      return power(implied);
    case 'shin':
      return shin(implied);
  }
}

/**
 * `removeVig(implied.slice(0, n), method)` with its probabilities written into the first `n` of `out` (nothing
 * written when it throws), returning its overround: the same result bit for bit. The multiplicative method
 * (the configured default) allocates nothing; the others de-vig a copy and copy the result.
 */
export function removeVigInto(implied: readonly number[], n: number, method: NoVigMethod, out: number[]): number {
  if (method === 'multiplicative') return multiplicativeInto(implied, n, out);
  const r = removeVig(implied.length === n ? implied : implied.slice(0, n), method);
  for (let i = 0; i < n; i++) out[i] = r.probabilities[i] as number;
  return r.overround;
}
