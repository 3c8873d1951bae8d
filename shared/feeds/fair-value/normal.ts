/**
 * Standard normal distribution: Φ (CDF) and Φ⁻¹ (quantile), accurate to about 1e-14 absolute, dependency-free.
 *
 * Φ(x) = erfc(−x/√2)/2, with erfc computed
 *  - for |y| < 3 from the all-positive series erf(y) = (2/√π) e^{−y²} Σ_n 2^n y^{2n+1} / (1·3·…·(2n+1)),
 *    which has no cancellation;
 *  - for |y| ≥ 3 from the continued fraction erfc(y) = e^{−y²}/√π · 1/(y + (1/2)/(y + 1/(y + (3/2)/(y + …)))),
 *    evaluated bottom-up with a fixed depth that is ample for y ≥ 3.
 * Φ⁻¹ uses Acklam's rational approximation (relative error 1.15e-9) refined by one Halley step on Φ.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;

function erfSeries(y: number): number {
  // y ≥ 0 small: Σ 2^n y^{2n+1}/(2n+1)!!
  let term = y;
  let sum = y;
  const y2 = y * y;
  for (let n = 1; n < 200; n++) {
    term *= (2 * y2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return ((2 / SQRT_PI) * Math.exp(-y2) * sum);
}

function erfcContinuedFraction(y: number): number {
  // y ≥ 3
  let k = y;
  for (let n = 60; n >= 1; n--) k = y + n / 2 / k;
  return Math.exp(-y * y) / (SQRT_PI * k);
}

/** Complementary error function. */
export function erfc(y: number): number {
  if (Number.isNaN(y)) return NaN;
  if (y < 0) return 2 - erfc(-y);
  if (y < 3) return 1 - erfSeries(y);
  return erfcContinuedFraction(y);
}

/** Standard normal CDF Φ(x). Φ(±∞) = 1 / 0. */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return 0.5 * erfc(-x / SQRT2);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

// Acklam's rational approximation's coefficients (as plain constants: no array to unpack per call).
const [a0, a1, a2, a3, a4, a5] = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239] as const;
const [b0, b1, b2, b3, b4] = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const;
const [c0, c1, c2, c3, c4, c5] = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const [d0, d1, d2, d3] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;

/** Standard normal quantile Φ⁻¹(p) for p in (0,1); ±∞ at 0 and 1. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability out of [0,1]: ${String(p)}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  // One Halley step.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
