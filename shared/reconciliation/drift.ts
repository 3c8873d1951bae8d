/** What the reconciler compares, what it can find wrong, and the repairs it plans (pure data). */
import type { Qty } from '../domain/quantity.js';
import type { FeeSchedule } from '../domain/fees.js';
import type { Fill, TrackedOrder } from '../domain/order.js';
import type { PositionState } from '../domain/position.js';
import type { VenueOrder, VenuePosition } from '../domain/venue-models.js';
import type { VenueTrade } from './venue-trade.js';

export const DRIFT_KINDS = ['missing_fill', 'orphan_order', 'stale_order', 'order_mismatch', 'position_mismatch'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** What to do with an order open on the exchange that the store does not know. */
export const ORPHAN_POLICIES = ['cancel', 'adopt'] as const;
export type OrphanPolicy = (typeof ORPHAN_POLICIES)[number];

/** The strategy name recorded on orders the reconciler found on the exchange without a record. */
export const ORPHAN_STRATEGY = 'reconciler_orphan';

export interface ReconcilePolicy {
  orphanPolicy: OrphanPolicy;
  /**
   * Anything younger than this (order creation, trade, store update) is left alone: the bot writes its
   * records behind the hot path, so a very recent difference is a write in flight, not drift.
   */
  graceMs: number;
  /** Used to price a missing fill's fee when the exchange did not report it. */
  fees: FeeSchedule;
}

export interface StoredOrder {
  order: TrackedOrder;
  version: number;
}

export interface StoredPosition {
  position: PositionState;
  version: number;
}

export interface ReconcileInput {
  now: number;
  policy: ReconcilePolicy;
  venue: {
    openOrders: readonly VenueOrder[];
    positions: readonly VenuePosition[];
    /** Our recent trades (from the activity feed). */
    trades: readonly VenueTrade[];
    /** Orders fetched one by one (see `ordersToLookUp`): null = the exchange does not know the id. */
    lookedUp: ReadonlyMap<string, VenueOrder | null>;
  };
  store: {
    openOrders: readonly StoredOrder[];
    positions: readonly StoredPosition[];
    /** Execution ids already in the fills ledger (for the window the trades cover). */
    knownExecutionIds: ReadonlySet<string>;
    /**
     * Stored orders by venue order id, any status: at least those of missing trades and of venue open orders
     * absent from `openOrders` (so that an order the store closed too early is not taken for an orphan).
     */
    ordersByVenueId: ReadonlyMap<string, StoredOrder>;
  };
}

export type Drift =
  | { kind: 'missing_fill'; trade: VenueTrade }
  | { kind: 'orphan_order'; venueOrder: VenueOrder }
  | { kind: 'stale_order'; stored: StoredOrder; venueOrder: VenueOrder | null }
  | { kind: 'order_mismatch'; stored: StoredOrder; venueOrder: VenueOrder }
  | { kind: 'position_mismatch'; marketSlug: string; storeNetQty: Qty | null; venueNetQty: Qty };

export type Repair =
  | { kind: 'append_fill'; fill: Fill }
  | { kind: 'record_order'; order: TrackedOrder }
  | { kind: 'cancel_order'; orderId: string; marketSlug: string; localId: string }
  | { kind: 'update_order'; order: TrackedOrder; expectedVersion: number }
  | { kind: 'save_position'; position: PositionState; expectedVersion: number | null };

export interface Unresolved {
  kind: DriftKind;
  key: string;
  reason: string;
}

export interface ReconcilePlan {
  drifts: Drift[];
  repairs: Repair[];
  /** Drift found but not repairable from what is known (e.g. a trade whose intent cannot be established). */
  unresolved: Unresolved[];
  counts: Record<DriftKind, number>;
}
