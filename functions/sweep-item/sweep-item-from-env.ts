/**
 * The sweep item's runner built from the environment the infra sets (RESULTS_BUCKET, RECORDINGS_BUCKET,
 * RECORDINGS_PREFIX): one wiring for both adapters of the same job, the item Lambda (handler.ts) and the
 * Fargate item task (containers/sweep-item/main.ts).
 */
import { tmpdir } from 'node:os';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../shared/aws/object-store.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import { requiredEnv } from '../runtime/environment.js';
import { SweepItemRunner } from './sweep-item-job.js';

/** An emulator endpoint (tests, local runs) serves buckets by path, not by virtual host. */
export function s3ClientFromEnv(env: NodeJS.ProcessEnv): S3Client {
  return new S3Client(env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
}

export function sweepItemRunnerFromEnv(env: NodeJS.ProcessEnv, deps: { s3: S3Client; logger: Logger; metrics: Metrics; workDir?: string }): SweepItemRunner {
  return new SweepItemRunner({
    results: new S3ObjectStore(deps.s3, requiredEnv(env, 'RESULTS_BUCKET')),
    recordings: new S3ObjectStore(deps.s3, requiredEnv(env, 'RECORDINGS_BUCKET')),
    recordingsPrefix: requiredEnv(env, 'RECORDINGS_PREFIX'),
    workDir: deps.workDir ?? tmpdir(),
    logger: deps.logger,
    metrics: deps.metrics,
  });
}
