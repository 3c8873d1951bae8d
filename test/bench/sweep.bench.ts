/**
 * Sweeps: the local worker-thread sweep's speed-up with 2 workers over 1 (the same 6 backtests of the sample,
 * wall time including the workers' start-up; target ≥ 1.8×, which needs two idle cores), and the distributed
 * sweep's plan for 30 days × 50 parameter sets at the staging settings (what `--remote staging --dry-run`
 * prints: items, expected wall time, cost).
 */
import { performance } from 'node:perf_hooks';
import { STAGES } from '../../infra/config/stages.js';
import { runSweep } from '../../shared/backtest/sweep.js';
import { summarizePlan } from '../../shared/backtest/sweep-cost.js';
import type { BenchResult } from './bench-types.js';

const JOBS = 6;

async function sweepMs(workers: number): Promise<number> {
  const jobs = Array.from({ length: JOBS }, (_, id) => ({ id, dataPaths: ['data/sample'], configSource: 'config', overrides: { 'strategies.market_maker.spread': 0.01 + 0.005 * id } }));
  const t0 = performance.now();
  const out = await runSweep({ jobs, workers });
  const ms = performance.now() - t0;
  const failed = out.find((o) => o.error);
  if (failed) throw new Error(`sweep bench: job ${failed.id} failed: ${failed.error}`);
  return ms;
}

export async function run(): Promise<BenchResult[]> {
  const one = await sweepMs(1);
  const two = await sweepMs(2);
  const r = STAGES.staging.research;
  const plan = summarizePlan(30, 50, r);
  return [
    { name: `local sweep, ${JOBS} backtests of the sample, 1 worker`, unit: 's', value: one / 1000 },
    { name: `local sweep, ${JOBS} backtests of the sample, 2 workers`, unit: 's', value: two / 1000 },
    { name: 'local sweep speed-up, 2 workers vs 1', unit: '×', value: one / two, target: '≥ 1.8×' },
    { name: `distributed sweep plan 30 days × 50 sets: ${plan.items} items, concurrency ${plan.maxConcurrency}`, unit: 'min', value: plan.wallSeconds / 60 },
    { name: 'distributed sweep plan 30 × 50: cost', unit: 'USD', value: plan.costUsd, target: `$${plan.costPer1000Usd.toFixed(2)} / 1,000 item-runs` },
  ];
}
