/**
 * One item of a distributed research sweep (the Distributed Map's Lambda, or its Fargate task for a long day:
 * both adapters run this class, sweep-item-from-env.ts): fetch the sweep's spec (once per
 * container), rebuild its configuration folder, open the item's recorded day through its replay form cached in
 * the results bucket (replay-object-cache.ts: built from the gzip chunks by the first item that needs it, read
 * by every other; kept in memory while the next item is the same day), run the very same backtest job as the
 * local worker threads, and write the item's result JSON to the results store. Returns a few bytes (the map
 * collects every item's return value).
 *
 * A backtest that fails (bad data, a configuration the schema rejects) is a result with `error`, written like
 * any other, so the report lists it; only a failure to read or write the stores throws (the map retries it).
 */
import { join } from 'node:path';
import * as z from 'zod';
import type { ObjectStore } from '../../shared/aws/object-store.js';
import { runBacktestJob, type BacktestJob, type BacktestOutcome } from '../../shared/backtest/backtest-job.js';
import { openRecordingObjects } from '../../shared/backtest/replay-object-cache.js';
import { materializeConfig } from '../../shared/backtest/sweep-config-files.js';
import { itemJob, itemResult, serializeItemResult } from '../../shared/backtest/sweep-item-result.js';
import { sweepIdOfSpecKey, sweepKeys } from '../../shared/backtest/sweep-layout.js';
import type { SweepItem, SweepSpec } from '../../shared/backtest/sweep-plan.js';
import type { ReplayRecording } from '../../shared/recording/binary/replay-cache.js';
import { nullLogger, type Logger } from '../../shared/observability/logger.js';
import { nullMetrics, type Metrics } from '../../shared/observability/metrics.js';

/** The event's schema, built on the first event rather than at import (module initialisation is part of every cold start). */
const buildSweepItemEventSchema = () => {
  const overrideValue = z.union([z.string(), z.number(), z.boolean()]);
  return z.object({
    specKey: z.string(),
    item: z.object({
      item: z.number().int().nonnegative(),
      unit: z.string().min(1),
      sources: z.array(z.string().min(1)).min(1),
      paramSet: z.number().int().nonnegative(),
      overrides: z.record(z.string(), overrideValue),
      // Which runner the plan chose (the state machine's Choice); the job and its result do not depend on it.
      runner: z.enum(['lambda', 'fargate']).optional(),
    }),
  });
};
let eventSchema: ReturnType<typeof buildSweepItemEventSchema> | undefined;

export function sweepItemEventSchema(): ReturnType<typeof buildSweepItemEventSchema> {
  return (eventSchema ??= buildSweepItemEventSchema());
}

export type SweepItemEvent = z.infer<ReturnType<typeof buildSweepItemEventSchema>>;

export class InvalidSweepItemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSweepItemError';
  }
}

export interface SweepItemDeps {
  /** The results bucket (spec in, results out, replay forms under replay-cache/). */
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
  runJob?: (job: BacktestJob, recording: ReplayRecording) => Promise<{ outcome: BacktestOutcome }>;
}

export interface SweepItemResponse {
  item: number;
  ok: boolean;
}

/** Holds what a warm container keeps between items: the spec and its config folder, the last day's recording. */
export class SweepItemRunner {
  private spec: { key: string; spec: SweepSpec; configDir: string } | undefined;
  private day: { sources: string; rec: ReplayRecording } | undefined;

  constructor(private readonly deps: SweepItemDeps) {}

  async run(event: unknown): Promise<SweepItemResponse> {
    const parsed = sweepItemEventSchema().safeParse(event);
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
    const rec = await this.loadDay(item, logger, metrics);
    // The job runs on the opened recording; its data paths only say where that came from.
    const job = itemJob(spec, item as SweepItem, item.sources.map((k) => this.deps.recordings.location(k)), configDir);
    const { outcome } = await (this.deps.runJob ?? runBacktestJob)(job, rec);
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

  private async loadDay(item: SweepItemEvent['item'], logger: Logger, metrics: Metrics): Promise<ReplayRecording> {
    const sources = item.sources.join('\n');
    if (this.day?.sources === sources) return this.day.rec;
    this.day = undefined;
    const opened = await openRecordingObjects(item.sources, {
      recordings: this.deps.recordings,
      cache: this.deps.results,
      workDir: join(this.deps.workDir, 'sweep-data'),
      onWriteError: (err, key) => {
        metrics.increment('sweep.item.replay_cache.write_error');
        logger.warn('sweep item could not store the replay form', { key, err });
      },
    });
    metrics.increment(opened.from === 'hit' ? 'sweep.item.replay_cache.hit' : 'sweep.item.replay_cache.built');
    if (opened.from === 'built') logger.info('sweep item built the replay form', { unit: item.unit, key: opened.key, reason: opened.reason });
    this.day = { sources, rec: opened.rec };
    return opened.rec;
  }
}
