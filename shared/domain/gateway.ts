/**
 * The one seam between the engine and "the exchange". Live mode implements it with the Polymarket US REST
 * client; paper mode with the paper exchange (fill simulator). Executions come back asynchronously as
 * VenueEvents ('execution', 'position', 'balance') from the private socket or from the paper exchange.
 */
import type { OrderRequest } from './order.js';
import type { PriceMicros } from './money.js';
import type { CreateOrderResult, VenueOrder } from './venue-models.js';

export interface OrderGateway {
  /** Never sends the same order twice: an ambiguous failure is reconciled before it is reported. */
  createOrder(request: OrderRequest): Promise<CreateOrderResult>;
  cancelOrder(orderId: string, marketSlug: string): Promise<void>;
  modifyOrder(orderId: string, marketSlug: string, change: { price?: PriceMicros; quantity?: number }): Promise<void>;
  /** Cancels every open order (of the given markets, or all); returns the ids cancelled. */
  cancelAll(marketSlugs?: string[]): Promise<string[]>;
  openOrders(marketSlugs?: string[]): Promise<VenueOrder[]>;
}
