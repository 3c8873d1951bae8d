/**
 * What a distributed sweep costs and how long it takes, from the stage's assumptions (Lambda memory, seconds per
 * item, concurrency). An estimate to print before launching, not a bill: list prices of us-east-1 (ARM Lambda,
 * Step Functions Standard, S3 Standard requests) as of 2026; other regions differ by a few percent.
 *
 * Wall time: items run in waves of `maxConcurrency`; each wave takes the assumed item time, plus the map's
 * start and the final report step.
 */
export const PRICES_USD = {
  /** Lambda, arm64, per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** Lambda, per request. */
  lambdaRequest: 0.2 / 1_000_000,
  /** Step Functions Standard, per state transition. */
  stateTransition: 0.025 / 1_000,
  /** S3 Standard GET and PUT, per request. */
  s3Get: 0.0004 / 1_000,
  s3Put: 0.005 / 1_000,
} as const;

/** State transitions billed per item (the child workflow's start, its Lambda task, its end). */
export const TRANSITIONS_PER_ITEM = 3;
/** Seconds to start the map run and to build the report, added to the waves. */
export const FIXED_OVERHEAD_SECONDS = 30;

export interface SweepAssumptions {
  /** The item Lambda's memory (1,769 MiB = one full vCPU). */
  itemMemoryMiB: number;
  /** Assumed run time of one item (one recorded day × one parameter set), seconds. */
  assumedItemSeconds: number;
  /** Recording files (chunks) per day, each one HEAD per item. */
  assumedFilesPerDay: number;
  maxConcurrency: number;
}

/** USD for `items` item-runs (compute, requests, transitions, S3), unrounded. */
export function sweepCostUsd(items: number, a: SweepAssumptions): number {
  const gbSeconds = (a.itemMemoryMiB / 1024) * a.assumedItemSeconds;
  const perItem =
    gbSeconds * PRICES_USD.lambdaGbSecond +
    PRICES_USD.lambdaRequest +
    TRANSITIONS_PER_ITEM * PRICES_USD.stateTransition +
    // GET-class: the spec, a HEAD per chunk of the day, the day's replay form (replay-object-cache.ts);
    // PUT-class: the listing that finds the form, the result. (The one build per day — its chunks read, the
    // form written — is left out: a few requests per day, not per item.)
    (2 + a.assumedFilesPerDay) * PRICES_USD.s3Get +
    2 * PRICES_USD.s3Put;
  return items * perItem;
}

export function costPer1000ItemRunsUsd(a: SweepAssumptions): number {
  return sweepCostUsd(1000, a);
}

export function expectedWallSeconds(items: number, a: SweepAssumptions): number {
  const waves = Math.ceil(items / Math.max(1, a.maxConcurrency));
  return waves * a.assumedItemSeconds + FIXED_OVERHEAD_SECONDS;
}

export interface SweepPlanSummary {
  units: number;
  paramSets: number;
  items: number;
  maxConcurrency: number;
  wallSeconds: number;
  costUsd: number;
  costPer1000Usd: number;
}

export function summarizePlan(units: number, paramSets: number, a: SweepAssumptions): SweepPlanSummary {
  const items = units * paramSets;
  return {
    units,
    paramSets,
    items,
    maxConcurrency: a.maxConcurrency,
    wallSeconds: expectedWallSeconds(items, a),
    costUsd: sweepCostUsd(items, a),
    costPer1000Usd: costPer1000ItemRunsUsd(a),
  };
}

const duration = (s: number): string => (s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

/** The dry run's lines. */
export function formatPlan(p: SweepPlanSummary, a: SweepAssumptions): string {
  return [
    `plan: ${p.units} days × ${p.paramSets} parameter sets = ${p.items} items`,
    `wall time: ~${duration(p.wallSeconds)} at concurrency ${p.maxConcurrency} (${Math.ceil(p.items / Math.max(1, p.maxConcurrency))} waves × ${a.assumedItemSeconds} s per item, + ${FIXED_OVERHEAD_SECONDS} s start and report)`,
    `cost: ~$${p.costUsd.toFixed(2)} ($${p.costPer1000Usd.toFixed(2)} per 1,000 item-runs: Lambda ${a.itemMemoryMiB} MiB arm64 × ${a.assumedItemSeconds} s, Step Functions, S3; us-east-1 list prices)`,
  ].join('\n');
}
