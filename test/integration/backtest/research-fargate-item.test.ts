/**
 * The Fargate item task runs the very same job as the item Lambda: on the S3 emulator (fauxqs), one recorded
 * day under the bot's dated keys, the spec in the results bucket, the same item (routed to Fargate by its day's
 * listed size) through the Lambda handler and through the container entry in-process (SWEEP_ITEM, as the
 * state machine's RunTask override sets it) gives byte-identical result objects. The entry's exit codes: 0
 * on a written result, 2 with a clear message for a missing, non-JSON or refused item, 1 when a store fails;
 * and the real main.ts in a child process exits non-zero when started without an item.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweepItemTask } from '../../../containers/sweep-item/run-sweep-item.js';
import { SWEEP_ITEM_ENV } from '../../../containers/sweep-item/item-input.js';
import { S3ObjectStore } from '../../../shared/aws/object-store.js';
import { listDayUnits } from '../../../shared/backtest/remote-sweep.js';
import { collectConfigFiles, referencedEnv } from '../../../shared/backtest/sweep-config-files.js';
import { sweepKeys } from '../../../shared/backtest/sweep-layout.js';
import { makeSpec, planItems, runnerForBytes } from '../../../shared/backtest/sweep-plan.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { startLocalS3, sweepItemEnv, type LocalS3 } from '../../support/local-s3.js';

const SWEEP = 'fargate-1';
const PREFIX = 'recordings/staging/';
const DAY = '2026-12-01';
const SAMPLE = 'data/sample';
const FILES = readdirSync(SAMPLE).filter((f) => f.endsWith('.ndjson.gz')).sort();
const PARAM_SETS = [{ id: 0, overrides: { 'strategies.market_maker.spread': 0.03 } }];

let buckets: LocalS3;
let results: S3ObjectStore;
let tmp: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  buckets = await startLocalS3(['recordings', 'results']);
  results = new S3ObjectStore(buckets.s3, 'results');
  tmp = mkdtempSync(join(tmpdir(), 'fargate-item-'));
  for (const f of FILES) await buckets.put('recordings', `${PREFIX}${DAY.replace(/-/g, '/')}/${f}`, join(SAMPLE, f));
  env = sweepItemEnv(buckets.endpoint, PREFIX);
  // The Lambda handler reads process.env, as in Lambda.
  Object.assign(process.env, env);
}, 60_000);

afterAll(async () => {
  await buckets?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function plannedItem() {
  const { units } = await listDayUnits(new S3ObjectStore(buckets.s3, 'recordings'), PREFIX, [DAY]);
  const bytes = FILES.reduce((a, f) => a + readFileSync(join(SAMPLE, f)).length, 0);
  expect(units[0]!.bytes).toBe(bytes);
  // A threshold just below the day's size routes it to Fargate (the stage's is in MiB; the sample is small).
  const items = planItems(units, PARAM_SETS, 10, (u) => runnerForBytes(u.bytes, (bytes - 1) / 1024 / 1024));
  expect(items[0]!.runner).toBe('fargate');
  expect(planItems(units, PARAM_SETS, 10, (u) => runnerForBytes(u.bytes, bytes / 1024 / 1024))[0]!.runner).toBe('lambda');
  const configFiles = collectConfigFiles('config');
  const spec = makeSpec({ sweepId: SWEEP, title: 'fargate', configFiles, env: referencedEnv(configFiles, {}), axes: [{ key: 'spread', path: 'strategies.market_maker.spread' }], paramSets: PARAM_SETS, units });
  const keys = sweepKeys(SWEEP);
  await results.putText(keys.spec, JSON.stringify(spec), 'application/json');
  return { event: { specKey: keys.spec, item: items[0]! }, resultKey: keys.result(0) };
}

describe('Fargate item task', () => {
  it('writes the same result object as the item Lambda for the same item', async () => {
    const { event, resultKey } = await plannedItem();
    const { handler } = await import('../../../functions/sweep-item/handler.js');
    expect(await handler(event)).toEqual({ item: 0, ok: true });
    const fromLambda = await results.getText(resultKey);
    await results.putText(resultKey, 'overwritten', 'text/plain');

    const logger = new MemoryLogger();
    const metrics = new MetricsRegistry();
    const code = await runSweepItemTask({ env: { ...env, [SWEEP_ITEM_ENV]: JSON.stringify(event) }, args: [], logger, metrics, workDir: join(tmp, 'task') });
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(code).toBe(0);
    const fromTask = await results.getText(resultKey);
    expect(fromTask).toBe(fromLambda);
    const parsed = JSON.parse(fromTask) as { error?: string; events: number; unit: string; summary: unknown };
    expect(parsed.error).toBeUndefined();
    expect(parsed.unit).toBe(DAY);
    expect(parsed.events).toBeGreaterThan(1000);
    expect(parsed).not.toHaveProperty('runner');
    expect(metrics.snapshot().counters['sweep.item.ok']).toBe(1);

    // The item as the first argument (a local run) does the same.
    await results.putText(resultKey, 'overwritten', 'text/plain');
    expect(await runSweepItemTask({ env, args: [JSON.stringify(event)], logger: new MemoryLogger(), metrics: new MetricsRegistry(), workDir: join(tmp, 'arg') })).toBe(0);
    expect(await results.getText(resultKey)).toBe(fromLambda);
  }, 120_000);

  it('exits 2 with a clear message on a missing, non-JSON or refused item, 1 when a store fails', async () => {
    const run = async (e: NodeJS.ProcessEnv) => {
      const logger = new MemoryLogger();
      const code = await runSweepItemTask({ env: e, args: [], logger, metrics: new MetricsRegistry(), workDir: join(tmp, 'bad') });
      return { code, message: logger.lines.filter((l) => l.level === 'error').map((l) => l.msg).join('\n') };
    };
    expect(await run(env)).toEqual({ code: 2, message: expect.stringMatching(/no sweep item: set SWEEP_ITEM/) });
    expect(await run({ ...env, SWEEP_ITEM: '{not json' })).toEqual({ code: 2, message: expect.stringMatching(/SWEEP_ITEM is not JSON/) });
    const outside = { specKey: `sweeps/${SWEEP}/spec.json`, item: { item: 0, unit: 'x', sources: ['reports/staging/live/x.json'], paramSet: 0, overrides: {}, runner: 'fargate' } };
    expect(await run({ ...env, SWEEP_ITEM: JSON.stringify(outside) })).toEqual({ code: 2, message: expect.stringMatching(/outside recordings\/staging\//) });
    const { event } = await plannedItem();
    expect(await run({ ...env, RESULTS_BUCKET: 'no-such-bucket', SWEEP_ITEM: JSON.stringify(event) })).toMatchObject({ code: 1, message: expect.stringMatching(/sweep item failed/) });
    const { RESULTS_BUCKET: _r, ...noBucket } = env;
    expect(await run({ ...noBucket, SWEEP_ITEM: JSON.stringify(event) })).toEqual({ code: 1, message: expect.stringMatching(/RESULTS_BUCKET is not set/) });
  }, 60_000);

  it('main.ts: started without an item, the process exits non-zero and says why', async () => {
    const child = promisify(execFile)(process.execPath, ['--import', 'tsx', 'containers/sweep-item/main.ts'], { env: { ...process.env, ...env, [SWEEP_ITEM_ENV]: '' }, timeout: 60_000 });
    const err = (await child.then(() => undefined, (e: unknown) => e)) as { code?: number; stdout?: string } | undefined;
    expect(err?.code).toBe(2);
    expect(err?.stdout).toMatch(/no sweep item: set SWEEP_ITEM/);
  }, 90_000);
});
