/**
 * Maps exchange markets (MarketInfo) to provider fixtures and to the outcome the long (YES) side pays on.
 *
 * Names are normalised (lower case, accents and punctuation removed, "&" → "and", whitespace collapsed) and
 * matched on whole words. A team is "mentioned" by a text when the text contains its full display name, its
 * nickname (the last word: "Celtics", "Blazers", "Sox") or an alias given in the options.
 *
 * A market maps to a fixture only when:
 *  1. exactly one fixture has BOTH teams mentioned by the market's title/event/outcome text, after keeping only
 *     fixtures whose start time is within `maxStartDiffMs` of the exchange event's start time; and
 *  2. the YES outcome (the market's `team`, else its `outcome`) names exactly one of the two teams, or a
 *     draw/tie (a full name or alias outranks a nickname).
 * Anything else is returned in `unmatched` with a reason — never guessed. A missing event start time is itself
 * a reason (`missing_start_time`) unless `allowMissingStartTime` is set: the same two teams meet several times
 * a season, and only the time tells those games apart.
 */
import type { MarketInfo } from '../domain/market.js';

export interface FixtureRef {
  fixtureId: string;
  /** Provider display names, e.g. "Boston Celtics" (what an Odd's `name` carries on a moneyline). */
  homeTeam: string;
  awayTeam: string;
  /** Epoch ms. */
  startTime: number;
  sport?: string;
  league?: string;
}

export type OutcomeSide = 'home' | 'away' | 'draw';

export interface MarketMapping {
  marketSlug: string;
  eventSlug: string;
  fixtureId: string;
  side: OutcomeSide;
  /** The provider's outcome name for the YES side: the team display name, or "Draw". */
  outcomeName: string;
  /** |exchange start − fixture start|, ms; null when the start time was not checked. */
  startDiffMs: number | null;
}

export type UnmatchedReason =
  | 'missing_start_time'
  | 'no_fixture' // no fixture mentions both teams (within the start-time window)
  | 'ambiguous_fixture' // more than one does
  | 'outcome_not_a_team' // the YES outcome names neither team nor a draw
  | 'ambiguous_outcome'; // it names both teams

export interface UnmatchedMarket {
  marketSlug: string;
  eventSlug: string;
  reason: UnmatchedReason;
  /** Human-readable detail: candidates, names compared. */
  detail: string;
}

export interface MarketMapperOptions {
  /** Exchange event start times, epoch ms, by event slug. */
  eventStartTimes?: ReadonlyMap<string, number> | Record<string, number>;
  /** Largest allowed gap between the exchange's and the provider's start time. Default 3 h. */
  maxStartDiffMs?: number;
  allowMissingStartTime?: boolean;
  /** Extra names per team display name, e.g. { "Los Angeles Lakers": ["LA Lakers", "LAL"] }. */
  aliases?: Record<string, readonly string[]>;
  /** Exchange event titles by event slug (more text to find the teams in). */
  eventTitles?: ReadonlyMap<string, string> | Record<string, string>;
}

export interface MappingResult {
  matched: MarketMapping[];
  unmatched: UnmatchedMarket[];
}

/** Normalises a name for comparison: "St. Louis Blues" → "st louis blues", "Atlético" → "atletico". */
export function normaliseName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

function containsWords(haystack: string, needle: string): boolean {
  if (needle === '') return false;
  return ` ${haystack} `.includes(` ${needle} `);
}

const DRAW_WORDS = new Set(['draw', 'tie', 'the draw', 'a draw', 'tie game']);

function get<V>(m: ReadonlyMap<string, V> | Record<string, V> | undefined, k: string): V | undefined {
  if (!m) return undefined;
  return m instanceof Map ? m.get(k) : (m as Record<string, V>)[k];
}

export class MarketMapper {
  private readonly names = new Map<string, string[]>();

  constructor(private readonly options: MarketMapperOptions = {}) {}

  /** The normalised names a team is recognised by: full name and aliases (strong), plus the nickname. */
  namesOf(team: string, strongOnly = false): string[] {
    const key = `${strongOnly ? 's' : 'a'}|${team}`;
    let n = this.names.get(key);
    if (!n) {
      const full = normaliseName(team);
      const words = full.split(' ');
      const set = new Set<string>([full]);
      for (const a of this.options.aliases?.[team] ?? []) set.add(normaliseName(a));
      if (!strongOnly && words.length > 1) set.add(words[words.length - 1] as string);
      n = [...set].filter((x) => x !== '');
      this.names.set(key, n);
    }
    return n;
  }

  /** True when `text` contains one of the team's names as whole words (only full name/aliases if `strongOnly`). */
  mentions(text: string, team: string, strongOnly = false): boolean {
    const t = normaliseName(text);
    return this.namesOf(team, strongOnly).some((name) => containsWords(t, name));
  }

  mapAll(markets: readonly MarketInfo[], fixtures: readonly FixtureRef[]): MappingResult {
    const out: MappingResult = { matched: [], unmatched: [] };
    for (const m of markets) {
      const r = this.map(m, fixtures);
      if ('reason' in r) out.unmatched.push(r);
      else out.matched.push(r);
    }
    return out;
  }

  map(market: MarketInfo, fixtures: readonly FixtureRef[]): MarketMapping | UnmatchedMarket {
    const unmatched = (reason: UnmatchedReason, detail: string): UnmatchedMarket => ({
      marketSlug: market.marketSlug,
      eventSlug: market.eventSlug,
      reason,
      detail,
    });
    const start = get(this.options.eventStartTimes, market.eventSlug);
    if (start === undefined && !this.options.allowMissingStartTime) {
      return unmatched('missing_start_time', `no start time for event ${market.eventSlug}`);
    }
    const maxDiff = this.options.maxStartDiffMs ?? 3 * 3600_000;
    const text = [market.title, get(this.options.eventTitles, market.eventSlug) ?? '', market.eventSlug.replace(/-/g, ' '), market.outcome, market.team ?? ''].join(' | ');

    const candidates = fixtures.filter(
      (f) =>
        (start === undefined || Math.abs(f.startTime - start) <= maxDiff) &&
        this.mentions(text, f.homeTeam) &&
        this.mentions(text, f.awayTeam),
    );
    if (candidates.length === 0) return unmatched('no_fixture', `no fixture names both teams in "${market.title}"`);
    if (candidates.length > 1) {
      return unmatched('ambiguous_fixture', `candidates: ${candidates.map((c) => `${c.fixtureId} (${c.awayTeam} @ ${c.homeTeam})`).join(', ')}`);
    }
    const f = candidates[0] as FixtureRef;

    const outcomeText = market.team ?? market.outcome;
    const norm = normaliseName(outcomeText);
    let side: OutcomeSide | null = null;
    if (DRAW_WORDS.has(norm)) side = 'draw';
    else {
      // A full name or alias outranks a nickname: "Boston Red Sox" is the away team even though "Sox" is also
      // the home team's nickname. Only when no full name matches do nicknames decide.
      const strongHome = this.mentions(outcomeText, f.homeTeam, true);
      const strongAway = this.mentions(outcomeText, f.awayTeam, true);
      const strong = strongHome || strongAway;
      const home = strong ? strongHome : this.mentions(outcomeText, f.homeTeam);
      const away = strong ? strongAway : this.mentions(outcomeText, f.awayTeam);
      if (home && away) return unmatched('ambiguous_outcome', `"${outcomeText}" names both ${f.homeTeam} and ${f.awayTeam}`);
      if (home) side = 'home';
      else if (away) side = 'away';
    }
    if (side === null) return unmatched('outcome_not_a_team', `"${outcomeText}" is neither ${f.homeTeam}, ${f.awayTeam} nor a draw`);

    return {
      marketSlug: market.marketSlug,
      eventSlug: market.eventSlug,
      fixtureId: f.fixtureId,
      side,
      outcomeName: side === 'home' ? f.homeTeam : side === 'away' ? f.awayTeam : 'Draw',
      startDiffMs: start === undefined ? null : Math.abs(f.startTime - start),
    };
  }
}

/** One-call form of MarketMapper#mapAll. */
export function mapMarkets(markets: readonly MarketInfo[], fixtures: readonly FixtureRef[], options: MarketMapperOptions = {}): MappingResult {
  return new MarketMapper(options).mapAll(markets, fixtures);
}
