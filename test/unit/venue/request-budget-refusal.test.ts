/**
 * RequestBudget.refuse / allow: a halt closes the budget to some priorities, and what was already waiting for
 * them in the queue is rejected (never sent) instead of going out after the halt.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { REQUEST_PRIORITIES, RequestBudget, RequestRefusedError, type RequestPriority } from '../../../shared/venue/request-budget.js';

const W = 1_000;

function rig(limit = 3, reservedForCancels = 1) {
  const clock = new ManualClock(0);
  const scheduler = new ManualScheduler(clock);
  const metrics = new MetricsRegistry();
  const budget = new RequestBudget({ limit, reservedForCancels, windowMs: W, clock, sleep: (ms) => scheduler.sleep(ms), metrics });
  const outcomes: { label: string; p: RequestPriority; outcome: 'granted' | 'refused'; at: number }[] = [];
  const ask = (p: RequestPriority, label: string = p): Promise<void> =>
    budget.acquire(p).then(
      () => void outcomes.push({ label, p, outcome: 'granted', at: clock.now() }),
      (err: unknown) => {
        if (!(err instanceof RequestRefusedError)) throw err;
        outcomes.push({ label, p, outcome: 'refused', at: clock.now() });
      },
    );
  return { clock, scheduler, budget, metrics, outcomes, ask };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('RequestBudget.refuse', () => {
  it('rejects the creates and modifies already queued at a halt, serves the queued cancels and reads, and refuses new ones at once', async () => {
    const { scheduler, budget, outcomes, ask, metrics } = rig(3, 1);
    // Two creates take the window's non-reserved slots; everything after them waits for the window to roll.
    void ask('create', 'c1');
    void ask('create', 'c2');
    void ask('create', 'c3');
    void ask('modify', 'm1');
    void ask('read', 'r1');
    await settle();
    expect(outcomes.map((o) => o.label)).toEqual(['c1', 'c2']);
    expect(budget.queued()).toMatchObject({ create: 1, modify: 1, read: 1 });

    expect(budget.refuse(['modify', 'create'], 'kill switch')).toBe(2);
    await settle();
    expect(outcomes.slice(2).map((o) => [o.label, o.outcome])).toEqual([
      ['m1', 'refused'],
      ['c3', 'refused'],
    ]);
    expect(budget.queued()).toMatchObject({ create: 0, modify: 0, read: 1 });
    // A new create is refused without waiting; a cancel is still granted at once (its reserved slot).
    void ask('create', 'c4');
    void ask('cancel', 'x1');
    await settle();
    expect(outcomes.slice(4).map((o) => [o.label, o.outcome, o.at])).toEqual([
      ['c4', 'refused', 0],
      ['x1', 'granted', 0],
    ]);
    // The queued read goes when the window rolls, as before.
    await scheduler.advanceAsync(W + 1);
    expect(outcomes.at(-1)).toMatchObject({ label: 'r1', outcome: 'granted' });
    expect(budget.refused()).toEqual(['modify', 'create']);
    expect(budget.grantedCount).toBe(4);
    expect(metrics.counter('venue.budget.refused', { budget: 'authenticated', priority: 'create', when: 'queued' })).toBe(1);
    expect(metrics.counter('venue.budget.refused', { budget: 'authenticated', priority: 'create', when: 'asked' })).toBe(1);

    budget.allow();
    void ask('create', 'c5');
    await scheduler.advanceAsync(W + 1);
    expect(outcomes.at(-1)).toMatchObject({ label: 'c5', outcome: 'granted' });
  });

  it('a closed flow refuses queued cancels too', async () => {
    const { budget, outcomes, ask } = rig(1, 0);
    void ask('read', 'r0');
    void ask('cancel', 'x1');
    await settle();
    expect(outcomes.map((o) => o.label)).toEqual(['r0']);
    expect(budget.refuse(['cancel', 'modify', 'create'], 'lease lost')).toBe(1);
    await settle();
    expect(outcomes.at(-1)).toMatchObject({ label: 'x1', outcome: 'refused' });
  });

  it('the error says the request was never sent and why', async () => {
    const { budget } = rig();
    budget.refuse(['create'], 'kill switch');
    const err = await budget.begin('create').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestRefusedError);
    expect(err).toMatchObject({ priority: 'create', reason: 'kill switch', requestSent: false });
    expect((err as Error).message).toMatch(/create request not sent: the authenticated request budget refuses creates \(kill switch\)/);
  });
});

describe('RequestBudget.refuse (property)', () => {
  it('after a refusal, no request of a refused priority is ever granted until allowed; every other request is served in the budget', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 300 }), p: fc.constantFrom<RequestPriority>(...REQUEST_PRIORITIES) }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.subarray([...REQUEST_PRIORITIES], { minLength: 1 }),
        fc.integer({ min: 1, max: 5 }),
        async (arrivals, haltAt, refused, limit) => {
          const { clock, scheduler, budget, outcomes, ask } = rig(limit, limit > 1 ? 1 : 0);
          let haltTime = Number.POSITIVE_INFINITY;
          const asked: Promise<void>[] = [];
          for (const [i, a] of arrivals.entries()) {
            if (i === haltAt) {
              budget.refuse(refused, 'halt');
              haltTime = clock.now();
            }
            asked.push(ask(a.p, String(i)));
            await scheduler.advanceAsync(a.gap);
          }
          if (haltAt >= arrivals.length) {
            budget.refuse(refused, 'halt');
            haltTime = clock.now();
          }
          await scheduler.advanceAsync(60 * W);
          await Promise.all(asked);
          // Everything was answered one way or the other.
          expect(outcomes).toHaveLength(arrivals.length);
          for (const o of outcomes) {
            if (refused.includes(o.p)) {
              // A refused priority: granted only before the halt.
              if (o.outcome === 'granted') expect(o.at).toBeLessThanOrEqual(haltTime);
              if (o.outcome === 'refused') expect(o.at).toBeGreaterThanOrEqual(haltTime);
            } else {
              expect(o.outcome).toBe('granted');
            }
          }
          const grants = outcomes.filter((o) => o.outcome === 'granted').map((o) => o.at);
          for (const t of grants) expect(grants.filter((g) => g >= t - W && g <= t).length).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 150 },
    );
  });
});
