/**
 * The simulator's TRUE win probability: a Brownian-motion model of the score margin (Stern 1994). The final
 * home margin is lead + μ·τ + σ·√τ·Z, where τ is the fraction of a regulation game still to play, μ the
 * expected full-game margin (strength difference + home advantage) and σ the full-game margin standard
 * deviation of the sport's scoring process. P(home wins) = Φ((lead + μτ) / (σ√τ)).
 * The game engine scores with exactly these μ and σ, so this probability is the truth of the simulated world.
 */

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
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
