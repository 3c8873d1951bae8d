/**
 * A pool of sweep workers (node:worker_threads) started once and reused for every job of every sweep run
 * through it: each worker loads the backtest's module graph once (sweep-worker-entry.ts) and keeps the replay
 * recordings it has decoded (sweep-recording-memo.ts), so a job costs its backtest and nothing else. Jobs are
 * dispatched as workers free up; a free worker takes the first queued job whose data it already holds, else
 * the oldest one. Within a run, jobs on larger recordings are queued first (a by-day sweep's long days start
 * early, so the run does not end on one long day while the other workers idle); jobs on equal-sized data keep
 * their order. Outcomes come back per run in job-id order, whatever the completion order.
 *
 * A worker that dies (an uncaught error, an exit) fails the job it held — that job's outcome carries the
 * error — and is replaced, up to `maxRestarts` times in the pool's life; past that the remaining workers carry
 * on, and when none is left the queued jobs fail with the reason.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestJob, BacktestOutcome } from './backtest-job.js';
import { dataKey, recordingBytes } from './sweep-recording-memo.js';
import { sweepWorkerEntry, type WorkerEntry } from './sweep-worker-entry.js';

export interface SweepPoolOptions {
  /** Worker threads (default: the machine's available parallelism). */
  workers?: number;
  /** How workers start (default sweepWorkerEntry()). */
  entry?: WorkerEntry;
  /** Replacements for dead workers over the pool's life (default 3). */
  maxRestarts?: number;
}

type OnDone = (outcome: BacktestOutcome, done: number, total: number) => void;

interface Batch {
  total: number;
  outcomes: BacktestOutcome[];
  onDone: OnDone | undefined;
  resolve: (outcomes: BacktestOutcome[]) => void;
}

interface Pending {
  job: BacktestJob;
  batch: Batch;
}

interface Slot {
  worker: Worker;
  current: Pending | undefined;
  /** Data keys of the last jobs this worker ran, oldest first (what its memo probably holds). */
  seen: Set<string>;
  dead: boolean;
  lastError?: string;
}

/** How far down the queue a free worker looks for a job on data it holds. */
const AFFINITY_WINDOW = 256;
/** Data keys remembered per worker: as many as its memo keeps (RecordingMemo's default). */
const SEEN_KEPT = 2;

/** The jobs, those on larger recordings first (stable: equal sizes keep their order). */
export function longestFirst(jobs: readonly BacktestJob[], bytesOf: (paths: readonly string[]) => number = recordingBytes): BacktestJob[] {
  const bytes = new Map<string, number>();
  const size = (job: BacktestJob): number => {
    const key = dataKey(job.dataPaths);
    let b = bytes.get(key);
    if (b === undefined) {
      b = bytesOf(job.dataPaths);
      bytes.set(key, b);
    }
    return b;
  };
  return jobs
    .map((job, at) => ({ job, at, size: size(job) }))
    .sort((a, b) => b.size - a.size || a.at - b.at)
    .map((x) => x.job);
}

export class SweepWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private restarts = 0;
  private closed = false;
  /** Workers started over the pool's life (its size, plus replacements). */
  spawned = 0;

  private constructor(
    readonly entry: WorkerEntry,
    private readonly maxRestarts: number,
  ) {}

  static async start(opts: SweepPoolOptions = {}): Promise<SweepWorkerPool> {
    const n = Math.max(1, Math.floor(opts.workers ?? availableParallelism()));
    const pool = new SweepWorkerPool(opts.entry ?? (await sweepWorkerEntry()), opts.maxRestarts ?? 3);
    for (let i = 0; i < n; i++) pool.spawn();
    return pool;
  }

  /** Live workers. */
  get size(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /** Runs the jobs; resolves with one outcome per job, in job-id order. */
  run(jobs: readonly BacktestJob[], onDone?: OnDone): Promise<BacktestOutcome[]> {
    if (this.closed) return Promise.reject(new Error('sweep pool is closed'));
    if (jobs.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const batch: Batch = { total: jobs.length, outcomes: [], onDone, resolve };
      for (const job of longestFirst(jobs)) this.queue.push({ job, batch });
      for (const slot of this.slots) if (!slot.dead && !slot.current) this.feed(slot);
      if (this.size === 0) this.failQueued('no sweep worker is running');
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failQueued('sweep pool closed');
    await Promise.all(this.slots.filter((s) => !s.dead).map((s) => ((s.dead = true), s.worker.terminate())));
  }

  private spawn(): void {
    const { url, workerData, execArgv } = this.entry;
    const worker = new Worker(url, { ...(workerData === undefined ? {} : { workerData }), ...(execArgv ? { execArgv } : {}) });
    this.spawned++;
    const slot: Slot = { worker, current: undefined, seen: new Set(), dead: false };
    this.slots.push(slot);
    worker.on('message', (o: BacktestOutcome) => {
      const p = slot.current;
      slot.current = undefined;
      if (p) this.settle(p, o);
      this.feed(slot);
    });
    worker.on('error', (err) => {
      slot.lastError = err.message;
    });
    worker.on('exit', (code) => {
      if (slot.dead) return;
      slot.dead = true;
      const p = slot.current;
      slot.current = undefined;
      const reason = slot.lastError ?? `sweep worker exited with code ${code}`;
      if (p) this.settle(p, { id: p.job.id, overrides: p.job.overrides, error: reason });
      if (this.closed) return;
      if (this.restarts < this.maxRestarts) {
        this.restarts++;
        this.spawn();
        const fresh = this.slots.at(-1) as Slot;
        this.feed(fresh);
      } else if (this.size === 0) {
        this.failQueued(`every sweep worker died (last: ${reason})`);
      }
    });
  }

  /** Gives a free worker its next job, preferring one on data it already holds. */
  private feed(slot: Slot): void {
    if (slot.dead || slot.current || this.queue.length === 0) return;
    let at = 0;
    if (slot.seen.size > 0) {
      const limit = Math.min(this.queue.length, AFFINITY_WINDOW);
      for (let i = 0; i < limit; i++) {
        if (slot.seen.has(dataKey((this.queue[i] as Pending).job.dataPaths))) {
          at = i;
          break;
        }
      }
    }
    const [p] = this.queue.splice(at, 1) as [Pending];
    slot.current = p;
    const key = dataKey(p.job.dataPaths);
    slot.seen.delete(key);
    slot.seen.add(key);
    if (slot.seen.size > SEEN_KEPT) slot.seen.delete(slot.seen.values().next().value as string);
    slot.worker.postMessage(p.job);
  }

  private settle(p: Pending, o: BacktestOutcome): void {
    const b = p.batch;
    b.outcomes.push(o);
    b.onDone?.(o, b.outcomes.length, b.total);
    if (b.outcomes.length === b.total) b.resolve(b.outcomes.sort((a, c) => a.id - c.id));
  }

  private failQueued(reason: string): void {
    for (const p of this.queue.splice(0)) this.settle(p, { id: p.job.id, overrides: p.job.overrides, error: reason });
  }
}
