/**
 * The bot's OpticOdds subscription (OpticOddsFeed) against the simulated feed, over real HTTP: streams split
 * to the provider's limits, a resume that skips entries repaired by a REST snapshot, a quiet stream's quotes
 * locked, 403 (not licensed) final and said so, lists read past page 1. The simulated world runs on a manual
 * clock the test moves; the clients' own timers are real.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSportsServer, type SportsServer } from '../../../containers/simulator/sports/index.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { FeedEvent, OddsQuote } from '../../../shared/domain/feed-events.js';
import { OpticOddsError } from '../../../shared/feeds/errors.js';
import { computeConsensusDetailed } from '../../../shared/feeds/fair-value/consensus.js';
import { OpticOddsFeed, type OpticOddsFeedOptions } from '../../../shared/feeds/opticodds-feed.js';
import { OpticOddsRestClient } from '../../../shared/feeds/rest-client.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { waitFor } from '../../support/engine-fixtures.js';

const T0 = Date.parse('2026-11-25T00:00:00Z');
const SIX_BOOKS = ['pinnacle', 'draftkings', 'fanduel', 'betmgm', 'caesars', 'betrivers'];
let clock: ManualClock;
let sim: SportsServer;
const feeds: OpticOddsFeed[] = [];

beforeEach(async () => {
  clock = new ManualClock(T0);
  sim = await startSportsServer({ seed: 7, clock, games: { basketball: 2, football: 1 }, firstStartDelayMs: 60_000, autoAdvance: false, retryMs: 20, pingIntervalMs: 50, pageSize: 1 });
});
afterEach(async () => {
  for (const f of feeds.splice(0)) await f.stop();
  await sim.close();
});

function step(ms: number, times = 1): void {
  for (let i = 0; i < times; i++) {
    clock.advance(ms);
    sim.module.advance();
  }
}

function makeFeed(over: Partial<OpticOddsFeedOptions> = {}) {
  const events: FeedEvent[] = [];
  const metrics = new MetricsRegistry();
  const logger = new MemoryLogger();
  const rest = new OpticOddsRestClient({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, maxServerRetries: 0 });
  const fixtureIds = sim.world.fixtures().filter((f) => f.sport === 'basketball').map((f) => f.fixtureId);
  const feed = new OpticOddsFeed({
    apiKey: sim.apiKey,
    streamBaseUrl: sim.baseUrl,
    sports: ['basketball'],
    leagues: ['nba'],
    sportsbooks: SIX_BOOKS.slice(0, 5),
    markets: ['moneyline'],
    rest,
    fixtureIds: () => fixtureIds,
    onEvent: (e) => events.push(e),
    logger,
    metrics,
    initialBackoffMs: 10,
    maxBackoffMs: 50,
    ...over,
  });
  feeds.push(feed);
  /** The latest quote per key, as a consumer replacing by key (newest timestamp wins) would hold it. */
  const book = (): Map<string, OddsQuote> => {
    const m = new Map<string, OddsQuote>();
    for (const e of events) if (e.type === 'odds') for (const q of e.quotes) if (!m.has(q.key) || m.get(q.key)!.timestamp <= q.timestamp) m.set(q.key, q);
    return m;
  };
  return { feed, events, metrics, logger, rest, book, fixtureIds };
}

/** The board as the simulator's books hold it now: key parts → American price. */
function boardPrices(fixtureId: string, books: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of sim.world.boardOdds(fixtureId, (b) => books.includes(b.id))) out.set(`${o.sportsbook_id}|${o.normalized_selection}`, o.price as number);
  return out;
}

describe('OpticOddsFeed against the simulated OpticOdds', () => {
  it('splits six sportsbooks over two odds connections (≤ 5 each: the simulator refuses more) and merges them', async () => {
    const { feed, events, book } = makeFeed({ sportsbooks: SIX_BOOKS });
    expect(feed.streams.map((s) => s.name)).toEqual(['odds:basketball#1', 'odds:basketball#2', 'results:basketball:nba']);
    feed.start();
    await waitFor(() => feed.streams.every((s) => s.stream.healthy), 'every connection up', 5_000);
    step(1_000, 10);
    await waitFor(() => new Set([...book().values()].map((q) => q.sportsbookId)).size === 6, 'quotes of all six books', 5_000);
    // one health event per kind × sport, not one per connection
    expect(events.filter((e) => e.type === 'feed_health' && e.stream === 'odds' && e.healthy)).toHaveLength(1);
  });

  it('repairs a resume that skipped entries from a REST snapshot (and results too)', async () => {
    const { feed, events, book, fixtureIds, metrics } = makeFeed();
    feed.start();
    await waitFor(() => feed.streams.every((s) => s.stream.healthy), 'connections up', 5_000);
    for (let i = 0; i < 40 && book().size < 2 * 5 * fixtureIds.length; i++) {
      step(1_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => book().size === 2 * 5 * fixtureIds.length, 'every book priced on every game', 5_000);

    // The next resume of each stream skips what it should replay; meanwhile every book moves its line.
    sim.faults.skipOnResume(Infinity, 2);
    const mark = sim.world.log.all().length;
    sim.faults.cutStreams();
    const fx = fixtureIds[0]!;
    expect(sim.world.forceLineMove(fx, { logitShift: 0.6 })).toBeGreaterThan(0);
    const moved = sim.world.log.all().slice(mark).map((e) => e.id);

    await waitFor(() => feed.repairs >= 2, 'both streams repaired', 5_000);
    await feed.idle();
    // the stream itself never delivered the moved prices (the resume skipped them) …
    const delivered = new Set(events.flatMap((e) => (e.type === 'odds' && e.entryId ? [e.entryId] : [])));
    expect(moved.filter((id) => delivered.has(id))).toEqual([]);
    // … the REST snapshot did: what the consumer holds is what the books show now
    const held = new Map([...book().values()].filter((q) => q.fixtureId === fx && !q.locked).map((q) => [`${q.sportsbookId}|${q.normalizedSelection}`, q.americanOdds]));
    expect(held).toEqual(boardPrices(fx, SIX_BOOKS.slice(0, 5)));
    expect(events.some((e) => e.type === 'game' && e.entryId === null && e.game.gameId === fx)).toBe(true);
    expect(Object.entries(metrics.snapshot().counters).filter(([k]) => k.startsWith('feeds.repairs')).length).toBeGreaterThan(0);
  });

  it('a stream that goes quiet has its quotes locked (start-up snapshot included) until the reconnect repairs them', async () => {
    const { feed, events, book, rest, fixtureIds } = makeFeed({ silenceTimeoutMs: 300, watchdogIntervalMs: 20 });
    // the bot's start-up snapshot goes through the feed, so the feed knows those quotes too
    feed.ingestSnapshot(await rest.odds({ fixtureIds, sportsbooks: SIX_BOOKS.slice(0, 5), markets: ['moneyline'] }));
    expect(book().size).toBeGreaterThan(0);
    feed.start();
    await waitFor(() => feed.streams.every((s) => s.stream.healthy), 'connections up', 5_000);
    sim.faults.freezeStreams(true);
    await waitFor(() => events.some((e) => e.type === 'feed_health' && e.stream === 'odds' && !e.healthy), 'odds stream declared dead', 5_000);
    expect([...book().values()].every((q) => q.locked)).toBe(true);
    sim.faults.freezeStreams(false);
    const afterThaw = events.length;
    await waitFor(() => feed.repairs >= 1, 'repair after the reconnect', 5_000);
    await feed.idle();
    // Read from what was delivered since the thaw, not from the book now: the simulated world stands still, so
    // on a loaded machine the stream can stay quiet past the 300 ms timeout after its repair and be locked again
    // before this line (a CI run failed so).
    const delivered = events.slice(afterThaw).flatMap((e) => (e.type === 'odds' ? e.quotes : []));
    expect(delivered.some((q) => !q.locked)).toBe(true);
  });

  it('a moved main line that comes back as is_main=false (no lock) leaves the consensus instead of lingering', async () => {
    const { feed, events, book, fixtureIds } = makeFeed();
    feed.start();
    await waitFor(() => feed.streams.every((s) => s.stream.healthy), 'connections up', 5_000);
    for (let i = 0; i < 40 && ![...book().values()].some((q) => q.sportsbookId === 'pinnacle'); i++) {
      step(1_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    const fx = [...book().values()].find((q) => q.sportsbookId === 'pinnacle')!.fixtureId;
    expect(fixtureIds).toContain(fx);
    // the new main line's entry is lost: only the old main, now an alternate, arrives
    sim.faults.dropEntries(1, (e) => e.fixtureId === fx && e.sportsbook === 'Pinnacle' && (e.payload as { data: { is_main: boolean }[] }).data[0]!.is_main);
    expect(sim.world.forceLineMove(fx, { bookId: 'pinnacle', alternates: true })).toBe(2);
    await waitFor(() => events.some((e) => e.type === 'odds' && e.quotes.some((q) => q.sportsbookId === 'pinnacle' && !q.isMain)), 'the alternate', 5_000);
    const d = computeConsensusDetailed([...book().values()], fx, 'moneyline', Date.now());
    expect(d.books.map((b) => b.sportsbook)).not.toContain('Pinnacle');
    expect(d.excluded).toContainEqual(expect.objectContaining({ sportsbook: 'Pinnacle', reason: 'alternate_line' }));
  });

  it('403 (odds not licensed): the odds stream stops for good and says so; REST says so too', async () => {
    sim.faults.setLicensed('odds', false);
    const { feed, events, logger, rest, fixtureIds } = makeFeed();
    feed.start();
    await waitFor(() => feed.notLicensed.length === 1, 'the odds stream given up', 5_000);
    expect(feed.notLicensed[0]!.name).toBe('odds:basketball#1');
    const health = events.find((e) => e.type === 'feed_health' && e.stream === 'odds' && !e.healthy);
    expect(health).toMatchObject({ reason: expect.stringMatching(/not_licensed/) });
    expect(logger.lines.some((r) => r.level === 'error' && /not licensed/.test(r.msg))).toBe(true);
    const odds = feed.streams.find((s) => s.name === 'odds:basketball#1')!.stream;
    const tries = odds.connections;
    await new Promise((r) => setTimeout(r, 300));
    expect(odds.connections).toBe(tries); // no reconnect loop
    const err = await rest.odds({ fixtureIds, sportsbooks: ['pinnacle'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpticOddsError);
    expect((err as OpticOddsError).kind).toBe('not_licensed');
    expect(await rest.results(fixtureIds)).toHaveLength(2); // results are licensed
  });

  it('reads every page of a list (page + has_more; the simulator serves one fixture per page here)', async () => {
    const { rest } = makeFeed();
    expect(await rest.getData('/fixtures', { league: ['nba', 'nfl'] })).toHaveLength(1);
    const all = await rest.fixtures({ league: ['nba', 'nfl'] });
    expect(all.map((f) => f.id).sort()).toEqual(sim.world.fixtures().map((f) => f.fixtureId).sort());
  });
});
