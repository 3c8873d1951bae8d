/**
 * The production bot's outputs (controls/stateful-bot.ts with reporting/*): the stateful bot runs in process
 * against the simulator, with its tables and control queue on dynalite/fauxqs.
 *  - Local directories: every inbound message is recorded (readable chunks, header source "bot", discovery,
 *    market and feed lines); a daily-reset message on the control queue writes the ended day's report (HTML +
 *    JSON) and a new day starts; the graceful stop writes the new day's report and closes the recording.
 *  - S3 (aws-sdk-client-mock): with RECORDINGS_BUCKET / REPORTS_BUCKET set, closed chunks are uploaded under
 *    recordings/<stage>/<yyyy>/<mm>/<dd>/ and removed locally, reports go to reports/<stage>/live/<day>.*;
 *    a report bucket that refuses the write is logged and counted, and the stop still completes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStatefulBot, type StatefulBot, type StatefulBotOptions } from '../../../containers/bot/controls/stateful-bot.js';
import { outputsFromEnv } from '../../../containers/bot/reporting/outputs-from-env.js';
import { DirReportStore } from '../../../containers/bot/reporting/report-store.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../shared/aws/local-emulators.js';
import { startLocalAwsEnvironment, type LocalAwsEnvironment } from '../../../shared/aws/local-environment.js';
import { MemoryParameterStore } from '../../../shared/aws/parameter-store.js';
import type { AppConfig } from '../../../shared/config/schema.js';
import { systemClock } from '../../../shared/domain/clock.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { RECORD_FILE_SUFFIX, parseRecordLine } from '../../../shared/recording/record-format.js';
import { loadRecording } from '../../../shared/recording/recording-reader.js';
import { createDocumentClient } from '../../../shared/store/document-client.js';
import { FillsLedger } from '../../../shared/store/fills-ledger.js';
import { OrdersRepository } from '../../../shared/store/orders-repository.js';
import { PositionsRepository } from '../../../shared/store/positions-repository.js';
import { RiskDayRepository } from '../../../shared/store/risk-day-repository.js';
import { addDays } from '../../../shared/store/trading-day.js';
import { deepMerge } from '../../../shared/config/deep-merge.js';
import { engineConfig, LOCAL_SESSION_PATCH, simulatorEnv, waitFor } from '../../support/engine-fixtures.js';

let sim: AuditedSimulator;
let aws: LocalAwsEnvironment;
let config: AppConfig;
let sqs: SQSClient;
const dirs: string[] = [];
const running: StatefulBot[] = [];

const tmp = (label: string): string => {
  const d = mkdtempSync(join(tmpdir(), `outputs-${label}-`));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  sim = await startAuditedSimulator({
    seed: 21,
    liquidity: { crowdBias: { share: 0.5, magnitude: [0.05, 0.09] } },
    modules: [createSportsModule({ seed: 21, speed: 5, games: { basketball: 2 }, firstStartDelayMs: -30_000, startStaggerMs: 5_000 })],
  });
  const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  config = engineConfig({ mode: 'paper', patch: deepMerge(LOCAL_SESSION_PATCH, {}), env: simulatorEnv(sim, sports) });
  aws = await startLocalAwsEnvironment({ prefix: 'outputs' });
  sqs = new SQSClient({ endpoint: aws.messaging.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, useQueueUrlAsEndpoint: false });
}, 30_000);

afterEach(async () => {
  for (const b of running.splice(0)) await b.stop({ outputsTimeoutMs: 5_000 }).catch(() => undefined);
});

afterAll(async () => {
  sqs?.destroy();
  await aws?.stop();
  await sim?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(extra: Partial<StatefulBotOptions>, logger = new MemoryLogger(), metrics = new MetricsRegistry()): Promise<StatefulBot> {
  const doc = createDocumentClient(aws.dynamo.client);
  const bot = await startStatefulBot({
    config,
    logger,
    metrics,
    repos: {
      orders: new OrdersRepository(doc, aws.tables.orders),
      fills: new FillsLedger(doc, aws.tables.fills),
      positions: new PositionsRepository(doc, aws.tables.positions),
      riskDays: new RiskDayRepository(doc, aws.tables.riskDays),
    },
    parameters: new MemoryParameterStore({ '/o/mode': 'paper', '/o/kill': 'off' }),
    parameterNames: { tradingMode: '/o/mode', killSwitch: '/o/kill' },
    queues: { sqs, controlUrl: aws.queues.control.url, waitTimeSeconds: 1 },
    metricsExport: false,
    tickMs: 200,
    sweepMs: 500,
    ...extra,
  });
  running.push(bot);
  return bot;
}

const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(RECORD_FILE_SUFFIX)) : []);

describe('stateful bot outputs, local directories', () => {
  it('records every inbound message, writes the ended day at the daily reset and the new day at the stop', async () => {
    const recDir = join(tmp('rec'), 'recordings');
    const repDir = tmp('rep');
    const bot = await start({
      recording: { dir: recDir, source: 'bot', version: 'test', writer: { flushIntervalMs: 50 } },
      reports: { store: new DirReportStore(repDir), prefix: 'live/', stage: 'test', sampleTimerMs: 100 },
    });
    expect(bot.recorder).toBeDefined();
    expect(bot.dayReports).toBeDefined();
    const day0 = bot.persister.currentDay();
    expect(bot.dayReports?.currentDay()).toBe(day0);
    // Trading goes on (paper), the recorder sees the exchange and the feeds.
    await waitFor(() => (bot.recorder?.writer.stats().recorded ?? 0) > 50, 'inbound messages recorded', 10_000);

    // The daily-reset Lambda's message for the next day, on the FIFO control queue.
    const day1 = addDays(day0, 1);
    const body = { type: 'daily-reset', day: day1, archivedDay: day0, breakerReset: true, killSwitch: 'off', at: Date.now() };
    await sqs.send(new SendMessageCommand({ QueueUrl: aws.queues.control.url, MessageBody: JSON.stringify(body), MessageGroupId: 'daily-reset', MessageDeduplicationId: `reset-${day1}` }));
    const day0Json = join(repDir, 'live', `${day0}.json`);
    await waitFor(() => existsSync(day0Json) && existsSync(join(repDir, 'live', `${day0}.html`)), 'the ended day report', 15_000);
    expect(bot.persister.currentDay()).toBe(day1);
    expect(bot.dayReports?.currentDay()).toBe(day1);
    const s0 = JSON.parse(readFileSync(day0Json, 'utf8')) as { kind: string; title: string; extra: { day: string; mode: string; stage: string }; configDigest: string; total: { net: string } };
    expect(s0).toMatchObject({ kind: 'paper', extra: { day: day0, mode: 'paper', stage: 'test' } });
    expect(s0.title).toContain(day0);
    expect(s0.configDigest).toMatch(/^[0-9a-f]+$/);
    const html0 = readFileSync(join(repDir, 'live', `${day0}.html`), 'utf8');
    expect(html0).toMatch(/^<!doctype html>/i);
    expect(html0).toContain(day0);

    // A redelivered reset changes nothing (no second rollover).
    await sqs.send(new SendMessageCommand({ QueueUrl: aws.queues.control.url, MessageBody: JSON.stringify(body), MessageGroupId: 'daily-reset', MessageDeduplicationId: `reset-${day1}-again` }));

    await bot.stop({ outputsTimeoutMs: 10_000 });
    // The new day's report, written at the stop.
    const s1 = JSON.parse(readFileSync(join(repDir, 'live', `${day1}.json`), 'utf8')) as { extra: { day: string }; from: number | null };
    expect(s1.extra.day).toBe(day1);
    expect(readdirSync(join(repDir, 'live')).sort()).toEqual([`${day0}.html`, `${day0}.json`, `${day1}.html`, `${day1}.json`]);

    // The recording: closed, readable, the bot's inbound messages with a header and the discovery.
    const chunks = files(recDir);
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    expect(chunks.every((f) => f.startsWith(`${bot.recorder?.sessionId}-`))).toBe(true);
    const loaded = await loadRecording([recDir]);
    expect(loaded.issues).toEqual([]);
    expect(loaded.headers[0]).toMatchObject({ source: 'bot', version: 'test', sessionId: bot.recorder?.sessionId });
    expect(loaded.discoveries.length).toBeGreaterThanOrEqual(1);
    const kinds = new Set(loaded.lines.map((l) => l.k));
    expect(kinds.has('market')).toBe(true);
    expect(kinds.has('feed')).toBe(true);
    // The paper account's own orders, when it traded, are recorded as paper: never taken out of a replayed market.
    expect(loaded.lines.filter((l) => l.k === 'own' && l.e.venue !== 'paper')).toEqual([]);
    // Every line written is read back (the chunk headers are the reader's, not the writer's count).
    const isHeader = (l: (typeof loaded.lines)[number]) => l.k === 'meta' && (l.e as { type?: string }).type === 'header';
    expect(loaded.lines.filter((l) => !isHeader(l)).length).toBe(bot.recorder?.writer.stats().written);
    expect(bot.recorder?.writer.stats().dropped).toBe(0);
  }, 40_000);
});

describe('stateful bot outputs, S3', () => {
  const s3mock = mockClient(S3Client);
  afterEach(() => s3mock.reset());

  it('uploads closed chunks under recordings/<stage>/<date>/ and the day report under reports/<stage>/live/', async () => {
    const puts: PutObjectCommandInput[] = [];
    s3mock.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
      puts.push(input);
      return { ETag: '"x"' };
    });
    const recDir = join(tmp('s3rec'), 'chunks');
    const logger = new MemoryLogger();
    const metrics = new MetricsRegistry();
    const outputs = outputsFromEnv(
      { STAGE: 'staging', RECORDINGS_BUCKET: 'rec-bucket', RECORDINGS_DIR: recDir, REPORTS_BUCKET: 'rep-bucket' },
      { clock: systemClock, logger, metrics, s3: new S3Client({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }) },
    );
    expect(outputs.recording?.destination).toBe('s3://rec-bucket/recordings/staging/');
    expect(outputs.reports?.prefix).toBe('reports/staging/live/');
    const bot = await start(
      {
        // Short chunks, so several close (and upload) while the bot runs.
        recording: { dir: recDir, uploader: outputs.recording?.uploader, source: 'bot', version: 'test', writer: { flushIntervalMs: 50, maxChunkMs: 300 } },
        reports: { store: outputs.reports!.store, prefix: outputs.reports!.prefix, stage: outputs.stage, sampleTimerMs: 100 },
      },
      logger,
      metrics,
    );
    const day = bot.persister.currentDay();
    await waitFor(() => puts.some((p) => p.Bucket === 'rec-bucket'), 'a chunk uploaded while running', 15_000);
    await bot.stop({ outputsTimeoutMs: 10_000 });

    const chunks = puts.filter((p) => p.Bucket === 'rec-bucket');
    const stats = bot.recorder!.writer.stats();
    expect(chunks.length).toBe(stats.files.length);
    expect(metrics.counter('recording.uploaded')).toBe(stats.files.length);
    const d = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const datePrefix = `recordings/staging/${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/`;
    for (const c of chunks) {
      expect(c.Key?.startsWith(datePrefix)).toBe(true);
      expect(c.Key).toMatch(new RegExp(`/${bot.recorder!.sessionId}-\\d{5}\\${RECORD_FILE_SUFFIX}$`));
      expect(c.ContentType).toBe('application/gzip');
      // Each uploaded chunk stands alone: it starts with the header.
      const first = gunzipSync(c.Body as Buffer).toString('utf8').split('\n')[0] as string;
      expect(parseRecordLine(first)).toMatchObject({ k: 'meta', e: { type: 'header', source: 'bot' } });
    }
    // Uploaded chunks are removed from the task's disk.
    expect(files(recDir)).toEqual([]);

    const reports = puts.filter((p) => p.Bucket === 'rep-bucket');
    expect(reports.map((p) => [p.Key, p.ContentType]).sort()).toEqual([
      [`reports/staging/live/${day}.html`, 'text/html; charset=utf-8'],
      [`reports/staging/live/${day}.json`, 'application/json'],
    ]);
    const summary = JSON.parse(String(reports.find((p) => p.Key?.endsWith('.json'))?.Body)) as { extra: { day: string; stage: string } };
    expect(summary.extra).toMatchObject({ day, stage: 'staging' });
  }, 40_000);

  it('a report bucket that refuses the write: logged and counted, the stop completes', async () => {
    s3mock.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const logger = new MemoryLogger();
    const metrics = new MetricsRegistry();
    const outputs = outputsFromEnv({ STAGE: 'prod', REPORTS_BUCKET: 'rep-bucket', RECORDING: 'off' }, { clock: systemClock, logger, metrics, s3: new S3Client({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }) });
    expect(outputs.recording).toBeUndefined();
    const bot = await start({ reports: { store: outputs.reports!.store, prefix: outputs.reports!.prefix, stage: 'prod' } }, logger, metrics);
    expect(bot.recorder).toBeUndefined();
    await bot.stop({ outputsTimeoutMs: 10_000 });
    expect(metrics.counter('reports.write_failed', { part: 'json' })).toBe(1);
    expect(logger.lines.some((l) => l.msg === 'day report could not be written')).toBe(true);
    expect(logger.lines.some((l) => l.msg === 'stopped')).toBe(true);
  }, 30_000);
});
