// A stand-in sweep worker for the pool's own tests (no backtest): runs its jobs one at a time in the order they
// came, as the real one (the pool posts a job ahead), answering each with an outcome whose `events` is the
// worker's thread id, after `overrides.delayMs`; a job with `overrides.crash` throws when its turn comes,
// which kills the worker as an uncaught error in a real one would; a job with
// `overrides.argv` is answered with the worker's Node options (process.execArgv) as its `error`, one with
// `overrides.received` with the ids of the jobs this worker has been sent so far, one with `overrides.limits`
// with the worker's resourceLimits.
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { parentPort, resourceLimits, threadId } from 'node:worker_threads';

const waiting = [];
const received = [];

function next() {
  const job = waiting[0];
  if (!job) return;
  setTimeout(() => {
    waiting.shift();
    if (job.overrides.crash) throw new Error(`crashed on job ${job.id}`);
    if (job.overrides.argv) parentPort.postMessage({ id: job.id, overrides: job.overrides, error: JSON.stringify(process.execArgv) });
    else if (job.overrides.limits) parentPort.postMessage({ id: job.id, overrides: job.overrides, error: JSON.stringify(resourceLimits) });
    else if (job.overrides.received) parentPort.postMessage({ id: job.id, overrides: job.overrides, error: JSON.stringify(received) });
    else parentPort.postMessage({ id: job.id, overrides: job.overrides, events: threadId });
    next();
  }, Number(job.overrides.delayMs ?? 0));
}

parentPort.on('message', (job) => {
  if (job === null) return parentPort.close();
  received.push(job.id);
  waiting.push(job);
  if (waiting.length === 1) next();
});
