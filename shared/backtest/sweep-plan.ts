/**
 * A research sweep as data: data units (one recorded day, or one local folder of recordings) × parameter sets,
 * one item per pair. The same plan runs on local worker threads and on AWS (a Step Functions Distributed Map
 * reads the items array from S3), so both produce the same item list, in the same order: unit-major (the items
 * of one day are adjacent, so a worker keeps that day's recording loaded), then parameter set.
 *
 * The spec travels with the items: the configuration files (YAML text, so a Lambda builds the very same
 * configuration the local run does), the strategies and the latency. Nothing here reads a file or a clock.
 */
import type { StrategyKey } from '../engine/assemble-engine.js';
import type { OverrideValue } from './backtest-config.js';

/** A set of recording files replayed together as one item's data: a recorded day, or a local path. */
export interface DataUnit {
  /** "2026-12-01", or the local path given. Shown in the report; never part of a result's numbers. */
  label: string;
  /** S3 keys (remote) or local files/folders (local). */
  sources: string[];
  /** Total size of the unit's recording files, bytes (remote: from the day's listing); routes its items. */
  bytes?: number;
}

/**
 * Where a remote item runs: the item Lambda, or a Fargate task for a day too large for Lambda's 15 minutes,
 * memory and /tmp (research.fargateAboveMiB). Both run the same job code and write the same result.
 */
export type ItemRunner = 'lambda' | 'fargate';
export const ITEM_RUNNERS: readonly ItemRunner[] = ['lambda', 'fargate'];

export interface ParamSet {
  id: number;
  overrides: Record<string, OverrideValue>;
}

export interface SweepItem {
  /** 0-based, dense: the item's position in the items array and the name of its result object. */
  item: number;
  unit: string;
  sources: string[];
  paramSet: number;
  overrides: Record<string, OverrideValue>;
  /** Remote items only (the state machine's Choice reads it; absent = Lambda). Never part of the result. */
  runner?: ItemRunner;
}

export interface SweepSpec {
  sweepId: string;
  title: string;
  /** Configuration files by name (config.yaml, config.paper.yaml, …): rebuilt as a folder wherever the item runs. */
  configFiles: Record<string, string>;
  /** The non-secret environment the configuration interpolates (sweep-config-files.ts); items use only this. */
  env: Record<string, string>;
  strategies?: StrategyKey[];
  latencyMs?: number;
  /** The swept axes (short key and config path), for the report's columns. */
  axes: { key: string; path: string }[];
  paramSets: ParamSet[];
  units: string[];
  itemCount: number;
}

export class SweepPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepPlanError';
  }
}

/** A day of `bytes` runs on Fargate when above `fargateAboveMiB` MiB; a size not known runs on Lambda. */
export function runnerForBytes(bytes: number | undefined, fargateAboveMiB: number): ItemRunner {
  return bytes !== undefined && bytes > fargateAboveMiB * 1024 * 1024 ? 'fargate' : 'lambda';
}

/**
 * A Fargate item reaches its task as one environment override (SWEEP_ITEM, the item event as JSON), and ECS
 * takes at most 8,192 characters of overrides per RunTask: this much is left for the value.
 */
export const FARGATE_ITEM_MAX_CHARS = 7_680;

/**
 * Every unit × every parameter set, unit-major. Throws SweepPlanError above `maxItems` (the stage's cap).
 * With `route`, each item carries the runner its unit's size chooses (remote sweeps); without, none (local).
 */
export function planItems(units: readonly DataUnit[], paramSets: readonly ParamSet[], maxItems = Number.POSITIVE_INFINITY, route?: (unit: DataUnit) => ItemRunner): SweepItem[] {
  if (units.length === 0) throw new SweepPlanError('no data: the sweep needs at least one recorded day or --data path');
  if (paramSets.length === 0) throw new SweepPlanError('no parameter sets');
  const total = units.length * paramSets.length;
  if (total > maxItems) {
    throw new SweepPlanError(`${units.length} days × ${paramSets.length} parameter sets = ${total} items, above the cap of ${maxItems} (research.maxItems in infra/config/research.ts): narrow --days or the --sweep grid`);
  }
  const items: SweepItem[] = [];
  for (const u of units) {
    const runner = route?.(u);
    for (const p of paramSets) items.push({ item: items.length, unit: u.label, sources: [...u.sources], paramSet: p.id, overrides: { ...p.overrides }, ...(runner ? { runner } : {}) });
  }
  return items;
}

/** Sweep ids name S3 prefixes and Step Functions executions: [A-Za-z0-9-_], at most 64 characters. */
export function isSweepId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

/** "2026-12-01..2026-12-03" or "2026-12-01,2026-12-05" → the listed days (UTC calendar days, inclusive ranges). */
export function parseDays(text: string): string[] {
  const out: string[] = [];
  const day = /^\d{4}-\d{2}-\d{2}$/;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [from, to] = part.split('..') as [string, string | undefined];
    if (!day.test(from) || (to !== undefined && !day.test(to))) throw new SweepPlanError(`--days expects YYYY-MM-DD, a range YYYY-MM-DD..YYYY-MM-DD or a comma list; got "${part}"`);
    const start = Date.parse(`${from}T00:00:00Z`);
    const end = Date.parse(`${to ?? from}T00:00:00Z`);
    if (Number.isNaN(start) || Number.isNaN(end) || end < start) throw new SweepPlanError(`--days: "${part}" is not a valid range`);
    for (let t = start; t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return [...new Set(out)].sort();
}

/** The S3 prefix under which the bot's uploader put one day's chunks (shared/recording/s3-chunk-uploader.ts). */
export function dayPrefix(recordingsPrefix: string, day: string): string {
  return `${recordingsPrefix.replace(/\/+$/, '')}/${day.replace(/-/g, '/')}/`;
}

/** The spec of a sweep over `units` × `paramSets` (ids must be dense from 0). */
export function makeSpec(input: Omit<SweepSpec, 'units' | 'itemCount'> & { units: readonly DataUnit[] }): SweepSpec {
  if (!isSweepId(input.sweepId)) throw new SweepPlanError(`sweep id "${input.sweepId}": use letters, digits, - and _ (at most 64)`);
  const { units, ...rest } = input;
  return { ...rest, units: units.map((u) => u.label), itemCount: units.length * input.paramSets.length };
}

/** Refuses a plan whose Fargate item would not fit its task's environment override (FARGATE_ITEM_MAX_CHARS). */
export function checkFargateItems(specKey: string, items: readonly SweepItem[]): void {
  for (const item of items) {
    if (item.runner !== 'fargate') continue;
    const chars = JSON.stringify({ specKey, item }).length;
    if (chars > FARGATE_ITEM_MAX_CHARS) {
      throw new SweepPlanError(`item ${item.item} (${item.unit}, ${item.sources.length} recording files) is ${chars} characters as JSON, above the ${FARGATE_ITEM_MAX_CHARS} a Fargate task's environment override holds: the day has too many chunks for one item`);
    }
  }
}
