// A stand-in sweep worker for the pool's own tests (no backtest): answers each job with an outcome whose
// `events` is the worker's thread id, after `overrides.delayMs`; a job with `overrides.crash` throws out of
// the message handler, which kills the worker as an uncaught error in a real one would; a job with
// `overrides.argv` is answered with the worker's Node options (process.execArgv) as its `error`.
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { parentPort, threadId } from 'node:worker_threads';

parentPort.on('message', (job) => {
  if (job === null) return parentPort.close();
  if (job.overrides.crash) throw new Error(`crashed on job ${job.id}`);
  if (job.overrides.argv) return parentPort.postMessage({ id: job.id, overrides: job.overrides, error: JSON.stringify(process.execArgv) });
  setTimeout(() => parentPort.postMessage({ id: job.id, overrides: job.overrides, events: threadId }), Number(job.overrides.delayMs ?? 0));
});
