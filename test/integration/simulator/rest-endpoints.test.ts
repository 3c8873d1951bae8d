import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { seriesIdOfLeague } from '../../../containers/simulator/server/sports-wire.js';
import { wireGameId } from '../../../containers/simulator/server/wire-ids.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { call } from './helpers.js';

const T0 = Date.parse('2026-01-15T00:00:00Z');
const BOS = 'nba-bos-nyk-moneyline';
const LAL = 'nba-lal-gsw-moneyline';
const usd = (value: string) => ({ value, currency: 'USD' });

let sim: AuditedSimulator;

/** A maker account on the engine directly: asks at 0.60 and 0.61, bids at 0.55 and 0.54 in BOS. */
function seedBook(): void {
  const ex = sim.exchange;
  ex.openAccount('maker', 1_000_000_000_000);
  // the in-process exchange counts hundredths of a contract; the wire (below) shows contracts
  const rest = (intent: 'ORDER_INTENT_BUY_LONG' | 'ORDER_INTENT_BUY_SHORT', price: number, count: number, slug = BOS) =>
    ex.submitOrder('maker', { marketSlug: slug, intent, type: 'ORDER_TYPE_LIMIT', price, quantity: contracts(count), tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL' });
  rest('ORDER_INTENT_BUY_SHORT', 600_000, 100);
  rest('ORDER_INTENT_BUY_SHORT', 610_000, 200);
  rest('ORDER_INTENT_BUY_LONG', 550_000, 150);
  rest('ORDER_INTENT_BUY_LONG', 540_000, 50);
  rest('ORDER_INTENT_BUY_SHORT', 500_000, 100, LAL);
}

beforeAll(async () => {
  sim = await startAuditedSimulator({ liquidity: false, rateLimits: false, markets: defaultWorld(T0) });
  seedBook();
});
afterAll(async () => {
  await sim.close();
});

const authed = (method: string, path: string, body?: unknown) => call(sim.baseUrl, method, path, { creds: sim.credentials, body });

describe('public endpoints', () => {
  it('lists events with their markets, filters and pages them', async () => {
    const all = await call(sim.baseUrl, 'GET', '/v1/events');
    expect(all.status).toBe(200);
    expect(all.body.events).toHaveLength(2);
    const e = all.body.events[0];
    expect(e).toMatchObject({
      slug: 'nba-bos-nyk',
      title: 'Boston Celtics at New York Knicks',
      startTime: new Date(T0 + 3_600_000).toISOString(),
      active: true,
      closed: false,
      gameId: wireGameId('SIM-NBA-1'),
      sportradarGameId: 'SIM-NBA-1',
      seriesSlug: 'nba',
    });
    expect(Number.isInteger(e.gameId)).toBe(true);
    expect(e.teams.map((t: { name: string }) => t.name)).toEqual(['New York Knicks', 'Boston Celtics']);
    expect(e.markets[0]).toMatchObject({
      slug: BOS,
      active: true,
      closed: false,
      marketSides: [{ long: true, description: 'Boston Celtics', tradable: true }, { long: false }],
    });
    expect(e.id).toMatch(/^\d+$/);

    expect((await call(sim.baseUrl, 'GET', '/v1/events?limit=1&offset=1')).body.events.map((x: { slug: string }) => x.slug)).toEqual(['nba-lal-gsw']);
    expect((await call(sim.baseUrl, 'GET', '/v1/events?slug=nba-lal-gsw')).body.events).toHaveLength(1);
    expect((await call(sim.baseUrl, 'GET', '/v1/events?gameId=SIM-NBA-1')).body.events).toHaveLength(1);
    expect((await call(sim.baseUrl, 'GET', `/v1/events?gameId=${wireGameId('SIM-NBA-2')}`)).body.events.map((x: { slug: string }) => x.slug)).toEqual(['nba-lal-gsw']);
    expect((await call(sim.baseUrl, 'GET', '/v1/events?orderBy=startDate&orderDirection=desc')).body.events.map((x: { slug: string }) => x.slug)).toEqual([
      'nba-lal-gsw',
      'nba-bos-nyk',
    ]);
    expect((await call(sim.baseUrl, 'GET', '/v1/events?orderBy=colour')).status).toBe(400);
    expect((await call(sim.baseUrl, 'GET', `/v1/events?startTimeMin=${new Date(T0 + 90 * 60_000).toISOString()}`)).body.events).toHaveLength(1);
    expect((await call(sim.baseUrl, 'GET', '/v1/events?closed=true')).body.events).toHaveLength(0);

    const byId = await call(sim.baseUrl, 'GET', `/v1/events/${e.id}`);
    expect(byId.body.event.slug).toBe('nba-bos-nyk');
    const bySlug = await call(sim.baseUrl, 'GET', '/v1/events/slug/nba-bos-nyk');
    expect(bySlug.body.event.id).toBe(e.id);
    expect((await call(sim.baseUrl, 'GET', '/v1/events/slug/nope')).status).toBe(404);
    expect((await call(sim.baseUrl, 'GET', '/v1/events/evt-999')).status).toBe(404);
  });

  it('lists markets and finds one by id and by slug', async () => {
    const all = await call(sim.baseUrl, 'GET', '/v1/markets');
    expect(all.body.markets.map((m: { slug: string }) => m.slug).sort()).toEqual([BOS, LAL]);
    expect((await call(sim.baseUrl, 'GET', '/v1/markets?eventSlug=nba-lal-gsw')).body.markets.map((m: { slug: string }) => m.slug)).toEqual([LAL]);
    const m = (await call(sim.baseUrl, 'GET', `/v1/market/slug/${BOS}`)).body.market;
    expect(m).toMatchObject({
      slug: BOS,
      title: expect.any(String),
      status: 'MARKET_STATUS_OPEN',
      orderPriceMinTickSize: 0.01,
      minimumTradeQty: 1,
      feeCoefficient: 0.0695,
      sportsMarketType: 'SPORTS_MARKET_TYPE_MONEYLINE',
    });
    expect(m.marketSides[0]).toMatchObject({ marketId: Number(m.id), long: true, description: 'Boston Celtics' });
    expect((await call(sim.baseUrl, 'GET', '/v1/markets?limit=1&offset=1&orderBy=slug')).body.markets.map((x: { slug: string }) => x.slug)).toEqual([LAL]);
    expect((await call(sim.baseUrl, 'GET', '/v1/markets?orderBy=slug&orderDirection=desc')).body.markets.map((x: { slug: string }) => x.slug)).toEqual([LAL, BOS]);
    expect((await call(sim.baseUrl, 'GET', `/v1/markets?id=${m.id}`)).body.markets.map((x: { slug: string }) => x.slug)).toEqual([BOS]);
    expect((await call(sim.baseUrl, 'GET', `/v1/market/id/${m.id}`)).body.market.slug).toBe(BOS);
    expect((await call(sim.baseUrl, 'GET', '/v1/market/id/zzz')).status).toBe(404);
    expect((await call(sim.baseUrl, 'GET', '/v1/market/slug/zzz')).status).toBe(404);
  });

  it('serves the book (bids/offers with Amount px and string qty) and the best bid/offer', async () => {
    const book = await call(sim.baseUrl, 'GET', `/v1/markets/${BOS}/book`);
    expect(book.status).toBe(200);
    expect(book.body.marketData).toMatchObject({
      marketSlug: BOS,
      state: 'MARKET_STATE_OPEN',
      bids: [
        { px: usd('0.55'), qty: '150' },
        { px: usd('0.54'), qty: '50' },
      ],
      offers: [
        { px: usd('0.60'), qty: '100' },
        { px: usd('0.61'), qty: '200' },
      ],
    });
    expect(Number.isFinite(Date.parse(book.body.marketData.transactTime))).toBe(true);
    const bbo = await call(sim.baseUrl, 'GET', `/v1/markets/${BOS}/bbo`);
    expect(bbo.body.marketData).toMatchObject({ marketSlug: BOS, bestBid: usd('0.55'), bestAsk: usd('0.60'), bidShares: '150', askShares: '100', bidDepth: 2, askDepth: 2 });
    expect(bbo.body.marketData.lastTradePx).toBeUndefined();
    expect((await call(sim.baseUrl, 'GET', '/v1/markets/unknown/book')).status).toBe(404);
    expect((await call(sim.baseUrl, 'GET', '/v1/markets/unknown/bbo')).status).toBe(404);
  });

  it('search, series, sports and teams', async () => {
    const s = await call(sim.baseUrl, 'GET', '/v1/search?query=lakers');
    expect(s.body.events.map((e: { slug: string }) => e.slug)).toEqual(['nba-lal-gsw']);
    const nba = seriesIdOfLeague('nba');
    const series = await call(sim.baseUrl, 'GET', '/v1/series');
    expect(series.body.series).toEqual([expect.objectContaining({ id: nba, slug: 'nba', title: 'NBA' })]);
    expect((await call(sim.baseUrl, 'GET', `/v1/series/id/${nba}`)).body.series.title).toBe('NBA');
    expect((await call(sim.baseUrl, 'GET', '/v1/series/id/1')).status).toBe(404);
    expect((await call(sim.baseUrl, 'GET', `/v1/events?seriesId=${nba}`)).body.events).toHaveLength(2);
    expect((await call(sim.baseUrl, 'GET', '/v1/sports')).body.sports).toEqual([expect.objectContaining({ sport: 'basketball', series: nba })]);
    const section = (await call(sim.baseUrl, 'GET', `/v1/sports/${nba}/events`)).body;
    expect(section.events).toHaveLength(2);
    expect((await call(sim.baseUrl, 'GET', '/v2/sports')).body.sports).toEqual([expect.objectContaining({ slug: 'basketball', leagues: [expect.objectContaining({ slug: 'nba' })] })]);
    expect((await call(sim.baseUrl, 'GET', '/v2/leagues/nba/events')).body.events).toHaveLength(2);
    expect((await call(sim.baseUrl, 'GET', '/v2/tags/nba/events')).body.events).toHaveLength(2);
    expect((await call(sim.baseUrl, 'GET', '/v1/partners/sportradar/events/SIM-NBA-2')).body.event.slug).toBe('nba-lal-gsw');
    const teams = Object.values((await call(sim.baseUrl, 'GET', '/v1/sports/teams/provider')).body.teams).map((t) => (t as { name: string }).name);
    expect(teams).toEqual(expect.arrayContaining(['Boston Celtics', 'New York Knicks', 'Los Angeles Lakers', 'Golden State Warriors']));
  });

  it('unknown paths are 404 and known paths with the wrong method 405, both with { message }', async () => {
    const r = await call(sim.baseUrl, 'GET', '/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(typeof r.body.message).toBe('string');
    const m = await call(sim.baseUrl, 'DELETE', '/v1/events');
    expect(m.status).toBe(405);
  });
});

describe('authenticated endpoints', () => {
  it('creates a crossing order: { id, executions } with NEW then FILL, fee and Amounts', async () => {
    const r = await authed('POST', '/v1/orders', {
      marketSlug: BOS,
      intent: 'ORDER_INTENT_BUY_LONG',
      type: 'ORDER_TYPE_LIMIT',
      price: usd('0.60'),
      quantity: 40,
      tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    });
    expect(r.status).toBe(200);
    expect(typeof r.body.id).toBe('string');
    const types = r.body.executions.map((e: { type: string }) => e.type);
    expect(types).toEqual(['EXECUTION_TYPE_NEW', 'EXECUTION_TYPE_FILL']);
    const fill = r.body.executions[1];
    expect(fill).toMatchObject({
      lastShares: '40',
      lastPx: usd('0.60'),
      aggressor: true,
      // 0.0695 × 40 × 0.60 × 0.40 = 0.6672 → 0.67 (cent, half even)
      commissionNotionalCollected: usd('0.67'),
      order: { id: r.body.id, marketSlug: BOS, side: 'ORDER_SIDE_BUY', intent: 'ORDER_INTENT_BUY_LONG', state: 'ORDER_STATE_FILLED', cumQuantity: 40, leavesQuantity: 0, avgPx: usd('0.60') },
    });
    expect(Number.isFinite(Date.parse(fill.transactTime))).toBe(true);

    const bal = await authed('GET', '/v1/account/balances');
    // 10_000 − 24.00 − 0.67
    expect(bal.body.balances).toEqual([expect.objectContaining({ currency: 'USD', currentBalance: 9975.33, buyingPower: 9975.33 })]);

    const pos = await authed('GET', '/v1/portfolio/positions');
    expect(pos.body.positions[BOS]).toMatchObject({
      netPositionDecimal: '40',
      qtyBoughtDecimal: '40',
      qtySoldDecimal: '0',
      cost: usd('24.00'),
      realized: usd('0.00'),
      expired: false,
      marketMetadata: { slug: BOS, eventSlug: 'nba-bos-nyk', outcome: 'Boston Celtics' },
    });
    // The rounded int64 counts are deprecated: only a legacy-wire simulator sends them.
    expect(pos.body.positions[BOS].netPosition).toBeUndefined();
    expect(pos.body.eof).toBe(true);
  });

  it('rests, lists, reads, modifies and cancels an order', async () => {
    const created = await authed('POST', '/v1/orders', {
      marketSlug: BOS,
      intent: 'ORDER_INTENT_BUY_LONG',
      price: usd('0.50'),
      quantity: 10,
      tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
      participateDontInitiate: true,
    });
    const id = created.body.id as string;
    const open = await authed('GET', `/v1/orders/open?slugs=${BOS}`);
    expect(open.body.orders.map((o: { id: string }) => o.id)).toContain(id);
    const one = await authed('GET', `/v1/order/${id}`);
    expect(one.body.order).toMatchObject({ id, state: 'ORDER_STATE_NEW', price: usd('0.50'), quantity: 10, leavesQuantity: 10, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL' });

    const mod = await authed('POST', `/v1/order/${id}/modify`, { marketSlug: BOS, price: usd('0.51'), quantity: 12 });
    expect(mod.status).toBe(200);
    const after = await authed('GET', `/v1/order/${id}`);
    expect(after.body.order).toMatchObject({ price: usd('0.51'), quantity: 12 });

    expect((await authed('POST', `/v1/order/${id}/cancel`, { marketSlug: LAL })).status).toBe(400);
    const cancel = await authed('POST', `/v1/order/${id}/cancel`, { marketSlug: BOS });
    expect(cancel.status).toBe(200);
    expect((await authed('GET', `/v1/order/${id}`)).body.order.state).toBe('ORDER_STATE_CANCELED');
    expect((await authed('POST', `/v1/order/${id}/cancel`, { marketSlug: BOS })).status).toBe(400);
    expect((await authed('GET', '/v1/order/ord-does-not-exist')).status).toBe(404);
  });

  it('cancel-all returns the canceled ids; preview changes nothing', async () => {
    const ids: string[] = [];
    for (const price of ['0.40', '0.41']) {
      ids.push((await authed('POST', '/v1/orders', { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', price: usd(price), quantity: 1 })).body.id);
    }
    const preview = await authed('POST', '/v1/order/preview', {
      request: { marketSlug: BOS, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: usd('0.61'), quantity: 5, tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.order).toMatchObject({ state: 'ORDER_STATE_FILLED', cumQuantity: 5 });
    const all = await authed('POST', '/v1/orders/open/cancel', { slugs: [BOS] });
    expect(all.body.canceledOrderIds.sort()).toEqual(ids.sort());
    expect((await authed('GET', '/v1/orders/open')).body.orders).toEqual([]);
    // The preview did not trade: the position is still the 40 contracts bought above.
    expect((await authed('GET', '/v1/portfolio/positions')).body.positions[BOS].netPositionDecimal).toBe('40');
  });

  it('pages positions with a cursor', async () => {
    await authed('POST', '/v1/orders', { marketSlug: LAL, intent: 'ORDER_INTENT_BUY_LONG', price: usd('0.50'), quantity: 3, tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
    const p1 = await authed('GET', '/v1/portfolio/positions?limit=1');
    expect(Object.keys(p1.body.positions)).toEqual([BOS]);
    expect(p1.body.eof).toBe(false);
    const p2 = await authed('GET', `/v1/portfolio/positions?limit=1&cursor=${p1.body.nextCursor}`);
    expect(Object.keys(p2.body.positions)).toEqual([LAL]);
    expect(p2.body.eof).toBe(true);
    expect((await authed('GET', `/v1/portfolio/positions?market=${LAL}`)).body.positions).toEqual({ [LAL]: expect.objectContaining({ netPositionDecimal: '3' }) });
    expect((await authed('GET', '/v1/portfolio/positions?cursor=%%%')).status).toBe(400);
  });

  it('pages activities with a cursor; trade activities name their order', async () => {
    const seen: { type: string }[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const r = await authed('GET', `/v1/portfolio/activities?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.activities);
      if (r.body.eof) break;
      cursor = r.body.nextCursor;
    }
    expect(new Set(seen.map((a) => JSON.stringify(a))).size).toBe(seen.length);
    // Order lifecycle records are not activities on the venue: trades and the opening deposit only.
    expect([...new Set(seen.map((a) => a.type))].sort()).toEqual(['ACTIVITY_TYPE_ACCOUNT_DEPOSIT', 'ACTIVITY_TYPE_TRADE']);
    const trades = seen.filter((a) => a.type === 'ACTIVITY_TYPE_TRADE') as unknown as { trade: { marketSlug: string; orderId: string; qtyDecimal: string; price: unknown } }[];
    expect(trades.map((t) => [t.trade.marketSlug, t.trade.qtyDecimal]).sort()).toEqual([[BOS, '40'], [LAL, '3']]);
    expect(trades.every((t) => typeof t.trade.orderId === 'string' && typeof t.trade.marketSlug === 'string')).toBe(true);
    const onlyTrades = await authed('GET', `/v1/portfolio/activities?types=ACTIVITY_TYPE_TRADE&marketSlug=${LAL}`);
    expect(onlyTrades.body.activities.map((a: { type: string }) => a.type)).toEqual(['ACTIVITY_TYPE_TRADE']);
    expect((await authed('GET', '/v1/portfolio/activities?types=ACTIVITY_TYPE_TRANSFER')).body).toEqual({ activities: [], eof: true });
    expect((await authed('GET', '/v1/portfolio/activities?types=ACTIVITY_TYPE_ORDER')).status).toBe(400);
    const asc = await authed('GET', `/v1/portfolio/activities?types=ACTIVITY_TYPE_TRADE&sortOrder=SORT_ORDER_ASCENDING`);
    expect(asc.body.activities.map((a: { trade: { marketSlug: string } }) => a.trade.marketSlug)).toEqual([BOS, LAL]);
    expect((await authed('GET', '/v1/portfolio/activities?sortOrder=SIDEWAYS')).status).toBe(400);
  });

  it('closes a position at market', async () => {
    // Give the close some bids to hit in LAL.
    sim.exchange.submitOrder('maker', { marketSlug: LAL, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 480_000, quantity: contracts(10) });
    const r = await authed('POST', '/v1/order/close-position', { marketSlug: LAL, slippageTolerance: { currentPrice: usd('0.48'), bips: 100 } });
    expect(r.status).toBe(200);
    expect(typeof r.body.id).toBe('string');
    expect(r.body.executions.some((e: { type: string; order: { intent: string } }) => e.type === 'EXECUTION_TYPE_FILL' && e.order.intent === 'ORDER_INTENT_SELL_LONG')).toBe(true);
    expect((await authed('GET', `/v1/portfolio/positions?market=${LAL}`)).body.positions[LAL].netPositionDecimal).toBe('0');
    expect((await authed('POST', '/v1/order/close-position', { marketSlug: LAL })).status).toBe(400);
  });

  it('settlement is 404 until the market settles, then { slug, settlement }', async () => {
    expect((await call(sim.baseUrl, 'GET', `/v1/markets/${BOS}/settlement`)).status).toBe(404);
    sim.venue.settle(BOS, 1_000_000);
    const s = await call(sim.baseUrl, 'GET', `/v1/markets/${BOS}/settlement`);
    expect(s.body).toEqual({ slug: BOS, settlement: 1 });
    const m = (await call(sim.baseUrl, 'GET', `/v1/market/slug/${BOS}`)).body.market;
    expect(m).toMatchObject({ closed: true, active: false, status: 'MARKET_STATUS_RESOLVED' });
    const pos = (await authed('GET', `/v1/portfolio/positions?market=${BOS}`)).body.positions[BOS];
    expect(pos.expired).toBe(true);
  });
});
