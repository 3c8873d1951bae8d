import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.js';
import { loadBacktestConfig, overridesToDocument, parseOverrideValue, resolveConfigPath } from '../../../shared/backtest/backtest-config.js';
import { formatProgress } from '../../../shared/backtest/progress-bar.js';
import { comparisonTable, parseSweepArg, SweepArgError, sweepGrid } from '../../../shared/backtest/sweep.js';
import { drawdownOf, ratiosOf } from '../../../shared/reports/report-model.js';

describe('backtest configuration', () => {
  it('applies overrides by config path or alias, in the schema’s units', () => {
    const base = loadBacktestConfig('config');
    const c = loadBacktestConfig('config', { spread: 0.04, 'risk.kelly_fraction': 0.5, latency: 120 });
    expect(c.mode).toBe('paper');
    expect(c.strategies.marketMaker.spread).toBe(40_000);
    expect(c.risk.kellyFraction).toBe(0.5);
    expect(c.trading.paper.orderLatencyMs).toBe(120);
    expect(c.risk.maxDailyLoss).toBe(base.risk.maxDailyLoss);
  });

  it('refuses an unknown key or an invalid value with a ConfigError naming the path', () => {
    expect(() => loadBacktestConfig('config', { 'strategies.market_maker.sprd': 0.02 })).toThrow(ConfigError);
    expect(() => loadBacktestConfig('config', { spread: 0.001 })).toThrow(/spread/);
  });

  it('overridesToDocument nests dotted paths and merges siblings', () => {
    expect(overridesToDocument({ 'a.b.c': 1, 'a.b.d': true, spread: 0.02 })).toEqual({
      a: { b: { c: 1, d: true } },
      strategies: { market_maker: { spread: 0.02 } },
    });
    expect(resolveConfigPath('kelly')).toBe('risk.kelly_fraction');
    expect([parseOverrideValue('0.02'), parseOverrideValue('true'), parseOverrideValue('x1')]).toEqual([0.02, true, 'x1']);
  });
});

describe('sweeps', () => {
  it('parses --sweep and builds the full grid, first axis slowest', () => {
    const a = parseSweepArg('spread=0.01,0.02');
    const b = parseSweepArg('kelly=0.1,0.2,0.3');
    expect(a).toEqual({ key: 'spread', path: 'strategies.market_maker.spread', values: [0.01, 0.02] });
    const grid = sweepGrid([a, b]);
    expect(grid).toHaveLength(6);
    expect(grid[0]).toEqual({ 'strategies.market_maker.spread': 0.01, 'risk.kelly_fraction': 0.1 });
    expect(grid[5]).toEqual({ 'strategies.market_maker.spread': 0.02, 'risk.kelly_fraction': 0.3 });
    expect(() => parseSweepArg('spread')).toThrow(SweepArgError);
    expect(() => parseSweepArg('spread=')).toThrow(SweepArgError);
  });

  it('grid size is the product of the axes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), (sizes) => {
        const axes = sizes.map((n, i) => ({ key: `k${i}`, path: `p${i}`, values: Array.from({ length: n }, (_, j) => j) }));
        const grid = sweepGrid(axes);
        expect(grid).toHaveLength(sizes.reduce((a, b) => a * b, 1));
        expect(new Set(grid.map((g) => JSON.stringify(g))).size).toBe(grid.length);
      }),
    );
  });

  it('the comparison table shows every combination and marks the best net PnL', () => {
    const axes = [parseSweepArg('spread=0.01,0.02')];
    const summary = (net: string) => ({ total: { net, realized: '0', fees: '0', unrealized: '0', fills: 1, volume: 1 }, feesPaid: '0.10', fills: 3, hitRate: 0.5, sharpeHourly: 1.2, maxDrawdown: '1.00', decisions: { blocked: 2 }, breakerTrips: 0 });
    const table = comparisonTable(
      [
        { id: 0, overrides: { 'strategies.market_maker.spread': 0.01 }, summary: summary('1.50') as never },
        { id: 1, overrides: { 'strategies.market_maker.spread': 0.02 }, summary: summary('3.25') as never },
      ],
      axes,
    );
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^0\.02 .*3\.25.*← best$/);
    expect(lines[2]).not.toMatch(/best/);
  });
});

describe('report metrics', () => {
  it('drawdown is never positive and its max is the deepest peak-to-trough fall', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 50 }), (vs) => {
        const eq = vs.map((v, i) => ({ t: i, v }));
        const { series, max } = drawdownOf(eq);
        for (const p of series) expect(p.v).toBeLessThanOrEqual(0);
        let worst = 0;
        for (let i = 0; i < vs.length; i++) for (let j = i; j < vs.length; j++) worst = Math.max(worst, (vs[i] as number) - (vs[j] as number));
        expect(max).toBe(worst);
      }),
    );
  });

  it('Sharpe is positive for a steadily rising curve with noise, null when flat', () => {
    const rising = Array.from({ length: 60 }, (_, i) => ({ t: i * 60_000, v: i + (i % 2 ? 0.3 : 0) }));
    expect(ratiosOf(rising).sharpe).toBeGreaterThan(0);
    expect(ratiosOf(Array.from({ length: 10 }, (_, i) => ({ t: i, v: 5 }))).sharpe).toBeNull();
  });

  it('progress line shows percent, rate and time left', () => {
    expect(formatProgress(500_000, 1_000_000, 1_000)).toMatch(/50\.0%\s+500,000 ev\/s\s+ETA 0:01/);
  });
});
