/**
 * The paper-vs-live acid test's figures: for each seed, the bot live against one simulator and in paper mode on
 * an identical second one (test/support/acid-harness.ts), per strategy fills, volume, VWAP, fees and PnL of
 * both sides, and whether paper stayed within the tolerance the suite asserts (README, "Paper vs live").
 *
 *   npm run acid -- [--seeds 1,2,3] [--duration-ms 12000] [--repeat 1] [--json out.jsonl]
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { acidViolations, formatAcid, runAcid, sumAcid, type AcidRun } from '../test/support/acid-harness.js';
import { ACID_RUN } from '../test/integration/paper/acid-settings.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: ACID_RUN.seeds.join(',') },
    'duration-ms': { type: 'string', default: String(ACID_RUN.durationMs) },
    repeat: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const seeds = values.seeds.split(',').map(Number);
const durationMs = Number(values['duration-ms']);
const repeat = Number(values.repeat);
if (seeds.some((s) => !Number.isInteger(s)) || !(durationMs > 0) || !(Number.isInteger(repeat) && repeat >= 1)) {
  console.error('usage: npm run acid -- [--seeds 1,2,3] [--duration-ms 12000] [--repeat 1] [--json out.jsonl]');
  process.exit(2);
}
let failed = 0;
for (let i = 0; i < repeat; i++) {
  const runs: AcidRun[] = [];
  for (const seed of seeds) {
    const run = await runAcid({ ...ACID_RUN.options, seed, durationMs });
    console.log(formatAcid(run));
    // The suite judges each seed's total (its strategies over the seeds together, below).
    const bad = acidViolations(run, { lines: ['total'] });
    for (const v of bad) console.log(`  OUTSIDE THE TOLERANCE: ${v}`);
    if (bad.length > 0) failed++;
    if (values.json) appendFileSync(values.json, `${JSON.stringify(run)}\n`);
    runs.push(run);
  }
  if (runs.length > 1) {
    // The suite judges each strategy over the seeds together.
    const all = sumAcid(runs);
    console.log(formatAcid(all));
    const bad = acidViolations(all);
    for (const v of bad) console.log(`  OUTSIDE THE TOLERANCE: ${v}`);
    if (bad.length > 0) failed++;
  }
}
console.log(failed === 0 ? 'paper stayed within the tolerance in every run' : `${failed} run(s) outside the tolerance`);
process.exit(failed === 0 ? 0 : 1);
