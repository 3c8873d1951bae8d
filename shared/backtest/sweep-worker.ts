/**
 * A sweep worker (node:worker_threads), started once per pool (sweep-pool.ts) and reused for every job the
 * pool sends it. The pool posts a job ahead of the one running, so jobs wait here and run one at a time, in
 * the order they came; each outcome is posted back as its job ends (the pool matches outcomes to jobs by that
 * order). Each job's recording comes from the worker's RecordingMemo (decoded once per recorded day, keyed by
 * replayCacheKey), its configuration source's YAML from the worker's ConfigDocumentsMemo (read once; the
 * job's overrides are applied on top). `null` closes the worker.
 * Started as one pre-built bundle, or through worker-bootstrap.mjs (TypeScript loader) when none can be built
 * (sweep-worker-entry.ts).
 */
import { parentPort } from 'node:worker_threads';
import { runBacktestJob, type BacktestJob, type BacktestOutcome } from './backtest-job.js';
import { ConfigDocumentsMemo } from './config-documents-memo.js';
import { RecordingMemo } from './sweep-recording-memo.js';

const memo = new RecordingMemo();
const configs = new ConfigDocumentsMemo();

async function runOne(job: BacktestJob): Promise<BacktestOutcome> {
  try {
    return (await runBacktestJob(job, await memo.get(job.dataPaths), configs.get(job.configSource))).outcome;
  } catch (err) {
    return { id: job.id, overrides: job.overrides, error: err instanceof Error ? err.message : String(err) };
  }
}

const waiting: BacktestJob[] = [];
let running = false;

async function drain(): Promise<void> {
  running = true;
  for (let job = waiting.shift(); job; job = waiting.shift()) parentPort?.postMessage(await runOne(job));
  running = false;
}

parentPort?.on('message', (job: BacktestJob | null) => {
  if (job === null) {
    parentPort?.close();
    return;
  }
  waiting.push(job);
  if (!running) void drain();
});
