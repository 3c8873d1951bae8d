/**
 * The sports world's rare outcomes reach the exchange at the venue's settlement prices: a game that ends tied
 * settles both winner markets at $0.50; a cancelled game settles at the fair price at the announcement.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { Exchange } from '../../../containers/simulator/exchange/index.js';
import { VenueControl } from '../../../containers/simulator/liquidity/venue-control.js';
import { SportsWorld } from '../../../containers/simulator/sports/world.js';
import { basketball } from '../../../containers/simulator/sports/sports/basketball.js';
import { football } from '../../../containers/simulator/sports/sports/football.js';
import { playGame, tiedScript } from '../../../containers/simulator/sports/game-engine.js';

const ORIGIN = Date.UTC(2026, 10, 25, 0, 0, 0);
const USD = 1_000_000;

function run(options: { tieProbability?: number; cancelProbability?: number }, beforeRun?: (ex: Exchange, world: SportsWorld) => void) {
  const clock = new ManualClock(ORIGIN);
  const ex = new Exchange({ clock });
  const world = new SportsWorld({ seed: 7, games: { basketball: 1, football: 1 }, speed: 50, ...options }, ORIGIN, { venue: new VenueControl(ex, null) });
  beforeRun?.(ex, world);
  for (let at = world.nextEventAt(); at !== null && !world.finished; at = world.nextEventAt()) {
    clock.set(Math.max(clock.now(), at));
    world.advanceTo(at);
  }
  return { ex, world };
}

describe('tied games', () => {
  it('tiedScript ends level at the end of regulation, with no overtime', () => {
    for (const [def, seed] of [[basketball, 1], [basketball, 2], [football, 3], [football, 4]] as const) {
      const tied = tiedScript(def, playGame(def, seed, 3));
      const sum = (side: 'home' | 'away') => tied.plays.filter((p) => p.team === side).reduce((s, p) => s + p.points, 0);
      expect(sum('home')).toBe(sum('away'));
      expect(tied.homeScore).toBe(tied.awayScore);
      expect(tied.periodsPlayed).toBe(def.periods);
      expect(tied.plays.every((p) => p.period <= def.periods && p.points > 0)).toBe(true);
    }
  });

  it('settles both markets of a tied game at $0.50', () => {
    const { ex, world } = run({ tieProbability: 1, cancelProbability: 0 });
    expect(world.finished).toBe(true);
    for (const fx of world.fixtures()) {
      expect(world.fixture(fx.fixtureId)?.snapshot).toMatchObject({ status: 'completed' });
      for (const slug of [fx.homeMarketSlug, fx.awayMarketSlug]) {
        expect(ex.getMarket(slug)).toMatchObject({ settlementPrice: USD / 2, settlementReason: 'TIE', state: 'MARKET_STATE_EXPIRED' });
      }
    }
  });
});

describe('cancelled games', () => {
  it('the feed says cancelled and the markets settle at the fair price at the announcement, not at a result', () => {
    let slugs: string[] = [];
    const { ex, world } = run({ tieProbability: 0, cancelProbability: 1 }, (exchange, w) => {
      // A two-sided book in the first game's home market: mid 0.435 → 0.43 on its 0.01 tick.
      const fx = w.fixtures()[0]!;
      slugs = [fx.homeMarketSlug, fx.awayMarketSlug];
      exchange.setMarketState(fx.homeMarketSlug, 'MARKET_STATE_OPEN');
      exchange.openAccount('mm', 1_000 * USD);
      exchange.openAccount('mm2', 1_000 * USD);
      exchange.submitOrder('mm', { marketSlug: fx.homeMarketSlug, intent: 'ORDER_INTENT_BUY_LONG', price: 410_000, quantity: contracts(5) });
      exchange.submitOrder('mm2', { marketSlug: fx.homeMarketSlug, intent: 'ORDER_INTENT_BUY_SHORT', price: 460_000, quantity: contracts(5) });
    });
    expect(world.finished).toBe(true);
    for (const fx of world.fixtures()) {
      expect(world.fixture(fx.fixtureId)?.snapshot.status).toBe('cancelled');
      const statuses = world.log.all().map((e) => e.json).filter((j) => j.includes(fx.fixtureId) && j.includes('"new_status":"cancelled"'));
      expect(statuses.length).toBeGreaterThan(0);
    }
    expect(ex.getMarket(slugs[0]!)).toMatchObject({ settlementPrice: 430_000, settlementReason: 'CANCELLED' });
    const away = ex.getMarket(slugs[1]!);
    expect(away?.settlementReason).toBe('CANCELLED');
    // no book there: the fair price falls back to the listing probability, on the tick
    expect(away?.settlementPrice).toBe(Math.floor((away?.initialProbability ?? 0) * 100) * 10_000);
  });

  it('rare by default: a seeded run without the options plays its games out', () => {
    const { ex, world } = run({});
    for (const fx of world.fixtures()) {
      const reasons = [fx.homeMarketSlug, fx.awayMarketSlug].map((s) => ex.getMarket(s)?.settlementReason);
      expect(reasons).toEqual(['RESULT', 'RESULT']);
    }
  });
});
