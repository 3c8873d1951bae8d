/**
 * The Fargate item task's one job: read the item event (item-input.ts), run it through the very same runner as
 * the item Lambda (functions/sweep-item/sweep-item-from-env.ts → SweepItemRunner: spec, replay form, backtest
 * job, result JSON to the results bucket), and return the process exit code: 0 when the result was written
 * (also when the backtest itself failed: that is a result with `error`, listed by the report, as for the
 * Lambda), 2 when there is no valid item, 1 when the run failed (a store unreachable, an environment variable
 * missing). Step Functions fails the item on a non-zero exit; the message is the task's last log line.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidSweepItemError } from '../../functions/sweep-item/sweep-item-job.js';
import { s3ClientFromEnv, sweepItemRunnerFromEnv } from '../../functions/sweep-item/sweep-item-from-env.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import { readItemEvent, SweepItemInputError } from './item-input.js';

export interface SweepItemTaskOptions {
  env: NodeJS.ProcessEnv;
  /** Arguments after the script (the item event may be the first). */
  args: readonly string[];
  logger: Logger;
  metrics: Metrics;
  /** Default: one from the environment, destroyed at the end. */
  s3?: S3Client;
  workDir?: string;
}

export async function runSweepItemTask(o: SweepItemTaskOptions): Promise<number> {
  const s3 = o.s3 ?? s3ClientFromEnv(o.env);
  try {
    const event = readItemEvent(o.env, o.args);
    const runner = sweepItemRunnerFromEnv(o.env, { s3, logger: o.logger, metrics: o.metrics, ...(o.workDir ? { workDir: o.workDir } : {}) });
    const r = await runner.run(event);
    o.logger.info('sweep item done', { item: r.item, ok: r.ok });
    return 0;
  } catch (err) {
    o.metrics.increment('sweep.item.error');
    const invalid = err instanceof SweepItemInputError || err instanceof InvalidSweepItemError;
    o.logger.error(`sweep item failed: ${(err as Error).message}`, { err });
    return invalid ? 2 : 1;
  } finally {
    if (!o.s3) s3.destroy();
  }
}
