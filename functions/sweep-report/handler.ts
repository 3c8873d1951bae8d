/**
 * Lambda entry of a research sweep's last step (infra/constructs/research-sweep.ts): after the Distributed Map,
 * `{ sweepId }` → the comparison report (report.json, report.html) beside the item results. Wiring only
 * (shared/backtest/sweep-report-step.ts, the same builder the local sweep uses).
 *
 * Environment (set by the infra): RESULTS_BUCKET.
 */
// First: stack traces mapped to the sources (lazily), before any other module of the bundle runs.
import '../runtime/install-source-maps.js';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { S3ObjectStore } from '../../shared/aws/object-store.js';
import { buildSweepReport } from '../../shared/backtest/sweep-report-step.js';
import { isSweepId } from '../../shared/backtest/sweep-plan.js';
import { requiredEnv } from '../runtime/environment.js';
import { PowertoolsLoggerAdapter } from '../runtime/powertools-logger.js';

const logger = PowertoolsLoggerAdapter.create('sweep-report');
const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});

export interface SweepReportResponse {
  sweepId: string;
  report: string;
  items: number;
  failed: number;
  missing: number;
  best: number | null;
}

export async function handler(event: { sweepId?: unknown }, context?: Context): Promise<SweepReportResponse> {
  if (context) logger.powertools.addContext(context);
  const sweepId = event?.sweepId;
  if (typeof sweepId !== 'string' || !isSweepId(sweepId)) throw new Error(`sweep-report expects { sweepId } ([A-Za-z0-9_-]{1,64}), got ${JSON.stringify(sweepId)}`);
  const out = await buildSweepReport(new S3ObjectStore(s3, requiredEnv(process.env, 'RESULTS_BUCKET')), sweepId);
  logger.info('sweep report written', { sweepId, html: out.html, failed: out.report.errors.length, missing: out.report.missing.length });
  return { sweepId, report: out.html, items: out.report.itemCount, failed: out.report.errors.length, missing: out.report.missing.length, best: out.report.best };
}
