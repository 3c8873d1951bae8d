/**
 * The research stack's stage settings (config/stages.ts `research`): whether the stage deploys it, how wide the
 * Distributed Map runs, how many items a sweep may have, the item Lambda's size, and the assumptions of the
 * printed plan (time per item, chunks per day). The cost per 1,000 item-runs is derived from them
 * (shared/backtest/sweep-cost.ts) and must stay under the stage's ceiling: synth fails, and the launcher
 * refuses, when a change of memory or time would push it above.
 */
import { costPer1000ItemRunsUsd, type SweepAssumptions } from '../../shared/backtest/sweep-cost.js';

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
};

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
  if (!(r.assumedItemSeconds > 0) || r.assumedItemSeconds > r.itemTimeoutMinutes * 60) problems.push(`research.assumedItemSeconds must be positive and within the item timeout (${r.itemTimeoutMinutes} min)`);
  const cost = costPer1000ItemRunsUsd(r);
  if (cost > r.maxCostPer1000ItemRunsUsd) problems.push(`research: estimated $${cost.toFixed(2)} per 1,000 item-runs is above maxCostPer1000ItemRunsUsd ($${r.maxCostPer1000ItemRunsUsd}); lower itemMemoryMiB or raise the ceiling`);
  return problems.map((p) => `stage ${stage}: ${p} (infra/config/research.ts)`);
}
