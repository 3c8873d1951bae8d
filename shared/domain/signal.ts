/** The seed's Signal: what a strategy asks for, before the aggregator and the risk manager see it. */
import type { Qty } from './quantity.js';
import type { PriceMicros } from './money.js';

export const SIGNAL_ACTIONS = ['BUY_YES', 'BUY_NO', 'SELL_YES', 'SELL_NO'] as const;
export type SignalAction = (typeof SIGNAL_ACTIONS)[number];

export const URGENCIES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type Urgency = (typeof URGENCIES)[number];

export type StrategyName = 'market_maker' | 'live_arbitrage' | 'statistical_edge' | (string & {});

export interface Signal {
  marketSlug: string;
  action: SignalAction;
  /** Limit price: ALWAYS the long-side (YES) price in micros, whatever the action (see venue-enums.ts). */
  price: PriceMicros;
  /** Quantity wanted (hundredths of a contract). The risk manager may reduce it, never raise it. */
  quantity: Qty;
  urgency: Urgency;
  strategyName: StrategyName;
  /** 0..1: how sure the strategy is of its fair value. */
  confidence: number;
  reason: string;
  /** The strategy's fair probability of YES (0..1), which Kelly sizing uses. */
  fairProbability: number;
  /** Epoch ms at which the signal was made. */
  createdAt: number;
  /**
   * Edge per contract before fees, micros of USD (= millionths of probability): what the strategy's fair
   * value says the trade is worth over its price (fair − price when the order buys long, price − fair when
   * it sells long), at the price it expects to trade (a taker: the touch it takes; a maker: its own quote).
   */
  grossEdge?: number;
  /** `grossEdge` after the fee at that price: minus the taker fee paid, plus the maker rebate earned. */
  netEdge?: number;
  /** Resting (maker) or taking (taker) intent; market makers post only. */
  postOnly?: boolean;
  /**
   * IOC for takers by default; quotes rest GTD (with `goodTillTime`) so they end by themselves — the venue's
   * DAY orders do not expire at the trade-day roll (docs/venue-rules.md).
   */
  timeInForce?: 'GTC' | 'GTD' | 'IOC' | 'FOK';
  /** Epoch ms a GTD order expires at (required with GTD). */
  goodTillTime?: number;
  /** For a quote that replaces an existing resting order (modify instead of cancel/replace). */
  replacesOrderId?: string;
}
