/**
 * Lambda bundles: each function bundled with esbuild exactly as the infra does (the options of
 * infra/constructs/lambda-bundling.ts, which stage-function.ts hands to CDK: Node 22, ESM, minified, the AWS SDK
 * included, built-ins required through their shims, source map without sources), into a temp dir, loaded with
 * the functions' NODE_OPTIONS as deployed; reports the bundle size (target ≤ 1 MB) and the module
 * initialisation time — a fresh `node` child process importing the bundle, timed from inside (target ≤ 150 ms;
 * the cold-start share that is ours, without the runtime's).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_NODE_OPTIONS, lambdaBuildOptions } from '../../infra/constructs/lambda-bundling.js';
import type { BenchResult } from './bench-types.js';

const run$ = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Same names as infra/constructs/jobs.ts (not imported, to keep aws-cdk-lib out of the bench). */
const JOBS = ['odds-poller', 'reconciler', 'daily-reset', 'reporter'] as const;
/** The research stack's functions (infra/constructs/research-sweep.ts), bundled the same way. */
const RESEARCH = ['sweep-item', 'sweep-report'] as const;
/**
 * Loads per bundle. The loads go round-robin over the bundles (one load of each, then the next round), so a burst
 * of load on a shared machine spreads over every function instead of landing on one function's samples; the
 * first round only warms the file cache and Node itself and is not counted (a fresh build was just written).
 */
const INIT_RUNS = 15;

async function bundle(name: string, outdir: string): Promise<string> {
  const outfile = join(outdir, name, 'index.mjs');
  await build({ ...lambdaBuildOptions(ROOT, join(ROOT, 'functions', name, 'handler.ts'), outfile), logLevel: 'silent' });
  return outfile;
}

async function initMs(file: string): Promise<number> {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t0));`;
  // The functions' NODE_OPTIONS (stage-function.ts), passed the same way.
  const { stdout } = await run$(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_SERVICE_NAME: 'bench', NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
    cwd: tmpdir(),
  });
  return Number(stdout);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'lambda-bundles-'));
  try {
    const built: { name: string; file: string; samples: number[] }[] = [];
    for (const name of [...JOBS, ...RESEARCH]) {
      if (!existsSync(join(ROOT, 'functions', name, 'handler.ts'))) continue;
      built.push({ name, file: await bundle(name, dir), samples: [] });
    }
    for (const b of built) await initMs(b.file);
    for (let i = 0; i < INIT_RUNS; i++) for (const b of built) b.samples.push(await initMs(b.file));
    for (const { name, file, samples } of built) {
      const kb = statSync(file).size / 1024;
      out.push({ name: `${name} bundle`, unit: 'KB', value: Math.round(kb * 10) / 10, target: '≤ 1024 KB' });
      const sorted = [...samples].sort((a, b) => a - b);
      out.push({ name: `${name} module init`, unit: 'ms', p50: Math.round(median(samples) * 10) / 10, p99: Math.round((sorted.at(-1) as number) * 10) / 10, target: 'p50 ≤ 150 ms' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
