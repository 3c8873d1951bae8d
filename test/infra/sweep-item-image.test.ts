/**
 * The Fargate item image without a Docker engine: the build context staged as `cdk synth` stages it (the
 * SWEEP_ITEM_CONTEXT_EXCLUDES allowlist), every COPY of containers/sweep-item/Dockerfile's build stage found
 * there, its esbuild step run with the Dockerfile's own arguments (this checkout's node_modules standing in for
 * `npm ci`), and the bundle started as the image's CMD would start it, without an item: it exits 2 and says why.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileSystem, IgnoreMode } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { SWEEP_ITEM_CONTEXT_EXCLUDES } from '../../infra/constructs/research-sweep.js';
import { PROJECT_ROOT } from '../../infra/trading-app.js';
import { argv, parseCopy, parseDockerfile, shellWords } from '../support/dockerfile.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'sweep-item-image-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('sweep-item image', () => {
  it('builds from the allowlisted context and its bundle refuses to start without an item', async () => {
    const stages = parseDockerfile(readFileSync(join(PROJECT_ROOT, 'containers', 'sweep-item', 'Dockerfile'), 'utf8'));
    const context = join(work, 'context');
    FileSystem.copyDirectory(PROJECT_ROOT, context, { exclude: SWEEP_ITEM_CONTEXT_EXCLUDES, ignoreMode: IgnoreMode.DOCKER });
    expect(existsSync(join(context, 'test'))).toBe(false);
    expect(existsSync(join(context, 'containers', 'bot'))).toBe(false);
    const build = stages[0]!;
    const copies = build.instructions.filter((i) => i.op === 'COPY').flatMap((i) => parseCopy(i.args).sources);
    expect(copies.filter((s) => !existsSync(join(context, s)))).toEqual([]);
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(context, 'node_modules'), 'dir');
    const esbuild = build.instructions.map((i) => shellWords(i.args)).find((w) => w[0] === 'npx' && w[1] === 'esbuild')!;
    await run(join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild'), [...esbuild.slice(2), '--log-level=error'], { cwd: context });
    // The runtime stage copies dist/ only: run the bundle from a folder holding nothing else.
    const app = join(work, 'app');
    mkdirSync(join(app, 'dist'), { recursive: true });
    FileSystem.copyDirectory(join(context, 'dist'), join(app, 'dist'));
    const cmd = argv(stages.at(-1)!.instructions.find((i) => i.op === 'CMD')!.args);
    expect(cmd.slice(0, 1)).toEqual(['node']);
    const started = await run(process.execPath, cmd.slice(1), { cwd: app, env: { PATH: process.env.PATH ?? '', RESULTS_BUCKET: 'r', RECORDINGS_BUCKET: 'b', RECORDINGS_PREFIX: 'recordings/x/', AWS_REGION: 'us-east-1' }, timeout: 60_000 }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code?: number; stdout?: string }) => ({ code: e.code, stdout: e.stdout ?? '' }),
    );
    expect(started.code).toBe(2);
    expect(started.stdout).toMatch(/no sweep item: set SWEEP_ITEM/);
  }, 120_000);
});
