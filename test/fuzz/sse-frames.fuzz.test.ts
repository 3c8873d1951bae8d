/**
 * Fuzz of the OpticOdds SSE frames (shared/feeds/wire.ts parsers behind OddsStream and ResultsStream):
 * ≥ 10 000 malformed `odds` / `locked-odds` / `fixture-status` / `fixture-results` frames and unknown events.
 * Per frame: nothing throws out of the stream, the engine gets only well-formed FeedEvents (valid American
 * odds, finite numbers), and every rejection is logged once with a reason and counted in `feeds.malformed`
 * (bad Odd objects inside a good frame: one log line carrying the count). No handler error is ever counted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../shared/domain/feed-events.js';
import { isValidAmericanOdds } from '../../shared/feeds/fair-value/odds.js';
import { OddsStream, type OddsStreamOptions } from '../../shared/feeds/odds-stream.js';
import { ResultsStream } from '../../shared/feeds/results-stream.js';
import type { SseFrame } from '../../shared/feeds/sse-stream.js';
import { parseResultsFrame, resultToGameState } from '../../shared/feeds/wire.js';
import { MemoryLogger } from '../../shared/observability/logger.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { FUZZ_RUNS, malformedInputs } from './mutation.js';

class FuzzOdds extends OddsStream {
  feed(frame: SseFrame): void {
    this.handle(frame);
  }
}
class FuzzResults extends ResultsStream {
  feed(frame: SseFrame): void {
    this.handle(frame);
  }
}

const americanArb = fc.oneof(fc.integer({ min: 100, max: 5_000 }), fc.integer({ min: -5_000, max: -100 }));
const oddArb = fc.record({
  id: fc.uuid(),
  fixture_id: fc.constantFrom('F1', 'F2', 12345),
  game_id: fc.constant('G1'),
  sport: fc.constantFrom('basketball', { id: 'football', name: 'Football' }),
  league: fc.constantFrom('NBA', 'NFL'),
  sportsbook: fc.constantFrom('Pinnacle', 'DraftKings'),
  market: fc.constant('Moneyline'),
  name: fc.constantFrom('Boston Celtics', 'Los Angeles Lakers'),
  selection: fc.constant('Boston Celtics'),
  price: americanArb,
  is_main: fc.boolean(),
  is_live: fc.boolean(),
  timestamp: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map((s) => s + 0.25),
});
const entryArb = fc.uuid();
const oddsFrameArb = fc.record({ data: fc.array(oddArb, { minLength: 1, maxLength: 4 }), entry_id: entryArb });
const statusFrameArb = fc.record({
  data: fc.record({ fixture_id: fc.constant('F1'), old_status: fc.constant('unplayed'), new_status: fc.constantFrom('live', 'completed', 'half'), new_start_date: fc.constant('2024-01-16T19:00:00Z') }),
  entry_id: entryArb,
});
const resultArb = fc.record({
  fixture_id: fc.constantFrom('F1', 'F2'),
  sport: fc.constantFrom('basketball', 'football'),
  league: fc.constantFrom('NBA', 'NFL'),
  score: fc.record({
    fixture: fc.record({ status: fc.constantFrom('live', 'half', 'completed', 'unplayed'), home_team_display: fc.constant('A'), away_team_display: fc.constant('B'), start_date: fc.constant('2024-01-16T19:00:00Z') }),
    scores: fc.record({ home: fc.record({ total: fc.nat(150) }), away: fc.record({ total: fc.nat(150) }) }),
    in_play: fc.record({ period: fc.constantFrom(1, 2, '3', 'Q4', 'OT', 'half'), clock: fc.constantFrom('7:42', 462, 'PT7M42S', '0:05.3') }),
  }),
});
const resultsFrameArb = fc.oneof(resultArb, fc.record({ data: resultArb, entry_id: entryArb }));

const frameArb: fc.Arbitrary<SseFrame> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('odds', 'locked-odds'), malformedInputs(oddsFrameArb)).map(([event, data]) => ({ event, data, id: null })) },
  { weight: 2, arbitrary: malformedInputs(statusFrameArb).map((data) => ({ event: 'fixture-status', data, id: null })) },
  { weight: 3, arbitrary: malformedInputs(resultsFrameArb).map((data) => ({ event: 'fixture-results', data, id: null })) },
  { weight: 1, arbitrary: fc.record({ event: fc.string({ maxLength: 12 }), data: fc.string({ maxLength: 30 }), id: fc.option(fc.string({ maxLength: 8 })) }) },
);

const finiteOrNull = (n: unknown) => n === null || (typeof n === 'number' && Number.isFinite(n));

function checkFeedEvent(e: FeedEvent): void {
  if (e.type === 'odds') {
    expect(e.quotes.length).toBeGreaterThan(0);
    for (const q of e.quotes) {
      expect(isValidAmericanOdds(q.americanOdds), String(q.americanOdds)).toBe(true);
      expect(Number.isSafeInteger(q.timestamp), `timestamp ${q.timestamp}`).toBe(true);
      expect(q.fixtureId.length > 0 && q.sportsbook.length > 0).toBe(true);
    }
  } else if (e.type === 'game') {
    const g = e.game;
    expect(g.gameId.length).toBeGreaterThan(0);
    for (const [k, v] of Object.entries({ homeScore: g.homeScore, awayScore: g.awayScore, period: g.period, clock: g.clockSeconds, left: g.secondsRemaining, start: g.startTime })) {
      expect(finiteOrNull(v), `${k} = ${String(v)}`).toBe(true);
    }
  } else if (e.type === 'fixture_status') {
    expect(e.fixtureId.length).toBeGreaterThan(0);
    expect(finiteOrNull(e.startTime)).toBe(true);
  } else if (e.type !== 'feed_health') {
    throw new Error(`unexpected event ${JSON.stringify(e)}`);
  }
}

function streams() {
  const logger = new MemoryLogger();
  const metrics = new MetricsRegistry();
  const events: FeedEvent[] = [];
  const common: OddsStreamOptions = {
    apiKey: 'fuzz-key-0123456789',
    sport: 'basketball',
    sportsbooks: ['Pinnacle'],
    onEvent: (e) => events.push(e),
    logger,
    metrics,
    fetch: (() => Promise.reject(new Error('not started'))) as typeof fetch,
  };
  return { logger, metrics, events, odds: new FuzzOdds(common), results: new FuzzResults(common) };
}

function counters(m: MetricsRegistry, stream: string) {
  return {
    malformed: m.counter('feeds.malformed', { stream }),
    unknown: m.counter('feeds.unknown_events', { stream }),
    duplicates: m.counter('feeds.duplicates', { stream }),
    handlerErrors: m.counter('feeds.handler_errors', { stream }),
  };
}

describe('OpticOdds SSE frames under fuzzing', () => {
  it(`each frame yields valid events or is logged once and counted (${FUZZ_RUNS} frames)`, () => {
    const s = streams();
    let rejected = 0;
    fc.assert(
      fc.property(frameArb, (frame) => {
        const target = frame.event === 'fixture-results' ? s.results : s.odds;
        const stream = frame.event === 'fixture-results' ? 'results' : 'odds';
        const before = counters(s.metrics, stream);
        const linesBefore = s.logger.lines.length;
        const eventsBefore = s.events.length;
        target.feed(frame);
        const after = counters(s.metrics, stream);
        for (const e of s.events.slice(eventsBefore)) checkFeedEvent(e);
        expect(after.handlerErrors).toBe(0);
        const newLines = s.logger.lines.slice(linesBefore).filter((l) => l.msg === 'malformed feed event skipped');
        const malformedDelta = after.malformed - before.malformed;
        if (malformedDelta > 0) {
          rejected++;
          // one line per rejection, carrying the reason and how many objects it covers
          expect(newLines.length).toBe(1);
          expect(typeof newLines[0]!.fields.why === 'string' && (newLines[0]!.fields.why as string).length > 0).toBe(true);
          expect(newLines[0]!.fields.count).toBe(malformedDelta);
        } else {
          expect(newLines.length).toBe(0);
          // not malformed: it was used, was a duplicate, or an unknown event kind
          const used = s.events.length > eventsBefore;
          const accounted = used || after.duplicates > before.duplicates || after.unknown > before.unknown;
          // an odds frame whose every Odd was valid but empty is the only silent case
          expect(accounted || frame.event === 'odds' || frame.event === 'locked-odds', JSON.stringify(frame).slice(0, 300)).toBe(true);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(rejected).toBeGreaterThan(FUZZ_RUNS / 4);
  });

  it('the results conversion never throws and yields finite numbers on any frame that passes the schema', () => {
    fc.assert(
      fc.property(malformedInputs(resultsFrameArb), (text) => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return;
        }
        const parsed = parseResultsFrame(json);
        if (parsed) checkFeedEvent({ type: 'game', game: resultToGameState(parsed.result, 1), entryId: parsed.entryId });
      }),
      { numRuns: FUZZ_RUNS / 2 },
    );
  });

  it('regression: an Odd with timestamp 1e308 is malformed (it became an Infinity ms timestamp, a quote never stale)', () => {
    const s = streams();
    const odd = { ...fc.sample(oddArb, { numRuns: 1, seed: 1 })[0]!, timestamp: 1e308 };
    s.odds.feed({ event: 'odds', data: JSON.stringify({ data: [odd] }), id: null });
    expect(s.events).toEqual([]);
    expect(s.metrics.counter('feeds.malformed', { stream: 'odds' })).toBe(1);
  });

  it('regression: a sport or league named like an Object.prototype member has no regulation format (no NaN clock)', () => {
    for (const sport of ['__proto__', 'constructor', 'toString', 'valueOf']) {
      const parsed = parseResultsFrame({
        fixture_id: 'F1',
        sport,
        league: 'hasOwnProperty',
        score: { fixture: { status: 'live' }, scores: { home: { total: 1 }, away: { total: 2 } }, in_play: { period: 2, clock: '7:42' } },
      });
      const game = resultToGameState(parsed!.result, 1);
      expect(game.secondsRemaining, sport).toBeNull();
      expect(game.period).toBe(2);
    }
  });
});
