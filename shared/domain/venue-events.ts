/** Typed events out of the exchange's WebSockets (and out of the paper exchange), in engine units. */
import type { BookLevel } from './market.js';
import type { Micros, PriceMicros } from './money.js';
import type { OrderSide, VenueMarketState } from './venue-enums.js';
import type { VenueExecution, VenueOrder, VenuePosition } from './venue-models.js';

export type VenueChannel = 'markets' | 'private';

export type VenueEvent =
  | {
      type: 'book';
      marketSlug: string;
      /** Best first: bids descending by price, asks ascending. */
      bids: BookLevel[];
      asks: BookLevel[];
      state: VenueMarketState;
      transactTime: number | null;
      /** True for the first book after a (re)subscription: replaces whatever the receiver had. */
      snapshot: boolean;
      receivedAt: number;
    }
  | {
      type: 'bbo';
      marketSlug: string;
      bestBid: PriceMicros | null;
      bestAsk: PriceMicros | null;
      lastTradePx: PriceMicros | null;
      receivedAt: number;
    }
  | {
      type: 'trade';
      marketSlug: string;
      price: PriceMicros;
      qty: number;
      tradeTime: number;
      takerSide: OrderSide;
      receivedAt: number;
    }
  | { type: 'orders_snapshot'; orders: VenueOrder[]; receivedAt: number }
  | { type: 'execution'; execution: VenueExecution; receivedAt: number }
  | { type: 'positions_snapshot'; positions: VenuePosition[]; receivedAt: number }
  | { type: 'position'; position: VenuePosition; receivedAt: number }
  | { type: 'balance'; balance: Micros; buyingPower: Micros; receivedAt: number }
  | {
      type: 'connection';
      channel: VenueChannel;
      status: 'up' | 'down';
      reason: string;
      at: number;
    };

export type VenueEventType = VenueEvent['type'];
