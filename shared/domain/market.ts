/** Market-side domain types (seed: MarketState). All prices are long-side (YES) prices in micros. */
import type { Qty } from './quantity.js';
import type { Micros, PriceMicros } from './money.js';
import type { ReportedMarketState } from './venue-enums.js';

export interface BookLevel {
  /** Long-side price in micros. */
  price: PriceMicros;
  /** Quantity resting at this price (hundredths of a contract). */
  qty: Qty;
}

/**
 * The seed's MarketState, in exact units. The NO side is derived from the one long book:
 * noBid = 1 − yesAsk, noAsk = 1 − yesBid. A missing side is `null`.
 */
export interface MarketState {
  marketSlug: string;
  yesBid: PriceMicros | null;
  yesAsk: PriceMicros | null;
  noBid: PriceMicros | null;
  noAsk: PriceMicros | null;
  /** Size at the best bid / ask, in contracts. */
  yesBidQty: Qty;
  yesAskQty: Qty;
  lastTradePrice: PriceMicros | null;
  /** Epoch ms of the last trade, or null. */
  lastTradeTime: number | null;
  /** Traded notional over the last 24 h, in micros, where the venue reports it. */
  volume24h: Micros;
  state: ReportedMarketState;
  /** Epoch ms at which this state was last updated from the exchange. */
  updatedAt: number;
}

/** Static description of a tradable market, joined to its event and, where matched, to a fixture. */
export interface MarketInfo {
  marketSlug: string;
  eventSlug: string;
  title: string;
  /** The outcome the long side pays on, e.g. the team name for a moneyline. */
  outcome: string;
  /** Team the long side is about, when the market is a team market. */
  team?: string;
  /** Tick size in micros (default 10_000 = 0.01). */
  tick: PriceMicros;
  /**
   * Minimum order size, which is also the size increment (`market.minimumTradeQty`): 1 = 0.01 contract,
   * 100 = whole contracts.
   */
  minQty: Qty;
  /** The market's own taker fee coefficient Θ in ppm (`market.feeCoefficient`), when the venue gives one. */
  feeCoefficientPpm?: number | null;
  /** The sport, as the fee schedule's overrides name it (e.g. "basketball", "table_tennis"), when known. */
  sport?: string;
}
