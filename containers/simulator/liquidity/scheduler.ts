/**
 * Timers the simulator's background activity runs on. Injected so that tests drive time by hand
 * (`ManualScheduler` together with a `ManualClock`) and runs stay reproducible.
 */
export type TimerHandle = unknown;

export interface Scheduler {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node's own timers, unref'd so they never keep a process alive on their own. */
export const realScheduler: Scheduler = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

/** A scheduler that fires only when told to advance; pair it with a ManualClock. */
export class ManualScheduler implements Scheduler {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  constructor(private readonly now: () => number, private readonly setNow?: (ms: number) => void) {}

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { id, at: this.now() + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Runs every timer due up to `until` (epoch ms) in time order, moving the clock to each timer's time. */
  runUntil(until: number): number {
    let fired = 0;
    for (;;) {
      let nextTimer: Pending | undefined;
      for (const p of this.pending.values()) {
        if (p.at <= until && (!nextTimer || p.at < nextTimer.at || (p.at === nextTimer.at && p.id < nextTimer.id))) nextTimer = p;
      }
      if (!nextTimer) break;
      this.pending.delete(nextTimer.id);
      if (this.setNow && nextTimer.at > this.now()) this.setNow(nextTimer.at);
      nextTimer.fn();
      fired++;
    }
    if (this.setNow && until > this.now()) this.setNow(until);
    return fired;
  }

  advance(ms: number): number {
    return this.runUntil(this.now() + ms);
  }
}
