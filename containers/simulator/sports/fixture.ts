/** A simulated fixture: the static facts of one game, shared by the world and the wire builders. */
import type { SportDefinition } from './sports/sport.js';
import type { TeamInfo } from './teams.js';

export interface SimFixture {
  /** OpticOdds fixture id, e.g. "20261125A1B2C3D4"; also the exchange event's gameId. */
  fixtureId: string;
  numericalId: number;
  /** OpticOdds game_id, e.g. "41001-41013-2026-3". */
  gameId: string;
  def: SportDefinition;
  sport: string;
  league: string;
  home: TeamInfo;
  away: TeamInfo;
  /** Epoch ms of the start (tip-off / kick-off). */
  startMs: number;
  /** Expected regulation home margin (strengths + home advantage). */
  mu: number;
  /** Exchange event slug, e.g. "nba-bos-lal-2026-11-25" (away first, then home). */
  eventSlug: string;
  homeMarketSlug: string;
  awayMarketSlug: string;
}
