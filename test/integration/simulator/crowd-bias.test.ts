import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { Exchange } from '../../../containers/simulator/exchange/exchange.js';
import { BackgroundLiquidity, type LiquidityOptions } from '../../../containers/simulator/liquidity/background-liquidity.js';
import { ManualScheduler } from '../../../containers/simulator/liquidity/scheduler.js';
import { VenueControl } from '../../../containers/simulator/liquidity/venue-control.js';

const T0 = Date.parse('2026-01-15T00:00:00Z');

function world(options: LiquidityOptions, markets = 40) {
  const clock = new ManualClock(T0);
  const scheduler = new ManualScheduler(() => clock.now(), (ms) => clock.set(ms));
  const exchange = new Exchange({ clock });
  const liquidity = new BackgroundLiquidity({ exchange, scheduler, seed: 11 }, { makers: 1, takers: 0, halfSpreadTicks: 1, ...options });
  const venue = new VenueControl(exchange, liquidity);
  venue.addEvent({ slug: 'game', title: 'A at B', startTime: T0 });
  const slugs = Array.from({ length: markets }, (_, i) => `m${i}`);
  for (const slug of slugs) venue.addMarket({ slug, eventSlug: 'game', title: slug, outcome: slug, initialProbability: 0.5 });
  liquidity.start();
  scheduler.advance(10);
  return { exchange, liquidity, slugs };
}

describe('background liquidity: crowd bias', () => {
  it('is off by default: every market is quoted around the true probability', () => {
    const w = world({});
    for (const slug of w.slugs) {
      expect(w.liquidity.crowdBias(slug)).toBe(0);
      expect(w.exchange.bbo(slug)).toMatchObject({ bestBid: 490_000, bestAsk: 510_000 });
    }
  });

  it('shifts the configured share of markets by a signed amount within the magnitude, and quotes around it', () => {
    const w = world({ crowdBias: { share: 0.5, magnitude: [0.05, 0.09] } });
    const biased = w.slugs.filter((s) => w.liquidity.crowdBias(s) !== 0);
    // 40 markets at a 50 % share: a seeded draw, comfortably between 10 and 30.
    expect(biased.length).toBeGreaterThan(10);
    expect(biased.length).toBeLessThan(30);
    expect(biased.some((s) => w.liquidity.crowdBias(s) > 0)).toBe(true);
    expect(biased.some((s) => w.liquidity.crowdBias(s) < 0)).toBe(true);
    for (const slug of biased) {
      const b = w.liquidity.crowdBias(slug);
      expect(Math.abs(b)).toBeGreaterThanOrEqual(0.05);
      expect(Math.abs(b)).toBeLessThanOrEqual(0.09);
      const bbo = w.exchange.bbo(slug);
      const mid = ((bbo.bestBid as number) + (bbo.bestAsk as number)) / 2 / 1_000_000;
      // The book stands away from the true 0.5 by the bias (within a tick of rounding).
      expect(Math.abs(mid - (0.5 + b))).toBeLessThanOrEqual(0.01);
    }
    // The true probability the makers follow is untouched by the bias.
    expect(w.liquidity.quotedProbability(biased[0] as string)).toBe(0.5);
  });

  it('rejects a share or magnitude out of range', () => {
    expect(() => world({ crowdBias: { share: 1.5, magnitude: [0.01, 0.02] } })).toThrow(/share/);
    expect(() => world({ crowdBias: { share: 0.5, magnitude: [0.2, 0.1] } })).toThrow(/magnitude/);
  });
});
