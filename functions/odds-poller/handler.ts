/**
 * Lambda entry of the odds poller (infra/constructs/jobs.ts). Wiring only: an EventBridge Scheduler event
 * runs the scheduled role (fan out, or poll inline without a fan-out queue); an SQS event runs the worker
 * with a partial batch response (odds-poller.ts).
 *
 * Environment: TABLE_ODDS_SNAPSHOTS, ODDS_SNAPSHOT_TTL_SECONDS, ODDS_QUEUE_URL, DATA_PROVIDER_KEY_SECRET_ARN
 * (set by the infra); optional ODDS_FANOUT_QUEUE_URL, ODDS_LEAGUES ("basketball:NBA,…"), ODDS_SPORTSBOOKS,
 * ODDS_MARKETS, ODDS_MAX_QUOTE_AGE_SECONDS (default 1800), OPTICODDS_BASE_URL.
 */
// First: stack traces mapped to the sources (lazily), before any other module of the bundle runs.
import '../runtime/install-source-maps.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { SqsQueueSender } from '../../shared/aws/queue-sender.js';
import { systemClock } from '../../shared/domain/clock.js';
import { OpticOddsRestClient } from '../../shared/feeds/rest-client.js';
import { createDocumentClient } from '../../shared/store/document-client.js';
import { OddsSnapshotsRepository } from '../../shared/store/odds-snapshots-repository.js';
import { tableNamesFromEnv } from '../../shared/store/table-definitions.js';
import { intEnv, listEnv, requiredEnv } from '../runtime/environment.js';
import { PowertoolsLoggerAdapter } from '../runtime/powertools-logger.js';
import { PowertoolsMetricsAdapter } from '../runtime/powertools-metrics.js';
import { PowertoolsSecretStore } from '../runtime/powertools-settings.js';
import { parseLeagues } from './league-config.js';
import { isSqsEvent, runScheduled, runWorker, type ScheduleResult } from './odds-poller.js';
import type { PollDeps } from './poll-league.js';

import { isPlaceholderSecret } from '../../shared/aws/credentials.js';

const SERVICE = 'odds-poller';
const logger = PowertoolsLoggerAdapter.create(SERVICE);
const doc = createDocumentClient();
const secrets = new PowertoolsSecretStore(new SecretsManagerClient({}));
// With a custom endpoint (an emulator), send to it rather than to the host in the queue URL.
const sqs = new SQSClient(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {});

async function pollDeps(env: NodeJS.ProcessEnv, metrics: PowertoolsMetricsAdapter): Promise<PollDeps | undefined> {
  const table = tableNamesFromEnv(env, ['oddsSnapshots']).oddsSnapshots!;
  const apiKey = await secrets.getSecret(requiredEnv(env, 'DATA_PROVIDER_KEY_SECRET_ARN'));
  // A first deploy: the secret still holds the stack's placeholder. Not a failure (no error alarm): skipped.
  if (isPlaceholderSecret(apiKey)) return undefined;
  return {
    clock: systemClock,
    source: new OpticOddsRestClient({ apiKey, ...(env.OPTICODDS_BASE_URL ? { baseUrl: env.OPTICODDS_BASE_URL } : {}), logger, metrics }),
    snapshots: new OddsSnapshotsRepository(doc, table, intEnv(env, 'ODDS_SNAPSHOT_TTL_SECONDS', 86_400, 60)),
    updates: new SqsQueueSender(sqs, requiredEnv(env, 'ODDS_QUEUE_URL')),
    logger,
    metrics,
    settings: {
      sportsbooks: listEnv(env, 'ODDS_SPORTSBOOKS', ['Pinnacle', 'DraftKings', 'FanDuel', 'Caesars', 'BetMGM']),
      markets: listEnv(env, 'ODDS_MARKETS', ['Moneyline']),
      consensus: { maxAgeMs: intEnv(env, 'ODDS_MAX_QUOTE_AGE_SECONDS', 1800, 1) * 1000 },
    },
  };
}

export async function handler(event: unknown = {}, context?: Context): Promise<ScheduleResult | SQSBatchResponse | { skipped: string }> {
  if (context) logger.powertools.addContext(context);
  const env = process.env;
  const metrics = new PowertoolsMetricsAdapter(env.METRICS_NAMESPACE ?? 'PmusTrader/local', SERVICE);
  try {
    const deps = await pollDeps(env, metrics);
    if (!deps) {
      logger.warn('data-provider key not set yet (placeholder secret): run skipped');
      return isSqsEvent(event) ? { batchItemFailures: [] } : { skipped: 'data-provider key not set' };
    }
    if (isSqsEvent(event)) return await runWorker(deps, event, context);
    return await runScheduled({
      ...deps,
      leagues: parseLeagues(env.ODDS_LEAGUES),
      ...(env.ODDS_FANOUT_QUEUE_URL ? { fanout: new SqsQueueSender(sqs, env.ODDS_FANOUT_QUEUE_URL) } : {}),
    });
  } catch (err) {
    metrics.increment('odds_poller.failed');
    logger.error('odds poller failed', { err });
    throw err;
  } finally {
    metrics.flush();
  }
}
