import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toOpticOddsId, toOpticOddsIds, UnknownOpticOddsNameError } from '../../../shared/feeds/opticodds-ids.js';
import { planOddsStreams, planResultsStreams } from '../../../shared/feeds/stream-plan.js';
import { engineConfig } from '../../support/engine-fixtures.js';

describe('OpticOdds ids from configured values', () => {
  it('maps known display names (any case) to ids and keeps ids as they are', () => {
    expect(toOpticOddsIds('sportsbook', ['Pinnacle', 'DraftKings', 'FanDuel', 'Caesars', 'BetMGM', 'pinnacle'])).toEqual(['pinnacle', 'draftkings', 'fanduel', 'caesars', 'betmgm']);
    expect(toOpticOddsId('market', 'Moneyline')).toBe('moneyline');
    expect(toOpticOddsId('market', 'Total Points')).toBe('total_points');
    expect(toOpticOddsId('league', 'NBA')).toBe('nba');
    expect(toOpticOddsId('league', 'england_-_premier_league')).toBe('england_-_premier_league');
    expect(toOpticOddsId('sportsbook', 'betrivers_new_york_')).toBe('betrivers_new_york_');
  });

  it('rejects an unknown display name with the fix in the message', () => {
    expect(() => toOpticOddsId('sportsbook', 'Some New Book')).toThrow(UnknownOpticOddsNameError);
    expect(() => toOpticOddsId('sportsbook', 'Some New Book')).toThrow(/write the sportsbook's id .*"draftkings"/);
  });

  it('the configuration resolves names to ids and names a bad entry and the fix', () => {
    const c = engineConfig({ mode: 'paper' });
    expect(c.sportsData).toMatchObject({ leagues: ['nba'], oddsMarkets: ['moneyline'], sportsbooks: ['pinnacle', 'draftkings', 'fanduel', 'caesars', 'betmgm'] });
    expect(c.sportsData).toMatchObject({ maxSportsbooksPerStream: 5, maxLeaguesPerStream: 10, oddsExpireAfterMs: null });
    const streams = engineConfig({ mode: 'paper', patch: { sports_data: { stream_base_url: 'https://stream.example.com/api/v3/' } } });
    expect(streams.sportsData).toMatchObject({ streamBaseUrl: 'https://stream.example.com/api/v3', baseUrl: 'https://api.opticodds.com/api/v3' });
    expect(() => engineConfig({ mode: 'paper', patch: { sports_data: { sportsbooks: ['Pinnacle', 'Bet Nowhere'] } } })).toThrow(/sports_data\.sportsbooks\[1\] "Bet Nowhere" .*write the sportsbook.s id/);
  });
});

describe('stream plan', () => {
  it('at most 5 books and 10 leagues per odds connection; one results connection per league', () => {
    const books = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const leagues = Array.from({ length: 12 }, (_, i) => `l${i}`);
    const plan = planOddsStreams('basketball', books, leagues);
    expect(plan.map((p) => [p.sportsbooks.length, p.leagues!.length])).toEqual([
      [5, 10],
      [5, 2],
      [2, 10],
      [2, 2],
    ]);
    expect(planResultsStreams('basketball', ['nba', 'wnba'])).toEqual([
      { sport: 'basketball', leagues: ['nba'], name: 'results:basketball:nba' },
      { sport: 'basketball', leagues: ['wnba'], name: 'results:basketball:wnba' },
    ]);
  });

  it("leaves a league of another known sport out of a sport's streams", () => {
    expect(planOddsStreams('basketball', ['pinnacle'], ['nba', 'nfl'])[0]!.leagues).toEqual(['nba']);
    expect(planOddsStreams('football', ['pinnacle'], ['nba'])).toEqual([]);
    expect(planResultsStreams('football', ['nba', 'nfl']).map((p) => p.leagues)).toEqual([['nfl']]);
  });

  it('property: every (book, league) pair is covered exactly once, within the limits', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 23 }),
        fc.uniqueArray(fc.stringMatching(/^x[a-z]{1,6}$/), { maxLength: 31 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 10 }),
        (books, leagues, maxB, maxL) => {
          const plan = planOddsStreams('basketball', books, leagues, { maxSportsbooksPerStream: maxB, maxLeaguesPerStream: maxL });
          const pairs = plan.flatMap((p) => p.sportsbooks.flatMap((b) => (p.leagues ?? ['*']).map((l) => `${b}/${l}`)));
          expect(new Set(pairs).size).toBe(pairs.length);
          expect(pairs.length).toBe(books.length * Math.max(1, leagues.length));
          for (const p of plan) {
            expect(p.sportsbooks.length).toBeLessThanOrEqual(maxB);
            expect((p.leagues ?? []).length).toBeLessThanOrEqual(maxL);
          }
        },
      ),
    );
  });
});
