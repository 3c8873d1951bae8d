// Worker threads do not inherit tsx's loader (`execArgv: ['--import', 'tsx']` is not enough on Node 20):
// this plain-JS entry registers tsx's ESM hooks, then imports the TypeScript worker named in workerData.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
