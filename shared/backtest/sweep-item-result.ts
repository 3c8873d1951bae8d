/**
 * One item's result as written to disk (local) or S3 (remote): the item's identity and the backtest job's
 * outcome. Both runners serialize it with `serializeItemResult`, so the same item gives the same bytes wherever
 * it ran (the job's outcome holds no path, host or time).
 */
import type { ReportSummary } from '../reports/report-model.js';
import type { OverrideValue } from './backtest-config.js';
import type { BacktestJob, BacktestOutcome } from './backtest-job.js';
import type { SweepItem, SweepSpec } from './sweep-plan.js';

export interface SweepItemResult {
  sweepId: string;
  item: number;
  unit: string;
  paramSet: number;
  overrides: Record<string, OverrideValue>;
  events?: number;
  summary?: ReportSummary;
  error?: string;
}

/** The backtest job of an item: the same shape the local worker threads run. */
export function itemJob(spec: SweepSpec, item: SweepItem, dataPaths: string[], configSource: string): BacktestJob {
  return {
    id: item.item,
    dataPaths,
    configSource,
    overrides: item.overrides,
    env: spec.env,
    ...(spec.strategies ? { strategies: spec.strategies } : {}),
    ...(spec.latencyMs !== undefined ? { latencyMs: spec.latencyMs } : {}),
  };
}

export function itemResult(sweepId: string, item: SweepItem, outcome: BacktestOutcome): SweepItemResult {
  return {
    sweepId,
    item: item.item,
    unit: item.unit,
    paramSet: item.paramSet,
    overrides: item.overrides,
    ...(outcome.events !== undefined ? { events: outcome.events } : {}),
    ...(outcome.summary ? { summary: outcome.summary } : {}),
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
  };
}

export function serializeItemResult(r: SweepItemResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** `results/00042.json`: zero-padded so a listing sorts in item order. */
export function itemResultName(item: number): string {
  return `${String(item).padStart(5, '0')}.json`;
}
