/**
 * `npm run cost -- --stage staging`: synthesizes the stage offline (no account, no Docker) and prints its
 * monthly cost estimate (estimate-cost.ts). `--json` prints the lines as JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../config/stages.js';
import { createTradingApp } from '../trading-app.js';
import { estimateMonthlyCost, formatEstimate, type CostEstimate } from './estimate-cost.js';
import { PRICE_REGION, PRICES_RECORDED_ON } from './unit-prices.js';

export function estimateStage(stage: string): CostEstimate {
  const outdir = mkdtempSync(join(tmpdir(), 'cost-'));
  try {
    const { stack } = createTradingApp({ app: new App({ outdir, context: { stage } }), stage });
    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
    return estimateMonthlyCost(template, { dashboardsInAccount: STAGE_NAMES.length });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const at = args.indexOf('--stage');
const stage = at >= 0 ? args[at + 1] : 'staging';
if (!stage || !(STAGE_NAMES as readonly string[]).includes(stage)) {
  console.error(`usage: npm run cost -- --stage ${STAGE_NAMES.join('|')} [--json]`);
  process.exit(2);
}
const estimate = estimateStage(stage);
console.log(args.includes('--json') ? JSON.stringify({ stage, ...estimate }, null, 2) : formatEstimate(stage, estimate, PRICES_RECORDED_ON, PRICE_REGION));
