/** The topics of the engine's event bus and their payloads (seed: market_update, game_update, odds_update). */
import type { Qty } from '../domain/quantity.js';
import type { ConsensusProbability, FeedStream } from '../domain/feed-events.js';
import type { GameState } from '../domain/game.js';
import type { MarketState } from '../domain/market.js';
import type { PriceMicros } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import type { PositionState } from '../domain/position.js';
import type { OrderSide } from '../domain/venue-enums.js';

export interface TradePrint {
  marketSlug: string;
  price: PriceMicros;
  qty: Qty;
  takerSide: OrderSide;
  time: number;
}

export interface FeedHealth {
  source: 'exchange' | 'sports';
  stream: FeedStream | 'markets' | 'private';
  healthy: boolean;
  reason: string;
  at: number;
}

export interface EngineEvents {
  market_update: MarketState;
  trade: TradePrint;
  game_update: GameState;
  odds_update: ConsensusProbability;
  fill: Fill;
  position_update: PositionState;
  feed_health: FeedHealth;
}
