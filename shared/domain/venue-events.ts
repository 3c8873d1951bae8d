/** Typed events out of the exchange's WebSockets (and out of the paper exchange), in engine units. */
import type { Qty } from './quantity.js';
import type { BookLevel } from './market.js';
import type { Micros, PriceMicros } from './money.js';
import type { OrderSide, ReportedMarketState } from './venue-enums.js';
import type { VenueExecution, VenueOrder, VenuePosition } from './venue-models.js';

export type VenueChannel = 'markets' | 'private';

export type VenueEvent =
  | {
      type: 'book';
      marketSlug: string;
      /** Best first: bids descending by price, asks ascending. */
      bids: BookLevel[];
      asks: BookLevel[];
      /** MARKET_STATE_UNRECOGNISED for a state this build does not know (not OPEN: never quoted). */
      state: ReportedMarketState;
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
      /** Hundredths of a contract, finer rounded down; the venue's exact text in qtyExact. */
      qty: Qty;
      qtyExact?: string;
      tradeTime: number;
      takerSide: OrderSide;
      receivedAt: number;
    }
  /**
   * The open orders at the venue (SUBSCRIPTION_TYPE_ORDER_SNAPSHOT, requested after every private connect, or
   * the ORDER subscription's own snapshot). Complete: the socket client joins `eof: false` chunks first.
   */
  | { type: 'orders_snapshot'; orders: VenueOrder[]; receivedAt: number }
  | { type: 'execution'; execution: VenueExecution; receivedAt: number }
  | { type: 'positions_snapshot'; positions: VenuePosition[]; receivedAt: number }
  /**
   * One market's position after a change. From today's `positionSubscription` the position is
   * `afterPosition` (flat when the venue sends afterPosition: null); `before` is beforePosition when sent.
   */
  | { type: 'position'; position: VenuePosition; before?: VenuePosition | null; tradeId?: string | null; receivedAt: number }
  | { type: 'balance'; balance: Micros; buyingPower: Micros; receivedAt: number }
  | {
      type: 'connection';
      channel: VenueChannel;
      status: 'up' | 'down';
      reason: string;
      at: number;
    };

export type VenueEventType = VenueEvent['type'];
