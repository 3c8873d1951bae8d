/**
 * A discrete-event scheduler: actions run in (time, insertion) order, whatever the granularity at which the
 * world is advanced. This is what makes a seeded run deterministic on a wall clock.
 */

interface Item {
  at: number;
  seq: number;
  run: () => void;
}

export class Scheduler {
  private heap: Item[] = [];
  private seq = 0;
  private current: number;

  constructor(startMs: number) {
    this.current = startMs;
  }

  /** The time of the action running now, or of the last `advanceTo`. */
  now(): number {
    return this.current;
  }

  /** Schedules an action at `at` (an action in the past runs at the next advance, at the current time). */
  at(at: number, run: () => void): void {
    this.push({ at: Math.max(at, this.current), seq: this.seq++, run });
  }

  after(delayMs: number, run: () => void): void {
    this.at(this.current + delayMs, run);
  }

  /** Time of the next pending action, or null. */
  nextAt(): number | null {
    return this.heap[0]?.at ?? null;
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Runs every action due at or before `target`, in order; returns how many ran. */
  advanceTo(target: number): number {
    let ran = 0;
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > target) break;
      this.pop();
      this.current = Math.max(this.current, top.at);
      top.run();
      ran += 1;
    }
    if (target > this.current) this.current = target;
    return ran;
  }

  private less(a: Item, b: Item): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(item: Item): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as Item, h[parent] as Item)) break;
      [h[i], h[parent]] = [h[parent] as Item, h[i] as Item];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Item;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as Item, h[m] as Item)) m = l;
      if (r < h.length && this.less(h[r] as Item, h[m] as Item)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Item, h[i] as Item];
      i = m;
    }
  }
}
