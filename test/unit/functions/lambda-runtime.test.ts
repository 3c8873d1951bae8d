/**
 * What the Lambda bundles run with (functions/runtime): stack traces mapped to the sources with the map read
 * only when a stack is formatted (lazy-source-maps.ts), and the credential chain by the environment alone
 * (lambda-credentials.ts). The source-map cases bundle a small entry exactly as the infra does
 * (infra/constructs/lambda-bundling.ts) and run it in a fresh node.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../../infra/constructs/lambda-bundling.js';
import { PROJECT_ROOT } from '../../../infra/trading-app.js';
import { defaultProvider, LAMBDA_CREDENTIALS_HINT } from '../../../functions/runtime/lambda-credentials.js';
import { projectPrefix, sourcePath } from '../../../functions/runtime/lazy-source-maps.js';

const run$ = promisify(execFile);

describe('lazy source maps: source paths', () => {
  it('strips the prefix the project sources share, keeps node_modules paths from node_modules/', () => {
    const sources = ['../../../../repo/functions/x/handler.ts', '../../../../repo/shared/a/b.ts', '../../../../repo/node_modules/zod/index.js'];
    const prefix = projectPrefix(sources);
    expect(prefix).toBe('../../../../repo/');
    expect(sourcePath(sources[0]!, prefix)).toBe('functions/x/handler.ts');
    expect(sourcePath(sources[2]!, prefix)).toBe('node_modules/zod/index.js');
    expect(projectPrefix(['functions/x.ts', 'shared/y.ts'])).toBe('');
    expect(projectPrefix([])).toBe('');
  });
});

describe('lazy source maps: a bundle built as the infra builds it', () => {
  let dir: string;
  let bundle: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lambda-runtime-'));
    const entry = join(dir, 'boom-entry.ts');
    writeFileSync(
      entry,
      [
        `import ${JSON.stringify(join(PROJECT_ROOT, 'functions', 'runtime', 'install-source-maps.ts'))};`,
        'export function explodeOnPurpose(): never {',
        "  throw new Error('boom');",
        '}',
        '',
      ].join('\n'),
    );
    bundle = join(dir, 'out', 'index.mjs');
    await build({ ...lambdaBuildOptions(PROJECT_ROOT, entry, bundle), logLevel: 'silent' });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const stackOf = async (hideMapAfterLoad: boolean): Promise<string> => {
    const script = [
      `const m = await import(${JSON.stringify(`file://${bundle}`)});`,
      hideMapAfterLoad ? `(await import('node:fs')).renameSync(${JSON.stringify(`${bundle}.map`)}, ${JSON.stringify(`${bundle}.map.hidden`)});` : '',
      'try { m.explodeOnPurpose(); } catch (e) { process.stdout.write(e.stack); }',
    ].join('\n');
    const { stdout } = await run$(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '' } });
    return stdout;
  };

  it('names the source file, line and function in a stack trace', async () => {
    const stack = await stackOf(false);
    expect(stack).toMatch(/^Error: boom\n/);
    expect(stack).toMatch(/at explodeOnPurpose \(.*boom-entry\.ts:3:9\)/);
  }, 30_000);

  it('reads the map only when a stack is formatted, not at load', async () => {
    try {
      // The map moved away after the import and before the error: nothing was read at load, so the frame stays
      // as V8 prints it (the bundle's own file and position).
      const stack = await stackOf(true);
      expect(stack).toMatch(/^Error: boom\n/);
      expect(stack).not.toMatch(/boom-entry\.ts/);
      expect(stack).toMatch(/index\.mjs:\d+:\d+/);
    } finally {
      renameSync(`${bundle}.map.hidden`, `${bundle}.map`);
    }
  }, 30_000);
});

describe('Lambda credentials (the bundles\' credential chain)', () => {
  const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  afterAll(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('returns the role credentials Lambda puts in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';
    const creds = await defaultProvider()();
    expect(creds).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('says where credentials must come from when the environment has none', async () => {
    for (const k of KEYS) delete process.env[k];
    await expect(defaultProvider()()).rejects.toThrow(LAMBDA_CREDENTIALS_HINT);
  });
});
