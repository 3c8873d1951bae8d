/**
 * Live win probability: Stern (1994), "A Brownian motion model for the progress of sports scores" (JASA 89).
 *
 * The home team's lead X(t), with t the fraction of regulation played, is modelled as Brownian motion with
 * drift μ and variance σ² per game: X(1) − X(t) ~ N(μ·τ, σ²·τ) with τ = 1 − t the fraction left. So
 *
 *     P(home wins | lead ℓ, τ) = Φ((ℓ + μ·τ) / (σ·√τ)).
 *
 * μ (the home team's expected margin over a full game) is derived from the pre-game consensus probability p₀
 * by inverting the model at the start (ℓ = 0, τ = 1): p₀ = Φ(μ/σ) ⇒ μ = σ·Φ⁻¹(p₀).
 *
 * σ per sport/league is the standard deviation of the final margin around its expectation. The defaults
 * (NBA 12.5, WNBA 11, NCAAB 11, NFL 13.5, NCAAF 16 points) are typical figures for the spread of results
 * around closing point spreads; they are configuration, not law, and should be re-fitted from data.
 *
 * Edge cases:
 * - τ = 0 (regulation over) with a lead: certainty for the leader.
 * - a tie with (almost) no time left: the game goes to overtime, modelled as another Brownian leg of length
 *   τ_ot = overtime length / regulation length with the same drift per unit time: Φ(μ·√τ_ot / σ). The same
 *   applies in overtime itself (its clock is used as τ, and a tie at its end starts another overtime).
 *   Draws (a tied NFL game after overtime) are not modelled: they are rare and pay neither side of a
 *   win market.
 * - the continuous model ignores that scores are discrete; with seconds left this matters little for the
 *   purpose here (the direction and size of a live move).
 */
import type { GameState } from '../../domain/game.js';
import { regulationFor, regulationSeconds, type RegulationFormat } from '../game-clock.js';
import { normalCdf, normalQuantile } from './normal.js';

export interface WinModelParams {
  /** Standard deviation of the final margin over one full game (points). */
  sigma: number;
  /** Overtime length as a fraction of regulation. */
  overtimeFraction: number;
}

const DEFAULT_SIGMA: Record<string, number> = {
  'basketball/nba': 12.5,
  'basketball/wnba': 11,
  'basketball/ncaab': 11,
  'basketball/ncaaw': 11,
  basketball: 12.5,
  'football/nfl': 13.5,
  'football/ncaaf': 16,
  football: 13.5,
};

/** Default parameters for a sport/league; `overrides` (from configuration) take precedence, keyed the same way. */
export function winModelParamsFor(
  sport: string,
  league?: string | null,
  overrides: Record<string, Partial<WinModelParams>> = {},
): WinModelParams | null {
  const s = sport.trim().toLowerCase();
  const key = `${s}/${(league ?? '').trim().toLowerCase()}`;
  const sigma = overrides[key]?.sigma ?? overrides[s]?.sigma ?? DEFAULT_SIGMA[key] ?? DEFAULT_SIGMA[s];
  const fmt: RegulationFormat | null = regulationFor(sport, league);
  if (sigma === undefined || !fmt) return null;
  const overtimeFraction =
    overrides[key]?.overtimeFraction ?? overrides[s]?.overtimeFraction ?? fmt.overtimeSeconds / regulationSeconds(fmt);
  return { sigma, overtimeFraction };
}

/** A sport/league's model: its parameters and the length of its regulation, seconds. */
export interface SportWinModel {
  readonly params: Readonly<WinModelParams>;
  readonly regulationSeconds: number;
}

const NO_OVERRIDES: Record<string, Partial<WinModelParams>> = Object.freeze({});

/** overrides object → sport → league → its model (null: no model); see winModelFor. */
const sportModels = new WeakMap<object, Map<string, Map<string | null | undefined, SportWinModel | null>>>();

/**
 * winModelParamsFor and the regulation length together, found once per (sport, league, overrides object) and
 * shared: a live game is re-priced on every score or clock change, and its sport's text does not change.
 * The overrides are configuration, read once (an object changed after its first use is not seen again).
 */
export function winModelFor(
  sport: string,
  league?: string | null,
  overrides: Record<string, Partial<WinModelParams>> = NO_OVERRIDES,
): SportWinModel | null {
  let bySport = sportModels.get(overrides);
  if (!bySport) sportModels.set(overrides, (bySport = new Map()));
  let byLeague = bySport.get(sport);
  if (!byLeague) bySport.set(sport, (byLeague = new Map()));
  let model = byLeague.get(league);
  if (model === undefined) {
    const params = winModelParamsFor(sport, league, overrides);
    const fmt = regulationFor(sport, league);
    model = params && fmt ? Object.freeze({ params: Object.freeze(params), regulationSeconds: regulationSeconds(fmt) }) : null;
    byLeague.set(league, model);
  }
  return model;
}

/** μ (expected full-game home margin) from the pre-game probability that home wins: μ = σ·Φ⁻¹(p₀). */
export function driftFromPregame(pregameHomeProbability: number, sigma: number): number {
  if (!(pregameHomeProbability > 0 && pregameHomeProbability < 1)) {
    throw new RangeError(`pre-game probability out of (0,1): ${String(pregameHomeProbability)}`);
  }
  if (!(sigma > 0)) throw new RangeError(`sigma must be > 0: ${String(sigma)}`);
  return sigma * normalQuantile(pregameHomeProbability);
}

/** Below this fraction of a game left, a tie is treated as going to overtime. */
const TIE_EPSILON = 1e-9;

/**
 * P(home wins) given the home lead (home − away points), the fraction of regulation left τ ∈ [0,1] (or of the
 * current overtime, expressed as a fraction of regulation), the pre-game home probability and the parameters.
 */
export function winProbability(
  homeLead: number,
  fractionLeft: number,
  pregameHomeProbability: number,
  params: WinModelParams,
): number {
  if (!Number.isFinite(homeLead)) throw new RangeError(`lead must be finite: ${String(homeLead)}`);
  if (!(fractionLeft >= 0)) throw new RangeError(`fraction left must be ≥ 0: ${String(fractionLeft)}`);
  const mu = driftFromPregame(pregameHomeProbability, params.sigma);
  const tau = Math.min(fractionLeft, 1.5);
  if (tau <= TIE_EPSILON) {
    if (homeLead > 0) return 1;
    if (homeLead < 0) return 0;
    const ot = params.overtimeFraction;
    return ot > 0 ? normalCdf((mu * Math.sqrt(ot)) / params.sigma) : 0.5;
  }
  return normalCdf((homeLead + mu * tau) / (params.sigma * Math.sqrt(tau)));
}

export interface GameWinProbability {
  /** P(home wins). */
  home: number;
  away: number;
  fractionLeft: number;
}

/**
 * Win probability for a GameState. SCHEDULED → the pre-game probability; FINAL → 1/0 (a final tie → 0.5 each);
 * LIVE/HALFTIME with a known `secondsRemaining` → the model; anything else (no clock, unknown sport,
 * CANCELLED, UNKNOWN) → null: the caller must not trade on a guess.
 */
export function winProbabilityForGame(
  game: GameState,
  pregameHomeProbability: number,
  overrides: Record<string, Partial<WinModelParams>> = NO_OVERRIDES,
): GameWinProbability | null {
  const lead = game.homeScore - game.awayScore;
  switch (game.status) {
    case 'SCHEDULED':
      return { home: pregameHomeProbability, away: 1 - pregameHomeProbability, fractionLeft: 1 };
    case 'FINAL': {
      const home = lead > 0 ? 1 : lead < 0 ? 0 : 0.5;
      return { home, away: 1 - home, fractionLeft: 0 };
    }
    case 'LIVE':
    case 'HALFTIME': {
      const model = winModelFor(game.sport, game.league, overrides);
      if (!model || game.secondsRemaining === null) return null;
      const fractionLeft = game.secondsRemaining / model.regulationSeconds;
      const home = winProbability(lead, fractionLeft, pregameHomeProbability, model.params);
      return { home, away: 1 - home, fractionLeft };
    }
    default:
      return null;
  }
}
