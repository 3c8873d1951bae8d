/**
 * The client-side request budget (docs/venue-rules.md, "Rate limits"): one per API key, shared by EVERY
 * authenticated call of that key, and one per IP for the public (gateway) calls. Both default to 20 requests
 * per second; a batch call is one request.
 *
 * - Hard cap: at most `limit` grants in ANY closed window of `windowMs`, whatever the server's window alignment.
 *   It is a sliding-window log, not a refilling bucket: a bucket of capacity N refilling N per second can grant
 *   2N within one second, which a per-second edge limit answers with 429. A log that respects N per window
 *   also never drains a server-side bucket of capacity N refilling N per window.
 * - Priority: cancels, then modifies, then creates, then reads. A queued request of a higher priority is always
 *   served before one of a lower priority, and an arriving cancel is granted at once when there is room even
 *   while creates are queued: cancels never wait behind creates. FIFO within a priority.
 * - `reservedForCancels` slots of every window are usable by cancels only, so a burst of creates can never
 *   leave a pull on a game event waiting for the window to roll.
 * - `pause(ms)` stops every grant until then (after a 429 the whole key is refused at the edge).
 *
 * `acquire()` never throws and never drops. The clock and the sleep are injected: tests drive it with a
 * ManualClock and a manual scheduler, never with timed assertions.
 */
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { DEFAULT_REQUESTS_PER_SECOND } from '../domain/venue-rate-limits.js';
import type { Metrics } from '../observability/metrics.js';
import { nullMetrics } from '../observability/metrics.js';

export type RequestPriority = 'cancel' | 'modify' | 'create' | 'read';

/** Highest first. */
export const REQUEST_PRIORITIES: readonly RequestPriority[] = ['cancel', 'modify', 'create', 'read'];
const RANK: Readonly<Record<RequestPriority, number>> = { cancel: 0, modify: 1, create: 2, read: 3 };

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RequestBudgetOptions {
  /** Grants in any window (default 20). */
  limit?: number;
  /** Window length, ms (default 1000). */
  windowMs?: number;
  /** Slots of each window only cancels may take (default 2; clamped below `limit`). */
  reservedForCancels?: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  metrics?: Metrics;
  /** The budget's name in metrics, e.g. "authenticated" or "public". */
  name?: string;
}

interface Waiter {
  resolve: () => void;
  since: number;
}

export class RequestBudget {
  readonly limit: number;
  readonly windowMs: number;
  readonly reservedForCancels: number;
  readonly name: string;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly metrics: Metrics;
  /** Grant times of the current window, ascending (older ones pruned lazily). */
  private readonly grants: number[] = [];
  private readonly queues: Waiter[][] = REQUEST_PRIORITIES.map(() => []);
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private lastGrant = Number.NEGATIVE_INFINITY;
  /** Generation of the running pump; a newer pump makes an older one exit when it wakes. */
  private pumpGeneration = 0;
  private pumping = false;
  private wakeAt = Number.POSITIVE_INFINITY;
  private peak = 0;
  private granted = 0;

  constructor(options: RequestBudgetOptions = {}) {
    this.limit = options.limit ?? DEFAULT_REQUESTS_PER_SECOND;
    this.windowMs = options.windowMs ?? 1_000;
    if (!Number.isInteger(this.limit) || this.limit < 1) throw new RangeError(`request budget limit must be a positive integer, got ${this.limit}`);
    if (!(this.windowMs > 0)) throw new RangeError(`request budget window must be positive, got ${this.windowMs}`);
    this.reservedForCancels = Math.max(0, Math.min(this.limit - 1, Math.floor(options.reservedForCancels ?? 2)));
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? defaultSleep;
    this.metrics = options.metrics ?? nullMetrics;
    this.name = options.name ?? 'authenticated';
  }

  /** Resolves when a request of this priority may be sent; the grant is then already counted. */
  acquire(priority: RequestPriority): Promise<void> {
    const rank = RANK[priority];
    const now = this.now();
    if (!this.queuedAtOrAbove(rank) && this.waitMs(rank, now) === 0) {
      this.grant(now, rank, now);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      (this.queues[rank] as Waiter[]).push({ resolve, since: now });
      // Start (or restart, when this waiter can go sooner than the running pump will wake) the pump.
      if (!this.pumping || now + this.waitMs(rank, now) < this.wakeAt) void this.pump();
    });
  }

  /** Stops every grant for `ms` from now (a 429: the edge refuses the whole key). Never shortens a pause. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.max(0, ms));
  }

  /** Whether grants are paused now. */
  isPaused(): boolean {
    return this.clock.now() < this.pausedUntil;
  }

  /** Grants in the window ending now. */
  used(): number {
    this.prune(this.now());
    return this.grants.length;
  }

  /** The most grants ever issued within one window (the measured peak requests per window). */
  get peakPerWindow(): number {
    return this.peak;
  }

  /** Grants issued since creation. */
  get grantedCount(): number {
    return this.granted;
  }

  /** Requests waiting, by priority. */
  queued(): Record<RequestPriority, number> {
    return { cancel: this.queues[0]!.length, modify: this.queues[1]!.length, create: this.queues[2]!.length, read: this.queues[3]!.length };
  }

  // -------------------------------------------------------------------------------------------------------

  /** Never earlier than the last grant, so the log stays sorted even if the wall clock steps back. */
  private now(): number {
    return Math.max(this.clock.now(), this.lastGrant);
  }

  private queuedAtOrAbove(rank: number): boolean {
    for (let r = 0; r <= rank; r++) if ((this.queues[r] as Waiter[]).length > 0) return true;
    return false;
  }

  private firstQueuedRank(): number {
    for (let r = 0; r < this.queues.length; r++) if ((this.queues[r] as Waiter[]).length > 0) return r;
    return -1;
  }

  /** Drops grants older than the closed window [now − windowMs, now]. */
  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.grants.length && (this.grants[drop] as number) < cutoff) drop++;
    if (drop > 0) this.grants.splice(0, drop);
  }

  /** Ms until a request of this rank may be granted at `now` (0 = now). */
  private waitMs(rank: number, now: number): number {
    const paused = this.pausedUntil - now;
    this.prune(now);
    const cap = rank === 0 ? this.limit : this.limit - this.reservedForCancels;
    let wait = 0;
    if (this.grants.length >= cap) {
      // The grant that must leave the window: then cap − 1 remain in it.
      const leaving = this.grants[this.grants.length - cap] as number;
      wait = leaving + this.windowMs + 1 - now;
    }
    return Math.max(0, paused, wait);
  }

  private grant(now: number, rank: number, since: number): void {
    this.grants.push(now);
    this.lastGrant = now;
    this.granted++;
    if (this.grants.length > this.peak) {
      this.peak = this.grants.length;
      this.metrics.gauge('venue.requests.peak_per_window', this.peak, { budget: this.name });
    }
    this.metrics.observe('venue.budget.wait_ms', now - since, { budget: this.name, priority: REQUEST_PRIORITIES[rank] as string });
  }

  private async pump(): Promise<void> {
    const generation = ++this.pumpGeneration;
    this.pumping = true;
    try {
      for (;;) {
        const now = this.now();
        const rank = this.firstQueuedRank();
        if (rank < 0) return;
        const wait = this.waitMs(rank, now);
        if (wait === 0) {
          const w = (this.queues[rank] as Waiter[]).shift() as Waiter;
          this.grant(now, rank, w.since);
          w.resolve();
          continue;
        }
        this.wakeAt = now + wait;
        await this.sleep(Math.ceil(wait));
        if (generation !== this.pumpGeneration) return; // a newer pump took over
      }
    } finally {
      if (generation === this.pumpGeneration) {
        this.pumping = false;
        this.wakeAt = Number.POSITIVE_INFINITY;
      }
    }
  }
}
