/**
 * A research sweep on this machine: the same spec and items as the distributed one, each item the same
 * backtest job, run by the worker-thread pool (sweep.ts), each result written with the same serializer under
 * the same keys in a local folder, and the same report step. So `<out>/sweeps/<id>/` holds what the results
 * bucket would, byte for byte.
 */
import { join } from 'node:path';
import { FolderObjectStore } from '../aws/object-store.js';
import type { BacktestOutcome } from './backtest-job.js';
import { runSweep } from './sweep.js';
import { materializeConfig } from './sweep-config-files.js';
import { itemJob, itemResult, serializeItemResult } from './sweep-item-result.js';
import { sweepKeys } from './sweep-layout.js';
import type { SweepItem, SweepSpec } from './sweep-plan.js';
import { buildSweepReport, type SweepReportOutput } from './sweep-report-step.js';

export interface LocalResearchSweepOptions {
  spec: SweepSpec;
  items: readonly SweepItem[];
  /** The folder standing in for the results bucket. */
  outDir: string;
  workers?: number;
  onDone?: (outcome: BacktestOutcome, done: number, total: number) => void;
}

export async function runLocalResearchSweep(opts: LocalResearchSweepOptions): Promise<SweepReportOutput> {
  const store = new FolderObjectStore(opts.outDir);
  const keys = sweepKeys(opts.spec.sweepId);
  await store.putText(keys.spec, JSON.stringify(opts.spec, null, 2) + '\n');
  await store.putText(keys.items, JSON.stringify(opts.items) + '\n');
  const configDir = materializeConfig(opts.spec.configFiles, join(store.location(keys.root), 'config'));
  const outcomes = await runSweep({
    jobs: opts.items.map((item) => itemJob(opts.spec, item, item.sources, configDir)),
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(opts.onDone ? { onDone: opts.onDone } : {}),
  });
  for (const o of outcomes) {
    const item = opts.items[o.id];
    if (item) await store.putText(keys.result(item.item), serializeItemResult(itemResult(opts.spec.sweepId, item, o)));
  }
  return buildSweepReport(store, opts.spec.sweepId);
}
