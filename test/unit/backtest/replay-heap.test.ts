/**
 * The replay's heap setting: V8's allocation-site pretenuring is off (a process-wide flag) from the first replay
 * that starts to the last that ends, each release counts once, and a process started with the flag given
 * either way is left alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBacktestConfig } from '../../../shared/backtest/backtest-config.js';
import { ReplayHeap, replayHeap, runReplay } from '../../../shared/backtest/replay.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';

describe('ReplayHeap', () => {
  it('turns pretenuring off for the first holder and back on after the last release', () => {
    const set: string[] = [];
    const h = new ReplayHeap((f) => set.push(f), false);
    const a = h.hold();
    const b = h.hold();
    expect(set).toEqual(['--no-allocation-site-pretenuring']);
    a();
    a(); // a second call of the same release does not count
    expect(h.held).toBe(1);
    expect(set).toEqual(['--no-allocation-site-pretenuring']);
    b();
    expect(set).toEqual(['--no-allocation-site-pretenuring', '--allocation-site-pretenuring']);
    expect(h.held).toBe(0);
  });

  it('leaves a process started with the flag given alone', () => {
    const set: string[] = [];
    const h = new ReplayHeap((f) => set.push(f), true);
    h.hold()();
    expect(set).toEqual([]);
  });

  it('property: pretenuring is off exactly while some hold is unreleased, whatever the order of holds and releases', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(7)), { maxLength: 40 }), (steps) => {
        let on = true;
        const h = new ReplayHeap((f) => {
          on = f === '--allocation-site-pretenuring';
        }, false);
        const releases: (() => void)[] = [];
        const open = new Set<number>();
        for (const [take, k] of steps) {
          if (take || releases.length === 0) {
            releases.push(h.hold());
            open.add(releases.length - 1);
          } else {
            const i = k % releases.length;
            (releases[i] as () => void)();
            open.delete(i);
          }
          expect(on).toBe(open.size === 0);
          expect(h.held).toBe(open.size);
        }
      }),
    );
  });

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
