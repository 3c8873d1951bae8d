/** What the game engine needs to know about a sport: its clock, its scoring process and its margin model. */
import type { Rng } from '../prng.js';
import type { TeamInfo } from '../teams.js';

export type SportKey = 'basketball' | 'football';
export type Side = 'home' | 'away';

export interface ScoringPlay {
  /** Game-clock seconds since the start (regulation, then overtime periods), when the play happens. */
  elapsed: number;
  /** 1-based period (5+ are overtimes). */
  period: number;
  /** Seconds left in the period after the play. */
  clock: number;
  team: Side;
  points: number;
  /** e.g. "three", "two", "free_throws", "touchdown", "field_goal", "safety". */
  kind: string;
  description: string;
}

/** A whole game, played in advance from a seed: the engine replays it against an accelerated clock. */
export interface GameScript {
  plays: ScoringPlay[];
  /** Periods played: 4, or more with overtime. */
  periodsPlayed: number;
  homeScore: number;
  awayScore: number;
}

export interface SportDefinition {
  sport: SportKey;
  sportName: string;
  sportNumericalId: number;
  league: string;
  leagueName: string;
  leagueNumericalId: number;
  periods: number;
  /** Length of a regulation period, game seconds. */
  periodSeconds: number;
  overtimeSeconds: number;
  /** Halftime comes after this period. */
  halftimeAfter: number;
  /** Default breaks in game-time seconds (divided by the speed factor like the game clock). */
  breakSeconds: number;
  halftimeSeconds: number;
  /** Default interval, in game seconds, at which a running clock publishes an update. */
  clockTickSeconds: number;
  homeAdvantage: number;
  /** Standard deviation of a team's strength (points of expected margin). */
  strengthSd: number;
  /** Standard deviation of the home margin over a regulation game, as produced by `simulate`. */
  sigma: number;
  teams: readonly TeamInfo[];
  /** Plays a whole game whose expected regulation home margin is `mu`. */
  simulate(rng: Rng, mu: number): GameScript;
}

export function regulationSeconds(def: SportDefinition): number {
  return def.periods * def.periodSeconds;
}

/** Period length (regulation or overtime). */
export function periodLength(def: SportDefinition, period: number): number {
  return period <= def.periods ? def.periodSeconds : def.overtimeSeconds;
}

/** Game-clock seconds elapsed at the start of a period. */
export function periodStartElapsed(def: SportDefinition, period: number): number {
  if (period <= def.periods) return (period - 1) * def.periodSeconds;
  return regulationSeconds(def) + (period - def.periods - 1) * def.overtimeSeconds;
}
