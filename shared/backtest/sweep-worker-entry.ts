/**
 * How a sweep worker thread is started. Through tsx, every worker resolves and transforms the backtest's
 * ~200 TypeScript modules through the loader hooks — seconds per worker on a busy machine, paid again by
 * every worker of every sweep. So the worker (sweep-worker.ts and everything it imports, packages left
 * external) is bundled once with esbuild into one ES module under `node_modules/.cache/sweep-worker/`, and
 * rebuilt only when one of its source files changes (size or mtime, listed in a manifest beside it). A worker
 * then loads one plain-JS file, on a plain Node: without this process's module preloads (tsx's loader when
 * the CLI runs under tsx), which every worker would otherwise register and route each import through.
 *
 * When no bundle can be built (no esbuild, a read-only tree), the worker starts through worker-bootstrap.mjs
 * (tsx's hooks) as before: slower to start, same results. Compiled JS (a `.js` build of this file) starts
 * sweep-worker.js directly.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerEntry {
  kind: 'bundle' | 'tsx' | 'js';
  /** The module the Worker runs. */
  url: URL;
  workerData?: unknown;
  /**
   * The worker's Node options (default: this process's, as node:worker_threads does). A bundle or compiled JS
   * needs no module loader, so its workers start without this process's preloads (tsx's hooks, when it runs
   * under tsx): with them, each worker would register the hooks and send every import through them. When
   * Node refuses these (a V8 option among them), the pool's workers inherit this process's options instead.
   */
  execArgv?: string[];
  /** Why the bundle was not used (kind 'tsx'). */
  note?: string;
}

interface Manifest {
  entry: string;
  esbuild: string;
  /** Absolute source path → [size, mtimeMs]. */
  inputs: Record<string, [number, number]>;
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
const WORKER_TS = join(HERE, 'sweep-worker.ts');

/** The first folder at or above `from` with a node_modules folder (the project root). */
function projectRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function current(m: Manifest): boolean {
  for (const [file, [size, mtimeMs]] of Object.entries(m.inputs)) {
    try {
      const st = statSync(file);
      if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Builds (or reuses) the worker bundle; returns its path. Throws when esbuild is missing or the build fails. */
export async function buildWorkerBundle(entry = WORKER_TS, cacheDir?: string): Promise<{ file: string; rebuilt: boolean }> {
  const root = projectRoot(dirname(entry));
  if (!root) throw new Error(`no node_modules above ${entry}`);
  const dir = cacheDir ?? join(root, 'node_modules', '.cache', 'sweep-worker');
  const name = createHash('sha256').update(resolve(entry)).digest('hex').slice(0, 16);
  const file = join(dir, `${name}.mjs`);
  const manifestFile = join(dir, `${name}.json`);
  const esbuild = await import('esbuild');
  try {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    if (m.entry === resolve(entry) && m.esbuild === esbuild.version && existsSync(file) && current(m)) return { file, rebuilt: false };
  } catch {
    // No manifest yet, or an unreadable one: build.
  }
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const code = out.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild produced no output');
  const inputs: Manifest['inputs'] = {};
  for (const input of Object.keys(out.metafile.inputs)) {
    const abs = resolve(root, input);
    const st = statSync(abs);
    inputs[abs] = [st.size, st.mtimeMs];
  }
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file);
  const manifest: Manifest = { entry: resolve(entry), esbuild: esbuild.version, inputs };
  writeFileSync(`${manifestFile}.${process.pid}.tmp`, JSON.stringify(manifest));
  renameSync(`${manifestFile}.${process.pid}.tmp`, manifestFile);
  return { file, rebuilt: true };
}

const PRELOADS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);

/** `argv` without its module preloads and loaders (`--import x`, `--require=x`, `-r x`, …). */
export function withoutPreloads(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (PRELOADS.has(a)) i++;
    else if (!PRELOADS.has(a.slice(0, a.indexOf('=')))) out.push(a);
  }
  return out;
}

/** The entry a pool's workers start from: the bundle when it can be had, else the TypeScript loader. */
export async function sweepWorkerEntry(opts: { bundle?: boolean } = {}): Promise<WorkerEntry> {
  const compiled = new URL('./sweep-worker.js', import.meta.url);
  if (import.meta.url.endsWith('.js') && existsSync(fileURLToPath(compiled))) return { kind: 'js', url: compiled, execArgv: withoutPreloads(process.execArgv) };
  const tsx = (note?: string): WorkerEntry => ({ kind: 'tsx', url: new URL('./worker-bootstrap.mjs', import.meta.url), workerData: { entry: pathToFileURL(WORKER_TS).href }, ...(note ? { note } : {}) });
  if (opts.bundle === false) return tsx('bundle disabled');
  try {
    const { file } = await buildWorkerBundle();
    return { kind: 'bundle', url: pathToFileURL(file), execArgv: withoutPreloads(process.execArgv) };
  } catch (err) {
    return tsx(`no worker bundle: ${err instanceof Error ? err.message : String(err)}`);
  }
}
