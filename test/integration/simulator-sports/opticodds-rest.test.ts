import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { startSportsServer } from '../../../containers/simulator/sports/index.js';
import type { SportsServer } from '../../../containers/simulator/sports/index.js';

const ORIGIN = Date.UTC(2026, 10, 25, 0, 0, 0);
const ODD_KEYS = [
  'deep_link', 'fixture_id', 'game_id', 'grouping_key', 'id', 'is_live', 'is_main', 'league', 'limits', 'market', 'market_id', 'name',
  'normalized_selection', 'player_id', 'points', 'price', 'selection', 'selection_line', 'selection_points', 'sport', 'sportsbook',
  'sportsbook_id', 'team_id', 'timestamp',
].sort();

let srv: SportsServer;
let clock: ManualClock;

async function get(path: string, headers: Record<string, string> = { 'X-Api-Key': srv.apiKey }): Promise<{ status: number; body: any; headers: Headers }> /* eslint-disable-line @typescript-eslint/no-explicit-any */ {
  const res = await fetch(`${srv.baseUrl}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

beforeAll(async () => {
  clock = new ManualClock(ORIGIN);
  srv = await startSportsServer({ seed: 11, clock, autoAdvance: false, games: { basketball: 2, football: 1 }, firstStartDelayMs: 10_000 });
});
afterAll(async () => {
  await srv.close();
});

describe('OpticOdds REST (simulated)', () => {
  it('refuses a missing or wrong API key with 401 and accepts the header or the key parameter', async () => {
    expect((await get('/sports', {})).status).toBe(401);
    expect((await get('/sports', { 'X-Api-Key': 'wrong' })).status).toBe(401);
    expect((await get('/sports', { 'X-Api-Key': `${srv.apiKey}x` })).status).toBe(401);
    expect((await get(`/sports?key=${srv.apiKey}`, {})).status).toBe(200);
    const ok = await get('/sports');
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body)).not.toContain(srv.apiKey);
  });

  it('serves the base url under /api/v3 and 404s unknown paths, 405s other methods', async () => {
    expect(srv.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
    expect((await get('/nope')).status).toBe(404);
    const post = await fetch(`${srv.baseUrl}/sports`, { method: 'POST', headers: { 'X-Api-Key': srv.apiKey } });
    expect(post.status).toBe(405);
  });

  it('lists sports, leagues, sportsbooks and markets wrapped in data', async () => {
    const sports = (await get('/sports/active')).body.data;
    expect(sports.map((s: { id: string }) => s.id).sort()).toEqual(['basketball', 'football']);
    const leagues = (await get('/leagues?sport=basketball')).body.data;
    expect(leagues).toHaveLength(1);
    expect(leagues[0]).toMatchObject({ id: 'nba', name: 'NBA', sport: { id: 'basketball' } });
    const books = (await get('/sportsbooks/active')).body.data;
    expect(books.map((b: { name: string }) => b.name)).toEqual(['Pinnacle', 'DraftKings', 'FanDuel', 'BetMGM', 'Caesars', 'BetRivers']);
    const markets = (await get('/markets/active?sport=football')).body.data;
    expect(markets[0]).toMatchObject({ id: 'moneyline', name: 'Moneyline' });
  });

  it('lists active fixtures filtered by sport and league', async () => {
    const { body } = await get('/fixtures/active?sport=basketball&league=NBA');
    expect(body.data).toHaveLength(2);
    const f = body.data[0];
    expect(f).toMatchObject({ status: 'unplayed', is_live: false, sport: { id: 'basketball' }, league: { id: 'nba' } });
    expect(f.id).toMatch(/^[0-9A-F]{16}$/);
    expect(f.home_competitors[0].name).toBe(f.home_team_display);
    expect(new Date(f.start_date).getTime()).toBe(ORIGIN + 10_000);
    expect((await get('/fixtures/active?sport=football')).body.data).toHaveLength(1);
    expect((await get('/fixtures?league=nba&league=nfl')).body.data).toHaveLength(3);
  });

  it('serves an odds snapshot for at most 5 sportsbooks (400 beyond, 400 without one)', async () => {
    const fx = srv.world.fixtures()[0]!;
    const five = ['Pinnacle', 'DraftKings', 'FanDuel', 'BetMGM', 'Caesars'].map((b) => `sportsbook=${b}`).join('&');
    const ok = await get(`/fixtures/odds?fixture_id=${fx.fixtureId}&${five}&market=Moneyline`);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toHaveLength(1);
    const odds = ok.body.data[0].odds;
    expect(odds).toHaveLength(10);
    for (const o of odds) {
      expect(Object.keys(o).sort()).toEqual(ODD_KEYS);
      expect(o.fixture_id).toBe(fx.fixtureId);
      // REST limits are { max } (the stream's are { max_stake })
      expect(Object.keys(o.limits)).toEqual(['max']);
      expect(o.id).toBe(`${fx.fixtureId}:${o.sportsbook.toLowerCase()}:moneyline:${o.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`);
    }
    expect((await get(`/fixtures/odds?fixture_id=${fx.fixtureId}&${five}&sportsbook=BetRivers`)).status).toBe(400);
    expect((await get(`/fixtures/odds?fixture_id=${fx.fixtureId}`)).status).toBe(400);
    expect((await get(`/fixtures/odds?sportsbook=Pinnacle`)).status).toBe(400);
    const other = await get(`/fixtures/odds?fixture_id=${fx.fixtureId}&sportsbook=pinnacle&market=Total%20Points`);
    expect(other.body.data[0].odds).toEqual([]);
  });

  it('serves results with scores and the in-play clock once the game is on', async () => {
    const fx = srv.world.fixtures()[0]!;
    clock.set(fx.startMs + 60_000);
    const { body } = await get(`/fixtures/results?fixture_id=${fx.fixtureId}`);
    const r = body.data[0];
    expect(r).toMatchObject({ fixture_id: fx.fixtureId, sport: 'basketball', league: 'nba', is_live: true });
    expect(r.score.fixture.status).toBe('live');
    expect(typeof r.score.scores.home.total).toBe('number');
    expect(r.score.scores.home.periods).toHaveProperty('period_1');
    expect(r.score.in_play.period).toBe('1');
    expect(r.score.in_play.clock).toMatch(/^\d\d:\d\d$/);
    const view = srv.world.fixture(fx.fixtureId)!;
    expect(r.score.scores.home.total).toBe(view.snapshot.homeScore);
    const odds = await get(`/fixtures/odds?fixture_id=${fx.fixtureId}&sportsbook=Pinnacle`);
    for (const o of odds.body.data[0].odds) expect(o.is_live).toBe(true);
  });

  it('injects REST failures: 429 with Retry-After, 5xx bursts, then recovers', async () => {
    srv.faults.failRest(429, 2, 3);
    srv.faults.failRest(502, 1);
    const a = await get('/sports');
    const b = await get('/sports');
    const c = await get('/sports');
    expect([a.status, b.status, c.status]).toEqual([429, 429, 502]);
    expect(a.headers.get('retry-after')).toBe('3');
    expect((await get('/sports')).status).toBe(200);
  });

  it('answers 503 during a feed outage, and records no entries meanwhile', async () => {
    srv.faults.pauseFeed(5_000);
    const before = srv.world.log.size;
    expect((await get('/fixtures/active')).status).toBe(503);
    clock.advance(4_000);
    srv.world.advanceTo(clock.now());
    expect(srv.world.log.size).toBe(before);
    clock.advance(1_000);
    expect((await get('/fixtures/active')).status).toBe(200);
    clock.advance(2_000);
    srv.world.advanceTo(clock.now());
    expect(srv.world.log.size).toBeGreaterThan(before);
  });
});
