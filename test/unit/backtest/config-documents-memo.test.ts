/**
 * A sweep worker's memo of configuration documents: a source is read once while its files stand still, read
 * again when one is rewritten, added or removed; the configuration built from the held documents equals the
 * one loadBacktestConfig reads from disk, whatever the overrides, and building it never changes them.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { backtestConfigFromDocuments, loadBacktestConfig, readBacktestConfigDocuments } from '../../../shared/backtest/backtest-config.js';
import { ConfigDocumentsMemo } from '../../../shared/backtest/config-documents-memo.js';

const dir = mkdtempSync(join(tmpdir(), 'config-memo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const copy = (name: string): string => {
  const to = join(dir, name);
  cpSync('config', to, { recursive: true });
  return to;
};
const env = { ...process.env };

describe('ConfigDocumentsMemo', () => {
  it('reads a source once while its files stand still, again when one is rewritten, added or removed', () => {
    const src = copy('a');
    const memo = new ConfigDocumentsMemo();
    const first = memo.get(src);
    expect(memo.get(src)).toBe(first);
    expect(memo.reads).toBe(1);
    expect(first).toEqual(readBacktestConfigDocuments(src));

    appendFileSync(join(src, 'config.paper.yaml'), '\n# edited\n');
    const edited = memo.get(src);
    expect(memo.reads).toBe(2);
    expect(edited).not.toBe(first);

    rmSync(join(src, 'config.local.yaml'), { force: true });
    expect(memo.get(src)).toEqual(readBacktestConfigDocuments(src));
    expect(memo.reads).toBe(3);

    writeFileSync(join(src, 'config.local.yaml'), 'strategies:\n  market_maker:\n    spread: 0.05\n');
    expect(backtestConfigFromDocuments(memo.get(src), {}, env).strategies.marketMaker.spread).toBe(50_000);
    expect(memo.reads).toBe(4);
  });

  it('a rewrite of the same size is seen through the mtime', () => {
    const src = copy('b');
    const memo = new ConfigDocumentsMemo();
    const file = join(src, 'config.local.yaml');
    writeFileSync(file, 'risk:\n  kelly_fraction: 0.25\n');
    utimesSync(file, 1_000, 1_000);
    expect(backtestConfigFromDocuments(memo.get(src), {}, env).risk.kellyFraction).toBe(0.25);
    writeFileSync(file, 'risk:\n  kelly_fraction: 0.35\n');
    utimesSync(file, 2_000, 2_000);
    expect(backtestConfigFromDocuments(memo.get(src), {}, env).risk.kellyFraction).toBe(0.35);
  });

  it('a YAML file source (over the config.yaml beside it) is held and built like loadBacktestConfig', () => {
    const src = copy('c');
    const file = join(src, 'sweep.yaml');
    writeFileSync(file, 'trading:\n  paper:\n    order_latency_ms: 90\n');
    const memo = new ConfigDocumentsMemo();
    expect(backtestConfigFromDocuments(memo.get(file), { spread: 0.03 }, env)).toEqual(loadBacktestConfig(file, { spread: 0.03 }, env));
    memo.get(file);
    expect(memo.reads).toBe(1);
  });

  it('the held documents give the configuration loadBacktestConfig reads, whatever the overrides, and never change (property)', () => {
    const memo = new ConfigDocumentsMemo();
    const before = JSON.stringify(memo.get('config'));
    fc.assert(
      fc.property(
        fc.record({ spread: fc.integer({ min: 2, max: 20 }), kelly: fc.integer({ min: 1, max: 10 }), latency: fc.integer({ min: 0, max: 500 }) }),
        ({ spread, kelly, latency }) => {
          const overrides = { spread: spread / 100, kelly: kelly / 10, latency };
          expect(backtestConfigFromDocuments(memo.get('config'), overrides, env)).toEqual(loadBacktestConfig('config', overrides, env));
        },
      ),
      { numRuns: 25 },
    );
    expect(JSON.stringify(memo.get('config'))).toBe(before);
    expect(Object.isFrozen(memo.get('config').base)).toBe(true);
    expect(memo.reads).toBe(1);
  });

  it('a source that cannot be read is an error naming it', () => {
    expect(() => new ConfigDocumentsMemo().get(join(dir, 'missing'))).toThrow(/missing/);
  });
});
