/**
 * Packs the executor's order moves into batch requests. Creates, cancels and modifies asked for in the same
 * turn of the event loop — a market maker's requotes, a pull of every quote on a game event — go out as one
 * batch per kind (20 orders per request, one request each in the key's budget) when the gateway has batch
 * calls; otherwise each goes out on its own. To the executor it is just an OrderGateway: every single call
 * still resolves or rejects on its own, so the executor's never-twice handling is unchanged — an ambiguous
 * entry of a batch create rejects with the AmbiguousOrderError its reconciliation produced, exactly like a
 * single create. A batch cancel or modify that fails rejects every entry with the batch's error (its caller
 * retries as it would a single call); one that succeeds only means "sent": the truth is the order stream.
 */
import type { Qty } from '../domain/quantity.js';
import type { BatchCreateOutcome, OrderFlow, OrderGateway } from '../domain/gateway.js';
import type { PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type { CreateOrderResult, VenueOrder } from '../domain/venue-models.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';

type Change = { price?: PriceMicros; quantity?: Qty };

interface Pending<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

/** Runs `fn` after the current turn's synchronous work and promise continuations. */
export type Defer = (fn: () => void) => void;
const nextTurn: Defer = (fn) => void setImmediate(fn);

export interface OrderBatcherOptions {
  metrics?: Metrics;
  defer?: Defer;
}

export class OrderBatcher implements OrderGateway {
  private readonly metrics: Metrics;
  private readonly defer: Defer;
  private creates: Pending<OrderRequest, CreateOrderResult>[] = [];
  private cancels: Pending<{ orderId: string; marketSlug: string }, void>[] = [];
  private modifies: Pending<{ orderId: string; marketSlug: string; change: Change }, void>[] = [];
  private flushScheduled = false;

  constructor(
    private readonly gateway: OrderGateway,
    options: OrderBatcherOptions = {},
  ) {
    this.metrics = options.metrics ?? nullMetrics;
    this.defer = options.defer ?? nextTurn;
  }

  createOrder(request: OrderRequest): Promise<CreateOrderResult> {
    if (!this.gateway.createOrders) return this.gateway.createOrder(request);
    return new Promise((resolve, reject) => this.enqueue(this.creates, { item: request, resolve, reject }));
  }

  cancelOrder(orderId: string, marketSlug: string): Promise<void> {
    if (!this.gateway.cancelOrders) return this.gateway.cancelOrder(orderId, marketSlug);
    return new Promise((resolve, reject) => this.enqueue(this.cancels, { item: { orderId, marketSlug }, resolve, reject }));
  }

  modifyOrder(orderId: string, marketSlug: string, change: Change): Promise<void> {
    if (!this.gateway.modifyOrders) return this.gateway.modifyOrder(orderId, marketSlug, change);
    return new Promise((resolve, reject) => this.enqueue(this.modifies, { item: { orderId, marketSlug, change }, resolve, reject }));
  }

  cancelAll(marketSlugs?: string[]): Promise<string[]> {
    return this.gateway.cancelAll(marketSlugs);
  }

  openOrders(marketSlugs?: string[]): Promise<VenueOrder[]> {
    return this.gateway.openOrders(marketSlugs);
  }

  /** Entries not flushed yet are sent through the gateway next turn, where the flow refuses them. */
  setOrderFlow(flow: OrderFlow): void {
    this.gateway.setOrderFlow?.(flow);
  }

  private enqueue<T, R>(queue: Pending<T, R>[], p: Pending<T, R>): void {
    queue.push(p);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.defer(() => this.flush());
  }

  /** Sends what the turn collected: cancels first, then modifies, then creates (the budget orders them too). */
  private flush(): void {
    this.flushScheduled = false;
    const cancels = this.cancels.splice(0);
    const modifies = this.modifies.splice(0);
    const creates = this.creates.splice(0);
    if (cancels.length) this.send('cancel', cancels, (items) => this.gateway.cancelOrders!(items), (p) => this.gateway.cancelOrder(p.orderId, p.marketSlug));
    if (modifies.length) this.send('modify', modifies, (items) => this.gateway.modifyOrders!(items), (p) => this.gateway.modifyOrder(p.orderId, p.marketSlug, p.change));
    if (creates.length) this.sendCreates(creates);
  }

  private send<T>(kind: string, batch: Pending<T, void>[], many: (items: T[]) => Promise<void>, one: (item: T) => Promise<void>): void {
    if (batch.length === 1) {
      const p = batch[0] as Pending<T, void>;
      one(p.item).then(p.resolve, p.reject);
      return;
    }
    this.metrics.increment('execution.batched', batch.length, { kind });
    many(batch.map((p) => p.item)).then(
      () => batch.forEach((p) => p.resolve()),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  }

  private sendCreates(batch: Pending<OrderRequest, CreateOrderResult>[]): void {
    if (batch.length === 1) {
      const p = batch[0] as Pending<OrderRequest, CreateOrderResult>;
      this.gateway.createOrder(p.item).then(p.resolve, p.reject);
      return;
    }
    this.metrics.increment('execution.batched', batch.length, { kind: 'create' });
    this.gateway.createOrders!(batch.map((p) => p.item)).then(
      (outcomes: BatchCreateOutcome[]) =>
        batch.forEach((p, i) => {
          const o = outcomes[i];
          if (!o) p.reject(new Error('batch create: no outcome for this order'));
          else if (o.ok) p.resolve(o.result);
          else p.reject(o.error);
        }),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  }
}
