/** Builders of the OpticOdds wire objects (docs/opticodds.md): fixtures, odds, fixture status and results. */
import type { GameSnapshot, ReportedStatus } from './game-engine.js';
import { formatClock } from './game-engine.js';
import type { SimFixture } from './fixture.js';
import type { BookProfile } from './sportsbooks.js';
import type { Side } from './sports/sport.js';
import type { TeamInfo } from './teams.js';

export const MONEYLINE = 'Moneyline';
export const MONEYLINE_ID = 'moneyline';

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function competitor(team: TeamInfo, sport: string): Record<string, unknown> {
  return {
    id: team.id,
    name: team.name,
    numerical_id: team.numericalId,
    base_id: team.numericalId,
    abbreviation: team.abbreviation,
    logo: `https://cdn.example.invalid/team-logos/${sport}/${team.numericalId}.png`,
  };
}

export function sportJson(fx: Pick<SimFixture, 'def'>): Record<string, unknown> {
  return { id: fx.def.sport, name: fx.def.sportName, numerical_id: fx.def.sportNumericalId };
}

export function leagueJson(fx: Pick<SimFixture, 'def'>): Record<string, unknown> {
  return { id: fx.def.league, name: fx.def.leagueName, numerical_id: fx.def.leagueNumericalId };
}

/** A snapshot as reported: its status replaced by a reported one (a fault), spelled as the fault asks. */
export type WireSnapshot = Omit<GameSnapshot, 'status'> & { status: ReportedStatus; spelling?: StatusSpelling };

/** The contract's examples capitalise statuses ("Unplayed"); the docs write them in lower case. */
export type StatusSpelling = 'lower' | 'capitalized';

export function spellStatus(status: ReportedStatus, spelling: StatusSpelling = 'lower'): string {
  return spelling === 'capitalized' ? status.charAt(0).toUpperCase() + status.slice(1) : status;
}

const inPlayStatus = (s: ReportedStatus): boolean => s === 'live' || s === 'half' || s === 'suspended';

/** The full fixture object (`/fixtures`, `/fixtures/active`, and inside results). */
export function fixtureJson(fx: SimFixture, status: ReportedStatus, spelling: StatusSpelling = 'lower'): Record<string, unknown> {
  return {
    id: fx.fixtureId,
    numerical_id: fx.numericalId,
    game_id: fx.gameId,
    start_date: isoDate(fx.startMs),
    home_competitors: [competitor(fx.home, fx.sport)],
    away_competitors: [competitor(fx.away, fx.sport)],
    home_team_display: fx.home.name,
    away_team_display: fx.away.name,
    status: spellStatus(status, spelling),
    is_live: status === 'live' || status === 'half',
    season_type: 'Regular Season',
    season_year: new Date(fx.startMs).getUTCFullYear().toString(),
    season_week: null,
    venue_name: `${fx.home.name.split(' ').slice(0, -1).join(' ') || fx.home.name} Arena`,
    venue_location: null,
    venue_neutral: false,
    sport: sportJson(fx),
    league: leagueJson(fx),
    tournament: null,
    has_odds: true,
  };
}

/**
 * One Odd object, fields exact. `via` picks the shape of `limits`: REST sends `{ max }`, the stream
 * `{ max_stake }`; the stream also carries `league_id`.
 */
export function oddJson(
  fx: SimFixture,
  book: BookProfile,
  side: Side,
  price: number,
  isLive: boolean,
  timestampMs: number,
  via: 'rest' | 'stream' = 'stream',
  isMain = true,
): Record<string, unknown> {
  const team = side === 'home' ? fx.home : fx.away;
  const max = isLive ? book.maxStakeLive : book.maxStakePre;
  return {
    id: `${fx.fixtureId}:${book.id}:${MONEYLINE_ID}:${team.slug}`,
    fixture_id: fx.fixtureId,
    game_id: fx.gameId,
    sport: fx.sport,
    league: via === 'stream' ? fx.def.leagueName : fx.league,
    ...(via === 'stream' ? { league_id: fx.league } : {}),
    sportsbook: book.name,
    sportsbook_id: book.id,
    market: MONEYLINE,
    market_id: MONEYLINE_ID,
    name: team.name,
    selection: team.name,
    normalized_selection: team.slug,
    selection_line: '',
    points: null,
    selection_points: null,
    price,
    is_main: isMain,
    is_live: isLive,
    team_id: team.id,
    player_id: null,
    grouping_key: 'default',
    limits: via === 'rest' ? { max } : { max_stake: max },
    deep_link: null,
    timestamp: timestampMs / 1000,
  };
}

export function fixtureStatusJson(
  fx: SimFixture,
  oldStatus: ReportedStatus,
  newStatus: ReportedStatus,
  atMs: number,
  spelling: StatusSpelling = 'lower',
): Record<string, unknown> {
  const start = isoDate(fx.startMs);
  return {
    fixture: {
      id: fx.fixtureId,
      game_id: fx.gameId,
      home_team_display: fx.home.name,
      away_team_display: fx.away.name,
      start_date: start,
    },
    fixture_id: fx.fixtureId,
    game_id: fx.gameId,
    league: fx.league,
    sport: fx.sport,
    old_status: spellStatus(oldStatus, spelling),
    new_status: spellStatus(newStatus, spelling),
    old_start_date: start,
    new_start_date: start,
    timestamp: atMs / 1000,
  };
}

function periods(points: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  points.forEach((p, i) => {
    out[`period_${i + 1}`] = p;
  });
  return out;
}

/** The `score` object of a results message (also a `/fixtures/results` item's fields). */
export function scoreJson(fx: SimFixture, snap: WireSnapshot): Record<string, unknown> {
  const score: Record<string, unknown> = {
    sport: sportJson(fx),
    league: leagueJson(fx),
    fixture: fixtureJson(fx, snap.status, snap.spelling),
    scores: {
      home: { total: snap.homeScore, periods: periods(snap.homePeriods) },
      away: { total: snap.awayScore, periods: periods(snap.awayPeriods) },
    },
  };
  if (inPlayStatus(snap.status)) {
    score.in_play = {
      period: String(snap.period),
      clock: formatClock(snap.clock),
      seconds_remaining_in_period: Math.max(0, Math.ceil(snap.clock)),
      last_play: snap.lastPlay
        ? `${snap.lastPlay.team === 'home' ? fx.home.name : fx.away.name}: ${snap.lastPlay.description}`
        : null,
    };
  }
  return score;
}

/** The data of a `fixture-results` frame (without entry_id). */
export function resultsJson(fx: SimFixture, snap: WireSnapshot): Record<string, unknown> {
  return {
    fixture_id: fx.fixtureId,
    game_id: fx.gameId,
    sport: fx.sport,
    league: fx.league,
    is_live: snap.status === 'live' || snap.status === 'half',
    score: scoreJson(fx, snap),
  };
}
