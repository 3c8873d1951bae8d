/**
 * The replays' heap setting (replay-heap.ts: V8's allocation-site pretenuring off) is held by a replay while it
 * runs, and by a sweep pool while it is open. (The hold itself: v8-flag-hold.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { loadBacktestConfig } from '../../../shared/backtest/backtest-config.js';
import { replayHeap } from '../../../shared/backtest/replay-heap.js';
import { runReplay } from '../../../shared/backtest/replay.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';

describe('replayHeap', () => {
  it('a replay holds it while it runs and lets go when it ends', async () => {
    const line = { t: 1_000, k: 'meta', e: { type: 'feed_health', stream: 'odds', sport: 'basketball', healthy: true, reason: 'ok', at: 1_000 } } as unknown as RecordLine;
    const before = replayHeap.held;
    const during: number[] = [];
    const r = await runReplay({ lines: [line], config: loadBacktestConfig('config'), strategies: [], report: false, progressEvery: 1, onProgress: () => during.push(replayHeap.held) });
    expect(r.events).toBe(0);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((n) => n === before + 1)).toBe(true);
    expect(replayHeap.held).toBe(before);
  });
});
