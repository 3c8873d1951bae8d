/**
 * Keeps the trading lease (trading-lease-repository.ts) for one process: waits until it can acquire it,
 * renews it on a timer well inside its TTL, reports its loss at once, and releases it on request.
 *
 *  - acquire(): retries until acquired (or aborted / `maxWaitMs`), logging who holds it and until when (the
 *    first refusal, then every `logEveryMs`); records `bot.lease_wait_ms` when acquired. It sleeps at most
 *    until the holder's expiry, so a crashed holder's lease is taken within one TTL.
 *  - renewal every `renewMs` (default TTL / 3; an attempt times out after renewMs / 2, a failed one is retried
 *    after renewMs / 4). The lease is LOST when a renewal is refused (another owner holds it), or when
 *    renewals keep failing (errors, timeouts) and the next attempt could end at or after our lease's expiry:
 *    the keeper gives up while the lease is still ours, so two owners never trade at once. Listeners
 *    (`onLost`) are told synchronously, once.
 *  - release(): stops renewing (waiting for a renewal in flight) and deletes the lease if still ours.
 *
 * Metrics: bot.lease_wait_ms (histogram), bot.lease_held (gauge 0/1), bot.lease_renewals,
 * bot.lease_renew_errors, bot.lease_errors (acquire attempts that failed), bot.lease_lost.
 */
import type { Logger } from '../observability/logger.js';
import { nullLogger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { nullMetrics } from '../observability/metrics.js';
import type { LeaseAcquireResult, TradingLease, TradingLeaseRepository } from './trading-lease-repository.js';

export const DEFAULT_LEASE_TTL_MS = 30_000;

export type LeaseLostReason = 'taken' | 'renewal-failing';

/** The lease is no longer ours: trading must stop at once, without cancelling (the new owner owns the orders). */
export class LeaseLostError extends Error {
  constructor(
    readonly reason: LeaseLostReason,
    readonly owner: string,
    readonly expiresAt: number | undefined,
  ) {
    super(
      reason === 'taken'
        ? `trading lease of ${owner} was taken by another owner`
        : `trading lease of ${owner} could not be renewed before its expiry`,
    );
    this.name = 'LeaseLostError';
  }
}

/** acquire() gave up: aborted (stop requested while waiting) or `maxWaitMs` passed. */
export class LeaseWaitAbortedError extends Error {
  constructor(readonly waitedMs: number, readonly holder: TradingLease | undefined, why: 'aborted' | 'timeout') {
    super(`trading lease not acquired after ${waitedMs} ms (${why})${holder ? `: held by ${holder.owner} until ${new Date(holder.expiresAt).toISOString()}` : ''}`);
    this.name = 'LeaseWaitAbortedError';
  }
}

export interface TradingLeaseKeeperOptions {
  repo: Pick<TradingLeaseRepository, 'acquire' | 'renew' | 'release' | 'leaseKey'>;
  owner: string;
  /** Lease duration, ms (default 30 000). */
  ttlMs?: number;
  /** Renewal period, ms (default TTL / 3; at most TTL / 2 so a failed renewal can be retried in time). */
  renewMs?: number;
  /** Acquire retry period while another owner holds the lease, ms (default 1 000). */
  retryMs?: number;
  /** Give up acquiring after this long, ms (default: never). */
  maxWaitMs?: number;
  /** "Still waiting" log period, ms (default 10 000). */
  logEveryMs?: number;
  /** Wall clock, epoch ms (default Date.now). */
  now?: () => number;
  logger?: Logger;
  metrics?: Metrics;
}

type State = 'idle' | 'acquiring' | 'held' | 'lost' | 'released' | 'stopped';

export class TradingLeaseKeeper {
  readonly owner: string;
  readonly ttlMs: number;
  readonly renewMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private state: State = 'idle';
  private lease: TradingLease | undefined;
  private lostError: LeaseLostError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private readonly listeners = new Set<(err: LeaseLostError) => void>();

  constructor(private readonly o: TradingLeaseKeeperOptions) {
    this.owner = o.owner;
    this.ttlMs = o.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewMs = o.renewMs ?? Math.max(1, Math.floor(this.ttlMs / 3));
    this.retryMs = o.retryMs ?? 1_000;
    if (!Number.isSafeInteger(this.ttlMs) || this.ttlMs <= 0) throw new RangeError('lease ttlMs must be a positive integer');
    if (!Number.isSafeInteger(this.renewMs) || this.renewMs <= 0 || this.renewMs * 2 > this.ttlMs) {
      throw new RangeError(`lease renewMs (${this.renewMs}) must be a positive integer at most ttlMs / 2 (${this.ttlMs / 2})`);
    }
    if (!(this.retryMs > 0)) throw new RangeError('lease retryMs must be positive');
    this.now = o.now ?? Date.now;
    this.logger = (o.logger ?? nullLogger).child({ component: 'trading-lease' });
    this.metrics = o.metrics ?? nullMetrics;
  }

  isHeld(): boolean {
    return this.state === 'held';
  }

  /** Why the lease was lost (undefined while held or never lost). */
  lost(): LeaseLostError | undefined {
    return this.lostError;
  }

  current(): TradingLease | undefined {
    return this.lease;
  }

  /** Called once, synchronously, when the lease is lost. Returns an unsubscribe function. */
  onLost(listener: (err: LeaseLostError) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits until the lease is ours, then keeps renewing it. Rejects with LeaseWaitAbortedError only. */
  async acquire(signal?: AbortSignal): Promise<TradingLease> {
    if (this.state !== 'idle') throw new Error(`lease keeper cannot acquire in state ${this.state}`);
    this.state = 'acquiring';
    const started = this.now();
    let lastLog = -Infinity;
    let holder: TradingLease | undefined;
    for (;;) {
      if (signal?.aborted) return this.giveUp(started, holder, 'aborted');
      let result: LeaseAcquireResult | undefined;
      try {
        result = await this.o.repo.acquire(this.owner, this.ttlMs, this.now());
      } catch (err) {
        this.metrics.increment('bot.lease_errors');
        this.logger.warn('trading lease: acquire attempt failed; retrying', { owner: this.owner, err });
      }
      if (result?.acquired) {
        const waitedMs = Math.max(0, this.now() - started);
        this.lease = result.lease;
        this.state = 'held';
        this.metrics.observe('bot.lease_wait_ms', waitedMs);
        this.metrics.gauge('bot.lease_held', 1);
        this.logger.info('trading lease acquired', {
          leaseKey: this.o.repo.leaseKey,
          owner: this.owner,
          generation: result.lease.generation,
          expiresAt: new Date(result.lease.expiresAt).toISOString(),
          waitedMs,
          ...(result.previousOwner !== undefined
            ? { takenOverFrom: result.previousOwner, previousExpiredAt: new Date(result.previousExpiresAt ?? 0).toISOString() }
            : {}),
        });
        this.schedule(this.renewMs);
        return result.lease;
      }
      if (result) holder = result.holder;
      const now = this.now();
      if (now - lastLog >= (this.o.logEveryMs ?? 10_000)) {
        lastLog = now;
        this.logger.warn('trading lease held by another bot; waiting before any order or cancel', {
          owner: this.owner,
          holder: holder?.owner,
          until: holder ? new Date(holder.expiresAt).toISOString() : undefined,
          waitedMs: now - started,
        });
      }
      if (this.o.maxWaitMs !== undefined && now - started >= this.o.maxWaitMs) return this.giveUp(started, holder, 'timeout');
      // Sleep until the next poll, or just past the holder's expiry if that comes first.
      const untilExpiry = holder ? holder.expiresAt - now + 5 : this.retryMs;
      await sleep(Math.max(10, Math.min(this.retryMs, untilExpiry)), signal);
    }
  }

  /**
   * Stops renewing and deletes the lease if it is still ours. Returns true when deleted. Never throws: a failed
   * delete leaves the lease to expire (logged).
   */
  async release(): Promise<boolean> {
    const wasHeld = this.state === 'held';
    this.halt('released');
    await this.renewing;
    if (!wasHeld) return false;
    try {
      const released = await this.o.repo.release(this.owner);
      this.metrics.gauge('bot.lease_held', 0);
      if (released) this.logger.info('trading lease released', { owner: this.owner, leaseKey: this.o.repo.leaseKey });
      else this.logger.warn('trading lease was no longer ours at release', { owner: this.owner });
      return released;
    } catch (err) {
      this.logger.error('trading lease release failed; it expires on its own', { owner: this.owner, expiresAt: this.lease?.expiresAt, err });
      return false;
    }
  }

  /** Stops renewing without releasing (the lease expires after its TTL). */
  stop(): void {
    if (this.state === 'held' || this.state === 'acquiring' || this.state === 'idle') this.halt('stopped');
  }

  // ---------------------------------------------------------------------------------------------------------

  private giveUp(started: number, holder: TradingLease | undefined, why: 'aborted' | 'timeout'): never {
    this.state = 'stopped';
    throw new LeaseWaitAbortedError(Math.max(0, this.now() - started), holder, why);
  }

  private halt(next: State): void {
    if (this.state !== 'lost') this.state = next;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.renewing = this.renewOnce().finally(() => (this.renewing = undefined));
    }, ms);
    this.timer.unref();
  }

  private async renewOnce(): Promise<void> {
    if (this.state !== 'held') return;
    const at = this.now();
    let renewed: TradingLease | undefined;
    let failure: unknown;
    let timeout: NodeJS.Timeout | undefined;
    const attemptMs = this.attemptTimeoutMs();
    try {
      renewed = await Promise.race([
        this.o.repo.renew(this.owner, this.ttlMs, at),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`lease renewal timed out after ${attemptMs} ms`)), attemptMs);
        }),
      ]);
      if (renewed === undefined) failure = 'refused';
    } catch (err) {
      failure = err;
    } finally {
      clearTimeout(timeout);
    }
    if (this.state !== 'held') return; // released or stopped meanwhile
    if (failure === undefined && renewed) {
      this.lease = renewed;
      this.metrics.increment('bot.lease_renewals');
      this.schedule(this.renewMs);
      return;
    }
    if (failure === 'refused') return this.lose('taken');
    this.metrics.increment('bot.lease_renew_errors');
    // Retry soon; give up while the lease is still ours if the retry could end (its timeout) at its expiry.
    const expiresAt = this.lease?.expiresAt ?? 0;
    const retryMs = this.errorRetryMs();
    const fields = { owner: this.owner, expiresAt: new Date(expiresAt).toISOString(), err: failure };
    if (this.now() + retryMs + attemptMs >= expiresAt) {
      this.logger.error('trading lease renewal failing and the lease is about to expire', fields);
      return this.lose('renewal-failing');
    }
    this.logger.warn('trading lease renewal failed; retrying before it expires', fields);
    this.schedule(retryMs);
  }

  /** A renewal attempt is abandoned (counted as failed) after half the renewal period. */
  private attemptTimeoutMs(): number {
    return Math.max(1, Math.floor(this.renewMs / 2));
  }

  /** After a failed renewal the next attempt comes after a quarter of the renewal period. */
  private errorRetryMs(): number {
    return Math.max(1, Math.floor(this.renewMs / 4));
  }

  private lose(reason: LeaseLostReason): void {
    const err = new LeaseLostError(reason, this.owner, this.lease?.expiresAt);
    this.lostError = err;
    this.state = 'lost';
    clearTimeout(this.timer);
    this.timer = undefined;
    this.metrics.increment('bot.lease_lost', 1, { reason });
    this.metrics.gauge('bot.lease_held', 0);
    this.logger.error('trading lease LOST: halting trading now, cancelling nothing (the new owner owns the orders)', { owner: this.owner, reason });
    for (const l of this.listeners) {
      try {
        l(err);
      } catch (e) {
        this.logger.error('lease-lost listener failed', { err: e });
      }
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
