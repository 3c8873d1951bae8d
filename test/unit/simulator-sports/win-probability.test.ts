import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { homeWinProbability, normalCdf } from '../../../containers/simulator/sports/win-probability.js';

const model = { mu: 3, sigma: 16.6 };

describe('normalCdf', () => {
  it('matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.841344746, 6);
    expect(normalCdf(-1.96)).toBeCloseTo(0.0249979, 6);
    expect(normalCdf(3)).toBeCloseTo(0.998650102, 6);
  });
  it('is symmetric', () => {
    fc.assert(fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => Math.abs(normalCdf(x) + normalCdf(-x) - 1) < 1e-9));
  });
});

describe('homeWinProbability (Brownian margin model)', () => {
  it('is monotone increasing in the lead at a fixed time left', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -40, max: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        (lead, step, tau) => homeWinProbability(lead + step, tau, model) >= homeWinProbability(lead, tau, model),
      ),
    );
  });

  it('goes to 1 or 0 as time runs out with a lead, and is exact at the end', () => {
    expect(homeWinProbability(3, 0.0005, model)).toBeGreaterThan(0.99);
    expect(homeWinProbability(-3, 0.0005, model)).toBeLessThan(0.01);
    expect(homeWinProbability(1, 0, model)).toBe(1);
    expect(homeWinProbability(-1, 0, model)).toBe(0);
    expect(homeWinProbability(0, 0, model)).toBe(0.5);
  });

  it('gives the pre-game probability Φ(μ/σ) at the start and is unmoved by time when μ = 0 and tied', () => {
    expect(homeWinProbability(0, 1, model)).toBeCloseTo(normalCdf(3 / 16.6), 9);
    expect(homeWinProbability(0, 0.3, { mu: 0, sigma: 13 })).toBeCloseTo(0.5, 9);
  });

  it('a lead is worth more the less time is left', () => {
    expect(homeWinProbability(5, 0.1, model)).toBeGreaterThan(homeWinProbability(5, 0.5, model));
    expect(homeWinProbability(-5, 0.1, model)).toBeLessThan(homeWinProbability(-5, 0.5, model));
  });
});
