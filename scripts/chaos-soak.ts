/**
 * The long chaos soak: the bot in live mode against the simulator with every fault switch firing, money
 * invariants checked continuously (test/support/chaos-fixtures.ts). Exits 1 on any violation.
 *
 *   npx tsx scripts/chaos-soak.ts [--minutes 30] [--seed 11] [--fault-every-ms 1500] [--json report.json] [--log lines.jsonl]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runChaosSoak } from '../test/support/chaos-fixtures.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    seed: { type: 'string', default: '11' },
    'fault-every-ms': { type: 'string', default: '1500' },
    json: { type: 'string' },
    log: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const seed = Number(values.seed);
const faultEveryMs = Number(values['fault-every-ms']);
if (!(minutes > 0) || !Number.isInteger(seed) || !(faultEveryMs > 0)) {
  console.error('usage: npx tsx scripts/chaos-soak.ts [--minutes 30] [--seed 11] [--fault-every-ms 1500] [--json file]');
  process.exit(2);
}
console.log(`chaos soak: ${minutes} min, seed ${seed}, a fault every ~${faultEveryMs} ms`);
const report = await runChaosSoak({
  durationMs: Math.round(minutes * 60_000),
  seed,
  faultEveryMs,
  progress: (line) => console.log(line),
  progressEveryMs: 30_000,
  logFile: values.log,
});
console.log(JSON.stringify(report, null, 2));
if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
console.log(`\n${report.faultsTotal} faults injected, ${report.violations.length} invariant violations`);
process.exit(report.violations.length === 0 ? 0 : 1);
