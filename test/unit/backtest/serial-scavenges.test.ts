/**
 * Serial scavenges while sweep pools are open: the process-wide flag is turned off by the first holder and
 * back on by the last release, each release counts once, and a process started with it off is left alone.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SerialScavenges, serialScavenges } from '../../../shared/backtest/serial-scavenges.js';
import { SweepWorkerPool } from '../../../shared/backtest/sweep-pool.js';
import type { WorkerEntry } from '../../../shared/backtest/sweep-worker-entry.js';

const entry: WorkerEntry = { kind: 'js', url: new URL('../../support/echo-sweep-worker.mjs', import.meta.url) };

describe('SerialScavenges', () => {
  it('turns parallel scavenging off for the first holder and back on after the last release', () => {
    const set: string[] = [];
    const s = new SerialScavenges((f) => set.push(f), false);
    const a = s.hold();
    const b = s.hold();
    expect(set).toEqual(['--no-parallel-scavenge']);
    a();
    a(); // a second call of the same release does not count
    expect(set).toEqual(['--no-parallel-scavenge']);
    expect(s.held).toBe(1);
    b();
    expect(set).toEqual(['--no-parallel-scavenge', '--parallel-scavenge']);
    expect(s.held).toBe(0);
  });

  it('leaves a process started with parallel scavenging off alone', () => {
    const set: string[] = [];
    const s = new SerialScavenges((f) => set.push(f), true);
    s.hold()();
    expect(set).toEqual([]);
  });

  it('the flag is off exactly while some hold is unreleased, whatever the order of holds and releases', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(7)), { maxLength: 40 }), (steps) => {
        let parallel = true;
        const s = new SerialScavenges((f) => {
          const off = f === '--no-parallel-scavenge';
          expect(parallel).toBe(off); // each call changes the state
          parallel = !off;
        }, false);
        const open: (() => void)[] = [];
        for (const [take, at] of steps) {
          if (take || open.length === 0) open.push(s.hold());
          else open.splice(at % open.length, 1)[0]?.();
          expect(parallel).toBe(open.length === 0);
        }
        for (const r of open) r();
        expect(parallel).toBe(true);
      }),
    );
  });
});

describe('SweepWorkerPool and serial scavenges', () => {
  it('holds serial scavenges while open unless asked for parallel ones', async () => {
    const before = serialScavenges.held;
    const a = await SweepWorkerPool.start({ workers: 1, entry });
    const b = await SweepWorkerPool.start({ workers: 1, entry, parallelScavenge: true });
    try {
      expect(serialScavenges.held).toBe(before + 1);
    } finally {
      await a.close();
      await b.close();
    }
    expect(serialScavenges.held).toBe(before);
    await a.close(); // closing twice releases once
    expect(serialScavenges.held).toBe(before);
  });
});
