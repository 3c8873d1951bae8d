/**
 * The replay's progress calls: one after every `progressEvery` lines (the line's number, the total and its
 * time), whether or not the line started executor work (the driver then lets that work settle first), and a
 * last one at the end with the end time.
 */
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../../shared/backtest/replay.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';
import { bookEvent, engineConfig } from '../../support/engine-fixtures.js';
import { HOME_MARKET as HOME, mispricedOpening } from '../../support/replay-fixtures.js';

const T0 = Date.UTC(2026, 11, 6, 20, 0, 0);

function recording(): RecordLine[] {
  return [
    // Its book line is traded at once (the consensus says 0.60, YES offered at 0.50): it starts executor work.
    ...mispricedOpening(T0),
    { t: T0 + 1_500, k: 'market', e: bookEvent(HOME, [[0.44, 100]], [[0.5, 90]], T0 + 1_500) },
    { t: T0 + 2_600, k: 'market', e: bookEvent(HOME, [[0.45, 100]], [[0.5, 90]], T0 + 2_600) },
  ];
}

describe('replay: progress', () => {
  const config = engineConfig();

  it.each([1, 2])('is told after every %i lines, lines that started work included, and at the end', async (every) => {
    const calls: [number, number, number][] = [];
    const r = await runReplay({
      lines: recording(),
      config,
      strategies: ['statistical_edge'],
      report: false,
      progressEvery: every,
      onProgress: (done, total, t) => calls.push([done, total, t]),
    });
    expect(r.approvedCount).toBeGreaterThan(0);
    const times = recording().map((l) => l.t);
    const expected: [number, number, number][] = [];
    for (let i = 0; i < times.length; i++) if ((i + 1) % every === 0) expected.push([i + 1, times.length, times[i] as number]);
    expected.push([times.length, times.length, r.to as number]);
    expect(calls).toEqual(expected);
    expect(r.events).toBe(4);
  });
});
