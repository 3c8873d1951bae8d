/**
 * Parity: a paper session recorded live against the simulator, then replayed, makes the same decisions.
 *
 * The session: the simulator (exchange, OpticOdds, seeded games at high speed, crowd bias) and the bot in
 * paper mode with the recorder attached, for a few seconds of wall time. Every risk decision the live bot
 * makes is captured from its onDecision hook. The recording is then replayed through runReplay with the
 * same configuration.
 *
 * Tolerance, and why. The replay delivers the same messages in the same order, so every decision that
 * follows from a message (live arbitrage on a score, statistical edge on odds, a quote on a book change) is
 * reproduced. What cannot be reproduced exactly is wall-clock timing inside the live process:
 *  - the bot's 1 s engine timer fires at arbitrary offsets of wall time, the replay ticks at whole
 *    simulated seconds, so a timer-driven requote can move to the neighbouring second (and see one more or
 *    one fewer message);
 *  - the paper exchange's 50 ms order latency is a setTimeout live (it fires late under load) and exact in
 *    the replay, so a fill can land before or after a message received around the same instant.
 * So the comparison is on the approved decisions' content (strategy, market, action, price, quantity) as
 * sequences, by their longest common subsequence over the longer sequence:
 *  - decisions of the event-driven strategies (live arbitrage, statistical edge) ≥ 65 %: they follow from a
 *    recorded message, and only a fill landing on the other side of a message moves one;
 *  - all decisions ≥ 60 %: the market maker also requotes on its refresh timer and on its inventory, i.e. on
 *    exactly the two timings above, so a requote may shift or vanish;
 *  - every strategy that decided live decides in the replay.
 * The recorder marks where the bot started its engine (onEngineStart): the start-up snapshots before it
 * reached the bot's state but not its strategies, and the replay starts its engine at the same line (without
 * that, the replayed market maker heard the pre-game status its live twin never did, paused at tip-off and
 * skipped a requote the live one made, and the fills and sizes after it drifted).
 * Measured on an idle machine: 40–43 decisions, 100 % overall and event-driven. The margins are for a
 * loaded CI machine, where live timers fire later: at load 10 on 2 cores a run measured 66 % overall and 69 %
 * event-driven (2026-12-07), below the 70 %/80 % margins this test had; a replay that lost its way would
 * share a few percent at most. Timestamps are not compared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../shared/config/schema.js';
import { systemClock } from '../../../shared/domain/clock.js';
import { runReplay } from '../../../shared/backtest/replay.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { nullMetrics } from '../../../shared/observability/metrics.js';
import { createBotRecorder } from '../../../shared/recording/bot-recorder.js';
import { loadRecording } from '../../../shared/recording/recording-reader.js';
import { encodeReplay } from '../../../shared/recording/binary/replay-encoder.js';
import { readContainer } from '../../../shared/recording/binary/replay-layout.js';
import { JSON_SHAPE } from '../../../shared/recording/binary/replay-schema.js';
import { startBot } from '../../../containers/bot/bot.js';
import { localSessionConfig, simulatorEndpoints } from '../../../containers/bot/session-config.js';
import { startAuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';

const dir = mkdtempSync(join(tmpdir(), 'parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = (d: { strategy: string; marketSlug: string; action: string; price: number; quantity: number }) => `${d.strategy}|${d.marketSlug}|${d.action}|${d.price}|${d.quantity}`;

function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] as number) + 1 : Math.max(prev[j] as number, cur[j - 1] as number);
    prev = cur;
  }
  return prev[b.length] as number;
}

describe('live paper session → recording → replay', () => {
  it('replays the recorded session into the same approved decisions (within the latency model)', async () => {
    const seed = 5;
    const sim = await startAuditedSimulator({
      seed,
      liquidity: { crowdBias: { share: 0.4, magnitude: [0.05, 0.09] } },
      modules: [createSportsModule({ seed, speed: 40, games: { basketball: 2, football: 1 }, firstStartDelayMs: 1_000, startStaggerMs: 2_000 })],
    });
    const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
    let config: AppConfig;
    const live: string[] = [];
    try {
      config = localSessionConfig('config', simulatorEndpoints(sim, sports));
      const recorder = createBotRecorder({ dir, config, clock: systemClock, source: 'parity-test', version: 'test', seed, sessionId: 'parity' });
      const bot = await startBot({
        config,
        logger: nullLogger,
        metrics: nullMetrics,
        onVenueEvent: recorder.onVenueEvent,
        onFeedEvent: recorder.onFeedEvent,
        onDiscovery: recorder.onDiscovery,
        onEngineStart: recorder.onEngineStart,
        onSettle: recorder.onSettle,
        onDecision: (d, s) => {
          if (d.approved && d.signal) live.push(key({ strategy: String(s.strategyName), marketSlug: s.marketSlug, action: s.action, price: s.price, quantity: d.signal.quantity }));
        },
      });
      // Event-driven wait: enough decisions to compare, or the time box (the games are seeded to trade early).
      const deadline = Date.now() + 10_000;
      while (live.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await bot.stop();
      await recorder.close();
    } finally {
      await sim.close();
    }
    expect(live.length).toBeGreaterThan(5);

    const rec = await loadRecording([dir]);
    expect(rec.discoveries).toHaveLength(1);
    const replay = await runReplay({ lines: rec.lines, config: config!, report: false });
    const replayed = replay.decisions.filter((d) => d.approved).map((d) => key({ ...d, quantity: d.approvedQty ?? d.quantity }));

    const coverage = (a: readonly string[], b: readonly string[]): number => (Math.max(a.length, b.length) === 0 ? 1 : lcs(a, b) / Math.max(a.length, b.length));
    const eventDriven = (k: string) => !k.startsWith('market_maker|');
    const all = coverage(live, replayed);
    const events = coverage(live.filter(eventDriven), replayed.filter(eventDriven));
    const diagnostics = `live ${live.length}, replayed ${replayed.length}, coverage ${all.toFixed(2)} (event-driven ${events.toFixed(2)})\nLIVE\n${live.join('\n')}\nREPLAY\n${replayed.join('\n')}`;
    expect(all, diagnostics).toBeGreaterThanOrEqual(0.6);
    expect(events, diagnostics).toBeGreaterThanOrEqual(0.65);
    const strategiesLive = new Set(live.map((k) => k.split('|')[0]));
    const strategiesReplay = new Set(replayed.map((k) => k.split('|')[0]));
    for (const s of strategiesLive) expect(strategiesReplay.has(s), diagnostics).toBe(true);

    // The replay form's fast path covers what today's adapters record: no book, trade, bbo, odds or game
    // event falls back to JSON text (a producer that changed its key order would, silently: an earlier one did).
    const shapes = readContainer(encodeReplay(rec.lines)).columns.get('line.shape') as Uint8Array;
    const columnar = new Set(['book', 'trade', 'bbo', 'odds', 'game']);
    const asJson = rec.lines.filter((l, i) => columnar.has((l.e as { type?: string }).type ?? '') && shapes[i] === JSON_SHAPE);
    const types = new Set(rec.lines.map((l) => (l.e as { type?: string }).type));
    expect(['book', 'odds', 'game'].every((t) => types.has(t)), [...types].join(', ')).toBe(true);
    expect(asJson.map((l) => JSON.stringify(l.e).slice(0, 300))).toEqual([]);
  }, 40_000);
});
