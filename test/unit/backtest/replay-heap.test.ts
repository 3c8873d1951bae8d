/**
 * The replay's heap setting: V8's allocation-site pretenuring is turned off for the process once, by the first
 * replay, and a process started with the flag given either way is left alone.
 */
import { describe, expect, it } from 'vitest';
import { loadBacktestConfig } from '../../../shared/backtest/backtest-config.js';
import { ReplayHeap, replayHeap, runReplay } from '../../../shared/backtest/replay.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';

describe('ReplayHeap', () => {
  it('turns pretenuring off at the first prepare only', () => {
    const set: string[] = [];
    const h = new ReplayHeap((f) => set.push(f), false);
    expect(h.prepared).toBe(false);
    h.prepare();
    h.prepare();
    h.prepare();
    expect(set).toEqual(['--no-allocation-site-pretenuring']);
    expect(h.prepared).toBe(true);
  });

  it('leaves a process started with the flag given alone', () => {
    const set: string[] = [];
    const h = new ReplayHeap((f) => set.push(f), true);
    h.prepare();
    expect(set).toEqual([]);
    expect(h.prepared).toBe(true);
  });

  it('a replay prepares the process heap before its first line', async () => {
    const line = { t: 1_000, k: 'meta', e: { type: 'feed_health', stream: 'odds', sport: 'basketball', healthy: true, reason: 'ok', at: 1_000 } } as unknown as RecordLine;
    const r = await runReplay({ lines: [line], config: loadBacktestConfig('config'), strategies: [], report: false });
    expect(r.events).toBe(0);
    expect(replayHeap.prepared).toBe(true);
  });
});
