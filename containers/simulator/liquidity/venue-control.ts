/**
 * SimulatedVenueControl (module.ts) on top of the exchange engine and the background liquidity: what the
 * sports world calls to list games, open and suspend markets, move the true probability and settle.
 */
import type { PriceMicros } from '../../../shared/domain/money.js';
import type { VenueMarketState } from '../../../shared/domain/venue-enums.js';
import type { SimEventSpec, SimMarketSpec, SimulatedVenueControl } from '../module.js';
import type { BackgroundLiquidity } from './background-liquidity.js';

export interface VenueControlExchange {
  addEvent(spec: SimEventSpec): unknown;
  addMarket(spec: SimMarketSpec): unknown;
  getMarket(slug: string): unknown;
  setMarketState(slug: string, state: VenueMarketState): void;
  settle(slug: string, settlementPrice: PriceMicros): unknown;
}

export class VenueControl implements SimulatedVenueControl {
  private readonly trueProbability = new Map<string, number>();

  constructor(
    private readonly exchange: VenueControlExchange,
    private readonly liquidity: BackgroundLiquidity | null,
  ) {}

  addEvent(event: SimEventSpec): void {
    this.exchange.addEvent(event);
  }

  addMarket(market: SimMarketSpec): void {
    const p = market.initialProbability ?? 0.5;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`initialProbability must be in [0, 1], got ${p}`);
    this.exchange.addMarket(market);
    this.trueProbability.set(market.slug, p);
    this.liquidity?.addMarket(market.slug, p);
  }

  setMarketState(slug: string, state: VenueMarketState): void {
    this.exchange.setMarketState(slug, state);
    this.liquidity?.refresh(slug);
  }

  setTrueProbability(slug: string, probability: number): void {
    if (!this.exchange.getMarket(slug)) throw new RangeError(`unknown market ${slug}`);
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`probability must be in [0, 1], got ${probability}`);
    this.trueProbability.set(slug, probability);
    this.liquidity?.setTrueProbability(slug, probability);
  }

  /** The latest true probability given for a market (not the lagged one the makers quote). */
  getTrueProbability(slug: string): number | undefined {
    return this.trueProbability.get(slug);
  }

  settle(slug: string, settlementPrice: PriceMicros): void {
    this.liquidity?.removeMarket(slug);
    this.exchange.settle(slug, settlementPrice);
  }
}
