/**
 * Client-side request budgeting, so the client never provokes a 429 (api/polymarket-us.md, "Rate limits").
 *
 * One limiter per endpoint class, plus one shared by every authenticated call. Each is a sliding-window log
 * (a ring buffer of the last N grant times) rather than a classic token bucket: a bucket of capacity N
 * refilling N per window can grant up to 2N in one window, which a server counting per sliding or fixed
 * window would answer with 429. The log grants at most N in ANY window of the configured length, whatever
 * the server's window alignment. A safety factor (default 0.9) keeps a margin for network jitter, which can
 * bunch requests that left us spaced.
 *
 * `acquire()` never throws and never drops: it waits (FIFO per class) until every limiter it needs has room.
 * The clock and the sleep are injected, so tests drive it with a ManualClock.
 */
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import type { Metrics } from '../observability/metrics.js';
import { nullMetrics } from '../observability/metrics.js';
import { VENUE_RATE_LIMITS, type WindowLimit } from '../domain/venue-rate-limits.js';
import type { EndpointClass } from './errors.js';

export type { WindowLimit } from '../domain/venue-rate-limits.js';

/** The documented limits. `authenticated` is the shared budget of all authenticated endpoints. */
export const DOCUMENTED_LIMITS: Readonly<Record<EndpointClass, WindowLimit>> = VENUE_RATE_LIMITS;

/** Grants at most `limit` times in any window of `windowMs`. */
export class SlidingWindow {
  private readonly times: Float64Array;
  /** Index of the oldest grant in the ring. */
  private head = 0;
  private count = 0;

  constructor(readonly limit: number, readonly windowMs: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    this.times = new Float64Array(limit);
  }

  /** Ms to wait before a grant is possible at `now` (0 = now). */
  waitMs(now: number): number {
    if (this.count < this.limit) return 0;
    const oldest = this.times[this.head] as number;
    // Strictly past the window: a grant exactly `windowMs` after the oldest would put limit + 1 grants in a
    // closed window of that length.
    return Math.max(0, oldest + this.windowMs + 1 - now);
  }

  /** Records a grant at `now`. Call only when waitMs(now) is 0. */
  record(now: number): void {
    if (this.count < this.limit) {
      this.times[(this.head + this.count) % this.limit] = now;
      this.count++;
    } else {
      this.times[this.head] = now;
      this.head = (this.head + 1) % this.limit;
    }
  }

  /** Grants in the window ending at `now`. */
  used(now: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if ((this.times[(this.head + i) % this.limit] as number) > now - this.windowMs) n++;
    return n;
  }
}

export interface RateLimiterOptions {
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** Overrides of the documented limits. */
  limits?: Partial<Record<EndpointClass, WindowLimit>>;
  /** Fraction of each documented limit actually used (default 0.9). */
  safetyFactor?: number;
  metrics?: Metrics;
}

const AUTHENTICATED_CLASSES: ReadonlySet<EndpointClass> = new Set<EndpointClass>([
  'create',
  'cancel',
  'modify',
  'cancelAll',
  'closePosition',
  'openOrders',
  'oneOrder',
  'authenticated',
]);

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class VenueRateLimiter {
  private readonly windows = new Map<EndpointClass, SlidingWindow>();
  private readonly tails = new Map<EndpointClass, Promise<void>>();
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly metrics: Metrics;

  constructor(options: RateLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? defaultSleep;
    this.metrics = options.metrics ?? nullMetrics;
    const factor = options.safetyFactor ?? 0.9;
    if (!(factor > 0 && factor <= 1)) throw new RangeError('safetyFactor must be in (0, 1]');
    for (const [cls, documented] of Object.entries(DOCUMENTED_LIMITS) as [EndpointClass, WindowLimit][]) {
      const l = options.limits?.[cls] ?? documented;
      this.windows.set(cls, new SlidingWindow(Math.max(1, Math.floor(l.limit * factor)), l.windowMs));
    }
  }

  /** The limiters a call of this class consumes. */
  private limitersFor(cls: EndpointClass): SlidingWindow[] {
    const own = this.windows.get(cls) as SlidingWindow;
    if (cls !== 'authenticated' && AUTHENTICATED_CLASSES.has(cls)) return [own, this.windows.get('authenticated') as SlidingWindow];
    return [own];
  }

  /** Takes a grant now if every limiter has room (and nobody of this class is queued). */
  tryAcquire(cls: EndpointClass): boolean {
    if (this.tails.has(cls)) return false;
    return this.takeIfFree(cls);
  }

  private takeIfFree(cls: EndpointClass): boolean {
    const ls = this.limitersFor(cls);
    const now = this.clock.now();
    for (const l of ls) if (l.waitMs(now) > 0) return false;
    for (const l of ls) l.record(now);
    return true;
  }

  /** Waits until a request of this class is within every budget, then takes the grant. Never throws. */
  async acquire(cls: EndpointClass): Promise<void> {
    if (!this.tails.has(cls) && this.takeIfFree(cls)) return;
    const prev = this.tails.get(cls) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(cls, tail);
    await prev;
    const started = this.clock.now();
    try {
      for (;;) {
        const ls = this.limitersFor(cls);
        const now = this.clock.now();
        let wait = 0;
        for (const l of ls) wait = Math.max(wait, l.waitMs(now));
        if (wait === 0) {
          for (const l of ls) l.record(now);
          break;
        }
        await this.sleep(Math.ceil(wait));
      }
    } finally {
      this.metrics.observe('venue.ratelimit.wait_ms', this.clock.now() - started, { class: cls });
      release();
      if (this.tails.get(cls) === tail) this.tails.delete(cls);
    }
  }

  /** Grants used in the current window of a class (for gauges and tests). */
  used(cls: EndpointClass): number {
    return (this.windows.get(cls) as SlidingWindow).used(this.clock.now());
  }
}
