/**
 * Where a research sweep's files live, the same in the results bucket and in a local output folder:
 *
 *   sweeps/<sweepId>/spec.json         the spec (configuration text, parameter sets, days)
 *   sweeps/<sweepId>/items.json        the items array the Distributed Map iterates over
 *   sweeps/<sweepId>/results/NNNNN.json one result per item
 *   sweeps/<sweepId>/report.json|html  the comparison report
 */
import { itemResultName } from './sweep-item-result.js';

export const SWEEPS_PREFIX = 'sweeps/';

export interface SweepKeys {
  root: string;
  spec: string;
  items: string;
  resultsPrefix: string;
  result(item: number): string;
  reportJson: string;
  reportHtml: string;
}

export function sweepKeys(sweepId: string): SweepKeys {
  const root = `${SWEEPS_PREFIX}${sweepId}/`;
  return {
    root,
    spec: `${root}spec.json`,
    items: `${root}items.json`,
    resultsPrefix: `${root}results/`,
    result: (item) => `${root}results/${itemResultName(item)}`,
    reportJson: `${root}report.json`,
    reportHtml: `${root}report.html`,
  };
}

/** The sweep id of a spec key (`sweeps/<id>/spec.json`), or undefined. */
export function sweepIdOfSpecKey(key: string): string | undefined {
  return /^sweeps\/([A-Za-z0-9_-]{1,64})\/spec\.json$/.exec(key)?.[1];
}
