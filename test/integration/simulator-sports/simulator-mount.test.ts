/**
 * The sports module mounted in the exchange simulator (one port): the exchange gets the games' events and
 * markets, the OpticOdds API answers under /api/v3 on the same port, and a finished game settles its markets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule } from '../../../containers/simulator/sports/index.js';
import type { SportsModule } from '../../../containers/simulator/sports/index.js';

let sim: AuditedSimulator;
let sports: SportsModule;

beforeAll(async () => {
  sim = await startAuditedSimulator({
    seed: 4,
    // background liquidity on: it reprices toward the true probability the sports world pushes
    modules: [
      createSportsModule({
        apiKey: 'sports-test-key',
        games: { basketball: 1 },
        speed: 1200,
        breakSeconds: 6,
        halftimeSeconds: 12,
        firstStartDelayMs: 300,
        marketOpenLeadMs: 200,
        settleDelayMs: 50,
        tickMs: 10,
      }),
    ],
  });
  sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
});
afterAll(async () => {
  await sim.close();
});

describe('sports module inside the exchange simulator', () => {
  it('creates the game’s event and markets on the exchange and serves OpticOdds on the same port', async () => {
    const fx = sports.world.fixtures()[0]!;
    const home = sim.exchange.getMarket(fx.homeMarketSlug);
    const away = sim.exchange.getMarket(fx.awayMarketSlug);
    expect(home).toMatchObject({ eventSlug: fx.eventSlug, outcome: fx.home.name, gameId: fx.fixtureId });
    expect(away).toMatchObject({ eventSlug: fx.eventSlug, outcome: fx.away.name });
    const res = await fetch(`${sim.baseUrl}/api/v3/fixtures/active?sport=basketball`, { headers: { 'X-Api-Key': 'sports-test-key' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((f) => f.id)).toEqual([fx.fixtureId]);
    expect((await fetch(`${sim.baseUrl}/api/v3/sports`)).status).toBe(401);
  });

  it('settles the winner at 1 USD and the loser at 0 when the game ends', async () => {
    const fx = sports.world.fixtures()[0]!;
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('game did not finish')), 20_000);
      const poll = setInterval(() => {
        if (sports.world.fixture(fx.fixtureId)!.settled) {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve();
        }
      }, 20);
    });
    const snap = sports.world.fixture(fx.fixtureId)!.snapshot;
    expect(snap.status).toBe('completed');
    const home = sim.exchange.getMarket(fx.homeMarketSlug)!;
    const away = sim.exchange.getMarket(fx.awayMarketSlug)!;
    expect(home.state).toBe('MARKET_STATE_EXPIRED');
    expect(away.state).toBe('MARKET_STATE_EXPIRED');
    const homeWon = snap.homeScore > snap.awayScore;
    for (const [slug, won] of [[fx.homeMarketSlug, homeWon], [fx.awayMarketSlug, !homeWon]] as const) {
      const res = await fetch(`${sim.baseUrl}/v1/markets/${slug}/settlement`);
      expect(res.status).toBe(200);
      const s = (await res.json()) as { slug: string; settlement: number };
      expect(s).toEqual({ slug, settlement: won ? 1 : 0 });
    }
  });
});
