import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { OpticOddsError } from '../../../shared/feeds/errors.js';
import { OpticOddsRestClient } from '../../../shared/feeds/rest-client.js';
import { LocalServer, type RestHandler } from './helpers/local-server.js';
import { oddJson, resultsJson } from './helpers/fixtures.js';

const API_KEY = 'test-key-0123456789abcdef';
let server: LocalServer;
let base: string;

beforeAll(async () => {
  server = new LocalServer();
  base = (await server.start()) + '/api/v3';
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function json(res: Parameters<RestHandler>[2], status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function client(extra: Partial<ConstructorParameters<typeof OpticOddsRestClient>[0]> = {}): {
  c: OpticOddsRestClient;
  sleeps: number[];
  metrics: MetricsRegistry;
  logger: MemoryLogger;
} {
  const sleeps: number[] = [];
  const metrics = new MetricsRegistry();
  const logger = new MemoryLogger();
  const c = new OpticOddsRestClient({
    apiKey: API_KEY,
    baseUrl: base,
    clock: new ManualClock(1_000),
    metrics,
    logger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { c, sleeps, metrics, logger };
}

describe('OpticOddsRestClient', () => {
  it('authenticates with the X-Api-Key header only, never in the URL', async () => {
    server.rest = (url, _req, res) => json(res, 200, { data: url.pathname.endsWith('/sports') ? [{ id: 'basketball', name: 'Basketball' }] : [] });
    const { c } = client();
    const sports = await c.sports();
    expect(sports).toEqual([{ id: 'basketball', name: 'Basketball' }]);
    const req = server.requests[0]!;
    expect(req.url.pathname).toBe('/api/v3/sports');
    expect(req.headers['x-api-key']).toBe(API_KEY);
    expect(req.url.search).not.toContain(API_KEY);
    expect(req.url.searchParams.has('key')).toBe(false);
  });

  it('sends list parameters repeated and splits sportsbooks into batches of at most 5, merging the results', async () => {
    server.rest = (url, _req, res) => {
      const books = url.searchParams.getAll('sportsbook');
      if (books.length > 5) return json(res, 400, { message: 'too many sportsbooks' });
      // fixture-wrapped form: { id, odds: [ … ] } with odds lacking fixture_id/sport/league (filled from the fixture)
      json(res, 200, {
        data: url.searchParams.getAll('fixture_id').map((fid) => ({
          id: fid,
          sport: { id: 'football', name: 'Football' },
          league: { id: 'nfl', name: 'NFL' },
          odds: books.map((b) => {
            const o = oddJson({ sportsbook: b, fixture_id: undefined });
            delete o.fixture_id;
            delete o.sport;
            delete o.league;
            return o;
          }),
        })),
      });
    };
    const { c } = client();
    const books = ['Pinnacle', 'DraftKings', 'FanDuel', 'BetMGM', 'Caesars', 'BetRivers', 'Circa Sports'];
    const quotes = await c.odds({ fixtureIds: ['F1'], sportsbooks: books, markets: ['Moneyline'], isMain: true });
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => r.url.searchParams.getAll('sportsbook'))).toEqual([books.slice(0, 5), books.slice(5)]);
    expect(server.requests[0]!.url.searchParams.getAll('market')).toEqual(['Moneyline']);
    expect(server.requests[0]!.url.searchParams.get('is_main')).toBe('true');
    expect(quotes.map((q) => q.sportsbook).sort()).toEqual([...books].sort());
    expect(quotes.every((q) => q.fixtureId === 'F1' && q.sport === 'football' && q.league === 'nfl')).toBe(true);
  });

  it('retries 429 after at least 1 s (and Retry-After) then succeeds', async () => {
    let calls = 0;
    server.rest = (_u, _r, res) => {
      calls++;
      if (calls === 1) return json(res, 429, { message: 'slow down' }, { 'retry-after': '3' });
      if (calls === 2) return json(res, 429, { message: 'slow down' });
      json(res, 200, { data: [] });
    };
    const { c, sleeps, metrics } = client({ initialBackoffMs: 100 });
    await expect(c.activeSports()).resolves.toEqual([]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(metrics.counter('feeds.rest.retries', { kind: 'rate_limited' })).toBe(2);
  });

  it('retries 5xx three times with growing delays, then throws a typed error', async () => {
    server.rest = (_u, _r, res) => json(res, 503, { message: 'down' });
    const { c, sleeps } = client();
    const err = await c.leagues('basketball').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpticOddsError);
    expect((err as OpticOddsError).kind).toBe('server');
    expect((err as OpticOddsError).status).toBe(503);
    expect(server.requests).toHaveLength(4);
    expect(server.requests[0]!.url.searchParams.get('sport')).toBe('basketball');
    // random 0.5, jitter 0.5 → 0.75 × 1000·2^n
    expect(sleeps).toEqual([750, 1500, 3000]);
  });

  it('does not retry 401 and never leaks the key', async () => {
    server.rest = (_u, _r, res) => json(res, 401, { message: 'bad key' });
    const { c, logger } = client();
    const err = (await c.activeFixtures('basketball', 'NBA').catch((e: unknown) => e)) as OpticOddsError;
    expect(err.kind).toBe('unauthorized');
    expect(server.requests).toHaveLength(1);
    expect(err.message).not.toContain(API_KEY);
    logger.info(`key was ${API_KEY}`);
    expect(JSON.stringify(logger.lines)).not.toContain(API_KEY);
  });

  it('skips and counts malformed items; rejects a body without data', async () => {
    server.rest = (url, _r, res) => {
      if (url.pathname.endsWith('/markets')) return json(res, 200, { data: [{ id: 1, name: 'Moneyline' }, { id: 2 }, null] });
      json(res, 200, { items: [] });
    };
    const { c, metrics } = client();
    expect(await c.markets()).toEqual([{ id: 1, name: 'Moneyline' }]);
    expect(metrics.counter('feeds.malformed', { stream: 'rest' })).toBe(2);
    const err = (await c.activeMarkets().catch((e: unknown) => e)) as OpticOddsError;
    expect(err.kind).toBe('malformed');
  });

  it('network failures are retried then typed', async () => {
    const { c } = client({ baseUrl: 'http://127.0.0.1:1/api/v3', maxServerRetries: 1 });
    const err = (await c.sports().catch((e: unknown) => e)) as OpticOddsError;
    expect(err).toBeInstanceOf(OpticOddsError);
    expect(err.kind).toBe('network');
  });

  it('results: batches fixture ids and converts to GameState', async () => {
    server.rest = (url, _r, res) =>
      json(res, 200, {
        data: url.searchParams.getAll('fixture_id').map((id) => ({ ...resultsJson({ inPlay: { period: 4, clock: '1:00' } }), fixture_id: id })),
      });
    const { c } = client({ maxFixturesPerRequest: 2 });
    const games = await c.results(['A', 'B', 'C']);
    expect(server.requests.map((r) => r.url.searchParams.getAll('fixture_id'))).toEqual([['A', 'B'], ['C']]);
    expect(games.map((g) => g.gameId)).toEqual(['A', 'B', 'C']);
    expect(games[0]).toMatchObject({ status: 'LIVE', period: 4, secondsRemaining: 60, updatedAt: 1000 });
  });

  it('reads every page: page + has_more, never total_pages alone (gone), no page with cursor', async () => {
    const all = Array.from({ length: 7 }, (_, i) => ({ id: `F${i}`, status: 'unplayed' }));
    server.rest = (url, _r, res) => {
      const page = Number(url.searchParams.get('page') ?? '1');
      json(res, 200, { data: all.slice((page - 1) * 3, page * 3), page, has_more: page * 3 < all.length });
    };
    const { c } = client();
    expect((await c.fixtures({ league: 'nba' })).map((f) => f.id)).toEqual(all.map((f) => f.id));
    expect(server.requests.map((r) => r.url.searchParams.get('page'))).toEqual([null, '2', '3']);
    expect(server.requests.every((r) => r.url.searchParams.get('league') === 'nba')).toBe(true);
  });

  it('follows a cursor without sending page, and stops on a repeated cursor', async () => {
    const pages: Record<string, { data: unknown[]; cursor: string | null }> = {
      start: { data: [{ id: 'A' }], cursor: 'c1' },
      c1: { data: [{ id: 'B' }], cursor: 'c2' },
      c2: { data: [{ id: 'C' }], cursor: 'c1' }, // a server bug: back to c1
    };
    server.rest = (url, _r, res) => json(res, 200, pages[url.searchParams.get('cursor') ?? 'start']);
    const { c, metrics, logger } = client();
    expect((await c.fixtures({ sport: 'basketball', page: 1 })).map((f) => f.id)).toEqual(['A', 'B', 'C']);
    expect(server.requests.slice(1).every((r) => !r.url.searchParams.has('page'))).toBe(true);
    expect(server.requests).toHaveLength(3);
    expect(metrics.counter('feeds.rest.page_guard', { path: '/fixtures' })).toBe(1);
    expect(logger.lines.some((l) => l.msg === 'stopped reading a paginated list')).toBe(true);
  });

  it('guards against an endless has_more (maxPages) and an empty page that claims more', async () => {
    server.rest = (url, _r, res) => json(res, 200, { data: [{ id: `P${url.searchParams.get('page') ?? '1'}` }], has_more: true });
    const { c } = client({ maxPages: 4 });
    expect(await c.fixtures({ sport: 'basketball' })).toHaveLength(4);
    server.requests.length = 0;
    server.rest = (_u, _r, res) => json(res, 200, { data: [], has_more: true });
    expect(await c.fixtures({ sport: 'basketball' })).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('honours a legacy total_pages when has_more is absent', async () => {
    server.rest = (url, _r, res) => {
      const page = Number(url.searchParams.get('page') ?? '1');
      json(res, 200, { data: [{ id: `P${page}` }], page, total_pages: 2 });
    };
    const { c } = client();
    expect((await c.fixtures({ sport: 'basketball' })).map((f) => f.id)).toEqual(['P1', 'P2']);
  });

  it('403: not licensed — never retried, an error log that says what to do', async () => {
    server.rest = (_u, _r, res) => json(res, 403, { error: 'Forbidden' });
    const { c, sleeps, logger } = client();
    const err = (await c.odds({ fixtureIds: ['F1'], sportsbooks: ['pinnacle'] }).catch((e: unknown) => e)) as OpticOddsError;
    expect(err).toBeInstanceOf(OpticOddsError);
    expect(err.kind).toBe('not_licensed');
    expect(err.status).toBe(403);
    expect(err.transient).toBe(false);
    expect(err.message).toMatch(/not licensed/);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(logger.lines.some((l) => l.level === 'error' && /not licensed/.test(l.msg))).toBe(true);
  });
});
