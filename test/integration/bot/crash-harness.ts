/**
 * Crash-recovery harness, shared by the short test (crash-recovery.test.ts) and the soak (scripts/crash-soak.ts):
 * the exchange + OpticOdds simulator and dynalite run in THIS process on loopback; the bot runs as a CHILD
 * process through its production entry point (containers/bot/main.ts under tsx) in live mode, with file-backed
 * parameters and secrets. The harness records every execution the simulator emits for the bot's account, so
 * the store can be checked against the exchange after any number of SIGKILLs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalDynamo, type LocalDynamo } from '../../../shared/aws/local-emulators.js';
import type { Fill, TrackedOrder } from '../../../shared/domain/order.js';
import type { VenueExecution } from '../../../shared/domain/venue-models.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { createTables } from '../../../shared/store/create-tables.js';
import { FILL_QUANTITY_PATHS } from '../../../shared/store/fills-ledger.js';
import { ORDER_QUANTITY_PATHS } from '../../../shared/store/orders-repository.js';
import { readStoredQuantities } from '../../../shared/store/stored-quantity.js';
import { createDocumentClient } from '../../../shared/store/document-client.js';
import { prefixedTableNames, tableEnvVar, TABLE_LOGICAL_NAMES, type TableNames } from '../../../shared/store/table-definitions.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const MODE_PARAM = '/crash/trading/mode';
const COUNTERPARTY = 'crash-counterparty';
const KILL_PARAM = '/crash/trading/kill-switch';

export interface CrashHarness {
  sim: AuditedSimulator;
  dynamo: LocalDynamo;
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  accountId: string;
  /** Executions of the bot's account, in emission order. */
  executions: VenueExecution[];
  /** Listeners for new orders reaching the exchange (EXECUTION_TYPE_NEW of the account). */
  onNewOrder(listener: (orderId: string) => void): () => void;
  /**
   * A counterparty trades with each order of the bot resting at the exchange (immediate-or-cancel at the
   * order's price, for all the book holds at that price or better, unless more than `maxAhead` hundredths), so fills
   * happen whatever the strategies do — also while the bot is down. Returns how many bot orders traded.
   */
  hitBotOrders(maxAhead?: number): number;
  dir: string;
  setParameters(p: { mode?: 'paper' | 'live'; killSwitch?: 'on' | 'off' }): void;
  /** Starts the bot child; `extraEnv` adds to (or overrides) the harness environment for this child only. */
  startBot(label: string, extraEnv?: Record<string, string>): BotChild;
  close(): Promise<void>;
}

export interface BotChild {
  process: ChildProcess;
  /** Resolves when the bot logs that it trades (start-up and rebuild done). */
  trading: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
  lines(): string[];
}

export async function startCrashHarness(
  options: { seed?: number; orphanPolicy?: 'cancel' | 'adopt'; logDir?: string; leaseTtlMs?: number } = {},
): Promise<CrashHarness> {
  const seed = options.seed ?? 11;
  const sim = await startAuditedSimulator({
    seed,
    liquidity: { crowdBias: { share: 0.5, magnitude: [0.05, 0.09] } },
    modules: [createSportsModule({ seed, speed: 5, games: { basketball: 2 }, firstStartDelayMs: -30_000, startStaggerMs: 5_000 })],
  });
  const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  const dynamo = await startLocalDynamo();
  const tables = prefixedTableNames(`crash${seed}`);
  await createTables(dynamo.client, tables);
  const doc = createDocumentClient(dynamo.client);
  const accountId = sim.accountOf(sim.credentials.keyId);

  const executions: VenueExecution[] = [];
  const newOrderListeners = new Set<(orderId: string) => void>();
  sim.exchange.onEvent((ev) => {
    if (ev.type !== 'execution' || ev.accountId !== accountId) return;
    executions.push(ev.execution);
    if (ev.execution.type === 'EXECUTION_TYPE_NEW') for (const l of newOrderListeners) l(ev.execution.order.id);
  });

  const dir = options.logDir ?? mkdtempSync(join(tmpdir(), 'crash-'));
  // Configuration: the repository's, trading every simulator market.
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.yaml'), tradeHappyConfig(readFileSync(join(REPO_ROOT, 'config', 'config.yaml'), 'utf8')));
  writeFileSync(join(configDir, 'config.live.yaml'), readFileSync(join(REPO_ROOT, 'config', 'config.live.yaml'), 'utf8'));
  const paramsFile = join(dir, 'parameters.json');
  const params = { [MODE_PARAM]: 'live', [KILL_PARAM]: 'off' };
  writeFileSync(paramsFile, JSON.stringify(params));
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(
    secretsFile,
    JSON.stringify({ 'arn:local:secret:exchange-key': JSON.stringify({ keyId: sim.credentials.keyId, privateKey: sim.credentials.secretBase64 }), 'arn:local:secret:data-provider-key': sports.apiKey }),
  );

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    CONFIG_DIR: configDir,
    PARAMETERS_FILE: paramsFile,
    SECRETS_FILE: secretsFile,
    TRADING_MODE_PARAM: MODE_PARAM,
    KILL_SWITCH_PARAM: KILL_PARAM,
    EXCHANGE_KEY_SECRET_ARN: 'arn:local:secret:exchange-key',
    DATA_PROVIDER_KEY_SECRET_ARN: 'arn:local:secret:data-provider-key',
    ORPHAN_POLICY: options.orphanPolicy ?? 'cancel',
    // Each child is a new lease owner (no ECS task metadata): a restart after SIGKILL waits for the dead
    // process's lease to expire, so a short TTL keeps the test quick; renewals every TTL / 3.
    // 4 s: renewals time out after a sixth of it (667 ms); at 2 s (333 ms) a loaded machine's DynamoDB emulator
    // answered too late and the bot lost its lease before trading (clean-clone run under load 10, 2026-12-07).
    LEASE_TTL_MS: String(options.leaseTtlMs ?? 4_000),
    HEALTH_PORT: '0',
    CONTROL_POLL_MS: '500',
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    PM_API_BASE_URL: sim.baseUrl,
    PM_GATEWAY_URL: sim.baseUrl,
    PM_WS_MARKETS_URL: sim.wsMarketsUrl,
    PM_WS_PRIVATE_URL: sim.wsPrivateUrl,
    OPTICODDS_BASE_URL: `${sim.baseUrl}${sports.pathPrefix}`,
    // Recording and day reports of each run stay in the harness folder, not in the repository.
    STAGE: 'crash',
    RECORDINGS_DIR: join(dir, 'recordings'),
    REPORTS_DIR: join(dir, 'reports'),
  };
  for (const n of TABLE_LOGICAL_NAMES) env[tableEnvVar(n)] = tables[n];

  const children = new Set<ChildProcess>();
  const streams: WriteStream[] = [];
  return {
    sim,
    dynamo,
    doc,
    tables,
    accountId,
    executions,
    dir,
    onNewOrder(listener) {
      newOrderListeners.add(listener);
      return () => newOrderListeners.delete(listener);
    },
    hitBotOrders(maxAhead = contracts(2_000)) {
      if (!sim.exchange.hasAccount(COUNTERPARTY)) sim.exchange.openAccount(COUNTERPARTY, 1_000_000_000_000);
      let hit = 0;
      for (const { id } of sim.exchange.openOrders(accountId)) {
        const o = sim.exchange.openOrders(accountId).find((x) => x.id === id);
        if (!o || o.price === null) continue;
        // Price-time priority: take everything at better prices and the whole level of the order (others may
        // be ahead of it there), so the bot's order trades.
        const buysLong = o.intent === 'ORDER_INTENT_BUY_LONG' || o.intent === 'ORDER_INTENT_SELL_SHORT';
        const book = sim.exchange.book(o.marketSlug);
        const side = buysLong ? book.bids : book.asks;
        const price = o.price;
        const qty = side.filter((l) => (buysLong ? l.price >= price : l.price <= price)).reduce((a, l) => a + l.qty, 0);
        if (qty === 0 || qty > maxAhead) continue;
        const r = sim.exchange.submitOrder(COUNTERPARTY, {
          marketSlug: o.marketSlug,
          intent: buysLong ? 'ORDER_INTENT_BUY_SHORT' : 'ORDER_INTENT_BUY_LONG',
          type: 'ORDER_TYPE_LIMIT',
          price,
          quantity: qty,
          tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL',
        });
        if (r.order.cumQuantity > 0 && sim.exchange.getOrder(accountId, id).cumQuantity > o.cumQuantity) hit++;
      }
      return hit;
    },
    setParameters(p) {
      if (p.mode) params[MODE_PARAM] = p.mode;
      if (p.killSwitch) params[KILL_PARAM] = p.killSwitch;
      writeFileSync(paramsFile, JSON.stringify(params));
    },
    startBot(label, extraEnv = {}) {
      const logFile = join(dir, `bot-${label}.log`);
      const out = createWriteStream(logFile);
      streams.push(out);
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'containers', 'bot', 'main.ts')], {
        cwd: REPO_ROOT,
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      const lines: string[] = [];
      let resolveTrading: () => void = () => {};
      let rejectTrading: (err: Error) => void = () => {};
      const trading = new Promise<void>((res, rej) => {
        resolveTrading = res;
        rejectTrading = rej;
      });
      let buf = '';
      const onData = (chunk: Buffer): void => {
        out.write(chunk);
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          lines.push(line);
          if (line.includes('"msg":"trading"')) resolveTrading();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
        child.once('exit', (code, signal) => {
          children.delete(child);
          rejectTrading(new Error(`bot ${label} exited (code ${code}, signal ${signal}) before trading; log: ${logFile}`));
          res({ code, signal });
        });
      });
      trading.catch(() => undefined);
      return { process: child, trading, exited, logFile, lines: () => lines };
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      for (const s of streams) s.end();
      try {
        await sim.close(); // throws (after closing) if the simulator broke the wire contract
      } finally {
        await dynamo.stop();
      }
    },
  };
}

/**
 * The repository's configuration, every simulator market, with edges low enough to trade (and fill) often:
 * 0.02, just over the worst-case taker fee the configuration check asks a taking strategy's edge to cover
 * (0.0695 × 0.5 × 0.5 = 0.017375 USD per contract).
 */
function tradeHappyConfig(yaml: string): string {
  return yaml
    .replace('- "nba-*"', '- "*"')
    .replace(/min_edge: 0\.05/, 'min_edge: 0.02')
    .replace(/confidence_threshold: 0\.7/, 'confidence_threshold: 0.2')
    .replace(/cooldown_ms: 5000/, 'cooldown_ms: 500')
    .replace(/min_edge: 0\.03/, 'min_edge: 0.02');
}

/** Every item of a table, its quantity attributes (`quantityPaths`) read in hundredths as the store reads them. */
export async function scanAll<T>(doc: DynamoDBDocumentClient, table: string, quantityPaths: readonly string[]): Promise<T[]> {
  const out: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const r = await doc.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }));
    for (const item of r.Items ?? []) out.push(readStoredQuantities(item, quantityPaths) as T);
    startKey = r.LastEvaluatedKey;
  } while (startKey);
  return out;
}

export interface Verdict {
  fillExecutions: number;
  ledgerFills: number;
  missingInLedger: string[];
  unknownInLedger: string[];
  mismatched: string[];
  exchangeOrders: number;
  /** Exchange orders that acted on the account (traded, or open now) and have no record: must be none. */
  ordersWithoutRecord: string[];
  /**
   * Exchange orders without a record that never traded and no longer work: sent in the instant before a kill,
   * their id never reached the store, and the venue keeps no trace of an order that left the book unfilled
   * (no order history). They changed nothing on the account; the test checks each was sent just before a kill.
   */
  unrecordedUnfilled: { orderId: string; createdAt: number }[];
  ordersWithSeveralRecords: string[];
  orphanRecords: TrackedOrder[];
  openAtExchange: number;
}

/** Compares the store with what the simulator did for the account. */
export async function verify(h: CrashHarness): Promise<Verdict> {
  const fills = await scanAll<Fill>(h.doc, h.tables.fills, FILL_QUANTITY_PATHS);
  const orders = await scanAll<TrackedOrder>(h.doc, h.tables.orders, ORDER_QUANTITY_PATHS);
  const simFills = new Map<string, VenueExecution>();
  const simOrders = new Map<string, number>();
  const tradedOrders = new Set<string>();
  for (const x of h.executions) {
    if (!simOrders.has(x.order.id)) simOrders.set(x.order.id, x.transactTime ?? x.order.createTime ?? 0);
    if ((x.type === 'EXECUTION_TYPE_FILL' || x.type === 'EXECUTION_TYPE_PARTIAL_FILL') && (x.lastShares ?? 0) > 0) {
      simFills.set(x.id, x);
      tradedOrders.add(x.order.id);
    }
  }
  const openNow = new Set(h.sim.exchange.openOrders(h.accountId).map((o) => o.id));
  const ledger = new Map(fills.map((f) => [f.executionId, f]));
  const mismatched: string[] = [];
  for (const [id, x] of simFills) {
    const f = ledger.get(id);
    if (f && (f.qty !== x.lastShares || f.price !== x.lastPx || f.orderId !== x.order.id)) mismatched.push(id);
  }
  const recordsByOrder = new Map<string, TrackedOrder[]>();
  for (const o of orders) {
    if (!o.orderId) continue;
    const list = recordsByOrder.get(o.orderId) ?? [];
    list.push(o);
    recordsByOrder.set(o.orderId, list);
  }
  return {
    fillExecutions: simFills.size,
    ledgerFills: fills.length,
    missingInLedger: [...simFills.keys()].filter((id) => !ledger.has(id)),
    unknownInLedger: [...ledger.keys()].filter((id) => !simFills.has(id)),
    mismatched,
    exchangeOrders: simOrders.size,
    ordersWithoutRecord: [...simOrders.keys()].filter((id) => !recordsByOrder.has(id) && (tradedOrders.has(id) || openNow.has(id))),
    unrecordedUnfilled: [...simOrders]
      .filter(([id]) => !recordsByOrder.has(id) && !tradedOrders.has(id) && !openNow.has(id))
      .map(([orderId, createdAt]) => ({ orderId, createdAt })),
    ordersWithSeveralRecords: [...recordsByOrder].filter(([, l]) => l.length > 1).map(([id]) => id),
    orphanRecords: orders.filter((o) => o.strategyName === 'reconciler_orphan'),
    openAtExchange: openNow.size,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The JSON log lines of a bot process (other output skipped). */
export function parseLogLines(lines: string[]): { msg?: string; [k: string]: unknown }[] {
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as { msg?: string }];
    } catch {
      return [];
    }
  });
}
