/**
 * Determinism of the backtest on the committed sample dataset: two replays (fresh engines, same lines, same
 * configuration) give byte-identical serialized results (fills, decisions, PnL, report data), and the CLI
 * writes byte-identical result files.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBacktestConfig } from '../../../shared/backtest/backtest-config.js';
import { runReplay } from '../../../shared/backtest/replay.js';
import { loadRecording, type LoadedRecording } from '../../../shared/recording/recording-reader.js';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'determinism-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

let rec: LoadedRecording;
beforeAll(async () => {
  rec = await loadRecording(['data/sample']);
});

describe('backtest determinism on data/sample', () => {
  it('the sample is a whole recording: header, discovery, every sport, settlements', () => {
    expect(rec.issues).toEqual([]);
    expect(rec.headers[0]).toMatchObject({ type: 'header', source: 'make-sample' });
    const sports = new Set(rec.discoveries.flatMap((d) => d.fixtures.map((f) => f.sport)));
    expect([...sports].sort()).toEqual(['basketball', 'football']);
    expect(rec.lines.filter((l) => l.k === 'settle').length).toBeGreaterThan(0);
    expect(new Set(rec.lines.map((l) => l.k))).toEqual(new Set(['meta', 'market', 'private', 'feed', 'settle']));
  });

  it('two replays give identical fills, decisions, PnL and report data', async () => {
    const config = loadBacktestConfig('config');
    const a = await runReplay({ lines: rec.lines, config });
    const b = await runReplay({ lines: rec.lines, config });
    expect(a.fills.length).toBeGreaterThan(0);
    expect(a.decisions.length).toBeGreaterThan(0);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // And the latency model matters: a slower exchange is a different backtest.
    const slow = await runReplay({ lines: rec.lines, config, latencyMs: 2_000, report: false });
    expect(JSON.stringify(slow.fills)).not.toBe(JSON.stringify(a.fills));
  });

  it('the CLI writes byte-identical results for the same input', async () => {
    const args = (dir: string) => ['tsx', 'containers/backtest/main.ts', '--data', 'data/sample', '--out', dir, '--latency-ms', '75'];
    await Promise.all([run('npx', args(join(out, 'a'))), run('npx', args(join(out, 'b')))]);
    for (const f of ['backtest.result.json', 'backtest.json', 'backtest.html']) {
      expect(readFileSync(join(out, 'b', f)).equals(readFileSync(join(out, 'a', f))), f).toBe(true);
    }
    const result = JSON.parse(readFileSync(join(out, 'a', 'backtest.result.json'), 'utf8')) as { latencyMs: number; events: number };
    expect(result.latencyMs).toBe(75);
    expect(result.events).toBe(rec.lines.filter((l) => l.k !== 'meta').length);
  }, 30_000);

});
