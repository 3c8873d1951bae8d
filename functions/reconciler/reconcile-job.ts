/**
 * One reconciliation pass (EventBridge schedule): gathers the exchange's open orders, positions and recent
 * trades and the store's orders, fills and positions, plans the repairs (shared/reconciliation, pure) and
 * applies them. Every repair is idempotent or guarded (ledger keyed by execution id, conditional creates,
 * versioned saves), so an overlapping or repeated pass never doubles anything. In paper mode the exchange
 * holds nothing of ours, so the pass does nothing.
 */
import { ALARM_METRICS } from '../../shared/aws/alarm-metrics.js';
import type { Notifier } from '../../shared/aws/notifier.js';
import { readTradingMode, type ParameterStore, type TradingModeSetting } from '../../shared/aws/parameter-store.js';
import type { QueueSender } from '../../shared/aws/queue-sender.js';
import type { Clock } from '../../shared/domain/clock.js';
import type { VenueOrder, VenuePosition } from '../../shared/domain/venue-models.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import { DRIFT_KINDS, type DriftKind, type ReconcilePolicy, type Repair, type StoredOrder, type Unresolved } from '../../shared/reconciliation/drift.js';
import { missingTrades, planWithLookups, totalDrift } from '../../shared/reconciliation/plan-reconciliation.js';
import { readRecentTrades, type RecentTrades } from '../../shared/reconciliation/read-recent-trades.js';
import { LedgerConflictError, VersionConflictError } from '../../shared/store/errors.js';
import type { FillsLedger } from '../../shared/store/fills-ledger.js';
import type { OrdersRepository } from '../../shared/store/orders-repository.js';
import type { PositionsRepository } from '../../shared/store/positions-repository.js';
import { addDays, tradingDayOf } from '../../shared/store/trading-day.js';
import type { ActivitiesPage, ActivitiesQuery } from '../../shared/venue/rest-client.js';
import type { ReconciliationMessage } from '../../shared/messages/queue-messages.js';

/** The exchange calls the reconciler makes (PolymarketRestClient satisfies it). */
export interface ReconcilerVenue {
  openOrders(): Promise<VenueOrder[]>;
  positions(): AsyncIterable<VenuePosition>;
  activitiesPage(query: ActivitiesQuery): Promise<ActivitiesPage>;
  getOrder(id: string): Promise<VenueOrder>;
  cancelOrder(id: string, marketSlug: string): Promise<void>;
}

export interface ReconcilerDeps {
  clock: Clock;
  venue: ReconcilerVenue;
  orders: OrdersRepository;
  fills: FillsLedger;
  positions: PositionsRepository;
  parameters: ParameterStore;
  tradingModeParameter: string;
  /** Tells the bot that the store changed under it (FIFO control queue). */
  control: QueueSender;
  /** Operator notification when drift is found; optional (the infra may not grant a topic). */
  notifier?: Notifier;
  logger: Logger;
  metrics: Metrics;
  policy: ReconcilePolicy;
  /** How far back trades are compared, ms. */
  lookbackMs: number;
  /** Safety cap on activity pages read per pass. */
  maxActivityPages?: number;
}

export interface ReconcileResult {
  mode: TradingModeSetting;
  /** Confirmed drift by kind (a "missing" fill the ledger turns out to hold is not counted). */
  drift: Record<DriftKind, number>;
  total: number;
  repaired: number;
  failed: number;
  unresolved: Unresolved[];
  /** Trades that could not be read from the activity feed. */
  malformedTrades: number;
}

/** What the bot receives on its control queue (the shared contract, shared/messages/queue-messages.ts). */
export type ReconciliationControlMessage = ReconciliationMessage;

const emptyCounts = (): Record<DriftKind, number> => Object.fromEntries(DRIFT_KINDS.map((k) => [k, 0])) as Record<DriftKind, number>;

export async function runReconciliation(deps: ReconcilerDeps): Promise<ReconcileResult> {
  const now = deps.clock.now();
  const log = deps.logger.child({ pass: now });
  const mode = await readTradingMode(deps.parameters, deps.tradingModeParameter);
  if (mode === 'paper') {
    log.info('paper mode: nothing on the exchange to reconcile');
    deps.metrics.gauge(ALARM_METRICS.reconciliationDrift, 0);
    return { mode, drift: emptyCounts(), total: 0, repaired: 0, failed: 0, unresolved: [], malformedTrades: 0 };
  }
  const since = now - deps.lookbackMs;

  // The exchange.
  const [venueOpen, venuePositions, tradeRead] = await Promise.all([
    deps.venue.openOrders(),
    collect(deps.venue.positions()),
    readTrades(deps, since),
  ]);
  if (tradeRead.malformed > 0) {
    deps.metrics.increment('reconciler.malformed_trades', tradeRead.malformed);
    log.warn('trade activities skipped as unreadable', { count: tradeRead.malformed, reasons: tradeRead.reasons });
  }

  // The store.
  const [storeOpen, storePositions, knownExecutionIds] = await Promise.all([
    deps.orders.listOpen(),
    deps.positions.list(),
    executionIdsSince(deps.fills, since, now),
  ]);
  const storeOpenIds = new Set(storeOpen.map((s) => s.order.orderId).filter((id): id is string => id !== null));
  const ordersByVenueId = new Map<string, StoredOrder>();
  const missing = missingTrades(tradeRead.trades, knownExecutionIds, now, deps.policy.graceMs);
  const idsToFind = new Set([...missing.map((t) => t.orderId), ...venueOpen.map((o) => o.id)].filter((id) => !storeOpenIds.has(id)));
  for (const id of idsToFind) {
    const found = await deps.orders.findByVenueOrderId(id);
    if (found) ordersByVenueId.set(id, found);
  }

  const base = {
    now,
    policy: deps.policy,
    venue: { openOrders: venueOpen, positions: venuePositions, trades: tradeRead.trades },
    store: { openOrders: storeOpen, positions: storePositions, knownExecutionIds, ordersByVenueId },
  };
  const { plan } = await planWithLookups(base, (id) => deps.venue.getOrder(id), (orderId, err) => log.warn('order look-up failed; left for the next pass', { orderId, err }));

  // Apply, in plan order (fills first, then orders, then positions).
  const drift = { ...plan.counts };
  let repaired = 0;
  let failed = 0;
  for (const repair of plan.repairs) {
    const outcome = await applyRepair(deps, repair, now);
    if (outcome === 'applied') repaired++;
    else if (outcome === 'not_drift') drift.missing_fill--;
    else if (outcome === 'failed') failed++;
  }
  const total = totalDrift(drift);

  deps.metrics.gauge(ALARM_METRICS.reconciliationDrift, total);
  for (const k of DRIFT_KINDS) if (drift[k] > 0) deps.metrics.gauge('reconciler.drift_by_kind', drift[k], { kind: k });
  if (failed > 0) deps.metrics.increment('reconciler.repairs_failed', failed);
  if (plan.unresolved.length > 0) deps.metrics.increment('reconciler.unresolved', plan.unresolved.length);

  if (total > 0) {
    log.warn('drift found and repaired', { drift, repaired, failed, unresolved: plan.unresolved });
    const message: ReconciliationControlMessage = { type: 'reconciliation', at: now, drift, total };
    await deps.control.send(message, { groupId: 'control', deduplicationId: `reconciliation#${now}` });
    if (deps.notifier) {
      await deps.notifier.notify({ subject: `Reconciler: ${total} drift item(s) found`, message: summarise(drift, repaired, failed, plan.unresolved) });
    }
  } else {
    log.info('no drift', { openOrders: venueOpen.length, positions: venuePositions.length, trades: tradeRead.trades.length });
  }
  return { mode, drift, total, repaired, failed, unresolved: plan.unresolved, malformedTrades: tradeRead.malformed };
}

type Outcome = 'applied' | 'not_drift' | 'skipped' | 'failed';

async function applyRepair(deps: ReconcilerDeps, repair: Repair, now: number): Promise<Outcome> {
  const log = deps.logger;
  try {
    switch (repair.kind) {
      case 'append_fill': {
        const r = await deps.fills.append(repair.fill);
        if (r === 'duplicate') return 'not_drift';
        log.info('missing fill recorded', { executionId: repair.fill.executionId, orderId: repair.fill.orderId, marketSlug: repair.fill.marketSlug });
        return 'applied';
      }
      case 'record_order':
        await deps.orders.create(repair.order);
        log.warn('orphan order recorded', { orderId: repair.order.orderId, localId: repair.order.localId, marketSlug: repair.order.request.marketSlug });
        return 'applied';
      case 'cancel_order': {
        await deps.venue.cancelOrder(repair.orderId, repair.marketSlug);
        const current = await deps.orders.get(repair.localId);
        if (current) await deps.orders.save({ ...current.order, status: 'CANCELLED', updatedAt: now }, current.version);
        log.warn('orphan order cancelled', { orderId: repair.orderId, marketSlug: repair.marketSlug });
        return 'applied';
      }
      case 'update_order':
        await deps.orders.save(repair.order, repair.expectedVersion);
        log.info('order brought in line with the exchange', { localId: repair.order.localId, status: repair.order.status, filledQty: repair.order.filledQty });
        return 'applied';
      case 'save_position':
        await deps.positions.save(repair.position, repair.expectedVersion);
        log.info("position replaced by the exchange's", { marketSlug: repair.position.marketSlug, netQty: repair.position.netQty });
        return 'applied';
    }
  } catch (err) {
    if (err instanceof VersionConflictError) {
      // Someone (the bot) wrote in between: its write is newer than our view; the next pass re-checks.
      log.info('repair skipped: the record changed during the pass', { repair: repair.kind, key: err.key });
      return repair.kind === 'record_order' ? 'applied' : 'skipped';
    }
    if (err instanceof LedgerConflictError) {
      log.error('ledger holds a different fill under the same execution id', { executionId: err.executionId, fields: err.differingFields });
      return 'failed';
    }
    log.error('repair failed', { repair: repair.kind, err });
    return 'failed';
  }
}

function readTrades(deps: ReconcilerDeps, since: number): Promise<RecentTrades> {
  return readRecentTrades((q) => deps.venue.activitiesPage(q), since, deps.maxActivityPages ?? 50);
}

async function executionIdsSince(fills: FillsLedger, since: number, now: number): Promise<Set<string>> {
  const ids = new Set<string>();
  const last = tradingDayOf(now);
  for (let day = tradingDayOf(since); day <= last; day = addDays(day, 1)) {
    for (const f of await fills.byDay(day)) ids.add(f.executionId);
  }
  return ids;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function summarise(drift: Record<DriftKind, number>, repaired: number, failed: number, unresolved: Unresolved[]): string {
  const lines = DRIFT_KINDS.filter((k) => drift[k] > 0).map((k) => `${k}: ${drift[k]}`);
  lines.push(`repairs applied: ${repaired}, failed: ${failed}`);
  if (unresolved.length) lines.push(`unresolved: ${unresolved.map((u) => `${u.kind} ${u.key} (${u.reason})`).join('; ')}`);
  return lines.join('\n');
}
