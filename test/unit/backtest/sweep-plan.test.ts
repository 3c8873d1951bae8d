/** The research sweep's plan, cost model and comparison: items, cap, days, wall time, cost, sums. */
import { describe, expect, it } from 'vitest';
import { RESEARCH_DEFAULTS } from '../../../infra/config/research.js';
import { buildComparison } from '../../../shared/backtest/sweep-comparison.js';
import { costPer1000ItemRunsUsd, expectedWallSeconds, summarizePlan } from '../../../shared/backtest/sweep-cost.js';
import type { SweepItemResult } from '../../../shared/backtest/sweep-item-result.js';
import { dayPrefix, makeSpec, parseDays, planItems, SweepPlanError } from '../../../shared/backtest/sweep-plan.js';
import type { ReportSummary } from '../../../shared/reports/report-model.js';

const sets = [0, 1, 2].map((id) => ({ id, overrides: { spread: 0.01 * (id + 1) } }));
const units = ['2026-12-01', '2026-12-02'].map((label) => ({ label, sources: [`k/${label}`] }));

describe('sweep plan', () => {
  it('one item per day × set, day-major, dense ids; the cap refuses more', () => {
    const items = planItems(units, sets);
    expect(items.map((i) => [i.item, i.unit, i.paramSet])).toEqual([
      [0, '2026-12-01', 0], [1, '2026-12-01', 1], [2, '2026-12-01', 2],
      [3, '2026-12-02', 0], [4, '2026-12-02', 1], [5, '2026-12-02', 2],
    ]);
    expect(() => planItems(units, sets, 5)).toThrow(SweepPlanError);
    expect(() => planItems([], sets)).toThrow(/no data/);
  });

  it('days: ranges and lists, UTC, sorted, deduplicated; bad input named', () => {
    expect(parseDays('2026-02-27..2026-03-01,2026-02-27')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(() => parseDays('2026-13-01')).toThrow(/not a valid range|YYYY/);
    expect(() => parseDays('yesterday')).toThrow(/--days/);
    expect(dayPrefix('recordings/staging/', '2026-12-01')).toBe('recordings/staging/2026/12/01/');
  });

  it('30 days × 50 sets at the default settings: 1,500 items, waves of maxConcurrency, cost per 1,000 under the ceiling', () => {
    const p = summarizePlan(30, 50, RESEARCH_DEFAULTS);
    expect(p.items).toBe(1500);
    expect(p.wallSeconds).toBe(expectedWallSeconds(1500, RESEARCH_DEFAULTS));
    expect(p.wallSeconds).toBe(Math.ceil(1500 / RESEARCH_DEFAULTS.maxConcurrency) * RESEARCH_DEFAULTS.assumedItemSeconds + 30);
    expect(p.costUsd).toBeCloseTo(1.5 * costPer1000ItemRunsUsd(RESEARCH_DEFAULTS), 9);
    expect(p.costPer1000Usd).toBeLessThanOrEqual(RESEARCH_DEFAULTS.maxCostPer1000ItemRunsUsd);
    // Doubling memory roughly doubles the compute part.
    expect(costPer1000ItemRunsUsd({ ...RESEARCH_DEFAULTS, itemMemoryMiB: 3538 })).toBeGreaterThan(1.9 * costPer1000ItemRunsUsd(RESEARCH_DEFAULTS) - 0.2);
  });
});

describe('comparison', () => {
  const summary = (net: string, dd: string, fills: number): ReportSummary => ({ total: { net, realized: net, unrealized: '0', fees: '0.5', fills, volume: fills }, feesPaid: '0.5', fills, maxDrawdown: dd, sharpeHourly: 1, hitRate: null } as unknown as ReportSummary);
  const spec = makeSpec({ sweepId: 's', title: 't', configFiles: {}, env: {}, axes: [{ key: 'spread', path: 'spread' }], paramSets: sets.slice(0, 2), units });
  const result = (item: number, unit: string, paramSet: number, s?: ReportSummary, error?: string): SweepItemResult => ({ sweepId: 's', item, unit, paramSet, overrides: {}, ...(s ? { summary: s } : {}), ...(error ? { error } : {}) });

  it('sums exactly over days, drawdown over days, daily Sharpe, best among complete sets; failures and gaps listed', () => {
    const r = buildComparison(spec, [
      result(0, '2026-12-01', 0, summary('10.100001', '2', 3)),
      result(1, '2026-12-01', 1, summary('50', '1', 1)),
      result(2, '2026-12-02', 0, summary('-4.000001', '5', 2)),
      undefined,
    ]);
    expect(r.rows[0]).toMatchObject({ net: '6.100000', fills: 5, fees: '1.000000', worstDayDrawdown: '5.000000', drawdownOverDays: '4.000001', days: 2, complete: true, netByUnit: ['10.100001', '-4.000001'] });
    expect(r.rows[0]!.sharpeDaily).toBeCloseTo((6.1 / 2) / Math.sqrt(((10.100001 - 3.05) ** 2 + (-4.000001 - 3.05) ** 2) / 1), 5);
    expect(r.rows[1]).toMatchObject({ complete: false, days: 1, netByUnit: ['50.000000', null] });
    expect(r.best).toBe(0);
    expect(r.missing).toEqual([3]);
    const e = buildComparison(spec, [result(0, '2026-12-01', 0, undefined, 'boom')]);
    expect(e.errors).toEqual([{ item: 0, unit: '2026-12-01', paramSet: 0, error: 'boom' }]);
    expect(e.best).toBeNull();
  });
});
