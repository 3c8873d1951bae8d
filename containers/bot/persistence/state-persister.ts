/**
 * Writes the bot's state to DynamoDB behind the hot path, through the WriteBehindQueue:
 *  - fills → the ledger (idempotent by execution id; a different fill under the same id is a permanent error),
 *  - orders → one versioned item per local id, latest snapshot wins (status changes, fills, venue id),
 *  - positions → one versioned item per market (the venue's positions as the state manager holds them),
 *  - the risk day → today's realized PnL (atomic ADD of the difference with what was stored) and the breaker,
 *  - a shadow day's calibration aggregates → one item per day (a full snapshot; shadow-day-persistence.ts says when).
 * Every hook only enqueues; nothing here is awaited by the engine.
 *
 * Which mode is persisted: orders, fills and positions of the accounts in `persistModes` (default: live only,
 * which shadow mode trades too —
 * the store mirrors the real account, which the reconciler compares with the exchange); the risk day in
 * every mode, since the circuit breaker protects whichever mode trades.
 *
 * The realized-PnL counter is an ADD, which is not idempotent: after a failed update whose outcome is unknown
 * (timeout), the item is read back and the `updates` counter tells whether the ADD landed, so a retry never
 * counts the same PnL twice.
 */
import { tradingAccount, type TradingAccount, type TradingMode } from '../../../shared/config/schema.js';
import type { Clock } from '../../../shared/domain/clock.js';
import type { Micros } from '../../../shared/domain/money.js';
import type { Fill, TrackedOrder } from '../../../shared/domain/order.js';
import type { PositionState } from '../../../shared/domain/position.js';
import type { OrderTracker, OrderView } from '../../../shared/execution/order-tracker.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import type { CircuitBreakerState } from '../../../shared/risk/circuit-breaker.js';
import { LedgerConflictError, NonIntegerAmountError, RiskDayArchivedError, VersionConflictError } from '../../../shared/store/errors.js';
import type { FillsLedger } from '../../../shared/store/fills-ledger.js';
import type { OrdersRepository } from '../../../shared/store/orders-repository.js';
import type { PositionsRepository } from '../../../shared/store/positions-repository.js';
import type { RiskDayRepository } from '../../../shared/store/risk-day-repository.js';
import type { ShadowDayRepository } from '../../../shared/store/shadow-day-repository.js';
import type { ShadowAggregates } from '../../../shared/shadow/shadow-aggregates.js';
import { tradingDayOf } from '../../../shared/store/trading-day.js';
import { WriteBehindQueue, type FlushResult } from './write-behind-queue.js';

export interface StateRepositories {
  orders: OrdersRepository;
  fills: FillsLedger;
  positions: PositionsRepository;
  riskDays: RiskDayRepository;
  /** Shadow days' calibration aggregates (without it, nothing of shadow mode is stored). */
  shadowDays?: ShadowDayRepository;
}

export interface StatePersisterOptions {
  repos: StateRepositories;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Modes whose orders, fills and positions are stored; default ['live']. */
  persistModes?: readonly TradingAccount[];
  /** The risk day as loaded at start: its day and stored realized PnL / update count. */
  riskDay: { day: string; realizedPnlMicros: Micros; updates: number };
  /** Today's realized PnL as the engine sees it (carried + since start), read when the write runs. */
  realizedToday: () => Micros;
  timeZone?: string;
  queue?: WriteBehindQueue;
}

/** Errors retrying cannot fix: the write is dropped and logged. */
export function isPermanentStoreError(err: unknown): boolean {
  if (err instanceof LedgerConflictError || err instanceof NonIntegerAmountError || err instanceof RiskDayArchivedError) return true;
  const name = (err as { name?: string } | null)?.name;
  return name === 'ValidationException' || name === 'ResourceNotFoundException';
}

/** A tracker view as the store keeps it (the engine-only fields dropped). */
export function toTrackedOrder(v: OrderView | TrackedOrder): TrackedOrder {
  const { leavesQty: _l, pendingReconciliation: _p, filledNotional: _f, ...rest } = v as OrderView;
  const out: TrackedOrder = { ...rest };
  delete (out as { executionIds?: unknown }).executionIds;
  return out;
}

export class StatePersister {
  readonly queue: WriteBehindQueue;
  private readonly persistModes: ReadonlySet<TradingAccount>;
  private readonly orderVersions = new Map<string, number>();
  private readonly positionVersions = new Map<string, number | null>();
  private readonly attached = new Set<OrderTracker>();
  private day: string;
  private storedRealized: Micros;
  private storedUpdates: number;
  private lastOrderWrite = new Map<string, number>();

  constructor(private readonly o: StatePersisterOptions) {
    this.queue = o.queue ?? new WriteBehindQueue({ logger: o.logger, metrics: o.metrics, now: () => o.clock.now(), isPermanent: isPermanentStoreError });
    this.persistModes = new Set(o.persistModes ?? ['live']);
    this.day = o.riskDay.day;
    this.storedRealized = o.riskDay.realizedPnlMicros;
    this.storedUpdates = o.riskDay.updates;
  }

  start(): void {
    this.queue.start();
  }

  stop(timeoutMs?: number): Promise<FlushResult> {
    return this.queue.stop(timeoutMs);
  }

  flush(timeoutMs?: number): Promise<FlushResult> {
    return this.queue.flush(timeoutMs);
  }

  persists(mode: TradingMode): boolean {
    return this.persistModes.has(tradingAccount(mode));
  }

  /**
   * Follows an executor's order tracker (once per tracker): status changes and fills write the order's new
   * snapshot. `mode` is the mode the tracker trades in.
   */
  attachTracker(tracker: OrderTracker, mode: TradingMode): void {
    if (this.attached.has(tracker) || !this.persists(mode)) return;
    this.attached.add(tracker);
    tracker.onStatus((order) => this.recordOrder(order));
    tracker.onFill((_fill, order) => this.recordOrder(order));
  }

  /** Orders of a tracker whose snapshot changed since last written (venue id attached, price modified …). */
  sweepOrders(tracker: OrderTracker, mode: TradingMode): void {
    if (!this.persists(mode)) return;
    for (const o of tracker.openOrders()) {
      if (this.lastOrderWrite.get(o.localId) !== o.updatedAt || (o.orderId !== null && !this.orderVersions.has(o.localId))) this.recordOrder(o);
    }
  }

  recordOrder(order: OrderView | TrackedOrder): void {
    const snapshot = toTrackedOrder(order);
    this.lastOrderWrite.set(snapshot.localId, snapshot.updatedAt);
    this.queue.enqueue({ key: `order#${snapshot.localId}`, kind: 'order', run: () => this.writeOrder(snapshot) });
  }

  /** A fill of the engine (the bot's onFill hook). */
  recordFill(fill: Fill, mode: TradingMode): void {
    if (this.persists(mode)) {
      const f = { ...fill };
      this.queue.enqueue({ key: `fill#${f.executionId}`, kind: 'fill', run: () => this.writeFill(f) });
    }
    this.recordRealizedPnl();
  }

  /** Appends a fill found at the exchange (start-up catch-up); same idempotent path. */
  recordExternalFill(fill: Fill): void {
    this.queue.enqueue({ key: `fill#${fill.executionId}`, kind: 'fill', run: () => this.writeFill(fill) });
  }

  recordPosition(position: PositionState, mode: TradingMode): void {
    if (!this.persists(mode)) return;
    const p = { ...position };
    this.queue.enqueue({ key: `position#${p.marketSlug}`, kind: 'position', run: () => this.writePosition(p) });
  }

  /** Schedules the realized-PnL counter update (coalesced: the write reads the latest figure). */
  recordRealizedPnl(): void {
    if (this.o.realizedToday() === this.storedRealized) return;
    this.queue.enqueue({ key: 'risk_day#pnl', kind: 'risk_day', run: () => this.writeRealized() });
  }

  recordBreakerTrip(state: CircuitBreakerState): void {
    const day = this.day;
    const reason = state.tripReason ?? 'tripped';
    const at = state.trippedAt ?? this.o.clock.now();
    this.queue.enqueue({
      key: `risk_day#trip#${day}`,
      kind: 'risk_day',
      run: async () => {
        await this.o.repos.riskDays.tripBreaker(day, reason, at);
      },
    });
  }

  /** Stores a shadow day's aggregates (the day so far; coalesced per day: the latest snapshot wins). */
  recordShadowDay(day: string, aggregates: ShadowAggregates): boolean {
    const repo = this.o.repos.shadowDays;
    if (!repo) return false;
    const at = this.o.clock.now();
    return this.queue.enqueue({ key: `shadow_day#${day}`, kind: 'shadow_day', run: () => repo.save(day, aggregates, at) });
  }

  /** The daily reset happened (the engine's day PnL restarted at zero): later PnL goes to `day`. */
  onNewDay(day: string, stored: { realizedPnlMicros: Micros; updates: number } = { realizedPnlMicros: 0, updates: 0 }): void {
    this.day = day;
    this.storedRealized = stored.realizedPnlMicros;
    this.storedUpdates = stored.updates;
  }

  currentDay(): string {
    return this.day;
  }

  /** Learned from the start-up rebuild, so the first write of a known order is a versioned save. */
  seedOrderVersion(localId: string, version: number): void {
    this.orderVersions.set(localId, version);
  }

  seedPositionVersion(marketSlug: string, version: number | null): void {
    this.positionVersions.set(marketSlug, version);
  }

  // ---------------------------------------------------------------------------------------------------------

  private async writeFill(fill: Fill): Promise<void> {
    const r = await this.o.repos.fills.append(fill);
    if (r === 'duplicate') this.o.metrics.increment('persistence.fill_duplicates');
  }

  private async writeOrder(order: TrackedOrder): Promise<void> {
    const repo = this.o.repos.orders;
    let version = this.orderVersions.get(order.localId);
    if (version === undefined) {
      const stored = await repo.get(order.localId);
      if (!stored) {
        try {
          const r = await repo.create(order);
          this.orderVersions.set(order.localId, r.version);
          return;
        } catch (err) {
          if (!(err instanceof VersionConflictError)) throw err;
          // Created in between (a retry whose first attempt landed): fall through to a versioned save.
        }
        version = (await repo.get(order.localId))?.version;
        if (version === undefined) throw new Error(`order ${order.localId} vanished during write`);
      } else version = stored.version;
    }
    try {
      const r = await repo.save(order, version);
      this.orderVersions.set(order.localId, r.version);
    } catch (err) {
      if (err instanceof VersionConflictError) {
        // Someone else (the reconciler, or a write of ours that landed without an answer) wrote: re-read the
        // version and retry; the bot's snapshot is the newer view of its own order.
        this.orderVersions.delete(order.localId);
      }
      throw err;
    }
  }

  private async writePosition(position: PositionState): Promise<void> {
    const repo = this.o.repos.positions;
    let version = this.positionVersions.get(position.marketSlug);
    if (version === undefined) version = (await repo.get(position.marketSlug))?.version ?? null;
    try {
      const r = await repo.save(position, version);
      this.positionVersions.set(position.marketSlug, r.version);
    } catch (err) {
      if (err instanceof VersionConflictError) this.positionVersions.delete(position.marketSlug);
      throw err;
    }
  }

  private async writeRealized(): Promise<void> {
    const day = this.day;
    const target = this.o.realizedToday();
    const delta = target - this.storedRealized;
    if (delta === 0) return;
    const repo = this.o.repos.riskDays;
    try {
      const s = await repo.addRealizedPnl(day, delta);
      this.storedRealized += delta;
      this.storedUpdates = s.updates;
    } catch (err) {
      if (err instanceof RiskDayArchivedError) {
        // The day ended under us (the reset message is on its way): this PnL belongs to the archived day.
        this.o.logger.warn('risk day archived before its last PnL update; update dropped', { day, delta });
        this.storedRealized = target;
        return;
      }
      // Did the ADD land? The `updates` counter says so.
      const after = await repo.get(day).catch(() => undefined);
      if (after && after.updates > this.storedUpdates) {
        this.storedRealized += delta;
        this.storedUpdates = after.updates;
        this.o.metrics.increment('persistence.ambiguous_write_landed');
        return;
      }
      throw err;
    }
    if (day !== tradingDayOf(this.o.clock.now(), this.o.timeZone)) {
      this.o.metrics.increment('persistence.risk_day_late');
    }
  }
}
