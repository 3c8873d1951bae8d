/**
 * The sweep workers' start-up bundle: built once, reused while its sources stand still, rebuilt when one of
 * them changes (the bundle then runs the new code); the TypeScript loader when the bundle is turned off.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkerBundle, sweepWorkerEntry, withoutPreloads } from '../../../shared/backtest/sweep-worker-entry.js';

const base = join(process.cwd(), 'node_modules', '.cache');
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(join(base, 'sweep-worker-entry-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sweep worker bundle', () => {
  it('is rebuilt only when a source changes, and then runs the new code', async () => {
    const entry = join(dir, 'entry.ts');
    const dep = join(dir, 'dep.ts');
    writeFileSync(entry, "import { value } from './dep.js';\nexport const seen: number = value;\n");
    writeFileSync(dep, 'export const value: number = 1;\n');
    const cache = join(dir, 'out');
    const first = await buildWorkerBundle(entry, cache);
    expect(first.rebuilt).toBe(true);
    expect(((await import(pathToFileURL(first.file).href + '?1')) as { seen: number }).seen).toBe(1);
    expect(await buildWorkerBundle(entry, cache)).toEqual({ file: first.file, rebuilt: false });
    writeFileSync(dep, 'export const value: number = 22;\n');
    const second = await buildWorkerBundle(entry, cache);
    expect(second.rebuilt).toBe(true);
    expect(((await import(pathToFileURL(second.file).href + '?2')) as { seen: number }).seen).toBe(22);
  });

  it('a broken source is an error the caller falls back from', async () => {
    const entry = join(dir, 'broken.ts');
    writeFileSync(entry, 'export const = ;\n');
    await expect(buildWorkerBundle(entry, join(dir, 'out'))).rejects.toThrow();
  });

  it('the real worker: a bundle by default (started without this process\'s loaders), the TypeScript loader when the bundle is off', async () => {
    const bundle = await sweepWorkerEntry();
    expect(bundle.kind).toBe('bundle');
    expect(bundle.execArgv).toEqual(withoutPreloads(process.execArgv));
    const tsx = await sweepWorkerEntry({ bundle: false });
    expect(tsx.kind).toBe('tsx');
    expect(tsx.url.href).toMatch(/worker-bootstrap\.mjs$/);
    expect(tsx.workerData).toEqual({ entry: expect.stringMatching(/sweep-worker\.ts$/) });
    expect(tsx.execArgv).toBeUndefined();
  });

  it('withoutPreloads drops module preloads and loaders in both spellings, keeps every other option', () => {
    expect(
      withoutPreloads(['--require', '/x/preflight.cjs', '--import', 'file:///x/loader.mjs', '--max-old-space-size=4096', '-r', 'a', '--import=b', '--loader=c', '--experimental-loader', 'd', '--enable-source-maps', '--require=e']),
    ).toEqual(['--max-old-space-size=4096', '--enable-source-maps']);
    expect(withoutPreloads([])).toEqual([]);
  });
});
