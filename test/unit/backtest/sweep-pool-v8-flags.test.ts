/**
 * A sweep pool holds serial scavenges (unless asked for parallel ones) and the replays' heap setting while it is
 * open. (The hold itself: v8-flag-hold.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { replayHeap } from '../../../shared/backtest/replay-heap.js';
import { serialScavenges } from '../../../shared/backtest/serial-scavenges.js';
import { SweepWorkerPool } from '../../../shared/backtest/sweep-pool.js';
import type { WorkerEntry } from '../../../shared/backtest/sweep-worker-entry.js';

const entry: WorkerEntry = { kind: 'js', url: new URL('../../support/echo-sweep-worker.mjs', import.meta.url) };

describe('SweepWorkerPool and the process-wide V8 flags', () => {
  it('holds serial scavenges while open unless asked for parallel ones, and the replays\' heap setting always', async () => {
    const before = serialScavenges.held;
    const heapBefore = replayHeap.held;
    const a = await SweepWorkerPool.start({ workers: 1, entry });
    const b = await SweepWorkerPool.start({ workers: 1, entry, parallelScavenge: true });
    try {
      expect(serialScavenges.held).toBe(before + 1);
      expect(replayHeap.held).toBe(heapBefore + 2);
    } finally {
      await a.close();
      await b.close();
    }
    expect(serialScavenges.held).toBe(before);
    expect(replayHeap.held).toBe(heapBefore);
    await a.close(); // closing twice releases once
    expect(serialScavenges.held).toBe(before);
    expect(replayHeap.held).toBe(heapBefore);
  });
});
