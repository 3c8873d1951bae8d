/**
 * A sweep worker (node:worker_threads), started once per pool (sweep-pool.ts) and reused for every job the
 * pool sends it, one at a time: each job's recording comes from the worker's RecordingMemo (decoded once per
 * recorded day, keyed by replayCacheKey), the job runs, its outcome is posted back. `null` closes the worker.
 * Started as one pre-built bundle, or through worker-bootstrap.mjs (TypeScript loader) when none can be built
 * (sweep-worker-entry.ts).
 */
import { parentPort } from 'node:worker_threads';
import { runBacktestJob, type BacktestJob, type BacktestOutcome } from './backtest-job.js';
import { RecordingMemo } from './sweep-recording-memo.js';

const memo = new RecordingMemo();

async function runOne(job: BacktestJob): Promise<BacktestOutcome> {
  try {
    return (await runBacktestJob(job, await memo.get(job.dataPaths))).outcome;
  } catch (err) {
    return { id: job.id, overrides: job.overrides, error: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.on('message', (job: BacktestJob | null) => {
  if (job === null) {
    parentPort?.close();
    return;
  }
  void runOne(job).then((outcome) => parentPort?.postMessage(outcome));
});
