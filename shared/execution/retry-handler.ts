/**
 * Retries for idempotent venue calls (cancel, modify to absolute values, cancel-all, open-orders reads).
 * A create is never retried here: after an ambiguous create the executor reconciles first.
 * Backoff runs on the injected Scheduler, so tests and backtests retry on simulated time.
 */
import { AmbiguousOrderError, NotFoundError, RateLimitedError, VenueError } from '../venue/errors.js';
import type { Scheduler } from './scheduler.js';

export interface RetryPolicy {
  /** Total attempts, including the first (≥ 1). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

export type ErrorClass = 'retryable' | 'not_found' | 'ambiguous' | 'fatal';

/** Classifies a gateway error. Works on the venue's typed errors and, by duck typing, on look-alikes. */
export function classifyError(err: unknown): ErrorClass {
  if (err instanceof AmbiguousOrderError || (err instanceof Error && err.name === 'AmbiguousOrderError')) return 'ambiguous';
  if (err instanceof NotFoundError) return 'not_found';
  if (err instanceof VenueError) return err.retryable ? 'retryable' : err.status === 404 ? 'not_found' : 'fatal';
  if (err && typeof err === 'object') {
    const status = (err as { status?: unknown }).status;
    if (status === 404) return 'not_found';
    if ((err as { retryable?: unknown }).retryable === true) return 'retryable';
    if (typeof status === 'number' && (status === 429 || status >= 500)) return 'retryable';
  }
  return 'fatal';
}

export function isAmbiguousOrderError(err: unknown): boolean {
  return classifyError(err) === 'ambiguous';
}

/** Exponential backoff: base × 2^(attempt−1), capped; honours a venue Retry-After when longer. */
export function backoffDelay(policy: RetryPolicy, attempt: number, err?: unknown): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const retryAfter = err instanceof RateLimitedError && err.retryAfterMs !== null ? err.retryAfterMs : 0;
  return Math.max(exp, retryAfter, err instanceof RateLimitedError ? 1_000 : 0);
}

export interface RetryHooks {
  onRetry?(attempt: number, delayMs: number, err: unknown): void;
}

/**
 * Runs an idempotent call, retrying errors classified 'retryable' (and, for idempotent calls, 'ambiguous')
 * with backoff. A 'not_found' error is returned to the caller as is (for a cancel it means "already gone").
 */
export async function retryIdempotent<T>(
  fn: (attempt: number) => Promise<T>,
  scheduler: Scheduler,
  policy: RetryPolicy = DEFAULT_RETRY,
  hooks: RetryHooks = {},
): Promise<T> {
  const attempts = Math.max(1, policy.maxAttempts);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const cls = classifyError(err);
      if ((cls !== 'retryable' && cls !== 'ambiguous') || attempt >= attempts) throw err;
      const delay = backoffDelay(policy, attempt, err);
      hooks.onRetry?.(attempt, delay, err);
      await scheduler.sleep(delay);
    }
  }
}
