/**
 * The report collector's equity sample converts the performance tracker's total (integer micros) to USD as a
 * plain division, where it went through decimal.js before: the two agree for every safe integer of micros
 * (the double nearest the exact decimal either way), so the equity series is unchanged.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MICROS_PER_USD, microsToDecimal } from '../../../shared/domain/money.js';
import { round6 } from '../../../shared/reports/report-model.js';

describe('equity sample in USD', () => {
  it('property: round6(micros / 10⁶) = round6(microsToDecimal(micros).toNumber()) for every safe integer', () => {
    const micros = fc.oneof(
      fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      fc.constantFrom(0, 1, -1, 500_000, -500_000, 999_999, 1_000_001, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
    );
    fc.assert(
      fc.property(micros, (m) => {
        expect(round6(m / MICROS_PER_USD)).toBe(round6(microsToDecimal(m).toNumber()));
      }),
      { numRuns: 20_000 },
    );
  });
});
