/** The research sweep's plan, cost model and comparison: items, cap, days, wall time, cost, sums. */
import { describe, expect, it } from 'vitest';
import { RESEARCH_DEFAULTS } from '../../../infra/config/research.js';
import { buildComparison } from '../../../shared/backtest/sweep-comparison.js';
import fc from 'fast-check';
import { planRefusals } from '../../../infra/config/research.js';
import { costPer1000ItemRunsUsd, expectedWallSeconds, FARGATE_START_SECONDS, formatPlan, itemCostUsd, PRICES_USD, summarizePlan, sweepCostUsd, TRANSITIONS_PER_ITEM } from '../../../shared/backtest/sweep-cost.js';
import type { SweepItemResult } from '../../../shared/backtest/sweep-item-result.js';
import { checkFargateItems, dayPrefix, FARGATE_ITEM_MAX_CHARS, makeSpec, parseDays, planItems, runnerForBytes, SweepPlanError } from '../../../shared/backtest/sweep-plan.js';
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
    const allLambda = { ...RESEARCH_DEFAULTS, assumedFargateDayPercent: 0 };
    const p = summarizePlan(30, 50, allLambda);
    expect(p.items).toBe(1500);
    expect([p.lambdaItems, p.fargateItems, p.fargateUnits]).toEqual([1500, 0, 0]);
    expect(p.wallSeconds).toBe(expectedWallSeconds(1500, allLambda));
    expect(p.wallSeconds).toBe(Math.ceil(1500 / RESEARCH_DEFAULTS.maxConcurrency) * RESEARCH_DEFAULTS.assumedItemSeconds + 30);
    expect(p.costUsd).toBeCloseTo(1.5 * costPer1000ItemRunsUsd(allLambda), 9);
    expect(p.costPer1000Usd).toBeLessThanOrEqual(RESEARCH_DEFAULTS.maxCostPer1000ItemRunsUsd);
    expect(costPer1000ItemRunsUsd(RESEARCH_DEFAULTS)).toBeLessThanOrEqual(RESEARCH_DEFAULTS.maxCostPer1000ItemRunsUsd);
    // Doubling memory roughly doubles the compute part.
    expect(costPer1000ItemRunsUsd({ ...allLambda, itemMemoryMiB: 3538 })).toBeGreaterThan(1.9 * costPer1000ItemRunsUsd(allLambda) - 0.2);
  });
});

describe('sweep plan: Lambda or Fargate per day', () => {
  const MiB = 1024 * 1024;

  it('a day above fargateAboveMiB runs on Fargate, at or below it (or of unknown size) on Lambda', () => {
    expect(runnerForBytes(256 * MiB, 256)).toBe('lambda');
    expect(runnerForBytes(256 * MiB + 1, 256)).toBe('fargate');
    expect(runnerForBytes(0, 256)).toBe('lambda');
    expect(runnerForBytes(undefined, 256)).toBe('lambda');
    fc.assert(fc.property(fc.nat(1 << 40), fc.integer({ min: 1, max: 1024 }), (bytes, mib) => (runnerForBytes(bytes, mib) === 'fargate') === bytes > mib * MiB));
  });

  it('items carry their day\u2019s runner when routed (remote), none when not (local); ids and order unchanged', () => {
    const sized = [{ label: 'short', sources: ['a'], bytes: 10 * MiB }, { label: 'long', sources: ['b'], bytes: 300 * MiB }];
    const routed = planItems(sized, sets, Infinity, (u) => runnerForBytes(u.bytes, 256));
    expect(routed.map((i) => [i.item, i.unit, i.runner])).toEqual([
      [0, 'short', 'lambda'], [1, 'short', 'lambda'], [2, 'short', 'lambda'],
      [3, 'long', 'fargate'], [4, 'long', 'fargate'], [5, 'long', 'fargate'],
    ]);
    const local = planItems(sized, sets);
    expect(local.every((i) => !('runner' in i))).toBe(true);
    expect(routed.map(({ runner: _r, ...rest }) => rest)).toEqual(local);
  });

  it('a Fargate item too large for its task\u2019s environment override is refused before launch, with the day named', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `recordings/staging/2026/12/01/chunk-${String(i).padStart(5, '0')}.ndjson.gz`);
    const ok = planItems([{ label: '2026-12-01', sources: many(24) }], sets, Infinity, () => 'fargate');
    expect(() => checkFargateItems('sweeps/s/spec.json', ok)).not.toThrow();
    const big = planItems([{ label: '2026-12-01', sources: many(200) }], sets, Infinity, () => 'fargate');
    expect(() => checkFargateItems('sweeps/s/spec.json', big)).toThrow(new RegExp(`item 0 \\(2026-12-01, 200 recording files\\) is \\d+ characters as JSON, above the ${FARGATE_ITEM_MAX_CHARS}`));
    // The same day on Lambda is not limited by it.
    expect(() => checkFargateItems('sweeps/s/spec.json', planItems([{ label: 'd', sources: many(200) }], sets, Infinity, () => 'lambda'))).not.toThrow();
  });

  it('cost: a Fargate item-run is priced at ARM64 vCPU- and GB-seconds (start included, public IPv4) and one more transition', () => {
    const a = RESEARCH_DEFAULTS;
    const seconds = FARGATE_START_SECONDS + a.assumedFargateItemSeconds;
    const compute = seconds * ((a.fargateCpu / 1024) * PRICES_USD.fargateVcpuSecond + (a.fargateMemoryMiB / 1024) * PRICES_USD.fargateGbSecond + PRICES_USD.publicIpv4Second);
    const lambdaCompute = (a.itemMemoryMiB / 1024) * a.assumedItemSeconds * PRICES_USD.lambdaGbSecond + PRICES_USD.lambdaRequest;
    // Everything but compute is the same for both runners, but for the Pass state's transition.
    expect(itemCostUsd('fargate', a) - compute - (itemCostUsd('lambda', a) - lambdaCompute)).toBeCloseTo((TRANSITIONS_PER_ITEM.fargate - TRANSITIONS_PER_ITEM.lambda) * PRICES_USD.stateTransition, 12);
    // us-east-1 ARM list prices: $0.03238 per vCPU-hour, $0.00356 per GB-hour.
    expect(PRICES_USD.fargateVcpuSecond * 3600).toBeCloseTo(0.03238, 9);
    expect(PRICES_USD.fargateGbSecond * 3600).toBeCloseTo(0.00356, 9);
    expect(itemCostUsd('fargate', a)).toBeGreaterThan(itemCostUsd('lambda', a));
  });

  it('a plan\u2019s cost is the sum over its runners; per 1,000 at the assumed share blends the two', () => {
    const a = RESEARCH_DEFAULTS;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.nat(60), (units, paramSets, f) => {
        const fargateUnits = Math.min(f, units);
        const p = summarizePlan(units, paramSets, a, fargateUnits);
        expect(p.fargateAssumed).toBe(false);
        expect(p.lambdaItems + p.fargateItems).toBe(p.items);
        expect(p.fargateItems).toBe(fargateUnits * paramSets);
        expect(p.costUsd).toBeCloseTo(p.lambdaItems * itemCostUsd('lambda', a) + p.fargateItems * itemCostUsd('fargate', a), 9);
        expect(p.costUsd).toBeCloseTo(sweepCostUsd(p.items, a, p.fargateItems), 9);
        // Wall time: never shorter than the longest item nor than the waves of Lambda items alone.
        expect(p.wallSeconds).toBeGreaterThanOrEqual((p.fargateItems > 0 ? FARGATE_START_SECONDS + a.assumedFargateItemSeconds : a.assumedItemSeconds) + 30);
        expect(p.wallSeconds).toBeGreaterThanOrEqual(Math.ceil(p.items / a.maxConcurrency) * a.assumedItemSeconds + 30 - 1e-9);
      }),
    );
    const f = a.assumedFargateDayPercent / 100;
    expect(costPer1000ItemRunsUsd(a)).toBeCloseTo(1000 * ((1 - f) * itemCostUsd('lambda', a) + f * itemCostUsd('fargate', a)), 9);
    // Unknown sizes: the assumed share of the days (30 days × 2 % → 1 day).
    const assumed = summarizePlan(30, 50, a);
    expect([assumed.fargateAssumed, assumed.fargateUnits, assumed.fargateItems]).toEqual([true, Math.round(30 * a.assumedFargateDayPercent / 100), Math.round(30 * a.assumedFargateDayPercent / 100) * 50]);
  });

  it('the dry run\u2019s lines: items each way and their cost; the cost cap and the item cap refuse', () => {
    const a = RESEARCH_DEFAULTS;
    const p = summarizePlan(30, 50, a, 2);
    const text = formatPlan(p, a);
    expect(text).toContain('plan: 30 days × 50 parameter sets = 1500 items');
    expect(text).toContain(`runners: 1400 items on Lambda (28 days), 100 on Fargate (2 days above research.fargateAboveMiB ${a.fargateAboveMiB} MiB, by the listed sizes)`);
    expect(text).toContain(`Lambda ~$${p.lambdaCostUsd.toFixed(2)} ($${(1000 * itemCostUsd('lambda', a)).toFixed(2)} per 1,000`);
    expect(text).toContain(`Fargate ~$${p.fargateCostUsd.toFixed(2)} ($${(1000 * itemCostUsd('fargate', a)).toFixed(2)} per 1,000: 1 vCPU / 4 GB arm64`);
    expect(text).toMatch(new RegExp(`cost: ~\\$${p.costUsd.toFixed(2)} \\(\\$${p.costPer1000Usd.toFixed(2)} per 1,000 item-runs\\)`));
    expect(formatPlan(summarizePlan(30, 50, a), a)).toContain('assumed: research.assumedFargateDayPercent 2 % of the days');
    expect(planRefusals(p, a)).toEqual([]);
    expect(planRefusals(p, { ...a, maxSweepCostUsd: 1 })).toEqual([`above the cost cap: ~$${p.costUsd.toFixed(2)} > $1.00 (research.maxSweepCostUsd)`]);
    expect(planRefusals(summarizePlan(200, 50, a, 0), a)).toEqual(['above the cap: 10000 > 5000 items (research.maxItems)']);
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
