/**
 * The research-sweep side of `npm run backtest` (main.ts hands over when --remote, --by-day or --dry-run is
 * given): build the spec and the items (days × parameter sets), then either print the plan (--dry-run), run it
 * on local worker threads (--by-day: each --data path is one day), or launch it on the stage's research stack
 * (--remote <stage>: the days come from the recordings bucket, --days) and wait with a progress bar.
 */
import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { stageConfig } from '../../infra/config/stages.js';
import { planRefusals, validateResearchSettings, type ResearchSettings } from '../../infra/config/research.js';
import { S3ObjectStore } from '../../shared/aws/object-store.js';
import { SsmParameterStore } from '../../shared/aws/parameter-store.js';
import { SdkStepFunctionsApi } from '../../shared/aws/step-functions-api.js';
import type { OverrideValue } from '../../shared/backtest/backtest-config.js';
import { ProgressBar } from '../../shared/backtest/progress-bar.js';
import { launchRemoteSweep, listDayUnits, parseResearchEndpoints, researchEndpointsParameter, waitForSweep } from '../../shared/backtest/remote-sweep.js';
import { runLocalResearchSweep } from '../../shared/backtest/research-sweep-local.js';
import { collectConfigFiles, referencedEnv } from '../../shared/backtest/sweep-config-files.js';
import { comparisonText, type ComparisonReport } from '../../shared/backtest/sweep-comparison.js';
import { formatPlan, summarizePlan } from '../../shared/backtest/sweep-cost.js';
import { sweepKeys } from '../../shared/backtest/sweep-layout.js';
import { makeSpec, parseDays, planItems, runnerForBytes, type DataUnit } from '../../shared/backtest/sweep-plan.js';
import type { SweepAxis } from '../../shared/backtest/sweep.js';
import type { StrategyKey } from '../../shared/engine/assemble-engine.js';

export interface ResearchCliOptions {
  remote?: string;
  dryRun: boolean;
  days?: string;
  dataPaths: string[];
  configSource: string;
  axes: SweepAxis[];
  grid: Record<string, OverrideValue>[];
  strategies?: StrategyKey[];
  latencyMs?: number;
  out: string;
  workers?: number;
  progress: boolean;
  sweepId?: string;
}

/** A new sweep id: sortable by time, unique. */
export function newSweepId(now = new Date()): string {
  return `sweep-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomUUID().slice(0, 6)}`;
}

function settingsFor(stage: string | undefined): ResearchSettings {
  const config = stageConfig(stage ?? 'staging');
  const problems = validateResearchSettings(config.stage, config.research);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return config.research;
}

/** Returns the process exit code. */
export async function runResearchCli(o: ResearchCliOptions): Promise<number> {
  const settings = settingsFor(o.remote);
  const paramSets = o.grid.map((overrides, id) => ({ id, overrides }));
  const sweepId = o.sweepId ?? newSweepId();
  const configFiles = collectConfigFiles(o.configSource);
  const common = { sweepId, title: `Sweep ${sweepId}`, configFiles, env: referencedEnv(configFiles), axes: o.axes.map((a) => ({ key: a.key, path: a.path })), paramSets, ...(o.strategies ? { strategies: o.strategies } : {}), ...(o.latencyMs !== undefined ? { latencyMs: o.latencyMs } : {}) };

  if (o.dryRun) {
    const units = o.days ? parseDays(o.days).length : o.dataPaths.length;
    const plan = summarizePlan(units, paramSets.length, settings);
    console.log(`${o.remote ? `stage ${o.remote}` : 'staging settings'} · research.maxConcurrency ${settings.maxConcurrency} · research.maxItems ${settings.maxItems}`);
    console.log(formatPlan(plan, settings));
    const refusals = planRefusals(plan, settings);
    for (const r of refusals) console.log(`${r}; the launch would be refused`);
    return refusals.length > 0 ? 1 : 0;
  }

  const print = (report: ComparisonReport, html: string, json: string): number => {
    console.log(comparisonText(report));
    console.log(`\nComparison report: ${html} (JSON ${json})`);
    return report.errors.length > 0 || report.missing.length > 0 ? 1 : 0;
  };

  if (!o.remote) {
    const units: DataUnit[] = o.dataPaths.map((p) => ({ label: p, sources: [p] }));
    const items = planItems(units, paramSets, settings.maxItems);
    const spec = makeSpec({ ...common, units });
    console.error(`research sweep ${sweepId}: ${units.length} data units × ${paramSets.length} parameter sets = ${items.length} items on worker threads`);
    const bar = new ProgressBar({ force: o.progress, label: 'sweep' });
    const out = await runLocalResearchSweep({ spec, items, outDir: o.out, ...(o.workers !== undefined ? { workers: o.workers } : {}), onDone: (_o, done, total) => bar.update(done, total) });
    return print(out.report, out.html, out.json);
  }

  if (!o.days) throw new Error('--remote needs --days YYYY-MM-DD..YYYY-MM-DD (the recorded days to sweep)');
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('--remote needs AWS_REGION (and credentials from the usual AWS chain)');
  const paramName = researchEndpointsParameter(o.remote);
  const endpoints = parseResearchEndpoints(await new SsmParameterStore(new SSMClient({ region })).get(paramName), paramName);
  const s3 = new S3Client({ region });
  const { units, empty } = await listDayUnits(new S3ObjectStore(s3, endpoints.recordingsBucket), endpoints.recordingsPrefix, parseDays(o.days));
  if (empty.length > 0) console.error(`no recordings on ${empty.length} day(s): ${empty.slice(0, 10).join(', ')}${empty.length > 10 ? ', …' : ''}`);
  // Each day's items run on Lambda, or on Fargate when the day's chunks total more than fargateAboveMiB.
  const route = (u: DataUnit) => runnerForBytes(u.bytes, settings.fargateAboveMiB);
  const items = planItems(units, paramSets, settings.maxItems, route);
  const spec = makeSpec({ ...common, units });
  const filesPerDay = units.reduce((a, u) => a + u.sources.length, 0) / Math.max(1, units.length);
  const planned = { ...settings, assumedFilesPerDay: Math.max(1, Math.round(filesPerDay)) };
  const plan = summarizePlan(units.length, paramSets.length, planned, units.filter((u) => route(u) === 'fargate').length);
  console.error(formatPlan(plan, planned));
  const refusals = planRefusals(plan, settings);
  if (refusals.length > 0) throw new Error(`sweep refused: ${refusals.join('; ')}`);
  const results = new S3ObjectStore(s3, endpoints.resultsBucket);
  const sfn = new SdkStepFunctionsApi({ region });
  const { executionArn } = await launchRemoteSweep({ sfn, results, endpoints, spec, items });
  console.error(`started ${executionArn}`);
  const bar = new ProgressBar({ force: o.progress, label: 'sweep', minIntervalMs: 0 });
  const final = await waitForSweep({ sfn, executionArn, items: items.length, onProgress: (done, total) => bar.update(done, total) });
  if (final.status !== 'SUCCEEDED') {
    console.error(`sweep ${final.status}: ${final.error ?? ''} ${final.cause ?? ''}`.trim());
    return 1;
  }
  const keys = sweepKeys(sweepId);
  const report = JSON.parse(await results.getText(keys.reportJson)) as ComparisonReport;
  return print(report, results.location(keys.reportHtml), results.location(keys.reportJson));
}
