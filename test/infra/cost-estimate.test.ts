/** The cost command's staging figure: at most 15 USD a month, and the README quotes exactly that output. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEstimate, runsPerMonth } from '../../infra/cost/estimate-cost.js';
import { estimateStageForTest } from './cost-stage.js';
import { PRICE_REGION, PRICES_RECORDED_ON } from '../../infra/cost/unit-prices.js';
import { PROJECT_ROOT } from '../../infra/trading-app.js';

describe('monthly cost estimate', () => {
  it('reads schedule expressions', () => {
    expect(runsPerMonth('rate(1 minute)')).toBe(43_800);
    expect(runsPerMonth('rate(5 minutes)')).toBe(8_760);
    expect(runsPerMonth('cron(15 0 * * ? *)')).toBe(30);
    expect(() => runsPerMonth('cron(0 12 ? * MON *)')).toThrow(/unsupported/);
  });

  it('prices staging at ≤ 15 USD, every line from the template, and the README quotes the same output', () => {
    const e = estimateStageForTest('staging');
    expect(e.totalUsd).toBeLessThanOrEqual(15);
    expect(e.lines.find((l) => l.item.startsWith('Fargate'))?.basis).toContain('0.25 vCPU / 0.5 GB');
    expect(e.lines.find((l) => l.item === 'CloudWatch alarms')?.basis).toMatch(/^19 alarms watching 20 metrics$/);
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(formatEstimate('staging', e, PRICES_RECORDED_ON, PRICE_REGION));
  }, 240_000);
});
