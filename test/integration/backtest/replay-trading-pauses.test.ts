/**
 * The replay pauses trading where the bot does (TradingPauses on the replay's clock): inside the exchange's
 * weekly maintenance window (config.yaml: Thursday 02:00–06:00 America/New_York) a mispriced book is not
 * traded, and the same lines replayed with the window disabled are.
 */
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../../shared/backtest/replay.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';
import { bookEvent, engineConfig, oddsEvent } from '../../support/engine-fixtures.js';
import { HOME_MARKET as HOME, discoveryLine, replayFixture } from '../../support/replay-fixtures.js';

// Thursday 2026-12-10, 06:59:00 UTC = 01:59 EST: one minute before the window opens at 07:00 UTC.
const T0 = Date.parse('2026-12-10T06:59:00Z');
const WINDOW = Date.parse('2026-12-10T07:00:00Z');
const FX = replayFixture(T0);

function recording(): RecordLine[] {
  const inWindow = WINDOW + 30_000;
  return [
    discoveryLine(T0),
    { t: inWindow - 10, k: 'feed', e: oddsEvent(FX, 0.6, inWindow - 10) },
    // Consensus 0.60, YES offered at 0.50: statistical_edge buys, unless trading is paused.
    { t: inWindow, k: 'market', e: bookEvent(HOME, [[0.44, 100]], [[0.5, 100]], inWindow) },
  ];
}

describe('replay: the maintenance window pauses trading as in the bot', () => {
  it('a mispriced book inside the window is not traded', async () => {
    const config = engineConfig();
    expect(config.trading.maintenance).not.toBeNull();
    const r = await runReplay({ lines: recording(), config, strategies: ['statistical_edge'], report: false });
    expect(r.fills).toEqual([]);
  });

  it('the same lines with the window disabled are', async () => {
    const config = engineConfig({ patch: { trading: { maintenance: { enabled: false } } } });
    const r = await runReplay({ lines: recording(), config, strategies: ['statistical_edge'], report: false });
    expect(r.fills.length).toBeGreaterThan(0);
    expect(r.fills[0]).toMatchObject({ marketSlug: HOME, strategyName: 'statistical_edge', price: 500_000 });
  });
});
