/**
 * Lambda entry of the reconciler (EventBridge Scheduler; infra/constructs/jobs.ts). Wiring only: reads the
 * environment, the exchange key (Secrets Manager, by ARN) and the trading mode (SSM) through Powertools
 * Parameters, builds the clients and runs one pass (reconcile-job.ts).
 *
 * Environment: TABLE_ORDERS, TABLE_FILLS, TABLE_POSITIONS, EXCHANGE_KEY_SECRET_ARN, TRADING_MODE_PARAM,
 * CONTROL_QUEUE_URL (set by the infra); optional ALERT_TOPIC_ARN, EXCHANGE_API_BASE_URL,
 * EXCHANGE_GATEWAY_BASE_URL, RECONCILER_ORPHAN_POLICY (cancel|adopt, default cancel),
 * RECONCILER_GRACE_SECONDS (default 120), RECONCILER_LOOKBACK_MINUTES (default 360),
 * RECONCILER_REQUESTS_PER_SECOND (default 2: its share of the key's 20/s; the bot's api.rate_limit_per_second
 * is 18, so the two together never exceed the venue's limit — docs/venue-rules.md, "Rate limits").
 */
// First: stack traces mapped to the sources (lazily), before any other module of the bundle runs.
import '../runtime/install-source-maps.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { SnsNotifier } from '../../shared/aws/notifier.js';
import { SqsQueueSender } from '../../shared/aws/queue-sender.js';
import { isPlaceholderSecret } from '../../shared/aws/credentials.js';
import { getJsonSecret } from '../../shared/aws/secret-store.js';
import { SecretNotFoundError } from '../../shared/aws/errors.js';
import { systemClock } from '../../shared/domain/clock.js';
import { DEFAULT_FEE_SCHEDULE } from '../../shared/domain/fees.js';
import { ORPHAN_POLICIES } from '../../shared/reconciliation/drift.js';
import { createDocumentClient } from '../../shared/store/document-client.js';
import { FillsLedger } from '../../shared/store/fills-ledger.js';
import { OrdersRepository } from '../../shared/store/orders-repository.js';
import { PositionsRepository } from '../../shared/store/positions-repository.js';
import { tableNamesFromEnv } from '../../shared/store/table-definitions.js';
import { PolymarketRestClient } from '../../shared/venue/rest-client.js';
import { intEnv, oneOfEnv, requiredEnv } from '../runtime/environment.js';
import { PowertoolsLoggerAdapter } from '../runtime/powertools-logger.js';
import { PowertoolsMetricsAdapter } from '../runtime/powertools-metrics.js';
import { PowertoolsParameterStore, PowertoolsSecretStore } from '../runtime/powertools-settings.js';
import { runReconciliation, type ReconcileResult } from './reconcile-job.js';

const SERVICE = 'reconciler';
const logger = PowertoolsLoggerAdapter.create(SERVICE);
const doc = createDocumentClient();
const secrets = new PowertoolsSecretStore(new SecretsManagerClient({}));
const parameters = new PowertoolsParameterStore(new SSMClient({}));
// With a custom endpoint (an emulator), send to it rather than to the host in the queue URL.
const sqs = new SQSClient(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {});
const sns = new SNSClient({});

export async function handler(_event: unknown = {}, context?: Context): Promise<ReconcileResult | { skipped: string }> {
  if (context) logger.powertools.addContext(context);
  const env = process.env;
  const metrics = new PowertoolsMetricsAdapter(env.METRICS_NAMESPACE ?? 'PmusTrader/local', SERVICE);
  let client: PolymarketRestClient | undefined;
  try {
    const tables = tableNamesFromEnv(env, ['orders', 'fills', 'positions']);
    const secretArn = requiredEnv(env, 'EXCHANGE_KEY_SECRET_ARN');
    const raw = await secrets.getSecret(secretArn);
    // A first deploy: the secret still holds the stack's placeholder. Not a failure (no error alarm): skipped.
    if (isPlaceholderSecret(raw)) {
      logger.warn('exchange key not set yet (placeholder secret): reconciliation skipped');
      return { skipped: 'exchange key not set' };
    }
    const key = await getJsonSecret(secrets, secretArn);
    const keyId = key.keyId;
    const secretBase64 = key.secretBase64 ?? key.privateKey;
    if (!keyId || !secretBase64) throw new SecretNotFoundError(secretArn);
    client = new PolymarketRestClient({
      apiBaseUrl: env.EXCHANGE_API_BASE_URL ?? 'https://api.polymarket.us',
      gatewayBaseUrl: env.EXCHANGE_GATEWAY_BASE_URL ?? 'https://gateway.polymarket.us',
      credentials: { keyId, secretBase64 },
      rateLimitPerSecond: intEnv(env, 'RECONCILER_REQUESTS_PER_SECOND', 2, 1),
      logger,
      metrics,
    });
    const venue = client;
    return await runReconciliation({
      clock: systemClock,
      venue: {
        openOrders: () => venue.openOrders(),
        positions: () => venue.positions(),
        activitiesPage: (q) => venue.activitiesPage(q),
        getOrder: (id) => venue.getOrder(id),
        cancelOrder: (id, slug) => venue.cancelOrder(id, slug),
      },
      orders: new OrdersRepository(doc, tables.orders!),
      fills: new FillsLedger(doc, tables.fills!),
      positions: new PositionsRepository(doc, tables.positions!),
      parameters,
      tradingModeParameter: requiredEnv(env, 'TRADING_MODE_PARAM'),
      control: new SqsQueueSender(sqs, requiredEnv(env, 'CONTROL_QUEUE_URL')),
      ...(env.ALERT_TOPIC_ARN ? { notifier: new SnsNotifier(sns, env.ALERT_TOPIC_ARN) } : {}),
      logger,
      metrics,
      policy: {
        orphanPolicy: oneOfEnv(env, 'RECONCILER_ORPHAN_POLICY', ORPHAN_POLICIES, 'cancel'),
        graceMs: intEnv(env, 'RECONCILER_GRACE_SECONDS', 120) * 1000,
        fees: DEFAULT_FEE_SCHEDULE,
      },
      lookbackMs: intEnv(env, 'RECONCILER_LOOKBACK_MINUTES', 360, 1) * 60_000,
    });
  } catch (err) {
    metrics.increment('reconciler.failed');
    logger.error('reconciliation failed', { err });
    throw err;
  } finally {
    await client?.close();
    metrics.flush();
  }
}
