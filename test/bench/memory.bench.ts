/**
 * Memory: resident set size of the engine with 500 markets (250 games, every strategy on, live mode with the
 * signing gateway), in a child process of its own so nothing else is counted: it builds the world, feeds
 * whole-book frames (parse → state → strategies → risk → executor) for a while, and reports RSS and heap.
 * The child runs as the container does: this file bundled by esbuild (as containers/bot/Dockerfile bundles
 * the bot) and run by plain `node`, so no TypeScript loader is counted.
 * Run alone: `npx tsx test/bench/run.ts memory` (MEMORY_BENCH_NODE_FLAGS="--max-semi-space-size=4" to try V8 sizing).
 */
import { spawnSync } from 'node:child_process';
import { argv, parseDockerfile } from '../support/dockerfile.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench-types.js';
import { round } from './measure.js';

const MARKETS = 500;
const MESSAGES = 250_000;
const here = fileURLToPath(import.meta.url);

interface ChildReport {
  rssMb: number;
  maxRssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  baselineRssMb: number;
  messages: number;
  orders: number;
  trackedOrders: number;
}

export async function run(): Promise<BenchResult[]> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'memory-bench-'));
  const bundle = join(dir, 'memory-child.mjs');
  let r;
  try {
    await build({
      entryPoints: [here],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      minify: true,
      outfile: bundle,
      logLevel: 'silent',
      banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
    });
    // The child runs with the container's own node flags (containers/bot/Dockerfile CMD), so the figure is the
    // deployed one; MEMORY_BENCH_NODE_FLAGS replaces them for heap-sizing trials.
    const flags =
      process.env.MEMORY_BENCH_NODE_FLAGS !== undefined ? process.env.MEMORY_BENCH_NODE_FLAGS.split(' ').filter(Boolean) : containerNodeFlags();
    r = spawnSync(process.execPath, [...flags, '--expose-gc', bundle, '--child'], {
      encoding: 'utf8',
      timeout: 600_000,
      env: { ...process.env, ENGINE_CONFIG_DIR: join(dirname(here), '../../config') },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (r.status !== 0) throw new Error(`memory child failed: ${r.stderr.slice(-2000)}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const rep = JSON.parse(line) as ChildReport;
  return [
    { name: `memory: RSS, ${MARKETS} markets after ${rep.messages.toLocaleString('en-US')} book frames`, unit: 'MB', value: round(rep.rssMb, 1), target: '≤ 150 MB' },
    { name: 'memory: peak RSS during the run', unit: 'MB', value: round(rep.maxRssMb, 1) },
    { name: 'memory: JS heap used after GC', unit: 'MB', value: round(rep.heapUsedMb, 1) },
    { name: 'memory: JS heap reserved (heapTotal) / external', unit: 'MB', value: round(rep.heapTotalMb, 1), p50: round(rep.externalMb, 1) },
    { name: 'memory: RSS of the bare process (node + bundle loaded)', unit: 'MB', value: round(rep.baselineRssMb, 1) },
    { name: 'memory: creates + modifies sent during the run', unit: 'count', value: rep.orders },
    { name: 'memory: orders held by the tracker (finished ones pruned after 1 h)', unit: 'count', value: rep.trackedOrders },
  ];
}

/** The V8/node flags of the bot image's CMD (`node <flags…> dist/main.mjs`), minus source maps. */
function containerNodeFlags(): string[] {
  const stages = parseDockerfile(readFileSync(join(dirname(here), '../../containers/bot/Dockerfile'), 'utf8'));
  const cmd = stages.at(-1)?.instructions.filter((i) => i.op === 'CMD').at(-1);
  const words = cmd ? argv(cmd.args) : [];
  return words.slice(1, -1).filter((w) => w.startsWith('--') && w !== '--enable-source-maps');
}

async function child(): Promise<void> {
  const mb = (b: number) => b / (1024 * 1024);
  const gc = (globalThis as { gc?: () => void }).gc;
  const { parseVenueMessage } = await import('../../shared/venue/ws-messages.js');
  const { MetricsRegistry } = await import('../../shared/observability/metrics-registry.js');
  const { buildBenchWorld } = await import('../support/engine-fixtures.js');
  gc?.();
  const baselineRssMb = mb(process.memoryUsage().rss);
  const { clock, engine, gateway, texts, refreshOdds } = buildBenchWorld({ markets: MARKETS, books: 'quiet', metrics: new MetricsRegistry() });
  const n = texts.length;
  for (let i = 0; i < MESSAGES; i++) {
    const r = parseVenueMessage(texts[i % n] as string, clock.now());
    if (r.kind === 'event') engine.onMarketEvent(r.event);
    clock.advance(2);
    if (i % 2_000 === 1_999) {
      if (i % 10_000 === 9_999) refreshOdds();
      engine.tick(clock.now());
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  gc?.();
  const mem = process.memoryUsage();
  const report: ChildReport = {
    rssMb: mb(mem.rss),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: mb(mem.heapUsed),
    heapTotalMb: mb(mem.heapTotal),
    externalMb: mb(mem.external),
    baselineRssMb,
    messages: MESSAGES,
    orders: gateway.creates + gateway.modifies,
    trackedOrders: engine.executor().tracker.all().length,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (process.argv.includes('--child')) await child();
