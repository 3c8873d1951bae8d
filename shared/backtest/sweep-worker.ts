/**
 * A sweep worker (node:worker_threads): loads the recording once (its cached replay form), then runs the jobs the parent sends, one at
 * a time, and posts each outcome back. Started through worker-bootstrap.mjs (TypeScript loader).
 */
import { parentPort } from 'node:worker_threads';
import { loadReplayRecording, type ReplayRecording } from '../recording/binary/replay-cache.js';
import { runBacktestJob, type BacktestJob } from './backtest-job.js';

let cached: { key: string; rec: Promise<ReplayRecording> } | undefined;

parentPort?.on('message', (job: BacktestJob | null) => {
  if (job === null) {
    parentPort?.close();
    return;
  }
  const key = job.dataPaths.join('\n');
  if (!cached || cached.key !== key) cached = { key, rec: loadReplayRecording(job.dataPaths) };
  void cached.rec
    .then((rec) => runBacktestJob(job, rec))
    .then(
      ({ outcome }) => parentPort?.postMessage(outcome),
      (err: unknown) => parentPort?.postMessage({ id: job.id, overrides: job.overrides, error: err instanceof Error ? err.message : String(err) }),
    );
});
