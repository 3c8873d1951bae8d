/**
 * One backtest as data (what a sweep worker receives) and its run: load the recording (through its cached
 * replay form, shared/recording/binary), build the configuration with the overrides, replay, summarize.
 * Used by the CLI directly and by sweep workers.
 */
import type { StrategyKey } from '../engine/assemble-engine.js';
import type { LoadedRecording } from '../recording/recording-reader.js';
import { loadReplayRecording, type ReplayRecording } from '../recording/binary/replay-cache.js';
import type { ReportSummary } from '../reports/report-model.js';
import { backtestConfigFromDocuments, readBacktestConfigDocuments, type BacktestConfigDocuments, type OverrideValue } from './backtest-config.js';
import { runReplay, type BacktestResult } from './replay.js';

export interface BacktestJob {
  id: number;
  dataPaths: string[];
  configSource: string;
  overrides: Record<string, OverrideValue>;
  strategies?: StrategyKey[];
  latencyMs?: number;
  /** Environment for the configuration's `${VAR}` interpolation (default process.env); sweeps pin it. */
  env?: Record<string, string>;
}

export interface BacktestOutcome {
  id: number;
  overrides: Record<string, OverrideValue>;
  summary?: ReportSummary;
  events?: number;
  /** Wall time of the replay itself (report included; not the recording's load or the configuration's build), ms. */
  replayMs?: number;
  error?: string;
}

/**
 * Runs one job. `recording` and `configDocuments` are the job's data and configuration source already read
 * (a sweep worker keeps them between jobs); when absent they are read here.
 */
export async function runBacktestJob(job: BacktestJob, recording?: LoadedRecording | ReplayRecording, configDocuments?: BacktestConfigDocuments): Promise<{ outcome: BacktestOutcome; result?: BacktestResult }> {
  try {
    const rec = recording ?? (await loadReplayRecording(job.dataPaths));
    const config = backtestConfigFromDocuments(configDocuments ?? readBacktestConfigDocuments(job.configSource), job.overrides, job.env ?? process.env);
    const start = performance.now();
    const result = await runReplay({
      lines: rec.lines,
      config,
      ...(job.strategies ? { strategies: job.strategies } : {}),
      ...(job.latencyMs !== undefined ? { latencyMs: job.latencyMs } : {}),
      keepDecisions: false,
      reportTitle: `Backtest ${Object.entries(job.overrides).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`.trim(),
    });
    const replayMs = performance.now() - start;
    return { outcome: { id: job.id, overrides: job.overrides, summary: result.report?.summary, events: result.events, replayMs }, result };
  } catch (err) {
    return { outcome: { id: job.id, overrides: job.overrides, error: err instanceof Error ? err.message : String(err) } };
  }
}
