/**
 * The bot image without a Docker engine: reads containers/bot/Dockerfile and carries out its steps on the
 * file system. The build context is staged exactly as `cdk synth` stages it (the DOCKER_CONTEXT_EXCLUDES
 * allowlist, CDK's own copy), every COPY is taken from there, `npm ci` is stood in for by this checkout's
 * node_modules (same lock file), and the esbuild step runs with the Dockerfile's own arguments. The runtime
 * stage is then assembled in a temporary /app and checked for what the bot reads from disk. Nothing of the
 * bundle is imported or started.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { FileSystem, IgnoreMode } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../infra/config/stages.js';
import { DOCKER_CONTEXT_EXCLUDES } from '../../infra/constructs/bot-service.js';
import { PROJECT_ROOT } from '../../infra/trading-app.js';
import { argv, parseCopy, parseDockerfile, shellWords, type DockerStage } from '../support/dockerfile.js';

const run = promisify(execFile);
const DOCKERFILE = join(PROJECT_ROOT, 'containers', 'bot', 'Dockerfile');

/**
 * Modules the bundle leaves to run time that are not Node built-ins on this test's Node: ws's optional native
 * helpers (required inside try/catch, absent from the image on purpose) and node:sqlite (built into the
 * image's Node 22, loaded lazily by undici's SQLite cache store, which the bot does not use).
 */
const ALLOWED_NON_BUILTIN_EXTERNALS = ['bufferutil', 'utf-8-validate', 'node:sqlite'];

interface Built {
  stages: DockerStage[];
  /** Problems met while carrying out the Dockerfile (a missing COPY source, an unmodelled step). */
  problems: string[];
  /** Root of the runtime image's file system. */
  image: string;
  /** The runtime stage's WORKDIR inside `image`, e.g. /app. */
  workdir: string;
  esbuildArgs: string[];
  meta: { inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }> };
  cmd: string[];
  user?: string;
  volumes: string[];
  exposed: number[];
}

/** Docker COPY: a file into a directory (dest ends in /) or to a path; a directory's contents into dest. */
function copyInto(src: string, destRoot: string, cwd: string, dest: string): void {
  const target = posix.isAbsolute(dest) ? join(destRoot, dest) : join(cwd, dest);
  if (statSync(src).isDirectory()) {
    mkdirSync(target, { recursive: true });
    cpSync(src, target, { recursive: true, dereference: true });
  } else {
    const file = dest.endsWith('/') || dest === '.' ? join(target, basename(src)) : target;
    mkdirSync(dirname(file), { recursive: true });
    cpSync(src, file, { dereference: true });
  }
}

async function buildWithoutDocker(work: string): Promise<Built> {
  const stages = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
  const problems: string[] = [];
  const context = join(work, 'context');
  FileSystem.copyDirectory(PROJECT_ROOT, context, { exclude: DOCKER_CONTEXT_EXCLUDES, ignoreMode: IgnoreMode.DOCKER });

  const roots = new Map<string, string>();
  const built: Partial<Built> = { stages, problems, esbuildArgs: [], volumes: [], exposed: [], cmd: [] };
  for (const [i, stage] of stages.entries()) {
    const root = join(work, `stage-${i}`);
    mkdirSync(root, { recursive: true });
    if (stage.name) roots.set(stage.name, root);
    let cwd = root;
    let workdir = '/';
    for (const ins of stage.instructions) {
      const at = `Dockerfile:${ins.line} ${ins.op}`;
      switch (ins.op) {
        case 'WORKDIR':
          workdir = posix.resolve(workdir, ins.args);
          cwd = join(root, workdir);
          mkdirSync(cwd, { recursive: true });
          break;
        case 'COPY': {
          const c = parseCopy(ins.args);
          const srcRoot = c.from ? roots.get(c.from) : context;
          if (!srcRoot) {
            problems.push(`${at}: unknown stage ${c.from}`);
            break;
          }
          for (const s of c.sources) {
            const src = c.from ? join(srcRoot, s) : join(context, s);
            if (!existsSync(src)) {
              problems.push(c.from ? `${at}: ${s} does not exist in stage ${c.from}` : `${at}: ${s} is not in the allowlisted build context (DOCKER_CONTEXT_INCLUDES)`);
              continue;
            }
            copyInto(src, root, cwd, c.dest);
          }
          break;
        }
        case 'RUN': {
          const words = shellWords(ins.args);
          if (words[0] === 'npm' && words[1] === 'ci') {
            // Stand-in for npm ci: this checkout's node_modules, installed from the same lock file.
            if (!existsSync(join(cwd, 'package-lock.json'))) problems.push(`${at}: npm ci without package-lock.json`);
            symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(cwd, 'node_modules'), 'dir');
          } else if (words[0] === 'npx' && words[1] === 'esbuild') {
            const args = words.slice(2);
            built.esbuildArgs = args;
            const metafile = join(work, 'meta.json');
            try {
              await run(join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild'), [...args, `--metafile=${metafile}`, '--log-level=error'], { cwd });
              built.meta = JSON.parse(readFileSync(metafile, 'utf8')) as Built['meta'];
            } catch (err) {
              problems.push(`${at}: esbuild failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
            }
          } else {
            problems.push(`${at}: a build step this test does not model (${words.slice(0, 2).join(' ')}); teach test/infra/bot-image.test.ts`);
          }
          break;
        }
        case 'CMD':
          built.cmd = argv(ins.args);
          break;
        case 'USER':
          built.user = ins.args;
          break;
        case 'VOLUME':
          built.volumes!.push(...argv(ins.args));
          break;
        case 'EXPOSE':
          built.exposed!.push(...shellWords(ins.args).map((p) => Number(p.split('/')[0])));
          break;
        case 'ENV':
          break;
        default:
          problems.push(`${at}: an instruction this test does not model`);
      }
    }
    built.image = root;
    built.workdir = workdir;
  }
  return built as Built;
}

describe('bot image (containers/bot/Dockerfile), built without Docker', () => {
  let work: string;
  let b: Built;
  const runtime = (): DockerStage => b.stages.at(-1)!;
  const appPath = (...p: string[]): string => join(b.image, b.workdir, ...p);

  beforeAll(async () => {
    // Outside the repository: module resolution from the fake /app must not find the checkout's node_modules.
    work = mkdtempSync(join(tmpdir(), 'bot-image-'));
    b = await buildWithoutDocker(work);
  }, 60_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('finds every COPY source in the allowlisted context (or the stage it names) and models every step', () => {
    expect(b.problems).toEqual([]);
    expect(b.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
  });

  it('bundles containers/bot/main.ts from only what the build stage copied, leaving nothing but Node built-ins to run time', () => {
    expect(b.esbuildArgs[0]).toBe('containers/bot/main.ts');
    expect(b.esbuildArgs).toEqual(expect.arrayContaining(['--bundle', '--platform=node', '--format=esm', '--sourcemap']));
    // Bundled CommonJS (AWS SDK, pino, ws) calls require(): the banner gives the ES module one.
    expect(b.esbuildArgs.find((a) => a.startsWith('--banner:js='))).toContain('createRequire(import.meta.url)');
    expect(b.meta, 'esbuild produced no metafile').toBeDefined();
    const inputs = Object.keys(b.meta.inputs);
    expect(inputs).toContain('containers/bot/main.ts');
    // Own sources come from the copied shared/ and containers/bot/ only; packages from node_modules.
    const own = inputs.filter((f) => !/(^|\/)node_modules\//.test(f));
    expect(own.filter((f) => !f.startsWith('shared/') && !f.startsWith('containers/bot/'))).toEqual([]);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const externals = new Set(
      Object.values(b.meta.inputs).flatMap((i) => i.imports.filter((im) => im.external && im.path !== '<runtime>').map((im) => im.path)),
    );
    expect([...externals].filter((p) => !builtins.has(p)).sort()).toEqual([...ALLOWED_NON_BUILTIN_EXTERNALS].sort());
  });

  it('starts the bundle the way the entry point expects: node --enable-source-maps <WORKDIR>/dist/main.mjs, with its map', () => {
    expect(b.workdir).toBe('/app');
    expect(b.cmd[0]).toBe('node');
    expect(b.cmd).toContain('--enable-source-maps');
    const script = b.cmd.at(-1)!;
    expect(statSync(appPath(script)).size).toBeGreaterThan(100_000);
    expect(existsSync(appPath(`${script}.map`))).toBe(true);
    // The outfile of the build stage is what the runtime stage copies and CMD runs.
    const outfile = b.esbuildArgs.find((a) => a.startsWith('--outfile='))!.slice('--outfile='.length);
    expect(posix.basename(outfile)).toBe(posix.basename(script));
  });

  it('carries every file the bundle resolves from disk at run time, echarts through its exports map', () => {
    const bundle = readFileSync(appPath(b.cmd.at(-1)!), 'utf8');
    // `createRequire(import.meta.url).resolve("…")`, whatever the minifier named createRequire.
    const specifiers = [...bundle.matchAll(/\(import\.meta\.url\)\.resolve\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(specifiers).toContain('echarts/dist/echarts.min.js');
    const req = createRequire(pathToFileURL(appPath(b.cmd.at(-1)!)).href);
    for (const spec of specifiers) {
      const resolved = req.resolve(spec);
      expect(resolved.startsWith(appPath('node_modules') + '/'), `${spec} → ${resolved}`).toBe(true);
    }
    const echarts = readFileSync(req.resolve('echarts/dist/echarts.min.js'), 'utf8');
    expect(echarts.length).toBeGreaterThan(500_000);
    expect(echarts).toMatch(/echarts/);
    // Only the two files: the image does not carry the whole package.
    expect(readdirSync(appPath('node_modules', 'echarts')).sort()).toEqual(['dist', 'package.json']);
    // echarts is a runtime dependency, so npm ci installs it in the build stage.
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.echarts).toBeDefined();
  });

  it('carries the configuration the bot loads from CONFIG_DIR (default "config" under WORKDIR)', () => {
    for (const f of ['config.yaml', 'config.paper.yaml', 'config.live.yaml']) expect(existsSync(appPath('config', f)), f).toBe(true);
  });

  it('runs as uid 1000 with /tmp a declared volume, no RUN in the arm64 runtime stage, and exposes the health port', () => {
    expect(b.user).toBe('node');
    expect(b.volumes).toContain('/tmp');
    expect(runtime().platform).toBeUndefined();
    expect(b.stages[0]!.platform).toBe('$BUILDPLATFORM');
    expect(runtime().instructions.filter((i) => i.op === 'RUN')).toEqual([]);
    // The base images match, so the bundle's target and the image's Node agree on every stage.
    expect(b.stages[0]!.image).toBe(runtime().image);
    for (const config of Object.values(STAGES)) expect(b.exposed).toContain(config.bot.healthPort);
  });
});
