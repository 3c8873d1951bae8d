/**
 * `npm run backtest`: replays recordings through the engine in paper mode on simulated time and writes a
 * report; with --sweep, runs a grid of configurations in parallel workers and prints a comparison table.
 *
 *   npm run backtest -- --data <files or dirs> [--data …] [--strategies market_maker,live_arbitrage]
 *                       [--config <dir or yaml>] [--set key=value]… [--latency-ms 50] [--out reports/backtest]
 *                       [--name backtest] [--sweep key=v1,v2,…]… [--workers N] [--progress] [--no-cache]
 *                       [--paper-params <shadow report JSON>]
 *
 * --paper-params takes the paper model fitted by a shadow-mode run (the `shadow` panel of a session or day
 * report summary, a panel, or a trading.paper fragment: shared/shadow/paper-params-file.ts) as overrides of
 * trading.paper.* (order and cancel latency, market-data delay, queue-ahead fraction); --set wins over it.
 *
 * The recordings are read through their replay form, cached beside them in .replay-cache/ (docs/replay-format.md);
 * --no-cache decodes the NDJSON afresh and writes no cache.
 *
 * Outputs (in --out): <name>.html (report), <name>.json (summary), <name>.result.json (fills and PnL:
 * byte-identical for the same data and configuration). Sweeps: sweep.json and the table on stdout.
 *
 * Research sweeps (research-sweep-cli.ts): one item per day × parameter set, per-item results and one
 * comparison report under <out>/sweeps/<id>/ (locally) or in the stage's results bucket (remote):
 *   --by-day                 local, on worker threads: each --data path is one day
 *   --remote <stage>         on the stage's research stack (Step Functions), --days from the recordings bucket
 *   --days 2026-12-01..2026-12-30   the recorded days (remote), or the day count of a --dry-run
 *   --dry-run                print the plan: items, expected wall time at the stage's concurrency, cost
 *   --sweep-id <id>          name the sweep (default sweep-<time>-<random>)
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../shared/config/errors.js';
import { formatQuantity } from '../../shared/domain/quantity.js';
import { STRATEGY_NAMES, type StrategyKey } from '../../shared/engine/assemble-engine.js';
import { loadBacktestConfig, parseOverrideValue, resolveConfigPath, type OverrideValue } from '../../shared/backtest/backtest-config.js';
import { ProgressBar } from '../../shared/backtest/progress-bar.js';
import { runReplay, type BacktestResult } from '../../shared/backtest/replay.js';
import { SweepArgError, comparisonTable, parseSweepArg, runSweep, sweepGrid } from '../../shared/backtest/sweep.js';
import { loadReplayRecording } from '../../shared/recording/binary/replay-cache.js';
import { PaperParamsError, readPaperParamsFile } from '../../shared/shadow/paper-params-file.js';
import { runResearchCli } from './research-sweep-cli.js';
import { writeReport } from '../../shared/reports/write-report.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string', multiple: true, default: [] },
    strategies: { type: 'string' },
    config: { type: 'string', default: 'config' },
    set: { type: 'string', multiple: true, default: [] },
    'latency-ms': { type: 'string' },
    out: { type: 'string', default: join('reports', 'backtest') },
    name: { type: 'string', default: 'backtest' },
    sweep: { type: 'string', multiple: true, default: [] },
    workers: { type: 'string' },
    progress: { type: 'boolean', default: false },
    'by-day': { type: 'boolean', default: false },
    remote: { type: 'string' },
    days: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'sweep-id': { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    'paper-params': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`backtest: ${message}`);
  process.exit(2);
}

if (values.help) {
  console.log('usage: npm run backtest -- --data <files|dirs> [--strategies a,b] [--config dir|file] [--set key=value] [--latency-ms N] [--out dir] [--sweep key=v1,v2]… [--workers N] [--progress] [--no-cache] [--paper-params <shadow report JSON>]');
  console.log('       research sweeps: [--by-day | --remote <stage> --days YYYY-MM-DD..YYYY-MM-DD] [--dry-run] [--sweep-id id]');
  process.exit(0);
}

const dataPaths = [...values.data, ...positionals];
const research = values.remote !== undefined || values['by-day'] || values['dry-run'];
if (dataPaths.length === 0 && !(research && values.days)) fail('--data <files or dirs> is required (e.g. --data data/sample)');
let strategies: StrategyKey[] | undefined;
if (values.strategies) {
  strategies = values.strategies.split(',').map((s) => s.trim()).filter(Boolean) as StrategyKey[];
  for (const s of strategies) if (!(STRATEGY_NAMES as readonly string[]).includes(s)) fail(`unknown strategy "${s}"; choose from ${STRATEGY_NAMES.join(', ')}`);
}
let latencyMs: number | undefined;
if (values['latency-ms'] !== undefined) {
  latencyMs = Number(values['latency-ms']);
  if (!Number.isInteger(latencyMs) || latencyMs < 0) fail(`--latency-ms must be a non-negative integer, got ${values['latency-ms']}`);
}
const overrides: Record<string, OverrideValue> = {};
if (values['paper-params'] !== undefined) {
  try {
    Object.assign(overrides, readPaperParamsFile(values['paper-params']));
  } catch (err) {
    if (err instanceof PaperParamsError) fail(`--paper-params: ${err.message}`);
    throw err;
  }
  console.error(`paper parameters from ${values['paper-params']}: ${Object.entries(overrides).map(([k, v]) => `${k}=${v}`).join(', ')}`);
}
for (const kv of values.set) {
  const eq = kv.indexOf('=');
  if (eq <= 0) fail(`--set expects key=value, got "${kv}"`);
  overrides[resolveConfigPath(kv.slice(0, eq).trim())] = parseOverrideValue(kv.slice(eq + 1));
}

let axes;
try {
  axes = values.sweep.map(parseSweepArg);
} catch (err) {
  if (err instanceof SweepArgError) fail(err.message);
  throw err;
}

// Validate the configuration (and every sweep combination) before any work.
const grid = sweepGrid(axes).map((combo) => ({ ...overrides, ...combo }));
try {
  for (const combo of grid) loadBacktestConfig(values.config, combo);
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

mkdirSync(values.out, { recursive: true });

if (research) {
  try {
    process.exit(
      await runResearchCli({
        ...(values.remote !== undefined ? { remote: values.remote } : {}),
        dryRun: values['dry-run'],
        ...(values.days !== undefined ? { days: values.days } : {}),
        dataPaths,
        configSource: values.config,
        axes,
        grid,
        ...(strategies ? { strategies } : {}),
        ...(latencyMs !== undefined ? { latencyMs } : {}),
        out: values.out,
        ...(values.workers !== undefined ? { workers: Number(values.workers) } : {}),
        progress: values.progress,
        ...(values['sweep-id'] !== undefined ? { sweepId: values['sweep-id'] } : {}),
      }),
    );
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

if (axes.length > 0) {
  const workers = values.workers !== undefined ? Number(values.workers) : undefined;
  console.error(`sweep: ${grid.length} combinations of ${axes.map((a) => `${a.key} (${a.path})`).join(' × ')}`);
  const bar = new ProgressBar({ force: values.progress, label: 'sweep' });
  const outcomes = await runSweep({
    jobs: grid.map((combo, id) => ({ id, dataPaths, configSource: values.config, overrides: combo, ...(strategies ? { strategies } : {}), ...(latencyMs !== undefined ? { latencyMs } : {}) })),
    ...(workers !== undefined ? { workers } : {}),
    onDone: (_o, done, total) => bar.update(done, total),
  });
  const table = comparisonTable(outcomes, axes);
  console.log(table);
  const file = join(values.out, 'sweep.json');
  await writeFile(file, JSON.stringify({ axes, outcomes }, null, 2) + '\n');
  console.log(`\nSweep results: ${file}`);
  process.exit(outcomes.some((o) => o.error) ? 1 : 0);
}

const recording = await loadReplayRecording(dataPaths, { cache: !values['no-cache'], onRebuild: (reason, file) => console.error(`replay cache: built ${file} (${reason})`) });
if (recording.lines.length === 0) fail(`no recorded lines found in ${dataPaths.join(', ')}`);
for (const issue of recording.issues.slice(0, 10)) console.error(`warning: ${issue.file}${issue.line ? `:${issue.line}` : ''}: ${issue.message}`);
if (recording.droppedByWriter > 0) console.error(`warning: the recording lost ${recording.droppedByWriter} lines while it was written (gap meta lines)`);
const config = loadBacktestConfig(values.config, overrides);
const bar = new ProgressBar({ force: values.progress });
const result: BacktestResult = await runReplay({
  lines: recording.lines,
  config,
  ...(strategies ? { strategies } : {}),
  ...(latencyMs !== undefined ? { latencyMs } : {}),
  keepDecisions: false,
  reportTitle: `Backtest of ${dataPaths.join(', ')}`,
  onProgress: (done, total) => bar.update(done, total),
  extra: { files: recording.files.length, sessions: recording.headers.filter((h) => h.chunk === 0).length, droppedByWriter: recording.droppedByWriter },
});
const recorded = [...new Set(recording.headers.map((h) => h.configDigest))];
if (recorded.length > 0 && !recorded.includes(result.configDigest)) {
  console.error(`note: configuration ${result.configDigest} differs from the recording's (${recorded.join(', ')}): this is a what-if, not a reproduction`);
}
const { report, decisions: _d, ...rest } = result;
const resultFile = join(values.out, `${values.name}.result.json`);
await writeFile(resultFile, JSON.stringify(rest, null, 2) + '\n');
const written = report ? await writeReport(values.out, values.name, report) : undefined;
const total = result.performance.total as { net: string; realized: string; fees: string; fills: number };
console.log(`events ${result.events} · decisions ${result.decisionCount} (approved ${result.approvedCount}) · fills ${result.fills.length} · net ${total.net} USD (realized ${total.realized}, fees ${total.fees})`);
const own = result.ownLiquidity;
if (own) {
  console.log(
    `own liquidity taken out: ${formatQuantity(own.levelQtyRemoved)} contracts from ${own.framesAdjusted} book frames (${own.clampedLevels} levels clamped), ` +
      `${formatQuantity(own.printQtyRemoved)} from prints (${own.printsDropped} dropped, ${own.printsReduced} reduced; ${formatQuantity(own.unmatchedFillQty)} of own fills unmatched)`,
  );
}
if (written) console.log(`Report: ${written.html} (summary ${written.json})`);
console.log(`Result: ${resultFile}`);
