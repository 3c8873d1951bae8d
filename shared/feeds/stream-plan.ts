/**
 * How many stream connections a subscription needs. OpticOdds takes at most 5 sportsbooks per odds-stream
 * connection and advises at most 10 leagues per connection and one league per results connection: a larger
 * subscription is split into several connections whose events are merged (opticodds-feed.ts).
 * A league whose sport is known and differs from the stream's is left out of that sport's streams (the
 * provider would answer an empty stream, not an error).
 */
import { sportOfLeague } from './opticodds-ids.js';

export const MAX_SPORTSBOOKS_PER_STREAM = 5;
export const MAX_LEAGUES_PER_STREAM = 10;

export interface OddsStreamPlan {
  sport: string;
  sportsbooks: string[];
  /** Undefined: no league filter. */
  leagues: string[] | undefined;
  /** A readable name for logs and metrics: "odds:basketball#2". */
  name: string;
}

export interface ResultsStreamPlan {
  sport: string;
  leagues: string[] | undefined;
  name: string;
}

export interface PlanLimits {
  maxSportsbooksPerStream?: number;
  maxLeaguesPerStream?: number;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError('chunk size must be ≥ 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The leagues of `leagues` that may belong to `sport` (known other-sport leagues left out). */
export function leaguesForSport(sport: string, leagues: readonly string[]): string[] {
  return [...new Set(leagues)].filter((l) => {
    const s = sportOfLeague(l);
    return s === undefined || s === sport;
  });
}

export function planOddsStreams(sport: string, sportsbooks: readonly string[], leagues: readonly string[], limits: PlanLimits = {}): OddsStreamPlan[] {
  const books = chunk([...new Set(sportsbooks)], Math.min(MAX_SPORTSBOOKS_PER_STREAM, limits.maxSportsbooksPerStream ?? MAX_SPORTSBOOKS_PER_STREAM));
  const mine = leaguesForSport(sport, leagues);
  if (leagues.length > 0 && mine.length === 0) return [];
  const leagueGroups: (string[] | undefined)[] = mine.length === 0 ? [undefined] : chunk(mine, limits.maxLeaguesPerStream ?? MAX_LEAGUES_PER_STREAM);
  const out: OddsStreamPlan[] = [];
  for (const b of books) for (const l of leagueGroups) out.push({ sport, sportsbooks: b, leagues: l, name: `odds:${sport}#${out.length + 1}` });
  return out;
}

/** One results connection per league (or one without a league filter when none is configured). */
export function planResultsStreams(sport: string, leagues: readonly string[]): ResultsStreamPlan[] {
  const mine = leaguesForSport(sport, leagues);
  if (leagues.length > 0 && mine.length === 0) return [];
  if (mine.length === 0) return [{ sport, leagues: undefined, name: `results:${sport}` }];
  return mine.map((l) => ({ sport, leagues: [l], name: `results:${sport}:${l}` }));
}
