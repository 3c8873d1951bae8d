/**
 * The venue's rate limits (api/polymarket-us.md, "Rate limits"), enforced with token buckets on the injected
 * clock: one bucket per (key, endpoint class), one for all authenticated calls of a key, one per IP for the
 * public endpoints. Buckets start full and refill continuously at limit / window.
 */
import { VENUE_RATE_LIMITS, type WindowLimit } from '../../../shared/domain/venue-rate-limits.js';

export type EndpointClass =
  | 'create'
  | 'cancel'
  | 'modify'
  | 'cancelAll'
  | 'closePosition'
  | 'openOrders'
  | 'getOrder'
  | 'otherPrivate';

export type BucketLimit = WindowLimit;

export interface RateLimitConfig {
  perClass: Record<Exclude<EndpointClass, 'otherPrivate'>, BucketLimit>;
  /** All authenticated endpoints of one key together. */
  allPrivate: BucketLimit;
  /** Public endpoints per client IP. */
  publicPerIp: BucketLimit;
}

const L = VENUE_RATE_LIMITS;
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  perClass: {
    create: L.create,
    cancel: L.cancel,
    modify: L.modify,
    cancelAll: L.cancelAll,
    closePosition: L.closePosition,
    openOrders: L.openOrders,
    getOrder: L.oneOrder,
  },
  allPrivate: L.authenticated,
  publicPerIp: L.public,
};

export interface RateLimitOverrides {
  perClass?: Partial<RateLimitConfig['perClass']>;
  allPrivate?: BucketLimit;
  publicPerIp?: BucketLimit;
}

export function resolveRateLimits(overrides?: RateLimitOverrides): RateLimitConfig {
  return {
    perClass: { ...DEFAULT_RATE_LIMITS.perClass, ...overrides?.perClass },
    allPrivate: overrides?.allPrivate ?? DEFAULT_RATE_LIMITS.allPrivate,
    publicPerIp: overrides?.publicPerIp ?? DEFAULT_RATE_LIMITS.publicPerIp,
  };
}

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly cfg: BucketLimit, now: number) {
    this.tokens = cfg.limit;
    this.last = now;
  }
  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.cfg.limit, this.tokens + ((now - this.last) * this.cfg.limit) / this.cfg.windowMs);
      this.last = now;
    }
  }
  canTake(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }
  take(): void {
    this.tokens -= 1;
  }
  /** Ms until one token is available. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * this.cfg.windowMs) / this.cfg.limit);
  }
}

export interface RateDecision {
  allowed: boolean;
  /** When refused: seconds to wait, for the Retry-After header. */
  retryAfterSec: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(private readonly config: RateLimitConfig, private readonly now: () => number) {}

  private bucket(key: string, cfg: BucketLimit): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(cfg, this.now());
      this.buckets.set(key, b);
    }
    return b;
  }

  /** One authenticated request of `cls` by `keyId`: takes a token from its class bucket and the key's total. */
  takePrivate(keyId: string, cls: EndpointClass): RateDecision {
    const now = this.now();
    const buckets = [this.bucket(`k:${keyId}:all`, this.config.allPrivate)];
    if (cls !== 'otherPrivate') buckets.push(this.bucket(`k:${keyId}:${cls}`, this.config.perClass[cls]));
    return this.takeAll(buckets, now);
  }

  takePublic(ip: string): RateDecision {
    const now = this.now();
    return this.takeAll([this.bucket(`ip:${ip}`, this.config.publicPerIp)], now);
  }

  private takeAll(buckets: TokenBucket[], now: number): RateDecision {
    const blocked = buckets.filter((b) => !b.canTake(now));
    if (blocked.length > 0) {
      const wait = Math.max(...blocked.map((b) => b.waitMs(now)));
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(wait / 1000)) };
    }
    for (const b of buckets) b.take();
    return { allowed: true, retryAfterSec: 0 };
  }
}
