/**
 * Contract tests of the OpticOdds clients against the project's OpticOdds simulator (containers/simulator/sports):
 * the real clients, over loopback, against the wire server with its fault switches. The simulator runs on a
 * manual clock that the test advances, so the world is deterministic; the clients' own timers are real.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { FeedEvent, OddsQuote } from '../../../shared/domain/feed-events.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { OddsStream } from '../../../shared/feeds/odds-stream.js';
import { ResultsStream } from '../../../shared/feeds/results-stream.js';
import { OpticOddsRestClient } from '../../../shared/feeds/rest-client.js';
import { computeConsensusDetailed } from '../../../shared/feeds/fair-value/consensus.js';
import { startSportsServer, type SportsServer } from '../../../containers/simulator/sports/index.js';
import { Collector } from '../../unit/feeds/helpers/local-server.js';

const T0 = Date.parse('2026-11-25T00:00:00Z');
let clock: ManualClock;
let sim: SportsServer;
const stoppers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  clock = new ManualClock(T0);
  sim = await startSportsServer({
    seed: 7,
    clock,
    games: { basketball: 1, football: 0 },
    firstStartDelayMs: 1_000,
    autoAdvance: false,
    retryMs: 20,
    pingIntervalMs: 50,
  });
});
afterEach(async () => {
  for (const s of stoppers.splice(0)) await s();
  await sim.close();
});

function step(ms: number, times = 1): void {
  for (let i = 0; i < times; i++) {
    clock.advance(ms);
    sim.module.advance();
  }
}

/** An odds-stream connection takes at most 5 sportsbooks (the simulator refuses more): the streams here use these. */
const STREAM_BOOKS = ['Pinnacle', 'DraftKings', 'FanDuel', 'BetMGM', 'Caesars'];

function oddsIdsInLog(): string[] {
  return sim.world.log
    .all()
    .filter((e) => e.stream === 'odds' && e.sport === 'basketball' && (e.sportsbook === undefined || STREAM_BOOKS.includes(e.sportsbook)))
    .map((e) => e.id);
}

function startOdds(metrics = new MetricsRegistry(), extra: Partial<ConstructorParameters<typeof OddsStream>[0]> = {}) {
  const events = new Collector<FeedEvent>();
  const s = new OddsStream({
    apiKey: sim.apiKey,
    baseUrl: sim.baseUrl,
    sport: 'basketball',
    sportsbooks: STREAM_BOOKS,
    markets: ['moneyline'],
    onEvent: events.push,
    metrics,
    initialBackoffMs: 10,
    maxBackoffMs: 100,
    ...extra,
  });
  stoppers.push(() => s.stop());
  s.start();
  return { s, events, metrics };
}

const healthy = (h: boolean) => (e: FeedEvent) => e.type === 'feed_health' && e.healthy === h;
const entryIdsOf = (events: FeedEvent[]) =>
  events.filter((e) => e.type === 'odds' || e.type === 'fixture_status').map((e) => (e as { entryId: string | null }).entryId);

describe('OpticOdds clients against the simulator', () => {
  it('REST: sports, fixtures, odds snapshot over more than 5 books, results', async () => {
    const rest = new OpticOddsRestClient({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, clock });
    expect((await rest.activeSports()).map((s) => s.id)).toContain('basketball');
    const fixtures = await rest.activeFixtures('basketball');
    expect(fixtures).toHaveLength(1);
    // shortly before the start every book is on the board (live, books lock on big plays)
    step(500);
    const books = sim.world.books.map((b) => b.name);
    expect(books.length).toBeGreaterThan(5);
    const quotes = await rest.odds({ fixtureIds: [fixtures[0]!.id], sportsbooks: books, markets: ['Moneyline'] });
    expect(quotes).toHaveLength(sim.world.boardOdds(fixtures[0]!.id).length);
    expect(new Set(quotes.map((q) => q.sportsbook)).size).toBe(books.length);
    expect(quotes.every((q) => q.fixtureId === fixtures[0]!.id && Number.isInteger(q.americanOdds))).toBe(true);
    const [game] = await rest.results([fixtures[0]!.id]);
    expect(game).toMatchObject({ gameId: fixtures[0]!.id, sport: 'basketball' });
    expect(game!.homeTeam).toBe(fixtures[0]!.home_team_display);
  });

  it('resumes after the simulator cuts the stream: no gap, no duplicate, health false → true', async () => {
    const { s, events, metrics } = startOdds();
    await events.waitFor(healthy(true));
    const before = new Set(oddsIdsInLog()); // entries logged before the first connection are not replayed
    step(500, 40); // game under way
    let ids = oddsIdsInLog();
    await events.waitFor((e) => (e.type === 'odds' || e.type === 'fixture_status') && e.entryId === ids[ids.length - 1]);

    expect(sim.faults.cutStreams()).toBe(1);
    step(500, 20); // entries produced while the client is disconnected
    await events.waitFor(healthy(false));
    const healthEvents = () => events.items.filter((e) => e.type === 'feed_health');
    await events.waitFor((e) => e.type === 'feed_health' && e.healthy && healthEvents().length >= 3);
    step(500, 20);
    ids = oddsIdsInLog();
    await events.waitFor((e) => (e.type === 'odds' || e.type === 'fixture_status') && e.entryId === ids[ids.length - 1]);

    const expected = ids.filter((id) => !before.has(id));
    expect(expected.length).toBeGreaterThan(50);
    expect(entryIdsOf(events.items)).toEqual(expected);
    expect(healthEvents().map((e) => e.type === 'feed_health' && e.healthy)).toEqual([true, false, true]);
    expect(s.connections).toBeGreaterThanOrEqual(2);
    expect(metrics.counter('feeds.malformed', { stream: 'odds' })).toBe(0);
  });

  it('a feed outage silences the stream: dead-stream detection, health false, then true when data flows again', async () => {
    const metrics = new MetricsRegistry();
    const { events } = startOdds(metrics, { silenceTimeoutMs: 300, watchdogIntervalMs: 20 });
    await events.waitFor(healthy(true));
    sim.faults.pauseFeed(60_000); // sim time: pings stop, new connections get 503
    const down = await events.waitFor(healthy(false));
    expect(down.type === 'feed_health' && down.reason).toBe('silence_timeout');
    expect(metrics.gaugeValue('feeds.healthy', { stream: 'odds' })).toBe(0);
    sim.faults.resumeFeed();
    const up = await events.waitFor((e) => e.type === 'feed_health' && e.healthy && events.items.indexOf(e) > events.items.indexOf(down));
    expect(up.type === 'feed_health' && up.stream).toBe('odds');
    expect(metrics.counter('feeds.outages', { stream: 'odds' })).toBe(1);
    expect(metrics.counter('feeds.dead_streams', { stream: 'odds' })).toBeGreaterThanOrEqual(1);
  });

  it('results stream: games move from scheduled to live with a clock', async () => {
    const events = new Collector<FeedEvent>();
    const rs = new ResultsStream({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, sport: 'basketball', onEvent: events.push });
    stoppers.push(() => rs.stop());
    rs.start();
    await events.waitFor(healthy(true));
    step(500, 60);
    const live = await events.waitFor((e) => e.type === 'game' && e.game.status === 'LIVE' && e.game.secondsRemaining !== null);
    expect(live.type === 'game' && live.game.secondsRemaining! <= 2880).toBe(true);
  });

  it('a line move (locked-odds then odds) takes the book out of the consensus and back in at the new price', async () => {
    const { events } = startOdds();
    await events.waitFor(healthy(true));
    const before = new Set(oddsIdsInLog());
    const delivered = async (): Promise<void> => {
      const ids = oddsIdsInLog().filter((id) => !before.has(id));
      const last = ids[ids.length - 1];
      if (last !== undefined) await events.waitFor((e) => (e.type === 'odds' || e.type === 'fixture_status') && e.entryId === last);
    };
    const fixtureId = sim.world.fixtures()[0]!.fixtureId;
    const home = sim.world.fixtures()[0]!.home.name;
    // the usual pattern: a REST snapshot to start, then the stream's updates replace quotes by key
    const rest = new OpticOddsRestClient({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, clock });
    const snapshot = await rest.odds({ fixtureIds: [fixtureId], sportsbooks: sim.world.books.map((b) => b.name) });
    const store = new Map<string, OddsQuote>(snapshot.map((q) => [q.key, q]));
    const consensus = () => computeConsensusDetailed([...store.values()], fixtureId, 'moneyline', clock.now(), { maxAgeMs: 3_600_000 }); // market id
    let processed = 0;
    const drainUntil = (pred: (e: FeedEvent) => boolean): void => {
      for (; processed < events.items.length; processed++) {
        const e = events.items[processed]!;
        if (e.type === 'odds') for (const q of e.quotes) store.set(q.key, q);
        if (pred(e)) {
          processed++;
          return;
        }
      }
    };
    drainUntil(() => false);
    const start = consensus();
    expect(start.books.map((b) => b.sportsbook)).toContain('Pinnacle');
    const booksBefore = start.books.length;
    expect(booksBefore).toBe(sim.world.books.length);

    expect(sim.world.forceLineMove(fixtureId, { bookId: 'pinnacle', logitShift: 0.5 })).toBe(2);
    await delivered();
    drainUntil((e) => e.type === 'odds' && e.quotes.some((q) => q.locked));
    const whileLocked = consensus();
    expect(whileLocked.books.map((b) => b.sportsbook)).not.toContain('Pinnacle');
    expect(whileLocked.books.length).toBe(booksBefore - 1);
    expect(whileLocked.excluded).toContainEqual(expect.objectContaining({ sportsbook: 'Pinnacle', reason: 'locked' }));

    drainUntil(() => false);
    const after = consensus();
    expect(after.books.map((b) => b.sportsbook)).toContain('Pinnacle');
    const pinBefore = start.books.find((b) => b.sportsbook === 'Pinnacle')!.fair[home]!;
    const pinAfter = after.books.find((b) => b.sportsbook === 'Pinnacle')!.fair[home]!;
    expect(pinAfter).toBeGreaterThan(pinBefore); // the line moved toward home
    expect(after.consensus!.probabilities[home]!).toBeGreaterThan(whileLocked.consensus!.probabilities[home]!);
  });
});
