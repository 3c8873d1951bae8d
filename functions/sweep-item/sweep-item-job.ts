/**
 * One item of a distributed research sweep (the Distributed Map's Lambda): fetch the sweep's spec (once per
 * container), rebuild its configuration folder, download the item's recorded day into /tmp (kept while the next
 * item is the same day), run the very same backtest job as the local worker threads, and write the item's
 * result JSON to the results store. Returns a few bytes (the map collects every item's return value).
 *
 * A backtest that fails (bad data, a configuration the schema rejects) is a result with `error`, written like
 * any other, so the report lists it; only a failure to read or write the stores throws (the map retries it).
 */
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { ObjectStore } from '../../shared/aws/object-store.js';
import { runBacktestJob, type BacktestJob, type BacktestOutcome } from '../../shared/backtest/backtest-job.js';
import { materializeConfig } from '../../shared/backtest/sweep-config-files.js';
import { itemJob, itemResult, serializeItemResult } from '../../shared/backtest/sweep-item-result.js';
import { sweepIdOfSpecKey, sweepKeys } from '../../shared/backtest/sweep-layout.js';
import type { SweepItem, SweepSpec } from '../../shared/backtest/sweep-plan.js';
import { nullLogger, type Logger } from '../../shared/observability/logger.js';
import { nullMetrics, type Metrics } from '../../shared/observability/metrics.js';

const overrideValue = z.union([z.string(), z.number(), z.boolean()]);
export const SweepItemEventSchema = z.object({
  specKey: z.string(),
  item: z.object({
    item: z.number().int().nonnegative(),
    unit: z.string().min(1),
    sources: z.array(z.string().min(1)).min(1),
    paramSet: z.number().int().nonnegative(),
    overrides: z.record(z.string(), overrideValue),
  }),
});
export type SweepItemEvent = z.infer<typeof SweepItemEventSchema>;

export class InvalidSweepItemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSweepItemError';
  }
}

export interface SweepItemDeps {
  /** The results bucket (spec in, results out). */
  results: ObjectStore;
  /** The recordings bucket (read only). */
  recordings: ObjectStore;
  /** Only keys under this prefix are read (the bot's recordings/<stage>/). */
  recordingsPrefix: string;
  /** Scratch space (/tmp in Lambda). */
  workDir: string;
  logger?: Logger;
  metrics?: Metrics;
  /** The backtest job (default: the shared one; injectable for tests of this wrapper). */
  runJob?: (job: BacktestJob) => Promise<{ outcome: BacktestOutcome }>;
}

export interface SweepItemResponse {
  item: number;
  ok: boolean;
}

/** Holds what a warm container keeps between items: the spec and its config folder, the last day's files. */
export class SweepItemRunner {
  private spec: { key: string; spec: SweepSpec; configDir: string } | undefined;
  private day: { key: string; dir: string } | undefined;

  constructor(private readonly deps: SweepItemDeps) {}

  async run(event: unknown): Promise<SweepItemResponse> {
    const parsed = SweepItemEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidSweepItemError(`not a sweep item event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { specKey, item } = parsed.data;
    const sweepId = sweepIdOfSpecKey(specKey);
    if (!sweepId) throw new InvalidSweepItemError(`specKey must be sweeps/<id>/spec.json, got ${specKey}`);
    for (const k of item.sources) {
      if (!k.startsWith(this.deps.recordingsPrefix) || k.includes('..')) throw new InvalidSweepItemError(`recording ${k} is outside ${this.deps.recordingsPrefix}`);
    }
    const logger = this.deps.logger ?? nullLogger;
    const metrics = this.deps.metrics ?? nullMetrics;
    const { spec, configDir } = await this.loadSpec(specKey, sweepId);
    const dataDir = await this.loadDay(item);
    const job = itemJob(spec, item as SweepItem, [dataDir], configDir);
    const { outcome } = await (this.deps.runJob ?? runBacktestJob)(job);
    const result = itemResult(sweepId, item as SweepItem, outcome);
    await this.deps.results.putText(sweepKeys(sweepId).result(item.item), serializeItemResult(result), 'application/json; charset=utf-8');
    metrics.increment(result.error === undefined ? 'sweep.item.ok' : 'sweep.item.failed');
    if (result.error !== undefined) logger.warn('sweep item backtest failed', { sweepId, item: item.item, unit: item.unit, error: result.error });
    return { item: item.item, ok: result.error === undefined };
  }

  private async loadSpec(key: string, sweepId: string): Promise<{ spec: SweepSpec; configDir: string }> {
    if (this.spec?.key === key) return this.spec;
    const spec = JSON.parse(await this.deps.results.getText(key)) as SweepSpec;
    if (spec.sweepId !== sweepId) throw new InvalidSweepItemError(`spec ${key} names sweep ${spec.sweepId}`);
    const configDir = materializeConfig(spec.configFiles, join(this.deps.workDir, 'sweep-config', sweepId));
    this.spec = { key, spec, configDir };
    return this.spec;
  }

  private async loadDay(item: SweepItemEvent['item']): Promise<string> {
    const key = item.sources.join('\n');
    if (this.day?.key === key) return this.day.dir;
    const dir = join(this.deps.workDir, 'sweep-data', 'day');
    // One day on disk at a time: Lambda's /tmp is small.
    rmSync(dir, { recursive: true, force: true });
    for (const k of item.sources) await this.deps.recordings.download(k, join(dir, basename(k)));
    this.day = { key, dir };
    return dir;
  }
}
