/**
 * The simulator's TRUE win probability: a Brownian-motion model of the score margin (Stern 1994). The final
 * home margin is lead + μ·τ + σ·√τ·Z, where τ is the fraction of a regulation game still to play, μ the
 * expected full-game margin (strength difference + home advantage) and σ the full-game margin standard
 * deviation of the sport's scoring process. P(home wins) = Φ((lead + μτ) / (σ√τ)).
 * The game engine scores with exactly these μ and σ, so this probability is the truth of the simulated world.
 */

const LN_SQRT_2PI = 0.9189385332046727;

/** Upper tail Q(x) = 1 − Φ(x) for x > 0 by the continued fraction of Mills' ratio (accurate for x ≥ 5). */
function upperTail(x: number): number {
  let f = x;
  for (let k = 60; k >= 1; k -= 1) f = x + k / f;
  return Math.exp(-0.5 * x * x - LN_SQRT_2PI) / f;
}

/**
 * Standard normal cumulative distribution, to about 1e-15: Marsaglia's Taylor series (2004) in the body,
 * the Mills-ratio continued fraction in the tails. Accurate enough to be monotone in practice.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 5) return x > 40 ? 1 : 1 - upperTail(x);
  if (x < -5) return x < -40 ? 0 : upperTail(-x);
  let s = x;
  let t = 0;
  let b = x;
  const q = x * x;
  let i = 1;
  while (s !== t) {
    t = s;
    i += 2;
    b *= q / i;
    s = t + b;
  }
  return 0.5 + s * Math.exp(-0.5 * q - LN_SQRT_2PI);
}

export interface MarginModel {
  /** Expected home margin over a full regulation game, points. */
  mu: number;
  /** Standard deviation of the home margin over a full regulation game, points. */
  sigma: number;
}

/**
 * Probability that the home team wins, given its lead and the fraction τ ≥ 0 of a regulation game left to
 * play. At τ = 0 the result is 1, 0, or (tie) `tieValue`.
 */
export function homeWinProbability(lead: number, tau: number, model: MarginModel, tieValue = 0.5): number {
  if (tau <= 0) {
    if (lead > 0) return 1;
    if (lead < 0) return 0;
    return tieValue;
  }
  const z = (lead + model.mu * tau) / (model.sigma * Math.sqrt(tau));
  return normalCdf(z);
}
