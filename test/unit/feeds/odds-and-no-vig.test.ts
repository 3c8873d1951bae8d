import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  InvalidOddsError,
  americanToDecimal,
  americanToProbability,
  decimalToAmerican,
  isValidAmericanOdds,
  probabilityToAmerican,
} from '../../../shared/feeds/fair-value/odds.js';
import { MIN_FAIR_PROBABILITY, NO_VIG_METHODS, NoVigError, additive, multiplicative, power, removeVig, removeVigInto, shin } from '../../../shared/feeds/fair-value/no-vig.js';
import { normalCdf, normalQuantile } from '../../../shared/feeds/fair-value/normal.js';

describe('odds conversions', () => {
  it('converts American odds by the API formulas', () => {
    // -150: d = 1 + 100/150 = 1.6666…, r = 1/d = 150/250 = 0.6
    expect(americanToDecimal(-150)).toBeCloseTo(5 / 3, 15);
    expect(americanToProbability(-150)).toBeCloseTo(0.6, 15);
    // +130: d = 1 + 130/100 = 2.3, r = 100/230 = 0.434782608695652…
    expect(americanToDecimal(130)).toBeCloseTo(2.3, 15);
    expect(americanToProbability(130)).toBeCloseTo(0.43478260869565216, 15);
    // ±100 are both even money
    expect(americanToDecimal(100)).toBe(2);
    expect(americanToDecimal(-100)).toBe(2);
    expect(decimalToAmerican(2.3)).toBe(130);
    expect(decimalToAmerican(5 / 3)).toBe(-150);
    expect(probabilityToAmerican(0.6)).toBe(-150);
  });

  it('rejects malformed odds', () => {
    for (const bad of [0, 50, -99, 99.5, NaN, Infinity, -150.5, 2_000_000]) {
      expect(isValidAmericanOdds(bad)).toBe(false);
      expect(() => americanToDecimal(bad)).toThrow(InvalidOddsError);
    }
    expect(() => decimalToAmerican(1)).toThrow(InvalidOddsError);
  });

  it('round-trips American → decimal → American', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 100_000 }), fc.boolean(), (abs, neg) => {
        const a = neg && abs !== 100 ? -abs : abs;
        expect(decimalToAmerican(americanToDecimal(a))).toBe(a);
      }),
    );
  });
});

describe('normal distribution', () => {
  it('matches reference values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 13);
    expect(normalCdf(-1.96)).toBeCloseTo(0.024997895148220435, 13);
    expect(normalCdf(3)).toBeCloseTo(0.9986501019683699, 13);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
  });
  it('quantile inverts the CDF', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-8, max: 1 - 1e-8, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 10);
      }),
    );
  });
});

describe('no-vig methods: worked example −150 / +130', () => {
  // r = [0.6, 0.434782608695652…], Σr = 1.034782608695652…, overround 0.0347826…
  const r = [americanToProbability(-150), americanToProbability(130)];

  it('multiplicative: p_i = r_i / Σr', () => {
    // 0.6 / 1.0347826… = 0.579831932773…; 0.4347826… / 1.0347826… = 0.420168067226…
    // (exactly 69/119 and 50/119: 0.6 = 3/5, 10/23 → Σ = 119/115 → 3/5·115/119 = 69/119)
    const res = multiplicative(r);
    expect(res.probabilities[0]).toBeCloseTo(69 / 119, 12);
    expect(res.probabilities[1]).toBeCloseTo(50 / 119, 12);
    expect(res.overround).toBeCloseTo(4 / 115, 12);
  });

  it('additive: p_i = r_i − (Σr − 1)/n', () => {
    // shift = (4/115)/2 = 2/115 = 0.017391…; p = 0.6 − 0.017391 = 0.582608…, 0.434782 − 0.017391 = 0.417391…
    const res = additive(r);
    expect(res.probabilities[0]).toBeCloseTo(0.6 - 2 / 115, 12);
    expect(res.probabilities[1]).toBeCloseTo(10 / 23 - 2 / 115, 12);
    expect(res.fellBackTo).toBeUndefined();
  });

  it('power: p_i = r_i^k with Σ = 1', () => {
    const res = power(r);
    const k = res.parameter as number;
    // k > 1 because there is an overround to remove; check the defining equation independently
    expect(k).toBeGreaterThan(1);
    expect(Math.pow(0.6, k) + Math.pow(10 / 23, k)).toBeCloseTo(1, 12);
    expect(res.probabilities[0]).toBeCloseTo(Math.pow(0.6, k), 12);
    // the power method shifts more of the margin onto the longshot than multiplicative does
    expect(res.probabilities[0] as number).toBeGreaterThan(69 / 119);
  });

  it('shin: z solves Σ p_i = 1 in the textbook formula', () => {
    const res = shin(r);
    const z = res.parameter as number;
    const S = 119 / 115;
    const textbook = r.map((ri) => (Math.sqrt(z * z + (4 * (1 - z) * ri * ri) / S) - z) / (2 * (1 - z)));
    expect(z).toBeGreaterThan(0);
    expect(z).toBeLessThan(0.1);
    expect(textbook[0]! + textbook[1]!).toBeCloseTo(1, 12);
    expect(res.probabilities[0]).toBeCloseTo(textbook[0]!, 12);
    // Shin's favourite gets more than under multiplicative (favourite-longshot bias)
    expect(res.probabilities[0] as number).toBeGreaterThan(69 / 119);
  });

  it('a fair book is left unchanged by every method', () => {
    // +100 / +100 → r = 0.5, 0.5
    for (const m of NO_VIG_METHODS) {
      const p = removeVig([0.5, 0.5], m).probabilities;
      expect(p[0]).toBeCloseTo(0.5, 12);
      expect(p[1]).toBeCloseTo(0.5, 12);
    }
  });

  it('additive falls back to multiplicative when a longshot would go ≤ 0', () => {
    // r = [0.99, 0.9, 0.005]: Σ = 1.895, shift = 0.895/3 = 0.2983 > 0.005
    const res = additive([0.99, 0.9, 0.005]);
    expect(res.fellBackTo).toBe('multiplicative');
    expect(res.probabilities[2]).toBeCloseTo(0.005 / 1.895, 12);
  });

  it('shin falls back when there is no overround', () => {
    const res = shin([0.4, 0.4]);
    expect(res.fellBackTo).toBe('multiplicative');
    expect(res.probabilities).toEqual([0.5, 0.5]);
  });

  it('rejects inputs that are not a market', () => {
    expect(() => multiplicative([0.5])).toThrow(NoVigError);
    expect(() => power([0.5, 0])).toThrow(NoVigError);
    expect(() => shin([0.5, 1])).toThrow(NoVigError);
  });
});

describe('no-vig properties', () => {
  const american = fc.oneof(fc.integer({ min: 100, max: 50_000 }), fc.integer({ min: -50_000, max: -100 }));
  const market = fc.array(american, { minLength: 2, maxLength: 4 });

  for (const method of NO_VIG_METHODS) {
    it(`${method}: every probability in (0,1), summing to 1`, () => {
      fc.assert(
        fc.property(market, (odds) => {
          const p = removeVig(odds.map(americanToProbability), method).probabilities;
          expect(p).toHaveLength(odds.length);
          for (const x of p) {
            expect(x).toBeGreaterThan(0);
            expect(x).toBeLessThan(1);
          }
          expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('every method preserves the order of the outcomes (a shorter price stays more likely)', () => {
    fc.assert(
      fc.property(market, fc.constantFrom(...NO_VIG_METHODS), (odds, method) => {
        const r = odds.map(americanToProbability);
        const p = removeVig(r, method).probabilities;
        for (let i = 0; i < r.length; i++)
          for (let j = 0; j < r.length; j++) if (r[i]! > r[j]! + 1e-12) expect(p[i]!).toBeGreaterThanOrEqual(p[j]! - 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('multiplicative is r_i / Σr floored at MIN_FAIR_PROBABILITY and renormalised, bit for bit in that order of operations', () => {
    fc.assert(
      fc.property(market, (odds) => {
        const r = odds.map(americanToProbability);
        let sum = 0;
        for (const x of r) sum += x;
        const p = r.map((x) => Math.max(x / sum, MIN_FAIR_PROBABILITY));
        let s = 0;
        for (const x of p) s = s + x;
        const got = multiplicative(r);
        expect(got.probabilities).toEqual(p.map((x) => x / s));
        expect(Object.is(got.overround, sum - 1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('removeVigInto writes removeVig of the first n into `out` bit for bit, and nothing when removeVig throws', () => {
    const implied = fc.oneof(
      { weight: 8, arbitrary: fc.array(american, { minLength: 2, maxLength: 4 }).map((odds) => odds.map(americanToProbability)) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(0.5, 0.3, 0, 1, Number.NaN, 1.2), { minLength: 0, maxLength: 3 }) },
    );
    fc.assert(
      fc.property(implied, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }), fc.constantFrom(...NO_VIG_METHODS), (r, tail, method) => {
        const out = [7, 7, 7, 7, 7, 7, 7];
        let want: ReturnType<typeof removeVig> | Error;
        try {
          want = removeVig(r, method);
        } catch (e) {
          want = e as Error;
        }
        if (want instanceof Error) {
          expect(() => removeVigInto([...r, ...tail], r.length, method, out)).toThrow(want.message);
          expect(out).toEqual([7, 7, 7, 7, 7, 7, 7]);
          return;
        }
        const overround = removeVigInto([...r, ...tail], r.length, method, out);
        expect(Object.is(overround, want.overround)).toBe(true);
        expect(out.slice(0, r.length)).toEqual(want.probabilities);
        expect(out.slice(r.length)).toEqual([7, 7, 7, 7, 7, 7, 7].slice(r.length));
      }),
      { numRuns: 500 },
    );
  });
});
