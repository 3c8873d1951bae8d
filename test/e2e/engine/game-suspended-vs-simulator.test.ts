/**
 * A game the feed reports as SUSPENDED stops trading, end to end over the simulated OpticOdds feed (paper
 * mode): the market maker pulls its quotes within a second and does not requote, and live arbitrage sends
 * nothing more while the game's results keep coming — even though the exchange's markets stay open. The
 * feed spells the status as the contract's examples do ("Suspended"). Lifting the suspension restores quoting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../../containers/bot/bot.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import type { SimFixture } from '../../../containers/simulator/sports/index.js';
import { deepMerge } from '../../../shared/config/deep-merge.js';
import type { FeedEvent } from '../../../shared/domain/feed-events.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { engineConfig, LOCAL_SESSION_PATCH, simulatorEnv, waitFor } from '../../support/engine-fixtures.js';

let sim: AuditedSimulator;
let sports: SportsModule;
let bot: RunningBot;
let fx: SimFixture;
const signals: { signal: Signal; at: number }[] = [];
const games: { status: string; score: string; at: number }[] = [];

beforeAll(async () => {
  sim = await startAuditedSimulator({
    seed: 21,
    liquidity: { takers: 0, repriceLagMs: [400, 900] },
    modules: [createSportsModule({ seed: 21, speed: 20, games: { basketball: 1 }, startOffsetsMs: [1_500], marketOpenLeadMs: 60_000, tickMs: 20 })],
  });
  sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  fx = sports.world.fixtures()[0]!;
  const config = engineConfig({
    mode: 'paper',
    // Quote again right after each game event, so that resting quotes are there to pull.
    patch: deepMerge(LOCAL_SESSION_PATCH, { strategies: { market_maker: { refresh_interval: 0.2, pause_after_event_ms: 0 } } }),
    env: simulatorEnv(sim, sports),
  });
  bot = await startBot({
    config,
    logger: nullLogger,
    metrics: new MetricsRegistry(),
    strategies: ['market_maker', 'live_arbitrage'],
    tickMs: 100,
    onDecision: (_d, signal) => signals.push({ signal, at: Date.now() }),
    onFeedEvent: (ev: FeedEvent) => {
      if (ev.type === 'game' && ev.game.gameId === fx.fixtureId) {
        games.push({ status: ev.game.status, score: `${ev.game.homeScore}-${ev.game.awayScore}`, at: Date.now() });
      }
    },
  });
}, 20_000);

afterAll(async () => {
  await bot?.stop();
  await sim?.close();
});

const mmOrders = () =>
  bot.engine
    .executor()
    .tracker.openOrders({ strategyName: 'market_maker' })
    .filter((o) => o.request.marketSlug === fx.homeMarketSlug || o.request.marketSlug === fx.awayMarketSlug);
const arbSignals = (since: number) => signals.filter((s) => s.signal.strategyName === 'live_arbitrage' && s.at >= since);

describe('a suspended game stops trading (feed simulator end to end)', () => {
  it('live: the market maker quotes and live arbitrage trades on game events', async () => {
    await waitFor(() => bot.engine.state.game(fx.fixtureId)?.status === 'LIVE', 'the game live in the bot', 10_000);
    await waitFor(() => arbSignals(0).length >= 1, 'a live-arbitrage signal', 20_000);
    await waitFor(() => mmOrders().length >= 1, 'market-maker quotes resting', 10_000);
  }, 40_000);

  it('"Suspended": quotes pulled within a second, no requote, no live arbitrage while results keep coming', async () => {
    await waitFor(() => mmOrders().length >= 1, 'market-maker quotes resting', 10_000);
    const t0 = Date.now();
    sports.world.setReportedStatus(fx.fixtureId, 'suspended', { spelling: 'capitalized' });
    await waitFor(() => mmOrders().length === 0, 'quotes pulled', 5_000, 5);
    const pulledAfter = Date.now() - t0;
    expect(pulledAfter).toBeLessThan(1_000);
    expect(bot.engine.state.game(fx.fixtureId)).toMatchObject({ status: 'SUSPENDED', rawStatus: 'Suspended' });

    // The game plays on underneath: its results (new scores) keep arriving, reported as suspended.
    const seenAt = Date.now();
    const scoreNow = () => games.filter((g) => g.at >= seenAt).map((g) => g.score);
    await waitFor(() => new Set(scoreNow()).size >= 3, 'three new scores while suspended', 20_000);
    expect(games.filter((g) => g.at >= seenAt).every((g) => g.status === 'SUSPENDED')).toBe(true);
    expect(arbSignals(seenAt)).toEqual([]);
    expect(mmOrders()).toEqual([]);
    expect(signals.filter((s) => s.signal.strategyName === 'market_maker' && s.at >= seenAt)).toEqual([]);
  }, 40_000);

  it('lifting the suspension lets the market maker quote again', async () => {
    sports.world.setReportedStatus(fx.fixtureId, null);
    await waitFor(() => bot.engine.state.game(fx.fixtureId)?.status === 'LIVE', 'the game live again', 5_000);
    await waitFor(() => mmOrders().length >= 1, 'quotes back', 10_000);
  }, 20_000);
});
