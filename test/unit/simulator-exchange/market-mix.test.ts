/** The CLI world's seeded mix of market parameters, listed on a real exchange; halts staged through VenueControl. */
import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { Exchange, VENUE_TICKS } from '../../../containers/simulator/exchange/index.js';
import { withVenueMarketMix } from '../../../containers/simulator/exchange/market-mix.js';
import { VenueControl } from '../../../containers/simulator/liquidity/venue-control.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';

function listed(seed: number) {
  const ex = new Exchange({ clock: new ManualClock(1_700_000_000_000) });
  const venue = new VenueControl(ex, null);
  const world = withVenueMarketMix(defaultWorld(1_700_000_000_000), seed);
  for (const e of world.events) venue.addEvent(e);
  for (const m of world.markets) venue.addMarket(m);
  return { ex, venue };
}

describe('withVenueMarketMix', () => {
  it('keeps the first markets at the defaults and lists every tick and a few fee coefficients', () => {
    const { ex } = listed(1);
    const markets = ex.listMarkets();
    expect(markets.slice(0, 2).map((m) => [m.orderPriceMinTickSize, m.feeCoefficient])).toEqual([
      ['0.01', 0.0695],
      ['0.01', 0.0695],
    ]);
    expect(new Set(markets.map((m) => m.tick))).toEqual(new Set(VENUE_TICKS));
    expect(new Set(markets.map((m) => m.feeCoefficient))).toEqual(new Set([0.0695, 0.05, 0.1]));
    expect(markets.find((m) => m.feeCoefficient === 0.1)).toMatchObject({ orderPriceMinTickSize: '0.0025', minimumTradeQty: '0.01' });
  });

  it('is seeded: the same seed lists the same parameters', () => {
    const params = (seed: number) => listed(seed).ex.listMarkets().map((m) => `${m.slug} ${m.tick} ${m.feeCoefficientPpm} ${m.minimumTradeQty}`);
    expect(params(5)).toEqual(params(5));
  });
});

describe('VenueControl halts (the server fault hook)', () => {
  it('startHalt halts and refuses, endHalt reopens', () => {
    const { ex, venue } = listed(1);
    const slug = ex.listMarkets()[0]!.slug;
    ex.openAccount('A', 100_000_000);
    const halt = venue.startHalt({ slugs: [slug], reason: 'staged by a test' });
    expect(ex.getMarket(slug)?.state).toBe('MARKET_STATE_HALTED');
    const r = ex.submitOrder('A', { marketSlug: slug, intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, quantity: contracts(1) });
    expect(r.executions[0]).toMatchObject({ orderRejectReason: 'ORD_REJECT_REASON_EXCHANGE_CLOSED' });
    expect(r.executions[0]?.text).toMatch(/staged by a test/);
    expect(venue.endHalt(halt.id)).toBe(true);
    expect(ex.getMarket(slug)?.state).toBe('MARKET_STATE_OPEN');
  });
});
