/** A small default world for local runs without a sports module: two NBA games with a moneyline market each. */
import type { SimEventSpec, SimMarketSpec } from '../module.js';

export interface SimWorld {
  events: SimEventSpec[];
  markets: SimMarketSpec[];
}

export function defaultWorld(now: number): SimWorld {
  const hour = 3_600_000;
  const games = [
    { slug: 'nba-bos-nyk', home: 'New York Knicks', away: 'Boston Celtics', gameId: 'SIM-NBA-1', p: 0.58, start: now + hour },
    { slug: 'nba-lal-gsw', home: 'Golden State Warriors', away: 'Los Angeles Lakers', gameId: 'SIM-NBA-2', p: 0.47, start: now + 2 * hour },
  ];
  return {
    events: games.map((g) => ({
      slug: g.slug,
      title: `${g.away} at ${g.home}`,
      startTime: g.start,
      sport: 'basketball',
      league: 'NBA',
      gameId: g.gameId,
      homeTeam: g.home,
      awayTeam: g.away,
    })),
    markets: games.map((g) => ({
      slug: `${g.slug}-moneyline`,
      eventSlug: g.slug,
      title: `${g.away} at ${g.home}: ${g.away} to win`,
      outcome: g.away,
      team: g.away,
      initialProbability: g.p,
    })),
  };
}
