/**
 * Public (gateway) REST routes: events, markets, books, best bid/offer, settlement and search
 * (docs/venue-rules.md, "Public REST"). No authentication; rate-limited per IP. The sports catalogue (series,
 * sports, leagues, tags, teams) is in ./catalog-routes.ts.
 */
import type { SimEvent, SimMarket } from '../exchange/types.js';
import { HttpError, queryBool, queryInt, queryList } from './http-io.js';
import { bboToWire, bookToWire, eventToWire, marketToWire, settlementToWire } from './market-wire.js';
import { type Route, type RouteContext } from './routes.js';
import { leagueSlugOf, seriesIdOfLeague, tagsOf, eventHasTag } from './sports-wire.js';
import { engineIdOf, wireGameId, wireIdOf } from './wire-ids.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export function pageOf<T>(items: T[], url: URL): T[] {
  const limit = queryInt(url, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT;
  const offset = queryInt(url, 'offset') ?? 0;
  return items.slice(offset, offset + limit);
}

/** A time query parameter as ISO-8601 or epoch ms; 400 when malformed. */
function queryTime(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = /^\d{1,16}$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new HttpError(400, `query parameter ${name} must be an ISO-8601 time`);
  return ms;
}

export function notFound(what: string): never {
  throw new HttpError(404, `${what} not found`);
}

function market(ctx: RouteContext, slug: string): SimMarket {
  return ctx.exchange.getMarket(slug) ?? notFound(`market ${slug}`);
}

/** `gameId` filter: the contract's integer, or (as the simulator also accepts) the provider's own id. */
function matchesGame(e: { gameId: string | null }, wanted: string): boolean {
  return e.gameId !== null && (e.gameId === wanted || String(wireGameId(e.gameId)) === wanted);
}

type Sortable = Record<string, string | number | null>;

/** `orderBy` (repeatable field names) and `orderDirection` (asc | desc); 400 on a field it cannot sort by. */
function sortBy<T>(items: T[], url: URL, keysOf: (x: T) => Sortable): T[] {
  const fields = queryList(url, 'orderBy');
  if (fields.length === 0) return items;
  const dir = (url.searchParams.get('orderDirection') ?? 'asc').toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw new HttpError(400, 'orderDirection must be asc or desc');
  const sample = items[0] ? keysOf(items[0]) : null;
  for (const f of fields) {
    if (sample && !(f in sample)) throw new HttpError(400, `cannot order by ${f.slice(0, 40)}`);
  }
  const sign = dir === 'asc' ? 1 : -1;
  const keyed = items.map((x) => ({ x, k: keysOf(x) }));
  keyed.sort((a, b) => {
    for (const f of fields) {
      const va = a.k[f] ?? '';
      const vb = b.k[f] ?? '';
      if (va < vb) return -sign;
      if (va > vb) return sign;
    }
    return 0;
  });
  return keyed.map((k) => k.x);
}

function eventSortKeys(e: SimEvent): Sortable {
  return { id: Number(wireIdOf(e.id)), slug: e.slug, title: e.title, startDate: e.startTime, startTime: e.startTime };
}

function marketSortKeys(eventsBySlug: Map<string, SimEvent>): (m: SimMarket) => Sortable {
  return (m) => ({ id: Number(wireIdOf(m.id)), slug: m.slug, title: m.title, question: m.title, startDate: eventsBySlug.get(m.eventSlug)?.startTime ?? null });
}

/** Filters GET /v1/events (and the event lists of the catalogue) understand. */
export function filterEvents(ctx: RouteContext, events: SimEvent[]): SimEvent[] {
  const { url } = ctx;
  const ids = new Set(queryList(url, 'id'));
  const seriesIds = new Set(queryList(url, 'seriesId'));
  const gameId = url.searchParams.get('gameId');
  const sportradar = url.searchParams.get('sportradarGameId');
  const tagSlug = url.searchParams.get('tagSlug');
  const tag = tagSlug ? tagsOf(events).find((t) => t.slug === tagSlug.toLowerCase()) : undefined;
  const live = queryBool(url, 'live');
  const ended = queryBool(url, 'ended');
  const now = ctx.now();
  return events
    .filter((e) => ids.size === 0 || ids.has(wireIdOf(e.id)))
    .filter((e) => seriesIds.size === 0 || seriesIds.has(seriesIdOfLeague(leagueSlugOf(e) ?? '')))
    .filter((e) => !gameId || matchesGame(e, gameId))
    .filter((e) => !sportradar || e.gameId === sportradar)
    .filter((e) => !tagSlug || (tag !== undefined && eventHasTag(e, tag)))
    .filter((e) => ended === undefined || e.closed === ended)
    .filter((e) => live === undefined || (e.startTime <= now && !e.closed) === live);
}

function listEvents(ctx: RouteContext): SimEvent[] {
  const { url } = ctx;
  return ctx.exchange.listEvents({
    slugs: queryList(url, 'slug'),
    active: queryBool(url, 'active'),
    closed: queryBool(url, 'closed'),
    startTimeMin: queryTime(url, 'startTimeMin'),
    startTimeMax: queryTime(url, 'startTimeMax'),
  });
}

export const publicRoutes: Route[] = [
  {
    method: 'GET',
    template: '/v1/events',
    auth: false,
    handle(ctx) {
      const events = sortBy(filterEvents(ctx, listEvents(ctx)), ctx.url, eventSortKeys);
      return { body: { events: pageOf(events, ctx.url).map(eventToWire) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/events/slug/{slug}',
    auth: false,
    handle(ctx) {
      const e = ctx.exchange.listEvents({ slugs: [ctx.params[0]!] })[0] ?? notFound(`event ${ctx.params[0]}`);
      return { body: { event: eventToWire(e) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/events/{id}',
    auth: false,
    handle(ctx) {
      const e = ctx.exchange.getEvent(engineIdOf(ctx.params[0]!, 'evt-')) ?? notFound(`event ${ctx.params[0]}`);
      return { body: { event: eventToWire(e) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/markets',
    auth: false,
    handle(ctx) {
      const { url } = ctx;
      const ids = new Set(queryList(url, 'id'));
      const types = queryList(url, 'sportsMarketTypes');
      const gameId = url.searchParams.get('gameId');
      const events = ctx.exchange.listEvents();
      const eventsBySlug = new Map(events.map((e) => [e.slug, e]));
      const markets = ctx.exchange
        .listMarkets({
          slugs: queryList(url, 'slug'),
          eventSlugs: queryList(url, 'eventSlug'),
          active: queryBool(url, 'active'),
          closed: queryBool(url, 'closed'),
        })
        .filter((m) => ids.size === 0 || ids.has(wireIdOf(m.id)))
        .filter((m) => !gameId || matchesGame(m, gameId));
      const wire = sortBy(markets, url, marketSortKeys(eventsBySlug))
        .map((m) => marketToWire(m, eventsBySlug.get(m.eventSlug)))
        .filter((m) => types.length === 0 || types.includes(String(m.sportsMarketType)));
      return { body: { markets: pageOf(wire, url) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/market/id/{id}',
    auth: false,
    handle(ctx) {
      const m = ctx.exchange.getMarket(engineIdOf(ctx.params[0]!, 'mkt-')) ?? notFound(`market ${ctx.params[0]}`);
      return { body: { market: marketToWire(m, ctx.exchange.getEvent(m.eventSlug)) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/market/slug/{slug}',
    auth: false,
    handle(ctx) {
      const m = ctx.exchange.listMarkets({ slugs: [ctx.params[0]!] })[0] ?? notFound(`market ${ctx.params[0]}`);
      return { body: { market: marketToWire(m, ctx.exchange.getEvent(m.eventSlug)) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/markets/{slug}/book',
    auth: false,
    handle(ctx) {
      market(ctx, ctx.params[0]!);
      return { body: { marketData: bookToWire(ctx.exchange.book(ctx.params[0]!)) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/markets/{slug}/bbo',
    auth: false,
    handle(ctx) {
      market(ctx, ctx.params[0]!);
      return { body: { marketData: bboToWire(ctx.exchange.bbo(ctx.params[0]!)) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/markets/{slug}/settlement',
    auth: false,
    handle(ctx) {
      const slug = ctx.params[0]!;
      market(ctx, slug);
      const s = ctx.exchange.getSettlement(slug) ?? notFound(`settlement of market ${slug}`);
      return { body: settlementToWire(s) };
    },
  },
  {
    method: 'GET',
    template: '/v1/search',
    auth: false,
    handle(ctx) {
      const q = (ctx.url.searchParams.get('query') ?? ctx.url.searchParams.get('q') ?? '').trim().toLowerCase();
      const seriesIds = new Set(queryList(ctx.url, 'seriesIds'));
      const matches = (...texts: (string | null)[]) => q === '' || texts.some((t) => t !== null && t.toLowerCase().includes(q));
      const events = ctx.exchange
        .listEvents()
        .filter((e) => seriesIds.size === 0 || seriesIds.has(seriesIdOfLeague(leagueSlugOf(e) ?? '')))
        .filter((e) => matches(e.slug, e.title, e.homeTeam, e.awayTeam, e.league) || e.markets.some((m) => matches(m.slug, m.title, m.outcome)));
      return { body: { events: pageOf(events, ctx.url).map(eventToWire) } };
    },
  },
];
