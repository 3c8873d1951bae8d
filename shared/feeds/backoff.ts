/** Exponential backoff with jitter, shared by the REST retries and the stream reconnects. */

export interface BackoffPolicy {
  /** First delay, ms. */
  initialDelayMs: number;
  /** Cap, ms. */
  maxDelayMs: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Fraction of the delay drawn at random: delay × (1 − jitter + jitter·u), u ∈ [0,1). Default 0.5. */
  jitter?: number;
}

/** The delay before retry number `attempt` (0-based). `random` returns [0,1) (Math.random by default). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const factor = policy.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.5));
  const raw = Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(factor, Math.max(0, attempt)));
  return Math.round(raw * (1 - jitter + jitter * random()));
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** setTimeout as a promise, cancelled (resolved early) by an abort signal. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
