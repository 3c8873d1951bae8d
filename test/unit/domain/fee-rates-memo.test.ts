/**
 * feeRatesFor remembers each market object's last rates with the span of time over which the schedule's
 * overrides in force stay the same. Any sequence of calls (schedules, markets whose coefficient and sport
 * change in place, times going back and forth) must give what the plain computation gives.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_FEE_RATES, feeRatesFor, feeRatesUncached, type FeeMarket, type FeeSchedule } from '../../../shared/domain/fees.js';
import { FEE_SPORTS, FEE_TIMES, feeScheduleArbitrary } from '../../support/fee-schedule-arbitrary.js';

const schedule = feeScheduleArbitrary(DEFAULT_FEE_RATES);

type Step =
  | { kind: 'ask'; schedule: number; market: number; at: number }
  | { kind: 'set'; market: number; sport: string | undefined; coefficient: number | null | undefined };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('ask' as const),
    schedule: fc.nat(1),
    market: fc.nat(2),
    at: fc.oneof(fc.constantFrom(...FEE_TIMES), fc.integer({ min: -50, max: 450 })),
  }),
  fc.record({
    kind: fc.constant('set' as const),
    market: fc.nat(2),
    sport: fc.constantFrom(undefined, ...FEE_SPORTS),
    coefficient: fc.constantFrom(undefined, null, 50_000, 90_000),
  }),
);

describe('feeRatesFor (remembered per market object)', () => {
  it('equals the plain computation over any sequence of schedules, markets and times', () => {
    fc.assert(
      fc.property(schedule, schedule, fc.array(step, { maxLength: 60 }), (s0, s1, steps) => {
        const schedules = [s0, s1];
        const markets: FeeMarket[] = [{}, { sport: 'basketball' }, { sport: 'table_tennis', feeCoefficientPpm: 80_000 }];
        for (const st of steps) {
          if (st.kind === 'set') {
            const m = markets[st.market] as FeeMarket;
            m.sport = st.sport;
            m.feeCoefficientPpm = st.coefficient;
            continue;
          }
          const sch = schedules[st.schedule] as FeeSchedule;
          const m = markets[st.market] as FeeMarket;
          expect(feeRatesFor(sch, m, st.at)).toEqual(feeRatesUncached(sch, m, st.at));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('hands out one frozen object while nothing it depends on changes', () => {
    const market: FeeMarket = { sport: 'basketball' };
    const sch: FeeSchedule = { defaults: DEFAULT_FEE_RATES, overrides: [{ sport: 'basketball', effectiveFrom: 1_000, takerThetaPpm: 100_000 }] };
    const a = feeRatesFor(sch, market, 10);
    expect(feeRatesFor(sch, market, 999)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(feeRatesFor(sch, market, 1_000).takerThetaPpm).toBe(100_000);
    expect(feeRatesFor(sch, market, 10)).toEqual(a);
  });
});
