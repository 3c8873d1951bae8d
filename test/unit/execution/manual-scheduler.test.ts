/**
 * The simulated-time scheduler of tests and replays: tasks run in due order (FIFO among equal due times) on
 * runUntil, with the clock set to each task's due time; a cancelled task never runs and the others keep
 * their order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import { ManualScheduler, type TimerHandle } from '../../../shared/execution/scheduler.js';

describe('ManualScheduler', () => {
  it('runs due tasks in due order, FIFO among equal times, with the clock at each due time; nothing due: only the clock moves', () => {
    const clock = new ManualClock(1_000);
    const s = new ManualScheduler(clock);
    const ran: string[] = [];
    s.schedule(50, () => ran.push(`b@${clock.now()}`));
    s.schedule(10, () => ran.push(`a@${clock.now()}`));
    s.schedule(50, () => ran.push(`c@${clock.now()}`));
    s.runUntil(1_005);
    expect(ran).toEqual([]);
    expect(clock.now()).toBe(1_005);
    s.runUntil(1_000); // earlier than the clock: nothing runs, the clock stays
    expect(clock.now()).toBe(1_005);
    s.runUntil(1_100);
    expect(ran).toEqual(['a@1010', 'b@1050', 'c@1050']);
    expect(clock.now()).toBe(1_100);
    expect(s.pending).toBe(0);
  });

  it('a task placed in front of a long timer still runs after the tasks due at the same time scheduled before it', () => {
    const clock = new ManualClock(0);
    const s = new ManualScheduler(clock);
    const ran: string[] = [];
    s.schedule(600_000, () => ran.push('long'));
    s.schedule(50, () => ran.push('a'));
    s.schedule(60, () => ran.push('c'));
    s.schedule(50, () => ran.push('b'));
    s.schedule(600_000, () => ran.push('long2'));
    s.schedule(0, () => ran.push('now'));
    s.runUntil(600_000);
    expect(ran).toEqual(['now', 'a', 'b', 'c', 'long', 'long2']);
  });

  it('cancel takes out exactly that task; unknown or already-run handles change nothing', () => {
    const clock = new ManualClock(0);
    const s = new ManualScheduler(clock);
    const ran: number[] = [];
    const h = [0, 1, 2, 3].map((i) => s.schedule(10, () => ran.push(i)));
    s.cancel(h[1] as TimerHandle);
    s.cancel({ id: 999 });
    expect(s.pending).toBe(3);
    s.runUntil(10);
    s.cancel(h[0] as TimerHandle);
    expect(ran).toEqual([0, 2, 3]);
  });

  it('property: with cancels, the tasks that run are the uncancelled ones, in (due, scheduling) order', () => {
    const op = fc.oneof(
      // Long timers among short ones and repeated delays: tasks are often placed in front of later ones, at equal times.
      fc.record({ t: fc.constant('schedule' as const), delay: fc.oneof(fc.integer({ min: -5, max: 40 }), fc.constantFrom(10, 20, 1_000)) }),
      fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ t: fc.constant('run' as const), ms: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const clock = new ManualClock(0);
        const s = new ManualScheduler(clock);
        const ran: number[] = [];
        // The reference: every task with its due time, cancelled or not, in scheduling order.
        const model: { id: number; due: number; cancelled: boolean; done: boolean }[] = [];
        const handles: TimerHandle[] = [];
        const expected: number[] = [];
        const runModel = (until: number) => {
          for (;;) {
            let next: (typeof model)[number] | undefined;
            for (const m of model) if (!m.cancelled && !m.done && m.due <= until && (next === undefined || m.due < next.due)) next = m;
            if (next === undefined) return;
            next.done = true;
            expected.push(next.id);
          }
        };
        for (const o of ops) {
          if (o.t === 'schedule') {
            const id = model.length;
            handles.push(s.schedule(o.delay, () => ran.push(id)));
            model.push({ id, due: clock.now() + Math.max(0, o.delay), cancelled: false, done: false });
          } else if (o.t === 'cancel') {
            if (handles.length === 0) continue;
            const k = o.pick % handles.length;
            s.cancel(handles[k] as TimerHandle);
            (model[k] as (typeof model)[number]).cancelled = true;
          } else {
            const until = clock.now() + o.ms;
            runModel(until);
            s.runUntil(until);
          }
        }
        runModel(Infinity);
        s.runUntil(clock.now() + 1_000);
        expect(ran).toEqual(expected);
        expect(s.pending).toBe(0);
      }),
    );
  });
});
