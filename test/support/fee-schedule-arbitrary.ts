/**
 * Random fee schedules for property tests of the fee rates and their memos: up to five overrides, each for one
 * of three sports (or every market), in force from one of five times, with or without its own Θs.
 */
import fc from 'fast-check';
import type { FeeOverride, FeeRates, FeeSchedule } from '../../shared/domain/fees.js';

export const FEE_SPORTS = ['basketball', 'football', 'table_tennis'] as const;
export const FEE_TIMES = [0, 100, 200, 300, 400] as const;

const override: fc.Arbitrary<FeeOverride> = fc.record(
  {
    sport: fc.constantFrom(...FEE_SPORTS),
    effectiveFrom: fc.constantFrom(...FEE_TIMES),
    takerThetaPpm: fc.integer({ min: 0, max: 200_000 }),
    makerThetaPpm: fc.integer({ min: 0, max: 50_000 }),
  },
  { requiredKeys: ['effectiveFrom'] },
);

export function feeScheduleArbitrary(defaults: FeeRates): fc.Arbitrary<FeeSchedule> {
  return fc.array(override, { maxLength: 5 }).map((overrides) => ({ defaults, overrides }));
}
