/**
 * Backtest speed on the sample dataset (data/sample) with every strategy on: events per second through the
 * whole engine (state, strategies, aggregator, risk, executor, paper fill simulator, PnL, report collector)
 * on simulated time, and the load rate (gunzip + JSON parse). Best of a few runs, each on a fresh engine.
 * Target: ≥ 1,000,000 events/s on one core.
 */
import { performance } from 'node:perf_hooks';
import { loadBacktestConfig } from '../../shared/backtest/backtest-config.js';
import { runReplay } from '../../shared/backtest/replay.js';
import { STRATEGY_NAMES } from '../../shared/engine/assemble-engine.js';
import { loadRecording } from '../../shared/recording/recording-reader.js';
import type { BenchResult } from './bench-types.js';

export async function run(): Promise<BenchResult[]> {
  const t0 = performance.now();
  const rec = await loadRecording(['data/sample']);
  const loadMs = performance.now() - t0;
  const config = loadBacktestConfig('config');
  let best = 0;
  let bestNoReport = 0;
  let events = 0;
  for (let i = 0; i < 5; i++) {
    for (const report of [true, false]) {
      const start = performance.now();
      const r = await runReplay({ lines: rec.lines, config, strategies: STRATEGY_NAMES, keepDecisions: false, report });
      const rate = r.events / ((performance.now() - start) / 1000);
      events = r.events;
      if (report) best = Math.max(best, rate);
      else bestNoReport = Math.max(bestNoReport, rate);
    }
  }
  return [
    { name: `backtest replay, all strategies + report (${events} events)`, unit: 'events', rate: Math.round(best), target: '≥ 1,000,000 /s' },
    { name: 'backtest replay, all strategies, no report', unit: 'events', rate: Math.round(bestNoReport) },
    { name: 'recording load (gunzip + parse)', unit: 'lines', rate: Math.round(rec.lines.length / (loadMs / 1000)) },
  ];
}
