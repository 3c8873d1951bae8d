import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { FeedEvent } from '../../../shared/domain/feed-events.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { OddsStream } from '../../../shared/feeds/odds-stream.js';
import { ResultsStream } from '../../../shared/feeds/results-stream.js';
import { BoundedIdSet } from '../../../shared/feeds/entry-dedup.js';
import { backoffDelay } from '../../../shared/feeds/backoff.js';
import { Collector, LocalServer } from './helpers/local-server.js';
import { oddJson, resultsJson } from './helpers/fixtures.js';

const API_KEY = 'stream-key-0123456789';
let server: LocalServer;
let base: string;
const streams: { stop(): Promise<void> }[] = [];

beforeEach(async () => {
  server = new LocalServer();
  base = (await server.start()) + '/api/v3';
});
afterEach(async () => {
  for (const s of streams.splice(0)) await s.stop();
  await server.close();
});

function oddsFrame(entryId: string, odds: unknown[]): Record<string, unknown> {
  return { data: odds, entry_id: entryId, type: 'odds' };
}

function makeOdds(extra: Partial<ConstructorParameters<typeof OddsStream>[0]> = {}) {
  const events = new Collector<FeedEvent>();
  const metrics = new MetricsRegistry();
  const logger = new MemoryLogger();
  const s = new OddsStream({
    apiKey: API_KEY,
    baseUrl: base,
    sport: 'basketball',
    sportsbooks: ['Pinnacle', 'DraftKings'],
    markets: ['Moneyline'],
    leagues: ['NBA'],
    onEvent: events.push,
    metrics,
    logger,
    initialBackoffMs: 10,
    maxBackoffMs: 50,
    ...extra,
  });
  streams.push(s);
  return { s, events, metrics, logger };
}

const isHealth = (healthy: boolean) => (e: FeedEvent) => e.type === 'feed_health' && e.healthy === healthy;

describe('odds stream', () => {
  it('connects with header auth and repeated params, and emits odds, locked odds and fixture status', async () => {
    const { s, events } = makeOdds();
    s.start();
    const conn = await server.nextConnection();
    expect(conn.url.pathname).toBe('/api/v3/stream/odds/basketball');
    expect(conn.url.searchParams.getAll('sportsbook')).toEqual(['Pinnacle', 'DraftKings']);
    expect(conn.url.searchParams.get('include_fixture_updates')).toBe('true');
    expect(conn.url.searchParams.has('last_entry_id')).toBe(false);
    expect(conn.url.searchParams.has('key')).toBe(false);
    expect(conn.headers['x-api-key']).toBe(API_KEY);

    conn.write('event: connected\nretry: 20\ndata: ok go\n\n');
    await events.waitFor(isHealth(true));
    conn.frame('odds', oddsFrame('1-0', [oddJson({ price: -150 }), oddJson({ sportsbook: 'DraftKings', price: 130 })]), '1-0');
    conn.frame('locked-odds', { ...oddsFrame('1-1', [oddJson({ price: -150 })]), type: 'locked-odds' }, '1-1');
    conn.frame('fixture-status', { data: { fixture_id: 'FX1', old_status: 'unplayed', new_status: 'live' }, entry_id: '1-2' }, '1-2');
    await events.waitFor((e) => e.type === 'fixture_status');

    const odds = events.items.filter((e) => e.type === 'odds');
    expect(odds).toHaveLength(2);
    expect(odds[0]).toMatchObject({ entryId: '1-0' });
    expect(odds[0]!.type === 'odds' && odds[0]!.quotes.map((q) => [q.sportsbook, q.americanOdds, q.locked])).toEqual([
      ['Pinnacle', -150, false],
      ['DraftKings', 130, false],
    ]);
    expect(odds[1]!.type === 'odds' && odds[1]!.quotes[0]!.locked).toBe(true);
    expect(events.items.find((e) => e.type === 'fixture_status')).toMatchObject({ fixtureId: 'FX1', newStatus: 'live', entryId: '1-2' });
    expect(s.lastEntryId).toBe('1-2');
  });

  it('counts and skips malformed events, keeping valid odds of a partly bad frame', async () => {
    const { s, events, metrics } = makeOdds();
    s.start();
    const conn = await server.nextConnection();
    conn.frame('odds', '{not json', '2-0');
    conn.frame('odds', { nope: true }, '2-1');
    conn.frame('odds', oddsFrame('2-2', [oddJson({ price: 0 }), oddJson({ price: 120 })]), '2-2');
    conn.frame('fixture-status', { data: { fixture_id: '' } }, '2-3');
    conn.frame('odds', oddsFrame('2-4', [oddJson({ price: 140 })]), '2-4');
    await events.waitFor((e) => e.type === 'odds' && e.entryId === '2-4');
    const odds = events.items.filter((e) => e.type === 'odds');
    expect(odds.map((e) => e.entryId)).toEqual(['2-2', '2-4']);
    expect(metrics.counter('feeds.malformed', { stream: 'odds' })).toBe(4);
  });

  it('after a drop: health false, reconnect with last_entry_id, replayed entries dropped, health true', async () => {
    const { s, events, metrics } = makeOdds();
    s.start();
    const c1 = await server.nextConnection();
    c1.write('event: connected\nretry: 20\ndata: ok go\n\n');
    c1.frame('odds', oddsFrame('10-0', [oddJson({ price: -110 })]), '10-0');
    c1.frame('odds', oddsFrame('10-1', [oddJson({ price: -115 })]), '10-1');
    await events.waitFor((e) => e.type === 'odds' && e.entryId === '10-1');
    c1.destroy();
    const down = await events.waitFor(isHealth(false));
    expect(down.type === 'feed_health' && down.stream).toBe('odds');

    const c2 = await server.nextConnection();
    expect(c2.url.searchParams.get('last_entry_id')).toBe('10-1');
    c2.write('event: connected\nretry: 20\ndata: ok go\n\n');
    // an inclusive replay of the last entry, then new entries
    c2.frame('odds', oddsFrame('10-1', [oddJson({ price: -115 })]), '10-1');
    c2.frame('odds', oddsFrame('10-2', [oddJson({ price: -120 })]), '10-2');
    await events.waitFor((e) => e.type === 'odds' && e.entryId === '10-2');

    const ids = events.items.filter((e) => e.type === 'odds').map((e) => e.entryId);
    expect(ids).toEqual(['10-0', '10-1', '10-2']);
    expect(events.items.filter((e) => e.type === 'feed_health').map((e) => e.type === 'feed_health' && e.healthy)).toEqual([true, false, true]);
    expect(metrics.counter('feeds.duplicates', { stream: 'odds' })).toBe(1);
    expect(metrics.counter('feeds.outages', { stream: 'odds' })).toBe(1);
    expect(metrics.gaugeValue('feeds.healthy', { stream: 'odds' })).toBe(1);
  });

  it('declares a silent stream dead (no pings) and reconnects, using the injected clock', async () => {
    const clock = new ManualClock(1_000_000);
    const { s, events, metrics } = makeOdds({ clock, silenceTimeoutMs: 15_000, watchdogIntervalMs: 5 });
    s.start();
    const c1 = await server.nextConnection();
    c1.write('event: connected\nretry: 10\ndata: ok go\n\n');
    c1.write(`event: ping\ndata: ${new Date(1_000_000 - 250).toISOString()}\n\n`);
    await events.waitFor(isHealth(true));
    clock.advance(14_000); // still inside the window: nothing happens
    clock.advance(1_000); // 15 s of silence
    const down = await events.waitFor(isHealth(false));
    expect(down.type === 'feed_health' && down.reason).toBe('silence_timeout');
    const c2 = await server.nextConnection();
    expect(c2).toBeDefined();
    expect(metrics.counter('feeds.dead_streams', { stream: 'odds' })).toBe(1);
    expect(metrics.gaugeValue('feeds.clock_drift_ms', { stream: 'odds' })).toBe(250);
  });

  it('reports an outage when the server refuses connections, and recovers when frames flow', async () => {
    server.refuseStreams = 2;
    const { s, events, metrics } = makeOdds();
    s.start();
    const down = await events.waitFor(isHealth(false));
    expect(down.type === 'feed_health' && down.reason).toBe('http_503');
    const conn = await server.nextConnection();
    conn.write('event: connected\ndata: ok go\n\n');
    await events.waitFor(isHealth(true));
    expect(events.items.map((e) => e.type === 'feed_health' && e.healthy)).toEqual([false, true]);
    expect(s.connections).toBe(3);
    expect(metrics.counter('feeds.connect_errors', { stream: 'odds', status: '503' })).toBe(2);
  });

  it('never puts the API key in a URL or a log line', async () => {
    const { s, events, logger } = makeOdds();
    server.refuseStreams = 1;
    s.start();
    const conn = await server.nextConnection();
    conn.write('event: connected\ndata: ok go\n\n');
    await events.waitFor(isHealth(true));
    expect(server.requests.every((r) => !r.url.search.includes(API_KEY))).toBe(true);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toContain(API_KEY);
  });
});

describe('results stream', () => {
  it('emits game events from fixture-results and resumes after a drop', async () => {
    const events = new Collector<FeedEvent>();
    const metrics = new MetricsRegistry();
    const s = new ResultsStream({
      apiKey: API_KEY,
      baseUrl: base,
      sport: 'basketball',
      leagues: ['NBA'],
      onEvent: events.push,
      metrics,
      initialBackoffMs: 10,
      maxBackoffMs: 50,
    });
    streams.push(s);
    s.start();
    const c1 = await server.nextConnection();
    expect(c1.url.pathname).toBe('/api/v3/stream/results/basketball');
    c1.frame('fixture-results', resultsJson({ inPlay: { period: '2', clock: '5:00' } }), '5-0');
    c1.frame('fixture-results', { fixture_id: 42 }, '5-1'); // no score: malformed
    await events.waitFor((e) => e.type === 'game');
    c1.destroy();
    const c2 = await server.nextConnection();
    expect(c2.url.searchParams.get('last_entry_id')).toBe('5-0');
    c2.frame('fixture-results', { data: resultsJson({ home: 62 }), entry_id: '5-2' });
    await events.waitFor((e) => e.type === 'game' && e.entryId === '5-2');
    const games = events.items.filter((e) => e.type === 'game');
    expect(games.map((g) => g.type === 'game' && [g.entryId, g.game.homeScore, g.game.secondsRemaining])).toEqual([
      ['5-0', 60, 2 * 720 + 300],
      ['5-2', 62, null],
    ]);
    expect(metrics.counter('feeds.malformed', { stream: 'results' })).toBe(1);
  });
});

describe('building blocks', () => {
  it('BoundedIdSet de-duplicates within its capacity and forgets the oldest', () => {
    const s = new BoundedIdSet(3);
    expect(['a', 'b', 'c'].map((x) => s.add(x))).toEqual([true, true, true]);
    expect(s.add('a')).toBe(false);
    expect(s.add('d')).toBe(true); // evicts a
    expect(s.size).toBe(3);
    expect(s.has('a')).toBe(false);
    expect(s.add('a')).toBe(true);
  });

  it('backoff grows exponentially, is capped, and jitters within [1 − j, 1]', () => {
    const p = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(p, n, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(p, 2, () => 0)).toBe(200);
  });
});
