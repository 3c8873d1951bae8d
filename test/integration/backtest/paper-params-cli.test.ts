/**
 * `npm run backtest -- --paper-params <file>`: the paper model fitted by a shadow run drives the replay
 * (its latency is the result's), and a file without paper parameters stops the CLI with a clear message.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'paper-params-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('backtest --paper-params', () => {
  it('replays with the fitted paper parameters of a shadow report', async () => {
    const report = join(out, 'session.json');
    writeFileSync(report, JSON.stringify({ title: 'Shadow session', shadow: { suggestedPaperParams: { order_latency_ms: 120, cancel_latency_ms: 90, market_data_delay_ms: 0, queue_ahead_fraction: 0.5 } } }));
    const { stderr } = await run('npx', ['tsx', 'containers/backtest/main.ts', '--data', 'data/sample', '--out', join(out, 'run'), '--paper-params', report]);
    expect(stderr).toContain('trading.paper.queue_ahead_fraction=0.5');
    const result = JSON.parse(readFileSync(join(out, 'run', 'backtest.result.json'), 'utf8')) as { latencyMs: number };
    expect(result.latencyMs).toBe(120);
  }, 60_000);

  it('a file without paper parameters is refused before any work, naming the problem', async () => {
    const report = join(out, 'paper-session.json');
    writeFileSync(report, JSON.stringify({ title: 'Paper session', total: {} }));
    const err = (await run('npx', ['tsx', 'containers/backtest/main.ts', '--data', 'data/sample', '--out', join(out, 'bad'), '--paper-params', report]).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('--paper-params');
    expect(err.stderr).toContain('no paper parameters found');
  }, 60_000);
});
