/**
 * What each API key sent, as the receiver counts it: every authenticated request that passed authentication
 * (accepted or refused with 429 alike), on the rate limiter's window — a request at t is in the window ending
 * at `now` when t > now − windowMs (docs/venue-rules.md, "Rate limits and the latency stopgap"). The peak is
 * the most requests of the key in any such window, so "the client never sent more than 20 in any rolling
 * second" is measured here, by the receiver, not claimed by the sender. Independent of whether limits are on.
 */

export interface KeyRequestTally {
  /** Authenticated requests received (each batch call once, whatever it costs against the limit). */
  requests: number;
  /** Of those, refused with 429 by the rate limiter. */
  rateLimited: number;
  /** The most requests received within one rolling window. */
  peakPerWindow: number;
}

interface KeyLog extends KeyRequestTally {
  /** Arrival times within the last window, oldest first. */
  times: number[];
}

export class RequestTally {
  private readonly keys = new Map<string, KeyLog>();

  constructor(
    private readonly now: () => number,
    readonly windowMs = 1_000,
  ) {
    if (!(windowMs > 0)) throw new RangeError(`request tally window must be positive, got ${windowMs}`);
  }

  /** One authenticated request of `keyId`, received now. */
  received(keyId: string): void {
    const now = this.now();
    const log = this.log(keyId);
    log.requests++;
    while (log.times.length > 0 && (log.times[0] as number) <= now - this.windowMs) log.times.shift();
    log.times.push(now);
    if (log.times.length > log.peakPerWindow) log.peakPerWindow = log.times.length;
  }

  /** The last request of `keyId` was refused with 429. */
  refused(keyId: string): void {
    this.log(keyId).rateLimited++;
  }

  /** The tally of one key (zeros for a key never seen). */
  forKey(keyId: string): KeyRequestTally {
    const log = this.keys.get(keyId);
    return log ? { requests: log.requests, rateLimited: log.rateLimited, peakPerWindow: log.peakPerWindow } : { requests: 0, rateLimited: 0, peakPerWindow: 0 };
  }

  private log(keyId: string): KeyLog {
    let log = this.keys.get(keyId);
    if (!log) this.keys.set(keyId, (log = { requests: 0, rateLimited: 0, peakPerWindow: 0, times: [] }));
    return log;
  }
}
