import { describe, expect, it } from 'vitest';
import { Rng } from '../../../containers/simulator/sports/prng.js';
import { basketball } from '../../../containers/simulator/sports/sports/basketball.js';
import { football } from '../../../containers/simulator/sports/sports/football.js';
import type { GameScript, SportDefinition } from '../../../containers/simulator/sports/sports/sport.js';
import { periodLength } from '../../../containers/simulator/sports/sports/sport.js';

interface Stats {
  meanTotal: number;
  meanMargin: number;
  sdMargin: number;
  overtimeRate: number;
}

function regulationMargin(g: GameScript): number {
  return g.plays.filter((p) => p.period <= 4).reduce((s, p) => s + (p.team === 'home' ? p.points : -p.points), 0);
}

function stats(def: SportDefinition, mu: number, n: number, seed: number): Stats {
  const rng = new Rng(seed);
  let total = 0;
  let m1 = 0;
  let m2 = 0;
  let ot = 0;
  for (let i = 0; i < n; i += 1) {
    const g = def.simulate(rng, mu);
    const m = regulationMargin(g);
    total += g.homeScore + g.awayScore;
    m1 += m;
    m2 += m * m;
    if (g.periodsPlayed > 4) ot += 1;
  }
  const mean = m1 / n;
  return { meanTotal: total / n, meanMargin: mean, sdMargin: Math.sqrt(m2 / n - mean * mean), overtimeRate: ot / n };
}

describe.each([
  { def: basketball, totals: [210, 235], otMax: 0.06 },
  { def: football, totals: [40, 52], otMax: 0.08 },
])('$def.sport scoring process', ({ def, totals, otMax }) => {
  it('has realistic mean totals and overtime rates', () => {
    const s = stats(def, def.homeAdvantage, 4000, 11);
    expect(s.meanTotal).toBeGreaterThan(totals[0]!);
    expect(s.meanTotal).toBeLessThan(totals[1]!);
    expect(s.overtimeRate).toBeGreaterThan(0);
    expect(s.overtimeRate).toBeLessThan(otMax);
  });

  it('produces the expected margin μ and the σ the win-probability model assumes', () => {
    for (const mu of [0, 7]) {
      const s = stats(def, mu, 6000, 23 + mu);
      expect(Math.abs(s.meanMargin - mu)).toBeLessThan(0.8);
      expect(Math.abs(s.sdMargin - def.sigma) / def.sigma).toBeLessThan(0.06);
    }
  });

  it('writes consistent scripts: ordered plays, clocks inside periods, finals that match, no tie', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 300; i += 1) {
      const g = def.simulate(rng, 2);
      let home = 0;
      let away = 0;
      let last = -1;
      for (const p of g.plays) {
        expect(p.elapsed).toBeGreaterThanOrEqual(last);
        last = p.elapsed;
        expect(p.period).toBeGreaterThanOrEqual(1);
        expect(p.period).toBeLessThanOrEqual(g.periodsPlayed);
        expect(p.clock).toBeGreaterThanOrEqual(0);
        expect(p.clock).toBeLessThanOrEqual(periodLength(def, p.period));
        expect(p.points).toBeGreaterThan(0);
        if (p.team === 'home') home += p.points;
        else away += p.points;
      }
      expect(home).toBe(g.homeScore);
      expect(away).toBe(g.awayScore);
      expect(g.homeScore).not.toBe(g.awayScore);
      expect(g.periodsPlayed).toBeGreaterThanOrEqual(4);
    }
  });

  it('uses only the sport’s point values', () => {
    const allowed = def.sport === 'basketball' ? new Set([1, 2, 3]) : new Set([2, 3, 6, 7, 8]);
    const rng = new Rng(9);
    for (let i = 0; i < 100; i += 1) for (const p of def.simulate(rng, 0).plays) expect(allowed.has(p.points)).toBe(true);
  });
});
