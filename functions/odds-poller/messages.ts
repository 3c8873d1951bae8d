/**
 * The odds poller's two messages:
 *  - `poll-league` (fan-out queue → the worker): one league to poll;
 *  - `odds-update` (→ the bot's odds queue): the no-vig consensus of one fixture's market.
 * Probabilities and confidence travel as decimal strings (6 places), never as binary floats on the wire;
 * `toConsensusProbability` turns an update back into the engine's ConsensusProbability.
 */
import * as z from 'zod';
import type { ConsensusProbability } from '../../shared/domain/feed-events.js';
import type { OddsUpdateMessage } from '../../shared/messages/queue-messages.js';

export const pollLeagueMessageSchema = z.object({
  type: z.literal('poll-league'),
  sport: z.string().min(1).max(100),
  league: z.string().min(1).max(100),
  /** Epoch ms of the scheduled run that fanned this out. */
  scheduledAt: z.number().int().nonnegative(),
});
export type PollLeagueMessage = z.infer<typeof pollLeagueMessageSchema>;

export { oddsUpdateMessageSchema, type OddsUpdateMessage } from '../../shared/messages/queue-messages.js';

export function probabilityToText(p: number): string {
  return Math.min(1, Math.max(0, p)).toFixed(6);
}

export function oddsUpdateFromConsensus(c: ConsensusProbability, sport: string, league: string): OddsUpdateMessage {
  return {
    type: 'odds-update',
    version: 1,
    fixtureId: c.fixtureId,
    sport,
    league,
    market: c.market,
    probabilities: Object.fromEntries(Object.entries(c.probabilities).map(([k, v]) => [k, probabilityToText(v)])),
    confidence: probabilityToText(c.confidence),
    books: c.books,
    maxAgeMs: Math.max(0, Math.round(c.maxAgeMs)),
    computedAt: c.computedAt,
  };
}

/** For the consumer (the bot): a validated update as the engine's ConsensusProbability. */
export function toConsensusProbability(m: OddsUpdateMessage): ConsensusProbability {
  return {
    fixtureId: m.fixtureId,
    market: m.market,
    probabilities: Object.fromEntries(Object.entries(m.probabilities).map(([k, v]) => [k, Number(v)])),
    confidence: Number(m.confidence),
    books: m.books,
    maxAgeMs: m.maxAgeMs,
    computedAt: m.computedAt,
  };
}
