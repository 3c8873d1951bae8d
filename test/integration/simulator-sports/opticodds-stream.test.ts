import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { compareEntryIds, parseEntryId, startSportsServer } from '../../../containers/simulator/sports/index.js';
import type { FeedEntry, SportsServer } from '../../../containers/simulator/sports/index.js';
import { sleep, SseRecorder } from './sse-recorder.js';

const ORIGIN = Date.UTC(2026, 10, 25, 0, 0, 0);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let srv: SportsServer;
let clock: ManualClock;
const open: SseRecorder[] = [];

function headers(): Record<string, string> {
  return { 'X-Api-Key': srv.apiKey };
}

async function stream(path: string): Promise<SseRecorder> {
  const r = await SseRecorder.connect(`${srv.baseUrl}${path}`, headers());
  open.push(r);
  return r;
}

/** Moves the simulated time forward in small steps (the world runs every step). */
function run(ms: number, step = 250): void {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    srv.world.advanceTo(clock.now());
  }
}

function expected(after: string | null, match: (e: FeedEntry) => boolean): string[] {
  const from = after === null ? null : parseEntryId(after)!;
  return srv.world.log
    .all()
    .filter((e) => match(e) && (from === null || compareEntryIds(e, from) > 0))
    .map((e) => e.id);
}

const basketballOdds = (e: FeedEntry): boolean => e.stream === 'odds' && e.sport === 'basketball' && e.event !== 'fixture-status';

beforeAll(async () => {
  clock = new ManualClock(ORIGIN);
  srv = await startSportsServer({
    seed: 3,
    clock,
    autoAdvance: false,
    pingIntervalMs: 40,
    games: { basketball: 2, football: 1 },
    firstStartDelayMs: 5_000,
    speed: 20,
  });
});
afterEach(() => {
  for (const r of open.splice(0)) r.close();
  srv.faults.reset();
});
afterAll(async () => {
  await srv.close();
});

describe('OpticOdds SSE streams (simulated, real HTTP)', () => {
  it('refuses a stream without the API key (401) and an unknown sport (404)', async () => {
    const r = await SseRecorder.open(`${srv.baseUrl}/stream/odds/basketball`, {});
    expect(r).toMatchObject({ status: 401 });
    const s = await SseRecorder.open(`${srv.baseUrl}/stream/odds/curling`, headers());
    expect(s).toMatchObject({ status: 404 });
    const m = await SseRecorder.open(`${srv.baseUrl}/stream/odds/basketball?last_entry_id=garbage`, headers());
    expect(m).toMatchObject({ status: 400 });
  });

  it('sends connected (retry 5000) first, then ISO pings, then odds/locked-odds frames with ids', async () => {
    const r = await stream('/stream/odds/basketball');
    await r.waitFor((x) => x.of('ping').length >= 2);
    expect(r.raw.startsWith('event: connected\nretry: 5000\ndata: ok go\n\n')).toBe(true);
    expect(r.retry).toBe(5000);
    expect(r.events[0]).toMatchObject({ event: 'connected', data: 'ok go' });
    for (const p of r.of('ping')) expect(p.data).toMatch(ISO);
    expect(r.of('ping')[0]!.data).toBe(new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));

    const fx = srv.world.fixtures().find((f) => f.sport === 'basketball')!;
    expect(srv.world.forceLineMove(fx.fixtureId, { bookId: 'draftkings' })).toBe(2);
    await r.waitFor((x) => x.of('odds').length >= 1);
    const locked = r.of('locked-odds')[0]!;
    const odds = r.of('odds')[0]!;
    expect(r.raw).toContain(`id: ${locked.id}\nevent: locked-odds\ndata: {`);
    for (const [frame, type] of [[locked, 'locked-odds'], [odds, 'odds']] as const) {
      const data = JSON.parse(frame.data);
      expect(Object.keys(data).sort()).toEqual(['data', 'entry_id', 'type']);
      expect(data.type).toBe(type);
      expect(data.entry_id).toBe(frame.id);
      expect(frame.id).toMatch(/^\d+-\d+$/);
      expect(data.data).toHaveLength(2);
      expect(data.data[0]).toMatchObject({ fixture_id: fx.fixtureId, sportsbook: 'DraftKings', market: 'Moneyline', is_main: true });
    }
    const before = JSON.parse(locked.data).data.map((o: { price: number }) => o.price);
    const after = JSON.parse(odds.data).data.map((o: { price: number }) => o.price);
    expect(after).not.toEqual(before);
  });

  it('filters by sportsbook, fixture and market; fixture-status only with include_fixture_updates', async () => {
    const fx = srv.world.fixtures().find((f) => f.sport === 'basketball')!;
    const pin = await stream(`/stream/odds/basketball?sportsbook=Pinnacle&fixture_id=${fx.fixtureId}&market=moneyline`);
    const all = await stream('/stream/odds/basketball?include_fixture_updates=true');
    const older = await stream('/stream/basketball/odds');
    const results = await stream('/stream/results/basketball');
    await Promise.all([pin, all, older, results].map((r) => r.waitFor((x) => x.events.length >= 1)));
    clock.set(Math.max(clock.now(), fx.startMs - 1000));
    srv.world.advanceTo(clock.now());
    run(30_000);
    await all.waitFor((x) => x.of('fixture-status').length >= 1);
    await pin.waitFor((x) => x.of('odds').length >= 1);
    await results.waitFor((x) => x.of('fixture-results').length >= 3);
    await older.waitFor((x) => x.of('odds').length >= 3);
    for (const e of pin.dataEvents()) {
      const d = JSON.parse(e.data);
      for (const o of d.data) {
        expect(o.sportsbook).toBe('Pinnacle');
        expect(o.fixture_id).toBe(fx.fixtureId);
      }
    }
    expect(older.of('fixture-status')).toHaveLength(0);
    const status = JSON.parse(all.of('fixture-status')[0]!.data);
    expect(status.data).toMatchObject({ fixture_id: fx.fixtureId, old_status: 'unplayed', new_status: 'live', sport: 'basketball', league: 'nba' });
    expect(status.data.fixture).toMatchObject({ id: fx.fixtureId, home_team_display: fx.home.name, away_team_display: fx.away.name });
    expect(status.entry_id).toBe(all.of('fixture-status')[0]!.id);
    const res = JSON.parse(results.of('fixture-results').at(-1)!.data);
    expect(res).toMatchObject({ sport: 'basketball', league: 'nba', is_live: true });
    expect(res.score.fixture).toHaveProperty('status', 'live');
    expect(res.score.scores.home).toHaveProperty('total');
    expect(res.score.in_play).toHaveProperty('clock');
    expect(res.entry_id).toBe(results.of('fixture-results').at(-1)!.id);
  });

  it('resumes with last_entry_id: exactly the missed entries, no gap, no duplicate', async () => {
    const first = await stream('/stream/odds/basketball');
    await first.waitFor((x) => x.events.length >= 1);
    const atConnect = srv.world.log.all().at(-1)!.id;
    run(5_000);
    const seen1 = expected(atConnect, basketballOdds);
    await first.waitFor((x) => x.dataEvents().length >= seen1.length);
    const got1 = first.dataEvents().map((e) => e.id!);
    expect(got1).toEqual(seen1);
    expect(got1.length).toBeGreaterThan(5);
    const lastId = got1[got1.length - 1]!;
    first.close();

    run(8_000); // missed while disconnected
    const missed = expected(lastId, basketballOdds);
    expect(missed.length).toBeGreaterThan(5);

    const second = await stream(`/stream/odds/basketball?last_entry_id=${lastId}`);
    await second.waitFor((x) => x.dataEvents().length >= missed.length);
    run(3_000); // and the live tail continues after the replay
    const total = expected(lastId, basketballOdds);
    await second.waitFor((x) => x.dataEvents().length >= total.length);
    const got2 = second.dataEvents().map((e) => e.id!);
    expect(got2).toEqual(total);
    expect(new Set([...got1, ...got2]).size).toBe(got1.length + got2.length);
  });

  it('cutStreams ends every open stream', async () => {
    const a = await stream('/stream/odds/basketball');
    const b = await stream('/stream/results/football');
    await Promise.all([a, b].map((r) => r.waitFor((x) => x.events.length >= 1)));
    expect(srv.faults.cutStreams()).toBe(2);
    await Promise.all([a, b].map((r) => r.waitFor((x) => x.ended)));
  });

  it('stops pings on demand (a dead-looking stream) and restarts them', async () => {
    srv.faults.setPingsEnabled(false);
    const r = await stream('/stream/odds/basketball');
    await sleep(300); // several ping intervals
    const fx = srv.world.fixtures()[0]!;
    srv.world.forceLineMove(fx.fixtureId, { bookId: 'pinnacle' });
    await r.waitFor((x) => x.of('odds').length >= 1);
    expect(r.of('ping')).toHaveLength(0);
    srv.faults.setPingsEnabled(true);
    await r.waitFor((x) => x.of('ping').length >= 1);
  });

  it('a frozen stream gets nothing, but the entries are kept for a resume', async () => {
    const r = await stream('/stream/odds/basketball');
    await r.waitFor((x) => x.events.length >= 1);
    const mark = srv.world.log.all().at(-1)!.id;
    srv.faults.freezeStreams(true);
    const fx = srv.world.fixtures()[0]!;
    srv.world.forceLineMove(fx.fixtureId, { bookId: 'fanduel' });
    await sleep(200);
    expect(r.dataEvents()).toHaveLength(0);
    expect(r.of('ping')).toHaveLength(0);
    srv.faults.freezeStreams(false);
    const again = await stream(`/stream/odds/basketball?last_entry_id=${mark}`);
    await again.waitFor((x) => x.dataEvents().length >= 2);
    expect(again.dataEvents().map((e) => e.event)).toEqual(['locked-odds', 'odds']);
  });

  it('drops chosen entries from live delivery (a gap a resume repairs)', async () => {
    const r = await stream('/stream/odds/basketball');
    await r.waitFor((x) => x.events.length >= 1);
    const mark = srv.world.log.all().at(-1)!.id;
    srv.faults.dropEntries(1, (e) => e.event === 'locked-odds');
    const fx = srv.world.fixtures()[0]!;
    srv.world.forceLineMove(fx.fixtureId, { bookId: 'betmgm' });
    await r.waitFor((x) => x.of('odds').length >= 1);
    expect(r.of('locked-odds')).toHaveLength(0);
    const again = await stream(`/stream/odds/basketball?last_entry_id=${mark}`);
    await again.waitFor((x) => x.dataEvents().length >= 2);
    expect(again.dataEvents().map((e) => e.event)).toEqual(['locked-odds', 'odds']);
  });

  it('refuses stream connections on demand and during an outage', async () => {
    srv.faults.refuseStreams(429, 1, 2);
    const refused = await SseRecorder.open(`${srv.baseUrl}/stream/odds/basketball`, headers());
    expect(refused).toMatchObject({ status: 429 });
    expect((refused as { headers: Record<string, string> }).headers['retry-after']).toBe('2');
    srv.faults.pauseFeed(10_000);
    expect(await SseRecorder.open(`${srv.baseUrl}/stream/odds/basketball`, headers())).toMatchObject({ status: 503 });
    srv.faults.resumeFeed();
    const ok = await stream('/stream/odds/basketball');
    await ok.waitFor((x) => x.events.length >= 1);
  });
});
