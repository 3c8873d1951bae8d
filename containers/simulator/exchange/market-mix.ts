/**
 * The venue's variety of market parameters for a simulated world (docs/venue-rules.md, "Per-market
 * constraints" and "Fees"): ticks of 0.01, 0.005 and 0.0025, minimum sizes of 1 or 0.01 contracts, and a few
 * fee coefficients (0.0695 by default, some 0.05, table tennis 0.10). Seeded, so a run is reproducible.
 *
 * The first markets of the world keep the venue's defaults (0.01 tick, the schedule's Θ) so that probes and
 * tests that take "the first market" see the common case; the others draw their parameters, most of them
 * still 0.01; and a few showcase markets are added so that every tick and coefficient is listed.
 */
import type { SimEventSpec, SimMarketSpec } from '../module.js';
import { createRandom } from '../faults/seeded-random.js';

export interface MarketWorld {
  events: SimEventSpec[];
  markets: SimMarketSpec[];
}

export interface MarketMixOptions {
  /** Markets at the start of the world left as given (default 2). */
  keepFirst?: number;
  /** Add the showcase events and markets (default true). */
  showcase?: boolean;
}

/** Θ of table tennis markets from 2026-10-01 (the venue's dated change). */
const TABLE_TENNIS_THETA = 0.1;

function pickTick(u: number): number {
  if (u < 0.7) return 10_000;
  return u < 0.85 ? 5_000 : 2_500;
}

export function withVenueMarketMix(world: MarketWorld, seed: number, options: MarketMixOptions = {}): MarketWorld {
  const random = createRandom(seed ^ 0x6d_61_72_6b);
  const keep = options.keepFirst ?? 2;
  const sportOf = new Map(world.events.map((e) => [e.slug, e.sport ?? null]));
  const markets = world.markets.map((m, i): SimMarketSpec => {
    if (i < keep) return m;
    const tickRoll = random.next();
    const feeRoll = random.next();
    const sport = sportOf.get(m.eventSlug) ?? null;
    const feeCoefficient = sport === 'table_tennis' ? TABLE_TENNIS_THETA : feeRoll < 0.25 ? 0.05 : undefined;
    return {
      ...m,
      tick: m.tick ?? pickTick(tickRoll),
      ...(m.feeCoefficient === undefined && feeCoefficient !== undefined ? { feeCoefficient } : {}),
    };
  });
  if (options.showcase === false) return { events: world.events, markets };
  const start = Math.max(0, ...world.events.map((e) => e.startTime)) + 3_600_000;
  const p = (): number => Math.round((0.3 + 0.4 * random.next()) * 100) / 100;
  const events: SimEventSpec[] = [
    { slug: 'tt-lin-ma', title: 'Lin Yun-Ju vs Ma Long', startTime: start, sport: 'table_tennis', league: 'WTT', gameId: 'SIM-TT-1', homeTeam: 'Ma Long', awayTeam: 'Lin Yun-Ju' },
    { slug: 'nhl-bos-tor', title: 'Boston Bruins at Toronto Maple Leafs', startTime: start + 1_800_000, sport: 'hockey', league: 'NHL', gameId: 'SIM-NHL-1', homeTeam: 'Toronto Maple Leafs', awayTeam: 'Boston Bruins' },
  ];
  const showcase: SimMarketSpec[] = [
    { slug: 'tt-lin-ma-moneyline', eventSlug: 'tt-lin-ma', title: 'Lin Yun-Ju vs Ma Long: Lin Yun-Ju to win', outcome: 'Lin Yun-Ju', team: 'Lin Yun-Ju', tick: 2_500, minimumTradeQty: '0.01', feeCoefficient: TABLE_TENNIS_THETA, initialProbability: p() },
    { slug: 'nhl-bos-tor-moneyline', eventSlug: 'nhl-bos-tor', title: 'Boston Bruins at Toronto Maple Leafs: Boston Bruins to win', outcome: 'Boston Bruins', team: 'Boston Bruins', tick: 5_000, feeCoefficient: 0.05, initialProbability: p() },
  ];
  return { events: [...world.events, ...events], markets: [...markets, ...showcase] };
}
