/**
 * Timers behind an interface, so that the executor's retries and the paper exchange's latency run on wall
 * time in production and on simulated time in tests and backtests.
 */
import type { ManualClock } from '../domain/clock.js';

export interface TimerHandle {
  readonly id: number;
}

export interface Scheduler {
  /** Runs `fn` after `delayMs` of this scheduler's time. Tasks due at the same time run in the order scheduled. */
  schedule(delayMs: number, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
  /** Resolves after `delayMs` of this scheduler's time (retry backoff). */
  sleep(delayMs: number): Promise<void>;
}

/** Wall-clock scheduler (setTimeout). */
export class TimerScheduler implements Scheduler {
  private seq = 0;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  schedule(delayMs: number, fn: () => void): TimerHandle {
    const id = ++this.seq;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, delayMs));
    t.unref?.();
    this.timers.set(id, t);
    return { id };
  }

  cancel(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.schedule(delayMs, resolve));
  }
}

interface Task {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * Simulated-time scheduler driving a ManualClock: nothing runs until `advance`/`runUntil` is called, and the
 * clock is set to each task's due time before the task runs, so code observing `clock.now()` inside a task
 * sees the simulated time of that task.
 */
export class ManualScheduler implements Scheduler {
  private seq = 0;
  private readonly tasks: Task[] = [];

  constructor(readonly clock: ManualClock) {}

  schedule(delayMs: number, fn: () => void): TimerHandle {
    const id = ++this.seq;
    const due = this.clock.now() + Math.max(0, delayMs);
    const task: Task = { id, due, fn };
    // Insert after every task due at or before this one: FIFO among equal due times. Found by bisection, not
    // by a walk from the end: long timers (minutes) wait at the end while the latency tasks (tens of ms) are
    // scheduled in front of them.
    const tasks = this.tasks;
    let hi = tasks.length;
    if (hi === 0 || tasks[hi - 1]!.due <= due) {
      tasks.push(task);
      return { id };
    }
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tasks[mid]!.due <= due) lo = mid + 1;
      else hi = mid;
    }
    tasks.splice(lo, 0, task);
    return { id };
  }

  cancel(handle: TimerHandle): void {
    // Ids are unique: at most one task to take out, in place (no copy of the queue).
    for (let i = 0; i < this.tasks.length; i++) {
      if (this.tasks[i]!.id !== handle.id) continue;
      this.tasks.splice(i, 1);
      return;
    }
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.schedule(delayMs, resolve));
  }

  get pending(): number {
    return this.tasks.length;
  }

  /** Runs every task due up to `ms` (synchronously), then sets the clock to `ms`. */
  runUntil(ms: number): void {
    for (;;) {
      const next = this.tasks[0];
      if (!next || next.due > ms) break;
      this.tasks.shift();
      if (next.due > this.clock.now()) this.clock.set(next.due);
      next.fn();
    }
    if (ms > this.clock.now()) this.clock.set(ms);
  }

  advance(ms: number): void {
    this.runUntil(this.clock.now() + ms);
  }

  /**
   * Like `advance`, but lets promise continuations run after each task (for code that awaits `sleep`).
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    await flush();
    for (;;) {
      const next = this.tasks[0];
      if (!next || next.due > target) break;
      this.tasks.shift();
      if (next.due > this.clock.now()) this.clock.set(next.due);
      next.fn();
      await flush();
    }
    if (target > this.clock.now()) this.clock.set(target);
    await flush();
  }
}

function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
