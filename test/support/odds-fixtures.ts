/**
 * A sportsbook's moneyline price for fixture F1 (basketball, NBA) as the feed delivers it, for tests of the
 * consensus and the state manager. `over` changes any field (times, lock, ids).
 */
import type { OddsQuote } from '../../shared/domain/feed-events.js';

export function moneylineQuote(sportsbook: string, name: string, americanOdds: number, over: Partial<OddsQuote> = {}): OddsQuote {
  return {
    key: `F1|${sportsbook}|Moneyline|${name}`,
    oddId: `F1:${sportsbook}:moneyline:${name}`,
    fixtureId: 'F1',
    sport: 'basketball',
    league: 'NBA',
    sportsbook,
    market: 'Moneyline',
    name,
    selection: name,
    selectionLine: '',
    points: null,
    americanOdds,
    isMain: true,
    isLive: false,
    locked: false,
    timestamp: 0,
    receivedAt: 0,
    ...over,
  };
}
