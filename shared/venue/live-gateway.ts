/**
 * LiveOrderGateway: the engine's OrderGateway over the Polymarket US REST client. The REST client already
 * guarantees that a create is never sent twice; the gateway adds the caller's known order ids (the order
 * tracker's) so that a recovery never claims an order the engine already tracks, and the orders the engine
 * saw on the order stream without tracking them (the tracker's buffered executions), so that a recovery
 * finds an order the exchange ended before the recovery looked.
 */
import type { Qty } from '../domain/quantity.js';
import type { BatchCreateOutcome, OrderFlow, OrderGateway } from '../domain/gateway.js';
import type { PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type { CreateOrderResult, VenueOrder } from '../domain/venue-models.js';
import type { CreateOrderOptions, PolymarketRestClient } from './rest-client.js';

export interface LiveOrderGatewayOptions {
  /** Order ids the engine already tracks (consulted only after an ambiguous create). */
  knownOrderIds?: () => Iterable<string>;
  /** Orders seen on the order stream that the engine does not track (consulted only after an ambiguous create). */
  streamOrders?: () => Iterable<VenueOrder>;
}

export class LiveOrderGateway implements OrderGateway {
  constructor(
    private readonly client: PolymarketRestClient,
    private readonly options: LiveOrderGatewayOptions = {},
  ) {}

  createOrder(request: OrderRequest): Promise<CreateOrderResult> {
    return this.client.createOrder(request, this.createOptions());
  }

  cancelOrder(orderId: string, marketSlug: string): Promise<void> {
    return this.client.cancelOrder(orderId, marketSlug);
  }

  modifyOrder(orderId: string, marketSlug: string, change: { price?: PriceMicros; quantity?: Qty }): Promise<void> {
    return this.client.modifyOrder(orderId, marketSlug, change);
  }

  cancelAll(marketSlugs?: string[]): Promise<string[]> {
    return this.client.cancelAll(marketSlugs);
  }

  openOrders(marketSlugs?: string[]): Promise<VenueOrder[]> {
    return this.client.openOrders(marketSlugs);
  }

  createOrders(requests: OrderRequest[]): Promise<BatchCreateOutcome[]> {
    return this.client.createOrdersBatch(requests, this.createOptions());
  }

  setOrderFlow(flow: OrderFlow): void {
    this.client.setOrderFlow(flow);
  }

  private createOptions(): CreateOrderOptions {
    const { knownOrderIds, streamOrders } = this.options;
    return {
      ...(knownOrderIds ? { knownOrderIds: lazyIterable(knownOrderIds) } : {}),
      ...(streamOrders ? { streamOrders: lazyIterable(streamOrders) } : {}),
    };
  }

  async cancelOrders(orders: { orderId: string; marketSlug: string }[]): Promise<void> {
    await this.client.cancelOrdersBatch(orders);
  }

  async modifyOrders(orders: { orderId: string; marketSlug: string; change: { price?: PriceMicros; quantity?: Qty } }[]): Promise<void> {
    await this.client.modifyOrdersBatch(orders);
  }
}

/** Defers reading the caller's ids until the (rare) recovery needs them. */
function lazyIterable<T>(source: () => Iterable<T>): Iterable<T> {
  return { [Symbol.iterator]: () => source()[Symbol.iterator]() };
}
