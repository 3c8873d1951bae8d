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
 * - `refuse(priorities)` closes the budget to those kinds of request until `allow()`: the ones waiting are
 *   rejected at once with a RequestRefusedError, and new ones are rejected without waiting. A halt (the kill
 *   switch, a lost trading lease) must stop creates and modifies that were asked for before it and are still
 *   queued behind the window, or they would go out after it (up to seconds later in a burst). A refused
 *   request was never sent: nothing to reconcile.
 * - The venue counts a request when it RECEIVES it, which is some time after the client granted it: a delay
 *   that varies (a busy event loop, a connection pool, the network), so ≤ N grants per window can arrive as
 *   more than N per window (a request delayed past the next window's first ones). `begin()` closes that gap
 *   exactly: its grant stays in the window while the request is in flight and, once answered (`done()`),
 *   counts at its ANSWER time — the latest moment the venue can have received it. A new grant at t needs
 *   fewer than N requests in flight or answered at or after t − windowMs; then no window of the receiver,
 *   whatever the delays, holds more than N (the last-granted request of any receiver window was granted
 *   after every other one in it was sent, and each of those was in flight or answered within the window).
 *   The cost is the round trip: about N per (window + RTT). `acquire()` counts at the grant time only (for
 *   callers that cannot report the answer). The peak gauge and `used()` count grants (requests sent).
 *
 * `acquire()` never throws and never drops a request, unless its priority is refused. The clock and the sleep
 * are injected: tests drive it with a ManualClock and a manual scheduler, never with timed assertions.
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

/** A request granted by `begin()`: call `done()` once its answer (or failure) is in. */
export interface BudgetGrant {
  done(): void;
}

/**
 * The budget refused a request before it was sent (see `RequestBudget.refuse`): definitely not at the venue,
 * never retried.
 */
export class RequestRefusedError extends Error {
  readonly priority: RequestPriority;
  readonly reason: string;
  /** Never sent: the caller may treat the request as refused, with nothing to reconcile. */
  readonly requestSent = false;
  constructor(priority: RequestPriority, reason: string, budget: string) {
    super(`${priority} request not sent: the ${budget} request budget refuses ${priority}s (${reason})`);
    this.name = 'RequestRefusedError';
    this.priority = priority;
    this.reason = reason;
  }
}

interface Waiter {
  resolve: (grant: BudgetGrant) => void;
  reject: (err: RequestRefusedError) => void;
  since: number;
  /** From begin(): counts until done(); else counted at the grant time. */
  tracked: boolean;
}

const UNTRACKED: BudgetGrant = { done: () => {} };

export class RequestBudget {
  readonly limit: number;
  readonly windowMs: number;
  readonly reservedForCancels: number;
  readonly name: string;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly metrics: Metrics;
  /**
   * The times the window counts finished requests at, ascending (older ones pruned lazily): the answer time of
   * a begin() grant, the grant time of an acquire() grant.
   */
  private readonly ends: number[] = [];
  /** begin() grants not done yet: they count in every window until they are. */
  private inFlight = 0;
  /** Grant times of the current window, ascending (the peak and used()). */
  private readonly sent: number[] = [];
  private readonly queues: Waiter[][] = REQUEST_PRIORITIES.map(() => []);
  private pausedUntil = Number.NEGATIVE_INFINITY;
  /** Why each refused priority is refused (by rank); undefined = allowed. */
  private readonly refusals: (string | undefined)[] = REQUEST_PRIORITIES.map(() => undefined);
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

  /**
   * Resolves when a request of this priority may be sent; the grant is then already counted, and stays in the
   * window until `done()` is called on it (when the answer is in) and a window after that.
   */
  begin(priority: RequestPriority): Promise<BudgetGrant> {
    return this.take(RANK[priority], true);
  }

  /** Resolves when a request of this priority may be sent; the grant is counted at the grant time. */
  acquire(priority: RequestPriority): Promise<void> {
    return this.take(RANK[priority], false).then(() => undefined);
  }

  /** Requests granted by begin() and not done yet. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Stops every grant for `ms` from now (a 429: the edge refuses the whole key). Never shortens a pause. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.max(0, ms));
  }

  /**
   * Refuses requests of these priorities until `allow()`: the ones queued now are rejected with a
   * RequestRefusedError (returned: how many), and new ones are rejected at once. Requests already granted are
   * not recalled (they are on the wire). Other priorities are served as before.
   */
  refuse(priorities: readonly RequestPriority[], reason: string): number {
    let rejected = 0;
    for (const p of priorities) {
      const rank = RANK[p];
      this.refusals[rank] = reason;
      const waiting = (this.queues[rank] as Waiter[]).splice(0);
      for (const w of waiting) w.reject(new RequestRefusedError(p, reason, this.name));
      rejected += waiting.length;
      if (waiting.length > 0) this.metrics.increment('venue.budget.refused', waiting.length, { budget: this.name, priority: p, when: 'queued' });
    }
    return rejected;
  }

  /** Serves these priorities again (the default: all). */
  allow(priorities: readonly RequestPriority[] = REQUEST_PRIORITIES): void {
    for (const p of priorities) this.refusals[RANK[p]] = undefined;
  }

  /** The priorities refused now. */
  refused(): RequestPriority[] {
    return REQUEST_PRIORITIES.filter((_, rank) => this.refusals[rank] !== undefined);
  }

  /** Whether grants are paused now. */
  isPaused(): boolean {
    return this.clock.now() < this.pausedUntil;
  }

  /** Grants in the window ending now. */
  used(): number {
    this.prune(this.now());
    return this.sent.length;
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

  private take(rank: number, tracked: boolean): Promise<BudgetGrant> {
    const refusal = this.refusals[rank];
    if (refusal !== undefined) {
      const priority = REQUEST_PRIORITIES[rank] as RequestPriority;
      this.metrics.increment('venue.budget.refused', 1, { budget: this.name, priority, when: 'asked' });
      return Promise.reject(new RequestRefusedError(priority, refusal, this.name));
    }
    const now = this.now();
    if (!this.queuedAtOrAbove(rank) && this.waitMs(rank, now) === 0) return Promise.resolve(this.grant(now, rank, now, tracked));
    return new Promise<BudgetGrant>((resolve, reject) => {
      (this.queues[rank] as Waiter[]).push({ resolve, reject, since: now, tracked });
      // Start (or restart, when this waiter can go sooner than the running pump will wake) the pump.
      if (!this.pumping || now + this.waitMs(rank, now) < this.wakeAt) void this.pump();
    });
  }

  /** Drops what is older than the closed window [now − windowMs, now]. */
  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    for (const log of [this.ends, this.sent]) {
      let drop = 0;
      while (drop < log.length && (log[drop] as number) < cutoff) drop++;
      if (drop > 0) log.splice(0, drop);
    }
  }

  /** Ms until a request of this rank may be granted at `now` (0 = now; Infinity = when a request is done). */
  private waitMs(rank: number, now: number): number {
    const paused = this.pausedUntil - now;
    this.prune(now);
    const cap = rank === 0 ? this.limit : this.limit - this.reservedForCancels;
    let wait = 0;
    if (this.inFlight + this.ends.length >= cap) {
      // At most cap − 1 may be held: the finished ones beyond cap − 1 − inFlight must leave the window first.
      const mustLeave = cap - this.inFlight;
      if (mustLeave <= 0) return Number.POSITIVE_INFINITY;
      const leaving = this.ends[this.ends.length - mustLeave] as number;
      wait = leaving + this.windowMs + 1 - now;
    }
    return Math.max(0, paused, wait);
  }

  private grant(now: number, rank: number, since: number, tracked: boolean): BudgetGrant {
    this.prune(now);
    this.sent.push(now);
    this.lastGrant = now;
    this.granted++;
    if (this.sent.length > this.peak) {
      this.peak = this.sent.length;
      this.metrics.gauge('venue.requests.peak_per_window', this.peak, { budget: this.name });
    }
    this.metrics.observe('venue.budget.wait_ms', now - since, { budget: this.name, priority: REQUEST_PRIORITIES[rank] as string });
    if (!tracked) {
      this.addEnd(now);
      return UNTRACKED;
    }
    this.inFlight++;
    let finished = false;
    return {
      done: () => {
        if (finished) return;
        finished = true;
        this.inFlight--;
        this.addEnd(this.now());
        // A waiter may go now (or sooner than the sleeping pump would wake): a newer pump takes over.
        if (this.firstQueuedRank() >= 0) void this.pump();
      },
    };
  }

  /** Inserts a finished request's time, keeping the log ascending. */
  private addEnd(t: number): void {
    let i = this.ends.length;
    while (i > 0 && (this.ends[i - 1] as number) > t) i--;
    this.ends.splice(i, 0, t);
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
          w.resolve(this.grant(now, rank, w.since, w.tracked));
          continue;
        }
        // Every slot is held by requests in flight: the first done() starts a pump.
        if (wait === Number.POSITIVE_INFINITY) return;
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
