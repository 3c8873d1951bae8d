/**
 * `npm run backtest -- --remote staging --dry-run` prints the distributed sweep's plan — items, how many go to
 * Lambda and to Fargate, expected wall time at the stage's concurrency, cost of each — and launches nothing (no AWS region or credentials needed); a plan
 * above the stage's cap says so and exits 1. The real CLI in a child process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../../infra/config/stages.js';
import { formatPlan, summarizePlan } from '../../../shared/backtest/sweep-cost.js';

const run = promisify(execFile);
const sets = (n: number) => Array.from({ length: n }, (_, i) => (0.01 + 0.001 * i).toFixed(3)).join(',');
const env = { ...process.env, AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '' };

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'containers/backtest/main.ts', ...args], { env, timeout: 60_000 });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('research sweep dry run', () => {
  it('30 days × 50 parameter sets on staging: items, wall time and cost printed, nothing launched', async () => {
    const out = await cli(['--remote', 'staging', '--dry-run', '--days', '2026-11-01..2026-11-30', '--sweep', `spread=${sets(50)}`]);
    expect(out.code).toBe(0);
    const r = STAGES.staging.research;
    expect(out.stdout).toContain(formatPlan(summarizePlan(30, 50, r), r));
    expect(out.stdout).toContain('plan: 30 days × 50 parameter sets = 1500 items');
    expect(out.stdout).toMatch(/wall time: ~\d+ min \d+ s at concurrency \d+/);
    expect(out.stdout).toMatch(/cost: ~\$\d+\.\d{2} \(\$\d+\.\d{2} per 1,000 item-runs\): Lambda ~\$\d+\.\d{2} .*, Fargate ~\$\d+\.\d{2} /);
    // No listing in a dry run: the stage's assumed share of long days goes to Fargate.
    const fargateDays = Math.round((30 * r.assumedFargateDayPercent) / 100);
    expect(out.stdout).toContain(`runners: ${(30 - fargateDays) * 50} items on Lambda (${30 - fargateDays} days), ${fargateDays * 50} on Fargate`);
    expect(out.stdout).not.toMatch(/started arn:/);
  }, 90_000);

  it('a plan above the stage cap is refused with the numbers', async () => {
    const r = STAGES.staging.research;
    const days = Math.ceil((r.maxItems + 1) / 50);
    const to = new Date(Date.UTC(2026, 0, days)).toISOString().slice(0, 10);
    const out = await cli(['--remote', 'staging', '--dry-run', '--days', `2026-01-01..${to}`, '--sweep', `spread=${sets(50)}`]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(`above the cap: ${days * 50} > ${r.maxItems} items`);
  }, 90_000);
});
