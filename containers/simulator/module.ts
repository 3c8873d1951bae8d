/**
 * Contracts between the parts of the simulator, so that the exchange (matching engine + wire server) and the
 * sports world (games, sportsbooks, OpticOdds wire server) are built separately and composed in one process.
 */
import type { Qty } from '../../shared/domain/quantity.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../shared/domain/clock.js';
import type { PriceMicros } from '../../shared/domain/money.js';
import type { VenueMarketState } from '../../shared/domain/venue-enums.js';
import type { Logger } from '../../shared/observability/logger.js';

/** An HTTP handler mounted on the simulator's one port (REST and server-sent events). */
export interface SimulatorModule {
  readonly name: string;
  /** Handles the request and returns true, or returns false when the path is not this module's. */
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): boolean | Promise<boolean>;
  close?(): void | Promise<void>;
}

export interface SimEventSpec {
  slug: string;
  title: string;
  /** Epoch ms. */
  startTime: number;
  sport?: string;
  league?: string;
  /** The data provider's game id, when the event is a game. */
  gameId?: string;
  homeTeam?: string;
  awayTeam?: string;
}

export interface SimMarketSpec {
  slug: string;
  eventSlug: string;
  title: string;
  /** What the long (YES) side pays on, e.g. "Boston Celtics". */
  outcome: string;
  team?: string;
  /** Tick in micros (default 10_000): the venue lists 10_000, 5_000 and 2_500. */
  tick?: PriceMicros;
  minQty?: Qty;
  /** Minimum size in hundredths of a contract, or the wire's minimumTradeQty as a decimal string ("1" or "0.01"); they must agree when both are given. */
  minimumTradeQty?: string;
  /** The market's taker fee coefficient Θ, e.g. 0.0695 (default: the fee schedule's). */
  feeCoefficient?: number;
  state?: VenueMarketState;
  /** Starting true probability of YES, 0..1, for the background liquidity. */
  initialProbability?: number;
}

/** What the sports world may do to the simulated exchange. */
export interface SimulatedVenueControl {
  addEvent(event: SimEventSpec): void;
  addMarket(market: SimMarketSpec): void;
  setMarketState(slug: string, state: VenueMarketState): void;
  /** The true probability of YES moved: background liquidity reprices toward it after its configured lag. */
  setTrueProbability(slug: string, probability: number): void;
  /** Settles the market at 0 or 1_000_000 micros; positions are closed at that price. */
  settle(slug: string, settlementPrice: PriceMicros): void;
  /** The game ended tied and the market has no draw: settles at $0.50. */
  settleTie?(slug: string): void;
  /** The game was cancelled: settles at the last fair market price now (the announcement), on the tick. */
  settleCancelled?(slug: string): void;
}

export interface SimulatorContext {
  clock: Clock;
  logger: Logger;
  /** Seed for every random choice, so runs are reproducible. */
  seed: number;
  venue: SimulatedVenueControl;
}

/** A factory for a module, given the running simulator's context. */
export type SimulatorModuleFactory = (ctx: SimulatorContext) => SimulatorModule;
