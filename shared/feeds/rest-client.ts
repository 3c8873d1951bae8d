/**
 * OpticOdds v3 REST client.
 *
 * - The API key goes in the `X-Api-Key` header only (never the `key=` query parameter, so it never lands in a
 *   URL or an access log) and is registered with the logger's secret masking.
 * - Responses are `{ data: [...] }`; list parameters are repeated (`sportsbook=A&sportsbook=B`).
 * - Lists are read to the end: `page` + `has_more` (which replaced `total_pages`, still honoured when sent) or
 *   a `cursor`; never `page` together with `cursor`. Guarded against loops: a repeated cursor, an empty page
 *   that claims more, or more than `maxPages` pages stop the read with a warning (`feeds.rest.page_guard`).
 * - 403 means the product is not licensed for the key: an OpticOddsError('not_licensed') logged as an error
 *   with what to do; never retried.
 * - The odds snapshot takes at most 5 sportsbooks per request: larger lists are split into several requests
 *   and the results merged (newest quote per key wins).
 * - 429 is retried after max(Retry-After, 1 s × 2^n with jitter); 5xx, network errors and timeouts up to 3 times
 *   with exponential backoff and jitter. Other statuses fail at once with a typed OpticOddsError.
 * - A malformed item in a list is counted (`feeds.malformed`, stream=rest) and skipped; a body that is not
 *   `{ data: [...] }` is an OpticOddsError('malformed').
 */
import * as z from 'zod';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import type { OddsQuote } from '../domain/feed-events.js';
import type { GameState } from '../domain/game.js';
import { nullLogger, registerSecret, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { backoffDelay, realSleep, type Sleep } from './backoff.js';
import { OpticOddsError, errorKindForStatus, notLicensedMessage } from './errors.js';
import { feedWireSchemas, oddToQuote, resultToGameState, type FixtureResultWire, type FixtureWire } from './wire.js';

export const DEFAULT_OPTICODDS_BASE_URL = 'https://api.opticodds.com/api/v3';
export const MAX_SPORTSBOOKS_PER_REQUEST = 5;

export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;
export type Query = Record<string, QueryValue>;

export interface OpticOddsRestOptions {
  apiKey: string;
  /** Default https://api.opticodds.com/api/v3. */
  baseUrl?: string;
  fetch?: typeof fetch;
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /** Per-request timeout, ms. Default 10 000. */
  timeoutMs?: number;
  /** Retries on 5xx / network / timeout. Default 3. */
  maxServerRetries?: number;
  /** Retries on 429. Default 5. */
  maxRateLimitRetries?: number;
  /** First backoff delay, ms (429 never waits less than 1 s). Default 1000. */
  initialBackoffMs?: number;
  /** Backoff cap, ms. Default 30 000. */
  maxBackoffMs?: number;
  /** Fixture ids per odds/results request. Default 5. */
  maxFixturesPerRequest?: number;
  /** Requests in flight at once when a call is split into batches. Default 4. */
  concurrency?: number;
  /** Most pages read for one list (a loop guard). Default 100. */
  maxPages?: number;
  /** Injected for tests. */
  sleep?: Sleep;
  random?: () => number;
}

export const sportSchema = z.looseObject({ id: z.string().min(1), name: z.string().nullish() });
export type SportWire = z.infer<typeof sportSchema>;
export const leagueSchema = z.looseObject({ id: z.string().min(1), name: z.string().nullish(), sport: z.unknown().optional() });
export type LeagueWire = z.infer<typeof leagueSchema>;
export const sportsbookSchema = z.looseObject({ id: z.string().min(1), name: z.string().min(1), is_active: z.boolean().nullish() });
export type SportsbookWire = z.infer<typeof sportsbookSchema>;
export const marketSchema = z.looseObject({ id: z.union([z.string(), z.number()]), name: z.string().min(1) });
export type MarketWire = z.infer<typeof marketSchema>;

export interface OddsSnapshotRequest {
  fixtureIds: readonly string[];
  sportsbooks: readonly string[];
  markets?: readonly string[];
  isMain?: boolean;
}

const envelopeSchema = z.looseObject({
  data: z.array(z.unknown()),
  page: z.number().nullish().catch(null),
  has_more: z.boolean().nullish().catch(null),
  total_pages: z.number().nullish().catch(null),
  cursor: z.union([z.string(), z.number().transform(String)]).nullish().catch(null),
  next_cursor: z.union([z.string(), z.number().transform(String)]).nullish().catch(null),
});
type Envelope = z.infer<typeof envelopeSchema>;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class OpticOddsRestClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(private readonly options: OpticOddsRestOptions) {
    if (!options.apiKey) throw new OpticOddsError('unauthorized', 'OpticOdds API key is missing');
    registerSecret(options.apiKey);
    this.baseUrl = (options.baseUrl ?? DEFAULT_OPTICODDS_BASE_URL).replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? nullLogger).child({ component: 'opticodds-rest' });
    this.metrics = options.metrics ?? nullMetrics;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  sports(): Promise<SportWire[]> {
    return this.list('/sports', {}, sportSchema);
  }
  activeSports(): Promise<SportWire[]> {
    return this.list('/sports/active', {}, sportSchema);
  }
  leagues(sport: string): Promise<LeagueWire[]> {
    return this.list('/leagues', { sport }, leagueSchema);
  }
  activeSportsbooks(query: Query = {}): Promise<SportsbookWire[]> {
    return this.list('/sportsbooks/active', query, sportsbookSchema);
  }
  markets(query: Query = {}): Promise<MarketWire[]> {
    return this.list('/markets', query, marketSchema);
  }
  activeMarkets(query: Query = {}): Promise<MarketWire[]> {
    return this.list('/markets/active', query, marketSchema);
  }
  activeFixtures(sport: string, league?: string | readonly string[]): Promise<FixtureWire[]> {
    return this.list('/fixtures/active', { sport, league }, feedWireSchemas().fixtureSchema);
  }
  fixtures(query: Query): Promise<FixtureWire[]> {
    return this.list('/fixtures', query, feedWireSchemas().fixtureSchema);
  }

  /**
   * Odds snapshot for fixtures × sportsbooks (× markets), split into requests of at most 5 sportsbooks and
   * `maxFixturesPerRequest` fixtures, merged by quote key (newest wins). Accepts `data` items that are Odd
   * objects or fixtures carrying an `odds` list (missing fixture_id/sport/league are taken from the fixture).
   */
  async odds(req: OddsSnapshotRequest): Promise<OddsQuote[]> {
    if (req.fixtureIds.length === 0 || req.sportsbooks.length === 0) return [];
    const books = chunk([...new Set(req.sportsbooks)], MAX_SPORTSBOOKS_PER_REQUEST);
    const fixtures = chunk([...new Set(req.fixtureIds)], this.options.maxFixturesPerRequest ?? 5);
    const jobs = fixtures.flatMap((f) => books.map((b) => ({ f, b })));
    const pages = await mapConcurrent(jobs, this.options.concurrency ?? 4, ({ f, b }) =>
      this.getAll('/fixtures/odds', { fixture_id: f, sportsbook: b, market: req.markets, is_main: req.isMain }),
    );
    const receivedAt = this.clock.now();
    const merged = new Map<string, OddsQuote>();
    let malformed = 0;
    const { oddSchema } = feedWireSchemas();
    for (const page of pages) {
      for (const item of page) {
        for (const raw of this.flattenOdds(item)) {
          const r = oddSchema.safeParse(raw);
          if (!r.success) {
            malformed++;
            continue;
          }
          const q = oddToQuote(r.data, { locked: false, receivedAt });
          const prev = merged.get(q.key);
          if (!prev || prev.timestamp <= q.timestamp) merged.set(q.key, q);
        }
      }
    }
    if (malformed > 0) this.countMalformed(malformed, '/fixtures/odds');
    return [...merged.values()];
  }

  /** Scores/results as provider payloads (the shape of the results stream's data). */
  async resultsRaw(fixtureIds: readonly string[]): Promise<FixtureResultWire[]> {
    if (fixtureIds.length === 0) return [];
    const batches = chunk([...new Set(fixtureIds)], this.options.maxFixturesPerRequest ?? 5);
    const pages = await mapConcurrent(batches, this.options.concurrency ?? 4, (ids) =>
      this.list('/fixtures/results', { fixture_id: ids }, feedWireSchemas().fixtureResultSchema),
    );
    return pages.flat();
  }

  /** Scores/results converted to GameState. */
  async results(fixtureIds: readonly string[]): Promise<GameState[]> {
    const raw = await this.resultsRaw(fixtureIds);
    const now = this.clock.now();
    return raw.map((r) => resultToGameState(r, now));
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  private flattenOdds(item: unknown): unknown[] {
    if (item === null || typeof item !== 'object') return [item];
    const o = item as Record<string, unknown>;
    if (!Array.isArray(o.odds)) return [item];
    const fixtureId = o.id ?? o.fixture_id;
    return o.odds.map((odd: unknown) =>
      odd !== null && typeof odd === 'object'
        ? { fixture_id: fixtureId, game_id: o.game_id, sport: o.sport, league: o.league, ...(odd as object) }
        : odd,
    );
  }

  private countMalformed(n: number, path: string): void {
    this.metrics.increment('feeds.malformed', n, { stream: 'rest' });
    this.logger.warn('malformed items skipped', { path, count: n });
  }

  private async list<S extends z.ZodType>(path: string, query: Query, schema: S): Promise<z.infer<S>[]> {
    const items = await this.getAll(path, query);
    const out: z.infer<S>[] = [];
    let malformed = 0;
    for (const item of items) {
      const r = schema.safeParse(item);
      if (r.success) out.push(r.data);
      else malformed++;
    }
    if (malformed > 0) this.countMalformed(malformed, path);
    return out;
  }

  buildUrl(path: string, query: Query): URL {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const x of v as readonly (string | number)[]) url.searchParams.append(k, String(x));
      else url.searchParams.append(k, String(v));
    }
    return url;
  }

  /**
   * Every page of a list: follows `cursor` (or `next_cursor`) when the server sends one, else `page` +
   * `has_more` (or the legacy `total_pages`). Loop guards: a cursor seen before, an empty page that still
   * claims more, and `maxPages`.
   */
  async getAll(path: string, query: Query = {}): Promise<unknown[]> {
    const maxPages = this.options.maxPages ?? 100;
    const out: unknown[] = [];
    const seenCursors = new Set<string>();
    let next: Query = query;
    for (let n = 1; ; n++) {
      const env = await this.getEnvelope(path, next);
      out.push(...env.data);
      const cursor = env.next_cursor ?? env.cursor ?? null;
      const page = env.page ?? n;
      let follow: Query | null = null;
      if (cursor !== null && cursor !== '' && env.has_more !== false) {
        if (seenCursors.has(cursor)) return this.pageGuard(path, 'repeated cursor', n, out);
        seenCursors.add(cursor);
        const { page: _omit, ...rest } = query;
        follow = { ...rest, cursor };
      } else if (env.has_more === true || (env.has_more == null && env.total_pages != null && page < env.total_pages)) {
        follow = { ...query, page: page + 1 };
      }
      if (follow === null) return out;
      if (env.data.length === 0) return this.pageGuard(path, 'empty page claims more', n, out);
      if (n >= maxPages) return this.pageGuard(path, `more than ${maxPages} pages`, n, out);
      next = follow;
    }
  }

  private pageGuard(path: string, why: string, pages: number, items: unknown[]): unknown[] {
    this.metrics.increment('feeds.rest.page_guard', 1, { path });
    this.logger.warn('stopped reading a paginated list', { path, why, pages, items: items.length });
    return items;
  }

  /** GET path → the `data` array of one page, with retries. */
  async getData(path: string, query: Query = {}): Promise<unknown[]> {
    return (await this.getEnvelope(path, query)).data;
  }

  /** GET path → the `{ data, page, has_more, cursor }` envelope, with retries. */
  async getEnvelope(path: string, query: Query = {}): Promise<Envelope> {
    const url = this.buildUrl(path, query);
    const maxServer = this.options.maxServerRetries ?? 3;
    const maxRate = this.options.maxRateLimitRetries ?? 5;
    const policy = { initialDelayMs: this.options.initialBackoffMs ?? 1000, maxDelayMs: this.options.maxBackoffMs ?? 30_000 };
    let serverRetries = 0;
    let rateRetries = 0;
    for (;;) {
      const started = this.clock.monotonicNs();
      let error: OpticOddsError;
      let retryAfter: number | null = null;
      try {
        const res = await this.fetchFn(url, {
          method: 'GET',
          headers: { 'X-Api-Key': this.options.apiKey, Accept: 'application/json' },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        this.metrics.observe('feeds.rest.latency_us', Number((this.clock.monotonicNs() - started) / 1000n), { path });
        if (res.ok) {
          let body: unknown;
          try {
            body = await res.json();
          } catch {
            throw new OpticOddsError('malformed', `response of ${path} is not JSON`, res.status, path);
          }
          const env = envelopeSchema.safeParse(body);
          if (!env.success) throw new OpticOddsError('malformed', `response of ${path} is not { data: [...] }`, res.status, path);
          return env.data;
        }
        await res.body?.cancel().catch(() => undefined);
        error = new OpticOddsError(errorKindForStatus(res.status), `GET ${path} failed with HTTP ${res.status}`, res.status, path);
        if (res.status === 429) retryAfter = retryAfterMs(res.headers.get('retry-after'), this.clock.now());
        if (res.status === 403) {
          this.metrics.increment('feeds.not_licensed', 1, { path });
          this.logger.error(notLicensedMessage(`GET ${path}`), { path, status: 403 });
          throw new OpticOddsError('not_licensed', notLicensedMessage(`GET ${path}`), 403, path);
        }
      } catch (e) {
        if (e instanceof OpticOddsError) throw e;
        const name = (e as { name?: string }).name;
        error =
          name === 'TimeoutError' || name === 'AbortError'
            ? new OpticOddsError('timeout', `GET ${path} timed out`, null, path)
            : new OpticOddsError('network', `GET ${path} failed: ${(e as Error).message ?? String(e)}`, null, path);
      }
      this.metrics.increment('feeds.rest.errors', 1, { kind: error.kind });
      let delay: number;
      if (error.kind === 'rate_limited' && rateRetries < maxRate) {
        delay = Math.max(1000, retryAfter ?? 0, backoffDelay(policy, rateRetries++, this.random));
      } else if (error.transient && error.kind !== 'rate_limited' && serverRetries < maxServer) {
        delay = backoffDelay(policy, serverRetries++, this.random);
      } else {
        this.logger.warn('OpticOdds request failed', { path, kind: error.kind, status: error.status });
        throw error;
      }
      this.metrics.increment('feeds.rest.retries', 1, { kind: error.kind });
      this.logger.debug('retrying OpticOdds request', { path, kind: error.kind, delayMs: delay });
      await this.sleep(delay);
    }
  }
}
