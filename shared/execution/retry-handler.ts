/**
 * Retries for idempotent venue calls (cancel, modify to absolute values, cancel-all, open-orders reads).
 * A create is never retried here: after an ambiguous create the executor reconciles first.
 * Backoff runs on the injected Scheduler, so tests and backtests retry on simulated time.
 *
 * 'not_found' covers an order the venue no longer has open: a 404, and the 400 the exchange answers to a
 * cancel or modify of an order already cancelled or filled — body `{ "message": "order <id> is not open
 * (ORDER_STATE_…)" }` (the simulator's exact text, containers/simulator/exchange/exchange.ts). Only that
 * message makes a 400 'not_found'; any other 400 stays 'fatal'.
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

/** The venue's message for a request on an order that is no longer open (anchored: the whole order id). */
const ORDER_NOT_OPEN = /^order \S+ is not open(?: \([A-Z_]+\))?$/;

/** A 400 "order … is not open": the order was already cancelled or filled (the request had nothing to do). */
export function isOrderNotOpenError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { status?: unknown; venueMessage?: unknown };
  return e.status === 400 && typeof e.venueMessage === 'string' && ORDER_NOT_OPEN.test(e.venueMessage.trim());
}

/** Classifies a gateway error. Works on the venue's typed errors and, by duck typing, on look-alikes. */
export function classifyError(err: unknown): ErrorClass {
  if (err instanceof AmbiguousOrderError || (err instanceof Error && err.name === 'AmbiguousOrderError')) return 'ambiguous';
  if (err instanceof NotFoundError) return 'not_found';
  if (isOrderNotOpenError(err)) return 'not_found';
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
