/**
 * Standing down while the breaker refuses opening trades.
 *
 * A tripped loss breaker (or the kill switch) refuses every trade that opens a position; a trade that reduces
 * one passes only where the bot holds that position (risk-manager.ts: `nothing to reduce` otherwise). So in a
 * market where the bot holds nothing — no position and no open order — every signal a strategy could send
 * would be refused, and it has no order there to cancel. While the breaker stands, the engine does not offer
 * the strategies events about such markets (a market update for one, a game or odds update for a fixture
 * whose markets are all such): the same trades as offering them, without the work of the signals the risk
 * manager would refuse one by one (on data/sample, where the breaker trips 20 s in, ~700 of its 1,832
 * decisions, all refusals). Markets where it holds something, and the periodic timer, are offered as before.
 *
 * What changes: those refusals are no longer decided, so they are not counted in reports' risk blocks
 * (`engine.stood_down` counts the events not offered instead); and the strategies do not hear those events, so
 * what they remember of such a market (cooldowns, last quotes) is as of the trip when it trades again (after
 * the daily reset, or once the bot holds something there).
 */
import type { ConsensusProbability } from '../domain/feed-events.js';
import type { GameState } from '../domain/game.js';
import type { MarketState } from '../domain/market.js';
import type { EventKind, EventPayload } from './strategy-dispatch.js';

/** What the bot holds, as the stand-down reads it. */
export interface Holdings {
  /** A position or an open order in the market. */
  holdsAnythingIn(marketSlug: string): boolean;
  marketsForFixture(fixtureId: string): readonly string[];
}

function heldInFixture(h: Holdings, fixtureId: string): boolean {
  const markets = h.marketsForFixture(fixtureId);
  for (let i = 0; i < markets.length; i++) if (h.holdsAnythingIn(markets[i] as string)) return true;
  return false;
}

/** True when the event is about markets where the bot holds nothing (the timer never is). */
export function aboutNothingHeld<K extends EventKind>(h: Holdings, kind: K, payload: EventPayload[K]): boolean {
  switch (kind) {
    case 'market':
      return !h.holdsAnythingIn((payload as MarketState).marketSlug);
    case 'odds':
      return !heldInFixture(h, (payload as ConsensusProbability).fixtureId);
    case 'game':
      return !heldInFixture(h, (payload as GameState).gameId);
    default:
      return false;
  }
}
