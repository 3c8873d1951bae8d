/**
 * Start-up in paper mode: the exchange account is not this stage's to repair. Another stage may trade it with
 * the same key, so a paper bot never cancels, adopts or records an order it did not place. The one thing it
 * does: orders THIS stage placed while it was live (open records in its own store, with a venue id) and that
 * still rest at the exchange are cancelled and their records closed — leaving live cancels live orders, even
 * across a restart. Every other open exchange order is left alone and only counted.
 */
import type { VenueOrder } from '../../../shared/domain/venue-models.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import type { OrdersRepository } from '../../../shared/store/orders-repository.js';

export interface PaperStartOptions {
  venue: { openOrders(): Promise<VenueOrder[]>; cancelOrder(id: string, marketSlug: string): Promise<void> };
  orders: Pick<OrdersRepository, 'listOpen' | 'save'>;
  now: () => number;
  logger: Logger;
  metrics: Metrics;
}

export interface PaperStartResult {
  /** Venue ids of this stage's own live orders cancelled. */
  cancelled: string[];
  /** Open exchange orders this stage did not place, left alone. */
  foreignLeftAlone: number;
}

export async function cancelOwnLiveLeftovers(o: PaperStartOptions): Promise<PaperStartResult> {
  const [venueOpen, storeOpen] = await Promise.all([o.venue.openOrders(), o.orders.listOpen()]);
  const ours = new Map(storeOpen.filter((s) => s.order.orderId !== null).map((s) => [s.order.orderId as string, s]));
  const cancelled: string[] = [];
  let foreign = 0;
  for (const v of venueOpen) {
    const stored = ours.get(v.id);
    if (!stored) {
      foreign++;
      continue;
    }
    try {
      await o.venue.cancelOrder(v.id, v.marketSlug);
      await o.orders.save({ ...stored.order, status: 'CANCELLED', updatedAt: o.now() }, stored.version);
      cancelled.push(v.id);
      o.logger.warn('paper mode: this stage\'s live order left at the exchange cancelled', { orderId: v.id, localId: stored.order.localId });
    } catch (err) {
      o.logger.error('paper mode: could not cancel this stage\'s live order left at the exchange', { orderId: v.id, err });
    }
  }
  o.metrics.increment('paper_start.own_orders_cancelled', cancelled.length);
  if (foreign > 0) {
    o.logger.info('paper mode: open exchange orders this stage did not place are left alone', { count: foreign });
  }
  return { cancelled, foreignLeftAlone: foreign };
}
