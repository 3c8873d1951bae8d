/**
 * Lambda entry of a research sweep item (infra/constructs/research-sweep.ts): invoked by the Distributed Map
 * with `{ specKey, item }`. Wiring only (sweep-item-job.ts).
 *
 * Environment (set by the infra): RESULTS_BUCKET, RECORDINGS_BUCKET, RECORDINGS_PREFIX.
 */
import { tmpdir } from 'node:os';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { S3ObjectStore } from '../../shared/aws/object-store.js';
import { requiredEnv } from '../runtime/environment.js';
import { PowertoolsLoggerAdapter } from '../runtime/powertools-logger.js';
import { PowertoolsMetricsAdapter } from '../runtime/powertools-metrics.js';
import { SweepItemRunner, type SweepItemResponse } from './sweep-item-job.js';

const SERVICE = 'sweep-item';
const logger = PowertoolsLoggerAdapter.create(SERVICE);
// An emulator endpoint (tests, local runs) serves buckets by path, not by virtual host.
const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const metrics = new PowertoolsMetricsAdapter(process.env.METRICS_NAMESPACE ?? 'PmusTrader/local', SERVICE);
let runner: SweepItemRunner | undefined;

export async function handler(event: unknown, context?: Context): Promise<SweepItemResponse> {
  if (context) logger.powertools.addContext(context);
  const env = process.env;
  try {
    runner ??= new SweepItemRunner({
      results: new S3ObjectStore(s3, requiredEnv(env, 'RESULTS_BUCKET')),
      recordings: new S3ObjectStore(s3, requiredEnv(env, 'RECORDINGS_BUCKET')),
      recordingsPrefix: requiredEnv(env, 'RECORDINGS_PREFIX'),
      workDir: tmpdir(),
      logger,
      metrics,
    });
    return await runner.run(event);
  } catch (err) {
    metrics.increment('sweep.item.error');
    logger.error('sweep item failed', { err });
    throw err;
  } finally {
    metrics.flush();
  }
}
