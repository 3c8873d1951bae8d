/**
 * Start-up, step 2 (before the engine trades): bring the store in line with the exchange, which is the truth,
 * and hand the engine what it must know about the account.
 *
 *  1. Read the exchange (open orders, positions, balances, our trades over the look-back) and the store (open
 *     orders, positions, execution ids in the ledger).
 *  2. Claim in-flight orders: a stored order without a venue id (the previous run died between sending it and
 *     hearing back) is matched to the exchange order with the same market, intent, price and quantity created
 *     after it, and gets that id. It was a decision of ours, so it is adopted, never treated as an orphan.
 *  3. Plan and apply the repairs of shared/reconciliation with no grace period (nothing of ours is in flight:
 *     the engine has not started): missing fills appended to the ledger (idempotent), orphan orders (open at
 *     the exchange, unknown to the store) recorded then cancelled or adopted as `orphanPolicy` says, stale
 *     orders closed, positions replaced by the exchange's.
 *  4. Return the orders still open at the exchange with their stored identity (local id, strategy), the
 *     positions and the balance, for `installRebuild` to put into the engine.
 *  5. Orders sent just before the stop whose record never landed (the order records are written behind the
 *     hot path, so a kill can beat the write) are recorded once when they traded (step 3). One that left no
 *     other trace — rejected, or cancelled without a fill — cannot be found: today's activities carry no
 *     order lifecycle (asking for ACTIVITY_TYPE_ORDER is refused with 400); it changed nothing at the exchange.
 */
import type { FeeSchedule } from '../../../shared/domain/fees.js';
import type { TrackedOrder } from '../../../shared/domain/order.js';
import type { VenueBalance, VenueOrder, VenuePosition } from '../../../shared/domain/venue-models.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import type { DriftKind, OrphanPolicy, Repair, StoredOrder } from '../../../shared/reconciliation/drift.js';
import { planWithLookups } from '../../../shared/reconciliation/plan-reconciliation.js';
import { orderRecordFromVenue, orderUpdatedFromVenue } from '../../../shared/reconciliation/repair-builders.js';
import { readRecentTrades } from '../../../shared/reconciliation/read-recent-trades.js';
import type { VenueTrade } from '../../../shared/reconciliation/venue-trade.js';
import { LedgerConflictError, VersionConflictError } from '../../../shared/store/errors.js';
import { addDays, tradingDayOf } from '../../../shared/store/trading-day.js';
import type { ActivitiesPage, ActivitiesQuery } from '../../../shared/venue/rest-client.js';
import type { StateRepositories } from './state-persister.js';

/** The exchange calls the rebuild makes (PolymarketRestClient satisfies it). */
export interface RebuildVenue {
  openOrders(): Promise<VenueOrder[]>;
  positions(): AsyncIterable<VenuePosition>;
  balances(): Promise<VenueBalance[]>;
  activitiesPage(query: ActivitiesQuery): Promise<ActivitiesPage>;
  getOrder(id: string): Promise<VenueOrder>;
  cancelOrder(id: string, marketSlug: string): Promise<void>;
}

export interface RebuildOptions {
  venue: RebuildVenue;
  repos: Pick<StateRepositories, 'orders' | 'fills' | 'positions'>;
  now: () => number;
  logger: Logger;
  metrics: Metrics;
  orphanPolicy: OrphanPolicy;
  fees: FeeSchedule;
  /** How far back trades are compared with the ledger, ms. */
  lookbackMs: number;
  /** An exchange order created this long before a stored in-flight order cannot be it. */
  clockSkewMs?: number;
  maxActivityPages?: number;
  timeZone?: string;
}

export interface AdoptableOrder {
  order: TrackedOrder;
  version: number;
  venue: VenueOrder;
}

export interface RebuildResult {
  /** Orders open at the exchange after the repairs, with their stored identity. */
  openOrders: AdoptableOrder[];
  positions: VenuePosition[];
  balance: VenueBalance | undefined;
  drift: Record<DriftKind, number>;
  fillsAppended: number;
  inFlightClaimed: number;
  orphansCancelled: string[];
  orphansAdopted: string[];
  repairsFailed: number;
  unresolved: number;
}

export async function rebuildFromExchange(o: RebuildOptions): Promise<RebuildResult> {
  const now = o.now();
  const since = now - o.lookbackMs;
  const log = o.logger;
  const [venueOpen, positions, balances, trades] = await Promise.all([
    o.venue.openOrders(),
    collect(o.venue.positions()),
    o.venue.balances(),
    readTrades(o, since),
  ]);
  const balance = balances.find((b) => b.currency === 'USD') ?? balances[0];

  const [storeOpenAll, storePositions, knownExecutionIds] = await Promise.all([
    o.repos.orders.listOpen(),
    o.repos.positions.list(),
    executionIdsSince(o, since, now),
  ]);

  // In-flight orders of the previous run (stored without a venue id): find them at the exchange.
  const inFlight = storeOpenAll.filter((s) => s.order.orderId === null);
  let storeOpen = storeOpenAll.filter((s) => s.order.orderId !== null);
  const knownIds = new Set(storeOpen.map((s) => s.order.orderId as string));
  const ordersByVenueId = new Map<string, StoredOrder>();
  const unknownTradeOrderIds = [...new Set(trades.map((t) => t.orderId))].filter((id) => !knownIds.has(id));
  for (const id of [...new Set([...unknownTradeOrderIds, ...venueOpen.map((v) => v.id).filter((id) => !knownIds.has(id))])]) {
    const found = await o.repos.orders.findByVenueOrderId(id);
    if (found) ordersByVenueId.set(id, found);
  }
  let inFlightClaimed = 0;
  if (inFlight.length > 0) {
    const candidates = new Map<string, VenueOrder>();
    for (const v of venueOpen) if (!knownIds.has(v.id) && !ordersByVenueId.has(v.id)) candidates.set(v.id, v);
    // Orders that no longer work but traded show in the trade activities. One that ended without a trade (an
    // IOC cancelled, a fill-or-kill killed, a reject) leaves no trace: today's activities list trades,
    // resolutions and balance changes only (asking for ACTIVITY_TYPE_ORDER is refused with 400), and it
    // changed nothing at the exchange.
    for (const id of unknownTradeOrderIds.slice(0, 200)) {
      if (candidates.has(id) || ordersByVenueId.has(id)) continue;
      // An order that already has a record (e.g. an orphan recorded by an earlier restart) is not in flight.
      const recorded = await o.repos.orders.findByVenueOrderId(id).catch(() => undefined);
      if (recorded) {
        ordersByVenueId.set(id, recorded);
        continue;
      }
      try {
        candidates.set(id, await o.venue.getOrder(id));
      } catch (err) {
        log.warn('order of an unrecorded trade could not be read', { orderId: id, err });
      }
    }
    for (const s of inFlight.sort((a, b) => a.order.createdAt - b.order.createdAt)) {
      const match = [...candidates.values()]
        .filter((v) => matchesRequest(v, s.order, o.clockSkewMs ?? 5_000))
        .sort((a, b) => (a.createTime ?? 0) - (b.createTime ?? 0))[0];
      let updated: TrackedOrder;
      if (match) {
        candidates.delete(match.id);
        updated = orderUpdatedFromVenue({ ...s.order, orderId: match.id }, match, now);
        inFlightClaimed++;
        log.warn('order in flight at the last stop found at the exchange; adopted', { localId: s.order.localId, orderId: match.id });
      } else {
        updated = { ...s.order, status: 'REJECTED', rejectReason: 'not found at the exchange after a restart', updatedAt: now };
        log.warn('order in flight at the last stop never reached the exchange; closed', { localId: s.order.localId });
      }
      try {
        const saved = await o.repos.orders.save(updated, s.version);
        if (updated.orderId !== null) {
          const st = { order: saved.order, version: saved.version };
          if (updated.status === 'PENDING' || updated.status === 'PARTIALLY_FILLED') storeOpen = [...storeOpen, st];
          ordersByVenueId.set(updated.orderId, st);
        }
      } catch (err) {
        log.error('in-flight order could not be updated', { localId: s.order.localId, err });
      }
    }
  }

  const policy = { orphanPolicy: o.orphanPolicy, graceMs: 0, fees: o.fees };
  const base = {
    now,
    policy,
    venue: { openOrders: venueOpen, positions, trades },
    store: { openOrders: storeOpen, positions: storePositions, knownExecutionIds, ordersByVenueId },
  };
  const { plan, lookedUp } = await planWithLookups(base, (id) => o.venue.getOrder(id), (orderId, err) => log.warn('order look-up failed; its record stays as it is', { orderId, err }));

  let fillsAppended = 0;
  let repairsFailed = 0;
  const orphansCancelled: string[] = [];
  const recorded = new Map<string, TrackedOrder>();
  for (const repair of plan.repairs) {
    try {
      const applied = await applyRepair(o, repair, now);
      if (repair.kind === 'append_fill' && applied) fillsAppended++;
      if (repair.kind === 'record_order' && repair.order.orderId) recorded.set(repair.order.orderId, repair.order);
      if (repair.kind === 'cancel_order') orphansCancelled.push(repair.orderId);
    } catch (err) {
      repairsFailed++;
      o.metrics.increment('rebuild.repair_failed', 1, { kind: repair.kind });
      log.error('start-up repair failed', { repair: repair.kind, err });
    }
  }

  // Orders that traded (a missing fill) but have no record: the previous run died before writing it. One
  // record each, so every exchange order of the account is accounted for.
  const haveRecord = new Set<string>([...knownIds, ...ordersByVenueId.keys(), ...recorded.keys()]);
  const venueById = new Map<string, VenueOrder>(venueOpen.map((v) => [v.id, v]));
  for (const [id, v] of lookedUp) if (v) venueById.set(id, v);
  for (const repair of plan.repairs) {
    if (repair.kind !== 'append_fill' || haveRecord.has(repair.fill.orderId)) continue;
    const id = repair.fill.orderId;
    haveRecord.add(id);
    try {
      const v = venueById.get(id) ?? (await o.venue.getOrder(id));
      await o.repos.orders.create(orderRecordFromVenue(v, now));
      log.warn('traded order without a record (sent just before the last stop) recorded', { orderId: id, status: v.state });
    } catch (err) {
      if (!(err instanceof VersionConflictError)) log.error('traded order could not be recorded', { orderId: id, err });
    }
  }

  // Orders sent just before the stop that left no record and ended without a trade (rejected, cancelled
  // unfilled) cannot be found: today's activities carry no order lifecycle (ACTIVITY_TYPE_ORDER is refused), and
  // such an order changed nothing at the exchange.

  // What is open at the exchange now, with its stored identity.
  const cancelled = new Set(orphansCancelled);
  const openOrders: AdoptableOrder[] = [];
  const orphansAdopted: string[] = [];
  const storedByVenue = new Map<string, StoredOrder>([...ordersByVenueId, ...storeOpen.map((s) => [s.order.orderId as string, s] as const)]);
  for (const v of venueOpen) {
    if (cancelled.has(v.id)) continue;
    const localId = storedByVenue.get(v.id)?.order.localId ?? recorded.get(v.id)?.localId;
    const current = localId ? await o.repos.orders.get(localId) : undefined;
    if (!current) {
      log.error('open exchange order has no record after the rebuild; left to the reconciler', { orderId: v.id });
      continue;
    }
    if (recorded.has(v.id)) orphansAdopted.push(v.id);
    openOrders.push({ order: current.order, version: current.version, venue: v });
  }

  const result: RebuildResult = {
    openOrders,
    positions,
    balance,
    drift: plan.counts,
    fillsAppended,
    inFlightClaimed,
    orphansCancelled,
    orphansAdopted,
    repairsFailed,
    unresolved: plan.unresolved.length,
  };
  o.metrics.increment('rebuild.fills_appended', fillsAppended);
  o.metrics.increment('rebuild.orphans_cancelled', orphansCancelled.length);
  o.metrics.increment('rebuild.orphans_adopted', orphansAdopted.length);
  log.info('state rebuilt from the exchange', {
    openOrders: openOrders.length,
    positions: positions.length,
    drift: plan.counts,
    fillsAppended,
    inFlightClaimed,
    orphansCancelled: orphansCancelled.length,
    orphansAdopted: orphansAdopted.length,
    repairsFailed,
    unresolved: plan.unresolved,
  });
  return result;
}

function matchesRequest(v: VenueOrder, stored: TrackedOrder, skewMs: number): boolean {
  const r = stored.request;
  return (
    v.marketSlug === r.marketSlug &&
    v.intent === r.intent &&
    v.quantity === r.quantity &&
    (r.price === undefined || v.price === r.price) &&
    (v.createTime === null || v.createTime >= stored.createdAt - skewMs)
  );
}

/** Applies one repair; true when it changed something. Conflicts with a concurrent writer are not failures. */
async function applyRepair(o: RebuildOptions, repair: Repair, now: number): Promise<boolean> {
  switch (repair.kind) {
    case 'append_fill': {
      try {
        return (await o.repos.fills.append(repair.fill)) === 'inserted';
      } catch (err) {
        if (err instanceof LedgerConflictError) {
          o.logger.error('ledger holds a different fill under the same execution id', { executionId: err.executionId, fields: err.differingFields });
          return false;
        }
        throw err;
      }
    }
    case 'record_order':
      try {
        await o.repos.orders.create(repair.order);
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
      }
      o.logger.warn('orphan order found at the exchange and recorded', { orderId: repair.order.orderId, policy: o.orphanPolicy });
      return true;
    case 'cancel_order': {
      await o.venue.cancelOrder(repair.orderId, repair.marketSlug).catch((err: unknown) => {
        if ((err as { status?: number }).status !== 404) throw err;
      });
      const current = await o.repos.orders.get(repair.localId);
      if (current) await o.repos.orders.save({ ...current.order, status: 'CANCELLED', updatedAt: now }, current.version);
      o.logger.warn('orphan order cancelled', { orderId: repair.orderId, marketSlug: repair.marketSlug });
      return true;
    }
    case 'update_order':
      await o.repos.orders.save(repair.order, repair.expectedVersion);
      return true;
    case 'save_position':
      try {
        await o.repos.positions.save(repair.position, repair.expectedVersion);
      } catch (err) {
        // The private socket's position snapshot was written in between: it is the exchange's too, and newer.
        if (err instanceof VersionConflictError) return false;
        throw err;
      }
      return true;
  }
}

async function readTrades(o: RebuildOptions, since: number): Promise<VenueTrade[]> {
  const { trades, malformed } = await readRecentTrades((q) => o.venue.activitiesPage(q), since, o.maxActivityPages ?? 50);
  if (malformed > 0) {
    o.metrics.increment('rebuild.malformed_trades', malformed);
    o.logger.warn('trade activities skipped as unreadable', { count: malformed });
  }
  return trades;
}

async function executionIdsSince(o: RebuildOptions, since: number, now: number): Promise<Set<string>> {
  const ids = new Set<string>();
  const last = tradingDayOf(now, o.timeZone);
  for (let day = tradingDayOf(since, o.timeZone); day <= last; day = addDays(day, 1)) {
    for (const f of await o.repos.fills.byDay(day)) ids.add(f.executionId);
  }
  return ids;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
