/**
 * Drift detection and repair planning: compares the exchange's open orders, positions and recent trades with
 * the store's, and plans the writes (and cancels) that bring the store in line with the exchange, which is
 * the truth. Pure: the caller gathers the inputs and applies the plan (functions/reconciler).
 *
 * Kinds of drift:
 *  - missing_fill: a trade of ours the fills ledger does not hold → append it (idempotent by execution id);
 *  - orphan_order: an order open on the exchange that no stored order claims → record it, then cancel it or
 *    adopt it as the policy says;
 *  - stale_order: a stored open order the exchange no longer has open → store its final state;
 *  - order_mismatch: open on both, but filled quantity or status differ → store the exchange's;
 *  - position_mismatch: the net position differs → store the exchange's position.
 * Anything younger than `policy.graceMs` is left for the next pass (the bot's writes are in flight).
 */
import {
  DRIFT_KINDS,
  type Drift,
  type DriftKind,
  type ReconcileInput,
  type ReconcilePlan,
  type Repair,
  type StoredOrder,
  type Unresolved,
} from './drift.js';
import { fillFromTrade, flatPosition, orderRecordFromVenue, orderUpdatedFromVenue, positionFromVenue, statusOfVenueOrder } from './repair-builders.js';
import type { VenueTrade } from './venue-trade.js';
import type { VenueOrder } from '../domain/venue-models.js';

/** Trades old enough to judge whose execution id the ledger does not hold. */
export function missingTrades(
  trades: readonly VenueTrade[],
  knownExecutionIds: ReadonlySet<string>,
  now: number,
  graceMs: number,
): VenueTrade[] {
  const seen = new Set<string>();
  const out: VenueTrade[] = [];
  for (const t of trades) {
    if (knownExecutionIds.has(t.executionId) || seen.has(t.executionId) || now - t.time < graceMs) continue;
    seen.add(t.executionId);
    out.push(t);
  }
  return out;
}

/** Stored open orders old enough to judge that the exchange does not list as open. */
function staleCandidates(input: Pick<ReconcileInput, 'now' | 'policy' | 'store' | 'venue'>): StoredOrder[] {
  const openIds = new Set(input.venue.openOrders.map((o) => o.id));
  return input.store.openOrders.filter(
    (s) => s.order.orderId !== null && !openIds.has(s.order.orderId) && input.now - s.order.updatedAt >= input.policy.graceMs,
  );
}

/**
 * Venue order ids the caller must fetch one by one before planning: stored open orders the exchange no
 * longer lists as open (to learn their final state), and orders of missing trades whose intent is not
 * otherwise known.
 */
/** The planner's input before the one-by-one order look-ups. */
export type PlanInput = Omit<ReconcileInput, 'venue'> & { venue: Omit<ReconcileInput['venue'], 'lookedUp'> };

export function ordersToLookUp(input: PlanInput): string[] {
  const ids = new Set<string>();
  for (const s of staleCandidates({ ...input, venue: { ...input.venue, lookedUp: new Map() } })) ids.add(s.order.orderId as string);
  const venueOpen = new Map(input.venue.openOrders.map((o) => [o.id, o]));
  for (const t of missingTrades(input.venue.trades, input.store.knownExecutionIds, input.now, input.policy.graceMs)) {
    if (t.intent === null && !input.store.ordersByVenueId.has(t.orderId) && !venueOpen.has(t.orderId)) ids.add(t.orderId);
  }
  return [...ids].sort();
}

/**
 * Fetches the orders the plan needs (`ordersToLookUp`), one by one, then plans. A 404 means the order is gone
 * at the exchange; any other failure leaves that order unknown for this pass (reported to `onLookupFailure`).
 */
export async function planWithLookups(
  input: PlanInput,
  getOrder: (orderId: string) => Promise<VenueOrder>,
  onLookupFailure: (orderId: string, err: unknown) => void,
): Promise<{ plan: ReconcilePlan; lookedUp: ReadonlyMap<string, VenueOrder | null> }> {
  const lookedUp = new Map<string, VenueOrder | null>();
  for (const id of ordersToLookUp(input)) {
    try {
      lookedUp.set(id, await getOrder(id));
    } catch (err) {
      if ((err as { status?: number }).status === 404) lookedUp.set(id, null);
      else onLookupFailure(id, err);
    }
  }
  return { plan: planReconciliation({ ...input, venue: { ...input.venue, lookedUp } }), lookedUp };
}

export function planReconciliation(input: ReconcileInput): ReconcilePlan {
  const { now, policy, venue, store } = input;
  const drifts: Drift[] = [];
  const repairs: Repair[] = [];
  const unresolved: Unresolved[] = [];

  const venueOpen = new Map(venue.openOrders.map((o) => [o.id, o]));
  const storeOpenByVenueId = new Map<string, StoredOrder>();
  for (const s of store.openOrders) if (s.order.orderId !== null) storeOpenByVenueId.set(s.order.orderId, s);

  // Fills.
  for (const t of missingTrades(venue.trades, store.knownExecutionIds, now, policy.graceMs)) {
    drifts.push({ kind: 'missing_fill', trade: t });
    const stored = (store.ordersByVenueId.get(t.orderId) ?? storeOpenByVenueId.get(t.orderId))?.order;
    const venueOrder = venueOpen.get(t.orderId) ?? venue.lookedUp.get(t.orderId) ?? null;
    const intent = t.intent ?? stored?.request.intent ?? venueOrder?.intent ?? null;
    if (intent === null) {
      unresolved.push({ kind: 'missing_fill', key: t.executionId, reason: `intent of order ${t.orderId} unknown` });
      continue;
    }
    const fill = fillFromTrade(
      t,
      { intent, ...(stored ? { strategyName: stored.strategyName, postOnly: stored.request.postOnly } : {}) },
      policy.fees,
    );
    repairs.push({ kind: 'append_fill', fill });
  }

  // Orders open on the exchange.
  for (const o of venue.openOrders) {
    const stored = storeOpenByVenueId.get(o.id) ?? store.ordersByVenueId.get(o.id);
    if (!stored) {
      if (o.createTime !== null && now - o.createTime < policy.graceMs) continue;
      drifts.push({ kind: 'orphan_order', venueOrder: o });
      const record = orderRecordFromVenue(o, now);
      repairs.push({ kind: 'record_order', order: record });
      if (policy.orphanPolicy === 'cancel') repairs.push({ kind: 'cancel_order', orderId: o.id, marketSlug: o.marketSlug, localId: record.localId });
      continue;
    }
    if (now - stored.order.updatedAt < policy.graceMs) continue;
    if (stored.order.filledQty !== o.cumQuantity || stored.order.status !== statusOfVenueOrder(o)) {
      drifts.push({ kind: 'order_mismatch', stored, venueOrder: o });
      repairs.push({ kind: 'update_order', order: orderUpdatedFromVenue(stored.order, o, now), expectedVersion: stored.version });
    }
  }

  // Stored open orders the exchange no longer works.
  for (const s of staleCandidates(input)) {
    const id = s.order.orderId as string;
    if (!venue.lookedUp.has(id)) {
      unresolved.push({ kind: 'stale_order', key: s.order.localId, reason: `order ${id} was not looked up` });
      drifts.push({ kind: 'stale_order', stored: s, venueOrder: null });
      continue;
    }
    const v = venue.lookedUp.get(id) ?? null;
    drifts.push({ kind: 'stale_order', stored: s, venueOrder: v });
    repairs.push({ kind: 'update_order', order: orderUpdatedFromVenue(s.order, v, now), expectedVersion: s.version });
  }

  // Positions: the exchange's net position is the truth.
  const storePositions = new Map(store.positions.map((p) => [p.position.marketSlug, p]));
  const venuePositions = new Map(venue.positions.map((p) => [p.marketSlug, p]));
  for (const [slug, v] of venuePositions) {
    const s = storePositions.get(slug);
    if (s && s.position.netQty === v.netPosition) continue;
    if (!s && v.netPosition === 0) continue;
    if (s && now - s.position.updatedAt < policy.graceMs) continue;
    drifts.push({ kind: 'position_mismatch', marketSlug: slug, storeNetQty: s?.position.netQty ?? null, venueNetQty: v.netPosition });
    repairs.push({ kind: 'save_position', position: positionFromVenue(v, s?.position, now), expectedVersion: s?.version ?? null });
  }
  for (const [slug, s] of storePositions) {
    if (venuePositions.has(slug) || s.position.netQty === 0 || now - s.position.updatedAt < policy.graceMs) continue;
    drifts.push({ kind: 'position_mismatch', marketSlug: slug, storeNetQty: s.position.netQty, venueNetQty: 0 });
    repairs.push({ kind: 'save_position', position: flatPosition(slug, s.position, now), expectedVersion: s.version });
  }

  return { drifts, repairs, unresolved, counts: countByKind(drifts) };
}

export function countByKind(drifts: readonly { kind: DriftKind }[]): Record<DriftKind, number> {
  const counts = Object.fromEntries(DRIFT_KINDS.map((k) => [k, 0])) as Record<DriftKind, number>;
  for (const d of drifts) counts[d.kind]++;
  return counts;
}

export function totalDrift(counts: Record<DriftKind, number>): number {
  return DRIFT_KINDS.reduce((a, k) => a + counts[k], 0);
}
