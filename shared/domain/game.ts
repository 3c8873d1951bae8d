/** Game-side domain types (seed: GameState). */

export type Sport = 'basketball' | 'football' | (string & {});

/**
 * Normalised game status. Unknown provider statuses map to UNKNOWN and keep the raw string.
 * SUSPENDED (play interrupted), DELAYED (start pushed back), FORFEITED (ended without play) and INVALID
 * (voided by the provider) are never tradable; see isTradableGameStatus.
 */
export type GameStatus =
  | 'SCHEDULED'
  | 'LIVE'
  | 'HALFTIME'
  | 'FINAL'
  | 'CANCELLED'
  | 'SUSPENDED'
  | 'DELAYED'
  | 'FORFEITED'
  | 'INVALID'
  | 'UNKNOWN';

/** Only a game not yet played, in play, or at half-time may be traded; every other status stops trading. */
export function isTradableGameStatus(status: GameStatus): boolean {
  return status === 'SCHEDULED' || status === 'LIVE' || status === 'HALFTIME';
}

export interface GameState {
  /** Provider fixture id (OpticOdds `fixture_id`). */
  gameId: string;
  sport: Sport;
  league: string;
  homeTeam: string;
  awayTeam: string;
  homeScore: number;
  awayScore: number;
  /** Current period (quarter, half, …), 0 before the start. */
  period: number;
  /** Seconds left in the current period, when the provider sends a clock; null when unknown. */
  clockSeconds: number | null;
  /** Seconds left in regulation, when derivable; null when unknown. */
  secondsRemaining: number | null;
  /** The seed's display form, e.g. "Q3 07:42". */
  timeRemaining: string;
  status: GameStatus;
  /** The provider's status string, unchanged. */
  rawStatus: string;
  /** Epoch ms of the scheduled start. */
  startTime: number;
  /** Epoch ms at which this state was last updated from the feed. */
  updatedAt: number;
}
