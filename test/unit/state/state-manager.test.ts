import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { contracts, qtyTimesMicros } from '../../../shared/domain/quantity.js';
import type { ConsensusProbability, OddsQuote } from '../../../shared/domain/feed-events.js';
import type { GameState } from '../../../shared/domain/game.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { EventBus } from '../../../shared/state/event-bus.js';
import type { EngineEvents } from '../../../shared/state/engine-events.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';
import { StateManager } from '../../../shared/state/state-manager.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { moneylineQuote } from '../../support/odds-fixtures.js';

const info = (slug: string, outcome: string): MarketInfo => ({ marketSlug: slug, eventSlug: 'nba-bos-lal', title: outcome, outcome, tick: 10_000, minQty: contracts(1) });

function quote(book: string, name: string, american: number, ts: number, locked = false): OddsQuote {
  return moneylineQuote(book, name, american, { locked, timestamp: ts, receivedAt: ts });
}

function game(over: Partial<GameState>): GameState {
  return {
    gameId: 'F1',
    sport: 'basketball',
    league: 'NBA',
    homeTeam: 'Boston Celtics',
    awayTeam: 'Los Angeles Lakers',
    homeScore: 0,
    awayScore: 0,
    period: 0,
    clockSeconds: null,
    secondsRemaining: null,
    timeRemaining: '',
    status: 'SCHEDULED',
    rawStatus: 'unplayed',
    startTime: 0,
    updatedAt: 0,
    ...over,
  };
}

/** A transparent stand-in for the fair-value module: the unlocked quotes' share of one outcome. */
function fakeConsensus(quotes: readonly OddsQuote[], fixtureId: string, market: string, now: number): ConsensusProbability | undefined {
  const live = quotes.filter((q) => !q.locked);
  if (live.length === 0) return undefined;
  const home = live.filter((q) => q.name === 'Boston Celtics').length;
  return { fixtureId, market, probabilities: { 'Boston Celtics': home / live.length, 'Los Angeles Lakers': 1 - home / live.length }, confidence: 0.9, books: live.length, maxAgeMs: 0, computedAt: now };
}

function setup() {
  const clock = new ManualClock(1_000);
  const metrics = new MetricsRegistry();
  const bus = new EventBus<EngineEvents>();
  const directory = new MarketDirectory();
  directory.addMarket(info('bos', 'Boston Celtics'), { fixtureId: 'F1', side: 'home', oddsName: 'Boston Celtics', oddsMarket: 'Moneyline' });
  directory.addMarket(info('lal', 'Los Angeles Lakers'), { fixtureId: 'F1', side: 'away', oddsName: 'Los Angeles Lakers', oddsMarket: 'Moneyline' });
  const sm = new StateManager({
    clock,
    bus,
    directory,
    metrics,
    consensus: fakeConsensus,
    // Home probability moves 0.05 per point of lead: enough to see the plumbing, not a model.
    winProbability: (g, pre) => Math.min(0.99, Math.max(0.01, pre + 0.05 * (g.homeScore - g.awayScore))),
  });
  const events: string[] = [];
  bus.on('market_update', (m) => events.push(`market:${m.marketSlug}:${m.yesBid}/${m.yesAsk}`));
  bus.on('game_update', (g) => events.push(`game:${g.homeScore}-${g.awayScore}:${g.status}`));
  bus.on('odds_update', (c) => events.push(`odds:${c.books}`));
  bus.on('trade', (t) => events.push(`trade:${t.price}x${t.qty}`));
  bus.on('position_update', (p) => events.push(`position:${p.side}${p.quantity}`));
  bus.on('feed_health', (h) => events.push(`health:${h.source}:${h.healthy}`));
  return { clock, sm, events, metrics };
}

describe('StateManager', () => {
  it('turns a scripted sequence of books, scores and odds into exactly the expected state, in order', () => {
    const { sm, events, clock } = setup();
    sm.onFeedEvent({ type: 'game', game: game({ updatedAt: 1_000 }), entryId: '1-0' });
    sm.onFeedEvent({ type: 'odds', entryId: '2-0', quotes: [quote('Pinnacle', 'Boston Celtics', -150, 1_000), quote('DraftKings', 'Los Angeles Lakers', 130, 1_000)] });
    sm.onVenueEvent({ type: 'book', marketSlug: 'bos', bids: [{ price: 540_000, qty: contracts(100) }], asks: [{ price: 560_000, qty: contracts(80) }], state: 'MARKET_STATE_OPEN', transactTime: 900, snapshot: true, receivedAt: 1_001 });
    sm.onVenueEvent({ type: 'trade', marketSlug: 'bos', price: 560_000, qty: contracts(10), tradeTime: 1_002, takerSide: 'ORDER_SIDE_BUY', receivedAt: 1_002 });
    clock.set(2_000);
    sm.onFeedEvent({ type: 'game', game: game({ status: 'LIVE', rawStatus: 'live', period: 1, homeScore: 3, awayScore: 0, updatedAt: 2_000 }), entryId: '3-0' });
    sm.onVenueEvent({ type: 'position', position: { marketSlug: 'bos', netPosition: contracts(-10), qtyBought: 0, qtySold: contracts(10), cost: 4_500_000, realized: 0, bodPosition: 0, expired: false, updateTime: 2_000, cashValue: null, qtyAvailable: null }, receivedAt: 2_000 });

    expect(events).toEqual([
      'game:0-0:SCHEDULED',
      'odds:2',
      'market:bos:540000/560000',
      `trade:560000x${contracts(10)}`,
      'market:bos:540000/560000',
      'game:3-0:LIVE',
      `position:NO${contracts(10)}`,
    ]);
    expect(sm.market('bos')).toEqual({
      marketSlug: 'bos',
      yesBid: 540_000,
      yesAsk: 560_000,
      noBid: 440_000,
      noAsk: 460_000,
      yesBidQty: contracts(100),
      yesAskQty: contracts(80),
      lastTradePrice: 560_000,
      lastTradeTime: 1_002,
      volume24h: 5_600_000,
      state: 'MARKET_STATE_OPEN',
      updatedAt: 1_001,
    });
    expect(sm.game('F1')).toMatchObject({ homeScore: 3, awayScore: 0, status: 'LIVE', period: 1 });
    // Short 10 at a cost of 4.50, bought back at the ask 0.56: 10 × 0.44 = 4.40 less the taker fee
    // 0.0695 × 10 × 0.56 × 0.44 = 0.171 → 0.17: worth 4.23, −0.27. At 1 − mid(0.55) = 0.45 it would be 4.50, 0.
    expect(sm.position('bos')).toMatchObject({
      side: 'NO',
      quantity: contracts(10),
      netQty: contracts(-10),
      avgPrice: 450_000,
      currentValue: 4_230_000,
      unrealizedPnl: -270_000,
      markSource: 'book',
      beyondVisibleDepth: false,
      unrealizedPnlAtMid: 0,
    });
    // The consensus before kick-off (half the books on each side) is the live model's strength input.
    expect(sm.consensusYes('bos')?.probability).toBe(0.5);
    expect(sm.liveWinProbabilityYes('bos')).toBeCloseTo(0.65, 12);
    expect(sm.liveWinProbabilityYes('lal')).toBeCloseTo(0.35, 12);
  });

  it('marks positions at what closing them would bring in: depth, best price only, last trade, market fee rates', () => {
    const clock = new ManualClock(0);
    const sm = new StateManager({
      clock,
      bus: new EventBus<EngineEvents>(),
      directory: new MarketDirectory(),
      consensus: () => undefined,
      winProbability: () => undefined,
      feeRates: () => ({ takerThetaPpm: 0, makerThetaPpm: 0 }),
    });
    const position = (netPosition: number, cost: number) =>
      sm.onVenueEvent({ type: 'position', position: { marketSlug: 'm', netPosition, qtyBought: 0, qtySold: 0, cost, realized: 0, bodPosition: 0, expired: false, updateTime: 0, cashValue: null, qtyAvailable: null }, receivedAt: 0 });
    // Only a best bid/offer: the best price, its size unknown → all valued there, flagged beyond the visible depth.
    sm.onVenueEvent({ type: 'bbo', marketSlug: 'm', bestBid: 400_000, bestAsk: 600_000, lastTradePx: null, receivedAt: 1 });
    position(contracts(20), 9_000_000);
    expect(sm.position('m')).toMatchObject({ currentValue: 8_000_000, unrealizedPnl: -1_000_000, markSource: 'book', beyondVisibleDepth: true, unrealizedPnlAtMid: 1_000_000 });
    // A whole book: 10 at 0.45 and 10 at 0.40.
    sm.onVenueEvent({ type: 'book', marketSlug: 'm', bids: [{ price: 450_000, qty: contracts(10) }, { price: 400_000, qty: contracts(10) }], asks: [{ price: 600_000, qty: contracts(5) }], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 2 });
    expect(sm.position('m')).toMatchObject({ currentValue: 8_500_000, markSource: 'book', beyondVisibleDepth: false });
    expect(sm.closeoutMark('m', -contracts(10))).toMatchObject({ value: 4_000_000, source: 'book', beyondVisibleDepth: true });
    // The bids gone: the last trade, capped by the best ask (a long is worth no more than what a buyer pays there).
    sm.onVenueEvent({ type: 'book', marketSlug: 'm', bids: [], asks: [{ price: 600_000, qty: contracts(5) }], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 3 });
    expect(sm.position('m')).toMatchObject({ currentValue: 9_000_000, markSource: 'none' });
    sm.onVenueEvent({ type: 'trade', marketSlug: 'm', price: 700_000, qty: contracts(1), tradeTime: 4, takerSide: 'ORDER_SIDE_SELL', receivedAt: 4 });
    expect(sm.position('m')).toMatchObject({ currentValue: 12_000_000, markSource: 'last_trade' });
    expect(sm.midMark('m')).toBe(700_000);
  });

  it('skips a crossed book and an impossible score, counting both', () => {
    const { sm, events, metrics } = setup();
    sm.onVenueEvent({ type: 'book', marketSlug: 'bos', bids: [{ price: 600_000, qty: 1 }], asks: [{ price: 500_000, qty: 1 }], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 1 });
    sm.onFeedEvent({ type: 'game', game: game({ homeScore: -1, updatedAt: 5 }), entryId: null });
    expect(events).toEqual([]);
    expect(metrics.counter('state.book_rejected')).toBe(1);
    expect(metrics.counter('state.game_rejected')).toBe(1);
    expect(sm.market('bos')?.yesBid).toBeNull();
  });

  it('takes locked prices out of the consensus and never lets an older price replace a newer one', () => {
    const { sm } = setup();
    sm.onFeedEvent({ type: 'odds', entryId: null, quotes: [quote('Pinnacle', 'Boston Celtics', -150, 10), quote('DraftKings', 'Boston Celtics', -140, 10), quote('FanDuel', 'Los Angeles Lakers', 120, 10)] });
    expect(sm.consensus('F1', 'Moneyline')?.books).toBe(3);
    sm.onFeedEvent({ type: 'odds', entryId: null, quotes: [quote('DraftKings', 'Boston Celtics', -140, 11, true)] });
    expect(sm.consensus('F1', 'Moneyline')?.books).toBe(2);
    sm.onFeedEvent({ type: 'odds', entryId: null, quotes: [quote('DraftKings', 'Boston Celtics', -140, 9)] });
    expect(sm.consensus('F1', 'Moneyline')?.books).toBe(2);
  });

  it('reports sports-feed health transitions once each', () => {
    const { sm, events } = setup();
    const h = (healthy: boolean) => sm.onFeedEvent({ type: 'feed_health', stream: 'results', sport: 'basketball', healthy, reason: 'test', at: 1 });
    h(false);
    h(false);
    expect(sm.sportsFeedHealthy()).toBe(false);
    h(true);
    expect(sm.sportsFeedHealthy()).toBe(true);
    expect(events).toEqual(['health:sports:false', 'health:sports:true']);
  });

  it('treats a positions snapshot as the whole truth', () => {
    const { sm } = setup();
    const pos = (slug: string, net: number) => ({ marketSlug: slug, netPosition: net, qtyBought: 0, qtySold: 0, cost: qtyTimesMicros(Math.abs(net), 500_000, 'up'), realized: 0, bodPosition: 0, expired: false, updateTime: null, cashValue: null, qtyAvailable: null });
    sm.onVenueEvent({ type: 'position', position: pos('bos', contracts(5)), receivedAt: 1 });
    sm.onVenueEvent({ type: 'positions_snapshot', positions: [pos('lal', contracts(2.5))], receivedAt: 2 });
    expect(sm.position('bos')?.quantity).toBe(0);
    expect(sm.position('lal')?.quantity).toBe(contracts(2.5));
  });
});

describe('StateManager: a game already under way at start-up', () => {
  it('infers the pre-game strength from the in-play consensus, so the live model can run', () => {
    const clock = new ManualClock(1_000);
    const bus = new EventBus<EngineEvents>();
    const directory = new MarketDirectory();
    directory.addMarket(info('bos', 'Boston Celtics'), { fixtureId: 'F1', side: 'home', oddsName: 'Boston Celtics', oddsMarket: 'Moneyline' });
    // Model: home probability = pre + 0.05 × lead, clamped; increasing in pre, as the real model is.
    const model = (g: GameState, pre: number) => Math.min(0.99, Math.max(0.01, pre + 0.05 * (g.homeScore - g.awayScore)));
    const sm = new StateManager({ clock, bus, directory, consensus: fakeConsensus, winProbability: model });
    sm.onFeedEvent({ type: 'game', game: game({ status: 'LIVE', rawStatus: 'live', period: 2, homeScore: 10, awayScore: 4, updatedAt: 1_000 }), entryId: null });
    expect(sm.liveWinProbabilityYes('bos')).toBeUndefined();
    // In play, 3 of 4 books on Boston: consensus 0.75 at a 6-point lead → pre-game 0.75 − 0.30 = 0.45.
    sm.onFeedEvent({ type: 'odds', entryId: null, quotes: ['A', 'B', 'C'].map((b) => quote(b, 'Boston Celtics', -300, 1_000)).concat([quote('D', 'Los Angeles Lakers', 250, 1_000)]) });
    expect(sm.liveWinProbabilityYes('bos')).toBeCloseTo(0.75, 6);
    // The inferred strength is frozen: a later score moves the model, not the strength.
    sm.onFeedEvent({ type: 'game', game: game({ status: 'LIVE', rawStatus: 'live', period: 2, homeScore: 12, awayScore: 4, updatedAt: 2_000 }), entryId: null });
    expect(sm.liveWinProbabilityYes('bos')).toBeCloseTo(0.85, 6);
  });
});

describe('StateManager: the live model is asked again only when its inputs change', () => {
  it('reuses the answer for the same game and pre-game value, and asks again after a score, for either side', () => {
    const clock = new ManualClock(1_000);
    const directory = new MarketDirectory();
    directory.addMarket(info('bos', 'Boston Celtics'), { fixtureId: 'F1', side: 'home', oddsName: 'Boston Celtics', oddsMarket: 'Moneyline' });
    directory.addMarket(info('lal', 'Los Angeles Lakers'), { fixtureId: 'F1', side: 'away', oddsName: 'Los Angeles Lakers', oddsMarket: 'Moneyline' });
    const asked: string[] = [];
    const model = (g: GameState, pre: number) => {
      asked.push(`${g.homeScore}-${g.awayScore}@${pre}`);
      return Math.min(0.99, Math.max(0.01, pre + 0.05 * (g.homeScore - g.awayScore)));
    };
    const sm = new StateManager({ clock, bus: new EventBus<EngineEvents>(), directory, consensus: fakeConsensus, winProbability: model });
    sm.onFeedEvent({ type: 'game', game: game({ updatedAt: 1_000 }), entryId: null });
    // Pre-game consensus 0.5 (one book each side), frozen as the strength.
    sm.onFeedEvent({ type: 'odds', entryId: null, quotes: [quote('A', 'Boston Celtics', -110, 1_000), quote('B', 'Los Angeles Lakers', -110, 1_000)] });
    sm.onFeedEvent({ type: 'game', game: game({ status: 'LIVE', rawStatus: 'live', period: 1, homeScore: 2, awayScore: 0, updatedAt: 2_000 }), entryId: null });
    expect(sm.liveWinProbabilityYes('bos')).toBeCloseTo(0.6, 9);
    expect(sm.liveWinProbabilityYes('lal')).toBeCloseTo(0.4, 9);
    expect(sm.liveWinProbabilityYes('bos')).toBeCloseTo(0.6, 9);
    expect(asked).toEqual(['2-0@0.5']);
    sm.onFeedEvent({ type: 'game', game: game({ status: 'LIVE', rawStatus: 'live', period: 1, homeScore: 2, awayScore: 3, updatedAt: 3_000 }), entryId: null });
    expect(sm.liveWinProbabilityYes('lal')).toBeCloseTo(0.55, 9);
    expect(sm.liveWinProbabilityYes('bos')).toBeCloseTo(0.45, 9);
    expect(asked).toEqual(['2-0@0.5', '2-3@0.5']);
  });
});
