/**
 * Executions that arrive for a venue order id the order tracker does not know yet (the create response is
 * still on its way, or the order was placed elsewhere): kept by order id, each once, until the id is
 * attached, and bounded — past `maxOrders` ids the oldest are dropped (counted `execution.orphan_dropped`).
 */
import type { VenueExecution, VenueOrder } from '../domain/venue-models.js';
import type { Metrics } from '../observability/metrics.js';

export class OrphanExecutions {
  private readonly byOrder = new Map<string, VenueExecution[]>();

  constructor(
    private readonly maxOrders: number,
    private readonly metrics: Metrics,
  ) {}

  add(x: VenueExecution): void {
    let list = this.byOrder.get(x.order.id);
    if (!list) {
      if (this.byOrder.size >= this.maxOrders) {
        const oldest = this.byOrder.keys().next().value;
        if (oldest !== undefined) this.byOrder.delete(oldest);
        this.metrics.increment('execution.orphan_dropped');
      }
      list = [];
      this.byOrder.set(x.order.id, list);
    }
    if (!list.some((y) => y.id === x.id)) list.push(x);
  }

  /** The executions buffered for an order id, removed from the buffer (oldest first). */
  take(orderId: string): VenueExecution[] {
    const list = this.byOrder.get(orderId) ?? [];
    this.byOrder.delete(orderId);
    return list;
  }

  orderIds(): string[] {
    return [...this.byOrder.keys()];
  }

  /** The venue order carried by the newest buffered execution of an order id. */
  latestOrder(orderId: string): VenueOrder | undefined {
    const list = this.byOrder.get(orderId);
    return list && list.length ? list[list.length - 1]!.order : undefined;
  }
}
