/**
 * OpticOdds keys filters and odds on ids (slugs: `nba`, `moneyline`, `draftkings`), not on display names
 * ("NBA", "Moneyline", "DraftKings"). The configuration may use either: a value that is already an id
 * (lower case letters, digits, `_` and `-`) is kept; a display name is looked up in the tables below; anything
 * else is an error naming the value and the fix (write the id, as listed by /sportsbooks, /markets, /leagues).
 * Names change at the provider (e.g. Underdog, 2026-03), ids do not: the tables are only a convenience.
 */

export type OpticOddsIdKind = 'sportsbook' | 'market' | 'league' | 'sport';

const SPORTSBOOKS: Record<string, string> = {
  pinnacle: 'pinnacle',
  draftkings: 'draftkings',
  fanduel: 'fanduel',
  caesars: 'caesars',
  'caesars sportsbook': 'caesars',
  betmgm: 'betmgm',
  'circa sports': 'circa_sports',
  circa: 'circa_sports',
  betcris: 'betcris',
  'betonline.ag': 'betonline',
  betonline: 'betonline',
  bookmaker: 'bookmaker',
  'espn bet': 'espn_bet',
  fanatics: 'fanatics',
  betrivers: 'betrivers',
  'hard rock bet': 'hard_rock_bet',
  'betfair exchange': 'betfair_exchange',
  'bet365': 'bet365',
  kalshi: 'kalshi',
  novig: 'novig',
  prophetx: 'prophetx',
  sporttrade: 'sporttrade',
};

const MARKETS: Record<string, string> = {
  moneyline: 'moneyline',
  'moneyline 3-way': 'moneyline_3-way',
  'point spread': 'point_spread',
  'total points': 'total_points',
  'run line': 'run_line',
  'total runs': 'total_runs',
  'puck line': 'puck_line',
  'total goals': 'total_goals',
  'goal spread': 'goal_spread',
  'game spread': 'game_spread',
  'total games': 'total_games',
};

const LEAGUES: Record<string, string> = {
  nba: 'nba',
  wnba: 'wnba',
  nfl: 'nfl',
  mlb: 'mlb',
  nhl: 'nhl',
  ncaab: 'ncaab',
  ncaaf: 'ncaaf',
  mls: 'mls',
  'english premier league': 'england_-_premier_league',
  'premier league': 'england_-_premier_league',
};

const SPORTS: Record<string, string> = {
  basketball: 'basketball',
  football: 'football',
  baseball: 'baseball',
  hockey: 'hockey',
  'ice hockey': 'hockey',
  soccer: 'soccer',
  tennis: 'tennis',
};

const TABLES: Record<OpticOddsIdKind, Record<string, string>> = {
  sportsbook: SPORTSBOOKS,
  market: MARKETS,
  league: LEAGUES,
  sport: SPORTS,
};

const ID_SHAPE = /^[a-z0-9][a-z0-9_\-.]*$/;

export class UnknownOpticOddsNameError extends Error {
  constructor(
    readonly kind: OpticOddsIdKind,
    readonly value: string,
  ) {
    super(
      `"${value}" is neither an OpticOdds ${kind} id nor a known ${kind} name: write the ${kind}'s id as the API lists it ` +
        `(lower case, e.g. ${kind === 'sportsbook' ? '"draftkings"' : kind === 'market' ? '"moneyline"' : kind === 'league' ? '"nba"' : '"basketball"'})`,
    );
    this.name = 'UnknownOpticOddsNameError';
  }
}

/** The id for a configured value (an id, or a known display name, any case); throws UnknownOpticOddsNameError. */
export function toOpticOddsId(kind: OpticOddsIdKind, value: string): string {
  const v = value.trim();
  const known = TABLES[kind][v.toLowerCase()];
  if (known) return known;
  if (ID_SHAPE.test(v)) return v;
  throw new UnknownOpticOddsNameError(kind, value);
}

/** A list of configured values → their ids, de-duplicated, order kept. */
export function toOpticOddsIds(kind: OpticOddsIdKind, values: readonly string[]): string[] {
  return [...new Set(values.map((v) => toOpticOddsId(kind, v)))];
}

/** A display string as a slug (fallback key part when the provider sent no id): "Over 247.5" → "over_247.5". */
export function slugOf(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '_');
}

const LEAGUE_SPORT: Record<string, string> = {
  nba: 'basketball',
  wnba: 'basketball',
  ncaab: 'basketball',
  nfl: 'football',
  ncaaf: 'football',
  mlb: 'baseball',
  nhl: 'hockey',
  mls: 'soccer',
  'england_-_premier_league': 'soccer',
};

/** The sport of a league id, when known (a stream's `{sport}` must match its leagues). */
export function sportOfLeague(leagueId: string): string | undefined {
  return LEAGUE_SPORT[leagueId.toLowerCase()];
}
