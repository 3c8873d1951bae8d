import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { REQUEST_PRIORITIES, RequestBudget, type RequestPriority } from '../../../shared/venue/request-budget.js';

const W = 1_000;

function rig(options: { limit?: number; reservedForCancels?: number } = {}) {
  const clock = new ManualClock(0);
  const scheduler = new ManualScheduler(clock);
  const metrics = new MetricsRegistry();
  const budget = new RequestBudget({ ...options, windowMs: W, clock, sleep: (ms) => scheduler.sleep(ms), metrics });
  const grants: { p: RequestPriority; at: number; arrived: number; label: string }[] = [];
  const ask = (p: RequestPriority, label: string = p): Promise<void> => {
    const arrived = clock.now();
    return budget.acquire(p).then(() => {
      grants.push({ p, at: clock.now(), arrived, label });
    });
  };
  return { clock, scheduler, budget, grants, ask, metrics };
}

/** Grants in the closed window [t − W, t]. */
const inWindow = (times: number[], t: number): number => times.filter((g) => g >= t - W && g <= t).length;

const arrival = fc.record({
  gap: fc.integer({ min: 0, max: 120 }),
  p: fc.constantFrom<RequestPriority>(...REQUEST_PRIORITIES),
  burst: fc.integer({ min: 1, max: 6 }),
});

describe('RequestBudget (property)', () => {
  it('never issues more than N tokens in any 1 s window, serves everything, and never delays a cancel behind creates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arrival, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 3 }),
        async (arrivals, limit, reserve) => {
          const { scheduler, grants, ask, budget } = rig({ limit, reservedForCancels: reserve });
          const all: Promise<void>[] = [];
          let asked = 0;
          for (const a of arrivals) {
            await scheduler.advanceAsync(a.gap);
            for (let i = 0; i < a.burst; i++) {
              all.push(ask(a.p));
              asked++;
            }
          }
          await scheduler.advanceAsync(asked * W + W);
          await Promise.all(all);
          expect(grants).toHaveLength(asked);
          const times = grants.map((g) => g.at).sort((x, y) => x - y);
          for (const t of times) expect(inWindow(times, t)).toBeLessThanOrEqual(limit);
          expect(budget.peakPerWindow).toBeLessThanOrEqual(limit);
          // A cancel that waited did so only while the window was full: no lower-priority grant took its place.
          for (const c of grants.filter((g) => g.p === 'cancel' && g.at > g.arrived)) {
            for (let s = c.arrived; s < c.at; s++) expect(inWindow(times, s)).toBeGreaterThanOrEqual(limit);
          }
          // Non-cancels never take the slots reserved for cancels.
          const others = grants.filter((g) => g.p !== 'cancel').map((g) => g.at);
          for (const t of others) expect(inWindow(others, t)).toBeLessThanOrEqual(Math.max(1, limit - Math.min(reserve, limit - 1)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('RequestBudget.begin (property): the receiver window', () => {
  it('never lets more than N requests ARRIVE in any receiver window, whatever each request takes to arrive and be answered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 150 }),
            p: fc.constantFrom<RequestPriority>(...REQUEST_PRIORITIES),
            // Time from the grant to the receiver (a busy loop, a pool, the network), and from there to the answer.
            toArrive: fc.integer({ min: 0, max: 900 }),
            toAnswer: fc.integer({ min: 0, max: 300 }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 20 }),
        async (requests, limit) => {
          const clock = new ManualClock(0);
          const scheduler = new ManualScheduler(clock);
          const budget = new RequestBudget({ limit, windowMs: W, reservedForCancels: 0, clock, sleep: (ms) => scheduler.sleep(ms) });
          const arrivals: number[] = [];
          const all: Promise<void>[] = [];
          for (const r of requests) {
            await scheduler.advanceAsync(r.gap);
            all.push(
              budget.begin(r.p).then(async (grant) => {
                await scheduler.sleep(r.toArrive);
                arrivals.push(clock.now());
                await scheduler.sleep(r.toAnswer);
                grant.done();
              }),
            );
          }
          await scheduler.advanceAsync(requests.length * (W + 1_300) + W);
          await Promise.all(all);
          expect(arrivals).toHaveLength(requests.length);
          expect(budget.inFlightCount).toBe(0);
          // The receiver's window: a request at t counts at `a` when t > a − W (the simulator's rate limiter).
          for (const a of arrivals) expect(arrivals.filter((t) => t > a - W && t <= a).length).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('waits for an answer when every slot is held by requests in flight, and grants at the answer', async () => {
    const clock = new ManualClock(0);
    const scheduler = new ManualScheduler(clock);
    const budget = new RequestBudget({ limit: 2, windowMs: W, reservedForCancels: 0, clock, sleep: (ms) => scheduler.sleep(ms) });
    const a = await budget.begin('read');
    await budget.begin('read');
    let third = -1;
    void budget.begin('read').then(() => (third = clock.now()));
    await scheduler.advanceAsync(5 * W);
    expect(third).toBe(-1); // both still in flight: no window ever frees a slot
    a.done();
    a.done(); // idempotent
    await scheduler.advanceAsync(W);
    expect(third).toBe(-1); // the answered one counts for a window after its answer
    await scheduler.advanceAsync(1);
    expect(third).toBe(6 * W + 1);
    expect(budget.inFlightCount).toBe(2);
  });
});

describe('RequestBudget', () => {
  it('serves a full window by priority: cancels, then modifies, then creates, then reads (FIFO within one)', async () => {
    const { scheduler, grants, ask } = rig({ limit: 4, reservedForCancels: 0 });
    for (let i = 0; i < 4; i++) void ask('read', `fill${i}`);
    await scheduler.advanceAsync(0);
    const waiting = [ask('read', 'r1'), ask('create', 'c1'), ask('modify', 'm1'), ask('create', 'c2'), ask('cancel', 'x1'), ask('cancel', 'x2')];
    await scheduler.advanceAsync(5 * W);
    await Promise.all(waiting);
    expect(grants.slice(4).map((g) => g.label)).toEqual(['x1', 'x2', 'm1', 'c1', 'c2', 'r1']);
  });

  it('grants a cancel at once while creates are queued, using the slots reserved for cancels', async () => {
    const { scheduler, grants, ask, budget } = rig({ limit: 20, reservedForCancels: 2 });
    for (let i = 0; i < 25; i++) void ask('create');
    await scheduler.advanceAsync(0);
    expect(grants).toHaveLength(18);
    expect(budget.queued().create).toBe(7);
    await scheduler.advanceAsync(100);
    void ask('cancel');
    void ask('cancel');
    await scheduler.advanceAsync(0);
    expect(grants.slice(18).map((g) => [g.p, g.at])).toEqual([
      ['cancel', 100],
      ['cancel', 100],
    ]);
    // The window is now full: a third cancel waits for the first grant to leave it, then jumps the creates.
    void ask('cancel');
    await scheduler.advanceAsync(W + 1);
    expect(grants[20]).toMatchObject({ p: 'cancel', at: W + 1 });
  });

  it('a pause (after a 429) stops every priority until it ends, cancels first afterwards', async () => {
    const { scheduler, grants, ask, budget } = rig({ limit: 20 });
    budget.pause(1_500);
    expect(budget.isPaused()).toBe(true);
    void ask('read');
    void ask('cancel');
    await scheduler.advanceAsync(1_499);
    expect(grants).toHaveLength(0);
    await scheduler.advanceAsync(1);
    expect(grants.map((g) => [g.p, g.at])).toEqual([
      ['cancel', 1_500],
      ['read', 1_500],
    ]);
    budget.pause(500);
    budget.pause(100); // never shortens a pause
    void ask('cancel');
    await scheduler.advanceAsync(499);
    expect(grants).toHaveLength(2);
    await scheduler.advanceAsync(1);
    expect(grants).toHaveLength(3);
  });

  it('reports the peak grants of any window as a gauge', async () => {
    const { scheduler, ask, budget, metrics } = rig({ limit: 5, reservedForCancels: 0 });
    for (let i = 0; i < 12; i++) void ask('read');
    await scheduler.advanceAsync(3 * W);
    expect(budget.grantedCount).toBe(12);
    expect(budget.peakPerWindow).toBe(5);
    expect(metrics.gaugeValue('venue.requests.peak_per_window', { budget: 'authenticated' })).toBe(5);
  });

  it('refuses a nonsensical limit with a clear error', () => {
    expect(() => new RequestBudget({ limit: 0 })).toThrow(/positive integer/);
    expect(() => new RequestBudget({ limit: 2.5 })).toThrow(/positive integer/);
  });
});
