/**
 * Sweeps: the local worker-thread sweep's speed-up with 2 workers over 1 (target ≥ 1.8×: cold, warm and
 * steady, below), where the CPU time goes, and the distributed sweep's plan for 30 days × 50 parameter sets
 * at the staging settings (what `--remote staging --dry-run` prints: items, expected wall time, cost).
 *
 * What is measured: SWEEP_BENCH_SETS (default 32) parameter sets × the sample, through a SweepWorkerPool. Each
 * round starts a pool of 1 and of 2 workers (in alternating order, so a burst of load from elsewhere hits both
 * alike) and times three sweeps on it:
 * - "cold" = pool start + first sweep (what one `npm run backtest --sweep` pays: every worker loads the
 *   bundle, opens the recording and runs its first replays before V8 has optimized them);
 * - "warm" = the same sweep again on the started pool (the backtests alone), once every worker has run as
 *   many jobs as the pool of 1's worker (the pool of 2 runs the sweep once more, untimed, before it); timed
 *   SWEEP_BENCH_WARM_SWEEPS times (default 3) on the pool, the fastest kept (with its CPU split);
 * - "steady" = the same sweep once every worker has run SWEEP_BENCH_STEADY_JOBS jobs (default 320; untimed
 *   sweeps in between), timed as the warm one. Why: V8 optimizes a function once it has run often enough, and
 *   a backtest job calls much of its code (configuration, report, set-up) only once or a few times, so each
 *   worker keeps compiling on V8's background threads for a few hundred jobs (measured with --trace-opt and
 *   per-function optimization status: 49, 37, 18, 11, 9, 20, 37, 5, 4 compiles in sweeps 1–9 of a 1-worker pool,
 *   then none; each function once, no deopts, nothing flushed). Each worker thread compiles its own copies,
 *   so during that tail two workers pay it twice on shared cores while one worker gets it done on the idle
 *   core. A real sweep (days of data per job, or hundreds of jobs) runs almost all of its jobs past the tail;
 *   the steady speed-up is what it gets, the warm one is what a short sweep of short jobs gets.
 * Wall times are the best of SWEEP_BENCH_ROUNDS rounds (default 3); CPU times the median.
 *
 * Where the CPU goes (Linux, from /proc/self/task): during each sweep, the CPU time of this process's main
 * thread (dispatch, results), of the n busiest other threads (the n workers running the backtests) and of the
 * rest (V8's platform threads: concurrent JIT compilation, concurrent marking and parallel scavenging). One
 * worker gets that background work done on the otherwise idle second core for free; two workers share both
 * cores with it. So "speed-up from CPU time" = 1-worker worker-thread CPU ÷ (2-worker process CPU ÷ 2) is the
 * speed-up an idle 2-core box would give; it depends much less on load from elsewhere than the wall-time one.
 * The load average and how many cores the 2-worker sweep actually got (process CPU ÷ wall) are printed too.
 * Both pool sizes must return the same outcomes, or the bench throws.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { STAGES } from '../../infra/config/stages.js';
import type { BacktestJob, BacktestOutcome } from '../../shared/backtest/backtest-job.js';
import { SweepWorkerPool } from '../../shared/backtest/sweep-pool.js';
import { summarizePlan } from '../../shared/backtest/sweep-cost.js';
import { sweepWorkerEntry, type WorkerEntry } from '../../shared/backtest/sweep-worker-entry.js';
import type { BenchResult } from './bench-types.js';

const PARAM_SETS = Math.max(2, Number(process.env.SWEEP_BENCH_SETS ?? 32));
const ROUNDS = Math.max(1, Number(process.env.SWEEP_BENCH_ROUNDS ?? 3));
/** Warm sweeps timed per round on the started pool (the fastest kept). */
const WARM_SWEEPS = Math.max(1, Number(process.env.SWEEP_BENCH_WARM_SWEEPS ?? 3));
/** Jobs every worker has run before the steady sweeps are timed. */
const STEADY_JOBS = Math.max(0, Number(process.env.SWEEP_BENCH_STEADY_JOBS ?? 320));

const jobs: BacktestJob[] = Array.from({ length: PARAM_SETS }, (_, id) => ({
  id,
  dataPaths: ['data/sample'],
  configSource: 'config',
  overrides: { 'strategies.market_maker.spread': Number((0.01 + 0.0025 * id).toFixed(4)) },
}));

function check(out: BacktestOutcome[]): string {
  const failed = out.find((o) => o.error);
  if (failed) throw new Error(`sweep bench: job ${failed.id} failed: ${failed.error}`);
  return JSON.stringify(out.map((o) => o.summary));
}

/** CPU time of this process (every thread), ms. */
const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU time (ms) of each thread of this process by thread id (Linux /proc; empty elsewhere). */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, ((Number(f[11]) + Number(f[12])) * 1000) / 100); // utime + stime, in USER_HZ (100) ticks
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

interface CpuSplit {
  total: number;
  /** The sweep's wall time, ms. */
  wall: number;
  /** Present when per-thread times are readable. */
  main?: number;
  workers?: number;
  background?: number;
}

/** Runs `f` and splits the process CPU time it took: main thread, the `workers` busiest others, the rest. */
async function measured<T>(workers: number, f: () => Promise<T>): Promise<{ value: T; cpu: CpuSplit }> {
  const before = threadCpuMs();
  const c0 = processCpuMs();
  const t0 = performance.now();
  const value = await f();
  const wall = performance.now() - t0;
  const total = processCpuMs() - c0;
  const after = threadCpuMs();
  if (after.size === 0) return { value, cpu: { total, wall } };
  const main = (after.get(String(process.pid)) ?? 0) - (before.get(String(process.pid)) ?? 0);
  const others = [...after]
    .filter(([tid]) => tid !== String(process.pid))
    .map(([tid, ms]) => ms - (before.get(tid) ?? 0))
    .sort((a, b) => b - a);
  const busiest = others.slice(0, workers).reduce((a, b) => a + b, 0);
  return { value, cpu: { total, wall, main, workers: busiest, background: Math.max(0, total - main - busiest) } };
}

interface Round {
  cold: CpuSplit;
  warm: CpuSplit;
  steady: CpuSplit;
  result: string;
}

type Phase = 'cold' | 'warm' | 'steady';

/**
 * The sweep timed WARM_SWEEPS times on the pool, the fastest kept (a burst of load from elsewhere lengthens a
 * sweep, never shortens one); each must give the outcomes `expected`.
 */
async function fastest(workers: number, pool: SweepWorkerPool, expected: string): Promise<{ value: string; cpu: CpuSplit }> {
  let best: { value: string; cpu: CpuSplit } | undefined;
  for (let k = 0; k < WARM_SWEEPS; k++) {
    const m = await measured(workers, async () => check(await pool.run(jobs)));
    if (m.value !== expected) throw new Error('sweep bench: a later sweep on the same pool gave different outcomes');
    if (best === undefined || m.cpu.wall < best.cpu.wall) best = m;
  }
  if (best === undefined) throw new Error('sweep bench: no timed sweep ran');
  return best;
}

async function round(workers: number, entry: WorkerEntry): Promise<Round> {
  const cold = await measured(workers, async () => {
    const pool = await SweepWorkerPool.start({ workers, entry });
    return { pool, out: check(await pool.run(jobs)) };
  });
  const { pool } = cold.value;
  try {
    // Equally warm: before the timed sweep, every worker has run as many jobs as the pool of 1's one worker
    // (a pool of n runs the sweep n times in all; after one sweep each of 2 workers has seen only half of it).
    for (let extra = 1; extra < workers; extra++) check(await pool.run(jobs));
    const warm = await fastest(workers, pool, cold.value.out);
    // Steady: sweeps run untimed until every worker has run STEADY_JOBS jobs, then timed as the warm one.
    let perWorker = (workers + WARM_SWEEPS) * (PARAM_SETS / workers);
    for (; perWorker < STEADY_JOBS; perWorker += PARAM_SETS / workers) check(await pool.run(jobs));
    const steady = await fastest(workers, pool, cold.value.out);
    return { cold: cold.cpu, warm: warm.cpu, steady: steady.cpu, result: steady.value };
  } finally {
    await pool.close();
  }
}

const min = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const fmtSplit = (c: CpuSplit): string =>
  c.workers === undefined ? `CPU ${(c.total / 1000).toFixed(2)} s` : `CPU ${(c.total / 1000).toFixed(2)} s = workers ${(c.workers / 1000).toFixed(2)} + V8 background ${((c.background ?? 0) / 1000).toFixed(2)} + main ${((c.main ?? 0) / 1000).toFixed(2)}`;

export async function run(): Promise<BenchResult[]> {
  const entry = await sweepWorkerEntry();
  const load0 = loadavg()[0] ?? 0;
  const rounds: Record<1 | 2, Round[]> = { 1: [], 2: [] };
  let reference: string | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    for (const w of r % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) {
      const m = await round(w, entry);
      if (reference !== undefined && m.result !== reference) throw new Error(`sweep bench: ${w} worker(s) gave different outcomes`);
      reference = m.result;
      rounds[w].push(m);
      process.stderr.write(
        `  round ${r + 1}, ${w} worker(s), load ${(loadavg()[0] ?? 0).toFixed(1)}: cold ${(m.cold.wall / 1000).toFixed(2)} s (${fmtSplit(m.cold)}), warm ${(m.warm.wall / 1000).toFixed(2)} s (${fmtSplit(m.warm)}, ${(m.warm.total / m.warm.wall).toFixed(2)} cores), steady ${(m.steady.wall / 1000).toFixed(2)} s (${fmtSplit(m.steady)}, ${(m.steady.total / m.steady.wall).toFixed(2)} cores)\n`,
      );
    }
  }
  const load1 = loadavg()[0] ?? 0;
  const when = `${new Date().toISOString().slice(0, 16)}Z, ${availableParallelism()} cores, load ${load0.toFixed(1)}→${load1.toFixed(1)}, ${ROUNDS} rounds, workers from ${entry.kind}`;
  const wall = (w: 1 | 2, phase: Phase): number => min(rounds[w].map((m) => m[phase].wall)) / 1000;
  const cpu = (w: 1 | 2, phase: Phase, part: keyof CpuSplit): number | undefined => {
    const xs = rounds[w].map((m) => m[phase][part]).filter((x): x is number => x !== undefined);
    return xs.length ? median(xs) : undefined;
  };
  const name = (w: number, what: string) => `local sweep ${PARAM_SETS} sets × sample, ${w} worker${w > 1 ? 's' : ''}, ${what}`;
  const out: BenchResult[] = [
    { name: name(1, 'cold: pool start + first sweep (wall, best)'), unit: 's', value: wall(1, 'cold') },
    { name: name(2, 'cold: pool start + first sweep (wall, best)'), unit: 's', value: wall(2, 'cold') },
    { name: name(1, 'warm: the sweep again on the started pool (wall, best)'), unit: 's', value: wall(1, 'warm') },
    { name: name(2, 'warm: the sweep again on the started pool (wall, best)'), unit: 's', value: wall(2, 'warm') },
    { name: name(1, `steady: the sweep once every worker has run ${STEADY_JOBS} jobs (wall, best)`), unit: 's', value: wall(1, 'steady') },
    { name: name(2, `steady: the sweep once every worker has run ${STEADY_JOBS} jobs (wall, best)`), unit: 's', value: wall(2, 'steady') },
    { name: `local sweep speed-up 2 vs 1 workers, cold, wall time (${when})`, unit: '×', value: wall(1, 'cold') / wall(2, 'cold'), target: '≥ 1.8×' },
    { name: 'local sweep speed-up 2 vs 1 workers, warm (V8 still optimizing per-job code), wall time', unit: '×', value: wall(1, 'warm') / wall(2, 'warm'), target: '≥ 1.8×' },
    { name: 'local sweep speed-up 2 vs 1 workers, steady, wall time', unit: '×', value: wall(1, 'steady') / wall(2, 'steady'), target: '≥ 1.8×' },
    // What the machine gave: CPU time of all threads over wall time during the 2-worker sweeps. Near 2 on an
    // idle 2-core box; a wall-time speed-up cannot exceed it.
    { name: 'cores the 2-worker warm / steady sweep got (process CPU time / wall time, best round)', unit: 'cores', value: Math.max(...rounds[2].map((m) => m.warm.total / m.warm.wall)), target: `${Math.max(...rounds[2].map((m) => m.steady.total / m.steady.wall)).toFixed(2)} steady; 2 on an idle 2-core box` },
  ];
  const w1 = cpu(1, 'warm', 'workers');
  const w2 = cpu(2, 'warm', 'workers');
  if (w1 !== undefined && w2 !== undefined) {
    const perJob = (ms: number) => ms / PARAM_SETS;
    const bg = (w: 1 | 2, phase: Phase) => (cpu(w, phase, 'background') ?? 0) / 1000;
    out.push(
      { name: 'warm sweep, worker-thread CPU per job: 1 worker (median)', unit: 'ms', value: perJob(w1) },
      { name: 'warm sweep, worker-thread CPU per job: 2 workers (median)', unit: 'ms', value: perJob(w2), target: 'as 1 worker' },
      { name: 'steady sweep, worker-thread CPU per job: 1 worker / 2 workers (median)', unit: 'ms', value: perJob(cpu(1, 'steady', 'workers') ?? 0), target: `${perJob(cpu(2, 'steady', 'workers') ?? 0).toFixed(2)} ms with 2` },
      { name: 'warm sweep, V8 background-thread CPU (JIT, GC): 1 worker / 2 workers', unit: 's', value: bg(1, 'warm'), target: `${bg(2, 'warm').toFixed(2)} s with 2` },
      { name: 'steady sweep, V8 background-thread CPU (JIT, GC): 1 worker / 2 workers', unit: 's', value: bg(1, 'steady'), target: `${bg(2, 'steady').toFixed(2)} s with 2` },
      { name: 'warm sweep, main-thread CPU (dispatch, results), 2 workers', unit: 'ms', value: cpu(2, 'warm', 'main') ?? 0 },
      { name: 'cold sweep, V8 background-thread CPU: 1 worker / 2 workers', unit: 's', value: bg(1, 'cold'), target: `${bg(2, 'cold').toFixed(2)} s with 2` },
    );
    // What one worker's warm-up costs (loading the bundle and the recording, V8 compiling the hot code on its
    // background threads, the first replays running unoptimized): the cold sweep's process CPU over the steady
    // one's, per worker. Every worker pays it once, so a 2-worker cold sweep needs it twice.
    const perJobTotal = (w: 1 | 2, phase: Phase) => (cpu(w, phase, 'total') as number) / PARAM_SETS;
    // Per round, then the median (a difference of two medians mixes rounds).
    const warmUp = (w: 1 | 2) => median(rounds[w].map((m) => (m.cold.total - m.steady.total) / w));
    const steady = perJobTotal(1, 'steady');
    const w = Math.max(warmUp(1), warmUp(2));
    out.push(
      { name: 'process CPU per job (all threads), cold / warm / steady: 1 worker (median)', unit: 'ms', value: perJobTotal(1, 'cold'), target: `${perJobTotal(1, 'warm').toFixed(0)} / ${perJobTotal(1, 'steady').toFixed(0)} ms` },
      { name: 'process CPU per job (all threads), cold / warm / steady: 2 workers (median)', unit: 'ms', value: perJobTotal(2, 'cold'), target: `${perJobTotal(2, 'warm').toFixed(0)} / ${perJobTotal(2, 'steady').toFixed(0)} ms` },
      { name: 'warm-up CPU per worker (cold − steady process CPU, per worker): 1 worker / 2 workers', unit: 's', value: warmUp(1) / 1000, target: `${(warmUp(2) / 1000).toFixed(2)} s with 2` },
      // On an idle 2-core box, 1 worker: J·c + W; 2 workers: (J·c + 2W) / 2 (c: warm CPU per job, W: warm-up per
      // worker). 2 (J·c + W) / (J·c + 2W) ≥ 1.8 ⇔ J ≥ 8 W / c. An upper bound on the speed-up at J jobs (it
      // counts the 1-worker warm-up's background CPU as on the critical path), so a lower bound on J.
      { name: `sweep size from which a cold 2-worker sweep can reach 1.8× on an idle 2-core box (J ≥ 8 W / c; now ${PARAM_SETS})`, unit: 'jobs', value: Math.ceil((8 * w) / steady) },
    );
    const total2 = (phase: Phase) => (cpu(2, phase, 'total') as number) / 2;
    const one = (phase: Phase) => Math.max(cpu(1, phase, 'workers') as number, (cpu(1, phase, 'total') as number) / 2);
    out.push(
      { name: 'speed-up an idle 2-core box would give, from CPU time, cold (1-worker thread CPU / (2-worker process CPU / 2))', unit: '×', value: one('cold') / total2('cold'), target: '≥ 1.8×' },
      { name: 'speed-up an idle 2-core box would give, from CPU time, warm', unit: '×', value: one('warm') / total2('warm'), target: '≥ 1.8×' },
      { name: 'speed-up an idle 2-core box would give, from CPU time, steady', unit: '×', value: one('steady') / total2('steady'), target: '≥ 1.8×' },
    );
  }
  const r = STAGES.staging.research;
  const plan = summarizePlan(30, 50, r);
  out.push(
    { name: `distributed sweep plan 30 days × 50 sets: ${plan.items} items, concurrency ${plan.maxConcurrency}`, unit: 'min', value: plan.wallSeconds / 60 },
    { name: 'distributed sweep plan 30 × 50: cost', unit: 'USD', value: plan.costUsd, target: `$${plan.costPer1000Usd.toFixed(2)} / 1,000 item-runs` },
  );
  return out;
}
