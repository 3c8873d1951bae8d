/** The engine never reads the wall clock directly: it is given a Clock, so tests and backtests control time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** A monotonic high-resolution reading in nanoseconds, for latency measurement only. */
  monotonicNs(): bigint;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNs: () => process.hrtime.bigint(),
};

/** A clock that moves only when told to: for tests, replays and backtests. */
export class ManualClock implements Clock {
  constructor(private ms: number = 0) {}
  now(): number {
    return this.ms;
  }
  monotonicNs(): bigint {
    return BigInt(this.ms) * 1_000_000n;
  }
  set(ms: number): void {
    if (ms < this.ms) throw new RangeError(`clock cannot go backwards (${ms} < ${this.ms})`);
    this.ms = ms;
  }
  advance(ms: number): void {
    this.set(this.ms + ms);
  }
}
