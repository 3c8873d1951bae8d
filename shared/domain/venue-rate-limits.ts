/**
 * The exchange's documented rate limits (api/polymarket-us.md, "Rate limits"), in one place: the client
 * budgets its requests from them so that it never provokes a 429, and the simulator enforces them.
 */
export interface WindowLimit {
  /** Requests allowed in any window. */
  limit: number;
  windowMs: number;
}

export const VENUE_RATE_LIMITS = {
  create: { limit: 440, windowMs: 10_000 },
  cancel: { limit: 440, windowMs: 10_000 },
  modify: { limit: 440, windowMs: 10_000 },
  cancelAll: { limit: 110, windowMs: 10_000 },
  closePosition: { limit: 220, windowMs: 10_000 },
  openOrders: { limit: 55, windowMs: 10_000 },
  oneOrder: { limit: 55, windowMs: 10_000 },
  /** All authenticated endpoints together, per key. */
  authenticated: { limit: 2_000, windowMs: 10_000 },
  /** Public endpoints, per IP. */
  public: { limit: 20, windowMs: 1_000 },
} as const satisfies Record<string, WindowLimit>;
