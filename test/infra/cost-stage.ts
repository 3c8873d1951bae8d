/** Synthesizes a stage for the cost test (the CLI's own code path, infra/cost/main.ts, minus the printing). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../../infra/config/stages.js';
import { estimateMonthlyCost, type CostEstimate } from '../../infra/cost/estimate-cost.js';
import { createTradingApp } from '../../infra/trading-app.js';

export function estimateStageForTest(stage: string): CostEstimate {
  const outdir = mkdtempSync(join(tmpdir(), 'cost-test-'));
  try {
    const { stack } = createTradingApp({ app: new App({ outdir, context: { stage } }), stage });
    return estimateMonthlyCost(Template.fromStack(stack).toJSON() as never, { dashboardsInAccount: STAGE_NAMES.length });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
