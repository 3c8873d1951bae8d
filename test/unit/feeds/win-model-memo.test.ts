/**
 * winModelFor remembers each (sport, league, overrides object)'s parameters and regulation length: equal to
 * winModelParamsFor and regulationFor asked afresh, in any order of questions.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { winModelFor, winModelParamsFor, type WinModelParams } from '../../../shared/feeds/fair-value/win-probability.js';
import { regulationFor, regulationSeconds } from '../../../shared/feeds/game-clock.js';

const OVERRIDES: (Record<string, Partial<WinModelParams>> | undefined)[] = [
  undefined,
  { basketball: { sigma: 20 } },
  { 'basketball/wnba': { sigma: 7, overtimeFraction: 0.2 }, 'football/nfl': { sigma: 9 } },
];

describe('winModelFor (remembered per sport, league and overrides)', () => {
  it('equals the plain lookups for any sequence of questions', () => {
    const question = fc.record({
      sport: fc.constantFrom('basketball', 'Basketball ', 'football', 'hockey', 'curling'),
      league: fc.constantFrom('NBA', 'wnba', 'WNBA ', 'NCAAB', 'NFL', 'ncaaf', '', null, undefined),
      overrides: fc.nat(OVERRIDES.length - 1),
    });
    fc.assert(
      fc.property(fc.array(question, { maxLength: 40 }), (qs) => {
        for (const q of qs) {
          const o = OVERRIDES[q.overrides];
          const params = winModelParamsFor(q.sport, q.league, o);
          const fmt = regulationFor(q.sport, q.league);
          const expected = params && fmt ? { params, regulationSeconds: regulationSeconds(fmt) } : null;
          expect(winModelFor(q.sport, q.league, o)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
