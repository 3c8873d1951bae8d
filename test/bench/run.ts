/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (or those named on the command line) and prints one
 * table of percentiles and rates. Benchmarks measure; they never fail the build on a number.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './bench-types.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const fmt = (n: number | undefined, digits = 2): string => (n === undefined ? '' : n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(digits));

const rows: (BenchResult & { file: string })[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as BenchModule;
  process.stderr.write(`running ${f} …\n`);
  for (const r of await mod.run()) rows.push({ ...r, file: f });
}

console.log(`\nnode ${process.version} · ${process.platform}/${process.arch}\n`);
const header = ['benchmark', 'unit', 'p50', 'p99', 'value', 'rate (/s)', 'target'];
const table = rows.map((r) => [r.name, r.unit, fmt(r.p50), fmt(r.p99), fmt(r.value), fmt(r.rate, 0), r.target ?? '']);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
