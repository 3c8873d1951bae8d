/**
 * A pool of sweep workers (node:worker_threads) started once and reused for every job of every sweep run
 * through it: each worker loads the backtest's module graph once (sweep-worker-entry.ts) and keeps the replay
 * recordings it has decoded (sweep-recording-memo.ts), so a job costs its backtest and nothing else. Jobs are
 * handed out as workers free up; a worker takes the first queued job whose data it already holds, else
 * the oldest one. Each worker holds one job more than the one it runs (sweep-worker.ts runs its jobs one at a
 * time, in order), so it starts its next job as soon as it posts an outcome instead of idling until this
 * thread has read that outcome and posted the next job; the last jobs of the queue (no more than there are
 * workers) are handed out only to a worker with nothing left to run, so no worker idles at the end of a run
 * while another still holds a job it has not started. Within a run, jobs on larger recordings are queued first (a by-day sweep's long days start
 * early, so the run does not end on one long day while the other workers idle); jobs on equal-sized data keep
 * their order. Outcomes come back per run in job-id order, whatever the completion order.
 *
 * A worker that dies (an uncaught error, an exit) fails the job it was running — that job's outcome carries the
 * error; the job it held next goes back to the front of the queue — and is replaced, up to `maxRestarts` times in the pool's life; past that the remaining workers carry
 * on, and when none is left the queued jobs fail with the reason.
 *
 * While a pool is open, V8's scavenges are serial in the whole process (serial-scavenges.ts: the parallel
 * ones' helper tasks were CPU the other worker needed); option `parallelScavenge: true` leaves them alone.
 * So is V8's allocation-site pretenuring off (replay-heap.ts: what each replay on the main thread holds too).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestJob, BacktestOutcome } from './backtest-job.js';
import { dataKey, recordingBytes } from './sweep-recording-memo.js';
import { sweepWorkerEntry, type WorkerEntry } from './sweep-worker-entry.js';
import { replayHeap } from './replay-heap.js';
import { serialScavenges } from './serial-scavenges.js';

export interface SweepPoolOptions {
  /** Worker threads (default: the machine's available parallelism). */
  workers?: number;
  /** How workers start (default sweepWorkerEntry()). */
  entry?: WorkerEntry;
  /** Replacements for dead workers over the pool's life (default 3). */
  maxRestarts?: number;
  /**
   * Each worker's young generation, MB (default YOUNG_GENERATION_MB). A backtest allocates ~30 MB of
   * short-lived objects per job on the sample; with V8's default (16 MB semi-spaces) a worker scavenges about
   * twice a job, and the parallel scavenges' helper threads compete with the other worker for the cores.
   */
  youngGenerationMb?: number;
  /**
   * Keep V8's parallel scavenges (default false: serial while the pool is open, process-wide;
   * serial-scavenges.ts says why and what else that touches).
   */
  parallelScavenge?: boolean;
}

/**
 * 128 MB: with 2 workers on 2 cores, the warm sweep's V8 background CPU fell from 320–440 to 200–280 ms per
 * 32 jobs (process CPU −7 %), same results; costs up to ~100 MB more memory per worker.
 */
export const YOUNG_GENERATION_MB = 128;

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
  /** Jobs posted to this worker and not answered yet, in the order it runs them: the first is running. */
  held: Pending[];
  /** Data keys of the last jobs this worker ran, oldest first (what its memo probably holds). */
  seen: Set<string>;
  dead: boolean;
  lastError?: string;
}

/** How far down the queue a free worker looks for a job on data it holds. */
const AFFINITY_WINDOW = 256;
/** Jobs a worker holds beyond the one it runs. */
const AHEAD = 1;
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
  /** False once Node refused the entry's execArgv. */
  private ownArgv = true;
  /** Workers started over the pool's life (its size, plus replacements). */
  spawned = 0;
  /** Lets go of serial scavenges (a no-op when the pool keeps parallel ones). */
  private releaseScavenges: () => void = () => {};
  /** Lets go of the replays' heap setting (replay-heap.ts), held for the pool's life. */
  private releaseHeap: () => void = () => {};

  private constructor(
    readonly entry: WorkerEntry,
    private readonly maxRestarts: number,
    private readonly youngGenerationMb: number,
  ) {}

  static async start(opts: SweepPoolOptions = {}): Promise<SweepWorkerPool> {
    const n = Math.max(1, Math.floor(opts.workers ?? availableParallelism()));
    const pool = new SweepWorkerPool(opts.entry ?? (await sweepWorkerEntry()), opts.maxRestarts ?? 3, opts.youngGenerationMb ?? YOUNG_GENERATION_MB);
    if (!opts.parallelScavenge) pool.releaseScavenges = serialScavenges.hold();
    pool.releaseHeap = replayHeap.hold();
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
      for (const slot of this.slots) this.feed(slot);
      if (this.size === 0) this.failQueued('no sweep worker is running');
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failQueued('sweep pool closed');
    try {
      await Promise.all(this.slots.filter((s) => !s.dead).map((s) => ((s.dead = true), s.worker.terminate())));
    } finally {
      this.releaseScavenges();
      this.releaseHeap();
    }
  }

  private spawn(): void {
    const worker = this.newWorker();
    this.spawned++;
    const slot: Slot = { worker, held: [], seen: new Set(), dead: false };
    this.slots.push(slot);
    worker.on('message', (o: BacktestOutcome) => {
      const p = slot.held.shift();
      if (p) this.settle(p, o);
      this.feed(slot);
    });
    worker.on('error', (err) => {
      slot.lastError = err.message;
    });
    worker.on('exit', (code) => {
      if (slot.dead) return;
      slot.dead = true;
      const [p, ...unstarted] = slot.held.splice(0);
      const reason = slot.lastError ?? `sweep worker exited with code ${code}`;
      if (p) this.settle(p, { id: p.job.id, overrides: p.job.overrides, error: reason });
      if (this.closed) return;
      this.queue.unshift(...unstarted);
      if (this.restarts < this.maxRestarts) {
        this.restarts++;
        this.spawn();
        for (const s of this.slots) this.feed(s);
      } else if (this.size === 0) {
        this.failQueued(`every sweep worker died (last: ${reason})`);
      }
    });
  }

  /**
   * A worker on the entry's Node options. Node refuses V8 and process-wide options there (this process's
   * `--trace-gc`, say, which already apply to every thread): then it and later workers inherit this process's
   * options instead, as without them.
   */
  private newWorker(): Worker {
    const { url, workerData, execArgv } = this.entry;
    const options = { ...(workerData === undefined ? {} : { workerData }), resourceLimits: { maxYoungGenerationSizeMb: this.youngGenerationMb } };
    if (execArgv && this.ownArgv) {
      try {
        return new Worker(url, { ...options, execArgv });
      } catch (err) {
        if ((err as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
        this.ownArgv = false;
      }
    }
    return new Worker(url, options);
  }

  /** Tops a worker up to its running job plus AHEAD held ones (only a running one at the queue's tail). */
  private feed(slot: Slot): void {
    while (!slot.dead && this.queue.length > 0 && slot.held.length <= AHEAD && (slot.held.length === 0 || this.queue.length > this.size)) this.post(slot);
  }

  /** Posts a worker the next job, preferring one on data it already holds. */
  private post(slot: Slot): void {
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
    slot.held.push(p);
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
