/**
 * Start-up, step 2 (before the engine trades): bring the store in line with the exchange, which is the truth,
 * and hand the engine what it must know about the account. Also run as the last pass of a graceful stop.
 *
 *  1. Read the exchange (open orders, positions, balances, our trades over the look-back) and the store (open
 *     orders, positions, the ledger's fills over the look-back).
 *  2. Read by id (GET /v1/order/{id}) the orders that traded — named by a trade activity or by a ledger fill —
 *     and have no record: the previous run died before writing it.
 *  3. Settle in-flight orders (stored without a venue id: the previous run died between sending one and
 *     hearing back) with what the venue offers, see in-flight-resolution.ts: claimed by the unrecorded
 *     exchange order (open, or read in 2) with the same market, intent, price and quantity created after it;
 *     else closed with the trades that name no order and fit it; else closed as never placed. The venue
 *     keeps no history of orders that left the book without a fill, and none is needed: such an order
 *     changed nothing on the account, and a resting or filled one shows as open or traded.
 *  4. Record the traded orders of 2 that no in-flight order claimed (`recon-<id>`, closed).
 *  5. Give each remaining trade that names no order (the contract's trade activity has no order id) to the one
 *     recorded order that could have made it (shared/reconciliation/attribute-trades.ts); one that fits no
 *     order, or several, is counted (`unattributedTrades`, metric rebuild.unattributed_trades), not guessed.
 *  6. Plan and apply the repairs of shared/reconciliation with no grace period (nothing of ours is in flight:
 *     the engine has not started): missing fills appended to the ledger (idempotent), orphan orders (open at
 *     the exchange, unknown to the store) recorded then cancelled or adopted as `orphanPolicy` says, stale
 *     orders closed after a look-up by id, positions replaced by the exchange's.
 *  7. Return the orders still open at the exchange with their stored identity (local id, strategy), the
 *     positions and the balance, for `installRebuild` to put into the engine.
 */
import type { FeeSchedule } from '../../../shared/domain/fees.js';
import type { Fill, TrackedOrder } from '../../../shared/domain/order.js';
import type { VenueBalance, VenueOrder, VenuePosition } from '../../../shared/domain/venue-models.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import type { DriftKind, OrphanPolicy, Repair, StoredOrder } from '../../../shared/reconciliation/drift.js';
import { attributeTrades, unrecordedTrades } from '../../../shared/reconciliation/attribute-trades.js';
import { planWithLookups } from '../../../shared/reconciliation/plan-reconciliation.js';
import { orderRecordFromVenue } from '../../../shared/reconciliation/repair-builders.js';
import { readRecentTrades } from '../../../shared/reconciliation/read-recent-trades.js';
import type { UnattributedTrade, VenueTrade } from '../../../shared/reconciliation/venue-trade.js';
import { LedgerConflictError, VersionConflictError } from '../../../shared/store/errors.js';
import { addDays, tradingDayOf } from '../../../shared/store/trading-day.js';
import type { ActivitiesPage, ActivitiesQuery } from '../../../shared/venue/rest-client.js';
import { recordOfOutcome, resolveInFlight } from './in-flight-resolution.js';
import type { StateRepositories } from './state-persister.js';

/** At most this many unrecorded traded orders are read one by one at start (the reconciler does the rest). */
const MAX_ORDER_LOOKUPS = 200;

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
  /** In-flight orders found at the exchange (open, or read by id) and given their venue id. */
  inFlightClaimed: number;
  /** In-flight orders matched to trades that name no order: closed with those fills, venue id unknown. */
  inFlightTraded: number;
  /** Trades that name no order and that no ledger fill or in-flight order accounts for (no fill written). */
  unattributedTrades: number;
  orphansCancelled: string[];
  orphansAdopted: string[];
  repairsFailed: number;
  unresolved: number;
}

export async function rebuildFromExchange(o: RebuildOptions): Promise<RebuildResult> {
  const now = o.now();
  const since = now - o.lookbackMs;
  const skewMs = o.clockSkewMs ?? 5_000;
  const log = o.logger;
  const [venueOpen, positions, balances, read] = await Promise.all([
    o.venue.openOrders(),
    collect(o.venue.positions()),
    o.venue.balances(),
    readTrades(o, since),
  ]);
  const { trades } = read;
  const balance = balances.find((b) => b.currency === 'USD') ?? balances[0];

  const [storeOpenAll, storePositions, ledgerFills] = await Promise.all([o.repos.orders.listOpen(), o.repos.positions.list(), ledgerFillsSince(o, since, now)]);
  const knownExecutionIds = new Set(ledgerFills.map((f) => f.executionId));

  // The venue ids the account is known to have used: open at the exchange, named by a trade, or by a fill the
  // ledger holds (the stream reported it before the order's record landed). Their records, any status.
  const inFlight = storeOpenAll.filter((s) => s.order.orderId === null);
  let storeOpen = storeOpenAll.filter((s) => s.order.orderId !== null);
  const knownIds = new Set(storeOpen.map((s) => s.order.orderId as string));
  const ordersByVenueId = new Map<string, StoredOrder>();
  const tradedIds = [...new Set([...trades.map((t) => t.orderId), ...ledgerFills.map((f) => f.orderId)])].filter((id) => !knownIds.has(id));
  await inBatches([...new Set([...tradedIds, ...venueOpen.map((v) => v.id).filter((id) => !knownIds.has(id))])], 8, async (id) => {
    const found = await o.repos.orders.findByVenueOrderId(id);
    if (found) ordersByVenueId.set(id, found);
  });

  // Orders that traded and have no record (the previous run died before writing it), read by id. Open ones
  // are in `venueOpen` already; the rest no longer work.
  const venueOpenIds = new Set(venueOpen.map((v) => v.id));
  const unrecordedTraded = new Map<string, VenueOrder>();
  const toFetch = tradedIds.filter((id) => !ordersByVenueId.has(id) && !venueOpenIds.has(id));
  if (toFetch.length > MAX_ORDER_LOOKUPS) log.warn('too many traded orders without a record to read at start; the rest are left to the reconciler', { count: toFetch.length });
  await inBatches(toFetch.slice(0, MAX_ORDER_LOOKUPS), 8, async (id) => {
    try {
      unrecordedTraded.set(id, await o.venue.getOrder(id));
    } catch (err) {
      log.warn('order of an unrecorded trade could not be read; left to the reconciler', { orderId: id, err });
    }
  });

  // In-flight orders of the previous run (stored without a venue id): what became of them.
  let inFlightClaimed = 0;
  let inFlightTraded = 0;
  const attributed = new Set<string>();
  const unattributed = unrecordedTrades(read.unattributed, ledgerFills, skewMs);
  if (inFlight.length > 0) {
    const candidates = [...venueOpen.filter((v) => !knownIds.has(v.id) && !ordersByVenueId.has(v.id)), ...unrecordedTraded.values()];
    for (const outcome of resolveInFlight({ inFlight, candidates, unattributed, skewMs })) {
      const s = outcome.stored;
      const updated = recordOfOutcome(outcome, now);
      if (outcome.kind === 'claimed') {
        inFlightClaimed++;
        unrecordedTraded.delete(outcome.venue.id);
        log.warn('order in flight at the last stop found at the exchange; adopted', { localId: s.order.localId, orderId: outcome.venue.id });
      } else if (outcome.kind === 'traded') {
        inFlightTraded++;
        for (const t of outcome.trades) attributed.add(t.executionId);
        log.warn('order in flight at the last stop traded (its venue id is unknown); closed with its fills', {
          localId: s.order.localId,
          status: updated.status,
          filledQty: updated.filledQty,
          trades: outcome.trades.map((t) => t.executionId),
        });
      } else {
        log.warn('order in flight at the last stop is not at the exchange (never placed, or closed without a fill); closed', { localId: s.order.localId });
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

  // Traded orders no in-flight record claimed: one record each (closed), so every exchange order of the
  // account that acted on it is accounted for.
  for (const [id, v] of unrecordedTraded) {
    try {
      const created = await o.repos.orders.create(orderRecordFromVenue(v, now));
      ordersByVenueId.set(id, { order: created.order, version: created.version });
      log.warn('traded order without a record (sent just before the last stop) recorded', { orderId: id, status: v.state });
    } catch (err) {
      if (err instanceof VersionConflictError) {
        const found = await o.repos.orders.findByVenueOrderId(id).catch(() => undefined);
        if (found) ordersByVenueId.set(id, found);
      } else log.error('traded order could not be recorded', { orderId: id, err });
    }
  }

  // Trades that name no order, that neither the ledger nor an in-flight order accounts for: each goes to the
  // one recorded order that could have made it (its fill is then written like any missing fill). The rest —
  // no such order, or several — cannot be written without guessing; the positions are the exchange's anyway.
  const recordedOrders = [...new Map([...storeOpen, ...ordersByVenueId.values()].map((st) => [st.order.localId, st])).values()];
  const { attributed: attributedTrades, left } = attributeTrades(
    unattributed.filter((t) => !attributed.has(t.executionId)),
    recordedOrders,
    ledgerFills,
    skewMs,
  );
  const unattributedLeft = left.length;
  if (unattributedLeft > 0) {
    o.metrics.increment('rebuild.unattributed_trades', unattributedLeft);
    log.warn('trades that name no order and fit no single recorded order; their fills are not in the ledger', { count: unattributedLeft });
  }

  const policy = { orphanPolicy: o.orphanPolicy, graceMs: 0, fees: o.fees };
  const base = {
    now,
    policy,
    venue: { openOrders: venueOpen, positions, trades: [...trades, ...attributedTrades] },
    store: { openOrders: storeOpen, positions: storePositions, knownExecutionIds, ordersByVenueId },
  };
  const { plan } = await planWithLookups(base, (id) => o.venue.getOrder(id), (orderId, err) => log.warn('order look-up failed; its record stays as it is', { orderId, err }));

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
    inFlightTraded,
    unattributedTrades: unattributedLeft,
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
    inFlightTraded,
    unattributedTrades: unattributedLeft,
    orphansCancelled: orphansCancelled.length,
    orphansAdopted: orphansAdopted.length,
    repairsFailed,
    unresolved: plan.unresolved,
  });
  return result;
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

async function readTrades(o: RebuildOptions, since: number): Promise<{ trades: VenueTrade[]; unattributed: UnattributedTrade[] }> {
  const { trades, unattributed, malformed } = await readRecentTrades((q) => o.venue.activitiesPage(q), since, o.maxActivityPages ?? 50);
  // A trade that names no order is the venue's documented shape, not a malformed one: matched in step 3.
  const unreadable = malformed - unattributed.length;
  if (unreadable > 0) {
    o.metrics.increment('rebuild.malformed_trades', unreadable);
    o.logger.warn('trade activities skipped as unreadable', { count: unreadable });
  }
  return { trades, unattributed };
}

/** The ledger's fills of the trading days the look-back covers. */
async function ledgerFillsSince(o: RebuildOptions, since: number, now: number): Promise<Fill[]> {
  const out: Fill[] = [];
  const last = tradingDayOf(now, o.timeZone);
  for (let day = tradingDayOf(since, o.timeZone); day <= last; day = addDays(day, 1)) out.push(...(await o.repos.fills.byDay(day)));
  return out;
}

async function inBatches<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
