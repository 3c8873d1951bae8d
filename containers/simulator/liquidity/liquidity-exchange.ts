/** The part of the simulated exchange the background liquidity trades through (the engine's own API). */
import type { Micros } from '../../../shared/domain/money.js';
import type { VenueOrder } from '../../../shared/domain/venue-models.js';
import type { Bbo, OrderResult, SimMarket, SubmitOrderRequest } from '../exchange/types.js';

export interface LiquidityExchange {
  openAccount(accountId: string, startingBalance: Micros): unknown;
  getMarket(slug: string): SimMarket | undefined;
  bbo(slug: string): Bbo;
  openOrders(accountId: string, slugs?: readonly string[]): VenueOrder[];
  submitOrder(accountId: string, req: SubmitOrderRequest): OrderResult;
  cancelOrder(accountId: string, orderId: string, marketSlug: string): unknown;
}
