/**
 * Public (gateway) REST routes of the sports catalogue and the venue's other listings (docs/venue-rules.md,
 * "Public REST"): series, sports (v1 and v2), leagues, tags, teams, players, partner look-ups, price history.
 * Everything is derived from the exchange's events (./sports-wire.ts); lists the simulator has nothing for
 * (players, crypto asset prices) answer their empty shape.
 */
import type { SimEvent } from '../exchange/types.js';
import { HttpError, queryList } from './http-io.js';
import { eventToWire } from './market-wire.js';
import { filterEvents, notFound, pageOf } from './public-routes.js';
import { type Route, type RouteContext } from './routes.js';
import {
  eventHasTag,
  leagueSlugOf,
  leagueToWire,
  leaguesOf,
  seriesIdOfLeague,
  seriesToWire,
  sportToWire,
  sportV1ToWire,
  sportsOf,
  sportsTeamToWire,
  tagToWire,
  tagsOf,
  teamsOf,
  type TagInfo,
} from './sports-wire.js';
import { slugOf, wireGameId } from './wire-ids.js';
import { usdNumber } from './wire-format.js';

/** The `{ type, typeTitle, section, sectionTitle, events }` envelope of the sport / league event lists. */
function section(ctx: RouteContext, events: SimEvent[]): Record<string, unknown> {
  const type = ctx.url.searchParams.get('type') ?? 'sport';
  const sec = ctx.url.searchParams.get('section') ?? 'general';
  if (!['sport', 'futures'].includes(type)) throw new HttpError(400, 'type must be sport or futures');
  if (!['general', 'trending'].includes(sec)) throw new HttpError(400, 'section must be general or trending');
  const excluded = new Set(queryList(ctx.url, 'excludeEventId'));
  // The simulator lists games only: a futures section is empty.
  const listed = type === 'futures' ? [] : events.filter((e) => !excluded.has(eventToWire(e).id as string));
  return {
    type,
    typeTitle: type === 'sport' ? 'Games' : 'Futures',
    section: sec,
    sectionTitle: sec === 'general' ? 'All' : 'Trending',
    events: pageOf(listed, ctx.url).map(eventToWire),
  };
}

function tagOf(ctx: RouteContext, find: (t: TagInfo) => boolean, what: string): TagInfo {
  return tagsOf(ctx.exchange.listEvents()).find(find) ?? notFound(what);
}

export const catalogRoutes: Route[] = [
  {
    method: 'GET',
    template: '/v1/series',
    auth: false,
    handle(ctx) {
      const slugs = queryList(ctx.url, 'slug');
      const series = leaguesOf(ctx.exchange.listEvents()).filter((l) => slugs.length === 0 || slugs.includes(l.slug));
      return { body: { series: pageOf(series, ctx.url).map(seriesToWire) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/series/id/{id}',
    auth: false,
    handle(ctx) {
      const l = leaguesOf(ctx.exchange.listEvents()).find((x) => seriesIdOfLeague(x.slug) === ctx.params[0]) ?? notFound(`series ${ctx.params[0]}`);
      return { body: { series: seriesToWire(l) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/sports',
    auth: false,
    handle(ctx) {
      return { body: { sports: sportsOf(ctx.exchange.listEvents()).map(sportV1ToWire) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/sports/teams',
    auth: false,
    handle(ctx) {
      const leagues = queryList(ctx.url, 'filters.league').map((l) => l.toLowerCase());
      const names = queryList(ctx.url, 'filters.name');
      const teams = teamsOf(ctx.exchange.listEvents())
        .filter((t) => leagues.length === 0 || (t.league !== null && leagues.includes(t.league.slug)))
        .filter((t) => names.length === 0 || names.includes(t.name));
      return { body: { teams: pageOf(teams, ctx.url).map(sportsTeamToWire) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/sports/teams/provider',
    auth: false,
    handle(ctx) {
      const league = ctx.url.searchParams.get('league')?.toLowerCase() ?? null;
      const teams: Record<string, Record<string, unknown>> = {};
      for (const t of teamsOf(ctx.exchange.listEvents())) {
        if (league && t.league?.slug !== league) continue;
        const wire = sportsTeamToWire(t);
        teams[wire.id as string] = wire;
      }
      return { body: { teams } };
    },
  },
  {
    method: 'GET',
    template: '/v1/sports/players',
    auth: false,
    handle() {
      return { body: { players: [] } };
    },
  },
  {
    method: 'GET',
    template: '/v1/sports/{seriesId}/events',
    auth: false,
    handle(ctx) {
      const events = ctx.exchange.listEvents();
      const sport = sportsOf(events).find((s) => s.leagues.some((l) => seriesIdOfLeague(l.slug) === ctx.params[0])) ?? notFound(`series ${ctx.params[0]}`);
      const inSeries = events.filter((e) => seriesIdOfLeague(leagueSlugOf(e) ?? '') === ctx.params[0]);
      return { body: { ...section(ctx, inSeries), category: sportV1ToWire(sport) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/sports',
    auth: false,
    handle(ctx) {
      return { body: { sports: sportsOf(ctx.exchange.listEvents()).map((s) => sportToWire(s)) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/sports/{slug}',
    auth: false,
    handle(ctx) {
      const s = sportsOf(ctx.exchange.listEvents()).find((x) => x.slug === ctx.params[0]) ?? notFound(`sport ${ctx.params[0]}`);
      return { body: { sport: sportToWire(s) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/sports/{slug}/events',
    auth: false,
    handle(ctx) {
      const events = ctx.exchange.listEvents({ active: true });
      const s = sportsOf(ctx.exchange.listEvents()).find((x) => x.slug === ctx.params[0]) ?? notFound(`sport ${ctx.params[0]}`);
      return { body: { ...section(ctx, events.filter((e) => e.sport !== null && slugOf(e.sport) === s.slug)), sport: sportToWire(s, false) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/leagues',
    auth: false,
    handle(ctx) {
      return { body: { leagues: pageOf(leaguesOf(ctx.exchange.listEvents()), ctx.url).map(leagueToWire) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/leagues/{slug}',
    auth: false,
    handle(ctx) {
      const l = leaguesOf(ctx.exchange.listEvents()).find((x) => x.slug === ctx.params[0]) ?? notFound(`league ${ctx.params[0]}`);
      return { body: { league: leagueToWire(l) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/leagues/{slug}/events',
    auth: false,
    handle(ctx) {
      const l = leaguesOf(ctx.exchange.listEvents()).find((x) => x.slug === ctx.params[0]) ?? notFound(`league ${ctx.params[0]}`);
      const events = ctx.exchange.listEvents({ active: true }).filter((e) => leagueSlugOf(e) === l.slug);
      return { body: { ...section(ctx, events), league: leagueToWire(l) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/tags',
    auth: false,
    handle(ctx) {
      const slugs = queryList(ctx.url, 'slug');
      const ids = queryList(ctx.url, 'ids');
      const tags = tagsOf(ctx.exchange.listEvents())
        .filter((t) => slugs.length === 0 || slugs.includes(t.slug))
        .filter((t) => ids.length === 0 || ids.includes(t.id));
      return { body: { tags: pageOf(tags, ctx.url).map(tagToWire) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/tags/slug/{slug}',
    auth: false,
    handle(ctx) {
      return { body: { tag: tagToWire(tagOf(ctx, (t) => t.slug === ctx.params[0], `tag ${ctx.params[0]}`)) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/tags/{id}',
    auth: false,
    handle(ctx) {
      return { body: { tag: tagToWire(tagOf(ctx, (t) => t.id === ctx.params[0], `tag ${ctx.params[0]}`)) } };
    },
  },
  {
    method: 'GET',
    template: '/v2/tags/{slug}/events',
    auth: false,
    handle(ctx) {
      const tag = tagOf(ctx, (t) => t.slug === ctx.params[0], `tag ${ctx.params[0]}`);
      const events = filterEvents(ctx, ctx.exchange.listEvents()).filter((e) => eventHasTag(e, tag));
      return { body: { events: pageOf(events, ctx.url).map(eventToWire) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/partners/{partnerKey}/events/{externalId}',
    auth: false,
    handle(ctx) {
      const id = ctx.params[1]!;
      const e =
        ctx.exchange.listEvents().find((x) => x.gameId !== null && (x.gameId === id || String(wireGameId(x.gameId)) === id)) ??
        notFound(`event with ${ctx.params[0]} id ${id}`);
      return { body: { event: eventToWire(e), mappedMarketSides: [] } };
    },
  },
  {
    method: 'GET',
    template: '/v1/price-history',
    auth: false,
    handle(ctx) {
      const symbol = ctx.url.searchParams.get('symbol');
      if (!symbol) throw new HttpError(400, 'query parameter symbol is required');
      if (!ctx.exchange.getMarket(symbol)) notFound(`market ${symbol}`);
      // No history is kept: the last traded price, when there is one, as a single point.
      const last = ctx.exchange.bbo(symbol).lastTradePx;
      const history = last === null ? [] : [{ timestamp: ctx.now(), longPrice: usdNumber(last), shortPrice: usdNumber(1_000_000 - last) }];
      return { body: { history } };
    },
  },
  {
    method: 'GET',
    template: '/v1/asset-prices/history',
    auth: false,
    handle() {
      return { body: { series: [] } };
    },
  },
];
