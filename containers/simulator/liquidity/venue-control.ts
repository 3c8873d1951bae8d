/**
 * SimulatedVenueControl (module.ts) on top of the exchange engine and the background liquidity: what the
 * sports world calls to list games, open and suspend markets, move the true probability and settle (a result,
 * a tie, a cancelled game), and the halts the server's fault controls stage (startHalt / endHalt).
 */
import type { PriceMicros } from '../../../shared/domain/money.js';
import type { VenueMarketState } from '../../../shared/domain/venue-enums.js';
import type { HaltInfo, HaltOptions } from '../exchange/types.js';
import type { SimEventSpec, SimMarketSpec, SimulatedVenueControl } from '../module.js';
import type { BackgroundLiquidity } from './background-liquidity.js';

export interface VenueControlExchange {
  addEvent(spec: SimEventSpec): unknown;
  addMarket(spec: SimMarketSpec): unknown;
  getMarket(slug: string): unknown;
  setMarketState(slug: string, state: VenueMarketState): void;
  settle(slug: string, settlementPrice: PriceMicros): unknown;
  settleTie(slug: string): unknown;
  settleCancelled(slug: string): unknown;
  startHalt(options?: HaltOptions): HaltInfo;
  endHalt(id?: string): boolean;
  listMarkets(): ReadonlyArray<{ slug: string }>;
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

  /** A tie in a market without a draw: $0.50. */
  settleTie(slug: string): void {
    this.liquidity?.removeMarket(slug);
    this.exchange.settleTie(slug);
  }

  /** A cancelled game: the fair price at the announcement (now), taken before the makers pull their quotes. */
  settleCancelled(slug: string): void {
    this.exchange.settleCancelled(slug);
    this.liquidity?.removeMarket(slug);
  }

  /**
   * Stages an unannounced halt (fault control for the server): markets go MARKET_STATE_HALTED, orders are
   * refused with ORD_REJECT_REASON_EXCHANGE_CLOSED, resting orders are cancelled (or kept, per options).
   */
  startHalt(options: HaltOptions = {}): HaltInfo {
    const halt = this.exchange.startHalt(options);
    this.refreshLiquidity(options.slugs);
    return halt;
  }

  /** Ends a staged halt (default every one); the markets reopen and the makers quote again. */
  endHalt(id?: string): boolean {
    const ended = this.exchange.endHalt(id);
    if (ended) this.refreshLiquidity();
    return ended;
  }

  private refreshLiquidity(slugs?: readonly string[]): void {
    if (!this.liquidity) return;
    for (const slug of slugs && slugs.length > 0 ? slugs : this.exchange.listMarkets().map((m) => m.slug)) this.liquidity.refresh(slug);
  }
}
