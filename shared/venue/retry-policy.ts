/**
 * Step "retry policy" of the request pipeline: given a classified failure, what to do next. Pure — the delays
 * come from the product's one backoff policy (domain/backoff-policy.ts) with an injected `random`.
 *
 * | failure                         | decision                                                                 |
 * |---------------------------------|--------------------------------------------------------------------------|
 * | 401 (authenticated call)        | re-sign ONCE (the pipeline first re-estimates the clock offset from the  |
 * |                                 | response `Date`), then fail loudly with AuthError                        |
 * | 429                             | pause the whole key's budget: ≥ 1 s, doubling per consecutive 429 (or    |
 * |                                 | Retry-After if longer; requests in flight together and refused together  |
 * |                                 | count once: the pipeline's episodes). A GET then tries again (at most    |
 * |                                 | `maxRateLimitedAttempts` in all); a POST is never resent blindly — it    |
 * |                                 | fails with RateLimitedError and its caller decides (the executor retries |
 * |                                 | cancels and modifies through the same paused budget)                     |
 * | latency stopgap reject          | fail at once with StopgapRejectError: not a rate limit, never a pause    |
 * | 5xx / timeout / network         | idempotent calls: backoff, at most `maxAttempts` attempts in all; a      |
 * |                                 | request that provably never left may be sent again even if not           |
 * |                                 | idempotent; a create is otherwise never retried (order-recovery.ts)      |
 * | 400 / 404 / anything else       | fail                                                                     |
 */
import { BACKOFF, backoffDelay, type BackoffPolicy } from '../domain/backoff-policy.js';
import { AuthError, NetworkError, RateLimitedError, ServerError, TimeoutError, type VenueError } from './errors.js';
import type { HttpMethod } from './http.js';

export interface RetryPolicy {
  /** Total attempts for an idempotent call on 5xx/timeout/network (default 3). */
  maxAttempts: number;
  /** Total attempts of a GET answered 429 (default 6). */
  maxRateLimitedAttempts: number;
  /** Backoff of the retries after 5xx/timeout/network. */
  retryBackoff: BackoffPolicy;
  /** The pause after a 429 (its floor is the documented 1 s). */
  rateLimitBackoff: BackoffPolicy;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  maxRateLimitedAttempts: 6,
  retryBackoff: BACKOFF.venueRetry,
  rateLimitBackoff: BACKOFF.venueRateLimited,
};

/** What the pipeline knows of one request. */
export interface RequestTraits {
  method: HttpMethod;
  auth: boolean;
  /** Safe to send again after a 5xx/timeout/network failure. */
  idempotent: boolean;
}

/** The history of one request so far. */
export interface AttemptState {
  /** Sends counted against `maxAttempts` (a re-sign and a 429 do not count). */
  attempts: number;
  /** 429s this request got. */
  rateLimited: number;
  resigned: boolean;
  /** Consecutive 429s of the key (any request), before this one: the pause doubles with it. */
  rateLimitStreak: number;
}

export type RetryDecision =
  | { kind: 'resign' }
  /** Send again after `delayMs`. */
  | { kind: 'retry'; delayMs: number }
  /** Pause the key's budget for `pauseMs`; then send again (`retry`) or fail. */
  | { kind: 'pause'; pauseMs: number; retry: boolean }
  | { kind: 'fail' };

export function decideRetry(err: VenueError, req: RequestTraits, state: AttemptState, policy: RetryPolicy, random: () => number): RetryDecision {
  if (err instanceof AuthError && err.status === 401 && req.auth) return state.resigned ? { kind: 'fail' } : { kind: 'resign' };
  if (err instanceof RateLimitedError) {
    const pauseMs = Math.max(backoffDelay(policy.rateLimitBackoff, state.rateLimitStreak, random), err.retryAfterMs ?? 0);
    return { kind: 'pause', pauseMs, retry: req.method === 'GET' && state.rateLimited + 1 < policy.maxRateLimitedAttempts };
  }
  if (err instanceof TimeoutError || err instanceof NetworkError) {
    // A request that provably never left may be sent again even when not idempotent.
    if ((req.idempotent || !err.requestSent) && state.attempts < policy.maxAttempts) return { kind: 'retry', delayMs: retryDelay(state, policy, random) };
    return { kind: 'fail' };
  }
  if (err instanceof ServerError && req.idempotent && state.attempts < policy.maxAttempts) return { kind: 'retry', delayMs: retryDelay(state, policy, random) };
  return { kind: 'fail' };
}

function retryDelay(state: AttemptState, policy: RetryPolicy, random: () => number): number {
  return backoffDelay(policy.retryBackoff, state.attempts - 1, random);
}

/** Parses Retry-After (delta seconds or an HTTP date) into ms from `nowMs`; null when absent/invalid. */
export function parseRetryAfterMs(value: string | undefined | null, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (!Number.isFinite(at)) return null;
  return Math.max(0, at - nowMs);
}
