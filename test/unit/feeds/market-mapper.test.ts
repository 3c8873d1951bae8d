import { describe, expect, it } from 'vitest';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { mapMarkets, normaliseName, type FixtureRef } from '../../../shared/feeds/market-mapper.js';

const T0 = Date.parse('2026-11-25T00:30:00Z');
const H = 3600_000;

function market(over: Partial<MarketInfo> & { marketSlug: string; eventSlug: string }): MarketInfo {
  return { title: '', outcome: '', tick: 10_000, minQty: contracts(1), ...over };
}

const fixtures: FixtureRef[] = [
  { fixtureId: 'F-BOS-LAL', homeTeam: 'Boston Celtics', awayTeam: 'Los Angeles Lakers', startTime: T0 },
  { fixtureId: 'F-LAC-GSW', homeTeam: 'LA Clippers', awayTeam: 'Golden State Warriors', startTime: T0 + H },
  { fixtureId: 'F-BOS-LAL-2', homeTeam: 'Los Angeles Lakers', awayTeam: 'Boston Celtics', startTime: T0 + 30 * 24 * H },
  { fixtureId: 'F-CWS-BOS', homeTeam: 'Chicago White Sox', awayTeam: 'Boston Red Sox', startTime: T0 },
  { fixtureId: 'F-ARS-CHE', homeTeam: 'Arsenal', awayTeam: 'Chelsea', startTime: T0 },
];

describe('market mapper', () => {
  it('normalises names', () => {
    expect(normaliseName('  St. Louis  Blues ')).toBe('st louis blues');
    expect(normaliseName('Atlético Madrid')).toBe('atletico madrid');
    expect(normaliseName('Brighton & Hove Albion')).toBe('brighton and hove albion');
  });

  it('matches by both teams and start time, and finds the YES side', () => {
    const r = mapMarkets(
      [
        market({ marketSlug: 'm1', eventSlug: 'nba-lal-bos', title: 'Lakers vs. Celtics', outcome: 'Boston Celtics', team: 'Celtics' }),
        market({ marketSlug: 'm2', eventSlug: 'nba-lal-bos', title: 'Lakers vs. Celtics', outcome: 'Los Angeles Lakers' }),
        market({ marketSlug: 'm3', eventSlug: 'epl-ars-che', title: 'Arsenal v Chelsea', outcome: 'Draw' }),
      ],
      fixtures,
      { eventStartTimes: { 'nba-lal-bos': T0 + 10 * 60_000, 'epl-ars-che': T0 } },
    );
    expect(r.unmatched).toEqual([]);
    expect(r.matched).toEqual([
      { marketSlug: 'm1', eventSlug: 'nba-lal-bos', fixtureId: 'F-BOS-LAL', side: 'home', outcomeName: 'Boston Celtics', startDiffMs: 600_000 },
      { marketSlug: 'm2', eventSlug: 'nba-lal-bos', fixtureId: 'F-BOS-LAL', side: 'away', outcomeName: 'Los Angeles Lakers', startDiffMs: 600_000 },
      { marketSlug: 'm3', eventSlug: 'epl-ars-che', fixtureId: 'F-ARS-CHE', side: 'draw', outcomeName: 'Draw', startDiffMs: 0 },
    ]);
  });

  it('uses the start time to tell two meetings of the same teams apart, and refuses without one', () => {
    const m = market({ marketSlug: 'm1', eventSlug: 'e1', title: 'Celtics at Lakers', outcome: 'Lakers' });
    const later = mapMarkets([m], fixtures, { eventStartTimes: { e1: T0 + 30 * 24 * H } });
    expect(later.matched[0]).toMatchObject({ fixtureId: 'F-BOS-LAL-2', side: 'home' });
    expect(mapMarkets([m], fixtures).unmatched[0]).toMatchObject({ reason: 'missing_start_time' });
    expect(mapMarkets([m], fixtures, { allowMissingStartTime: true }).unmatched[0]).toMatchObject({ reason: 'ambiguous_fixture' });
    expect(mapMarkets([m], fixtures, { eventStartTimes: { e1: T0 + 10 * 24 * H } }).unmatched[0]).toMatchObject({ reason: 'no_fixture' });
  });

  it('reports an ambiguous outcome instead of guessing', () => {
    // "Sox" is the nickname of both teams: the outcome "Sox" cannot be placed
    const r = mapMarkets(
      [
        market({ marketSlug: 'sox', eventSlug: 'mlb', title: 'Boston Red Sox at Chicago White Sox', outcome: 'Sox' }),
        market({ marketSlug: 'red', eventSlug: 'mlb', title: 'Boston Red Sox at Chicago White Sox', outcome: 'Boston Red Sox' }),
        market({ marketSlug: 'yes', eventSlug: 'mlb', title: 'Boston Red Sox at Chicago White Sox', outcome: 'Yes' }),
      ],
      fixtures,
      { eventStartTimes: { mlb: T0 } },
    );
    expect(r.unmatched.map((u) => [u.marketSlug, u.reason])).toEqual([
      ['sox', 'ambiguous_outcome'],
      ['yes', 'outcome_not_a_team'],
    ]);
    // the full name is unambiguous even though it contains the shared nickname
    expect(r.matched).toEqual([expect.objectContaining({ marketSlug: 'red', side: 'away', fixtureId: 'F-CWS-BOS' })]);
  });

  it('does not match on a city alone; aliases extend the names', () => {
    const m = market({ marketSlug: 'm', eventSlug: 'e', title: 'LAC vs GSW', outcome: 'LAC' });
    const opts = { eventStartTimes: { e: T0 + H } };
    expect(mapMarkets([m], fixtures, opts).unmatched[0]).toMatchObject({ reason: 'no_fixture' });
    const withAliases = mapMarkets([m], fixtures, { ...opts, aliases: { 'LA Clippers': ['LAC'], 'Golden State Warriors': ['GSW'] } });
    expect(withAliases.matched[0]).toMatchObject({ fixtureId: 'F-LAC-GSW', side: 'home', outcomeName: 'LA Clippers' });
  });
});
