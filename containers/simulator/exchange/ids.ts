/**
 * Deterministic id generation: a run with the same seed and the same inputs yields the same ids, so
 * simulator runs (and the paper-vs-live acid test) are reproducible. Ids are opaque strings to clients.
 */
export class IdGenerator {
  private readonly counters = new Map<string, number>();

  /** The next id with the given prefix: `${prefix}${n}` with n = 1, 2, ... per prefix. */
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n}`;
  }

  /** The next integer for a sequence (activities use it as the cursor order). */
  nextSeq(name: string): number {
    const n = (this.counters.get(name) ?? 0) + 1;
    this.counters.set(name, n);
    return n;
  }
}

/** Id prefixes, so that an id's kind is visible in logs. */
export const ID_PREFIX = {
  event: 'evt-',
  market: 'mkt-',
  order: 'ord-',
  execution: 'exe-',
  trade: 'trd-',
  activity: 'act-',
} as const;
