/**
 * The replay starts its engine where the bot started its own. The bot feeds its start-up snapshots (scores,
 * odds) and the first socket messages to the state before `engine.start()`, so its strategies never hear
 * them; the recorder marks the start (`engine_start` meta line) and the replay does the same: lines before
 * the mark reach the state (a consensus heard then is used later) but no strategy. A recording without the
 * mark starts the engine before its first line.
 */
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../../shared/backtest/replay.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';
import { bookEvent, engineConfig } from '../../support/engine-fixtures.js';
import { HOME_MARKET as HOME, mispricedOpening } from '../../support/replay-fixtures.js';

const T0 = Date.UTC(2026, 11, 6, 20, 0, 0);

function recording(): RecordLine[] {
  return [
    // Start-up snapshot and an early book: the consensus says 0.60, the book offers YES at 0.50.
    ...mispricedOpening(T0),
    { t: T0 + 10, k: 'meta', e: { type: 'engine_start' } },
    { t: T0 + 20, k: 'market', e: bookEvent(HOME, [[0.44, 100]], [[0.5, 90]], T0 + 20) },
  ];
}

describe('replay: the engine starts at the recorded engine_start line', () => {
  const config = engineConfig();

  it('lines before the mark reach the state only; the first decision follows the first line after it', async () => {
    const r = await runReplay({ lines: recording(), config, strategies: ['statistical_edge'], report: false });
    const approved = r.decisions.filter((d) => d.approved);
    // One BUY_YES on the book heard after the start, priced from the consensus heard before it.
    expect(approved.map((d) => [d.t, d.strategy, d.action])).toEqual([[T0 + 20, 'statistical_edge', 'BUY_YES']]);
  });

  it('without the mark (older recordings) the engine starts before the first line', async () => {
    const lines = recording().filter((l) => !(l.k === 'meta' && l.e.type === 'engine_start'));
    const r = await runReplay({ lines, config, strategies: ['statistical_edge'], report: false });
    const approved = r.decisions.filter((d) => d.approved);
    // The early book is traded at once; the cooldown (5 s) keeps the later one quiet.
    expect(approved.map((d) => [d.t, d.strategy, d.action])).toEqual([[T0 + 2, 'statistical_edge', 'BUY_YES']]);
  });
});
