import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  americanToDecimal,
  americanToImplied,
  impliedToAmerican,
  noVigTwoWay,
} from '../../../containers/simulator/sports/american-odds.js';

describe('American odds', () => {
  it('converts known prices', () => {
    expect(americanToDecimal(150)).toBeCloseTo(2.5, 12);
    expect(americanToDecimal(-200)).toBeCloseTo(1.5, 12);
    expect(americanToImplied(-230)).toBeCloseTo(230 / 330, 12);
    expect(impliedToAmerican(0.6)).toBe(-150);
    expect(impliedToAmerican(0.4)).toBe(150);
    expect(() => americanToDecimal(50)).toThrow(RangeError);
  });

  it('never produces a price in (-100, 100), respects the step and never favours the customer', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.constantFrom(1, 5), (r, step) => {
        const a = impliedToAmerican(r, step);
        expect(Number.isInteger(a)).toBe(true);
        expect(a >= 100 || a <= -100).toBe(true);
        expect(Math.abs(a) % step).toBe(0);
        // the implied probability of the rounded price is at least r (the book keeps its margin)
        expect(americanToImplied(a)).toBeGreaterThanOrEqual(r - 1e-9);
      }),
    );
  });

  it('removes the vig multiplicatively', () => {
    const [a, b] = noVigTwoWay(-110, -110);
    expect(a).toBeCloseTo(0.5, 12);
    expect(b).toBeCloseTo(0.5, 12);
    const [c, d] = noVigTwoWay(-200, 170);
    expect(c + d).toBeCloseTo(1, 12);
    expect(c).toBeGreaterThan(0.64);
  });
});
