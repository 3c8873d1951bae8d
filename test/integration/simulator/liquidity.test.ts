import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { Exchange } from '../../../containers/simulator/exchange/exchange.js';
import { BackgroundLiquidity, type LiquidityOptions } from '../../../containers/simulator/liquidity/background-liquidity.js';
import { ManualScheduler } from '../../../containers/simulator/liquidity/scheduler.js';
import { VenueControl } from '../../../containers/simulator/liquidity/venue-control.js';
import { startAuditedSimulator } from '../../support/wire-audit.js';
import { call } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

const SLUG = 'game-ml';
const T0 = Date.parse('2026-01-15T00:00:00Z');

function world(seed: number, options: LiquidityOptions = {}) {
  const clock = new ManualClock(T0);
  const scheduler = new ManualScheduler(() => clock.now(), (ms) => clock.set(ms));
  const exchange = new Exchange({ clock });
  const liquidity = new BackgroundLiquidity({ exchange, scheduler, seed }, options);
  const venue = new VenueControl(exchange, liquidity);
  venue.addEvent({ slug: 'game', title: 'A at B', startTime: T0 });
  venue.addMarket({ slug: SLUG, eventSlug: 'game', title: 'A to win', outcome: 'A', initialProbability: 0.6 });
  const trades: { price: number; qty: number; time: number }[] = [];
  exchange.onEvent((e) => {
    if (e.type === 'trade') trades.push({ price: e.price, qty: e.qty, time: e.time });
  });
  return { clock, scheduler, exchange, liquidity, venue, trades };
}

describe('background liquidity', () => {
  it('makers quote a ladder around the true probability with the configured spread and depth', () => {
    const w = world(1, { makers: 1, levels: 3, halfSpreadTicks: 2, takers: 0 });
    w.liquidity.start();
    w.scheduler.advance(10);
    const book = w.exchange.book(SLUG);
    expect(book.bids.map((l) => l.price)).toEqual([580_000, 570_000, 560_000]);
    expect(book.asks.map((l) => l.price)).toEqual([620_000, 630_000, 640_000]);
    expect(book.bids.every((l) => l.qty >= contracts(50) && l.qty <= contracts(200))).toBe(true);
  });

  it('reprices toward a new true probability only after the lag: stale quotes exist in between', () => {
    const w = world(2, { makers: 1, takers: 0, repriceLagMs: [300, 800] });
    w.liquidity.start();
    w.scheduler.advance(10);
    expect(w.exchange.bbo(SLUG)).toMatchObject({ bestBid: 590_000, bestAsk: 610_000 });
    w.venue.setTrueProbability(SLUG, 0.75);
    w.scheduler.advance(299);
    // Still the old quotes: the 0.61 offer is stale (the true price is 0.75).
    expect(w.exchange.bbo(SLUG)).toMatchObject({ bestBid: 590_000, bestAsk: 610_000 });
    expect(w.liquidity.quotedProbability(SLUG)).toBe(0.6);
    w.scheduler.advance(501);
    expect(w.exchange.bbo(SLUG)).toMatchObject({ bestBid: 740_000, bestAsk: 760_000 });
    expect(w.liquidity.quotedProbability(SLUG)).toBe(0.75);
  });

  it('an older update arriving after a newer one (shorter lag) is ignored', () => {
    const w = world(3, { makers: 1, takers: 0, repriceLagMs: [0, 1_000] });
    w.liquidity.start();
    for (let i = 0; i < 20; i++) w.venue.setTrueProbability(SLUG, 0.3 + i * 0.01);
    w.scheduler.advance(1_001);
    expect(w.liquidity.quotedProbability(SLUG)).toBeCloseTo(0.49, 10);
  });

  it('refills levels that were hit and takers trade occasionally', () => {
    const w = world(4, { makers: 2, takers: 2, takerProbability: 0.5, takerIntervalMs: 500 });
    w.liquidity.start();
    w.scheduler.advance(60_000);
    expect(w.trades.length).toBeGreaterThan(10);
    // Takers cross the spread around the true price; makers keep both sides quoted.
    expect(w.trades.every((t) => t.price >= 560_000 && t.price <= 640_000)).toBe(true);
    const bbo = w.exchange.bbo(SLUG);
    expect(bbo.bestBid).not.toBeNull();
    expect(bbo.bestAsk).not.toBeNull();
    expect(w.liquidity.counters().errors).toBe(0);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number) => {
      const w = world(seed, { takers: 1, takerProbability: 0.6, takerIntervalMs: 300 });
      w.liquidity.start();
      w.scheduler.advance(5_000);
      w.venue.setTrueProbability(SLUG, 0.4);
      w.scheduler.advance(20_000);
      return { trades: w.trades, book: w.exchange.book(SLUG) };
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9).trades).not.toEqual(run(10).trades);
  });

  it("the takers' orders do not depend on what an outside trader takes from the makers (refills, an empty side)", () => {
    const takerOrders = (w: ReturnType<typeof world>) => {
      const out: string[] = [];
      w.exchange.onEvent((e) => {
        if (e.type === 'execution' && e.accountId.includes('-taker-') && e.execution.type === 'EXECUTION_TYPE_NEW') {
          out.push(`${w.clock.now()}|${e.execution.order.intent}|${e.execution.order.quantity}`);
        }
      });
      return out;
    };
    const quiet = world(12, { takers: 1, takerProbability: 0.6, takerIntervalMs: 300 });
    const busy = world(12, { takers: 1, takerProbability: 0.6, takerIntervalMs: 300 });
    const [a, b] = [takerOrders(quiet), takerOrders(busy)];
    for (const w of [quiet, busy]) w.liquidity.start();
    busy.exchange.openAccount('outsider', 1_000_000 * 1_000_000);
    for (let i = 0; i < 40; i++) {
      // In one world only, an outsider takes offers now and then — some, or all of them (an empty side until the
      // makers refill it, with size draws of their own).
      if (i % 4 === 0) {
        const sweep = i % 8 === 0;
        busy.exchange.submitOrder('outsider', { marketSlug: SLUG, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: sweep ? 990_000 : 700_000, quantity: contracts(sweep ? 10_000 : 150), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
        if (sweep) expect(busy.exchange.bbo(SLUG).bestAsk).toBeNull();
      }
      for (const w of [quiet, busy]) w.scheduler.advance(500);
    }
    expect(a.length).toBeGreaterThan(10);
    // The same orders at the same times, but for buys that met an empty offer side (nothing to buy).
    const missing = a.filter((x) => !b.includes(x));
    expect(b.filter((x) => !a.includes(x))).toEqual([]);
    expect(missing.every((x) => x.includes('|ORDER_INTENT_BUY_LONG|'))).toBe(true);
    expect(missing.length).toBeLessThan(a.length / 4);
  });

  it('pulls quotes when the market is not open and resumes when it reopens; stops when stopped', () => {
    const w = world(5, { makers: 1, takers: 0 });
    w.liquidity.start();
    w.scheduler.advance(10);
    w.venue.setMarketState(SLUG, 'MARKET_STATE_SUSPENDED');
    expect(w.exchange.book(SLUG).bids).toEqual([]);
    w.scheduler.advance(5_000);
    expect(w.exchange.book(SLUG).asks).toEqual([]);
    w.venue.setMarketState(SLUG, 'MARKET_STATE_OPEN');
    expect(w.exchange.book(SLUG).bids.length).toBeGreaterThan(0);
    w.liquidity.stop();
    expect(w.scheduler.size).toBe(0);
    w.venue.settle(SLUG, 1_000_000);
    expect(w.exchange.getSettlement(SLUG)?.settlementPrice).toBe(1_000_000);
  });

  it('intensity 0 leaves only maker quotes (no taker flow)', () => {
    const w = world(6, { intensity: 0, takers: 3 });
    w.liquidity.start();
    w.scheduler.advance(30_000);
    expect(w.trades).toEqual([]);
  });

  it('rejects nonsense options', () => {
    expect(() => world(1, { repriceLagMs: [500, 100] })).toThrow(RangeError);
    expect(() => world(1, { levels: -1 })).toThrow(RangeError);
  });
});

describe('liquidity in the running simulator', () => {
  it('books have two-sided quotes served over HTTP, on the real timers', async () => {
    const sim = await startAuditedSimulator({
      rateLimits: false,
      liquidity: { quoteIntervalMs: 20 },
      markets: {
        events: [{ slug: 'g', title: 'G', startTime: Date.now() }],
        markets: [{ slug: 'g-ml', eventSlug: 'g', title: 'G ml', outcome: 'X', initialProbability: 0.3 }],
      },
    });
    try {
      const book = (await call(sim.baseUrl, 'GET', '/v1/markets/g-ml/bbo')).body.marketData;
      expect(book).toMatchObject({ bestBid: { value: '0.29' }, bestAsk: { value: '0.31' } });
      expect(sim.liquidity?.accountIds.length).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });
});
