/**
 * The venue's rate limits (docs/venue-rules.md, "Rate limits and the latency stopgap"), on the injected clock:
 * one rolling window per API key shared by EVERY authenticated REST call (orders, portfolio, account), default
 * 20 requests per rolling second, and one per client IP for the public routes, default 20 per second. A request
 * is refused (429) when the window already holds `limit` accepted requests; refused requests do not count.
 * A request may cost more than one (the batch endpoints' `batchRequestCost`).
 */

export interface WindowLimit {
  /** Requests allowed in any window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitConfig {
  /** Every authenticated endpoint of one API key together. */
  authenticatedPerKey: WindowLimit;
  /** Public endpoints per client IP. */
  publicPerIp: WindowLimit;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  authenticatedPerKey: { limit: 20, windowMs: 1_000 },
  publicPerIp: { limit: 20, windowMs: 1_000 },
};

export type RateLimitOverrides = Partial<RateLimitConfig>;

export function resolveRateLimits(overrides?: RateLimitOverrides): RateLimitConfig {
  const cfg = { ...DEFAULT_RATE_LIMITS, ...overrides };
  for (const [name, l] of Object.entries(cfg)) {
    if (!(Number.isInteger(l.limit) && l.limit > 0 && Number.isFinite(l.windowMs) && l.windowMs > 0)) {
      throw new RangeError(`rateLimits.${name} must have a positive integer limit and a positive windowMs`);
    }
  }
  return cfg;
}

/** The times of the accepted requests of the last window (oldest first). */
class RollingWindow {
  private readonly times: number[] = [];
  constructor(private readonly cfg: WindowLimit) {}

  take(now: number, cost: number): boolean {
    while (this.times.length > 0 && this.times[0]! <= now - this.cfg.windowMs) this.times.shift();
    if (this.times.length + cost > this.cfg.limit) return false;
    for (let i = 0; i < cost; i++) this.times.push(now);
    return true;
  }

  idle(now: number): boolean {
    return this.times.length === 0 || this.times[this.times.length - 1]! <= now - this.cfg.windowMs;
  }
}

/** Windows of keys and IPs not seen for a while are dropped, so memory stays bounded. */
const SWEEP_EVERY = 1_000;

export class RateLimiter {
  private readonly windows = new Map<string, RollingWindow>();
  private calls = 0;

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number,
  ) {}

  /** One authenticated request of `keyId` costing `cost` (default 1); false = refuse with 429. */
  takePrivate(keyId: string, cost = 1): boolean {
    return this.take(`k:${keyId}`, this.config.authenticatedPerKey, cost);
  }

  /** One public request from `ip`; false = refuse with 429. */
  takePublic(ip: string): boolean {
    return this.take(`ip:${ip}`, this.config.publicPerIp, 1);
  }

  private take(key: string, cfg: WindowLimit, cost: number): boolean {
    const now = this.now();
    if (++this.calls % SWEEP_EVERY === 0) {
      for (const [k, w] of this.windows) if (w.idle(now)) this.windows.delete(k);
    }
    let w = this.windows.get(key);
    if (!w) {
      w = new RollingWindow(cfg);
      this.windows.set(key, w);
    }
    return w.take(now, cost);
  }
}
