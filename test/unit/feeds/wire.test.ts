import { describe, expect, it } from 'vitest';
import {
  feedWireSchemas,
  fixtureStatusToEvent,
  mapFixtureStatus,
  parseClock,
  parseOdds,
  parsePeriod,
  parseResultsFrame,
  resultToGameState,
} from '../../../shared/feeds/wire.js';
import { isTradableGameStatus, type GameStatus } from '../../../shared/domain/game.js';
import { oddJson, resultsJson } from './helpers/fixtures.js';

const { fixtureStatusFrameSchema, oddSchema } = feedWireSchemas();

describe('Odd wire object', () => {
  it('keys a quote on ids (fixture|book id|market id|normalized selection|line|points), not display names', () => {
    const { quotes } = parseOdds(
      [
        oddJson({
          sportsbook: 'Caesars Sportsbook',
          sportsbook_id: 'caesars',
          market: 'Total Points',
          market_id: 'total_points',
          name: 'Over 247.5',
          normalized_selection: 'over',
          selection_line: 'over',
          points: 247.5,
        }),
      ],
      { locked: false, receivedAt: 5 },
    );
    expect(quotes[0]).toMatchObject({
      key: '28265-17233-24-44|caesars|total_points|over|over|247.5',
      sportsbookId: 'caesars',
      marketId: 'total_points',
      normalizedSelection: 'over',
      sportsbook: 'Caesars Sportsbook',
      market: 'Total Points',
    });
    // a renamed book (same id) keeps its key
    const renamed = parseOdds([oddJson({ sportsbook: 'Caesars', sportsbook_id: 'caesars', market: 'Total Points', market_id: 'total_points', name: 'Over 247.5', normalized_selection: 'over', selection_line: 'over', points: 247.5 })], { locked: false, receivedAt: 5 });
    expect(renamed.quotes[0]!.key).toBe(quotes[0]!.key);
  });

  it('reads limits as { max } (REST) or { max_stake } (stream); null = unknown', () => {
    const at = { locked: false, receivedAt: 0 };
    expect(parseOdds([oddJson({ limits: { max: 2500 } })], at).quotes[0]!.maxStake).toBe(2500);
    expect(parseOdds([oddJson({ limits: { max_stake: 900 } })], at).quotes[0]!.maxStake).toBe(900);
    expect(parseOdds([oddJson({ limits: null })], at).quotes[0]!.maxStake).toBeNull();
  });

  it('treats a missing is_main as a main line and an explicit false as an alternate', () => {
    const at = { locked: false, receivedAt: 0 };
    const { is_main: _drop, ...noFlag } = oddJson();
    expect(parseOdds([noFlag], at).quotes[0]!.isMain).toBe(true);
    expect(parseOdds([oddJson({ is_main: false })], at).quotes[0]!.isMain).toBe(false);
  });

  it('converts to an OddsQuote with the id key (slugs of the names when ids are absent) and ms timestamp', () => {
    const { quotes, malformed } = parseOdds([oddJson()], { locked: false, receivedAt: 5 });
    expect(malformed).toBe(0);
    expect(quotes[0]).toMatchObject({
      key: '28265-17233-24-44|pinnacle|moneyline|philadelphia_eagles||',
      oddId: '28265-17233-24-44:pinnacle:moneyline:philadelphia_eagles',
      fixtureId: '28265-17233-24-44',
      americanOdds: -230,
      locked: false,
      isMain: true,
      timestamp: 1730079534820,
      receivedAt: 5,
    });
  });

  it('keeps unknown fields and accepts sport/league objects', () => {
    const r = oddSchema.parse(oddJson({ new_field: 7, sport: { id: 'football', name: 'Football' } }));
    expect(r.sport).toBe('football');
    expect((r as Record<string, unknown>).new_field).toBe(7);
  });

  it('rejects bad prices and ids one odd at a time', () => {
    const items = [
      oddJson({ price: 0 }),
      oddJson({ price: 50 }),
      oddJson({ price: Number.NaN }),
      oddJson({ price: '-110' }),
      oddJson({ price: -112.5 }),
      oddJson({ fixture_id: '' }),
      oddJson({ id: null }),
      'garbage',
      oddJson({ price: 198, sportsbook: 'DraftKings' }),
    ];
    const { quotes, malformed } = parseOdds(items, { locked: true, receivedAt: 0 });
    expect(malformed).toBe(8);
    expect(quotes).toHaveLength(1);
    expect(quotes[0]).toMatchObject({ sportsbook: 'DraftKings', americanOdds: 198, locked: true });
  });
});

describe('status and clocks', () => {
  it('maps every documented status, case-insensitively; only unplayed, live and half are tradable', () => {
    const table: [string, GameStatus, boolean][] = [
      ['unplayed', 'SCHEDULED', true],
      ['live', 'LIVE', true],
      ['half', 'HALFTIME', true],
      ['completed', 'FINAL', false],
      ['cancelled', 'CANCELLED', false],
      ['suspended', 'SUSPENDED', false],
      ['delayed', 'DELAYED', false],
      ['forfeited', 'FORFEITED', false],
      ['invalid', 'INVALID', false],
      ['postponed-ish', 'UNKNOWN', false],
      ['', 'UNKNOWN', false],
    ];
    for (const [raw, status, tradable] of table) {
      for (const spelling of [raw, raw.toUpperCase(), raw.charAt(0).toUpperCase() + raw.slice(1), ` ${raw} `]) {
        expect(mapFixtureStatus(spelling)).toBe(status);
      }
      expect(isTradableGameStatus(status)).toBe(tradable);
    }
  });

  it('parses lenient periods and clocks', () => {
    expect(parsePeriod(3, 4)).toBe(3);
    expect(parsePeriod('Q3', 4)).toBe(3);
    expect(parsePeriod('3rd Quarter', 4)).toBe(3);
    expect(parsePeriod('OT', 4)).toBe(5);
    expect(parsePeriod('2OT', 4)).toBe(6);
    expect(parsePeriod('nonsense', 4)).toBeNull();
    expect(parseClock('7:42')).toBe(462);
    expect(parseClock('07:42')).toBe(462);
    expect(parseClock('0:05.5')).toBe(5.5);
    expect(parseClock(300)).toBe(300);
    expect(parseClock('PT7M42S')).toBe(462);
    expect(parseClock('soon')).toBeNull();
  });
});

describe('fixture-results → GameState', () => {
  it('a live NBA game in Q3 with 7:42 left', () => {
    const parsed = parseResultsFrame(resultsJson({ inPlay: { period: '3', clock: '7:42', possession: 'home' } }))!;
    const g = resultToGameState(parsed.result, 1000);
    // seconds remaining = 1 quarter after this one (720) + 462 = 1182
    expect(g).toMatchObject({
      gameId: 'FX1',
      sport: 'basketball',
      league: 'NBA',
      homeTeam: 'Boston Celtics',
      awayTeam: 'Los Angeles Lakers',
      homeScore: 60,
      awayScore: 55,
      period: 3,
      clockSeconds: 462,
      secondsRemaining: 1182,
      timeRemaining: 'Q3 07:42',
      status: 'LIVE',
      rawStatus: 'live',
      startTime: Date.parse('2026-11-25T00:30:00Z'),
      updatedAt: 1000,
    });
  });

  it('half, final, scheduled, unknown; missing clock gives null seconds', () => {
    expect(resultToGameState(parseResultsFrame(resultsJson({ status: 'half' }))!.result, 0)).toMatchObject({
      status: 'HALFTIME',
      period: 2,
      secondsRemaining: 1440,
    });
    expect(resultToGameState(parseResultsFrame(resultsJson({ status: 'completed' }))!.result, 0)).toMatchObject({
      status: 'FINAL',
      secondsRemaining: 0,
    });
    expect(resultToGameState(parseResultsFrame(resultsJson({ status: 'unplayed' }))!.result, 0)).toMatchObject({
      status: 'SCHEDULED',
      period: 0,
      secondsRemaining: 2880,
    });
    const odd = resultToGameState(parseResultsFrame(resultsJson({ status: 'Delayed' }))!.result, 0);
    expect(odd.status).toBe('DELAYED');
    expect(odd.rawStatus).toBe('Delayed');
    const weird = resultToGameState(parseResultsFrame(resultsJson({ status: 'rain check' }))!.result, 0);
    expect(weird.status).toBe('UNKNOWN');
    expect(weird.rawStatus).toBe('rain check');
    expect(resultToGameState(parseResultsFrame(resultsJson({ status: 'Suspended' }))!.result, 0).status).toBe('SUSPENDED');
    expect(resultToGameState(parseResultsFrame(resultsJson({ status: 'forfeited' }))!.result, 0)).toMatchObject({ status: 'FORFEITED', secondsRemaining: 0 });
    expect(resultToGameState(parseResultsFrame(resultsJson({ inPlay: { period: 2 } }))!.result, 0).secondsRemaining).toBeNull();
    // overtime: the OT clock
    expect(resultToGameState(parseResultsFrame(resultsJson({ inPlay: { period: 'OT', clock: '3:00' } }))!.result, 0)).toMatchObject({
      period: 5,
      secondsRemaining: 180,
      timeRemaining: 'OT1 03:00',
    });
  });

  it('accepts the payload wrapped as { data, entry_id } and rejects one without a fixture id', () => {
    const wrapped = parseResultsFrame({ data: resultsJson(), entry_id: '17-1' })!;
    expect(wrapped.entryId).toBe('17-1');
    expect(wrapped.result.fixture_id).toBe('FX1');
    expect(parseResultsFrame({ ...resultsJson(), fixture_id: '' })).toBeNull();
    expect(parseResultsFrame(42)).toBeNull();
  });
});

describe('fixture-status', () => {
  it('converts to a fixture_status event', () => {
    const frame = fixtureStatusFrameSchema.parse({
      data: {
        fixture: { id: 'FX1', game_id: 'G1', home_team_display: 'A', away_team_display: 'B', start_date: '2026-11-25T00:30:00Z' },
        fixture_id: 'FX1',
        game_id: 'G1',
        league: 'NBA',
        sport: 'basketball',
        old_status: 'unplayed',
        new_status: 'live',
        old_start_date: '2026-11-25T00:30:00Z',
        new_start_date: '2026-11-25T00:40:00Z',
        timestamp: 1764030000.5,
      },
      entry_id: '99-0',
    });
    expect(fixtureStatusToEvent(frame.data, '99-0')).toEqual({
      type: 'fixture_status',
      fixtureId: 'FX1',
      oldStatus: 'unplayed',
      newStatus: 'live',
      startTime: Date.parse('2026-11-25T00:40:00Z'),
      entryId: '99-0',
    });
  });

  it('accepts a time-only move (status pair null): newStatus empty, the new start time kept', () => {
    const frame = fixtureStatusFrameSchema.parse({
      data: { fixture_id: 'FX1', old_status: null, new_status: null, old_start_date: '2026-11-25T00:30:00Z', new_start_date: '2026-11-25T01:00:00Z' },
    });
    expect(fixtureStatusToEvent(frame.data, null)).toMatchObject({ newStatus: '', startTime: Date.parse('2026-11-25T01:00:00Z') });
  });
});
