/**
 * Orders the executor closed as absent after an ambiguous create (reconciliation found no trace of them),
 * remembered for a while in case the create reaches the venue after all — a request stuck in a queue can
 * land after both looks. An execution for an order id nobody tracks that has the same shape (market, intent,
 * quantity, limit price) as one of them is that order: the executor adopts it under the strategy that sent
 * it. Oldest first, each entry claimed at most once, entries older than the window forgotten.
 */
import type { OrderRequest } from '../domain/order.js';
import type { StrategyName } from '../domain/signal.js';
import type { VenueOrder } from '../domain/venue-models.js';

export interface AbsentOrder {
  localId: string;
  request: OrderRequest;
  strategyName: StrategyName;
  /** Clock ms when it was closed as absent. */
  closedAt: number;
}

/** Whether a venue order has the shape of a request (the venue assigns the id, so nothing else can match). */
export function venueOrderMatches(o: VenueOrder, r: OrderRequest): boolean {
  return o.marketSlug === r.marketSlug && o.intent === r.intent && o.quantity === r.quantity && (r.price === undefined || o.price === r.price);
}

export class AbsentOrders {
  private readonly entries = new Map<string, AbsentOrder>();

  constructor(private readonly windowMs: number) {}

  add(entry: AbsentOrder): void {
    this.entries.set(entry.localId, entry);
  }

  /** Removes and returns the oldest entry still in the window whose request the venue order matches. */
  claim(order: VenueOrder, now: number): AbsentOrder | null {
    for (const [localId, entry] of this.entries) {
      if (now - entry.closedAt > this.windowMs) {
        this.entries.delete(localId);
        continue;
      }
      if (venueOrderMatches(order, entry.request)) {
        this.entries.delete(localId);
        return entry;
      }
    }
    return null;
  }

  get size(): number {
    return this.entries.size;
  }
}
