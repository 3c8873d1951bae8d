/**
 * A process-wide V8 flag held one way: set by the first holder, set back by the last release, each release
 * counted once, left alone when the process was started with it given; and which flags the two holders of
 * the backtest (serial scavenges, the replays' heap) turn.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { givenAtStart, V8FlagHold } from '../../../shared/backtest/v8-flag-hold.js';
import { replayHeap } from '../../../shared/backtest/replay-heap.js';
import { serialScavenges } from '../../../shared/backtest/serial-scavenges.js';

const FLAG = { held: '--no-some-flag', released: '--some-flag' };

describe('V8FlagHold', () => {
  it('sets the flag for the first holder and back after the last release', () => {
    const set: string[] = [];
    const h = new V8FlagHold(FLAG, false, (f) => set.push(f));
    const a = h.hold();
    const b = h.hold();
    expect(set).toEqual(['--no-some-flag']);
    a();
    a(); // a second call of the same release does not count
    expect(set).toEqual(['--no-some-flag']);
    expect(h.held).toBe(1);
    b();
    expect(set).toEqual(['--no-some-flag', '--some-flag']);
    expect(h.held).toBe(0);
  });

  it('leaves a flag given at start alone', () => {
    const set: string[] = [];
    const h = new V8FlagHold(FLAG, true, (f) => set.push(f));
    h.hold()();
    expect(set).toEqual([]);
  });

  it('property: the flag is as held exactly while some hold is unreleased, whatever the order of holds and releases', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(7)), { maxLength: 40 }), (steps) => {
        let held = false;
        const h = new V8FlagHold(FLAG, false, (f) => {
          const on = f === FLAG.held;
          expect(held).toBe(!on); // each call changes the state
          held = on;
        });
        const open: (() => void)[] = [];
        for (const [take, at] of steps) {
          if (take || open.length === 0) open.push(h.hold());
          else open.splice(at % open.length, 1)[0]?.();
          expect(held).toBe(open.length > 0);
          expect(h.held).toBe(open.length);
        }
        for (const r of open) r();
        expect(held).toBe(false);
      }),
    );
  });

  it('givenAtStart: a flag bare or with a value, in either spelling listed', () => {
    const names = ['--allocation-site-pretenuring', '--no-allocation-site-pretenuring'];
    expect(givenAtStart(names, ['--no-allocation-site-pretenuring'])).toBe(true);
    expect(givenAtStart(names, ['--allocation-site-pretenuring=false'])).toBe(true);
    expect(givenAtStart(names, ['--max-semi-space-size=64', '--import', 'tsx'])).toBe(false);
    expect(givenAtStart(names, [])).toBe(false);
  });

  it('the backtest holds the flags it says, and sets them in this test process (started with neither)', () => {
    expect(serialScavenges.flag).toEqual({ held: '--no-parallel-scavenge', released: '--parallel-scavenge' });
    expect(replayHeap.flag).toEqual({ held: '--no-allocation-site-pretenuring', released: '--allocation-site-pretenuring' });
    expect(serialScavenges.leaveAlone).toBe(false);
    expect(replayHeap.leaveAlone).toBe(false);
  });
});
