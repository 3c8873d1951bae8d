/**
 * The exchange's documented rate limits (docs/venue-rules.md, "Rate limits"), in one place: the client
 * budgets its requests from them so that it never provokes a 429, and the simulator enforces them.
 *
 * Documented today: 20 requests per second per API key for ALL authenticated endpoints together, and 20 per
 * second per IP for the public (gateway) endpoints. A batch call (up to 20 orders) counts as one request.
 * The per-class entries are the older, looser per-endpoint ceilings; the per-key budget always binds first.
 */
export interface WindowLimit {
  /** Requests allowed in any window. */
  limit: number;
  windowMs: number;
}

/** Authenticated requests per second per API key (config `api.rate_limit_per_second` overrides the client's). */
export const DEFAULT_REQUESTS_PER_SECOND = 20;

export const VENUE_RATE_LIMITS = {
  create: { limit: 440, windowMs: 10_000 },
  cancel: { limit: 440, windowMs: 10_000 },
  modify: { limit: 440, windowMs: 10_000 },
  cancelAll: { limit: 110, windowMs: 10_000 },
  closePosition: { limit: 220, windowMs: 10_000 },
  openOrders: { limit: 55, windowMs: 10_000 },
  oneOrder: { limit: 55, windowMs: 10_000 },
  /** All authenticated endpoints together, per key. */
  authenticated: { limit: DEFAULT_REQUESTS_PER_SECOND, windowMs: 1_000 },
  /** Public endpoints, per IP. */
  public: { limit: 20, windowMs: 1_000 },
} as const satisfies Record<string, WindowLimit>;

/** Entries per batch request (POST /v1/orders/batched, …/batched/cancel, …/batched/modify). */
export const MAX_BATCH_ORDERS = 20;
