/**
 * The research stack's stage settings (config/stages.ts `research`): whether the stage deploys it, how wide the
 * Distributed Map runs, how many items a sweep may have, the item Lambda's size, which days run on a Fargate
 * task instead (by recording size) and that task's size, and the assumptions of the printed plan (time per
 * item, chunks per day, share of long days). The cost per 1,000 item-runs is derived from them
 * (shared/backtest/sweep-cost.ts) and must stay under the stage's ceiling: synth fails, and the launcher
 * refuses, when a change of size or time would push it above. A sweep's own estimate must stay under
 * `maxSweepCostUsd` (the launcher and the dry run refuse above it).
 */
import { costPer1000ItemRunsUsd, type SweepAssumptions, type SweepPlanSummary } from '../../shared/backtest/sweep-cost.js';

export interface ResearchSettings extends SweepAssumptions {
  /** Deploy the research stack (PmusResearch-<stage>) with this stage. */
  enabled: boolean;
  /** The Distributed Map's MaxConcurrency (parallel item Lambdas). */
  maxConcurrency: number;
  /** Items per sweep: the launcher refuses more; the map's ItemReader reads no more (MaxItems). */
  maxItems: number;
  /** The item Lambda's memory, MiB (1,769 = one vCPU; the replay is single-threaded). */
  itemMemoryMiB: number;
  /** The item Lambda's timeout, minutes (Lambda's maximum is 15). */
  itemTimeoutMinutes: number;
  /** Ceiling on the estimated cost per 1,000 item-runs, USD. */
  maxCostPer1000ItemRunsUsd: number;
  /** Failed items tolerated before the map run fails, percent (the report lists them). */
  toleratedFailurePercent: number;
  /** Cap on one sweep's estimated cost, USD: the launcher and the dry run refuse a plan above it. */
  maxSweepCostUsd: number;
}

export const RESEARCH_DEFAULTS: ResearchSettings = {
  enabled: false,
  maxConcurrency: 100,
  maxItems: 5000,
  itemMemoryMiB: 1769,
  itemTimeoutMinutes: 15,
  assumedItemSeconds: 60,
  assumedFilesPerDay: 24,
  maxCostPer1000ItemRunsUsd: 2.5,
  toleratedFailurePercent: 5,
  // ~20 bytes of gzip per event (the shipped sample): 256 MiB is ~13 M events, whose decoded replay form
  // and the gzip chunks beside it approach the item Lambda's memory and 2 GiB /tmp.
  fargateAboveMiB: 256,
  fargateCpu: 1024,
  fargateMemoryMiB: 4096,
  assumedFargateItemSeconds: 1200,
  assumedFargateDayPercent: 2,
  maxSweepCostUsd: 50,
};

/** Fargate's CPU units and the memory (MiB) each allows: [min, max, step] (ARM64 Linux tasks). */
export const FARGATE_SIZES: Readonly<Record<number, readonly [number, number, number]>> = {
  256: [512, 2048, 512],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
  8192: [16384, 61440, 4096],
  16384: [32768, 122880, 8192],
};

/** Above this a day goes to Fargate at the latest: the item Lambda's /tmp (2 GiB) holds its chunks and its form. */
export const MAX_LAMBDA_DAY_MIB = 1024;

/**
 * The map's result (each item returns ~25 bytes) must fit Step Functions' 256 KiB state payload: the sweep writes
 * its results to S3 itself rather than through a ResultWriter (whose bucket-path grant would be `s3:*` on `*`).
 */
export const MAX_ITEMS_PER_SWEEP = 8000;

export function validateResearchSettings(stage: string, r: ResearchSettings): string[] {
  const problems: string[] = [];
  const int = (name: keyof ResearchSettings, min: number, max: number): void => {
    const v = r[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problems.push(`research.${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  };
  int('maxConcurrency', 1, 10_000);
  int('maxItems', 1, MAX_ITEMS_PER_SWEEP);
  int('itemMemoryMiB', 128, 10_240);
  int('itemTimeoutMinutes', 1, 15);
  int('assumedFilesPerDay', 1, 10_000);
  int('toleratedFailurePercent', 0, 100);
  int('fargateAboveMiB', 1, MAX_LAMBDA_DAY_MIB);
  int('assumedFargateDayPercent', 0, 100);
  const size = FARGATE_SIZES[r.fargateCpu];
  if (!size) problems.push(`research.fargateCpu must be one of ${Object.keys(FARGATE_SIZES).join(', ')} (CPU units, 1024 = one vCPU), got ${String(r.fargateCpu)}`);
  else if (!Number.isInteger(r.fargateMemoryMiB) || r.fargateMemoryMiB < size[0] || r.fargateMemoryMiB > size[1] || (r.fargateMemoryMiB - size[0]) % size[2] !== 0) {
    problems.push(`research.fargateMemoryMiB must be ${size[0]}..${size[1]} in steps of ${size[2]} with fargateCpu ${r.fargateCpu}, got ${String(r.fargateMemoryMiB)}`);
  }
  if (!(r.assumedFargateItemSeconds > 0)) problems.push(`research.assumedFargateItemSeconds must be positive, got ${String(r.assumedFargateItemSeconds)}`);
  if (!(r.maxSweepCostUsd > 0)) problems.push(`research.maxSweepCostUsd must be positive, got ${String(r.maxSweepCostUsd)}`);
  if (!(r.assumedItemSeconds > 0) || r.assumedItemSeconds > r.itemTimeoutMinutes * 60) problems.push(`research.assumedItemSeconds must be positive and within the item timeout (${r.itemTimeoutMinutes} min)`);
  const cost = costPer1000ItemRunsUsd(r);
  if (cost > r.maxCostPer1000ItemRunsUsd) problems.push(`research: estimated $${cost.toFixed(2)} per 1,000 item-runs (with assumedFargateDayPercent ${r.assumedFargateDayPercent} % of the days on Fargate) is above maxCostPer1000ItemRunsUsd ($${r.maxCostPer1000ItemRunsUsd}); lower itemMemoryMiB or the Fargate task's size (fargateCpu, fargateMemoryMiB), or raise the ceiling`);
  return problems.map((p) => `stage ${stage}: ${p} (infra/config/research.ts)`);
}

/** Why a planned sweep may not be launched (empty: it may): above the item cap or the sweep cost cap. */
export function planRefusals(plan: SweepPlanSummary, r: ResearchSettings): string[] {
  const out: string[] = [];
  if (plan.items > r.maxItems) out.push(`above the cap: ${plan.items} > ${r.maxItems} items (research.maxItems)`);
  if (plan.costUsd > r.maxSweepCostUsd) out.push(`above the cost cap: ~$${plan.costUsd.toFixed(2)} > $${r.maxSweepCostUsd.toFixed(2)} (research.maxSweepCostUsd)`);
  return out;
}
