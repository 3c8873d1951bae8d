import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { GameState } from '../../../shared/domain/game.js';
import {
  driftFromPregame,
  winModelParamsFor,
  winProbability,
  winProbabilityForGame,
} from '../../../shared/feeds/fair-value/win-probability.js';
import { normalCdf } from '../../../shared/feeds/fair-value/normal.js';

const NBA = winModelParamsFor('basketball', 'NBA')!;

describe('Stern win probability', () => {
  it('reproduces the pre-game probability at tip-off', () => {
    for (const p0 of [0.2, 0.5, 0.6, 0.85]) expect(winProbability(0, 1, p0, NBA)).toBeCloseTo(p0, 9);
  });

  it('worked example: NBA, σ 12.5, p0 0.6, home +5 at half', () => {
    // μ = 12.5·Φ⁻¹(0.6) = 12.5·0.2533471 = 3.16684; τ = 0.5
    // z = (5 + 3.16684·0.5) / (12.5·√0.5) = 6.58342 / 8.83883 = 0.744830 → Φ(z) ≈ 0.77181
    expect(NBA.sigma).toBe(12.5);
    const mu = driftFromPregame(0.6, 12.5);
    expect(mu).toBeCloseTo(3.16684, 4);
    expect(winProbability(5, 0.5, 0.6, NBA)).toBeCloseTo(normalCdf(0.74483), 4);
    expect(winProbability(5, 0.5, 0.6, NBA)).toBeCloseTo(0.7718, 3);
  });

  it('is monotone in the lead', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -40, max: 40 }),
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (lead, more, tau, p0) => {
          expect(winProbability(lead + more, tau, p0, NBA)).toBeGreaterThanOrEqual(winProbability(lead, tau, p0, NBA));
        },
      ),
    );
  });

  it('tends to certainty for the leader as time runs out', () => {
    let prev = 0;
    for (const tau of [0.5, 0.1, 0.01, 0.001, 1e-5]) {
      const p = winProbability(3, tau, 0.3, NBA);
      expect(p).toBeGreaterThan(prev);
      prev = p;
    }
    expect(prev).toBeGreaterThan(0.999);
    expect(winProbability(1, 0, 0.1, NBA)).toBe(1);
    expect(winProbability(-1, 0, 0.9, NBA)).toBe(0);
  });

  it('a tie at the end goes to overtime, tilted to the favourite', () => {
    const fav = winProbability(0, 0, 0.8, NBA);
    expect(fav).toBeGreaterThan(0.5);
    expect(fav).toBeLessThan(0.8);
    // Φ(μ·√(300/2880)/σ) with μ = σΦ⁻¹(0.8) → Φ(0.841621·0.322749)
    expect(fav).toBeCloseTo(normalCdf(0.8416212335729143 * Math.sqrt(300 / 2880)), 12);
    expect(winProbability(0, 0, 0.5, NBA)).toBeCloseTo(0.5, 12);
  });

  it('from a GameState: live, final, unknown clock', () => {
    const base: GameState = {
      gameId: 'F1',
      sport: 'basketball',
      league: 'NBA',
      homeTeam: 'A',
      awayTeam: 'B',
      homeScore: 60,
      awayScore: 55,
      period: 3,
      clockSeconds: 720,
      secondsRemaining: 1440,
      timeRemaining: 'Q3 12:00',
      status: 'LIVE',
      rawStatus: 'live',
      startTime: 0,
      updatedAt: 0,
    };
    expect(winProbabilityForGame(base, 0.6)!.home).toBeCloseTo(winProbability(5, 0.5, 0.6, NBA), 12);
    expect(winProbabilityForGame({ ...base, status: 'FINAL', secondsRemaining: 0 }, 0.1)!.home).toBe(1);
    expect(winProbabilityForGame({ ...base, secondsRemaining: null }, 0.6)).toBeNull();
    expect(winProbabilityForGame({ ...base, status: 'UNKNOWN' }, 0.6)).toBeNull();
    expect(winProbabilityForGame({ ...base, sport: 'curling' }, 0.6)).toBeNull();
    // configurable sigma: a larger σ makes the same lead worth less
    const wide = winProbabilityForGame(base, 0.5, { basketball: { sigma: 20 } })!.home;
    expect(wide).toBeLessThan(winProbabilityForGame(base, 0.5)!.home);
  });
});
