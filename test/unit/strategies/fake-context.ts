/** A StrategyContext over plain maps, for strategy tests. Quantities are Qty (hundredths of a contract). */
import { ManualClock } from '../../../shared/domain/clock.js';
import type { GameState } from '../../../shared/domain/game.js';
import type { MarketInfo, MarketState } from '../../../shared/domain/market.js';
import type { TrackedOrder } from '../../../shared/domain/order.js';
import type { PositionState } from '../../../shared/domain/position.js';
import { contracts, qtyTimesMicros, type Qty } from '../../../shared/domain/quantity.js';
import type { Signal } from '../../../shared/domain/signal.js';
import type { ConsensusYes, FixtureLink, StrategyContext } from '../../../shared/strategies/context.js';
import { ACTION_INTENT } from '../../../shared/strategies/signal-intent.js';

export function book(slug: string, bid: number | null, ask: number | null, extra: Partial<MarketState> = {}): MarketState {
  return {
    marketSlug: slug, yesBid: bid, yesAsk: ask, noBid: ask === null ? null : 1_000_000 - ask, noAsk: bid === null ? null : 1_000_000 - bid,
    yesBidQty: contracts(100), yesAskQty: contracts(100), lastTradePrice: null, lastTradeTime: null, volume24h: 0, state: 'MARKET_STATE_OPEN', updatedAt: 0, ...extra,
  };
}

export function gameState(id: string, extra: Partial<GameState> = {}): GameState {
  return {
    gameId: id, sport: 'basketball', league: 'NBA', homeTeam: 'Lakers', awayTeam: 'Celtics', homeScore: 50, awayScore: 48, period: 3,
    clockSeconds: 400, secondsRemaining: 1100, timeRemaining: 'Q3 06:40', status: 'LIVE', rawStatus: 'live', startTime: 0, updatedAt: 0, ...extra,
  };
}

export class FakeContext implements StrategyContext {
  readonly clock = new ManualClock(1_000_000);
  markets = new Map<string, MarketState>();
  infos = new Map<string, MarketInfo>();
  games = new Map<string, GameState>();
  links = new Map<string, FixtureLink>();
  consensus = new Map<string, ConsensusYes>();
  live = new Map<string, number>();
  positions = new Map<string, PositionState>();
  orders: TrackedOrder[] = [];
  healthy = true;
  private seq = 0;

  market(s: string) { return this.markets.get(s); }
  marketInfo(s: string) { return this.infos.get(s); }
  game(id: string) { return this.games.get(id); }
  fixtureForMarket(s: string) { return this.links.get(s); }
  marketsForFixture(id: string) { return [...this.links].filter(([, l]) => l.fixtureId === id).map(([s]) => s); }
  consensusYes(s: string) { return this.consensus.get(s); }
  liveWinProbabilityYes(s: string) { return this.live.get(s); }
  position(s: string) { return this.positions.get(s); }
  restingOrders(s: string, strategy: string) {
    return this.orders.filter((o) => o.request.marketSlug === s && o.strategyName === strategy && ['CREATED', 'SUBMITTED', 'PENDING', 'PARTIALLY_FILLED'].includes(o.status));
  }
  sportsFeedHealthy() { return this.healthy; }

  setBook(slug: string, bid: number | null, ask: number | null, extra: Partial<MarketState> = {}): MarketState {
    const m = book(slug, bid, ask, { updatedAt: this.clock.now(), ...extra });
    this.markets.set(slug, m);
    return m;
  }

  /** A position of `net` (Qty, signed: negative = short) at `avgPrice`. */
  setPosition(slug: string, net: Qty, avgPrice = 500_000): void {
    const q = Math.abs(net);
    this.positions.set(slug, {
      marketSlug: slug, side: net >= 0 ? 'YES' : 'NO', quantity: q, netQty: net, avgPrice, cost: qtyTimesMicros(q, avgPrice, 'up'),
      currentValue: 0, unrealizedPnl: 0, realizedPnl: 0, feesPaid: 0, updatedAt: 0,
    });
  }

  /** Rests a signal as an acknowledged order (applying a modify in place). */
  rest(s: Signal, acked = true): TrackedOrder {
    if (s.replacesOrderId) {
      const o = this.orders.find((x) => x.orderId === s.replacesOrderId)!;
      o.request = { ...o.request, price: s.price, quantity: s.quantity + o.filledQty };
      return o;
    }
    const n = ++this.seq;
    const o: TrackedOrder = {
      orderId: acked ? `o${n}` : null, localId: `l${n}`, status: acked ? 'PENDING' : 'CREATED', filledQty: 0, avgPrice: 0, feesPaid: 0,
      strategyName: s.strategyName, createdAt: 0, updatedAt: 0,
      request: { marketSlug: s.marketSlug, intent: ACTION_INTENT[s.action], type: 'ORDER_TYPE_LIMIT', price: s.price, quantity: s.quantity, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: true },
    };
    this.orders.push(o);
    return o;
  }

  cancel(localIds: string[]): void {
    for (const o of this.orders) if (localIds.includes(o.localId)) o.status = 'CANCELLED';
  }
}
