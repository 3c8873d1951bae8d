/**
 * NBA-like basketball: 4 × 12-minute quarters, 5-minute overtimes, a possession about every 14 s, twos,
 * threes and free-throw trips; about 112 points per team (~224 total), home advantage about 2.5 points.
 */
import type { Rng } from '../prng.js';
import { NBA_TEAMS } from '../teams.js';
import type { GameScript, ScoringPlay, Side, SportDefinition } from './sport.js';

const PERIODS = 4;
const PERIOD_SECONDS = 720;
const OVERTIME_SECONDS = 300;
const MEAN_POSSESSION_SECONDS = 14.4;
const SD_POSSESSION_SECONDS = 4.5;
const P_THREE = 0.13;
const P_TWO = 0.29;
const P_FREE_THROWS = 0.085;
const FT_PCT = 0.78;
/** Points per possession at neutral strength. */
const BASE_PPP = 3 * P_THREE + 2 * P_TWO + P_FREE_THROWS * 2 * FT_PCT;
const POSSESSIONS_PER_TEAM = (PERIODS * PERIOD_SECONDS) / MEAN_POSSESSION_SECONDS / 2;

function possessionSeconds(rng: Rng): number {
  return Math.min(24, Math.max(4, rng.normal(MEAN_POSSESSION_SECONDS, SD_POSSESSION_SECONDS)));
}

function playPeriod(
  rng: Rng,
  period: number,
  length: number,
  startElapsed: number,
  first: Side,
  factor: Record<Side, number>,
  plays: ScoringPlay[],
): void {
  let t = 0;
  let offense: Side = first;
  while (t < length) {
    t = Math.min(length, t + possessionSeconds(rng));
    const f = factor[offense];
    const u = rng.next();
    let points = 0;
    let kind = '';
    if (u < P_THREE * f) {
      points = 3;
      kind = 'three';
    } else if (u < (P_THREE + P_TWO) * f) {
      points = 2;
      kind = 'two';
    } else if (u < (P_THREE + P_TWO + P_FREE_THROWS) * f) {
      points = (rng.chance(FT_PCT) ? 1 : 0) + (rng.chance(FT_PCT) ? 1 : 0);
      kind = 'free_throws';
    }
    if (points > 0) {
      const clock = Math.round((length - t) * 10) / 10;
      plays.push({
        elapsed: Math.round((startElapsed + t) * 10) / 10,
        period,
        clock,
        team: offense,
        points,
        kind,
        description:
          kind === 'three' ? '3-pt jump shot made' : kind === 'two' ? '2-pt field goal made' : `free throws ${points}/2`,
      });
    }
    offense = offense === 'home' ? 'away' : 'home';
  }
}

function simulate(rng: Rng, mu: number): GameScript {
  const shift = mu / 2 / (POSSESSIONS_PER_TEAM * BASE_PPP);
  const factor: Record<Side, number> = { home: 1 + shift, away: 1 - shift };
  const plays: ScoringPlay[] = [];
  const jumpBall: Side = rng.chance(0.5) ? 'home' : 'away';
  let period = 1;
  let elapsed = 0;
  let home = 0;
  let away = 0;
  for (;;) {
    const length = period <= PERIODS ? PERIOD_SECONDS : OVERTIME_SECONDS;
    const first: Side = period % 2 === 1 ? jumpBall : jumpBall === 'home' ? 'away' : 'home';
    const from = plays.length;
    playPeriod(rng, period, length, elapsed, first, factor, plays);
    for (let i = from; i < plays.length; i += 1) {
      const p = plays[i] as ScoringPlay;
      if (p.team === 'home') home += p.points;
      else away += p.points;
    }
    elapsed += length;
    if (period >= PERIODS && home !== away) break;
    period += 1;
  }
  return { plays, periodsPlayed: period, homeScore: home, awayScore: away };
}

/** Regulation margin SD of this process, measured by Monte Carlo over 20 000 games (see the unit tests). */
const SIGMA = 16.6;

export const basketball: SportDefinition = {
  sport: 'basketball',
  sportName: 'Basketball',
  sportNumericalId: 9,
  league: 'nba',
  leagueName: 'NBA',
  leagueNumericalId: 114,
  periods: PERIODS,
  periodSeconds: PERIOD_SECONDS,
  overtimeSeconds: OVERTIME_SECONDS,
  halftimeAfter: 2,
  breakSeconds: 120,
  halftimeSeconds: 600,
  clockTickSeconds: 20,
  homeAdvantage: 2.5,
  strengthSd: 4.5,
  sigma: SIGMA,
  teams: NBA_TEAMS,
  simulate,
};
