import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { DOCUMENTED_LIMITS, SlidingWindow, VenueRateLimiter } from '../../../shared/venue/rate-limiter.js';

/** A limiter whose sleeps advance a manual clock, recording every grant time per class. */
function harness(safetyFactor = 1) {
  const clock = new ManualClock(1_000_000);
  const sleeps: number[] = [];
  const limiter = new VenueRateLimiter({
    clock,
    safetyFactor,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  return { clock, limiter, sleeps };
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] as number) - (times[lo] as number) >= windowMs + 1) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('SlidingWindow', () => {
  it('never grants more than limit in any closed window of windowMs (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 10, max: 1000 }), fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (limit, windowMs, gaps) => {
        const w = new SlidingWindow(limit, windowMs);
        let now = 0;
        const granted: number[] = [];
        for (const g of gaps) {
          now += g;
          if (w.waitMs(now) === 0) {
            w.record(now);
            granted.push(now);
          }
        }
        // in any interval [t, t + windowMs] at most `limit` grants
        let lo = 0;
        for (let hi = 0; hi < granted.length; hi++) {
          while ((granted[hi] as number) - (granted[lo] as number) > windowMs) lo++;
          expect(hi - lo + 1).toBeLessThanOrEqual(limit);
        }
      }),
    );
  });

  it('says how long to wait for the oldest grant to leave the window', () => {
    const w = new SlidingWindow(2, 100);
    w.record(0);
    w.record(10);
    expect(w.waitMs(50)).toBe(51);
    expect(w.waitMs(101)).toBe(0);
  });
});

describe('VenueRateLimiter', () => {
  it('holds open-orders calls to 55 per 10 s and waits instead of failing', async () => {
    const { clock, limiter, sleeps } = harness();
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      await limiter.acquire('openOrders');
      times.push(clock.now());
    }
    expect(maxInAnyWindow(times, 10_000)).toBe(55);
    expect(sleeps.length).toBeGreaterThan(0);
    // 200 calls at 55 per 10 s need at least 3 full windows
    expect((times[199] as number) - (times[0] as number)).toBeGreaterThan(30_000);
  });

  it('shares the authenticated budget across classes', async () => {
    const clock = new ManualClock(0);
    const limiter = new VenueRateLimiter({
      clock,
      safetyFactor: 1,
      limits: { authenticated: { limit: 10, windowMs: 1_000 } },
      sleep: async (ms) => clock.advance(ms),
    });
    for (let i = 0; i < 6; i++) await limiter.acquire('create');
    for (let i = 0; i < 4; i++) await limiter.acquire('cancel');
    expect(clock.now()).toBe(0);
    expect(limiter.tryAcquire('modify')).toBe(false);
    await limiter.acquire('modify');
    expect(clock.now()).toBeGreaterThan(1_000);
    // public calls do not count against the authenticated budget
    expect(limiter.tryAcquire('public')).toBe(true);
  });

  it('applies the safety factor to the documented limits', async () => {
    const { clock, limiter } = harness(0.9);
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      await limiter.acquire('public');
      times.push(clock.now());
    }
    expect(maxInAnyWindow(times, DOCUMENTED_LIMITS.public.windowMs)).toBe(18);
  });

  it('serves waiters of a class in FIFO order', async () => {
    const clock = new ManualClock(0);
    const gates: (() => void)[] = [];
    const limiter = new VenueRateLimiter({
      clock,
      safetyFactor: 1,
      limits: { cancelAll: { limit: 1, windowMs: 100 } },
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          gates.push(() => {
            clock.advance(ms);
            resolve();
          });
        }),
    });
    const order: number[] = [];
    await limiter.acquire('cancelAll');
    const ps = [1, 2, 3].map((i) => limiter.acquire('cancelAll').then(() => order.push(i)));
    while (order.length < 3) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    await Promise.all(ps);
    expect(order).toEqual([1, 2, 3]);
  });
});
