/** The leagues to poll, from `ODDS_LEAGUES` = "sport:league,sport:league" (e.g. "basketball:NBA,football:NFL"). */
import type { LeagueRef } from './poll-league.js';

export const DEFAULT_LEAGUES: readonly LeagueRef[] = [{ sport: 'basketball', league: 'NBA' }];

export class InvalidLeagueListError extends Error {
  constructor(entry: string) {
    super(`ODDS_LEAGUES entry ${JSON.stringify(entry.slice(0, 60))} is not "sport:league"`);
    this.name = 'InvalidLeagueListError';
  }
}

export function parseLeagues(text: string | undefined): LeagueRef[] {
  if (text === undefined || text.trim() === '') return [...DEFAULT_LEAGUES];
  const out: LeagueRef[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = /^([A-Za-z0-9_-]+):([A-Za-z0-9 _.-]+)$/.exec(entry);
    if (!m) throw new InvalidLeagueListError(entry);
    const ref = { sport: m[1] as string, league: (m[2] as string).trim() };
    const key = `${ref.sport.toLowerCase()}:${ref.league.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ref);
  }
  return out;
}
