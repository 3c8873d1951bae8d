/**
 * OpticOdds v3 wire schemas (zod) and their conversion to engine types.
 *
 * Strict where a mistake would cost money: ids must be non-empty strings and prices valid American odds
 * (integers, 100 ≤ |a| ≤ 1_000_000). Lenient where the provider's shape is not confirmed: unknown fields are kept
 * (loose objects), optional fields may be null or missing, `in_play` (period/clock) is parsed best-effort, and
 * `sport`/`league` may come as a string or as an `{ id, name }` object.
 */
import * as z from 'zod';
import type { FeedEvent, OddsQuote } from '../domain/feed-events.js';
import type { GameState, GameStatus } from '../domain/game.js';
import { isValidAmericanOdds } from './fair-value/odds.js';
import { slugOf } from './opticodds-ids.js';
import { formatClock, periodLabel, regulationFor, regulationSeconds, secondsRemainingOf } from './game-clock.js';

/**
 * The schemas, built on first use rather than when this module is imported (module initialisation is part of
 * every Lambda cold start, and most importers only need the conversions below): `feedWireSchemas().oddSchema`.
 */
function buildFeedWireSchemas() {
  const id = z.union([z.string().min(1), z.number().int().transform(String)]).pipe(z.string().min(1));
  const optStr = z.string().nullish();
  const optNum = z.number().nullish();
  /** A sport/league reference: "basketball" or { id: "basketball", name: "Basketball" } → the id string. */
  const ref = z.union([
    z.string(),
    z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), name: z.string().nullish() }).transform((o) => o.id),
  ]);

  const americanOddsSchema = z
    .number()
    .refine(isValidAmericanOdds, { message: 'American odds must be an integer with 100 ≤ |odds| ≤ 1000000' });

  const oddSchema = z.looseObject({
    id,
    fixture_id: id,
    game_id: z.union([z.string(), z.number().transform(String)]).nullish(),
    sport: ref,
    league: ref,
    sportsbook: z.string().min(1),
    /** The sportsbook's id (slug); on the stream since 2024-12. */
    sportsbook_id: optStr,
    market: z.string().min(1),
    market_id: optStr,
    league_id: optStr,
    name: z.string().min(1),
    selection: optStr,
    normalized_selection: optStr,
    selection_line: optStr,
    points: optNum,
    selection_points: optNum,
    price: americanOddsSchema,
    is_main: z.boolean().nullish(),
    is_live: z.boolean().nullish(),
    team_id: z.union([z.string(), z.number()]).nullish(),
    player_id: z.union([z.string(), z.number()]).nullish(),
    grouping_key: optStr,
    /** REST sends `{ max }`, the stream `{ max_stake }`; often null (unknown). */
    limits: z.looseObject({ max: z.number().nullish(), max_stake: z.number().nullish() }).nullish(),
    deep_link: z.unknown().optional(),
    /** Unix seconds; bounded so that the ms conversion stays an exact integer (1e308 would become Infinity). */
    timestamp: z.number().finite().nonnegative().max(Number.MAX_SAFE_INTEGER / 1000),
  });

  /** The JSON in an `odds` / `locked-odds` frame. Each Odd is validated on its own (see parseOddsFrame). */
  const oddsFrameSchema = z.looseObject({
    data: z.array(z.unknown()),
    entry_id: optStr,
    type: optStr,
  });

  const fixtureSchema = z.looseObject({
    id,
    game_id: z.union([z.string(), z.number().transform(String)]).nullish(),
    start_date: optStr,
    home_team_display: z.string().nullish(),
    away_team_display: z.string().nullish(),
    home_competitors: z.array(z.unknown()).nullish(),
    away_competitors: z.array(z.unknown()).nullish(),
    status: optStr,
    is_live: z.boolean().nullish(),
    sport: ref.nullish(),
    league: ref.nullish(),
  });

  const fixtureStatusSchema = z.looseObject({
    fixture: fixtureSchema.partial({ id: true }).nullish(),
    fixture_id: id,
    game_id: z.union([z.string(), z.number().transform(String)]).nullish(),
    league: ref.nullish(),
    sport: ref.nullish(),
    old_status: optStr,
    /** Null when only the start time moved (and the dates null when only the status changed). */
    new_status: optStr,
    old_start_date: optStr,
    new_start_date: optStr,
    timestamp: z.union([z.number(), z.string()]).nullish(),
  });

  /** The JSON in a `fixture-status` frame. */
  const fixtureStatusFrameSchema = z.looseObject({ data: fixtureStatusSchema, entry_id: optStr });

  const sideScoreSchema = z.looseObject({
    total: z.number().nullish(),
    periods: z.record(z.string(), z.unknown()).nullish(),
  });

  const inPlaySchema = z.looseObject({
    period: z.union([z.number(), z.string()]).nullish(),
    clock: z.union([z.number(), z.string()]).nullish(),
  });

  const fixtureResultSchema = z.looseObject({
    fixture_id: id,
    sport: ref.nullish(),
    league: ref.nullish(),
    is_live: z.boolean().nullish(),
    score: z
      .looseObject({
        sport: ref.nullish(),
        league: ref.nullish(),
        fixture: fixtureSchema.partial({ id: true }).nullish(),
        scores: z.looseObject({ home: sideScoreSchema.nullish(), away: sideScoreSchema.nullish() }).nullish(),
        in_play: z.unknown().optional(),
      }),
    in_play: z.unknown().optional(),
  });
  return { americanOddsSchema, oddSchema, oddsFrameSchema, fixtureSchema, fixtureStatusSchema, fixtureStatusFrameSchema, inPlaySchema, fixtureResultSchema };
}

export type FeedWireSchemas = ReturnType<typeof buildFeedWireSchemas>;
let built: FeedWireSchemas | undefined;

export function feedWireSchemas(): FeedWireSchemas {
  return (built ??= buildFeedWireSchemas());
}

export type OddWire = z.infer<FeedWireSchemas['oddSchema']>;
export type FixtureWire = z.infer<FeedWireSchemas['fixtureSchema']>;
export type FixtureStatusWire = z.infer<FeedWireSchemas['fixtureStatusSchema']>;
export type FixtureResultWire = z.infer<FeedWireSchemas['fixtureResultSchema']>;

// ---------------------------------------------------------------------------------------------- conversions

/**
 * Quote key, on the provider's ids (names change, ids do not):
 * fixture id | sportsbook id | market id | normalized selection | selection line | points.
 * A missing id falls back to the slug of its display name.
 */
export function quoteKey(parts: {
  fixtureId: string;
  sportsbookId: string;
  marketId: string;
  selection: string;
  selectionLine?: string | null;
  points?: number | null;
}): string {
  return [parts.fixtureId, parts.sportsbookId, parts.marketId, parts.selection, parts.selectionLine ?? '', parts.points ?? ''].join('|');
}

/** The key of a quote's market: its id when known, else its display name (quotes built without ids). */
export function marketKeyOf(q: Pick<OddsQuote, 'market' | 'marketId'>): string {
  return q.marketId ?? q.market;
}

/** The key of a quote's sportsbook: its id when known, else its display name. */
export function sportsbookKeyOf(q: Pick<OddsQuote, 'sportsbook' | 'sportsbookId'>): string {
  return q.sportsbookId ?? q.sportsbook;
}

export function oddToQuote(odd: OddWire, opts: { locked: boolean; receivedAt: number }): OddsQuote {
  const sportsbookId = odd.sportsbook_id || slugOf(odd.sportsbook);
  const marketId = odd.market_id || slugOf(odd.market);
  const normalizedSelection = odd.normalized_selection || slugOf(odd.name);
  const maxStake = odd.limits?.max ?? odd.limits?.max_stake ?? null;
  return {
    key: quoteKey({ fixtureId: odd.fixture_id, sportsbookId, marketId, selection: normalizedSelection, selectionLine: odd.selection_line, points: odd.points }),
    oddId: odd.id,
    fixtureId: odd.fixture_id,
    sport: odd.sport,
    league: odd.league,
    sportsbook: odd.sportsbook,
    sportsbookId,
    market: odd.market,
    marketId,
    name: odd.name,
    selection: odd.selection ?? '',
    normalizedSelection,
    selectionLine: odd.selection_line ?? '',
    points: odd.points ?? null,
    americanOdds: odd.price,
    // Absent = not an alternate: only an explicit false marks an alternate line.
    isMain: odd.is_main ?? true,
    isLive: odd.is_live ?? false,
    locked: opts.locked,
    maxStake,
    timestamp: Math.round(odd.timestamp * 1000),
    receivedAt: opts.receivedAt,
  };
}

export interface ParsedOdds {
  quotes: OddsQuote[];
  /** Odd objects in the batch that failed validation (skipped). */
  malformed: number;
}

/** Validates each Odd of a list on its own: bad ones are counted and skipped, good ones converted. */
export function parseOdds(items: readonly unknown[], opts: { locked: boolean; receivedAt: number }): ParsedOdds {
  const quotes: OddsQuote[] = [];
  let malformed = 0;
  const schema = feedWireSchemas().oddSchema;
  for (const item of items) {
    const r = schema.safeParse(item);
    if (r.success) quotes.push(oddToQuote(r.data, opts));
    else malformed++;
  }
  return { quotes, malformed };
}

/**
 * Maps the provider's status string, case-insensitively (the contract's examples capitalise: "Unplayed").
 * Unknown values → UNKNOWN (the raw string is kept by the caller); UNKNOWN is never tradable.
 */
export function mapFixtureStatus(raw: string | null | undefined): GameStatus {
  switch ((raw ?? '').trim().toLowerCase()) {
    case 'unplayed':
      return 'SCHEDULED';
    case 'live':
      return 'LIVE';
    case 'half':
      return 'HALFTIME';
    case 'completed':
      return 'FINAL';
    case 'cancelled':
    case 'canceled':
      return 'CANCELLED';
    case 'suspended':
      return 'SUSPENDED';
    case 'delayed':
      return 'DELAYED';
    case 'forfeited':
      return 'FORFEITED';
    case 'invalid':
      return 'INVALID';
    default:
      return 'UNKNOWN';
  }
}

/** Epoch ms of an ISO date, a Unix-seconds number or an epoch-ms number; null when unparseable. */
export function parseTime(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? Math.round(v * 1000) : Math.round(v);
  if (typeof v === 'string' && v.trim() !== '') {
    if (/^\d+(\.\d+)?$/.test(v.trim())) return parseTime(Number(v));
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export function fixtureStatusToEvent(s: FixtureStatusWire, entryId: string | null): Extract<FeedEvent, { type: 'fixture_status' }> {
  return {
    type: 'fixture_status',
    fixtureId: s.fixture_id,
    oldStatus: s.old_status ?? '',
    newStatus: s.new_status ?? '',
    startTime: parseTime(s.new_start_date ?? s.fixture?.start_date ?? null),
    entryId,
  };
}

/**
 * The period number from a lenient value: 3, "3", "Q3", "3rd Quarter", "2H" → 2, "OT" → periods+1,
 * "2OT"/"OT2" → periods+2, "half"/"HT" → periods/2 (halftime). Null when unparseable.
 */
export function parsePeriod(v: unknown, regulationPeriods: number | null): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase();
  if (s === '') return null;
  const ot = /^(?:(\d+)\s*ot|ot\s*(\d+)?|(\d+)(?:st|nd|rd|th)?\s*overtime|overtime)$/.exec(s);
  if (ot) {
    if (regulationPeriods === null) return null;
    const n = Number(ot[1] ?? ot[2] ?? ot[3] ?? 1);
    return regulationPeriods + n;
  }
  if (s === 'half' || s === 'ht' || s === 'halftime') return regulationPeriods === null ? null : Math.floor(regulationPeriods / 2);
  const m = /(\d+)/.exec(s);
  return m ? Number(m[1]) : null;
}

/** Seconds left on a lenient clock: 462, "7:42", "07:42", "0:05.3", "42.1", "PT7M42S". Null when unparseable. */
export function parseClock(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  let m = /^(\d{1,3}):(\d{1,2}(?:\.\d+)?)$/.exec(s);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = /^(\d+(?:\.\d+)?)$/.exec(s);
  if (m) return Number(m[1]);
  m = /^PT(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(s);
  if (m && (m[1] !== undefined || m[2] !== undefined)) return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
  return null;
}

function inPlayOf(r: FixtureResultWire): { period: unknown; clock: unknown } {
  const raw = (r.score.in_play ?? r.in_play) as unknown;
  if (raw === null || typeof raw !== 'object') return { period: undefined, clock: undefined };
  const o = raw as Record<string, unknown>;
  return { period: o.period ?? o.current_period, clock: o.clock ?? o.time_remaining ?? o.game_clock };
}

/** Converts a `fixture-results` payload to a GameState (clock injected as `receivedAt`). */
export function resultToGameState(r: FixtureResultWire, receivedAt: number): GameState {
  const fx = r.score.fixture ?? null;
  const sport = r.sport ?? r.score.sport ?? fx?.sport ?? '';
  const league = r.league ?? r.score.league ?? fx?.league ?? '';
  const rawStatus = fx?.status ?? (r.is_live ? 'live' : '');
  const status = mapFixtureStatus(rawStatus);
  const fmt = regulationFor(sport, league);
  const inPlay = inPlayOf(r);

  let period = 0;
  let clockSeconds: number | null = null;
  let secondsRemaining: number | null = null;
  let timeRemaining: string = status;
  switch (status) {
    case 'SCHEDULED':
      secondsRemaining = fmt ? regulationSeconds(fmt) : null;
      timeRemaining = 'SCHEDULED';
      break;
    case 'FINAL':
    case 'FORFEITED':
      period = parsePeriod(inPlay.period, fmt?.periods ?? null) ?? fmt?.periods ?? 0;
      clockSeconds = 0;
      secondsRemaining = 0;
      timeRemaining = status;
      break;
    case 'HALFTIME':
      period = fmt ? Math.floor(fmt.periods / 2) : (parsePeriod(inPlay.period, null) ?? 0);
      clockSeconds = 0;
      secondsRemaining = fmt ? secondsRemainingOf(fmt, period, 0) : null;
      timeRemaining = 'HALFTIME';
      break;
    case 'LIVE':
    case 'SUSPENDED':
    case 'DELAYED':
    case 'UNKNOWN': {
      period = parsePeriod(inPlay.period, fmt?.periods ?? null) ?? 0;
      clockSeconds = parseClock(inPlay.clock);
      secondsRemaining = fmt && period > 0 ? secondsRemainingOf(fmt, period, clockSeconds) : null;
      if (status === 'LIVE') {
        timeRemaining = period > 0 ? periodLabel(fmt, period) + (clockSeconds !== null ? ` ${formatClock(clockSeconds)}` : '') : 'LIVE';
      } else timeRemaining = rawStatus || 'UNKNOWN';
      break;
    }
    case 'CANCELLED':
    case 'INVALID':
      timeRemaining = status;
      break;
  }

  return {
    gameId: r.fixture_id,
    sport,
    league,
    homeTeam: fx?.home_team_display ?? '',
    awayTeam: fx?.away_team_display ?? '',
    homeScore: r.score.scores?.home?.total ?? 0,
    awayScore: r.score.scores?.away?.total ?? 0,
    period,
    clockSeconds,
    secondsRemaining,
    timeRemaining,
    status,
    rawStatus: rawStatus ?? '',
    startTime: parseTime(fx?.start_date ?? null) ?? 0,
    updatedAt: receivedAt,
  };
}

/**
 * The JSON of a `fixture-results` frame: the API notes give the payload itself; some deployments wrap it as
 * `{ data: payload, entry_id }` like the odds frames. Both are accepted.
 */
export function parseResultsFrame(json: unknown): { result: FixtureResultWire; entryId: string | null } | null {
  if (json !== null && typeof json === 'object' && 'data' in json && !('fixture_id' in json)) {
    const wrapped = json as { data: unknown; entry_id?: unknown };
    const r = feedWireSchemas().fixtureResultSchema.safeParse(wrapped.data);
    if (!r.success) return null;
    return { result: r.data, entryId: typeof wrapped.entry_id === 'string' ? wrapped.entry_id : null };
  }
  const r = feedWireSchemas().fixtureResultSchema.safeParse(json);
  if (!r.success) return null;
  const e = (json as { entry_id?: unknown }).entry_id;
  return { result: r.data, entryId: typeof e === 'string' ? e : null };
}
