/**
 * A sweep runs in worker threads and comes back in grid order, each combination equal to the same replay run in
 * this thread; workers started from the bundle or through the TypeScript loader agree.
 */
import { describe, expect, it } from 'vitest';
import { runBacktestJob } from '../../../shared/backtest/backtest-job.js';
import { runSweep } from '../../../shared/backtest/sweep.js';
import { SweepWorkerPool } from '../../../shared/backtest/sweep-pool.js';
import { sweepWorkerEntry } from '../../../shared/backtest/sweep-worker-entry.js';
import { loadRecording } from '../../../shared/recording/recording-reader.js';

describe('sweep in worker threads', () => {
  it('a sweep in worker threads returns every combination in grid order, equal to an in-thread run', async () => {
    const jobs = [0.02, 0.05].map((spread, id) => ({ id, dataPaths: ['data/sample'], configSource: 'config', overrides: { 'strategies.market_maker.spread': spread } }));
    const outcomes = await runSweep({ jobs, workers: 2 });
    expect(outcomes.map((o) => [o.id, o.error])).toEqual([
      [0, undefined],
      [1, undefined],
    ]);
    // Every combination, not only one: whichever worker ran it, after however many jobs, it equals this thread's run.
    const recording = await loadRecording(['data/sample']);
    for (const [i, job] of jobs.entries()) {
      const local = await runBacktestJob(job, recording);
      expect(JSON.stringify(outcomes[i]!.summary)).toBe(JSON.stringify(local.outcome.summary));
    }
    expect(outcomes[0]!.summary!.total.net).not.toBe(outcomes[1]!.summary!.total.net);
  }, 30_000);

  it('workers started through the TypeScript loader (no bundle) give the same outcome', async () => {
    const job = { id: 0, dataPaths: ['data/sample'], configSource: 'config', overrides: { 'strategies.market_maker.spread': 0.03 } };
    const pool = await SweepWorkerPool.start({ workers: 1, entry: await sweepWorkerEntry({ bundle: false }) });
    try {
      const [viaTsx] = await pool.run([job]);
      const [viaBundle] = await runSweep({ jobs: [job], workers: 1 });
      expect(viaTsx?.error).toBeUndefined();
      expect(JSON.stringify(viaTsx?.summary)).toBe(JSON.stringify(viaBundle?.summary));
    } finally {
      await pool.close();
    }
  }, 60_000);
});
