/** The feeds' view of the product's one backoff policy (domain/backoff-policy.ts), plus an abortable sleep. */
export { BACKOFF, backoffDelay, type BackoffPolicy } from '../domain/backoff-policy.js';

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
