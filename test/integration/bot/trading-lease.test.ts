/**
 * One bot per account (the trading lease), with two stateful bots in process, live, against the simulator and
 * dynalite — the ECS deployment overlap (a new task started while the old one is in its graceful stop):
 *  - the second bot waits while the first holds the lease: it reads no state and sends nothing; it acquires
 *    only after the first has cancelled its orders, made its final pass and released; every order the second
 *    sends reaches the exchange after the last event of the first's orders (so the old bot's cancel-all can
 *    never cancel the new bot's first orders);
 *  - a bot whose lease is taken halts at once: no new order, nothing cancelled (at the loss or at its stop),
 *    no final pass, no release of the new owner's lease.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStatefulBot, type StatefulBot } from '../../../containers/bot/controls/stateful-bot.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import { MemoryParameterStore } from '../../../shared/aws/parameter-store.js';
import type { AppConfig } from '../../../shared/config/schema.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { FillsLedger } from '../../../shared/store/fills-ledger.js';
import { OrdersRepository } from '../../../shared/store/orders-repository.js';
import { PositionsRepository } from '../../../shared/store/positions-repository.js';
import { RiskDayRepository } from '../../../shared/store/risk-day-repository.js';
import { TradingLeaseKeeper } from '../../../shared/store/trading-lease-keeper.js';
import { TradingLeaseRepository, tradingLeaseKey } from '../../../shared/store/trading-lease-repository.js';
import { liveChaosConfig, simulatorEndpoints } from '../../support/chaos-fixtures.js';
import { startStoreHarness, type StoreHarness } from '../../support/emulators.js';
import { waitFor } from '../../support/engine-fixtures.js';

let sim: AuditedSimulator;
let store: StoreHarness;
let config: AppConfig;
let accountId: string;
/** The account's executions at the exchange, in order. */
const events: { type: string; orderId: string }[] = [];
const running: StatefulBot[] = [];

beforeAll(async () => {
  sim = await startAuditedSimulator({
    seed: 31,
    liquidity: { crowdBias: { share: 0.5, magnitude: [0.05, 0.09] } },
    modules: [createSportsModule({ seed: 31, speed: 5, games: { basketball: 2 }, firstStartDelayMs: -30_000, startStaggerMs: 5_000 })],
  });
  const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  config = liveChaosConfig(simulatorEndpoints(sim, sports), { trading: { markets: ['*'] } });
  store = await startStoreHarness();
  accountId = sim.accountOf(sim.credentials.keyId);
  sim.exchange.onEvent((ev) => {
    if (ev.type === 'execution' && ev.accountId === accountId) events.push({ type: ev.execution.type, orderId: ev.execution.order.id });
  });
}, 30_000);

afterEach(async () => {
  for (const b of running.splice(0)) await b.stop({ outputsTimeoutMs: 2_000 }).catch(() => undefined);
});

afterAll(async () => {
  await store?.stop();
  await sim?.close();
});

type Line = MemoryLogger['lines'][number];

function leaseRepo(): TradingLeaseRepository {
  return new TradingLeaseRepository(store.doc, store.tables.leases, tradingLeaseKey(sim.credentials.keyId));
}

function keeper(owner: string, sink: Line[], metrics: MetricsRegistry, ttlMs = 3_000): TradingLeaseKeeper {
  return new TradingLeaseKeeper({ repo: leaseRepo(), owner, ttlMs, retryMs: 50, logger: new MemoryLogger({ bot: owner }, sink), metrics });
}

async function startLeased(owner: string, lease: TradingLeaseKeeper, sink: Line[], hooks: { onMarket?: () => void } = {}): Promise<StatefulBot> {
  const bot = await startStatefulBot({
    config,
    logger: new MemoryLogger({ bot: owner }, sink),
    metrics: new MetricsRegistry(),
    repos: {
      orders: new OrdersRepository(store.doc, store.tables.orders),
      fills: new FillsLedger(store.doc, store.tables.fills),
      positions: new PositionsRepository(store.doc, store.tables.positions),
      riskDays: new RiskDayRepository(store.doc, store.tables.riskDays),
    },
    parameters: new MemoryParameterStore({ '/l/mode': 'live', '/l/kill': 'off' }),
    parameterNames: { tradingMode: '/l/mode', killSwitch: '/l/kill' },
    metricsExport: false,
    strategies: ['market_maker'],
    tickMs: 200,
    sweepMs: 500,
    privateSocketWaitMs: 5_000,
    hooks: {
      onVenueEvent: (_ev, channel) => {
        if (channel === 'markets') hooks.onMarket?.();
      },
    },
    lease: { keeper: lease },
  });
  running.push(bot);
  return bot;
}

const restingIds = (b: StatefulBot): string[] =>
  b.bot.engine
    .executor()
    .tracker.restingOrders()
    .map((o) => o.orderId)
    .filter((id): id is string => id !== null);

describe('the trading lease: one bot per account', () => {
  it('a second bot waits while the first holds the lease and trades only after the first has cancelled, made its final pass and released', async () => {
    const sink: Line[] = [];
    const metricsB = new MetricsRegistry();
    const a = await startLeased('task-A', keeper('task-A', sink, new MetricsRegistry()), sink);
    await waitFor(() => restingIds(a).length > 0, 'the first bot rests an order', 20_000);

    // The deployment starts the new task while the old one still trades.
    let bStarted = false;
    const bStarting = startLeased('task-B', keeper('task-B', sink, metricsB), sink).then((b) => ((bStarted = true), b));
    bStarting.catch(() => undefined);
    const isB = (l: Line): boolean => l.fields.bot === 'task-B';
    await waitFor(() => sink.some((l) => isB(l) && l.msg.startsWith('trading lease held by another bot')), 'the second bot waits', 10_000);
    const waitLine = sink.find((l) => isB(l) && l.msg.startsWith('trading lease held by another bot'))!;
    expect(waitLine.fields).toMatchObject({ holder: 'task-A' });
    expect(typeof waitLine.fields.until).toBe('string');
    // While waiting it has read no state and sent nothing.
    expect(bStarted).toBe(false);
    expect(sink.filter(isB).map((l) => l.msg)).not.toContain('risk day loaded');
    const aOrders = new Set(a.bot.engine.executor().tracker.all().map((o) => o.orderId).filter((id): id is string => id !== null));

    // SIGTERM to the old task: graceful stop (cancel-all, flush, final pass), the lease released last.
    await a.stop({ outputsTimeoutMs: 2_000 });
    for (const id of a.bot.engine.executor().tracker.all().map((o) => o.orderId)) if (id) aOrders.add(id);
    const b = await bStarting;

    const at = (owner: string, msg: string): number => sink.findIndex((l) => l.fields.bot === owner && l.msg === msg);
    expect(at('task-A', 'cancelled all open orders')).toBeGreaterThan(-1);
    expect(at('task-A', 'trading lease released')).toBeGreaterThan(at('task-A', 'cancelled all open orders'));
    expect(at('task-B', 'trading lease acquired')).toBeGreaterThan(at('task-A', 'trading lease released'));
    expect(at('task-B', 'risk day loaded')).toBeGreaterThan(at('task-B', 'trading lease acquired'));
    expect(metricsB.histogram('bot.lease_wait_ms')?.count).toBe(1);
    expect(metricsB.histogram('bot.lease_wait_ms')!.max).toBeGreaterThan(0);
    expect((await leaseRepo().get())?.owner).toBe('task-B');

    // At the exchange: every order of the new bot arrives after the last event of any order of the old one.
    await waitFor(() => restingIds(b).some((id) => !aOrders.has(id)), 'the second bot rests an order of its own', 20_000);
    const lastOfA = events.reduce((last, e, i) => (aOrders.has(e.orderId) ? i : last), -1);
    const firstOfB = events.findIndex((e) => e.type === 'EXECUTION_TYPE_NEW' && !aOrders.has(e.orderId));
    expect(lastOfA).toBeGreaterThan(-1);
    expect(firstOfB).toBeGreaterThan(lastOfA);
    // The old bot's orders all ended (cancelled or filled) before the new bot's first order.
    for (const id of aOrders) {
      const own = events.slice(0, firstOfB).filter((e) => e.orderId === id).map((e) => e.type);
      if (own.includes('EXECUTION_TYPE_NEW')) expect(own.some((t) => ['EXECUTION_TYPE_CANCELED', 'EXECUTION_TYPE_FILL', 'EXECUTION_TYPE_REJECTED', 'EXECUTION_TYPE_EXPIRED'].includes(t)), id).toBe(true);
    }
  }, 60_000);

  it('a bot whose lease is taken halts at once and cancels nothing, then stops without cancels, final pass or release', async () => {
    const sink: Line[] = [];
    const metrics = new MetricsRegistry();
    const lease = keeper('task-L', sink, metrics, 3_000);
    let marketEvents = 0;
    const bot = await startLeased('task-L', lease, sink, { onMarket: () => marketEvents++ });
    await waitFor(() => restingIds(bot).length > 0, 'the bot rests an order', 20_000);

    const lost = new Promise<void>((resolve) => lease.onLost(() => resolve()));
    // Another task takes the lease over (as after this one's renewals stopped reaching DynamoDB past expiry).
    const repo = leaseRepo();
    const stored = await repo.get();
    expect(stored?.owner).toBe('task-L');
    // Dated an hour past the expiry just read: a renewal landing between the read and the takeover cannot refuse it.
    expect(await repo.acquire('task-new', 60_000, stored!.expiresAt + 3_600_000)).toMatchObject({ acquired: true });
    await lost;
    // The halt stops what the bot sends from the loss on; a request already on the wire at that instant (a
    // requote's modify) is still answered. Its answer is not "sent after the loss" (a clean-clone run saw one
    // REPLACE land just after), so the count starts once such answers are in: well past a loopback round trip.
    await new Promise((r) => setTimeout(r, 1_000));

    const fromLoss = events.length;
    const openAtLoss = sim.exchange.openOrders(accountId).map((o) => o.id);
    expect(openAtLoss.length).toBeGreaterThan(0);
    expect(bot.bot.engine.executor().isHalted()).toBe(true);
    expect(bot.health().phase).toBe('stopping');
    expect(sink.some((l) => l.msg.startsWith('trading lease lost: trading halted'))).toBe(true);
    expect(metrics.counter('bot.lease_lost', { reason: 'taken' })).toBe(1);

    // The market keeps moving (the engine would requote on every book): nothing is sent.
    const seen = marketEvents;
    await waitFor(() => marketEvents >= seen + 20, 'more market data after the loss', 20_000);
    const afterLoss = events.slice(fromLoss);
    expect(afterLoss.filter((e) => e.type === 'EXECUTION_TYPE_NEW' || e.type === 'EXECUTION_TYPE_CANCELED' || e.type === 'EXECUTION_TYPE_REPLACE')).toEqual([]);

    // The stop after a loss: no cancel-all, no final rebuild pass, the new owner's lease untouched.
    running.splice(running.indexOf(bot), 1);
    await bot.stop({ outputsTimeoutMs: 2_000 });
    expect(events.slice(fromLoss).filter((e) => e.type === 'EXECUTION_TYPE_CANCELED')).toEqual([]);
    const stillOpen = new Set(sim.exchange.openOrders(accountId).map((o) => o.id));
    for (const id of openAtLoss) {
      const filled = events.some((e) => e.orderId === id && e.type === 'EXECUTION_TYPE_FILL');
      if (!filled) expect(stillOpen.has(id), id).toBe(true);
    }
    const msgs = sink.map((l) => l.msg);
    expect(msgs).toContain('stopping without cancels or a final rebuild pass: the trading lease is lost');
    expect(msgs).not.toContain('cancelled all open orders');
    expect(msgs).not.toContain('trading lease released');
    expect((await repo.get())?.owner).toBe('task-new');
  }, 60_000);
});
