/** Typed events out of the sports and odds feeds (OpticOdds), in engine units. */
import type { GameState } from './game.js';

/** One sportsbook's price for one outcome of one market of one fixture. */
export interface OddsQuote {
  /**
   * The in-memory key of the quote, built from the provider's ids, never display names:
   * fixture id | sportsbook id | market id | normalized selection | selection line | points.
   */
  key: string;
  /** The provider's odd id, e.g. `28265-17233-24-44:pinnacle:moneyline:philadelphia_eagles`. */
  oddId: string;
  fixtureId: string;
  sport: string;
  league: string;
  sportsbook: string;
  /** The provider's sportsbook id (slug), e.g. "pinnacle"; absent on quotes built without one. */
  sportsbookId?: string;
  /** e.g. "Moneyline". */
  market: string;
  /** The provider's market id (slug), e.g. "moneyline". When present, markets are matched on it. */
  marketId?: string;
  /** The provider's normalised selection, e.g. "home", "over", a team slug. */
  normalizedSelection?: string;
  /** The book's stake limit (`limits.max` on REST, `limits.max_stake` on the stream); null when unknown. */
  maxStake?: number | null;
  /** Display name of the outcome, e.g. "Philadelphia Eagles" or "Over 247.5". */
  name: string;
  selection: string;
  selectionLine: string;
  points: number | null;
  /** American odds, e.g. -230 or 198. */
  americanOdds: number;
  isMain: boolean;
  isLive: boolean;
  /** True when the price is suspended/off the board (a `locked-odds` event): never part of a consensus. */
  locked: boolean;
  /** Provider timestamp, epoch ms. */
  timestamp: number;
  receivedAt: number;
}

export type FeedStream = 'odds' | 'results';

export type FeedEvent =
  | { type: 'game'; game: GameState; entryId: string | null }
  | { type: 'odds'; quotes: OddsQuote[]; entryId: string | null }
  | {
      type: 'fixture_status';
      fixtureId: string;
      oldStatus: string;
      newStatus: string;
      startTime: number | null;
      entryId: string | null;
    }
  | { type: 'feed_health'; stream: FeedStream; sport: string; healthy: boolean; reason: string; at: number };

/** A no-vig consensus probability for each outcome of one fixture's market. */
export interface ConsensusProbability {
  fixtureId: string;
  market: string;
  /** Outcome display name → fair probability (sums to 1 over the market's outcomes). */
  probabilities: Record<string, number>;
  /** 0..1: how many books, how much they agree, how fresh. */
  confidence: number;
  books: number;
  /** Age of the oldest quote used, ms. */
  maxAgeMs: number;
  computedAt: number;
}
