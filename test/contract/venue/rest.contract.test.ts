/** Every REST call of the venue client against the project's simulator over loopback, over each HTTP transport. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../containers/simulator/server.js';
import { generateApiKey } from '../../../containers/simulator/server/auth.js';
import { LiveOrderGateway } from '../../../shared/venue/live-gateway.js';
import { NotFoundError } from '../../../shared/venue/errors.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { PolymarketRestClient } from '../../../shared/venue/rest-client.js';
import { MARKET, MARKET2, TRANSPORTS, clientFor, limitBuy, simulator } from './harness.js';

describe.each(TRANSPORTS)('REST contract over the %s transport', (transport) => {
  let sim: RunningSimulator;
  let client: PolymarketRestClient;
  let other: PolymarketRestClient;

  beforeAll(async () => {
    sim = await simulator({ keys: [generateApiKey(), generateApiKey()] });
    client = clientFor(sim, {}, transport).client;
    other = clientFor(sim, { credentials: sim.keys[1]! }, transport).client;
  });

  afterAll(async () => {
    await client?.close();
    await other?.close();
    await sim?.close();
  });

  describe('public catalogue and market data', () => {
    it('lists and fetches events and markets by id and slug', async () => {
      const events = await client.listEvents();
      expect(events.map((e) => e.slug).sort()).toEqual(['nba-bos-nyk', 'nba-lal-gsw']);
      const ev = events.find((e) => e.slug === 'nba-bos-nyk')!;
      expect((await client.getEvent(ev.id)).slug).toBe('nba-bos-nyk');
      const bySlug = await client.getEventBySlug('nba-bos-nyk');
      expect(bySlug.id).toBe(ev.id);
      expect(bySlug.markets.map((m) => m.slug)).toContain(MARKET);

      const markets = await client.listMarkets({ eventSlug: ['nba-lal-gsw'] });
      expect(markets.map((m) => m.slug)).toEqual([MARKET2]);
      const m = await client.getMarketBySlug(MARKET);
      // today's market object names no event (events embed their markets): a bare look-up has no event slug
      expect(m).toMatchObject({ slug: MARKET, eventSlug: null, active: true, closed: false });
      expect(bySlug.markets.find((x) => x.slug === MARKET)?.eventSlug).toBe('nba-bos-nyk');
      expect((await client.getMarketById(m.id)).slug).toBe(MARKET);
      await expect(client.getMarketBySlug('no-such-market')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('reads the book and best bid/offer, which reflect resting orders', async () => {
      const { orderId } = await client.createOrder(limitBuy(410_000, contracts(7)));
      const book = await client.getBook(MARKET);
      expect(book.state).toBe('MARKET_STATE_OPEN');
      expect(book.bids).toContainEqual({ price: 410_000, qty: contracts(7) });
      const bbo = await client.getBbo(MARKET);
      expect(bbo.bestBid).toBeGreaterThanOrEqual(410_000);
      await client.cancelOrder(orderId, MARKET);
    });
  });

  describe('orders', () => {
    it('creates, reads, modifies, cancels', async () => {
      const created = await client.createOrder(limitBuy(300_000, contracts(5)));
      expect(created.recovered).toBe(false);
      const one = await client.getOrder(created.orderId);
      expect(one).toMatchObject({ id: created.orderId, price: 300_000, quantity: contracts(5), intent: 'ORDER_INTENT_BUY_LONG', marketSlug: MARKET });
      const open = await client.openOrders([MARKET]);
      expect(open.map((o) => o.id)).toContain(created.orderId);

      await client.modifyOrder(created.orderId, MARKET, { price: 310_000 });
      const open2 = await client.openOrders([MARKET]);
      const modified = open2.find((o) => o.price === 310_000 && o.quantity === contracts(5));
      expect(modified).toBeDefined();

      await client.cancelOrder(modified!.id, MARKET);
      expect((await client.openOrders([MARKET])).some((o) => o.id === modified!.id)).toBe(false);
    });

    it('an off-tick price is cut down to the tick, not refused (the venue normalises extra precision)', async () => {
      const { orderId } = await client.createOrder(limitBuy(300_500, contracts(5)));
      expect((await client.getOrder(orderId)).price).toBe(300_000);
      await client.cancelOrder(orderId, MARKET);
    });

    it('cancels all open orders of a market and only of it', async () => {
      const a = await client.createOrder(limitBuy(200_000, contracts(1)));
      const b = await client.createOrder(limitBuy(210_000, contracts(1)));
      const c = await client.createOrder(limitBuy(220_000, contracts(1), MARKET2));
      const ids = await client.cancelAll([MARKET]);
      expect(ids.sort()).toEqual([a.orderId, b.orderId].sort());
      expect((await client.openOrders()).map((o) => o.id)).toEqual([c.orderId]);
      expect(await client.cancelAll()).toEqual([c.orderId]);
    });

    it('previews without placing', async () => {
      const p = await client.previewOrder(limitBuy(250_000, contracts(3)));
      expect(p.order).toMatchObject({ marketSlug: MARKET, price: 250_000, quantity: contracts(3) });
      expect(await client.openOrders([MARKET])).toEqual([]);
    });

    it('fills against another account, shows positions/activities/balances, and closes the position', async () => {
      const before = (await client.balances())[0]!;
      await other.createOrder({ ...limitBuy(600_000, contracts(4)), intent: 'ORDER_INTENT_BUY_SHORT' }); // sells long at 0.60
      const taker = await client.createOrder({ ...limitBuy(600_000, contracts(4)), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
      expect(taker.executions.some((e) => e.lastShares === contracts(4) && e.lastPx === 600_000)).toBe(true);

      const positions = [];
      for await (const p of client.positions()) positions.push(p);
      expect(positions).toContainEqual(expect.objectContaining({ marketSlug: MARKET, netPosition: contracts(4) }));

      const acts = [];
      for await (const a of client.activities({ marketSlug: MARKET, limit: 2 })) acts.push(a);
      expect(acts.some((a) => a.type === 'ACTIVITY_TYPE_TRADE' && a.orderId === taker.orderId)).toBe(true);

      const after = (await client.balances())[0]!;
      expect(after.currency).toBe('USD');
      // 4 × 0.60 = 2.40 plus the taker fee (0.0695 × 4 × 0.60 × 0.40 = 0.06672 → 0.07 at the cent)
      expect(before.currentBalance - after.currentBalance).toBe(2_470_000);

      await other.createOrder(limitBuy(550_000, contracts(4))); // a bid to close into
      const closed = await client.closePosition(MARKET);
      expect(closed.orderId).toBeTruthy();
      const remaining = [];
      for await (const p of client.positions({ market: MARKET })) remaining.push(p);
      expect(remaining.every((p) => p.netPosition === 0)).toBe(true);
    });

    it('pages positions across several markets', async () => {
      const page1 = await client.positionsPage({ limit: 1 });
      expect(page1.positions.length).toBeLessThanOrEqual(1);
      expect(page1.eof || page1.nextCursor !== null).toBe(true);
    });

    it('reads a settlement', async () => {
      sim.venue.settle(MARKET2, 1_000_000);
      const s = await client.getSettlement(MARKET2);
      // today's wire: { slug, settlement } with no time
      expect(s).toEqual({ marketSlug: MARKET2, settlementPrice: 1_000_000, settledAt: null });
    });

    it('serves the engine through LiveOrderGateway', async () => {
      const gw = new LiveOrderGateway(client, { knownOrderIds: () => [] });
      const r = await gw.createOrder(limitBuy(150_000, contracts(2)));
      expect((await gw.openOrders([MARKET])).map((o) => o.id)).toContain(r.orderId);
      await gw.modifyOrder(r.orderId, MARKET, { quantity: contracts(3) });
      const ids = await gw.cancelAll([MARKET]);
      expect(ids.length).toBeGreaterThanOrEqual(1);
      expect(await gw.openOrders([MARKET])).toEqual([]);
    });
  });
});
