/**
 * The sports catalogue the venue lists beside its events (docs/venue-rules.md, "Public REST": series, sports v1
 * and v2, leagues, tags, teams), derived from the exchange's events: every league is a series, a league and a
 * tag; every sport is a sport and a tag; every home / away team is a team. Ids are stable numbers
 * (./wire-ids.ts), so the same world lists the same ids on every run.
 */
import type { SimEvent } from '../exchange/types.js';
import { slugOf, stableId } from './wire-ids.js';
import { compact } from './wire-format.js';

type Json = Record<string, unknown>;

export interface LeagueInfo {
  id: number;
  slug: string;
  name: string;
  sportSlug: string;
  sportName: string;
}

export interface SportInfo {
  id: number;
  slug: string;
  name: string;
  leagues: LeagueInfo[];
}

export interface TeamInfo {
  name: string;
  league: LeagueInfo | null;
}

export function sportId(slug: string): number {
  return stableId(`sport:${slug}`);
}
export function leagueId(slug: string): number {
  return stableId(`league:${slug}`);
}
export function seriesIdOfLeague(slug: string): string {
  return String(stableId(`series:${slug}`));
}
export function tagIdOf(kind: 'sport' | 'league', slug: string): string {
  return String(stableId(`tag:${kind}:${slug}`));
}
export function teamId(name: string): number {
  return stableId(`team:${name}`);
}

/** The leagues of the events, in first-seen order. */
export function leaguesOf(events: readonly SimEvent[]): LeagueInfo[] {
  const out = new Map<string, LeagueInfo>();
  for (const e of events) {
    if (!e.league) continue;
    const slug = slugOf(e.league);
    const sportName = e.sport ?? 'sports';
    if (!out.has(slug)) out.set(slug, { id: leagueId(slug), slug, name: e.league, sportSlug: slugOf(sportName), sportName });
  }
  return [...out.values()];
}

export function sportsOf(events: readonly SimEvent[]): SportInfo[] {
  const out = new Map<string, SportInfo>();
  for (const l of leaguesOf(events)) {
    const s = out.get(l.sportSlug) ?? { id: sportId(l.sportSlug), slug: l.sportSlug, name: l.sportName, leagues: [] };
    s.leagues.push(l);
    out.set(l.sportSlug, s);
  }
  for (const e of events) {
    if (!e.sport || out.has(slugOf(e.sport))) continue;
    out.set(slugOf(e.sport), { id: sportId(slugOf(e.sport)), slug: slugOf(e.sport), name: e.sport, leagues: [] });
  }
  return [...out.values()];
}

export function teamsOf(events: readonly SimEvent[]): TeamInfo[] {
  const leagues = new Map(leaguesOf(events).map((l) => [l.slug, l]));
  const out = new Map<string, TeamInfo>();
  for (const e of events) {
    for (const name of [e.homeTeam, e.awayTeam]) {
      if (name && !out.has(name)) out.set(name, { name, league: e.league ? (leagues.get(slugOf(e.league)) ?? null) : null });
    }
  }
  return [...out.values()];
}

export function leagueSlugOf(e: SimEvent): string | null {
  return e.league ? slugOf(e.league) : null;
}

// ---- shapes ----

export function leagueToWire(l: LeagueInfo): Json {
  return { id: l.id, name: l.name, slug: l.slug, sportId: sportId(l.sportSlug), isOperational: true, activeSeriesId: Number(seriesIdOfLeague(l.slug)), abbreviation: l.name.toUpperCase() };
}

/** A v2 sport (`SportWithLeagues`); `withLeagues: false` gives the bare `Sport`. */
export function sportToWire(s: SportInfo, withLeagues = true): Json {
  return compact({ id: s.id, name: s.name, slug: s.slug, leagues: withLeagues ? s.leagues.map(leagueToWire) : undefined });
}

/** A v1 sport (`SportsV1Sport`): `series` lists the sport's series ids, comma-separated. */
export function sportV1ToWire(s: SportInfo): Json {
  return {
    sport: s.slug,
    image: '',
    resolution: '',
    ordering: 'home',
    tags: [tagIdOf('sport', s.slug), ...s.leagues.map((l) => tagIdOf('league', l.slug))].join(','),
    series: s.leagues.map((l) => seriesIdOfLeague(l.slug)).join(','),
    isOperational: true,
    automaticResolution: true,
  };
}

export function seriesToWire(l: LeagueInfo): Json {
  return { id: seriesIdOfLeague(l.slug), slug: l.slug, title: l.name, recurrence: 'daily', active: true };
}

export interface TagInfo {
  id: string;
  slug: string;
  label: string;
  league?: LeagueInfo;
  sport?: SportInfo;
}

export function tagsOf(events: readonly SimEvent[]): TagInfo[] {
  const tags: TagInfo[] = [];
  for (const s of sportsOf(events)) {
    tags.push({ id: tagIdOf('sport', s.slug), slug: s.slug, label: s.name, sport: s });
    for (const l of s.leagues) tags.push({ id: tagIdOf('league', l.slug), slug: l.slug, label: l.name, league: l });
  }
  return tags;
}

export function tagToWire(t: TagInfo): Json {
  return compact({
    id: t.id,
    label: t.label,
    slug: t.slug,
    tradable: true,
    league: t.league && { id: t.league.id, name: t.league.name, sportId: sportId(t.league.sportSlug), slug: t.league.slug },
    sport: t.sport && { id: t.sport.id, name: t.sport.name, slug: t.sport.slug },
  });
}

/** Whether an event is listed under a tag (its sport's or its league's). */
export function eventHasTag(e: SimEvent, t: TagInfo): boolean {
  if (t.league) return leagueSlugOf(e) === t.league.slug;
  return e.sport !== null && slugOf(e.sport) === t.slug;
}

/** A three-letter abbreviation of a team name (its last word's first letters: "Boston Celtics" → "CEL"). */
export function abbreviationOf(name: string): string {
  const words = name.split(/\s+/).filter(Boolean);
  return (words[words.length - 1] ?? name).slice(0, 3).toUpperCase();
}

/** A team as events list it (`teams[]`: an int32 id). */
export function teamToWire(name: string, league: string | null): Json {
  return compact({ id: teamId(name), name, abbreviation: abbreviationOf(name), league: league ? slugOf(league) : undefined, safeName: name });
}

/** A team of the v1 sports endpoints (`SportsTeam`: ids as int64 strings). */
export function sportsTeamToWire(t: TeamInfo): Json {
  return compact({
    id: String(teamId(t.name)),
    name: t.name,
    abbreviation: abbreviationOf(t.name),
    league: t.league?.slug,
    safeName: t.name,
    alias: t.name,
    providerIds: [{ provider: 'PROVIDER_SPORTRADAR', providerId: String(teamId(t.name)) }],
  });
}
