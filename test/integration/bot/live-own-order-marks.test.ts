/**
 * Live marks over the wire (docs/pnl-marks.md, "The bot's own orders"): the bot in LIVE mode against the
 * simulator (real HTTP and WebSockets, no background liquidity), another account's bid and offer on the book.
 * The bot buys into the offer (a long) and then rests its own bid above the other account's: the public book
 * the bot receives now shows the bot's bid as the best. The bot's state manager (PnL, breaker), its position
 * and its performance tracker (reports) mark the long against the other account's bid, never its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../../containers/bot/bot.js';
import { localSessionConfig, simulatorEndpoints } from '../../../containers/bot/session-config.js';
import { startSimulator, type RunningSimulator } from '../../../containers/simulator/server.js';
import { generateApiKey } from '../../../containers/simulator/server/auth.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import { executableMark, levelsOf } from '../../../shared/domain/executable-mark.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { PolymarketRestClient } from '../../../shared/venue/rest-client.js';
import { orderRequest } from '../../support/domain-fixtures.js';
import { REPO_CONFIG_DIR, waitFor } from '../../support/engine-fixtures.js';

let SLUG = '';
let sim: RunningSimulator;
let bot: RunningBot;
let them: PolymarketRestClient;

beforeAll(async () => {
  const keys = [generateApiKey(), generateApiKey()];
  sim = await startSimulator({
    seed: 7,
    keys,
    liquidity: false,
    rateLimits: false,
    modules: [createSportsModule({ seed: 7, speed: 1, games: { basketball: 1 }, startOffsetsMs: [3_600_000], marketOpenLeadMs: 7_200_000 })],
  });
  const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  const config = localSessionConfig(REPO_CONFIG_DIR, simulatorEndpoints(sim, sports), {}, { mode: 'live' });
  expect(config.mode).toBe('live');
  them = new PolymarketRestClient({ apiBaseUrl: sim.baseUrl, gatewayBaseUrl: sim.baseUrl, credentials: keys[1]!, timeoutMs: 5_000, sleep: async () => {} });
  bot = await startBot({ config, logger: nullLogger, metrics: new MetricsRegistry(), strategies: [] });
  SLUG = bot.discovery.markets[0]?.marketSlug ?? '';
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await them?.close();
  await sim?.close();
});

const signal = (over: Partial<Signal>): Signal => ({
  marketSlug: SLUG,
  action: 'BUY_YES',
  price: 550_000,
  quantity: contracts(5),
  urgency: 'LOW',
  strategyName: 'market_maker',
  confidence: 0.9,
  reason: 'test',
  fairProbability: 0.6,
  createdAt: Date.now(),
  ...over,
});

describe('live marks over the wire ignore the bot’s own resting bid', () => {
  it('a long held while bidding is marked against the other account’s bid', async () => {
    expect(bot.mode()).toBe('live');
    expect(SLUG).not.toBe('');
    const engine = bot.engine;
    // The other account: a bid at 0.50 and an offer at 0.60.
    await them.createOrder(orderRequest({ marketSlug: SLUG, intent: 'ORDER_INTENT_BUY_LONG', price: 500_000, quantity: contracts(20), postOnly: true }));
    await them.createOrder(orderRequest({ marketSlug: SLUG, intent: 'ORDER_INTENT_SELL_LONG', price: 600_000, quantity: contracts(10), postOnly: true }));
    await waitFor(() => engine.state.book(SLUG)?.bestAsk === 600_000 && engine.state.book(SLUG)?.bestBid === 500_000, 'the other account’s quotes on the bot’s book', 10_000, 20);

    // The bot takes 5 of the offer: long 5.
    const take = await engine.executor().execute(signal({ price: 600_000, timeInForce: 'IOC', urgency: 'HIGH' }));
    expect(take.status).not.toBe('rejected');
    await waitFor(() => engine.state.position(SLUG)?.netQty === contracts(5), 'the long on the bot’s position', 10_000, 20);
    // Then rests its own bid at 0.55, above the other account's: the best bid of the public book.
    const rest = await engine.executor().execute(signal({ price: 550_000, quantity: contracts(10), postOnly: true, timeInForce: 'GTC' }));
    expect(rest.status).not.toBe('rejected');
    await waitFor(
      () => engine.state.book(SLUG)?.bestBid === 550_000 && engine.executor().tracker.restingOrders({ marketSlug: SLUG }).length === 1,
      'the bot’s own bid resting and on its book',
      10_000,
      20,
    );

    const theta = engine.fees.ratesFor(SLUG, Date.now()).takerThetaPpm;
    const mark = (bids: BookLevel[]) => executableMark({ netQty: contracts(5), closeLevels: levelsOf(bids), oppositeBest: 600_000, lastTrade: 600_000, takerThetaPpm: theta });
    const againstOthers = mark([{ price: 500_000, qty: contracts(20) }]);
    const againstOwn = mark([{ price: 550_000, qty: contracts(10) }]);
    expect(againstOthers.value as number).toBeLessThan(againstOwn.value as number);

    expect(engine.state.closeoutMark(SLUG, contracts(5))).toEqual(againstOthers);
    expect(engine.state.position(SLUG)?.currentValue).toBe(againstOthers.value);
    expect(engine.performance.closeout(SLUG, contracts(5))).toEqual(againstOthers);
    // The breaker's daily PnL: the long's cost is 5 × 0.60 plus the fill's fee; its value is the mark.
    const pnl = engine.pnl.dailyPnl();
    const fees = engine.executor().tracker.all().reduce((s, o) => s + o.feesPaid, 0);
    expect(pnl.realized + pnl.unrealized).toBe((againstOthers.value as number) - 3_000_000 - fees);

    // The own bid cancelled: the book as shown is the other account's again; nothing changes for the mark.
    await engine.executor().cancelAll();
    await waitFor(() => engine.state.book(SLUG)?.bestBid === 500_000 && engine.executor().tracker.restingOrders({ marketSlug: SLUG }).length === 0, 'the own bid gone', 10_000, 20);
    expect(engine.state.closeoutMark(SLUG, contracts(5))).toEqual(againstOthers);
  }, 60_000);
});
