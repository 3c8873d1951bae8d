import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { costPerContract, kellyContracts, kellyOptimalFraction } from '../../../shared/risk/position-sizer.js';

const BANK = 1_000_000_000; // 1,000 USD

describe('Kelly sizing for a binary contract', () => {
  it('buying YES at 0.50 with p = 0.60: f* = 0.2, quarter Kelly → 50 USD → 100 contracts', () => {
    expect(kellyOptimalFraction('YES', 500_000, 0.6)).toBeCloseTo(0.2, 12);
    expect(kellyContracts({ side: 'YES', price: 500_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK })).toBe(100);
  });

  it('buying YES at 0.40 with p = 0.55: f* = 0.25, quarter Kelly → 62.50 USD → 156 contracts (floored)', () => {
    expect(kellyOptimalFraction('YES', 400_000, 0.55)).toBeCloseTo(0.25, 12);
    expect(kellyContracts({ side: 'YES', price: 400_000, fairProbability: 0.55, kellyFraction: 0.25, bankroll: BANK })).toBe(156);
  });

  it('buying NO at long price 0.70 with p(YES) = 0.60: f* = (0.70 − 0.60)/0.70, NO costs 0.30', () => {
    expect(kellyOptimalFraction('NO', 700_000, 0.6)).toBeCloseTo(1 / 7, 12);
    // 0.25 × (1/7) × 1000 = 35.714… USD / 0.30 = 119.04 → 119
    expect(kellyContracts({ side: 'NO', price: 700_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK })).toBe(119);
    expect(costPerContract('NO', 700_000)).toBe(300_000);
  });

  it('no edge, wrong side or no bankroll → 0', () => {
    expect(kellyContracts({ side: 'YES', price: 600_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK })).toBe(0);
    expect(kellyContracts({ side: 'NO', price: 500_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK })).toBe(0);
    expect(kellyContracts({ side: 'YES', price: 500_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: 0 })).toBe(0);
  });

  it('property: stake never exceeds kelly_fraction × f* × bankroll, and is within one contract of it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.constantFrom<'YES' | 'NO'>('YES', 'NO'),
        (ticks, p, k, bankroll, side) => {
          const price = ticks * 10_000;
          const n = kellyContracts({ side, price, fairProbability: p, kellyFraction: k, bankroll });
          expect(Number.isInteger(n) && n >= 0).toBe(true);
          const pr = Math.round(p * 1e6) / 1e6;
          const kr = Math.round(k * 1e6) / 1e6;
          const f = Math.max(0, kellyOptimalFraction(side, price, pr));
          const stake = (kr * f * bankroll) / costPerContract(side, price);
          expect(n).toBeLessThanOrEqual(stake + 1e-6);
          expect(n).toBeGreaterThan(stake - 1 - 1e-6);
        },
      ),
    );
  });
});
