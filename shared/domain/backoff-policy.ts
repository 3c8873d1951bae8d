/**
 * The product's one backoff policy: exponential growth with jitter, capped, with an optional floor. Every
 * wait-and-try-again in the product derives its delay here — the venue REST client's retries and 429 pauses,
 * the venue sockets' reconnects, the OpticOdds REST retries and stream reconnects — so a change of shape is
 * made once. The presets below are the product's settings, stated once; callers may override fields.
 *
 * Pure: `random` is injected (tests pass a constant), no clock, no timers.
 */

export interface BackoffPolicy {
  /** First delay, ms. */
  initialDelayMs: number;
  /** Cap, ms (before the floor). */
  maxDelayMs: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Fraction of the delay drawn at random: delay × (1 − jitter + jitter·u), u ∈ [0,1). Default 0.5 ("equal jitter"). */
  jitter?: number;
  /** No delay is shorter than this, ms (e.g. 1 s after a 429). Default 0. */
  floorMs?: number;
}

/** The delay before retry number `attempt` (0-based). `random` returns [0,1) (Math.random by default). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const factor = policy.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.5));
  const raw = Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(factor, Math.max(0, attempt)));
  return Math.max(policy.floorMs ?? 0, Math.round(raw * (1 - jitter + jitter * random())));
}

/** The product's backoff settings. */
export const BACKOFF = {
  /** Venue REST: an idempotent call after a 5xx, timeout or network failure. */
  venueRetry: { initialDelayMs: 200, maxDelayMs: 10_000 },
  /** Venue REST after a 429: stop, wait at least 1 s, double per consecutive 429 (docs/venue-rules.md, rate limits). */
  venueRateLimited: { initialDelayMs: 1_000, maxDelayMs: 30_000, floorMs: 1_000 },
  /** Venue sockets: reconnect after a drop. */
  venueReconnect: { initialDelayMs: 250, maxDelayMs: 10_000 },
  /** OpticOdds REST retries and stream reconnects (its 429s never wait less than 1 s: see feeds/rest-client.ts). */
  feeds: { initialDelayMs: 1_000, maxDelayMs: 30_000 },
} as const satisfies Record<string, BackoffPolicy>;
