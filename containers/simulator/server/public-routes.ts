/**
 * Public (gateway) REST routes: events, markets, books, best bid/offer, settlement, search, series, sports
 * (api/polymarket-us.md, "REST endpoints", public table). No authentication; rate-limited per IP.
 */
import type { SimEvent } from '../exchange/types.js';
import { HttpError, queryBool, queryInt, queryList } from './http-io.js';
import { bboToWire, bookToWire, eventToWire, marketToWire, settlementToWire } from './market-wire.js';
import { path, type Route, type RouteContext } from './routes.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function pageOf<T>(items: T[], url: URL): T[] {
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

function lower(s: string | null): string | null {
  return s === null ? null : s.toLowerCase();
}

export interface SeriesInfo {
  id: string;
  slug: string;
  title: string;
  sport?: string;
  league: string;
}

/** Series are the leagues of the events on the exchange (e.g. NBA). */
export function seriesOf(events: readonly SimEvent[]): SeriesInfo[] {
  const out = new Map<string, SeriesInfo>();
  for (const e of events) {
    if (!e.league) continue;
    const slug = e.league.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    if (!out.has(slug)) out.set(slug, { id: `series-${slug}`, slug, title: e.league, sport: e.sport ?? undefined, league: e.league });
  }
  return [...out.values()];
}

function seriesIdOf(e: SimEvent): string | null {
  return e.league ? `series-${e.league.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` : null;
}

function notFound(what: string): never {
  throw new HttpError(404, `${what} not found`);
}

function market(ctx: RouteContext, slug: string) {
  return ctx.exchange.getMarket(slug) ?? notFound(`market ${slug}`);
}

export const publicRoutes: Route[] = [
  {
    method: 'GET',
    pattern: path('/v1/events'),
    auth: false,
    handle(ctx) {
      const { url } = ctx;
      const seriesIds = new Set(queryList(url, 'seriesId'));
      const tag = lower(url.searchParams.get('tagSlug'));
      const events = ctx.exchange
        .listEvents({
          slugs: queryList(url, 'slug'),
          active: queryBool(url, 'active'),
          closed: queryBool(url, 'closed'),
          gameId: url.searchParams.get('gameId') ?? undefined,
          startTimeMin: queryTime(url, 'startTimeMin'),
          startTimeMax: queryTime(url, 'startTimeMax'),
        })
        .filter((e) => seriesIds.size === 0 || seriesIds.has(seriesIdOf(e) ?? ''))
        .filter((e) => !tag || lower(e.sport) === tag || lower(e.league) === tag);
      return { body: { events: pageOf(events, url).map(eventToWire) } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/events/slug/{slug}'),
    auth: false,
    handle(ctx) {
      const e = ctx.exchange.listEvents({ slugs: [ctx.params[0]!] })[0] ?? notFound(`event ${ctx.params[0]}`);
      return { body: { event: eventToWire(e) } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/events/{id}'),
    auth: false,
    handle(ctx) {
      const e = ctx.exchange.getEvent(ctx.params[0]!) ?? notFound(`event ${ctx.params[0]}`);
      return { body: { event: eventToWire(e) } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/markets'),
    auth: false,
    handle(ctx) {
      const { url } = ctx;
      const markets = ctx.exchange.listMarkets({
        slugs: queryList(url, 'slug'),
        eventSlugs: queryList(url, 'eventSlug'),
        active: queryBool(url, 'active'),
        closed: queryBool(url, 'closed'),
        gameId: url.searchParams.get('gameId') ?? undefined,
      });
      return { body: { markets: pageOf(markets, url).map(marketToWire) } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/market/id/{id}'),
    auth: false,
    handle(ctx) {
      const m = ctx.exchange.listMarkets().find((x) => x.id === ctx.params[0]) ?? notFound(`market ${ctx.params[0]}`);
      return { body: { market: marketToWire(m) } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/market/slug/{slug}'),
    auth: false,
    handle(ctx) {
      const m = ctx.exchange.listMarkets({ slugs: [ctx.params[0]!] })[0] ?? notFound(`market ${ctx.params[0]}`);
      return { body: { market: marketToWire(m) } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/markets/{slug}/book'),
    auth: false,
    handle(ctx) {
      market(ctx, ctx.params[0]!);
      return { body: bookToWire(ctx.exchange.book(ctx.params[0]!)) };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/markets/{slug}/bbo'),
    auth: false,
    handle(ctx) {
      market(ctx, ctx.params[0]!);
      return { body: bboToWire(ctx.exchange.bbo(ctx.params[0]!)) };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/markets/{slug}/settlement'),
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
    pattern: path('/v1/search'),
    auth: false,
    handle(ctx) {
      const q = (ctx.url.searchParams.get('query') ?? ctx.url.searchParams.get('q') ?? '').trim().toLowerCase();
      const matches = (...texts: (string | null)[]) => q === '' || texts.some((t) => t !== null && t.toLowerCase().includes(q));
      const events = ctx.exchange
        .listEvents()
        .filter((e) => matches(e.slug, e.title, e.homeTeam, e.awayTeam, e.league) || e.markets.some((m) => matches(m.slug, m.title, m.outcome)));
      const markets = ctx.exchange.listMarkets().filter((m) => matches(m.slug, m.title, m.outcome, m.team));
      return { body: { events: pageOf(events, ctx.url).map(eventToWire), markets: pageOf(markets, ctx.url).map(marketToWire) } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/series'),
    auth: false,
    handle(ctx) {
      return { body: { series: pageOf(seriesOf(ctx.exchange.listEvents()), ctx.url) } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/series/id/{id}'),
    auth: false,
    handle(ctx) {
      const s = seriesOf(ctx.exchange.listEvents()).find((x) => x.id === ctx.params[0]) ?? notFound(`series ${ctx.params[0]}`);
      return { body: { series: s } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/sports'),
    auth: false,
    handle(ctx) {
      const sports = new Map<string, { slug: string; name: string; leagues: string[] }>();
      for (const e of ctx.exchange.listEvents()) {
        if (!e.sport) continue;
        const slug = e.sport.toLowerCase();
        const entry = sports.get(slug) ?? { slug, name: e.sport, leagues: [] };
        if (e.league && !entry.leagues.includes(e.league)) entry.leagues.push(e.league);
        sports.set(slug, entry);
      }
      return { body: { sports: [...sports.values()] } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/sports/teams/provider'),
    auth: false,
    handle(ctx) {
      const league = lower(ctx.url.searchParams.get('league'));
      const teams = new Map<string, { name: string; league?: string; sport?: string }>();
      for (const e of ctx.exchange.listEvents()) {
        if (league && lower(e.league) !== league) continue;
        for (const name of [e.homeTeam, e.awayTeam]) {
          if (name && !teams.has(name)) teams.set(name, { name, league: e.league ?? undefined, sport: e.sport ?? undefined });
        }
      }
      return { body: { teams: [...teams.values()] } };
    },
  },
];
