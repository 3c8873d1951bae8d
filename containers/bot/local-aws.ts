/**
 * The AWS side of a local session, with no account, Docker or Java: dynalite (tables) and fauxqs (queues,
 * alert topic) in process, a tiny loopback stand-in for SSM GetParameter and Secrets Manager GetSecretValue
 * (backed by JSON files under `dir`, so editing `parameters.json` flips the kill switch or the mode of the
 * running bot AND of the functions), the stateful bot (controls/stateful-bot.ts) on those stores and queues,
 * and the Lambda handlers of functions/ invoked on local timers with the environment the stack would give
 * them. A handler whose module is missing or whose environment is incomplete is skipped with a log line; a
 * failing run is logged and retried at the next tick — the session never dies of it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../shared/aws/local-emulators.js';
import { startLocalAwsEnvironment, type LocalAwsEnvironment } from '../../shared/aws/local-environment.js';
import { SnsNotifier } from '../../shared/aws/notifier.js';
import { FileParameterStore } from '../../shared/aws/parameter-store.js';
import type { AppConfig } from '../../shared/config/schema.js';
import type { StrategyKey } from '../../shared/engine/assemble-engine.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { createDocumentClient } from '../../shared/store/document-client.js';
import { FillsLedger } from '../../shared/store/fills-ledger.js';
import { OrdersRepository } from '../../shared/store/orders-repository.js';
import { PositionsRepository } from '../../shared/store/positions-repository.js';
import { RiskDayRepository } from '../../shared/store/risk-day-repository.js';
import { ShadowDayRepository } from '../../shared/store/shadow-day-repository.js';
import type { RunningBot } from './bot.js';
import { startStatefulBot, type BotHooks, type StatefulBot } from './controls/stateful-bot.js';

export const LOCAL_PARAMS = { tradingMode: '/local/trading/mode', killSwitch: '/local/trading/kill-switch' } as const;
const SECRET_IDS = { exchangeKey: 'arn:local:secretsmanager:exchange-key', dataProviderKey: 'arn:local:secretsmanager:data-provider-key' } as const;

export interface LocalAwsOptions {
  config: AppConfig;
  logger: Logger;
  metrics: MetricsRegistry;
  strategies?: readonly StrategyKey[];
  hooks?: BotHooks;
  /** Where parameters.json and secrets.json live (default "logs/local-aws"). */
  dir?: string;
  /** Periods of the function timers, ms; 0 turns one off. */
  schedules?: Partial<Record<LocalFunctionName, number>>;
  /** Orders, fills and positions of these modes are stored (default: paper and live, to see them locally). */
  persistModes?: readonly ('paper' | 'live')[];
}

export type LocalFunctionName = 'dailyReset' | 'reconciler' | 'oddsPoller' | 'reporter';

const DEFAULT_SCHEDULES: Record<LocalFunctionName, number> = { dailyReset: 600_000, reconciler: 60_000, oddsPoller: 30_000, reporter: 0 };
const HANDLER_PATHS: Record<LocalFunctionName, string> = {
  dailyReset: 'functions/daily-reset/handler.ts',
  reconciler: 'functions/reconciler/handler.ts',
  oddsPoller: 'functions/odds-poller/handler.ts',
  reporter: 'functions/reporter/handler.ts',
};

export interface LocalAws {
  env: LocalAwsEnvironment;
  stateful: StatefulBot;
  bot: RunningBot;
  parametersFile: string;
  stop(): Promise<void>;
}

/** SSM GetParameter + Secrets Manager GetSecretValue (AWS JSON 1.1 protocol) over loopback, from JSON files. */
async function startSettingsEndpoint(parametersFile: string, secretsFile: string): Promise<{ endpoint: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const send = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
      };
      try {
        const input = JSON.parse(body || '{}') as { Name?: string; SecretId?: string };
        if (target === 'AmazonSSM.GetParameter') {
          const value = (JSON.parse(readFileSync(parametersFile, 'utf8')) as Record<string, string>)[input.Name ?? ''];
          if (typeof value !== 'string') return send(400, { __type: 'ParameterNotFound', message: 'parameter not found' });
          return send(200, { Parameter: { Name: input.Name, Type: 'String', Value: value, Version: 1 } });
        }
        if (target === 'secretsmanager.GetSecretValue') {
          const value = (JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>)[input.SecretId ?? ''];
          if (typeof value !== 'string') return send(400, { __type: 'ResourceNotFoundException', message: 'secret not found' });
          return send(200, { ARN: input.SecretId, Name: input.SecretId, SecretString: value, VersionId: 'local' });
        }
        send(400, { __type: 'UnknownOperationException', message: target });
      } catch {
        send(500, { __type: 'InternalFailure', message: 'local settings endpoint failed' });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export async function startLocalAws(o: LocalAwsOptions): Promise<LocalAws> {
  const log = o.logger.child({ component: 'local-aws' });
  const dir = resolve(o.dir ?? join('logs', 'local-aws'));
  mkdirSync(dir, { recursive: true });
  const parametersFile = join(dir, 'parameters.json');
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(parametersFile, JSON.stringify({ [LOCAL_PARAMS.tradingMode]: o.config.mode, [LOCAL_PARAMS.killSwitch]: 'off' }, null, 2));
  writeFileSync(
    secretsFile,
    JSON.stringify({
      [SECRET_IDS.exchangeKey]: JSON.stringify({ keyId: o.config.api.apiKeyId, privateKey: o.config.api.privateKey }),
      [SECRET_IDS.dataProviderKey]: o.config.sportsData.apiKey,
    }),
    { mode: 0o600 },
  );

  const env = await startLocalAwsEnvironment({ prefix: 'local' });
  const settings = await startSettingsEndpoint(parametersFile, secretsFile);
  // The functions build their SDK clients from the environment, as on AWS.
  Object.assign(process.env, env.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SSM: settings.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: settings.endpoint,
    TRADING_MODE_PARAM: LOCAL_PARAMS.tradingMode,
    KILL_SWITCH_PARAM: LOCAL_PARAMS.killSwitch,
    EXCHANGE_KEY_SECRET_ARN: SECRET_IDS.exchangeKey,
    DATA_PROVIDER_KEY_SECRET_ARN: SECRET_IDS.dataProviderKey,
    EXCHANGE_API_BASE_URL: o.config.api.baseUrl,
    EXCHANGE_GATEWAY_BASE_URL: o.config.api.gatewayUrl,
    OPTICODDS_BASE_URL: o.config.sportsData.baseUrl,
    // sports[i] plays leagues[i] (config: sports ["basketball", "football"], leagues ["NBA", "NFL"]).
    ODDS_LEAGUES: o.config.sportsData.sports.map((s, i) => `${s}:${o.config.sportsData.leagues[i] ?? o.config.sportsData.leagues[0]}`).join(','),
    METRICS_NAMESPACE: 'PmusTrader/local',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });

  const doc = createDocumentClient(env.dynamo.client);
  const sqs = new SQSClient({ endpoint: env.messaging.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, useQueueUrlAsEndpoint: false });
  let stateful: StatefulBot;
  try {
    stateful = await startStatefulBot({
      config: o.config,
      logger: o.logger,
      metrics: o.metrics,
      strategies: o.strategies,
      hooks: o.hooks,
      repos: {
        orders: new OrdersRepository(doc, env.tables.orders),
        fills: new FillsLedger(doc, env.tables.fills),
        positions: new PositionsRepository(doc, env.tables.positions),
        riskDays: new RiskDayRepository(doc, env.tables.riskDays),
        shadowDays: new ShadowDayRepository(doc, env.tables.riskDays),
      },
      parameters: new FileParameterStore(parametersFile),
      parameterNames: LOCAL_PARAMS,
      notifier: new SnsNotifier(env.messaging.sns, env.alertTopicArn),
      queues: { sqs, controlUrl: env.queues.control.url, oddsUrl: env.queues.oddsUpdates.url, waitTimeSeconds: 1 },
      persistModes: o.persistModes ?? ['paper', 'live'],
      // Locally the alarm metrics stay in the registry (no EMF lines in the terminal).
      metricsExport: { namespace: 'PmusTrader/local', exporter: { export: () => {} } },
    });
  } catch (err) {
    settings.server.close();
    await env.stop();
    throw err;
  }

  const timers: NodeJS.Timeout[] = [];
  const schedules = { ...DEFAULT_SCHEDULES, ...o.schedules };
  for (const name of Object.keys(HANDLER_PATHS) as LocalFunctionName[]) {
    const period = schedules[name];
    if (!period) continue;
    let handler: ((event?: unknown) => Promise<unknown>) | undefined;
    try {
      const mod = (await import(pathToFileURL(resolve(HANDLER_PATHS[name])).href)) as { handler?: (event?: unknown) => Promise<unknown> };
      handler = mod.handler;
    } catch (err) {
      log.warn('function not available locally; skipped', { function: name, err: (err as Error).message });
    }
    if (!handler) continue;
    const run = handler;
    let busy = false;
    const invoke = (): void => {
      if (busy) return;
      busy = true;
      run({})
        .then((r) => log.info('function ran', { function: name, result: summarise(r) }))
        .catch((err: unknown) => log.warn('function run failed; next tick retries', { function: name, err: (err as Error)?.message }))
        .finally(() => (busy = false));
    };
    const t = setInterval(invoke, period);
    t.unref();
    timers.push(t);
    log.info('function scheduled locally', { function: name, everyMs: period });
  }

  return {
    env,
    stateful,
    bot: stateful.bot,
    parametersFile,
    async stop() {
      for (const t of timers) clearInterval(t);
      await stateful.stop({ cancelOrders: true });
      sqs.destroy();
      settings.server.closeAllConnections();
      await new Promise<void>((r) => settings.server.close(() => r()));
      await env.stop();
    },
  };
}

function summarise(r: unknown): unknown {
  const text = JSON.stringify(r) ?? '';
  return text.length > 300 ? `${text.slice(0, 300)}…` : r;
}
