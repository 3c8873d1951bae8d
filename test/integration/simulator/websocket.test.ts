import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { MAX_SLUGS_PER_SUBSCRIPTION } from '../../../containers/simulator/server/socket-hub.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { call, TestSocket } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

const BOS = 'nba-bos-nyk-moneyline';
const LAL = 'nba-lal-gsw-moneyline';
const usd = (value: string) => ({ value, currency: 'USD' });

let sim: AuditedSimulator;
const sockets: TestSocket[] = [];

async function open(path: '/v1/ws/markets' | '/v1/ws/private', on: AuditedSimulator = sim): Promise<TestSocket> {
  const s = await TestSocket.open(on.wsBaseUrl, path, on.credentials);
  sockets.push(s);
  return s;
}

beforeAll(async () => {
  sim = await startAuditedSimulator({ liquidity: false, rateLimits: false, markets: defaultWorld(Date.now()), heartbeatMs: 50 });
  seedMaker(sim);
});

function seedMaker(on: AuditedSimulator): void {
  on.exchange.openAccount('maker', 1_000_000_000_000);
  on.exchange.submitOrder('maker', { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_SHORT', type: 'ORDER_TYPE_LIMIT', price: 600_000, quantity: contracts(100) });
  on.exchange.submitOrder('maker', { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 550_000, quantity: contracts(100) });
}

/** Buys 30 BOS at 0.60 (immediate-or-cancel) on `on`. */
function cross(on: AuditedSimulator) {
  return call(on.baseUrl, 'POST', '/v1/orders', {
    creds: on.credentials,
    body: { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: usd('0.60'), quantity: 30, tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' },
  });
}
afterEach(() => {
  while (sockets.length) sockets.pop()!.close();
});
afterAll(async () => {
  await sim.close();
});

describe('markets socket', () => {
  it('sends a whole book immediately on MARKET_DATA subscribe, keyed marketData with requestId and subscriptionType', async () => {
    const s = await open('/v1/ws/markets');
    s.send({ subscribe: { requestId: 'md-1', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: [BOS] } });
    const m = await s.next((x) => x.marketData);
    expect(m).toMatchObject({
      requestId: 'md-1',
      subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA',
      marketData: { marketSlug: BOS, state: 'MARKET_STATE_OPEN', bids: [{ px: usd('0.55'), qty: '100' }], offers: [{ px: usd('0.60'), qty: '100' }] },
    });
  });

  it('an order crossing the book: executions on the private socket, a trade and a new book on the markets socket', async () => {
    const md = await open('/v1/ws/markets');
    md.send({ subscribe: { requestId: 'book', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: [BOS] } });
    md.send({ subscribe: { requestId: 'lite', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA_LITE', marketSlugs: [BOS] } });
    md.send({ subscribe: { requestId: 'trades', subscriptionType: 'SUBSCRIPTION_TYPE_TRADE', marketSlugs: [BOS] } });
    const priv = await open('/v1/ws/private');
    priv.send({ subscribe: { requestId: 'orders', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER' } });
    priv.send({ subscribe: { requestId: 'snap', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT' } });
    priv.send({ subscribe: { requestId: 'pos', subscriptionType: 'SUBSCRIPTION_TYPE_POSITION' } });
    priv.send({ subscribe: { requestId: 'bal', subscriptionType: 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE' } });
    await md.next((x) => x.marketData);
    const lite0 = await md.next((x) => x.marketDataLite);
    expect(lite0.marketDataLite).toMatchObject({ marketSlug: BOS, bestBid: usd('0.55'), bestAsk: usd('0.60') });
    const snap = await priv.next((x) => x.orderSubscriptionSnapshot);
    expect(snap).toMatchObject({ requestId: 'snap', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT', orderSubscriptionSnapshot: { orders: [], eof: true } });
    expect((await priv.next((x) => x.positionSubscriptionSnapshot)).positionSubscriptionSnapshot).toEqual({ positions: {}, eof: true });
    expect((await priv.next((x) => x.accountBalancesSnapshot)).accountBalancesSnapshot).toEqual({
      balances: [expect.objectContaining({ currentBalance: 10000, buyingPower: 10000, currency: 'USD' })],
    });
    const mdMark = md.messages.length;
    const privMark = priv.messages.length;

    const r = await cross(sim);
    expect(r.status).toBe(200);

    const fill = await priv.next((x) => x.orderSubscriptionUpdate?.execution?.type === 'EXECUTION_TYPE_FILL', privMark);
    expect(fill).toMatchObject({
      requestId: 'orders',
      subscriptionType: 'SUBSCRIPTION_TYPE_ORDER',
      orderSubscriptionUpdate: { execution: { lastShares: '30', lastPx: usd('0.60'), aggressor: true, order: { id: r.body.id, state: 'ORDER_STATE_FILLED' } } },
    });
    const newExec = await priv.next((x) => x.orderSubscriptionUpdate?.execution?.type === 'EXECUTION_TYPE_NEW', privMark);
    expect(priv.messages.indexOf(newExec)).toBeLessThan(priv.messages.indexOf(fill));
    const pos = await priv.next((x) => x.positionSubscription?.afterPosition?.netPositionDecimal === '30', privMark);
    expect(pos).toMatchObject({
      requestId: 'pos',
      positionSubscription: { beforePosition: null, afterPosition: { marketMetadata: { slug: BOS } }, entryType: 'LEDGER_ENTRY_TYPE_ORDER_EXECUTION' },
    });
    expect(pos.positionSubscription.marketSlug).toBeUndefined();
    // 10_000 − 18.00 − fee(0.0695 × 30 × 0.60 × 0.40 = 0.5004 → 0.50)
    const bal = await priv.next((x) => x.accountBalancesUpdate?.balanceChange?.afterBalance?.currentBalance === 9981.5, privMark);
    expect(bal).toMatchObject({ requestId: 'bal', subscriptionType: 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE' });
    expect(bal.accountBalancesUpdate.balanceChange.beforeBalance.currentBalance).toBeGreaterThan(bal.accountBalancesUpdate.balanceChange.afterBalance.currentBalance);

    const trade = await md.next((x) => x.trade, mdMark);
    expect(trade).toMatchObject({
      requestId: 'trades',
      subscriptionType: 'SUBSCRIPTION_TYPE_TRADE',
      trade: {
        marketSlug: BOS,
        price: usd('0.60'),
        quantity: { value: '30', currency: 'USD' },
        maker: { side: 'ORDER_SIDE_SELL', intent: 'ORDER_INTENT_BUY_SHORT' },
        taker: { side: 'ORDER_SIDE_BUY', intent: 'ORDER_INTENT_BUY_LONG' },
      },
    });
    expect(Number.isFinite(Date.parse(trade.trade.tradeTime))).toBe(true);
    const book = await md.next((x) => x.marketData?.offers?.[0]?.qty === '70', mdMark);
    expect(book.marketData).toMatchObject({ marketSlug: BOS, offers: [{ px: usd('0.60'), qty: '70' }], stats: { lastTradePx: usd('0.60') } });
    const lite = await md.next((x) => x.marketDataLite?.lastTradePx, mdMark);
    expect(lite.marketDataLite).toMatchObject({ lastTradePx: usd('0.60'), bestAsk: usd('0.60'), askShares: '70' });

    // The other market's subscribers got nothing: subscriptions are by slug.
    expect(md.messages.slice(mdMark).every((x) => (x.marketData ?? x.trade ?? x.marketDataLite ?? { marketSlug: BOS }).marketSlug === BOS || x.heartbeat)).toBe(true);
  });

  it('unsubscribe stops a subscription; unknown requestId is an error', async () => {
    const s = await open('/v1/ws/markets');
    s.send({ subscribe: { requestId: 'a', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: [LAL] } });
    await s.next((x) => x.requestId === 'a');
    s.send({ unsubscribe: { requestId: 'a' } });
    s.send({ unsubscribe: { requestId: 'a' } });
    const err = await s.next((x) => x.error);
    expect(err).toMatchObject({ requestId: 'a', error: expect.stringMatching(/unknown requestId/) });
    const mark = s.messages.length;
    sim.exchange.submitOrder('maker', { marketSlug: LAL, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 300_000, quantity: contracts(1) });
    // A heartbeat after the change proves the socket is live; still no book for the dropped subscription.
    await s.next((x) => x.heartbeat, mark);
    expect(s.messages.slice(mark).filter((x) => x.marketData)).toEqual([]);
  });

  it('answers bad subscriptions with error messages and keeps going', async () => {
    const s = await open('/v1/ws/markets');
    s.send({ subscribe: { requestId: 'x1', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER' } });
    expect(await s.next((x) => x.requestId === 'x1' && x.error)).toBeTruthy();
    s.send({ subscribe: { requestId: 'x2', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: ['nope'] } });
    expect((await s.next((x) => x.requestId === 'x2' && x.error)).error).toMatch(/unknown market/);
    s.send({ subscribe: { requestId: 'x3', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA' } });
    expect((await s.next((x) => x.requestId === 'x3' && x.error)).error).toMatch(/marketSlugs/);
    s.send({ subscribe: { requestId: 'x4', subscriptionType: 'SUBSCRIPTION_TYPE_BOGUS', marketSlugs: [BOS] } });
    expect(await s.next((x) => x.requestId === 'x4' && x.error)).toBeTruthy();
    const many = Array.from({ length: MAX_SLUGS_PER_SUBSCRIPTION + 1 }, () => BOS);
    s.send({ subscribe: { requestId: 'x5', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: many } });
    expect(await s.next((x) => x.requestId === 'x5' && x.error)).toMatchObject({ subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', error: expect.stringMatching(/at most 100 marketSlugs/) });
    s.send({ subscribe: { requestId: 'x6', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketSlugs: many.slice(1) } });
    expect(await s.next((x) => x.requestId === 'x6')).toHaveProperty('marketData');
    s.send({ subscribe: { requestId: 'ok', subscriptionType: 'SUBSCRIPTION_TYPE_TRADE', marketSlugs: [BOS] } });
    s.send({ subscribe: { requestId: 'ok', subscriptionType: 'SUBSCRIPTION_TYPE_TRADE', marketSlugs: [BOS] } });
    expect((await s.next((x) => x.requestId === 'ok' && x.error)).error).toMatch(/already/);
    for (const frame of ['not json', '[]', 'null', '42', '{"subscribe": 5}', '{"subscribe": {"requestId": 7}}', '{"hello": {}}', '{"unsubscribe": {}}']) s.send(frame);
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const mark = s.messages.length;
    await s.next((x) => x.heartbeat, mark);
    expect(s.messages.filter((x) => x.error && x.requestId === undefined).length).toBeGreaterThanOrEqual(8);
    expect(s.closed).toBeNull();
  });

  it('sends heartbeats with no requestId', async () => {
    const s = await open('/v1/ws/private');
    const hb = await s.next((x) => x.heartbeat);
    expect(hb).toEqual({ heartbeat: {} });
  });
});

describe('private socket', () => {
  it('the order snapshot lists open orders; cancel arrives as an EXECUTION_TYPE_CANCELED update', async () => {
    const created = await call(sim.baseUrl, 'POST', '/v1/orders', {
      creds: sim.credentials,
      body: { marketSlug: LAL, intent: 'ORDER_INTENT_BUY_LONG', price: usd('0.20'), quantity: 5 },
    });
    const s = await open('/v1/ws/private');
    s.send({ subscribe: { requestId: 'o', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER', marketSlugs: [LAL] } });
    s.send({ subscribe: { requestId: 's', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT', marketSlugs: [LAL] } });
    const snap = await s.next((x) => x.orderSubscriptionSnapshot);
    expect(snap.requestId).toBe('s');
    expect(snap.orderSubscriptionSnapshot.orders.map((o: { id: string }) => o.id)).toEqual([created.body.id]);
    expect(snap.orderSubscriptionSnapshot.orders[0].marketMetadata).toMatchObject({ slug: LAL });
    await call(sim.baseUrl, 'POST', `/v1/order/${created.body.id}/cancel`, { creds: sim.credentials, body: { marketSlug: LAL } });
    const upd = await s.next((x) => x.orderSubscriptionUpdate?.execution?.type === 'EXECUTION_TYPE_CANCELED');
    expect(upd.orderSubscriptionUpdate.execution.order).toMatchObject({ id: created.body.id, state: 'ORDER_STATE_CANCELED' });
  });

  it("never sends another account's executions", async () => {
    const s = await open('/v1/ws/private');
    s.send({ subscribe: { requestId: 'o', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER' } });
    await s.next((x) => x.heartbeat);
    const mark = s.messages.length;
    sim.exchange.submitOrder('maker', { marketSlug: LAL, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 310_000, quantity: contracts(1) });
    await s.next((x) => x.heartbeat, mark);
    expect(s.messages.slice(mark).filter((x) => x.orderSubscriptionUpdate)).toEqual([]);
  });

  it('refuses the RFQ beta stream with an error frame', async () => {
    const s = await open('/v1/ws/private');
    s.send({ subscribe: { requestId: 'rfq', subscriptionType: 'SUBSCRIPTION_TYPE_RFQ' } });
    expect(await s.next((x) => x.requestId === 'rfq')).toMatchObject({ subscriptionType: 'SUBSCRIPTION_TYPE_RFQ', error: expect.stringMatching(/allowlisted/) });
  });
});

describe('legacy wire (legacyWire: true)', () => {
  let legacy: AuditedSimulator;
  beforeAll(async () => {
    legacy = await startAuditedSimulator({ liquidity: false, rateLimits: false, markets: defaultWorld(Date.now()), heartbeatMs: 50, legacyWire: true });
    seedMaker(legacy);
  });
  afterAll(async () => {
    await legacy.close();
  });

  it('sends the legacy aliases: an order snapshot on ORDER, positionSubscriptionUpdate, accountBalanceSubscription*', async () => {
    const priv = await open('/v1/ws/private', legacy);
    priv.send({ subscribe: { requestId: 'orders', subscriptionType: 'SUBSCRIPTION_TYPE_ORDER' } });
    priv.send({ subscribe: { requestId: 'pos', subscriptionType: 'SUBSCRIPTION_TYPE_POSITION' } });
    priv.send({ subscribe: { requestId: 'bal', subscriptionType: 'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE' } });
    expect(await priv.next((x) => x.orderSubscriptionSnapshot)).toMatchObject({ requestId: 'orders', orderSubscriptionSnapshot: { orders: [], eof: true } });
    expect((await priv.next((x) => x.accountBalanceSubscriptionSnapshot)).accountBalanceSubscriptionSnapshot).toEqual({ balance: 10000, buyingPower: 10000 });
    const mark = priv.messages.length;
    expect((await cross(legacy)).status).toBe(200);
    const pos = await priv.next((x) => x.positionSubscriptionUpdate, mark);
    expect(pos.positionSubscriptionUpdate).toMatchObject({ marketSlug: BOS, position: { netPosition: '30', netPositionDecimal: '30' } });
    const bal = await priv.next((x) => x.accountBalanceSubscriptionUpdate?.balance < 9982.01, mark);
    expect(typeof bal.accountBalanceSubscriptionUpdate.buyingPower).toBe('number');
    expect(priv.messages.some((x) => x.positionSubscription || x.accountBalancesUpdate || x.accountBalancesSnapshot)).toBe(false);
    // The REST positions carry the deprecated rounded counts too.
    const rest = await call(legacy.baseUrl, 'GET', '/v1/portfolio/positions', { creds: legacy.credentials });
    expect(rest.body.positions[BOS]).toMatchObject({ netPosition: '30', netPositionDecimal: '30' });
  });
});
