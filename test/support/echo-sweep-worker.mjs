// A stand-in sweep worker for the pool's own tests (no backtest): answers each job with an outcome whose
// `events` is the worker's thread id, after `overrides.delayMs`; a job with `overrides.crash` throws out of
// the message handler, which kills the worker as an uncaught error in a real one would.
import { setTimeout } from 'node:timers';
import { parentPort, threadId } from 'node:worker_threads';

parentPort.on('message', (job) => {
  if (job === null) return parentPort.close();
  if (job.overrides.crash) throw new Error(`crashed on job ${job.id}`);
  setTimeout(() => parentPort.postMessage({ id: job.id, overrides: job.overrides, events: threadId }), Number(job.overrides.delayMs ?? 0));
});
