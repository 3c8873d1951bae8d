/**
 * A halt stops what is already queued, not only what comes next: the executor in live mode against the
 * project's simulator over real HTTP, its key's request budget full (on a manual clock, so the queue stays
 * queued until the test says so). Creates and a modify waiting for a slot when the kill switch trips are
 * refused and never reach the venue; cancels still go. After a lost lease, nothing goes — cancels included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../containers/simulator/server.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { ManualClock, systemClock } from '../../../shared/domain/clock.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { OrderExecutor, type ExecuteResult } from '../../../shared/execution/executor.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { FetchTransport } from '../../../shared/venue/fetch-transport.js';
import { LiveOrderGateway } from '../../../shared/venue/live-gateway.js';
import { RequestBudget } from '../../../shared/venue/request-budget.js';
import { PolymarketRestClient } from '../../../shared/venue/rest-client.js';
import { startAuditedSimulator } from '../../support/wire-audit.js';

const MARKET = 'nba-bos-nyk-moneyline';

let sim: RunningSimulator;
/** Reads the venue's side with its own budget (the rig's key budget is kept full on purpose). */
let observer: PolymarketRestClient;
const received: string[] = [];

beforeAll(async () => {
  sim = await startAuditedSimulator({
    liquidity: false,
    markets: defaultWorld(Date.now()),
    wireAudit: (r) => {
      if (r.kind === 'rest' && r.method === 'POST') received.push(`${r.method} ${r.template}`);
    },
  });
  observer = client(new RequestBudget());
});

afterAll(async () => {
  await observer?.close();
  await sim?.close();
});

/** A live executor whose key allows 2 order requests (+1 reserved for cancels) per window of a manual clock. */
function liveRig() {
  const budgetClock = new ManualClock(0);
  const budgetScheduler = new ManualScheduler(budgetClock);
  const metrics = new MetricsRegistry();
  const budget = new RequestBudget({ limit: 3, reservedForCancels: 1, windowMs: 1_000, clock: budgetClock, sleep: (ms) => budgetScheduler.sleep(ms), metrics });
  const venue = client(budget, metrics);
  const clock = new ManualClock(Date.now());
  const executor = new OrderExecutor({
    gateway: new LiveOrderGateway(venue),
    clock,
    scheduler: new ManualScheduler(clock),
    metrics,
    config: { autoReconcile: false, batchOrders: false, maxInFlightPerMarket: 10 },
  });
  return { budget, budgetScheduler, venue, executor, metrics };
}

function client(budget: RequestBudget, metrics = new MetricsRegistry()): PolymarketRestClient {
  return new PolymarketRestClient({
    transport: new FetchTransport(),
    ownsTransport: true,
    apiBaseUrl: sim.baseUrl,
    gatewayBaseUrl: sim.baseUrl,
    credentials: sim.credentials,
    metrics,
    timeoutMs: 5_000,
    budget,
  });
}

const openPrices = async (): Promise<(number | null)[]> => (await observer.openOrders([MARKET])).map((o) => o.price).sort((a, b) => (a ?? 0) - (b ?? 0));

const buy = (price: number, over: Partial<Signal> = {}): Signal => ({
  marketSlug: MARKET,
  action: 'BUY_YES',
  price,
  quantity: contracts(1),
  urgency: 'LOW',
  strategyName: 'market_maker',
  confidence: 0.5,
  reason: 'halt test',
  fairProbability: 0.5,
  createdAt: systemClock.now(),
  timeInForce: 'GTC',
  ...over,
});

const sent = (what: string): number => received.filter((r) => r === what).length;

describe('a halt refuses the order requests already queued behind the request budget', () => {
  it('kill switch: queued creates and a queued modify never reach the venue, a cancel still does', async () => {
    const { budget, budgetScheduler, executor, venue, metrics } = liveRig();
    received.length = 0;
    // Two creates fill the window's order slots and go out; three more wait in the budget's queue.
    const results: Promise<ExecuteResult>[] = [100_000, 110_000, 120_000, 130_000, 140_000].map((p) => executor.execute(buy(p)));
    const [first, second] = await Promise.all(results.slice(0, 2));
    expect(first).toMatchObject({ status: 'submitted' });
    expect(second).toMatchObject({ status: 'submitted' });
    expect(budget.queued().create).toBe(3);
    // A requote of the first order: its modify waits for a slot too.
    const requote = executor.execute(buy(150_000, { replacesOrderId: (first as { localId: string }).localId }));
    await new Promise((r) => setImmediate(r));
    expect(budget.queued()).toMatchObject({ create: 3, modify: 1 });

    executor.setHalted(true);
    // Windows roll: whatever was still queued would go out now.
    await budgetScheduler.advanceAsync(5_000);
    const late = await Promise.all(results.slice(2));
    for (const r of late) expect(r).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/not sent: the authenticated request budget refuses creates/) });
    expect(await requote).toEqual({ status: 'blocked', reason: 'HALTED' });
    expect(budget.queued()).toMatchObject({ create: 0, modify: 0 });
    expect(sent('POST /v1/orders')).toBe(2);
    expect(sent('POST /v1/order/{orderId}/modify')).toBe(0);
    // The refused creates are closed locally: nothing to reconcile, nothing in flight.
    const refused = executor.tracker.all().filter((o) => o.status === 'REJECTED');
    expect(refused).toHaveLength(3);
    expect(executor.tracker.inFlightOrders()).toHaveLength(0);
    expect(metrics.counter('venue.budget.refused', { budget: 'authenticated', priority: 'create', when: 'queued' })).toBe(3);

    // Cancels still go (the window's reserved slot): the kill switch pulls what rests.
    expect(await executor.cancel((second as { localId: string }).localId)).toBe(true);
    expect(sent('POST /v1/order/{orderId}/cancel')).toBe(1);
    expect(await openPrices()).toEqual([100_000]);

    // Released, the executor sends again.
    executor.setHalted(false);
    expect(budget.refused()).toEqual([]);
    await observer.cancelAll([MARKET]);
    await venue.close();
  });

  it('lost lease: a queued cancel is refused too, and the executor cancels nothing', async () => {
    const { budget, budgetScheduler, executor, venue } = liveRig();
    received.length = 0;
    const a = await executor.execute(buy(100_000));
    const b = await executor.execute(buy(110_000));
    expect(a.status).toBe('submitted');
    expect(b.status).toBe('submitted');
    // The reserved slot goes to one cancel; the second cancel waits for the window.
    const cancelA = executor.cancel((a as { localId: string }).localId);
    const cancelB = executor.cancel((b as { localId: string }).localId);
    expect(await cancelA).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(budget.queued().cancel).toBe(1);

    executor.setHalted(true, 'refuse');
    expect(await cancelB).toBe(false);
    await budgetScheduler.advanceAsync(5_000);
    expect(sent('POST /v1/order/{orderId}/cancel')).toBe(1);
    expect(await executor.execute(buy(120_000))).toEqual({ status: 'blocked', reason: 'HALTED' });
    // Asked after the loss, a cancel is refused by the executor itself.
    expect(await executor.cancel((b as { localId: string }).localId)).toBe(false);
    expect(sent('POST /v1/order/{orderId}/cancel')).toBe(1);
    expect(await openPrices()).toEqual([110_000]);
    await observer.cancelAll([MARKET]);
    await venue.close();
  });
});
