/**
 * Lambda entry of the reporter (infra/constructs/jobs.ts): EventBridge Scheduler daily, or a direct invoke
 * with `{ "day": "YYYY-MM-DD" }`. Wiring only (report-job.ts).
 *
 * Environment (set by the infra): TABLE_FILLS, TABLE_POSITIONS, TABLE_RISK_DAYS, REPORTS_BUCKET,
 * REPORTS_PREFIX, ALERT_TOPIC_ARN.
 */
// First: stack traces mapped to the sources (lazily), before any other module of the bundle runs.
import '../runtime/install-source-maps.js';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { SnsNotifier } from '../../shared/aws/notifier.js';
import { systemClock } from '../../shared/domain/clock.js';
import { createDocumentClient } from '../../shared/store/document-client.js';
import { FillsLedger } from '../../shared/store/fills-ledger.js';
import { PositionsRepository } from '../../shared/store/positions-repository.js';
import { RiskDayRepository } from '../../shared/store/risk-day-repository.js';
import { ShadowDayRepository } from '../../shared/store/shadow-day-repository.js';
import { tableNamesFromEnv } from '../../shared/store/table-definitions.js';
import { requiredEnv } from '../runtime/environment.js';
import { PowertoolsLoggerAdapter } from '../runtime/powertools-logger.js';
import { PowertoolsMetricsAdapter } from '../runtime/powertools-metrics.js';
import { runReport } from './report-job.js';
import { S3ReportSink } from './s3-report-sink.js';

const SERVICE = 'reporter';
const logger = PowertoolsLoggerAdapter.create(SERVICE);
const doc = createDocumentClient();
// An emulator endpoint (tests, local runs) serves buckets by path, not by virtual host.
const s3 = new S3Client(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {});
const sns = new SNSClient({});

export interface ReporterHandlerResult {
  day: string;
  location: string;
  totals: { fills: number; netRealizedPnl: string; unrealizedPnl: string; totalPnl: string };
}

export async function handler(event: { day?: unknown } & Record<string, unknown> = {}, context?: Context): Promise<ReporterHandlerResult> {
  if (context) logger.powertools.addContext(context);
  const env = process.env;
  const metrics = new PowertoolsMetricsAdapter(env.METRICS_NAMESPACE ?? 'PmusTrader/local', SERVICE);
  try {
    const tables = tableNamesFromEnv(env, ['fills', 'positions', 'riskDays']);
    const { day, location, report } = await runReport(
      {
        clock: systemClock,
        fills: new FillsLedger(doc, tables.fills!),
        positions: new PositionsRepository(doc, tables.positions!),
        riskDays: new RiskDayRepository(doc, tables.riskDays!),
        shadowDays: new ShadowDayRepository(doc, tables.riskDays!),
        sink: new S3ReportSink(s3, requiredEnv(env, 'REPORTS_BUCKET')),
        prefix: env.REPORTS_PREFIX ?? 'reports/',
        notifier: new SnsNotifier(sns, requiredEnv(env, 'ALERT_TOPIC_ARN')),
        logger,
        metrics,
        ...(env.TRADING_TIME_ZONE ? { timeZone: env.TRADING_TIME_ZONE } : {}),
      },
      { day: event?.day },
    );
    const t = report.totals;
    return { day, location, totals: { fills: t.fills, netRealizedPnl: t.netRealizedPnl, unrealizedPnl: t.unrealizedPnl, totalPnl: t.totalPnl } };
  } catch (err) {
    metrics.increment('reporter.failed');
    logger.error('report failed', { err });
    throw err;
  } finally {
    metrics.flush();
  }
}
