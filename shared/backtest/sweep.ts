/**
 * Parameter sweeps: `--sweep spread=0.01,0.02,0.03` (several --sweep make a grid), each combination a full
 * backtest in a pool of node:worker_threads workers (sweep-pool.ts), then one comparison table. Results come
 * back in grid order whatever the completion order, so the table is deterministic.
 */
import { availableParallelism } from 'node:os';
import type { ReportSummary } from '../reports/report-model.js';
import { parseOverrideValue, resolveConfigPath, type OverrideValue } from './backtest-config.js';
import type { BacktestJob, BacktestOutcome } from './backtest-job.js';
import { SweepWorkerPool } from './sweep-pool.js';

export interface SweepAxis {
  key: string;
  path: string;
  values: OverrideValue[];
}

export class SweepArgError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepArgError';
  }
}

/** "spread=0.01,0.02" → { key: 'spread', path: 'strategies.market_maker.spread', values: [0.01, 0.02] }. */
export function parseSweepArg(arg: string): SweepAxis {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new SweepArgError(`--sweep expects key=v1,v2,… — got "${arg}"`);
  const key = arg.slice(0, eq).trim();
  const values = arg
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0)
    .map(parseOverrideValue);
  if (values.length === 0) throw new SweepArgError(`--sweep ${key}: no values`);
  return { key, path: resolveConfigPath(key), values };
}

/** Every combination, first axis slowest. */
export function sweepGrid(axes: readonly SweepAxis[]): Record<string, OverrideValue>[] {
  let grid: Record<string, OverrideValue>[] = [{}];
  for (const axis of axes) grid = grid.flatMap((combo) => axis.values.map((v) => ({ ...combo, [axis.path]: v })));
  return grid;
}

export interface SweepOptions {
  jobs: BacktestJob[];
  /** Worker threads of a pool started for this sweep (default: available parallelism, at most one per job). */
  workers?: number;
  /** A running pool to use instead (kept open: several sweeps can share its warm workers). */
  pool?: SweepWorkerPool;
  onDone?: (outcome: BacktestOutcome, done: number, total: number) => void;
}

export async function runSweep(opts: SweepOptions): Promise<BacktestOutcome[]> {
  if (opts.pool) return opts.pool.run(opts.jobs, opts.onDone);
  if (opts.jobs.length === 0) return [];
  const pool = await SweepWorkerPool.start({ workers: Math.min(opts.workers ?? availableParallelism(), opts.jobs.length) });
  try {
    return await pool.run(opts.jobs, opts.onDone);
  } finally {
    await pool.close();
  }
}

/** The comparison table: one row per combination, best net PnL marked. */
export function comparisonTable(outcomes: readonly BacktestOutcome[], axes: readonly SweepAxis[]): string {
  const cols = [...axes.map((a) => a.key), 'net', 'realized', 'fees', 'fills', 'hit rate', 'sharpe/h', 'max dd', 'blocked', 'trips'];
  const cell = (s: ReportSummary | undefined, o: BacktestOutcome): string[] => {
    const params = axes.map((a) => String(o.overrides[a.path] ?? ''));
    if (!s) return [...params, `error: ${o.error ?? 'unknown'}`, '', '', '', '', '', '', '', ''];
    return [
      ...params,
      s.total.net.replace(/(\.\d{2})\d+$/, '$1'),
      s.total.realized.replace(/(\.\d{2})\d+$/, '$1'),
      s.feesPaid.replace(/(\.\d{2})\d+$/, '$1'),
      String(s.fills),
      s.hitRate === null ? '—' : `${(s.hitRate * 100).toFixed(1)}%`,
      s.sharpeHourly === null ? '—' : s.sharpeHourly.toFixed(2),
      s.maxDrawdown.replace(/(\.\d{2})\d+$/, '$1'),
      String(s.decisions.blocked),
      String(s.breakerTrips),
    ];
  };
  let best = -Infinity;
  for (const o of outcomes) if (o.summary) best = Math.max(best, Number(o.summary.total.net));
  const rows = outcomes.map((o) => cell(o.summary, o));
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i < axes.length ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const isBest = (o: BacktestOutcome) => o.summary !== undefined && Number(o.summary.total.net) === best;
  return [fmt(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r, i) => fmt(r) + (isBest(outcomes[i] as BacktestOutcome) ? '  ← best' : ''))].join('\n');
}
