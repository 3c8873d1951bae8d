/**
 * The retry policy of the venue client (seed: error-handling table), as pure functions so it is testable
 * without a network:
 *
 * | failure                         | what the client does                                                  |
 * |---------------------------------|-----------------------------------------------------------------------|
 * | 401                             | set the signer's clock offset from the response `Date`, re-sign ONCE, |
 * |                                 | then fail loudly with AuthError                                       |
 * | 429                             | wait ≥ 1 s (Retry-After if longer), exponential with jitter; the      |
 * |                                 | request was not processed, so this holds for creates too              |
 * | 5xx / timeout / network         | idempotent calls: backoff, at most `maxAttempts` (3) attempts in all  |
 * |                                 | create: never blind-retried (see order-recovery.ts)                   |
 * | 400 / 404 / validation          | no retry                                                               |
 */

export interface RetryPolicy {
  /** Total attempts for an idempotent call on 5xx/timeout/network (default 3). */
  maxAttempts: number;
  /** Total attempts on 429 (default 6). */
  maxRateLimitedAttempts: number;
  /** First backoff, ms (default 200). */
  baseDelayMs: number;
  /** Backoff cap, ms (default 10 s). */
  maxDelayMs: number;
  /** Floor of a 429 wait, ms (default 1 s, as the docs ask). */
  rateLimitFloorMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  maxRateLimitedAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  rateLimitFloorMs: 1_000,
};

/**
 * Exponential backoff with "equal jitter": half the exponential step fixed, half random, so a retry never
 * comes sooner than half the step and retries of many clients spread out. `attempt` counts from 0.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + (step / 2) * random());
}

/** The wait after the `attempt`-th 429 (from 0): at least the floor, the Retry-After, and the backoff. */
export function rateLimitWaitMs(attempt: number, retryAfterMs: number | null, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.rateLimitFloorMs * 2 ** Math.max(0, attempt));
  const jittered = Math.round(exp * (1 + 0.25 * random()));
  return Math.max(policy.rateLimitFloorMs, retryAfterMs ?? 0, jittered);
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
