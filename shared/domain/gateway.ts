/**
 * The one seam between the engine and "the exchange". Live mode implements it with the Polymarket US REST
 * client; paper mode with the paper exchange (fill simulator). Executions come back asynchronously as
 * VenueEvents ('execution', 'position', 'balance') from the private socket or from the paper exchange.
 */
import type { Qty } from './quantity.js';
import type { OrderRequest } from './order.js';
import type { PriceMicros } from './money.js';
import type { CreateOrderResult, VenueOrder } from './venue-models.js';

/** One entry of a batch create: the order's result, or why it has none (an AmbiguousOrderError after reconciliation, …). */
export type BatchCreateOutcome = { ok: true; result: CreateOrderResult } | { ok: false; error: unknown };

/**
 * Which order requests a gateway still sends: all ('open'); cancels only ('cancels_only': the kill switch,
 * leaving live mode); none ('closed': the trading lease is lost, the account's orders are the new owner's).
 * Reads are never refused.
 */
export type OrderFlow = 'open' | 'cancels_only' | 'closed';

export interface OrderGateway {
  /** Never sends the same order twice: an ambiguous failure is reconciled before it is reported. */
  createOrder(request: OrderRequest): Promise<CreateOrderResult>;
  cancelOrder(orderId: string, marketSlug: string): Promise<void>;
  modifyOrder(orderId: string, marketSlug: string, change: { price?: PriceMicros; quantity?: Qty }): Promise<void>;
  /** Cancels every open order (of the given markets, or all); returns the ids cancelled. */
  cancelAll(marketSlugs?: string[]): Promise<string[]>;
  openOrders(marketSlugs?: string[]): Promise<VenueOrder[]>;
  /**
   * Optional batch calls (any number of entries; sent 20 per request). Not atomic: each entry succeeds or fails
   * on its own, and a batch cancel or modify only echoes the request — the outcome comes from the order stream.
   * Outcomes of a batch create are in request order, with the single create's never-twice guarantee per entry.
   */
  createOrders?(requests: OrderRequest[]): Promise<BatchCreateOutcome[]>;
  /**
   * Optional: from now on, refuse the order requests the flow excludes — including those already asked for
   * and still waiting to be sent (behind the rate budget, or a batch not yet flushed). A refused request was
   * never sent and fails with an error that says so. Requests already on the wire are not recalled.
   */
  setOrderFlow?(flow: OrderFlow): void;
  cancelOrders?(orders: { orderId: string; marketSlug: string }[]): Promise<void>;
  modifyOrders?(orders: { orderId: string; marketSlug: string; change: { price?: PriceMicros; quantity?: Qty } }[]): Promise<void>;
}
