/**
 * Runtime controls against the simulated exchange, without a restart: paper → live → paper (leaving live
 * cancels every live resting order AT THE EXCHANGE, and nothing more is sent to it), and the kill switch in
 * live mode (everything cancelled at the exchange, nothing new sent until released).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../../containers/bot/bot.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import { deepMerge } from '../../../shared/config/deep-merge.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { engineConfig, LOCAL_SESSION_PATCH, simulatorEnv, waitFor } from '../../support/engine-fixtures.js';

let sim: AuditedSimulator;
let bot: RunningBot;
let account: string;

beforeAll(async () => {
  sim = await startAuditedSimulator({
    seed: 5,
    // Makers only: nobody trades against the bot's quotes, so they stay resting.
    liquidity: { takers: 0 },
    modules: [createSportsModule({ seed: 5, speed: 1, games: { basketball: 1 }, startOffsetsMs: [600_000], marketOpenLeadMs: 900_000, tickMs: 50 })],
  });
  const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  account = sim.accountOf(sim.credentials.keyId);
  const config = engineConfig({
    mode: 'paper',
    patch: deepMerge(LOCAL_SESSION_PATCH, { strategies: { market_maker: { refresh_interval: 0.5 } } }),
    env: simulatorEnv(sim, sports),
  });
  bot = await startBot({ config, logger: nullLogger, metrics: new MetricsRegistry(), strategies: ['market_maker'], tickMs: 100 });
}, 20_000);

afterAll(async () => {
  await bot?.stop();
  await sim?.close();
});

const venueOpen = () => sim.exchange.openOrders(account);
const venueOrderCount = () => sim.exchange.activities(account, { types: ['ACTIVITY_TYPE_ORDER'], limit: 1000 }).activities.length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('paper → live → kill switch → live → paper, without a restart', () => {
  it('paper quotes never reach the exchange', async () => {
    expect(bot.mode()).toBe('paper');
    await waitFor(() => bot.engine.executor().tracker.openOrders().filter((o) => o.status === 'PENDING').length >= 2, 'paper quotes resting', 8_000);
    expect((await bot.engine.paper.openOrders()).length).toBeGreaterThanOrEqual(2);
    expect(venueOpen()).toEqual([]);
    expect(venueOrderCount()).toBe(0);
  });

  it('switched to live, the same strategy quotes at the exchange', async () => {
    await bot.setMode('live');
    expect(bot.mode()).toBe('live');
    await waitFor(() => venueOpen().length >= 2, 'live quotes resting at the exchange', 8_000);
    const live = bot.engine.executor().tracker;
    await waitFor(() => live.inFlightOrders().length === 0, 'acks', 5_000);
    expect(live.openOrders().map((o) => o.orderId).sort()).toEqual(venueOpen().map((o) => o.id).sort());
  });

  it('kill switch: every live order cancelled at the exchange, nothing new sent; released, quoting resumes', async () => {
    await bot.setKillSwitch(true, 'test');
    await waitFor(() => venueOpen().length === 0, 'exchange book empty of the bot', 5_000);
    const sent = venueOrderCount();
    await sleep(1_500); // several refresh intervals and engine ticks
    expect(venueOrderCount()).toBe(sent);
    expect(venueOpen()).toEqual([]);

    await bot.setKillSwitch(false, 'test');
    await waitFor(() => venueOpen().length >= 2, 'quotes back at the exchange', 8_000);
  });

  it('switched back to paper: live resting orders are cancelled at the exchange before the switch completes, and nothing more is sent', async () => {
    const live = bot.engine.executor().tracker;
    await waitFor(() => live.inFlightOrders().length === 0, 'acks', 5_000);
    await bot.setMode('paper');
    expect(bot.mode()).toBe('paper');
    expect(venueOpen()).toEqual([]);
    const sent = venueOrderCount();
    await waitFor(() => live.openOrders().length === 0, 'the live tracker to hear every cancel', 5_000);
    await sleep(1_500);
    expect(venueOrderCount()).toBe(sent);
    expect(venueOpen()).toEqual([]);
    // Paper quoting carries on.
    await waitFor(() => bot.engine.executor().tracker.openOrders().length >= 2, 'paper quotes again', 8_000);
  });
});
