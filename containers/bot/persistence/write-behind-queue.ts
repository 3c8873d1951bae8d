/**
 * A bounded in-memory write-behind queue: the hot path enqueues a write (never awaits it, never sees its
 * error) and a single background drain runs the writes against the store with retries and capped exponential
 * backoff. Writes with the same key coalesce: a newer snapshot of an order or position replaces the pending
 * one (the enqueue time of the oldest is kept, so the lag metric stays honest). A failing write is parked
 * until its backoff expires and the drain moves on to the others, so one bad item never blocks the queue.
 *
 * Errors the job classifies as permanent (`isPermanent`) are dropped at once with an error log; transient
 * ones are retried until `maxAttempts` (then dropped, logged and counted). When the queue is full, new keys
 * are refused and counted (`persistence.dropped`): the store is a copy of the exchange's truth, and the
 * reconciler (and the next start-up) re-derive whatever was dropped from the exchange.
 *
 * Metrics: persistence.queue_depth, persistence.lag_ms (age of the oldest pending write), persistence.writes,
 * persistence.write_failures and persistence.dropped (dimension `kind`), persistence.retries,
 * persistence.write_latency_ms (histogram).
 */
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';

export interface WriteJob {
  /** Coalescing key, e.g. `order#<localId>`; a unique key disables coalescing. */
  key: string;
  /** Metric dimension, e.g. "fill", "order", "position", "risk_day". */
  kind: string;
  run: () => Promise<void>;
}

export interface WriteBehindOptions {
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
  /** Pending writes (distinct keys) kept at most; default 20 000. */
  maxPending?: number;
  /** Attempts before a write is given up; default 20 (≈ several minutes of backoff). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** True for errors retrying cannot fix (conflicts, validation). */
  isPermanent?: (err: unknown) => boolean;
}

interface Pending {
  job: WriteJob;
  enqueuedAt: number;
  attempts: number;
  notBefore: number;
}

export interface FlushResult {
  drained: boolean;
  remaining: number;
}

export class WriteBehindQueue {
  private readonly pending = new Map<string, Pending>();
  private readonly now: () => number;
  private readonly maxPending: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly isPermanent: (err: unknown) => boolean;
  private running = false;
  private draining: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private inProgress: string | undefined;
  private stopped = false;

  constructor(private readonly o: WriteBehindOptions) {
    this.now = o.now ?? Date.now;
    this.maxPending = o.maxPending ?? 20_000;
    this.maxAttempts = o.maxAttempts ?? 20;
    this.baseDelayMs = o.baseDelayMs ?? 100;
    this.maxDelayMs = o.maxDelayMs ?? 30_000;
    this.isPermanent = o.isPermanent ?? (() => false);
  }

  /** Queues a write; returns false when refused (queue full or stopped). Never throws, never blocks. */
  enqueue(job: WriteJob): boolean {
    if (this.stopped) {
      this.o.metrics.increment('persistence.dropped', 1, { kind: job.kind });
      this.o.logger.error('write refused: persistence stopped', { key: job.key, kind: job.kind });
      return false;
    }
    const existing = this.pending.get(job.key);
    if (existing) {
      // Newer snapshot wins; keep the first enqueue time and the backoff state.
      existing.job = job;
      this.kick();
      return true;
    }
    if (this.pending.size >= this.maxPending) {
      this.o.metrics.increment('persistence.dropped', 1, { kind: job.kind });
      this.o.logger.error('write-behind queue full: write dropped (the reconciler re-derives it from the exchange)', { key: job.key, kind: job.kind });
      return false;
    }
    this.pending.set(job.key, { job, enqueuedAt: this.now(), attempts: 0, notBefore: 0 });
    this.kick();
    return true;
  }

  depth(): number {
    return this.pending.size;
  }

  /** Age of the oldest pending write, ms (0 when empty). */
  lagMs(): number {
    let oldest = Infinity;
    for (const p of this.pending.values()) oldest = Math.min(oldest, p.enqueuedAt);
    return oldest === Infinity ? 0 : Math.max(0, this.now() - oldest);
  }

  /** Publishes depth and lag gauges (called by the metrics reporter). */
  sampleMetrics(): void {
    this.o.metrics.gauge('persistence.queue_depth', this.pending.size);
    this.o.metrics.gauge('persistence.lag_ms', this.lagMs());
  }

  /** Starts the background drain. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.draining = this.loop();
  }

  /**
   * Writes everything pending now, ignoring backoff delays (shutdown). Resolves when the queue is empty or
   * `timeoutMs` has passed; never rejects.
   */
  async flush(timeoutMs = 10_000): Promise<FlushResult> {
    for (const p of this.pending.values()) p.notBefore = 0;
    if (!this.running) this.start();
    this.kick();
    if (this.pending.size === 0 && this.inProgress === undefined) return { drained: true, remaining: 0 };
    let timeout: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timedOut = new Promise<boolean>((resolve) => {
      timeout = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = await Promise.race([idle, timedOut]);
    clearTimeout(timeout);
    return { drained: drained && this.pending.size === 0, remaining: this.pending.size };
  }

  /** Flushes (bounded by `timeoutMs`), then stops the drain; later enqueues are refused. */
  async stop(timeoutMs = 10_000): Promise<FlushResult> {
    const r = await this.flush(timeoutMs);
    this.stopped = true;
    this.running = false;
    this.kick();
    await this.draining;
    if (r.remaining > 0) this.o.logger.error('persistence stopped with writes still pending', { remaining: r.remaining });
    return r;
  }

  // ---------------------------------------------------------------------------------------------------------

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private next(now: number): Pending | { waitMs: number } | null {
    let best: Pending | undefined;
    let soonest = Infinity;
    for (const p of this.pending.values()) {
      if (p.notBefore <= now) {
        if (!best || p.enqueuedAt < best.enqueuedAt) best = p;
      } else soonest = Math.min(soonest, p.notBefore);
    }
    if (best) return best;
    return soonest === Infinity ? null : { waitMs: soonest - now };
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const n = this.next(this.now());
      if (n === null || 'waitMs' in n) {
        if (this.pending.size === 0) this.notifyIdle();
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          if (n !== null) this.timer = setTimeout(() => this.kick(), Math.max(1, n.waitMs));
        });
        continue;
      }
      await this.runOne(n);
    }
    this.notifyIdle();
  }

  private async runOne(p: Pending): Promise<void> {
    const { job } = p;
    this.inProgress = job.key;
    const started = this.now();
    try {
      await job.run();
      // A newer snapshot enqueued while this one ran stays pending; otherwise the write is done.
      if (this.pending.get(job.key)?.job === job) this.pending.delete(job.key);
      else {
        const newer = this.pending.get(job.key);
        if (newer) newer.attempts = 0;
      }
      this.o.metrics.increment('persistence.writes', 1, { kind: job.kind });
      this.o.metrics.observe('persistence.write_latency_ms', this.now() - started);
    } catch (err) {
      this.o.metrics.increment('persistence.write_failures', 1, { kind: job.kind });
      const current = this.pending.get(job.key);
      p.attempts++;
      if (this.isPermanent(err) || p.attempts >= this.maxAttempts) {
        if (current?.job === job) this.pending.delete(job.key);
        this.o.metrics.increment('persistence.dropped', 1, { kind: job.kind });
        this.o.logger.error('write given up', { key: job.key, kind: job.kind, attempts: p.attempts, permanent: this.isPermanent(err), err });
      } else {
        const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (p.attempts - 1));
        p.notBefore = this.now() + delay * (0.5 + Math.random() / 2);
        this.o.metrics.increment('persistence.retries', 1, { kind: job.kind });
        this.o.logger.warn('write failed; will retry', { key: job.key, kind: job.kind, attempts: p.attempts, delayMs: delay, err });
      }
    } finally {
      this.inProgress = undefined;
    }
  }

  private notifyIdle(): void {
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }
}
