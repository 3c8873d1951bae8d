/**
 * The bot's production entry point (the Fargate task's `node dist/main.mjs`). Thin: reads the environment the
 * stack sets (infra/constructs/bot-service.ts), the runtime settings and the secrets, loads the configuration,
 * builds the AWS adapters and runs the stateful bot (controls/stateful-bot.ts) with a health endpoint.
 *
 * Environment (set by the stack):
 *   TRADING_MODE_PARAM, KILL_SWITCH_PARAM          SSM parameter names (paper|live|shadow, off|on)
 *   EXCHANGE_KEY_SECRET_ARN                        JSON {"keyId": "...", "privateKey": "<base64 Ed25519 seed>"}
 *   DATA_PROVIDER_KEY_SECRET_ARN                   the OpticOdds key (plain string)
 *   TABLE_ORDERS, TABLE_FILLS, TABLE_POSITIONS, TABLE_RISK_DAYS, TABLE_LEASES (the trading lease)
 *   CONTROL_QUEUE_URL, ODDS_QUEUE_URL, ALERT_TOPIC_ARN, METRICS_NAMESPACE, HEALTH_PORT (default 8080)
 *   MAX_DAILY_LOSS_USD (overrides risk.max_daily_loss), MAX_POSITION_CONTRACTS (position-over-limit metric)
 * Optional:
 *   CONFIG_DIR (default "config"), ORPHAN_POLICY (cancel|adopt, default cancel), CONTROL_POLL_MS (5000),
 *   METRICS_EXPORT_ALL=1 (also export every in-process metric), LOG_LEVEL,
 *   PARAMETERS_FILE / SECRETS_FILE: JSON files in place of SSM / Secrets Manager (local runs and tests).
 *   STAGE, RECORDINGS_BUCKET, RECORDINGS_DIR, RECORDING=off, REPORTS_BUCKET, REPORTS_DIR, REPORTS=off, BOT_VERSION:
 *   the recording of every inbound message and the trading day's report (reporting/outputs-from-env.ts).
 *   LEASE_TTL_MS (30 000), LEASE_RENEW_MS (TTL / 3), LEASE_RETRY_MS (1 000): the trading lease, one bot per
 *   account (owner = the ECS task id from ECS_CONTAINER_METADATA_URI_V4, else hostname+pid+random);
 *   STOP_DEADLINE_MS (100 000): bound on the graceful stop, inside ECS's 120 s SIGTERM → SIGKILL.
 *   CREDENTIALS_POLL_MS (30 000): while the secrets hold the stack's placeholder the bot waits, healthy and idle
 *   ("waiting for credentials", gauge bot.waiting_for_credentials), and starts by itself once they are set;
 *   CREDENTIALS_ROTATION_POLL_MS (60 000): a changed key (rotation) stops trading gracefully and starts again
 *   with the new one, in the same task (credentials-gate.ts). No redeploy either way.
 *   PEER_LEASE_TABLES ("prod=pmus-trader-prod-leases"): other stages' lease tables; trading live is refused
 *   while one of them holds a lease on the same exchange key (shared/store/peer-leases.ts).
 * Exit codes: 0 after a graceful stop (SIGTERM/SIGINT), 1 when the start failed (config, rebuild),
 * when the trading lease was lost (trading halted, nothing cancelled; ECS starts a new task) and when the
 * graceful stop overran STOP_DEADLINE_MS (what is unflushed is logged).
 */
import { pathToFileURL } from 'node:url';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SnsNotifier } from '../../shared/aws/notifier.js';
import { FileParameterStore, readKillSwitch, readTradingMode, SsmParameterStore, type ParameterStore } from '../../shared/aws/parameter-store.js';
import { readTradingCredentials, type TradingCredentials } from '../../shared/aws/credentials.js';
import { EmfMetricsExporter } from '../../shared/aws/emf-exporter.js';
import { FileSecretStore, SecretsManagerSecretStore, type SecretStore } from '../../shared/aws/secret-store.js';
import { loadConfig } from '../../shared/config/loader.js';
import type { AppConfig } from '../../shared/config/schema.js';
import { systemClock } from '../../shared/domain/clock.js';
import { parseMicros } from '../../shared/domain/money.js';
import { contracts } from '../../shared/domain/quantity.js';
import type { Logger } from '../../shared/observability/logger.js';
import { createLogger } from '../../shared/observability/pino-logger.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { ORPHAN_POLICIES, type OrphanPolicy } from '../../shared/reconciliation/drift.js';
import { createDocumentClient } from '../../shared/store/document-client.js';
import { FillsLedger } from '../../shared/store/fills-ledger.js';
import { OrdersRepository } from '../../shared/store/orders-repository.js';
import { PositionsRepository } from '../../shared/store/positions-repository.js';
import { RiskDayRepository } from '../../shared/store/risk-day-repository.js';
import { ShadowDayRepository } from '../../shared/store/shadow-day-repository.js';
import { tableNamesFromEnv } from '../../shared/store/table-definitions.js';
import { resolveLeaseOwner } from '../../shared/store/lease-owner.js';
import { parsePeerLeaseTables, peerLeaseConflict } from '../../shared/store/peer-leases.js';
import { DEFAULT_LEASE_TTL_MS, TradingLeaseKeeper } from '../../shared/store/trading-lease-keeper.js';
import { TradingLeaseRepository, tradingLeaseKey } from '../../shared/store/trading-lease-repository.js';
import { startHealthServer, type HealthServer, type HealthStatus } from './controls/health-server.js';
import { startStatefulBot, type StatefulBot } from './controls/stateful-bot.js';
import { CredentialsGate } from './credentials-gate.js';
import { outputsFromEnv } from './reporting/outputs-from-env.js';

class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new StartupError(`environment variable ${name} is not set`);
  return v;
}

/** A positive integer from the environment (milliseconds), or `fallback` when unset. */
function positiveIntEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number;
function positiveIntEnv(env: NodeJS.ProcessEnv, name: string, fallback?: number): number | undefined;
function positiveIntEnv(env: NodeJS.ProcessEnv, name: string, fallback?: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new StartupError(`${name} must be a positive integer (milliseconds)`);
  return n;
}

export const DEFAULT_STOP_DEADLINE_MS = 100_000;

function withOverrides(config: AppConfig, env: NodeJS.ProcessEnv): AppConfig {
  const loss = env.MAX_DAILY_LOSS_USD;
  if (!loss) return config;
  let maxDailyLoss: number;
  try {
    maxDailyLoss = parseMicros(loss);
  } catch {
    throw new StartupError('MAX_DAILY_LOSS_USD must be a USD amount such as 50 or 12.5');
  }
  if (!(maxDailyLoss > 0)) throw new StartupError('MAX_DAILY_LOSS_USD must be positive');
  return { ...config, risk: { ...config.risk, maxDailyLoss } };
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const wanted = (env.LOG_LEVEL ?? 'info').toLowerCase();
  const level = (['debug', 'info', 'warn', 'error', 'silent'] as const).find((l) => l === wanted) ?? 'info';
  const logger: Logger = createLogger({ level, name: 'bot' });
  const metrics = new MetricsRegistry();
  let phase: HealthStatus['phase'] = 'starting';
  let running: StatefulBot | undefined;
  const port = Number(env.HEALTH_PORT ?? '8080');
  let health: HealthServer | undefined;
  if (Number.isInteger(port) && port >= 0) {
    health = await startHealthServer({ port, status: () => running?.health() ?? { phase } });
    logger.info('health endpoint', { port: health.port, path: '/healthz' });
  }

  let stopDeadlineMs = DEFAULT_STOP_DEADLINE_MS;
  /** Aborted by the stop: ends a wait for credentials or for a rotation. */
  const stopping = new AbortController();
  let shuttingDown = false;
  const shutdown = async (signal: string, exitCode = 0): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    stopping.abort();
    phase = 'stopping';
    if (exitCode === 0) logger.warn('signal received: stopping', { signal });
    else logger.error('stopping on a fault; exiting non-zero', { signal, exitCode });
    // The whole stop is bounded: past the deadline, log what is still unfinished and exit non-zero (ECS would
    // SIGKILL at its stop timeout without a word). The lease is not released then: it expires on its own.
    const deadline = setTimeout(() => {
      logger.error('graceful stop overran its deadline: exiting with work unfinished', { signal, stopDeadlineMs, ...running?.progress() });
      process.exit(1);
    }, stopDeadlineMs);
    try {
      await running?.stop();
    } catch (err) {
      logger.error('graceful stop failed', { err });
    }
    clearTimeout(deadline);
    await health?.close();
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    // A broken configuration stops the start at once, naming the field and the fix — not after the wait for
    // credentials (the real load, with the keys and the mode, comes when trading starts).
    withOverrides(loadConfig({ dir: env.CONFIG_DIR ?? 'config', mode: 'paper', env }), env);
    const parameters: ParameterStore = env.PARAMETERS_FILE ? new FileParameterStore(env.PARAMETERS_FILE) : new SsmParameterStore(new SSMClient({}));
    const secrets: SecretStore = env.SECRETS_FILE ? new FileSecretStore(env.SECRETS_FILE) : new SecretsManagerSecretStore(new SecretsManagerClient({}));
    const parameterNames = { tradingMode: required(env, 'TRADING_MODE_PARAM'), killSwitch: required(env, 'KILL_SWITCH_PARAM') };
    const secretIds = { exchangeKey: required(env, 'EXCHANGE_KEY_SECRET_ARN'), dataProviderKey: required(env, 'DATA_PROVIDER_KEY_SECRET_ARN') };
    stopDeadlineMs = positiveIntEnv(env, 'STOP_DEADLINE_MS', DEFAULT_STOP_DEADLINE_MS);
    const tables = tableNamesFromEnv(env, ['orders', 'fills', 'positions', 'riskDays', 'leases']);
    const orphanPolicy = (env.ORPHAN_POLICY ?? 'cancel') as OrphanPolicy;
    if (!ORPHAN_POLICIES.includes(orphanPolicy)) throw new StartupError(`ORPHAN_POLICY must be one of ${ORPHAN_POLICIES.join('|')}`);
    const peers = parsePeerLeaseTables(env.PEER_LEASE_TABLES);
    const namespace = env.METRICS_NAMESPACE ?? 'PmusTrader/local';

    // Idle metrics (before trading starts): the waiting gauge, exported every minute while waiting.
    const idleMetrics = new MetricsRegistry();
    const idleExporter = new EmfMetricsExporter(namespace);
    const gate = new CredentialsGate({
      read: () => readTradingCredentials(secrets, secretIds),
      logger,
      metrics: idleMetrics,
      pollMs: positiveIntEnv(env, 'CREDENTIALS_POLL_MS', 30_000),
      rotationPollMs: positiveIntEnv(env, 'CREDENTIALS_ROTATION_POLL_MS', 60_000),
      onWaiting: () => (phase = 'waiting-for-credentials'),
    });

    const doc = createDocumentClient();
    const startTrading = async (creds: TradingCredentials): Promise<StatefulBot> => {
      // Mode at start: the parameter's. A kill switch that is on is applied before any order (stateful-bot).
      let mode = await readTradingMode(parameters, parameterNames.tradingMode);
      const killSwitch = await readKillSwitch(parameters, parameterNames.killSwitch).catch(() => 'on (unreadable)');
      const leaseKey = tradingLeaseKey(creds.keyId);
      const liveGuard = async (): Promise<string | undefined> => peerLeaseConflict(doc, peers, leaseKey, systemClock.now());
      if (mode !== 'paper') {
        const refusal = await liveGuard();
        if (refusal) {
          logger.error('refusing to trade live; starting in paper', { reason: refusal });
          mode = 'paper';
        }
      }
      const config = withOverrides(
        loadConfig({
          dir: env.CONFIG_DIR ?? 'config',
          mode,
          env: { ...env, PM_API_KEY_ID: creds.keyId, PM_PRIVATE_KEY: creds.privateKey, OPTICODDS_API_KEY: creds.dataProviderKey },
        }),
        env,
      );
      logger.info('configuration loaded', { mode, killSwitch, maxDailyLoss: config.risk.maxDailyLoss, keyFingerprint: creds.keyFingerprint });

      // The trading lease: this task is the account's only writer from before its rebuild to its stop's end.
      const { owner, source } = await resolveLeaseOwner({ env, onMetadataError: (err) => logger.warn('ECS task metadata unavailable: process lease owner', { err }) });
      const lease = new TradingLeaseKeeper({
        repo: new TradingLeaseRepository(doc, tables.leases!, leaseKey, { stage: env.STAGE ?? 'local', keyFingerprint: creds.keyFingerprint }),
        owner,
        ttlMs: positiveIntEnv(env, 'LEASE_TTL_MS', DEFAULT_LEASE_TTL_MS),
        renewMs: positiveIntEnv(env, 'LEASE_RENEW_MS'),
        retryMs: positiveIntEnv(env, 'LEASE_RETRY_MS'),
        now: () => systemClock.now(),
        logger,
        metrics,
      });
      // After the stateful bot's own listener has halted trading (registered later, told in the same turn).
      lease.onLost(() => void setImmediate(() => void shutdown('lease-lost', 1)));
      logger.info('trading lease', { owner, source, ttlMs: lease.ttlMs, renewMs: lease.renewMs });
      // With a custom endpoint (an emulator), send to it rather than to the host in the queue URL.
      const sqs = new SQSClient(env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {});
      const maxPosition = env.MAX_POSITION_CONTRACTS ? Number(env.MAX_POSITION_CONTRACTS) : undefined;
      const outputs = outputsFromEnv(env, { clock: systemClock, logger, metrics });
      logger.info('outputs', { stage: outputs.stage, recording: outputs.recording?.destination ?? 'off', reports: outputs.reports?.destination ?? 'off' });

      return startStatefulBot({
        config,
        logger,
        metrics,
        repos: {
          orders: new OrdersRepository(doc, tables.orders!),
          fills: new FillsLedger(doc, tables.fills!),
          positions: new PositionsRepository(doc, tables.positions!),
          riskDays: new RiskDayRepository(doc, tables.riskDays!),
          shadowDays: new ShadowDayRepository(doc, tables.riskDays!),
        },
        parameters,
        parameterNames,
        ...(env.ALERT_TOPIC_ARN ? { notifier: new SnsNotifier(new SNSClient({}), env.ALERT_TOPIC_ARN) } : {}),
        queues: { sqs, controlUrl: env.CONTROL_QUEUE_URL, oddsUrl: env.ODDS_QUEUE_URL },
        orphanPolicy,
        controlPollMs: env.CONTROL_POLL_MS ? Number(env.CONTROL_POLL_MS) : undefined,
        metricsExport: { namespace, exportAll: env.METRICS_EXPORT_ALL === '1' },
        ...(maxPosition !== undefined && Number.isSafeInteger(maxPosition) ? { maxPositionContracts: contracts(maxPosition) } : {}),
        ...(outputs.recording
          ? { recording: { dir: outputs.recording.dir, uploader: outputs.recording.uploader, source: 'bot', version: env.BOT_VERSION ?? env.npm_package_version ?? '0.0.0' } }
          : {}),
        ...(outputs.reports ? { reports: { ...outputs.reports, stage: outputs.stage } } : {}),
        lease: { keeper: lease },
        ...(peers.length > 0 ? { liveGuard } : {}),
      });
    };

    // Wait for usable credentials (a first deploy holds placeholders), trade, and start again on a rotation.
    for (;;) {
      const idleTimer = setInterval(() => idleExporter.export(idleMetrics), 60_000);
      idleTimer.unref();
      const creds = await gate.waitUntilReady(stopping.signal).finally(() => {
        clearInterval(idleTimer);
        idleExporter.export(idleMetrics);
      });
      if (!creds || shuttingDown) return;
      phase = 'starting';
      running = await startTrading(creds);
      phase = 'trading';
      if (shuttingDown) {
        await running.stop();
        return;
      }
      const rotated = await gate.waitForChange(creds.fingerprint, stopping.signal);
      if (!rotated || shuttingDown) return;
      logger.warn('exchange or data-provider key changed: stopping trading and starting again with the new key', {
        from: creds.keyFingerprint,
        to: rotated.keyFingerprint,
      });
      phase = 'restarting';
      const previous = running;
      running = undefined;
      await previous.stop();
    }
  } catch (err) {
    logger.error('bot failed to start', { err });
    await health?.close();
    process.exit(1);
  }
}

// Run when executed (node dist/main.mjs / tsx containers/bot/main.ts), not when imported by a test.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
