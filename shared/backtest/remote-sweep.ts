/**
 * Launching a research sweep on AWS and waiting for it: find the recorded days in the recordings bucket, write
 * the spec and the items array to the results bucket, start the state machine (a Distributed Map over the
 * items, then the report step), then poll the execution and its map run for a progress bar. The deployed
 * names come from one SSM parameter the research stack writes (`/<stage>/research/endpoints`, JSON).
 */
import type { ObjectStore } from '../aws/object-store.js';
import type { ExecutionState, MapRunProgress, StepFunctionsApi } from '../aws/step-functions-api.js';
import { sweepKeys } from './sweep-layout.js';
import { checkFargateItems, dayPrefix, type DataUnit, type SweepItem, type SweepSpec } from './sweep-plan.js';

export interface ResearchEndpoints {
  stateMachineArn: string;
  resultsBucket: string;
  recordingsBucket: string;
  /** The bot's recordings/<stage>/ prefix. */
  recordingsPrefix: string;
}

export function researchEndpointsParameter(stage: string): string {
  return `/${stage}/research/endpoints`;
}

export function parseResearchEndpoints(text: string, name: string): ResearchEndpoints {
  let v: Partial<ResearchEndpoints>;
  try {
    v = JSON.parse(text) as Partial<ResearchEndpoints>;
  } catch {
    throw new Error(`${name} is not JSON: is the research stack deployed (research.enabled in infra/config/research.ts)?`);
  }
  for (const k of ['stateMachineArn', 'resultsBucket', 'recordingsBucket', 'recordingsPrefix'] as const) {
    if (typeof v[k] !== 'string' || v[k] === '') throw new Error(`${name}: field ${k} is missing`);
  }
  return v as ResearchEndpoints;
}

/** The state machine's input. */
export interface SweepExecutionInput {
  sweepId: string;
  specKey: string;
  itemsKey: string;
  resultsBucket: string;
}

/**
 * One unit per day that has recording chunks, with the chunks' total size (which routes the day's items to
 * Lambda or Fargate); days without any are returned in `empty`.
 */
export async function listDayUnits(recordings: ObjectStore, recordingsPrefix: string, days: readonly string[]): Promise<{ units: DataUnit[]; empty: string[] }> {
  const units: DataUnit[] = [];
  const empty: string[] = [];
  for (const day of days) {
    const chunks = (await recordings.listSized(dayPrefix(recordingsPrefix, day))).filter((o) => o.key.endsWith('.ndjson.gz') || o.key.endsWith('.ndjson'));
    if (chunks.length === 0) empty.push(day);
    else units.push({ label: day, sources: chunks.map((o) => o.key), bytes: chunks.reduce((a, o) => a + o.size, 0) });
  }
  return { units, empty };
}

/** Writes spec and items, then starts the execution (named after the sweep: a second launch of the same id fails). */
export async function launchRemoteSweep(opts: { sfn: StepFunctionsApi; results: ObjectStore; endpoints: ResearchEndpoints; spec: SweepSpec; items: readonly SweepItem[] }): Promise<{ executionArn: string; input: SweepExecutionInput }> {
  const keys = sweepKeys(opts.spec.sweepId);
  checkFargateItems(keys.spec, opts.items);
  await opts.results.putText(keys.spec, JSON.stringify(opts.spec, null, 2) + '\n', 'application/json; charset=utf-8');
  await opts.results.putText(keys.items, JSON.stringify(opts.items) + '\n', 'application/json; charset=utf-8');
  const input: SweepExecutionInput = { sweepId: opts.spec.sweepId, specKey: keys.spec, itemsKey: keys.items, resultsBucket: opts.endpoints.resultsBucket };
  const { executionArn } = await opts.sfn.startExecution({ stateMachineArn: opts.endpoints.stateMachineArn, name: opts.spec.sweepId, input: JSON.stringify(input) });
  return { executionArn, input };
}

export interface WaitOptions {
  sfn: StepFunctionsApi;
  executionArn: string;
  /** Items expected (the bar's total until the map run reports its own). */
  items: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (done: number, total: number, progress: MapRunProgress | undefined) => void;
}

/** Polls until the execution leaves RUNNING; returns its final state. */
export async function waitForSweep(opts: WaitOptions): Promise<ExecutionState> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (;;) {
    const state = await opts.sfn.describeExecution(opts.executionArn);
    const progress = await opts.sfn.mapRunProgress(opts.executionArn);
    const total = progress?.total || opts.items;
    const done = progress ? progress.succeeded + progress.failed + progress.aborted + progress.timedOut : 0;
    opts.onProgress?.(state.status === 'RUNNING' ? Math.min(done, total) : total, total, progress);
    if (state.status !== 'RUNNING') return state;
    await sleep(opts.pollMs ?? 5_000);
  }
}
