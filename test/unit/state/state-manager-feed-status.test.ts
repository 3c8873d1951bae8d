/**
 * The state manager's reading of the OpticOdds fixture status: every status as sent (case-insensitive, an
 * unknown one becomes UNKNOWN, never "keep LIVE"), a time-only move keeps the status, and quotes with market
 * ids are grouped by id so a directory naming the market id finds their consensus.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { ConsensusProbability, OddsQuote } from '../../../shared/domain/feed-events.js';
import { isTradableGameStatus, type GameState } from '../../../shared/domain/game.js';
import { EventBus } from '../../../shared/state/event-bus.js';
import type { EngineEvents } from '../../../shared/state/engine-events.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';
import { StateManager } from '../../../shared/state/state-manager.js';

const live: GameState = {
  gameId: 'F1', sport: 'basketball', league: 'nba', homeTeam: 'Boston Celtics', awayTeam: 'Los Angeles Lakers', homeScore: 40, awayScore: 38,
  period: 2, clockSeconds: 300, secondsRemaining: 1740, timeRemaining: 'Q2 05:00', status: 'LIVE', rawStatus: 'live', startTime: 500, updatedAt: 900,
};

function setup(oddsMarket = 'Moneyline') {
  const clock = new ManualClock(1_000);
  const directory = new MarketDirectory();
  directory.addMarket({ marketSlug: 'bos', eventSlug: 'e', title: 't', outcome: 'Boston Celtics', tick: 10_000, minQty: contracts(1) }, { fixtureId: 'F1', side: 'home', oddsName: 'Boston Celtics', oddsMarket });
  const consensus = (qs: readonly OddsQuote[], fixtureId: string, market: string, now: number): ConsensusProbability | undefined =>
    qs.length ? { fixtureId, market, probabilities: { 'Boston Celtics': 0.6, 'Los Angeles Lakers': 0.4 }, confidence: 1, books: 1, maxAgeMs: 0, computedAt: now } : undefined;
  const sm = new StateManager({ clock, bus: new EventBus<EngineEvents>(), directory, consensus, winProbability: () => 0.5 });
  sm.onFeedEvent({ type: 'game', game: live, entryId: null });
  return { sm, clock };
}

const status = (newStatus: string) => ({ type: 'fixture_status' as const, fixtureId: 'F1', oldStatus: 'live', newStatus, startTime: null, entryId: null });

describe('state manager: fixture status from the feed', () => {
  it.each([
    ['Suspended', 'SUSPENDED'],
    ['delayed', 'DELAYED'],
    ['FORFEITED', 'FORFEITED'],
    ['invalid', 'INVALID'],
    ['something new', 'UNKNOWN'],
  ] as const)('%s → %s, not tradable (a LIVE game does not stay LIVE)', (raw, mapped) => {
    const { sm } = setup();
    sm.onFeedEvent(status(raw));
    expect(sm.game('F1')).toMatchObject({ status: mapped, rawStatus: raw });
    expect(isTradableGameStatus(sm.game('F1')!.status)).toBe(false);
    sm.onFeedEvent(status('Live'));
    expect(sm.game('F1')!.status).toBe('LIVE');
  });

  it('a time-only move (no status) keeps the status and takes the new start time', () => {
    const { sm } = setup();
    sm.onFeedEvent({ ...status(''), startTime: 777 });
    expect(sm.game('F1')).toMatchObject({ status: 'LIVE', startTime: 777 });
  });

  it('groups quotes carrying a market id by that id (the directory names the id)', () => {
    const { sm } = setup('moneyline');
    const q: OddsQuote = {
      key: 'F1|pinnacle|moneyline|boston_celtics||', oddId: 'x', fixtureId: 'F1', sport: 'basketball', league: 'NBA', sportsbook: 'Pinnacle', sportsbookId: 'pinnacle',
      market: 'Moneyline', marketId: 'moneyline', name: 'Boston Celtics', selection: 'Boston Celtics', selectionLine: '', points: null, americanOdds: -150,
      isMain: true, isLive: true, locked: false, timestamp: 1_000, receivedAt: 1_000,
    };
    sm.onFeedEvent({ type: 'odds', quotes: [q], entryId: null });
    expect(sm.consensus('F1', 'moneyline')).toBeDefined();
    expect(sm.consensusYes('bos')!.probability).toBe(0.6);
  });
});
