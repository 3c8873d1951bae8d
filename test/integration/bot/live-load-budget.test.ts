/**
 * The venue budget under load, measured by the receiver: the bot in LIVE mode against the simulator with 200
 * listed markets (the load run of `npm start -- --mode live --markets 200`: moving books, the market maker
 * quoting every market) for about 20 s, its budget at the venue's full 20/s (it is the key's only client here).
 * The simulator counts every authenticated request of the key as it receives it: never more than 20 in any
 * rolling second, no 429, batches used, and every listed market subscribed and quoted.
 *
 * Bot and simulator share one busy event loop, so the time from a grant to its arrival varies a lot — the
 * situation in which a budget that counts grants at their grant time lets more than 20 arrive in one window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../../containers/bot/bot.js';
import { startLoadDrift, type LoadDrift } from '../../../containers/bot/load-drift.js';
import { loadRunPatch, localSessionConfig, simulatorEndpoints } from '../../../containers/bot/session-config.js';
import { startSimulator, type RunningSimulator } from '../../../containers/simulator/server.js';
import { listedMarketsWorld } from '../../../containers/simulator/server/default-world.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import { deepMerge } from '../../../shared/config/deep-merge.js';
import { ONE_DOLLAR } from '../../../shared/domain/money.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { REPO_CONFIG_DIR, waitFor } from '../../support/engine-fixtures.js';

const MARKETS = 200;
const TRADE_MS = 20_000;

let sim: RunningSimulator;
let bot: RunningBot;
let drift: LoadDrift;
const metrics = new MetricsRegistry();
const world = listedMarketsWorld(Date.now(), MARKETS);
const loadSlugs = new Set(world.markets.map((m) => m.slug));

beforeAll(async () => {
  sim = await startSimulator({
    seed: 5,
    markets: world,
    startingBalance: (10_000 + 20 * MARKETS) * ONE_DOLLAR,
    modules: [createSportsModule({ seed: 5, speed: 10, games: { basketball: 1 }, startOffsetsMs: [600_000], marketOpenLeadMs: 900_000 })],
  });
  const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  const endpoints = simulatorEndpoints(sim, sports);
  const plain = localSessionConfig(REPO_CONFIG_DIR, endpoints, {}, { mode: 'live' });
  const config = localSessionConfig(REPO_CONFIG_DIR, endpoints, {}, {
    mode: 'live',
    // The key's whole 20/s (no reconciler shares it here); requotes every second, so demand exceeds the budget.
    patch: deepMerge(loadRunPatch(plain, MARKETS), { api: { rate_limit_per_second: 20 }, strategies: { market_maker: { refresh_interval: 1 } } }),
  });
  expect(config.mode).toBe('live');
  expect(config.api.rateLimitPerSecond).toBe(20);
  drift = startLoadDrift(sim.venue, [...loadSlugs], { seed: 5, share: 0.3, maxStepCents: 3 });
  bot = await startBot({ config, logger: nullLogger, metrics, strategies: ['market_maker'] });
}, 30_000);

afterAll(async () => {
  drift?.stop();
  await bot?.stop();
  await sim?.close();
});

const counter = (name: string): number => {
  let n = 0;
  for (const [k, v] of Object.entries(metrics.snapshot().counters)) if (k === name || k.startsWith(`${name}|`)) n += v;
  return n;
};

describe('live load run: 200 markets against the venue budget', () => {
  it('never sends more than 20 authenticated requests in any rolling second as the simulator counts them, gets no 429, and batches', async () => {
    expect(bot.mode()).toBe('live');
    // Every listed market was discovered (and so subscribed).
    const discovered = new Set(bot.discovery.markets.map((m) => m.marketSlug));
    for (const slug of loadSlugs) expect(discovered.has(slug), slug).toBe(true);

    const quoted = (): number => new Set(bot.engine.executor().tracker.all().filter((o) => loadSlugs.has(o.request.marketSlug)).map((o) => o.request.marketSlug)).size;
    await waitFor(() => quoted() >= MARKETS * 0.95, `the market maker quoting ${MARKETS * 0.95} of the listed markets`, 30_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}: ${quoted()} quoted`);
    });
    // Keep trading while the books move (drift): requotes and pulls, beyond the budget's 20/s at times.
    await new Promise((r) => setTimeout(r, TRADE_MS));
    bot.engine.engine.stop();
    await waitFor(() => bot.engine.executor().tracker.inFlightOrders().length === 0, 'in-flight orders answered', 30_000, 50);

    const received = sim.requestTally(sim.credentials.keyId);
    expect(drift.moves).toBeGreaterThan(0);
    expect(received.requests).toBeGreaterThan(100);
    expect(received.peakPerWindow).toBeLessThanOrEqual(20);
    expect(received.rateLimited).toBe(0);
    expect(counter('venue.http.rate_limited')).toBe(0);
    // The client's own figure agrees (it counts requests sent; the simulator counts arrivals).
    expect(metrics.gaugeValue('venue.requests.peak_per_window', { budget: 'authenticated' })).toBeLessThanOrEqual(20);
    // Batches: the market maker's requotes of one tick leave as batch calls.
    expect(counter('venue.batches')).toBeGreaterThan(0);
    expect(counter('venue.batch_orders')).toBeGreaterThan(counter('venue.batches'));
  }, 90_000);
});
