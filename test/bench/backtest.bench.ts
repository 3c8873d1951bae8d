/**
 * Backtest speed on the sample dataset (data/sample) with every strategy on: events per second through the
 * whole engine (state, strategies, aggregator, risk, executor, paper fill simulator, PnL, report collector)
 * on simulated time, measured side by side in one run:
 *
 * - through the replay form (docs/replay-format.md): each line decoded from the binary form as it is
 *   delivered, the way `npm run backtest` replays (target ≥ 1,000,000 events/s on one core);
 * - decode-only of the replay form (the cursor opened, and every line read as the replay reads it: its time,
 *   its kind and its event, each event kept until the next few replace it so none is optimized away; nothing
 *   delivered), replay ÷ decode-only in per cent
 *   (how much of the replay is decoding), and the engine's time per event (replay − decode-only, µs) with what
 *   each must be for the 1,000,000 /s target;
 * - the same replay with no strategy on (the engine's base: decode, state, consensus, paper exchange, ticks,
 *   report), and the time per event the three strategies and everything their signals start (aggregator,
 *   risk, executor, paper orders and fills, decisions) add to it (all − none, µs): where the time goes;
 * - the NDJSON replay as before (lines parsed up front, from memory), and the NDJSON load rate (gunzip + parse).
 *
 * Best of a few runs, each on a fresh engine.
 */
import { performance } from 'node:perf_hooks';
import { loadBacktestConfig } from '../../shared/backtest/backtest-config.js';
import { runReplay, type ReplayOptions } from '../../shared/backtest/replay.js';
import { STRATEGY_NAMES } from '../../shared/engine/assemble-engine.js';
import { encodeRecording, sourceFingerprint } from '../../shared/recording/binary/replay-cache.js';
import { ReplayCursor } from '../../shared/recording/binary/replay-decoder.js';
import { loadRecording } from '../../shared/recording/recording-reader.js';
import type { BenchResult } from './bench-types.js';

const RUNS = 10;

export async function run(): Promise<BenchResult[]> {
  const t0 = performance.now();
  const rec = await loadRecording(['data/sample']);
  const loadMs = performance.now() - t0;
  const buf = encodeRecording(rec, sourceFingerprint(rec.files));
  const config = loadBacktestConfig('config');
  const replayRate = async (lines: () => ReplayOptions['lines'], report: boolean, strategies: ReplayOptions['strategies'] = STRATEGY_NAMES): Promise<{ rate: number; events: number }> => {
    const start = performance.now();
    const r = await runReplay({ lines: lines(), config, strategies, keepDecisions: false, report });
    return { rate: r.events / ((performance.now() - start) / 1000), events: r.events };
  };
  let binary = 0;
  let binaryNoReport = 0;
  let binaryNoStrategy = 0;
  let ndjson = 0;
  let decode = 0;
  let events = 0;
  let sink = 0;
  // The last decoded events stay reachable, so the compiler cannot drop a decode whose result goes unused.
  const held: unknown[] = new Array<unknown>(64).fill(null);
  for (let i = 0; i < RUNS; i++) {
    // The binary form is opened (checksum, directory) inside each timed replay, as a backtest does.
    const b = await replayRate(() => new ReplayCursor(buf), true);
    binary = Math.max(binary, b.rate);
    events = b.events;
    binaryNoReport = Math.max(binaryNoReport, (await replayRate(() => new ReplayCursor(buf), false)).rate);
    binaryNoStrategy = Math.max(binaryNoStrategy, (await replayRate(() => new ReplayCursor(buf), true, [])).rate);
    ndjson = Math.max(ndjson, (await replayRate(() => rec.lines, true)).rate);
    const start = performance.now();
    const cursor = new ReplayCursor(buf);
    for (let j = 0; j < cursor.length; j++) {
      sink += cursor.timeAt(j);
      // As runReplay: every line's event but an `own` line's (read ahead only when the recording has live ones).
      if (cursor.kindAt(j) !== 'own') held[j & 63] = cursor.event(j);
    }
    decode = Math.max(decode, events / ((performance.now() - start) / 1000));
  }
  if (sink === 0 || held.every((e) => e === null)) throw new Error('decode produced nothing');
  return [
    { name: `backtest replay via replay form, all strategies + report (${events} events)`, unit: 'events', rate: Math.round(binary), target: '≥ 1,000,000 /s' },
    { name: 'backtest replay via replay form, all strategies, no report', unit: 'events', rate: Math.round(binaryNoReport) },
    { name: `replay form decode-only (${(buf.byteLength / 1e6).toFixed(1)} MB)`, unit: 'events', rate: Math.round(decode) },
    // In per cent (the table prints two decimals): how much of the replay's time is decoding, the rest the engine.
    { name: 'replay ÷ decode-only (replay form)', unit: '%', value: (100 * binary) / decode, target: `≥ ${((100 * 1e6) / decode).toFixed(1)} % for 1,000,000 /s` },
    { name: 'engine time per event (replay − decode-only)', unit: 'µs', value: 1e6 / binary - 1e6 / decode, target: `≤ ${(1 - 1e6 / decode).toFixed(2)} µs for 1,000,000 /s` },
    { name: 'backtest replay via replay form, no strategy on (the engine base) + report', unit: 'events', rate: Math.round(binaryNoStrategy) },
    // What the strategies and their orders add per event, against what is left of the 1 µs an event may take at
    // 1,000,000 /s once the base has had its share.
    {
      name: 'strategies + their orders, time per event (all strategies − none)',
      unit: 'µs',
      value: 1e6 / binary - 1e6 / binaryNoStrategy,
      target: `≤ ${Math.max(0, 1 - 1e6 / binaryNoStrategy).toFixed(2)} µs for 1,000,000 /s`,
    },
    { name: 'backtest replay from NDJSON lines (before), all strategies + report', unit: 'events', rate: Math.round(ndjson) },
    { name: 'recording load (gunzip + parse NDJSON)', unit: 'lines', rate: Math.round(rec.lines.length / (loadMs / 1000)) },
  ];
}
