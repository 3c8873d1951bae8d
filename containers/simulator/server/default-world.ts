/**
 * A small default world for local runs without a sports module: two NBA games with a moneyline market each,
 * and (with `finishedGame`) a third game that ended three hours ago, whose market the runner settles, so the
 * settlement endpoint has something to show.
 */
import type { SimEventSpec, SimMarketSpec } from '../module.js';

export interface SimWorld {
  events: SimEventSpec[];
  markets: SimMarketSpec[];
}

interface SimGame {
  slug: string;
  home: string;
  away: string;
  gameId: string;
  /** The away team's win probability at start. */
  p: number;
  start: number;
}

/** NBA games, one event and one moneyline market (away team to win) each. */
function nbaMoneylines(games: readonly SimGame[]): SimWorld {
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

/** The market of the finished game of `defaultWorld(now, { finishedGame: true })`, to settle at start. */
export const FINISHED_MARKET_SLUG = 'nba-mia-chi-moneyline';

export function defaultWorld(now: number, opts: { finishedGame?: boolean } = {}): SimWorld {
  const hour = 3_600_000;
  const games: SimGame[] = [
    { slug: 'nba-bos-nyk', home: 'New York Knicks', away: 'Boston Celtics', gameId: 'SIM-NBA-1', p: 0.58, start: now + hour },
    { slug: 'nba-lal-gsw', home: 'Golden State Warriors', away: 'Los Angeles Lakers', gameId: 'SIM-NBA-2', p: 0.47, start: now + 2 * hour },
  ];
  if (opts.finishedGame) {
    games.push({ slug: 'nba-mia-chi', home: 'Chicago Bulls', away: 'Miami Heat', gameId: 'SIM-NBA-0', p: 0.5, start: now - 3 * hour });
  }
  return nbaMoneylines(games);
}

/**
 * A world of `count` listed markets (load runs: `npm start -- --markets 200`): synthetic NBA games hours from
 * now, one moneyline market each, so the catalogue is large without touching the seeded games.
 */
export function listedMarketsWorld(now: number, count: number): SimWorld {
  const hour = 3_600_000;
  return nbaMoneylines(
    Array.from({ length: Math.max(0, Math.floor(count)) }, (_, i) => ({
      slug: `nba-load-${String(i + 1).padStart(3, '0')}`,
      home: `Home ${i + 1}`,
      away: `Away ${i + 1}`,
      gameId: `SIM-LOAD-${i + 1}`,
      p: 0.3 + ((i * 37) % 41) / 100,
      start: now + (3 + (i % 24)) * hour,
    })),
  );
}
