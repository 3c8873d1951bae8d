/** Lambda entry of the daily reset (EventBridge Scheduler, 00:00 America/New_York). Wiring only. */
// First: stack traces mapped to the sources (lazily), before any other module of the bundle runs.
import '../runtime/install-source-maps.js';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SsmParameterStore } from '../../shared/aws/parameter-store.js';
import { SqsQueueSender } from '../../shared/aws/queue-sender.js';
import { systemClock } from '../../shared/domain/clock.js';
import { createDocumentClient } from '../../shared/store/document-client.js';
import { RiskDayRepository } from '../../shared/store/risk-day-repository.js';
import { tableNamesFromEnv } from '../../shared/store/table-definitions.js';
import { requiredEnv } from '../runtime/environment.js';
import { PowertoolsLoggerAdapter } from '../runtime/powertools-logger.js';
import { PowertoolsMetricsAdapter } from '../runtime/powertools-metrics.js';
import { runDailyReset, type DailyResetInput, type DailyResetResult } from './daily-reset.js';

const SERVICE = 'daily-reset';
const logger = PowertoolsLoggerAdapter.create(SERVICE);
const doc = createDocumentClient();
const ssm = new SSMClient({});
// With a custom endpoint (emulator), send to that endpoint rather than to the host in the queue URL.
const sqs = new SQSClient(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {});

export async function handler(event: DailyResetInput & Record<string, unknown> = {}): Promise<Omit<DailyResetResult, 'today'> & { breakerTripped: boolean }> {
  const metrics = new PowertoolsMetricsAdapter(process.env.METRICS_NAMESPACE ?? 'PmusTrader/local', SERVICE);
  try {
    const riskDaysTable = tableNamesFromEnv(process.env, ['riskDays']).riskDays!;
    const result = await runDailyReset(
      {
        clock: systemClock,
        parameters: new SsmParameterStore(ssm),
        killSwitchParameter: requiredEnv(process.env, 'KILL_SWITCH_PARAM'),
        riskDays: new RiskDayRepository(doc, riskDaysTable),
        control: new SqsQueueSender(sqs, requiredEnv(process.env, 'CONTROL_QUEUE_URL')),
        logger,
        metrics,
        ...(process.env.TRADING_TIME_ZONE ? { timeZone: process.env.TRADING_TIME_ZONE } : {}),
      },
      typeof event.day === 'string' ? { day: event.day } : {},
    );
    const { today, ...rest } = result;
    return { ...rest, breakerTripped: today.breakerTripped };
  } catch (err) {
    metrics.increment('daily_reset.failed');
    logger.error('daily reset failed', { err });
    throw err;
  } finally {
    metrics.flush();
  }
}
