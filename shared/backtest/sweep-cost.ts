/**
 * What a distributed sweep costs and how long it takes, from the stage's assumptions (item sizes, seconds per
 * item, concurrency). An estimate to print before launching, not a bill: list prices of us-east-1 (ARM Lambda,
 * ARM Fargate, Step Functions Standard, S3 Standard requests, public IPv4) as of 2026; other regions differ by
 * a few percent.
 *
 * Items run on one of two runners (sweep-plan.ts `ItemRunner`): the item Lambda, or a Fargate task for a day
 * above `fargateAboveMiB`. A plan that knows its days' sizes (the launch, from the recordings listing) passes
 * how many days go to Fargate; one that does not (the dry run, the stage's cost ceiling) assumes
 * `assumedFargateDayPercent` of the days do.
 *
 * Wall time: items run in waves of `maxConcurrency`, each wave the mean item time (a Fargate item counts its
 * start), never less than the longest item; plus the map's start and the final report step.
 */
import type { ItemRunner } from './sweep-plan.js';

export const PRICES_USD = {
  /** Lambda, arm64, per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** Lambda, per request. */
  lambdaRequest: 0.2 / 1_000_000,
  /** Fargate, Linux/ARM64, per vCPU-second ($0.03238 per vCPU-hour) and per GB-second ($0.00356 per GB-hour). */
  fargateVcpuSecond: 0.03238 / 3600,
  fargateGbSecond: 0.00356 / 3600,
  /** A public IPv4 address while the task runs ($0.005 per hour): the task pulls its image without a NAT. */
  publicIpv4Second: 0.005 / 3600,
  /** Step Functions Standard, per state transition. */
  stateTransition: 0.025 / 1_000,
  /** S3 Standard GET and PUT, per request. */
  s3Get: 0.0004 / 1_000,
  s3Put: 0.005 / 1_000,
} as const;

/**
 * State transitions billed per item: the child workflow's start, the runner Choice, the task, its end; a
 * Fargate item also passes the Pass state that trims the task's description to the item's number.
 */
export const TRANSITIONS_PER_ITEM: Readonly<Record<ItemRunner, number>> = { lambda: 4, fargate: 5 };
/** Seconds to start the map run and to build the report, added to the waves. */
export const FIXED_OVERHEAD_SECONDS = 30;
/**
 * Billed seconds of a Fargate task before the job runs (Fargate bills from the image pull to the task's stop,
 * per second, at least one minute — which this start alone already covers): image pull, process start.
 */
export const FARGATE_START_SECONDS = 60;

export interface SweepAssumptions {
  /** The item Lambda's memory (1,769 MiB = one full vCPU). */
  itemMemoryMiB: number;
  /** Assumed run time of one Lambda item (one recorded day × one parameter set), seconds. */
  assumedItemSeconds: number;
  /** Recording files (chunks) per day, each one HEAD per item. */
  assumedFilesPerDay: number;
  maxConcurrency: number;
  /** Days whose recording files total more than this many MiB run on Fargate. */
  fargateAboveMiB: number;
  /** The Fargate item task's CPU units (1,024 = one vCPU) and memory, MiB. */
  fargateCpu: number;
  fargateMemoryMiB: number;
  /** Assumed run time of one Fargate item (a long day × one set), seconds, after its start. */
  assumedFargateItemSeconds: number;
  /** Percent of the days above fargateAboveMiB, when their sizes are not known (dry run, cost ceiling). */
  assumedFargateDayPercent: number;
}

/** S3 requests per item, either runner: GET-class the spec, a HEAD per chunk of the day, the day's replay form
 *  (replay-object-cache.ts); PUT-class the listing that finds the form, the result. (The one build per day —
 *  its chunks read, the form written — is left out: a few requests per day, not per item.) */
function s3PerItemUsd(a: SweepAssumptions): number {
  return (2 + a.assumedFilesPerDay) * PRICES_USD.s3Get + 2 * PRICES_USD.s3Put;
}

/** Billed seconds of one Fargate item task. */
export function fargateBilledSeconds(a: SweepAssumptions): number {
  return FARGATE_START_SECONDS + a.assumedFargateItemSeconds;
}

/** USD of one item-run on `runner`, unrounded. */
export function itemCostUsd(runner: ItemRunner, a: SweepAssumptions): number {
  const common = TRANSITIONS_PER_ITEM[runner] * PRICES_USD.stateTransition + s3PerItemUsd(a);
  if (runner === 'lambda') return (a.itemMemoryMiB / 1024) * a.assumedItemSeconds * PRICES_USD.lambdaGbSecond + PRICES_USD.lambdaRequest + common;
  const seconds = fargateBilledSeconds(a);
  const compute = (a.fargateCpu / 1024) * PRICES_USD.fargateVcpuSecond + (a.fargateMemoryMiB / 1024) * PRICES_USD.fargateGbSecond;
  return seconds * (compute + PRICES_USD.publicIpv4Second) + common;
}

/** USD for `items` item-runs of which `fargateItems` on Fargate (the rest on Lambda), unrounded. */
export function sweepCostUsd(items: number, a: SweepAssumptions, fargateItems = 0): number {
  return (items - fargateItems) * itemCostUsd('lambda', a) + fargateItems * itemCostUsd('fargate', a);
}

/** Per 1,000 item-runs at the assumed share of Fargate days: what the stage's ceiling is checked against. */
export function costPer1000ItemRunsUsd(a: SweepAssumptions): number {
  const f = a.assumedFargateDayPercent / 100;
  return 1000 * ((1 - f) * itemCostUsd('lambda', a) + f * itemCostUsd('fargate', a));
}

/** Days of `units` assumed to run on Fargate when their sizes are not known. */
export function assumedFargateUnits(units: number, a: SweepAssumptions): number {
  return Math.round((units * a.assumedFargateDayPercent) / 100);
}

export function expectedWallSeconds(items: number, a: SweepAssumptions, fargateItems = 0): number {
  if (items <= 0) return FIXED_OVERHEAD_SECONDS;
  const fargateSeconds = FARGATE_START_SECONDS + a.assumedFargateItemSeconds;
  const mean = ((items - fargateItems) * a.assumedItemSeconds + fargateItems * fargateSeconds) / items;
  const waves = Math.ceil(items / Math.max(1, a.maxConcurrency));
  const longest = fargateItems > 0 ? Math.max(fargateSeconds, fargateItems < items ? a.assumedItemSeconds : 0) : a.assumedItemSeconds;
  return Math.max(waves * mean, longest) + FIXED_OVERHEAD_SECONDS;
}

export interface SweepPlanSummary {
  units: number;
  paramSets: number;
  items: number;
  maxConcurrency: number;
  wallSeconds: number;
  costUsd: number;
  /** Of this plan (its own mix of runners). */
  costPer1000Usd: number;
  /** Days (and their items) on Fargate; `fargateAssumed` when counted from assumedFargateDayPercent. */
  fargateUnits: number;
  fargateAssumed: boolean;
  lambdaItems: number;
  fargateItems: number;
  lambdaCostUsd: number;
  fargateCostUsd: number;
}

/** The plan of `units` days × `paramSets`; `fargateUnits` when the days' sizes are known (else assumed). */
export function summarizePlan(units: number, paramSets: number, a: SweepAssumptions, fargateUnits?: number): SweepPlanSummary {
  const items = units * paramSets;
  const fUnits = fargateUnits ?? assumedFargateUnits(units, a);
  const fargateItems = fUnits * paramSets;
  const lambdaItems = items - fargateItems;
  const lambdaCostUsd = lambdaItems * itemCostUsd('lambda', a);
  const fargateCostUsd = fargateItems * itemCostUsd('fargate', a);
  const costUsd = lambdaCostUsd + fargateCostUsd;
  return {
    units,
    paramSets,
    items,
    maxConcurrency: a.maxConcurrency,
    wallSeconds: expectedWallSeconds(items, a, fargateItems),
    costUsd,
    costPer1000Usd: items > 0 ? (1000 * costUsd) / items : 0,
    fargateUnits: fUnits,
    fargateAssumed: fargateUnits === undefined,
    lambdaItems,
    fargateItems,
    lambdaCostUsd,
    fargateCostUsd,
  };
}

const duration = (s: number): string => (s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);
const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;
const vcpu = (cpu: number): string => `${cpu / 1024} vCPU`;
const gb = (mib: number): string => `${mib / 1024} GB`;

/** The dry run's lines. */
export function formatPlan(p: SweepPlanSummary, a: SweepAssumptions): string {
  const fargateSeconds = FARGATE_START_SECONDS + a.assumedFargateItemSeconds;
  const per1000 = (runner: ItemRunner): string => `$${(1000 * itemCostUsd(runner, a)).toFixed(2)} per 1,000`;
  const which = p.fargateAssumed
    ? `assumed: research.assumedFargateDayPercent ${a.assumedFargateDayPercent} % of the days; a launch routes each day by its listed size`
    : 'by the listed sizes';
  return [
    `plan: ${p.units} days × ${p.paramSets} parameter sets = ${p.items} items`,
    `runners: ${p.lambdaItems} items on Lambda (${days(p.units - p.fargateUnits)}), ${p.fargateItems} on Fargate (${days(p.fargateUnits)} above research.fargateAboveMiB ${a.fargateAboveMiB} MiB, ${which})`,
    `wall time: ~${duration(p.wallSeconds)} at concurrency ${p.maxConcurrency} (${Math.ceil(p.items / Math.max(1, p.maxConcurrency))} waves; ${a.assumedItemSeconds} s per Lambda item, ${fargateSeconds} s per Fargate item with its ${FARGATE_START_SECONDS} s start; + ${FIXED_OVERHEAD_SECONDS} s start and report)`,
    `cost: ~$${p.costUsd.toFixed(2)} ($${p.costPer1000Usd.toFixed(2)} per 1,000 item-runs): Lambda ~$${p.lambdaCostUsd.toFixed(2)} (${per1000('lambda')}: ${a.itemMemoryMiB} MiB arm64 × ${a.assumedItemSeconds} s), Fargate ~$${p.fargateCostUsd.toFixed(2)} (${per1000('fargate')}: ${vcpu(a.fargateCpu)} / ${gb(a.fargateMemoryMiB)} arm64 × ${fargateBilledSeconds(a)} s, public IPv4); Step Functions, S3; us-east-1 list prices`,
  ].join('\n');
}
