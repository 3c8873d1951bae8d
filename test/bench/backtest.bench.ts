/**
 * Backtest speed on the sample dataset (data/sample) with every strategy on: events per second through the
 * whole engine (state, strategies, aggregator, risk, executor, paper fill simulator, PnL, report collector)
 * on simulated time, measured side by side in one run.
 *
 * The headline (target ≥ 1,000,000 events/s on one core) is a replay as the product runs replays at scale: in
 * a sweep worker (sweep-pool.ts: the pool's worker bundle, its young generation, serial scavenges, so the
 * replay and its garbage collection share one thread), once the worker is steady. A sweep of weeks of days ×
 * parameter sets runs nearly all of its jobs there: V8 keeps compiling a worker's code for its first few
 * hundred jobs of the sample (sweep.bench.ts says how that was measured), and what it compiles last is the
 * per-job set-up and report code, not the per-event path. So the worker first runs
 * BACKTEST_BENCH_STEADY_JOBS jobs (default 320, untimed), then 32 with every strategy and 32 with none,
 * alternated, each timed by the worker around the replay alone (BacktestOutcome.replayMs: the report's build
 * included, the recording's load and the configuration's build not). Printed:
 * - best and median job with every strategy (the target is on the best, as every figure here: a burst of load
 *   from elsewhere only ever slows a job down), and the first job of the fresh worker (cold: what a single
 *   backtest of a recording as short as the sample gets);
 * - how many cores the timed jobs used (process CPU ÷ wall: ~1 when the replay is the only busy thread);
 * - the same with no strategy on (the engine's base: decode, state, consensus, paper exchange, ticks,
 *   report), and the time per event the three strategies and everything their signals start (aggregator,
 *   risk, executor, paper orders and fills, decisions) add to it (all − none, µs): where the time goes.
 *
 * In this process, side by side (best of RUNS, each on a fresh engine; these replays are early in V8's
 * compilation and share their type feedback with the NDJSON replays, so they run slower than a steady worker):
 * - the replay through the replay form (docs/replay-format.md), each line decoded as it is delivered, the way
 *   `npm run backtest` replays, with and without the report;
 * - decode-only of the replay form (the cursor opened, and every line read as the replay reads it: its time,
 *   its kind and its event, each event kept until the next few replace it so none is optimized away; nothing
 *   delivered), the steady replay ÷ decode-only in per cent (how much of the replay is decoding), and the
 *   engine's time per event (steady replay − decode-only, µs) with what each must be for the target;
 * - the NDJSON replay as before (lines parsed up front, from memory), and the NDJSON load rate (gunzip + parse).
 */
import { performance } from 'node:perf_hooks';
import { loadBacktestConfig } from '../../shared/backtest/backtest-config.js';
import type { BacktestJob, BacktestOutcome } from '../../shared/backtest/backtest-job.js';
import { runReplay, type ReplayOptions } from '../../shared/backtest/replay.js';
import { SweepWorkerPool } from '../../shared/backtest/sweep-pool.js';
import { STRATEGY_NAMES } from '../../shared/engine/assemble-engine.js';
import { encodeRecording, sourceFingerprint } from '../../shared/recording/binary/replay-cache.js';
import { ReplayCursor } from '../../shared/recording/binary/replay-decoder.js';
import { loadRecording } from '../../shared/recording/recording-reader.js';
import type { BenchResult } from './bench-types.js';

const RUNS = 10;
/** Jobs the sweep worker runs, untimed, before the timed ones. */
const STEADY_JOBS = Math.max(0, Number(process.env.BACKTEST_BENCH_STEADY_JOBS ?? 320));
/** Timed jobs of each kind (every strategy, none). */
const TIMED_JOBS = 32;

const job = (id: number, strategies?: BacktestJob['strategies']): BacktestJob => ({
  id,
  dataPaths: ['data/sample'],
  configSource: 'config',
  overrides: {},
  ...(strategies ? { strategies } : {}),
});

/** Events per second of a job's replay. */
function jobRate(o: BacktestOutcome): number {
  if (o.error !== undefined || o.events === undefined || o.replayMs === undefined) throw new Error(`backtest bench: job ${o.id} failed: ${o.error ?? 'no replay time'}`);
  return o.events / (o.replayMs / 1000);
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

interface WorkerFigures {
  cold: number;
  all: number[];
  none: number[];
  /** Process CPU ÷ wall over the timed jobs. */
  cores: number;
}

/** The sample replayed in a one-worker sweep pool: first job, then steady jobs (see the header). */
async function inSweepWorker(): Promise<WorkerFigures> {
  const pool = await SweepWorkerPool.start({ workers: 1 });
  try {
    const cold = jobRate((await pool.run([job(0)]))[0] as BacktestOutcome);
    for (let done = 1; done < STEADY_JOBS; done += TIMED_JOBS) await pool.run(Array.from({ length: TIMED_JOBS }, (_, i) => job(done + i, i % 4 === 3 ? [] : undefined)));
    // Alternated, so a burst of load from elsewhere hits both kinds alike.
    const jobs = Array.from({ length: 2 * TIMED_JOBS }, (_, i) => job(i, i % 2 === 1 ? [] : undefined));
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const out = await pool.run(jobs);
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    return {
      cold,
      all: out.filter((_, i) => i % 2 === 0).map(jobRate),
      none: out.filter((_, i) => i % 2 === 1).map(jobRate),
      cores: (cpu.user + cpu.system) / 1000 / wallMs,
    };
  } finally {
    await pool.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const worker = await inSweepWorker();
  const steady = Math.max(...worker.all);
  const steadyNone = Math.max(...worker.none);

  const t0 = performance.now();
  const rec = await loadRecording(['data/sample']);
  const loadMs = performance.now() - t0;
  const buf = encodeRecording(rec, sourceFingerprint(rec.files));
  const config = loadBacktestConfig('config');
  const replayRate = async (lines: () => ReplayOptions['lines'], report: boolean): Promise<{ rate: number; events: number }> => {
    const start = performance.now();
    const r = await runReplay({ lines: lines(), config, strategies: STRATEGY_NAMES, keepDecisions: false, report });
    return { rate: r.events / ((performance.now() - start) / 1000), events: r.events };
  };
  let binary = 0;
  let binaryNoReport = 0;
  let ndjson = 0;
  let decode = 0;
  let events = 0;
  let sink = 0;
  // The last decoded events stay reachable, so the compiler cannot drop a decode whose result goes unused.
  const held: unknown[] = new Array<unknown>(64).fill(null);
  for (let i = 0; i < RUNS; i++) {
    // The binary form is opened (checksum, directory) inside each timed replay, as a backtest does.
    const b = await replayRate(() => new ReplayCursor(buf), true);
    binary = Math.max(binary, b.rate);
    events = b.events;
    binaryNoReport = Math.max(binaryNoReport, (await replayRate(() => new ReplayCursor(buf), false)).rate);
    ndjson = Math.max(ndjson, (await replayRate(() => rec.lines, true)).rate);
    const start = performance.now();
    const cursor = new ReplayCursor(buf);
    for (let j = 0; j < cursor.length; j++) {
      sink += cursor.timeAt(j);
      // As runReplay: every line's event but an `own` line's (read ahead only when the recording has live ones).
      if (cursor.kindAt(j) !== 'own') held[j & 63] = cursor.event(j);
    }
    decode = Math.max(decode, events / ((performance.now() - start) / 1000));
  }
  if (sink === 0 || held.every((e) => e === null)) throw new Error('decode produced nothing');
  return [
    {
      name: `backtest replay in a sweep worker, steady (after ${STEADY_JOBS} jobs), all strategies + report (${events} events), best of ${TIMED_JOBS}`,
      unit: 'events',
      rate: Math.round(steady),
      target: '≥ 1,000,000 /s',
    },
    { name: `  the same, median of ${TIMED_JOBS}`, unit: 'events', rate: Math.round(median(worker.all)) },
    { name: '  the same, first job of the fresh worker (cold)', unit: 'events', rate: Math.round(worker.cold) },
    { name: '  cores used by the timed jobs (process CPU ÷ wall)', unit: 'cores', value: worker.cores, target: '≈ 1 (one core)' },
    { name: `backtest replay in a sweep worker, steady, no strategy on (the engine base) + report, best of ${TIMED_JOBS}`, unit: 'events', rate: Math.round(steadyNone) },
    // What the strategies and their orders add per event, against what is left of the 1 µs an event may take at
    // 1,000,000 /s once the base has had its share.
    {
      name: 'strategies + their orders, time per event (all strategies − none, steady)',
      unit: 'µs',
      value: 1e6 / steady - 1e6 / steadyNone,
      target: `≤ ${Math.max(0, 1 - 1e6 / steadyNone).toFixed(2)} µs for 1,000,000 /s`,
    },
    { name: `replay form decode-only (${(buf.byteLength / 1e6).toFixed(1)} MB), in this process`, unit: 'events', rate: Math.round(decode) },
    // In per cent (the table prints two decimals): how much of the replay's time is decoding, the rest the engine.
    { name: 'steady replay ÷ decode-only (replay form)', unit: '%', value: (100 * steady) / decode, target: `≥ ${((100 * 1e6) / decode).toFixed(1)} % for 1,000,000 /s` },
    { name: 'engine time per event (steady replay − decode-only)', unit: 'µs', value: 1e6 / steady - 1e6 / decode, target: `≤ ${(1 - 1e6 / decode).toFixed(2)} µs for 1,000,000 /s` },
    { name: `backtest replay via replay form in this process, all strategies + report, best of ${RUNS}`, unit: 'events', rate: Math.round(binary) },
    { name: '  the same, no report', unit: 'events', rate: Math.round(binaryNoReport) },
    { name: 'backtest replay from NDJSON lines (before), all strategies + report, in this process', unit: 'events', rate: Math.round(ndjson) },
    { name: 'recording load (gunzip + parse NDJSON)', unit: 'lines', rate: Math.round(rec.lines.length / (loadMs / 1000)) },
  ];
}
