/**
 * The bot's start-up rebuild against the exchange simulator (the real venue client over HTTP) and dynalite:
 * how orders sent just before a stop are found with what the venue offers — open orders, trade activities
 * (with the simulator's order ids, and stripped to the contract's shape, which names no order), orders read by
 * id — and that it never asks for an activity type the venue does not list.
 */
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../../containers/simulator/server/auth.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { rebuildFromExchange, type RebuildOptions, type RebuildVenue } from '../../../containers/bot/persistence/exchange-rebuild.js';
import { DEFAULT_FEE_SCHEDULE } from '../../../shared/domain/fees.js';
import type { OrderRequest, TrackedOrder } from '../../../shared/domain/order.js';
import { ACTIVITY_TYPES } from '../../../shared/domain/venue-enums.js';
import type { VenueActivity } from '../../../shared/domain/venue-models.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { FillsLedger } from '../../../shared/store/fills-ledger.js';
import { OrdersRepository } from '../../../shared/store/orders-repository.js';
import { PositionsRepository } from '../../../shared/store/positions-repository.js';
import { tradingDayOf } from '../../../shared/store/trading-day.js';
import { PolymarketRestClient } from '../../../shared/venue/rest-client.js';
import { startStoreHarness, type StoreHarness } from '../../support/emulators.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import { orderRequest } from '../../support/domain-fixtures.js';

const MARKET = 'nba-bos-nyk-moneyline';
const TESTS = 7;

let sim: AuditedSimulator;
let them: PolymarketRestClient;
const ours: PolymarketRestClient[] = [];
let next = 0;
let us: PolymarketRestClient;
let store: StoreHarness;
let orders: OrdersRepository;
let fills: FillsLedger;

function client(credentials: { keyId: string; secretBase64: string }): PolymarketRestClient {
  return new PolymarketRestClient({ apiBaseUrl: sim.baseUrl, gatewayBaseUrl: sim.baseUrl, credentials, timeoutMs: 5_000, sleep: async () => {} });
}

beforeAll(async () => {
  const keys = Array.from({ length: TESTS + 1 }, () => generateApiKey());
  sim = await startAuditedSimulator({ liquidity: false, markets: defaultWorld(Date.now()), keys, rateLimits: false });
  them = client(sim.keys[0]!);
  for (let i = 1; i <= TESTS; i++) ours.push(client(sim.keys[i]!));
});
afterAll(async () => {
  await Promise.all([them?.close(), ...ours.map((c) => c.close())]);
  await sim?.close();
});
// Each test: its own account at the exchange and its own store.
beforeEach(async () => {
  us = ours[next++]!;
  store = await startStoreHarness();
  orders = new OrdersRepository(store.doc, store.tables.orders);
  fills = new FillsLedger(store.doc, store.tables.fills);
});
afterEach(async () => {
  await store?.stop();
});

const limit = (intent: OrderRequest['intent'], price: number, quantity: Qty, tif: OrderRequest['tif'] = 'TIME_IN_FORCE_GOOD_TILL_CANCEL'): OrderRequest =>
  orderRequest({ marketSlug: MARKET, intent, price, quantity, tif });

/** The record the bot writes before it hears the create's answer: no venue id yet. */
async function inFlight(localId: string, request: OrderRequest): Promise<TrackedOrder> {
  const now = Date.now() - 200;
  const order: TrackedOrder = { orderId: null, localId, request, status: 'PENDING', filledQty: 0, avgPrice: 0, feesPaid: 0, strategyName: 'statistical_edge', createdAt: now, updatedAt: now };
  await orders.create(order);
  return order;
}

/** The venue as the bot's rebuild uses it; `contractOnly` strips the simulator's extras from trade activities. */
function venue(opts: { contractOnly?: boolean; types?: string[] } = {}): RebuildVenue {
  const strip = (a: VenueActivity): VenueActivity => {
    const raw = a.raw as { trade?: Record<string, unknown> };
    const trade = raw.trade ? Object.fromEntries(Object.entries(raw.trade).filter(([k]) => k !== 'orderId' && k !== 'executionId')) : undefined;
    // What the client reads from the contract's shape: no order id; the trade id stands in for the execution id.
    return { ...a, orderId: null, executionId: a.trade?.id ?? null, raw: { ...raw, ...(trade ? { trade } : {}) } };
  };
  return {
    openOrders: () => us.openOrders(),
    positions: () => us.positions(),
    balances: () => us.balances(),
    getOrder: (id) => us.getOrder(id),
    cancelOrder: (id, slug) => us.cancelOrder(id, slug),
    activitiesPage: async (q) => {
      opts.types?.push(...(q.types ?? []));
      const page = await us.activitiesPage(q);
      return opts.contractOnly ? { ...page, activities: page.activities.map(strip) } : page;
    },
  };
}

function rebuild(v: RebuildVenue, logger = new MemoryLogger(), metrics = new MetricsRegistry()): ReturnType<typeof rebuildFromExchange> {
  const o: RebuildOptions = {
    venue: v,
    repos: { orders, fills, positions: new PositionsRepository(store.doc, store.tables.positions) },
    now: () => Date.now(),
    logger,
    metrics,
    orphanPolicy: 'cancel',
    fees: DEFAULT_FEE_SCHEDULE,
    lookbackMs: 3_600_000,
  };
  return rebuildFromExchange(o);
}

async function allRecords(): Promise<TrackedOrder[]> {
  const open = await orders.listOpen();
  return open.map((s) => s.order);
}

describe('rebuild: orders sent just before the stop', () => {
  it('claims a resting in-flight order from the open orders, asking only for activity types the venue lists', async () => {
    const request = limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(5));
    await inFlight('bot-1', request);
    const { orderId } = await us.createOrder(request);
    const types: string[] = [];
    const r = await rebuild(venue({ types }));
    expect(r).toMatchObject({ inFlightClaimed: 1, inFlightTraded: 0, orphansCancelled: [], repairsFailed: 0 });
    expect(r.openOrders.map((o) => [o.order.localId, o.order.orderId, o.order.strategyName])).toEqual([['bot-1', orderId, 'statistical_edge']]);
    expect(types.length).toBeGreaterThan(0);
    for (const t of types) expect(ACTIVITY_TYPES).toContain(t);
    await us.cancelOrder(orderId, MARKET);
  });

  it('claims a filled in-flight order through the order its trade names, and appends its fill once', async () => {
    await them.createOrder(limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(5)));
    const request = limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(5), 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL');
    await inFlight('bot-2', request);
    const { orderId } = await us.createOrder(request);
    const r = await rebuild(venue());
    expect(r).toMatchObject({ inFlightClaimed: 1, fillsAppended: 1, unattributedTrades: 0, repairsFailed: 0 });
    expect((await orders.get('bot-2'))!.order).toMatchObject({ orderId, status: 'FILLED', filledQty: contracts(5) });
    expect(await orders.findByVenueOrderId(orderId)).toMatchObject({ order: { localId: 'bot-2' } });
    const again = await rebuild(venue());
    expect(again).toMatchObject({ fillsAppended: 0, inFlightClaimed: 0 });
    expect(Object.values(again.drift).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("closes a filled in-flight order with the trades that name no order (the contract's shape)", async () => {
    await them.createOrder(limit('ORDER_INTENT_BUY_SHORT', 420_000, contracts(4)));
    const request = limit('ORDER_INTENT_BUY_LONG', 430_000, contracts(4), 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL');
    await inFlight('bot-3', request);
    const { orderId } = await us.createOrder(request);
    const logger = new MemoryLogger();
    const r = await rebuild(venue({ contractOnly: true }), logger);
    expect(r).toMatchObject({ inFlightClaimed: 0, inFlightTraded: 1, unattributedTrades: 0, repairsFailed: 0 });
    // Filled at the resting price; its venue id cannot be learnt from the venue, so none is invented.
    expect((await orders.get('bot-3'))!.order).toMatchObject({ orderId: null, status: 'FILLED', filledQty: contracts(4), avgPrice: 420_000 });
    expect(await orders.findByVenueOrderId(orderId)).toBeUndefined();
    expect(logger.lines.some((l) => l.msg.includes('unreadable'))).toBe(false);
  });

  it('closes as never placed an in-flight order the exchange cancelled unfilled, and records nothing else', async () => {
    const request = limit('ORDER_INTENT_BUY_LONG', 100_000, contracts(3), 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL');
    await inFlight('bot-4', request);
    const { orderId } = await us.createOrder(request); // nothing to take: cancelled at once, no trace but its id
    expect((await us.getOrder(orderId)).cumQuantity).toBe(0);
    const r = await rebuild(venue({ contractOnly: true }));
    expect(r).toMatchObject({ inFlightClaimed: 0, inFlightTraded: 0, fillsAppended: 0, repairsFailed: 0 });
    expect((await orders.get('bot-4'))!.order).toMatchObject({ orderId: null, status: 'REJECTED', rejectReason: 'not found at the exchange after a restart' });
    expect(await allRecords()).toEqual([]);
  });

  it('records once a traded order that has no record at all, and appends its fill', async () => {
    await them.createOrder(limit('ORDER_INTENT_BUY_SHORT', 450_000, contracts(2)));
    const { orderId } = await us.createOrder(limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(2), 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL'));
    const r = await rebuild(venue());
    expect(r).toMatchObject({ fillsAppended: 1, repairsFailed: 0 });
    expect((await orders.get(`recon-${orderId}`))!.order).toMatchObject({ orderId, status: 'FILLED', filledQty: contracts(2), strategyName: 'reconciler_orphan' });
    const again = await rebuild(venue());
    expect(again.fillsAppended).toBe(0);
    expect((await orders.get(`recon-${orderId}`))!.version).toBe(1);
  });

  it("writes the fill of a recorded order that traded while the bot was down, from a trade that names no order", async () => {
    const request = limit('ORDER_INTENT_BUY_LONG', 380_000, contracts(6));
    const { orderId } = await us.createOrder(request);
    const at = Date.now() - 100;
    await orders.create({ orderId, localId: 'bot-7', request, status: 'PENDING', filledQty: 0, avgPrice: 0, feesPaid: 0, strategyName: 'market_maker', createdAt: at, updatedAt: at });
    await them.createOrder(limit('ORDER_INTENT_BUY_SHORT', 380_000, contracts(2), 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL'));
    const r = await rebuild(venue({ contractOnly: true }));
    expect(r).toMatchObject({ fillsAppended: 1, unattributedTrades: 0, repairsFailed: 0 });
    const [f] = await fills.byDay(tradingDayOf(Date.now())).then((l) => l.filter((x) => x.orderId === orderId));
    expect(f).toMatchObject({ orderId, intent: 'ORDER_INTENT_BUY_LONG', price: 380_000, qty: contracts(2), strategyName: 'market_maker', liquidity: 'MAKER' });
    expect((await orders.get('bot-7'))!.order).toMatchObject({ status: 'PARTIALLY_FILLED', filledQty: contracts(2) });
    // The next pass finds the fill in the ledger (by the trade's id): nothing more.
    expect(await rebuild(venue({ contractOnly: true }))).toMatchObject({ fillsAppended: 0, unattributedTrades: 0 });
    await us.cancelOrder(orderId, MARKET);
  });

  it('reads the order of a fill the ledger holds but no record names (the record never landed)', async () => {
    await them.createOrder(limit('ORDER_INTENT_BUY_SHORT', 460_000, contracts(2)));
    const request = limit('ORDER_INTENT_BUY_LONG', 460_000, contracts(2), 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL');
    await inFlight('bot-6', request);
    const { orderId } = await us.createOrder(request);
    // The stream's fill reached the ledger before the order's venue id reached its record.
    const [exec] = sim.exchange.activities(sim.accountOf(sim.keys[TESTS]!.keyId), { types: ['ACTIVITY_TYPE_TRADE'] }).activities;
    await fills.append({ executionId: exec!.executionId!, orderId, marketSlug: MARKET, intent: 'ORDER_INTENT_BUY_LONG', price: 460_000, qty: contracts(2), fee: 0, liquidity: 'TAKER', time: exec!.time });
    const r = await rebuild(venue({ contractOnly: true }));
    expect(r).toMatchObject({ inFlightClaimed: 1, inFlightTraded: 0, fillsAppended: 0, unattributedTrades: 0 });
    expect((await orders.get('bot-6'))!.order).toMatchObject({ orderId, status: 'FILLED', filledQty: contracts(2) });
  });
});
