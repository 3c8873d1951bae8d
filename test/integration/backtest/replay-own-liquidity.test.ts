/**
 * A recording of a live day holds the bot's own orders: the replay must not trade against them. Recorded
 * through the bot's recorder (format 3: `own` lines after the private socket's executions), read back as
 * NDJSON and through the replay form, replayed: the offer the replayed bot would have bought was the live
 * bot's own, so the old replay (own liquidity left in) fills and the new one does not; likewise a print that
 * was the live bot's own fill no longer goes through the replayed bot's bid. A format-2 recording
 * (private lines only) gets the same own lines when read. A recording without own orders (the sample)
 * replays exactly as with the filter off.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBacktestConfig } from '../../../shared/backtest/backtest-config.js';
import { runReplay } from '../../../shared/backtest/replay.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { OrderSide, VenueOrderState } from '../../../shared/domain/venue-enums.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import type { VenueOrder } from '../../../shared/domain/venue-models.js';
import { loadReplayRecording } from '../../../shared/recording/binary/replay-cache.js';
import { createBotRecorder } from '../../../shared/recording/bot-recorder.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';
import { loadRecording, type LoadedRecording } from '../../../shared/recording/recording-reader.js';
import { bookEvent, engineConfig, oddsEvent } from '../../support/engine-fixtures.js';
import { HOME_MARKET as HOME, discoveryLine, replayFixture } from '../../support/replay-fixtures.js';

const T0 = Date.UTC(2026, 11, 6, 20, 0, 0);
const FX = replayFixture(T0);
const config = engineConfig();
const tmp = mkdtempSync(join(tmpdir(), 'own-liquidity-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function liveOrder(state: VenueOrderState, leaves: number, side: OrderSide = 'ORDER_SIDE_SELL', price = 500_000): VenueOrder {
  return {
    id: `live-${side}`, marketSlug: HOME, side, type: 'ORDER_TYPE_LIMIT', price, quantity: contracts(100), cumQuantity: contracts(100 - leaves), leavesQuantity: contracts(leaves),
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', goodTillTime: null, intent: 'ORDER_INTENT_SELL_LONG', state, avgPx: null, createTime: null, commissionsBasisPoints: null, makerCommissionsBasisPoints: null,
  };
}
const exec = (o: VenueOrder, type: 'EXECUTION_TYPE_NEW' | 'EXECUTION_TYPE_CANCELED' | 'EXECUTION_TYPE_PARTIAL_FILL', at: number, filled?: number): VenueEvent => ({
  type: 'execution',
  execution: {
    id: `x-${at}`, order: o, lastShares: filled === undefined ? null : contracts(filled), lastPx: filled === undefined ? null : o.price, type, text: null, orderRejectReason: null,
    transactTime: at, tradeId: filled === undefined ? null : `t-${at}`, aggressor: filled === undefined ? null : false, commissionNotionalCollected: null,
  },
  receivedAt: at,
});
type SessionLine = { t: number; line: Omit<RecordLine, 't'> };

/** What the bot received, in order: the live bot's own offer of 100 at 0.50 is the whole offer at 0.50. */
function session(): SessionLine[] {
  return [
    { t: T0, line: { k: 'meta', e: discoveryLine(T0).e } },
    { t: T0 + 1, line: { k: 'private', e: exec(liveOrder('ORDER_STATE_NEW', 100), 'EXECUTION_TYPE_NEW', T0 + 1) } },
    { t: T0 + 5, line: { k: 'feed', e: oddsEvent(FX, 0.6, T0 + 5) } },
    { t: T0 + 10, line: { k: 'market', e: bookEvent(HOME, [[0.44, 100]], [[0.5, 100], [0.62, 50]], T0 + 10) } },
    { t: T0 + 4_000, line: { k: 'private', e: exec(liveOrder('ORDER_STATE_CANCELED', 0), 'EXECUTION_TYPE_CANCELED', T0 + 4_000) } },
    { t: T0 + 4_010, line: { k: 'market', e: bookEvent(HOME, [[0.44, 100]], [[0.62, 50]], T0 + 4_010) } },
  ];
}

/**
 * The live bot's bid of 100 at 0.44 is the whole bid; 50 of it is hit by a taker sell (the print of 50 at
 * 0.44 is the bot's own fill). The replayed market maker bids 0.59: that print would go through its bid.
 */
function passiveSession(): SessionLine[] {
  const bid = (state: VenueOrderState, leaves: number) => liveOrder(state, leaves, 'ORDER_SIDE_BUY', 440_000);
  const out: SessionLine[] = [
    { t: T0, line: { k: 'meta', e: discoveryLine(T0).e } },
    { t: T0 + 1, line: { k: 'private', e: exec(bid('ORDER_STATE_NEW', 100), 'EXECUTION_TYPE_NEW', T0 + 1) } },
    { t: T0 + 5, line: { k: 'feed', e: oddsEvent(FX, 0.6, T0 + 5) } },
  ];
  for (let i = 0; i < 20; i++) out.push({ t: T0 + 10 + i * 1_000, line: { k: 'market', e: bookEvent(HOME, [[0.44, 100]], [[0.75, 100]], T0 + 10 + i * 1_000) } });
  const print: VenueEvent = { type: 'trade', marketSlug: HOME, price: 440_000, qty: contracts(50), tradeTime: T0 + 25_000, takerSide: 'ORDER_SIDE_SELL', receivedAt: T0 + 25_000 };
  out.push({ t: T0 + 25_000, line: { k: 'market', e: print } });
  out.push({ t: T0 + 25_020, line: { k: 'private', e: exec(bid('ORDER_STATE_PARTIALLY_FILLED', 50), 'EXECUTION_TYPE_PARTIAL_FILL', T0 + 25_000, 50) } });
  out.push({ t: T0 + 26_000, line: { k: 'market', e: bookEvent(HOME, [[0.44, 50]], [[0.75, 100]], T0 + 26_000) } });
  return out;
}

async function record(dir: string, lines: SessionLine[] = session()): Promise<LoadedRecording> {
  const clock = new ManualClock(T0);
  const rec = createBotRecorder({ dir, config, clock, source: 'test', version: '0.0.0', sessionId: 'live-day' });
  for (const { t, line } of lines) {
    clock.set(t);
    if (line.k === 'private') rec.onVenueEvent(line.e as VenueEvent, 'private');
    else if (line.k === 'market') rec.onVenueEvent(line.e as VenueEvent, 'markets');
    else if (line.k === 'feed') rec.onFeedEvent(line.e as never);
    else rec.writer.record('meta', line.e as never, t);
  }
  await rec.close();
  return loadRecording([dir]);
}

let recorded: LoadedRecording;
beforeAll(async () => {
  recorded = await record(join(tmp, 'v3'));
});

describe('replay of a live day without the bot’s own liquidity', () => {
  it('the recorder writes format 3 with an own line after each private execution', () => {
    expect(recorded.issues).toEqual([]);
    expect(recorded.headers[0]!.format).toBe(3);
    const own = recorded.lines.filter((l) => l.k === 'own');
    expect(own.map((l) => [l.t - T0, l.e.type, (l.e as { resting?: boolean }).resting])).toEqual([
      [1, 'order', true],
      [4_000, 'order', false],
    ]);
  });

  it('the old replay buys the bot’s own offer; the new one sees no offer at 0.50 and gets no fill', async () => {
    const opts = { config, strategies: ['statistical_edge'] as const, report: false };
    const old = await runReplay({ ...opts, lines: recorded.lines, ownLiquidity: false });
    expect(old.fills.map((f) => f.price)).toContain(500_000);
    const now = await runReplay({ ...opts, lines: recorded.lines });
    expect(now.fills.filter((f) => f.price === 500_000)).toEqual([]);
    expect(now.ownLiquidity).toMatchObject({ orders: 2, framesAdjusted: 1, levelQtyRemoved: contracts(100), clampedLevels: 0 });
    expect(old.ownLiquidity).toBeUndefined();
    // The replay form carries the own lines: the same result through it.
    const binary = await loadReplayRecording([join(tmp, 'v3')], { cacheFile: join(tmp, 'v3.replay.bin') });
    expect(binary.lines.kindAt(3)).toBe('own');
    const viaBinary = await runReplay({ ...opts, lines: binary.lines });
    expect(JSON.stringify(viaBinary)).toBe(JSON.stringify(now));
  });

  it('the print of the bot’s own fill no longer fills the replayed bot’s bid', async () => {
    const passive = await record(join(tmp, 'passive'), passiveSession());
    const opts = { config, strategies: ['market_maker'] as const, report: false };
    const old = await runReplay({ ...opts, lines: passive.lines, ownLiquidity: false });
    expect(old.fills.map((f) => f.price)).toEqual([590_000]);
    const now = await runReplay({ ...opts, lines: passive.lines });
    expect(now.fills).toEqual([]);
    expect(now.ownLiquidity).toMatchObject({ fills: 1, printsDropped: 1, printQtyRemoved: contracts(50), unmatchedFillQty: 0, clampedLevels: 0 });
  });

  it('a format-2 recording (private lines only) gets the same own lines when read', async () => {
    const dir = join(tmp, 'v2');
    const v3 = recorded.lines;
    const header = { ...(v3[0]!.e as object), format: 2 };
    const v2 = [{ ...v3[0]!, e: header }, ...v3.slice(1).filter((l) => l.k !== 'own')];
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'live-day-00000.ndjson'), v2.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const upgraded = await loadRecording([dir]);
    expect(upgraded.issues).toEqual([]);
    expect(upgraded.headers[0]!.format).toBe(2);
    expect(JSON.stringify(upgraded.lines.slice(1))).toBe(JSON.stringify(v3.slice(1)));
  });
});

describe('a recording without own orders', () => {
  it('the sample holds no own lines and replays exactly as with the filter off', async () => {
    const sample = await loadRecording(['data/sample']);
    expect(sample.lines.some((l) => l.k === 'own')).toBe(false);
    const cfg = loadBacktestConfig('config');
    const a = await runReplay({ lines: sample.lines, config: cfg, reportTitle: 'x' });
    const b = await runReplay({ lines: sample.lines, config: cfg, reportTitle: 'x', ownLiquidity: false });
    expect(a.fills.length).toBeGreaterThan(0);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  }, 60_000);
});
