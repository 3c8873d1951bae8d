/**
 * NFL-like American football: 4 × 15-minute quarters, 10-minute overtime periods (played until someone leads
 * at the end of one: a simplification of the NFL rule that keeps the market binary), alternating drives of
 * about 2.6 minutes, touchdowns (7, sometimes 6 or 8), field goals (3) and safeties (2); about 23 points per
 * team, home advantage about 1.5 points.
 */
import type { Rng } from '../prng.js';
import { NFL_TEAMS } from '../teams.js';
import type { GameScript, ScoringPlay, Side, SportDefinition } from './sport.js';

const PERIODS = 4;
const PERIOD_SECONDS = 900;
const OVERTIME_SECONDS = 600;
const P_TD = 0.2;
const P_FG = 0.155;
const P_SAFETY = 0.006;
const TD_POINTS_MEAN = 7 * 0.93 + 8 * 0.025 + 6 * 0.045;
const BASE_POINTS_PER_DRIVE = P_TD * TD_POINTS_MEAN + P_FG * 3;
const MEAN_DRIVE_SECONDS = 25 + 115 * Math.exp(0.5 * 0.5 * 0.5);
const DRIVES_PER_TEAM = (PERIODS * PERIOD_SECONDS) / MEAN_DRIVE_SECONDS / 2;

function driveSeconds(rng: Rng): number {
  return Math.min(600, 25 + Math.exp(rng.normal(Math.log(115), 0.5)));
}

function other(side: Side): Side {
  return side === 'home' ? 'away' : 'home';
}

/** Plays one segment (a half, or an overtime period) made of consecutive periods of `periodLen` seconds. */
function playSegment(
  rng: Rng,
  firstPeriod: number,
  periodsInSegment: number,
  periodLen: number,
  startElapsed: number,
  receiving: Side,
  factor: Record<Side, number>,
  plays: ScoringPlay[],
): void {
  const length = periodsInSegment * periodLen;
  let t = 0;
  let offense = receiving;
  while (t < length) {
    t = Math.min(length, t + driveSeconds(rng));
    const f = factor[offense];
    const u = rng.next();
    let points = 0;
    let kind = '';
    let team = offense;
    let description = '';
    if (u < P_TD * f) {
      const v = rng.next();
      points = v < 0.93 ? 7 : v < 0.955 ? 8 : 6;
      kind = 'touchdown';
      description = points === 7 ? 'touchdown, extra point good' : points === 8 ? 'touchdown, two-point conversion' : 'touchdown, extra point missed';
    } else if (u < (P_TD + P_FG) * f) {
      points = 3;
      kind = 'field_goal';
      description = 'field goal good';
    } else if (u < (P_TD + P_FG) * f + P_SAFETY) {
      points = 2;
      kind = 'safety';
      team = other(offense);
      description = 'safety';
    }
    if (points > 0) {
      const inSegmentPeriod = Math.min(periodsInSegment - 1, Math.floor((t - 1e-9) / periodLen));
      const clock = Math.round(((inSegmentPeriod + 1) * periodLen - t) * 10) / 10;
      plays.push({
        elapsed: Math.round((startElapsed + t) * 10) / 10,
        period: firstPeriod + inSegmentPeriod,
        clock,
        team,
        points,
        kind,
        description,
      });
    }
    // After a score the scoring team kicks off; after a safety the team scored on kicks: either way the
    // other side of the last offense has the next drive, except after a safety (the scoring defence receives).
    offense = kind === 'safety' ? team : other(offense);
  }
}

function simulate(rng: Rng, mu: number): GameScript {
  const shift = mu / 2 / (DRIVES_PER_TEAM * BASE_POINTS_PER_DRIVE);
  const factor: Record<Side, number> = { home: 1 + shift, away: 1 - shift };
  const plays: ScoringPlay[] = [];
  const firstReceiver: Side = rng.chance(0.5) ? 'home' : 'away';
  playSegment(rng, 1, 2, PERIOD_SECONDS, 0, firstReceiver, factor, plays);
  playSegment(rng, 3, 2, PERIOD_SECONDS, 2 * PERIOD_SECONDS, other(firstReceiver), factor, plays);
  const total = (side: Side): number => plays.reduce((s, p) => s + (p.team === side ? p.points : 0), 0);
  let period = PERIODS;
  let elapsed = PERIODS * PERIOD_SECONDS;
  while (total('home') === total('away')) {
    period += 1;
    playSegment(rng, period, 1, OVERTIME_SECONDS, elapsed, rng.chance(0.5) ? 'home' : 'away', factor, plays);
    elapsed += OVERTIME_SECONDS;
  }
  return { plays, periodsPlayed: period, homeScore: total('home'), awayScore: total('away') };
}

/** Regulation margin SD of this process, measured by Monte Carlo over 20 000 games (see the unit tests). */
const SIGMA = 13.6;

export const football: SportDefinition = {
  sport: 'football',
  sportName: 'Football',
  sportNumericalId: 1,
  league: 'nfl',
  leagueName: 'NFL',
  leagueNumericalId: 367,
  periods: PERIODS,
  periodSeconds: PERIOD_SECONDS,
  overtimeSeconds: OVERTIME_SECONDS,
  halftimeAfter: 2,
  breakSeconds: 120,
  halftimeSeconds: 600,
  clockTickSeconds: 30,
  homeAdvantage: 1.5,
  strengthSd: 3.5,
  sigma: SIGMA,
  teams: NFL_TEAMS,
  simulate,
};
