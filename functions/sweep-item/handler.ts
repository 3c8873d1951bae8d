/**
 * Lambda entry of a research sweep item (infra/constructs/research-sweep.ts): invoked by the Distributed Map
 * with `{ specKey, item }`. Wiring only (sweep-item-job.ts); a day too large for Lambda runs the same job in
 * the Fargate item task instead (containers/sweep-item/main.ts).
 *
 * Environment (set by the infra): RESULTS_BUCKET, RECORDINGS_BUCKET, RECORDINGS_PREFIX.
 */
// First: stack traces mapped to the sources (lazily), before any other module of the bundle runs.
import '../runtime/install-source-maps.js';
import type { Context } from 'aws-lambda';
import { PowertoolsLoggerAdapter } from '../runtime/powertools-logger.js';
import { PowertoolsMetricsAdapter } from '../runtime/powertools-metrics.js';
import type { SweepItemResponse, SweepItemRunner } from './sweep-item-job.js';
import { s3ClientFromEnv, sweepItemRunnerFromEnv } from './sweep-item-from-env.js';

const SERVICE = 'sweep-item';
const logger = PowertoolsLoggerAdapter.create(SERVICE);
const s3 = s3ClientFromEnv(process.env);
const metrics = new PowertoolsMetricsAdapter(process.env.METRICS_NAMESPACE ?? 'PmusTrader/local', SERVICE);
let runner: SweepItemRunner | undefined;

export async function handler(event: unknown, context?: Context): Promise<SweepItemResponse> {
  if (context) logger.powertools.addContext(context);
  try {
    runner ??= sweepItemRunnerFromEnv(process.env, { s3, logger, metrics });
    return await runner.run(event);
  } catch (err) {
    metrics.increment('sweep.item.error');
    logger.error('sweep item failed', { err });
    throw err;
  } finally {
    metrics.flush();
  }
}
