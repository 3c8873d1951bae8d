/**
 * The sweep's last step: read the spec and every item result from the store, build the comparison, write it
 * as report.json and report.html. The final Lambda of the distributed sweep and the local runner both call it.
 * A missing or unreadable result is reported as missing, never fatal: the report says what ran.
 */
import { ObjectNotFoundError, type ObjectStore } from '../aws/object-store.js';
import { renderComparisonHtml } from '../reports/sweep-comparison-html.js';
import { buildComparison, serializeComparison, type ComparisonReport } from './sweep-comparison.js';
import type { SweepItemResult } from './sweep-item-result.js';
import { sweepKeys } from './sweep-layout.js';
import type { SweepSpec } from './sweep-plan.js';

export interface SweepReportOutput {
  report: ComparisonReport;
  json: string;
  html: string;
}

/** Reads results `parallel` at a time (S3 GETs). */
export async function buildSweepReport(store: ObjectStore, sweepId: string, parallel = 16): Promise<SweepReportOutput> {
  const keys = sweepKeys(sweepId);
  const spec = JSON.parse(await store.getText(keys.spec)) as SweepSpec;
  const results: (SweepItemResult | undefined)[] = new Array(spec.itemCount);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < spec.itemCount) {
      const i = next++;
      try {
        results[i] = JSON.parse(await store.getText(keys.result(i))) as SweepItemResult;
      } catch (err) {
        if (!(err instanceof ObjectNotFoundError) && !(err instanceof SyntaxError)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, spec.itemCount)) }, worker));
  const report = buildComparison(spec, results);
  await store.putText(keys.reportJson, serializeComparison(report), 'application/json; charset=utf-8');
  await store.putText(keys.reportHtml, renderComparisonHtml(report), 'text/html; charset=utf-8');
  return { report, json: store.location(keys.reportJson), html: store.location(keys.reportHtml) };
}
