/**
 * Fills the private socket never delivered are recovered from the exchange's trade activities (the bot's
 * FillGapWatcher): the bot in LIVE mode against the simulator, our resting order filled by another account
 * while the private socket is closed or its messages are dropped. Afterwards the live tracker holds exactly
 * the exchange's executions for the order (ids, qty, price, fee), each once, and the fills hook saw each
 * once — without waiting for the reconciler.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../../containers/bot/bot.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import type { Fill } from '../../../shared/domain/order.js';
import type { VenueExecution } from '../../../shared/domain/venue-models.js';
import { classifyError, isOrderNotOpenError } from '../../../shared/execution/retry-handler.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { liveChaosConfig, simulatorEndpoints } from '../../support/chaos-fixtures.js';
import { waitFor } from '../../support/engine-fixtures.js';
import { contracts } from '../../../shared/domain/quantity.js';

const OTHER = 'acct-other';
let sim: AuditedSimulator;
let bot: RunningBot;
let account: string;
let slug: string;
const metrics = new MetricsRegistry();
const fills: Fill[] = [];
const exchangeFills = new Map<string, VenueExecution>();
let price = 200_000;

beforeAll(async () => {
  // No background liquidity: only the other account below ever trades against our orders.
  sim = await startAuditedSimulator({ seed: 9, liquidity: false, modules: [createSportsModule({ seed: 9, speed: 1, games: { basketball: 1 }, startOffsetsMs: [600_000], marketOpenLeadMs: 900_000 })] });
  const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  account = sim.accountOf(sim.credentials.keyId);
  sim.exchange.openAccount(OTHER, 100_000_000_000);
  sim.exchange.onEvent((ev) => {
    if (ev.type === 'execution' && ev.accountId === account && (ev.execution.lastShares ?? 0) > 0) exchangeFills.set(ev.execution.id, ev.execution);
  });
  bot = await startBot({ config: liveChaosConfig(simulatorEndpoints(sim, sports)), logger: nullLogger, metrics, strategies: [], tickMs: 100, onFill: (f) => fills.push(f) });
  expect(bot.mode()).toBe('live');
  slug = bot.discovery.markets[0]!.marketSlug;
  await waitFor(() => sim.socketCount() >= 2, 'both sockets connected', 10_000);
}, 20_000);

afterEach(async () => {
  // Whatever a test left resting is not hit by the next one's taker.
  sim.faults.clear();
  sim.exchange.cancelAll(account);
  await waitFor(() => sim.socketCount() >= 2, 'both sockets connected', 10_000);
});

afterAll(async () => {
  await bot?.stop();
  await sim?.close();
});

const tracker = () => bot.engine.executor().tracker;

/** Our resting BUY_LONG of 1 000 at a fresh, higher price (the best bid: the other account's sells hit it first). */
async function restingOrder(): Promise<string> {
  price += 20_000;
  const r = await bot.engine.executor().execute({
    marketSlug: slug,
    action: 'BUY_YES',
    price,
    quantity: contracts(1_000),
    urgency: 'LOW',
    strategyName: 'market_maker',
    confidence: 1,
    reason: 'fill-gap test',
    fairProbability: 0.5,
    createdAt: Date.now(),
    timeInForce: 'GTC',
  });
  if (r.status !== 'submitted') throw new Error(`order not submitted: ${JSON.stringify(r)}`);
  await waitFor(() => tracker().getByOrderId(r.orderId)?.status === 'PENDING', 'our order resting', 5_000);
  return r.orderId;
}

/** The other account sells `count` contracts into our bid (it takes; we are the maker). */
function takeFromUs(count: number): void {
  const r = sim.exchange.submitOrder(OTHER, { marketSlug: slug, intent: 'ORDER_INTENT_BUY_SHORT', price, quantity: contracts(count), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
  expect(r.order.cumQuantity).toBe(contracts(count));
}

/** The tracker and the fills hook hold exactly the exchange's executions of the order, each once. */
function expectExactlyTheExchangeFills(orderId: string): void {
  const truth = [...exchangeFills.values()].filter((x) => x.order.id === orderId);
  expect(truth.length).toBeGreaterThan(0);
  expect(truth.every((x) => x.commissionNotionalCollected! < 0)).toBe(true); // real maker rebates, not 0
  const mine = fills.filter((f) => f.orderId === orderId);
  expect(mine.map((f) => [f.executionId, f.qty, f.price, f.fee, f.liquidity]).sort()).toEqual(
    truth.map((x) => [x.id, x.lastShares, x.lastPx, x.commissionNotionalCollected, 'MAKER']).sort(),
  );
  expect(new Set(mine.map((f) => f.executionId)).size).toBe(mine.length);
  const o = tracker().getByOrderId(orderId)!;
  expect(o.filledQty).toBe(truth.reduce((a, x) => a + x.lastShares!, 0));
  expect(o.feesPaid).toBe(truth.reduce((a, x) => a + x.commissionNotionalCollected!, 0));
  expect(o.status).toBe(sim.exchange.getOrder(account, orderId).state === 'ORDER_STATE_FILLED' ? 'FILLED' : 'PARTIALLY_FILLED');
}

describe('fills the private socket missed are recovered from the trade activities (live mode)', () => {
  it('filled while the private socket is down: recovered after the reconnect, each once', async () => {
    const orderId = await restingOrder();
    const reconnectsBefore = metrics.counter('fill_gap.reconnect_scans');
    // Close every socket, and fill our order in two trades before the bot can reconnect.
    expect(sim.faults.closeAllSockets()).toBeGreaterThan(0);
    takeFromUs(400);
    takeFromUs(600);
    await waitFor(() => tracker().getByOrderId(orderId)?.filledQty === contracts(1_000), 'the two fills recovered', 10_000);
    expect(metrics.counter('fill_gap.reconnect_scans')).toBeGreaterThan(reconnectsBefore);
    expectExactlyTheExchangeFills(orderId);
    expect(tracker().getByOrderId(orderId)!.status).toBe('FILLED');
  });

  it('a dropped partial fill: the next fill shows the gap and the missing one is recovered', async () => {
    const orderId = await restingOrder();
    sim.faults.dropSocketMessages({ channel: 'private', probability: 1 });
    takeFromUs(300);
    await new Promise((r) => setTimeout(r, 200));
    sim.faults.dropSocketMessages({ channel: 'private', probability: 0 });
    takeFromUs(200); // delivered: cumulative 500, only 200 heard → gap
    await waitFor(() => tracker().getByOrderId(orderId)?.filledQty === contracts(500), 'the dropped fill recovered', 10_000);
    expectExactlyTheExchangeFills(orderId);
    expect(tracker().getByOrderId(orderId)!.status).toBe('PARTIALLY_FILLED');
    await bot.engine.executor().cancel(orderId);
  });

  it('a dropped final fill: the cancel answered "not open" looks the order up and recovers the fill', async () => {
    const orderId = await restingOrder();
    sim.faults.dropSocketMessages({ channel: 'private', probability: 1 });
    takeFromUs(1_000);
    await new Promise((r) => setTimeout(r, 200));
    sim.faults.dropSocketMessages({ channel: 'private', probability: 0 });
    expect(tracker().getByOrderId(orderId)!.status).toBe('PENDING'); // nothing heard

    // What the exchange answers to the cancel of a filled order, on the wire: 400 "order … is not open".
    const err = await bot.rest.cancelOrder(orderId, slug).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 400 });
    expect(isOrderNotOpenError(err)).toBe(true);
    expect(classifyError(err)).toBe('not_found');

    const notOpenBefore = metrics.counter('execution.cancel_not_open');
    expect(await bot.engine.executor().cancel(orderId)).toBe(true);
    expect(metrics.counter('execution.cancel_not_open')).toBe(notOpenBefore + 1);
    expect(metrics.counter('execution.cancel_failed')).toBe(0);
    await waitFor(() => tracker().getByOrderId(orderId)?.status === 'FILLED', 'the final fill recovered', 10_000);
    expectExactlyTheExchangeFills(orderId);
  });

  it('every exchange execution of the account reached the bot exactly once', () => {
    const seen = new Map<string, number>();
    for (const f of fills) seen.set(f.executionId, (seen.get(f.executionId) ?? 0) + 1);
    expect([...seen.keys()].sort()).toEqual([...exchangeFills.keys()].sort());
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(metrics.counter('fill_gap.fills_recovered')).toBeGreaterThanOrEqual(4);
  });
});
