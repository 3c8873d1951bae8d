/**
 * A research sweep run two ways gives the same bytes: on local worker threads (runLocalResearchSweep), and
 * "remote-shaped": the recordings in the S3 emulator (fauxqs) under the bot's dated keys, the launcher writing
 * spec and items to the results bucket, and a stand-in for Step Functions (the one part that cannot run here)
 * that does what the state machine does: each item through the deployed item handler, then the report handler.
 * Also: the item handler refuses keys outside the recordings prefix, and the launcher's wait reports progress;
 * the items open each day through its replay form cached in the results bucket (built once per day).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore, S3ObjectStore } from '../../../shared/aws/object-store.js';
import type { ExecutionState, MapRunProgress, StepFunctionsApi } from '../../../shared/aws/step-functions-api.js';
import { REPLAY_CACHE_PREFIX } from '../../../shared/backtest/replay-object-cache.js';
import { launchRemoteSweep, listDayUnits, waitForSweep, type ResearchEndpoints, type SweepExecutionInput } from '../../../shared/backtest/remote-sweep.js';
import { runLocalResearchSweep } from '../../../shared/backtest/research-sweep-local.js';
import { collectConfigFiles, referencedEnv } from '../../../shared/backtest/sweep-config-files.js';
import type { ComparisonReport } from '../../../shared/backtest/sweep-comparison.js';
import { sweepKeys } from '../../../shared/backtest/sweep-layout.js';
import { makeSpec, planItems, type SweepItem } from '../../../shared/backtest/sweep-plan.js';
import { startLocalS3, sweepItemEnv, type LocalS3 } from '../../support/local-s3.js';

const SWEEP = 'identity-1';
const PREFIX = 'recordings/staging/';
const SAMPLE = 'data/sample';
const FILES = readdirSync(SAMPLE).filter((f) => f.endsWith('.ndjson.gz')).sort();
// Day 1: the whole sample; day 2: its first chunk only (a different day's data).
const DAYS: Record<string, string[]> = { '2026-12-01': FILES, '2026-12-02': FILES.slice(0, 1) };
const PARAM_SETS = [
  { id: 0, overrides: { 'strategies.market_maker.spread': 0.02 } },
  { id: 1, overrides: { 'strategies.market_maker.spread': 0.04 } },
];

let buckets: LocalS3;
let tmp: string;
const endpoints: ResearchEndpoints = { stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:test', resultsBucket: 'results', recordingsBucket: 'recordings', recordingsPrefix: PREFIX };

function spec(units: { label: string; sources: string[] }[]) {
  const configFiles = collectConfigFiles('config');
  return makeSpec({ sweepId: SWEEP, title: 'identity', configFiles, env: referencedEnv(configFiles, {}), axes: [{ key: 'spread', path: 'strategies.market_maker.spread' }], paramSets: PARAM_SETS, units });
}

/** Does what the state machine does, through the deployed handlers. */
class StateMachineStandIn implements StepFunctionsApi {
  private state: ExecutionState = { status: 'RUNNING' };
  private progress: MapRunProgress | undefined;
  polls = 0;
  constructor(private readonly itemHandler: (e: unknown) => Promise<{ ok: boolean }>, private readonly reportHandler: (e: unknown) => Promise<unknown>, private readonly results: S3ObjectStore) {}
  async startExecution(input: { stateMachineArn: string; name: string; input: string }): Promise<{ executionArn: string }> {
    const i = JSON.parse(input.input) as SweepExecutionInput;
    expect(i.resultsBucket).toBe('results');
    const items = JSON.parse(await this.results.getText(i.itemsKey)) as SweepItem[];
    this.progress = { total: items.length, succeeded: 0, failed: 0, running: 0, pending: items.length, aborted: 0, timedOut: 0 };
    void (async () => {
      for (const item of items) {
        const r = await this.itemHandler({ specKey: i.specKey, item });
        this.progress!.pending--;
        if (r.ok) this.progress!.succeeded++;
        else this.progress!.failed++;
      }
      await this.reportHandler({ sweepId: i.sweepId });
      this.state = { status: 'SUCCEEDED' };
    })().catch((err: unknown) => (this.state = { status: 'FAILED', error: String(err) }));
    return { executionArn: `arn:aws:states:us-east-1:000000000000:execution:test:${input.name}` };
  }
  async describeExecution(): Promise<ExecutionState> {
    this.polls++;
    return this.state;
  }
  async mapRunProgress(): Promise<MapRunProgress | undefined> {
    return this.progress ? { ...this.progress } : undefined;
  }
}

beforeAll(async () => {
  buckets = await startLocalS3(['recordings', 'results']);
  tmp = mkdtempSync(join(tmpdir(), 'research-'));
  for (const [day, files] of Object.entries(DAYS)) {
    for (const f of files) {
      await buckets.put('recordings', `${PREFIX}${day.replace(/-/g, '/')}/${f}`, join(SAMPLE, f));
      mkdirSync(join(tmp, 'local', day), { recursive: true });
      copyFileSync(join(SAMPLE, f), join(tmp, 'local', day, f));
    }
  }
  // The handlers' environment, as the infra sets it, pointed at the emulator.
  Object.assign(process.env, sweepItemEnv(buckets.endpoint, PREFIX));
}, 60_000);

afterAll(async () => {
  await buckets?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('research sweep: local worker threads and the remote-shaped run agree', () => {
  it('same items, same per-item result JSON, same comparison report', async () => {
    const days = Object.keys(DAYS);
    // Local.
    const localUnits = days.map((d) => ({ label: d, sources: [join(tmp, 'local', d)] }));
    const local = await runLocalResearchSweep({ spec: spec(localUnits), items: planItems(localUnits, PARAM_SETS), outDir: join(tmp, 'out'), workers: 2 });

    // Remote-shaped.
    const results = new S3ObjectStore(buckets.s3, 'results');
    const { units, empty } = await listDayUnits(new S3ObjectStore(buckets.s3, 'recordings'), PREFIX, [...days, '2026-12-03']);
    expect(empty).toEqual(['2026-12-03']);
    expect(units.map((u) => u.label)).toEqual(days);
    const remoteItems = planItems(units, PARAM_SETS);
    const { handler: itemHandler } = await import('../../../functions/sweep-item/handler.js');
    const { handler: reportHandler } = await import('../../../functions/sweep-report/handler.js');
    const sfn = new StateMachineStandIn(itemHandler, (e) => reportHandler(e as { sweepId: string }), results);
    const { executionArn } = await launchRemoteSweep({ sfn, results, endpoints, spec: spec(units), items: remoteItems });
    const seen: [number, number][] = [];
    const final = await waitForSweep({ sfn, executionArn, items: remoteItems.length, pollMs: 0, sleep: () => new Promise((r) => setTimeout(r, 50)), onProgress: (d, t) => seen.push([d, t]) });
    expect(final.status).toBe('SUCCEEDED');
    expect(seen.at(-1)).toEqual([4, 4]);

    // Same item list (but for where the data came from).
    const strip = (items: SweepItem[]) => items.map(({ sources: _s, ...rest }) => rest);
    const localStore = new FolderObjectStore(join(tmp, 'out'));
    const keys = sweepKeys(SWEEP);
    expect(strip(JSON.parse(await results.getText(keys.items)) as SweepItem[])).toEqual(strip(JSON.parse(await localStore.getText(keys.items)) as SweepItem[]));
    // Byte-identical results and report.
    for (let i = 0; i < remoteItems.length; i++) {
      const remote = await results.getText(keys.result(i));
      expect(remote).toBe(await localStore.getText(keys.result(i)));
      expect(JSON.parse(remote).error).toBeUndefined();
    }
    expect(await results.getText(keys.reportJson)).toBe(await localStore.getText(keys.reportJson));
    expect(await results.getText(keys.reportHtml)).toBe(await localStore.getText(keys.reportHtml));

    // The report's figures come from the items: net of each set = sum of its two days.
    const report = JSON.parse(await results.getText(keys.reportJson)) as ComparisonReport;
    expect(local.report).toEqual(report);
    expect(report.rows).toHaveLength(2);
    expect(report.errors).toEqual([]);
    expect(report.missing).toEqual([]);
    for (const row of report.rows) {
      const dayNets = [0, 1].map((u) => JSON.parse(readFileSync(localStore.location(keys.result(u * 2 + row.paramSet)), 'utf8')).summary.total.net as string);
      expect(row.netByUnit).toEqual(dayNets.map((n) => Number(n).toFixed(6)));
      expect(Number(row.net)).toBeCloseTo(Number(dayNets[0]) + Number(dayNets[1]), 6);
      expect(row.fills).toBeGreaterThan(0);
    }
    expect(await results.getText(keys.reportHtml)).toContain('data-chart="cumulative"');

    // The items opened each day through its replay form, built once per day into the results bucket.
    expect(await results.list(REPLAY_CACHE_PREFIX)).toHaveLength(days.length);
  }, 240_000);

  it('the item handler refuses a recording key outside the recordings prefix', async () => {
    const { handler } = await import('../../../functions/sweep-item/handler.js');
    await expect(handler({ specKey: `sweeps/${SWEEP}/spec.json`, item: { item: 0, unit: 'x', sources: ['reports/staging/live/x.json'], paramSet: 0, overrides: {} } })).rejects.toThrow(/outside recordings\/staging\//);
    await expect(handler({ specKey: 'other/spec.json', item: { item: 0, unit: 'x', sources: [`${PREFIX}a`], paramSet: 0, overrides: {} } })).rejects.toThrow(/specKey/);
    await expect(handler({ nonsense: true })).rejects.toThrow(/not a sweep item event/);
  });
});
