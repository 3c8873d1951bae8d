/**
 * The OpticOdds v3 wire server of the simulated sports world, as a SimulatorModule mounted under a path prefix
 * (default `/api/v3`): REST snapshots and server-sent event streams (odds, results) with `last_entry_id`
 * resume, API-key auth (`X-Api-Key` header or `key` query parameter) and fault injection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../shared/domain/clock.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import { nullMetrics } from '../../../shared/observability/metrics.js';
import type { SimulatorModule } from '../module.js';
import type { FeedEntry, StreamKind } from './entry-log.js';
import { parseEntryId } from './entry-log.js';
import type { SportsFaults } from './faults.js';
import type { SimFixture } from './fixture.js';
import { boolParam, listParam, lowerSet } from './query.js';
import type { SportsWorld } from './world.js';
import { SPORTS } from './world.js';
import { fixtureJson, isoDate, MONEYLINE, MONEYLINE_ID, resultsJson, scoreJson } from './wire.js';

export const DEFAULT_PATH_PREFIX = '/api/v3';
/** Most sportsbooks a `/fixtures/odds` request or an odds-stream connection may name. */
export const MAX_SPORTSBOOKS_PER_REQUEST = 5;
/** Most leagues an odds-stream connection may name (OpticOdds advises 10; the simulator enforces it). */
export const MAX_LEAGUES_PER_STREAM = 10;
/** Items per page of a list (`limit` may ask fewer, never more). */
export const MAX_PAGE_SIZE = 100;
/** Bytes buffered for a slow stream consumer before the server drops it. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface OpticOddsModuleOptions {
  world: SportsWorld;
  faults: SportsFaults;
  clock: Clock;
  logger: Logger;
  apiKey: string;
  pathPrefix?: string;
  /** Interval of `ping` frames, ms (default 5 000). */
  pingIntervalMs?: number;
  /** `retry:` sent with `connected`, ms (default 5 000). */
  retryMs?: number;
  /** `sim.sports.*` counters: requests by status, entries by event, open streams. */
  metrics?: Metrics;
  /** Default page size of the lists (`/fixtures`, `/fixtures/active`): default 100, the API's. */
  pageSize?: number;
}

interface StreamFilter {
  kind: StreamKind;
  sport: string;
  sportsbooks: Set<string> | null;
  markets: Set<string> | null;
  leagues: Set<string> | null;
  fixtureIds: Set<string> | null;
  fixtureUpdates: boolean;
}

interface Connection {
  res: ServerResponse;
  filter: StreamFilter;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** OpticOdds errors are `{"error": "..."}` (`message` kept for older readers). */
function errorBody(message: string): Record<string, unknown> {
  return { error: message, message };
}

export class OpticOddsModule implements SimulatorModule {
  readonly name = 'opticodds';
  private readonly prefix: string;
  private readonly connections = new Set<Connection>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly unregisterCut: () => void;
  private readonly keyBytes: Buffer;
  private readonly retryMs: number;
  private readonly metrics: Metrics;

  constructor(private readonly opts: OpticOddsModuleOptions) {
    this.metrics = opts.metrics ?? nullMetrics;
    this.prefix = (opts.pathPrefix ?? DEFAULT_PATH_PREFIX).replace(/\/+$/, '');
    this.keyBytes = Buffer.from(opts.apiKey, 'utf8');
    this.retryMs = opts.retryMs ?? 5000;
    this.unsubscribe = opts.world.log.subscribe((entry) => this.broadcast(entry));
    this.unregisterCut = opts.faults.onCut(() => this.cutAll());
    this.pingTimer = setInterval(() => this.pingAll(), opts.pingIntervalMs ?? 5000);
    this.pingTimer.unref();
  }

  /** Open stream connections (tests and diagnostics). */
  get openStreams(): number {
    return this.connections.size;
  }

  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const path = url.pathname;
    if (path !== this.prefix && !path.startsWith(`${this.prefix}/`)) return false;
    const sub = path.slice(this.prefix.length).replace(/\/+$/, '') || '/';
    res.once('finish', () => this.metrics.increment('sim.sports.requests', 1, { status: String(res.statusCode) }));
    try {
      this.route(req, res, url, sub);
    } catch (err) {
      this.opts.logger.error('opticodds simulator: request failed', { path: sub, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendJson(res, 500, errorBody('internal error'));
      else res.destroy();
    }
    return true;
  }

  close(): void {
    clearInterval(this.pingTimer);
    this.unsubscribe();
    this.unregisterCut();
    for (const c of this.connections) c.res.end();
    this.connections.clear();
  }

  // ------------------------------------------------------------------ routing

  private authorized(req: IncomingMessage, url: URL): boolean {
    const header = req.headers['x-api-key'];
    const given = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('key') ?? '';
    const bytes = Buffer.from(given, 'utf8');
    return bytes.length === this.keyBytes.length && timingSafeEqual(bytes, this.keyBytes);
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL, sub: string): void {
    if (req.method !== 'GET') {
      sendJson(res, 405, errorBody('method not allowed'), { allow: 'GET' });
      return;
    }
    if (!this.authorized(req, url)) {
      sendJson(res, 401, errorBody('Unauthorized: missing or invalid API key'));
      return;
    }
    const stream = this.matchStream(sub);
    const product = stream ? stream.kind : sub === '/fixtures/odds' ? 'odds' : sub === '/fixtures/results' ? 'results' : null;
    if (product && !this.opts.faults.isLicensed(product)) {
      sendJson(res, 403, errorBody(`Forbidden: your plan does not include ${product}`));
      return;
    }
    if (stream) {
      this.openStream(req, res, url, stream.kind, stream.sport);
      return;
    }
    const failure = this.opts.faults.takeRestFailure();
    if (failure) {
      const headers: Record<string, string> = {};
      if (failure.retryAfterSeconds !== undefined) headers['retry-after'] = String(failure.retryAfterSeconds);
      sendJson(res, failure.status, errorBody(failure.status === 429 ? 'Too Many Requests' : 'simulated server error'), headers);
      return;
    }
    this.opts.world.advanceTo(this.opts.clock.now());
    switch (sub) {
      case '/sports':
        return sendJson(res, 200, { data: this.sports(false) });
      case '/sports/active':
        return sendJson(res, 200, { data: this.sports(true) });
      case '/leagues':
      case '/leagues/active':
        return sendJson(res, 200, { data: this.leagues(url) });
      case '/sportsbooks':
      case '/sportsbooks/active':
        return sendJson(res, 200, { data: this.sportsbooks() });
      case '/markets':
      case '/markets/active':
        return sendJson(res, 200, { data: this.markets(url) });
      case '/fixtures':
        return this.page(res, url, this.fixtures(url, false));
      case '/fixtures/active':
        return this.page(res, url, this.fixtures(url, true));
      case '/fixtures/odds':
        return this.odds(res, url);
      case '/fixtures/results':
        return this.results(res, url);
      default:
        sendJson(res, 404, errorBody(`not found: ${sub}`));
    }
  }

  private matchStream(sub: string): { kind: StreamKind; sport: string } | null {
    const m = /^\/stream\/(?:(odds|results)\/([a-z_]+)|([a-z_]+)\/(odds|results))$/.exec(sub);
    if (!m) return null;
    const kind = (m[1] ?? m[4]) as StreamKind;
    const sport = (m[2] ?? m[3]) as string;
    return { kind, sport };
  }

  /** One page of a list: `page` (1-based) and `limit` in, `{ data, page, has_more }` out (no `total_pages`). */
  private page(res: ServerResponse, url: URL, all: unknown[]): void {
    const page = Number(url.searchParams.get('page') ?? '1');
    const limitText = url.searchParams.get('limit');
    const limit = limitText === null ? (this.opts.pageSize ?? MAX_PAGE_SIZE) : Number(limitText);
    if (!Number.isInteger(page) || page < 1) return sendJson(res, 400, errorBody('page must be an integer ≥ 1'));
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) return sendJson(res, 400, errorBody(`limit must be 1..${MAX_PAGE_SIZE}`));
    if (url.searchParams.has('cursor')) return sendJson(res, 400, errorBody('this list pages by page, not cursor'));
    const from = (page - 1) * limit;
    sendJson(res, 200, { data: all.slice(from, from + limit), page, has_more: from + limit < all.length });
  }

  // ------------------------------------------------------------------ REST

  private sports(activeOnly: boolean): Record<string, unknown>[] {
    const active = new Set(this.opts.world.fixtures().map((f) => f.sport));
    return Object.values(SPORTS)
      .filter((d) => !activeOnly || active.has(d.sport))
      .map((d) => ({ id: d.sport, name: d.sportName, numerical_id: d.sportNumericalId, is_active: active.has(d.sport) }));
  }

  private leagues(url: URL): Record<string, unknown>[] {
    const sports = lowerSet(url, 'sport');
    return Object.values(SPORTS)
      .filter((d) => !sports || sports.has(d.sport))
      .map((d) => ({
        id: d.league,
        name: d.leagueName,
        numerical_id: d.leagueNumericalId,
        region: 'United States',
        region_code: 'US',
        sport: { id: d.sport, name: d.sportName, numerical_id: d.sportNumericalId },
      }));
  }

  private sportsbooks(): Record<string, unknown>[] {
    return this.opts.world.books.map((b) => ({
      id: b.id,
      name: b.name,
      numerical_id: b.numericalId,
      logo: `https://cdn.example.invalid/sportsbook-logos/${b.id}.jpg`,
      is_onshore: b.id !== 'pinnacle',
      is_active: true,
    }));
  }

  private markets(url: URL): Record<string, unknown>[] {
    const sports = lowerSet(url, 'sport');
    const list = Object.values(SPORTS).filter((d) => !sports || sports.has(d.sport));
    if (list.length === 0) return [];
    return [
      {
        id: MONEYLINE_ID,
        name: MONEYLINE,
        numerical_id: 1,
        sports: list.map((d) => ({ id: d.sport, name: d.sportName, numerical_id: d.sportNumericalId })),
      },
    ];
  }

  private selectFixtures(url: URL, activeOnly: boolean): SimFixture[] {
    const sports = lowerSet(url, 'sport');
    const leagues = lowerSet(url, 'league');
    const ids = [...listParam(url, 'fixture_id'), ...listParam(url, 'id')];
    const idSet = ids.length > 0 ? new Set(ids) : null;
    const statuses = lowerSet(url, 'status');
    return this.opts.world.views()
      .filter((v) => !activeOnly || !['completed', 'cancelled', 'invalid', 'forfeited'].includes(v.reported.status))
      .filter((v) => !statuses || statuses.has(v.reported.status))
      .map((v) => v.fixture)
      .filter((f) => (!sports || sports.has(f.sport)) && (!leagues || leagues.has(f.league)) && (!idSet || idSet.has(f.fixtureId)));
  }

  private fixtures(url: URL, activeOnly: boolean): Record<string, unknown>[] {
    return this.selectFixtures(url, activeOnly).map((f) => {
      const r = this.opts.world.fixture(f.fixtureId)!.reported;
      return fixtureJson(f, r.status, r.spelling);
    });
  }

  private odds(res: ServerResponse, url: URL): void {
    const fixtureIds = listParam(url, 'fixture_id');
    const books = listParam(url, 'sportsbook');
    if (fixtureIds.length === 0) return sendJson(res, 400, errorBody('fixture_id is required'));
    if (books.length === 0) return sendJson(res, 400, errorBody('sportsbook is required'));
    if (books.length > MAX_SPORTSBOOKS_PER_REQUEST) {
      return sendJson(res, 400, errorBody(`at most ${MAX_SPORTSBOOKS_PER_REQUEST} sportsbooks per request`));
    }
    const bookSet = new Set(books.map((b) => b.toLowerCase()));
    const markets = lowerSet(url, 'market');
    const wantMoneyline = !markets || markets.has(MONEYLINE_ID);
    const data = fixtureIds.flatMap((id) => {
      const view = this.opts.world.fixture(id);
      if (!view) return [];
      const odds = wantMoneyline
        ? this.opts.world.boardOdds(id, (b) => bookSet.has(b.id) || bookSet.has(b.name.toLowerCase()), 'rest')
        : [];
      return [{ ...fixtureJson(view.fixture, view.reported.status, view.reported.spelling), odds }];
    });
    sendJson(res, 200, { data });
  }

  private results(res: ServerResponse, url: URL): void {
    const fixtureIds = listParam(url, 'fixture_id');
    if (fixtureIds.length === 0) return sendJson(res, 400, errorBody('fixture_id is required'));
    const data = fixtureIds.flatMap((id) => {
      const view = this.opts.world.fixture(id);
      if (!view) return [];
      const score = scoreJson(view.fixture, view.reported);
      return [{ ...resultsJson(view.fixture, view.reported), fixture: score.fixture, scores: score.scores, in_play: score.in_play ?? null }];
    });
    sendJson(res, 200, { data });
  }

  // ------------------------------------------------------------------ streams

  private openStream(req: IncomingMessage, res: ServerResponse, url: URL, kind: StreamKind, sport: string): void {
    if (!(sport in SPORTS)) return sendJson(res, 404, errorBody(`unknown sport: ${sport}`));
    const lastEntryText = url.searchParams.get('last_entry_id');
    const lastEntry = lastEntryText === null || lastEntryText === '' ? null : parseEntryId(lastEntryText);
    if (lastEntryText && !lastEntry) return sendJson(res, 400, errorBody('malformed last_entry_id'));
    const refusal = this.opts.faults.takeStreamRefusal();
    if (refusal) {
      const headers: Record<string, string> = {};
      if (refusal.retryAfterSeconds !== undefined) headers['retry-after'] = String(refusal.retryAfterSeconds);
      return sendJson(res, refusal.status, errorBody('stream unavailable'), headers);
    }
    const books = listParam(url, 'sportsbook');
    const leagueList = listParam(url, 'league');
    if (books.length > MAX_SPORTSBOOKS_PER_REQUEST) {
      return sendJson(res, 400, errorBody(`at most ${MAX_SPORTSBOOKS_PER_REQUEST} sportsbooks per stream connection`));
    }
    if (kind === 'odds' && leagueList.length > MAX_LEAGUES_PER_STREAM) {
      return sendJson(res, 400, errorBody(`at most ${MAX_LEAGUES_PER_STREAM} leagues per stream connection`));
    }
    const filter: StreamFilter = {
      kind,
      sport,
      sportsbooks: lowerSet(url, 'sportsbook'),
      markets: lowerSet(url, 'market'),
      leagues: lowerSet(url, 'league'),
      fixtureIds: listParam(url, 'fixture_id').length > 0 ? new Set(listParam(url, 'fixture_id')) : null,
      fixtureUpdates: boolParam(url, 'include_fixture_updates') === true,
    };
    // Bring the world up to now first, so that the replay and the live frames join without a gap.
    this.opts.world.advanceTo(this.opts.clock.now());
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`event: connected\nretry: ${this.retryMs}\ndata: ok go\n\n`);
    const conn: Connection = { res, filter };
    if (lastEntry) {
      if (this.opts.world.log.hasGapAfter(lastEntry)) {
        this.opts.logger.warn('opticodds simulator: resume point older than the kept history, replay has a gap', { lastEntryId: lastEntryText });
        this.metrics.increment('sim.sports.resume_gaps');
      }
      let skip = this.opts.faults.takeResumeSkip();
      for (const entry of this.opts.world.log.since(lastEntry)) {
        if (!this.matches(filter, entry)) continue;
        if (skip > 0) {
          skip -= 1;
          this.metrics.increment('sim.sports.resume_skipped');
          continue;
        }
        this.writeEntry(conn, entry);
      }
    }
    this.connections.add(conn);
    this.metrics.gauge('sim.sports.streams.open', this.connections.size);
    const drop = (): void => {
      if (this.connections.delete(conn)) this.metrics.gauge('sim.sports.streams.open', this.connections.size);
    };
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
  }

  private matches(f: StreamFilter, e: FeedEntry): boolean {
    if (e.stream !== f.kind || e.sport !== f.sport) return false;
    if (e.event === 'fixture-status' && !f.fixtureUpdates) return false;
    if (f.leagues && !f.leagues.has(e.league)) return false;
    if (f.fixtureIds && !f.fixtureIds.has(e.fixtureId)) return false;
    if (e.sportsbook !== undefined && f.sportsbooks) {
      const book = this.opts.world.books.find((b) => b.name === e.sportsbook);
      if (!f.sportsbooks.has(e.sportsbook.toLowerCase()) && !(book && f.sportsbooks.has(book.id))) return false;
    }
    if (e.market !== undefined && f.markets && !f.markets.has(e.market.toLowerCase())) return false;
    return true;
  }

  private writeEntry(conn: Connection, entry: FeedEntry): void {
    const { res } = conn;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      this.opts.logger.warn('opticodds simulator: dropping a slow stream consumer', { buffered: res.writableLength });
      this.connections.delete(conn);
      res.destroy();
      return;
    }
    res.write(`id: ${entry.id}\nevent: ${entry.event}\ndata: ${entry.json}\n\n`);
  }

  private broadcast(entry: FeedEntry): void {
    this.metrics.increment('sim.sports.entries', 1, { event: entry.event });
    if (this.opts.faults.shouldDrop(entry)) return;
    if (!this.opts.faults.framesAllowed()) return;
    for (const conn of this.connections) if (this.matches(conn.filter, entry)) this.writeEntry(conn, entry);
  }

  private pingAll(): void {
    if (!this.opts.faults.pingsAllowed() || this.connections.size === 0) return;
    const frame = `event: ping\ndata: ${isoDate(this.opts.clock.now())}\n\n`;
    for (const conn of this.connections) conn.res.write(frame);
  }

  private cutAll(): number {
    const n = this.connections.size;
    for (const conn of this.connections) conn.res.destroy();
    this.connections.clear();
    return n;
  }
}
