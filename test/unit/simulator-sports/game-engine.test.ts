import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  buildTimeline,
  formatClock,
  initialSnapshot,
  trueHomeProbability,
} from '../../../containers/simulator/sports/game-engine.js';
import type { GameSnapshot } from '../../../containers/simulator/sports/game-engine.js';
import { Rng } from '../../../containers/simulator/sports/prng.js';
import { basketball } from '../../../containers/simulator/sports/sports/basketball.js';
import { football } from '../../../containers/simulator/sports/sports/football.js';
import type { SportDefinition } from '../../../containers/simulator/sports/sports/sport.js';

function replay(def: SportDefinition, seed: number, mu: number, speed = 10) {
  const script = def.simulate(new Rng(seed), mu);
  const timeline = buildTimeline(def, script, 1_000_000, { speed });
  const snaps: GameSnapshot[] = [];
  let snap = initialSnapshot();
  for (const ev of timeline) {
    snap = applyEvent(def, snap, ev);
    snaps.push(snap);
  }
  return { script, timeline, snaps };
}

describe.each([basketball, football])('$sport timeline', (def) => {
  it('runs on the accelerated clock: ordered, from the start to the final, breaks included', () => {
    const speed = 12;
    const { script, timeline } = replay(def, 5, 1, speed);
    expect(timeline[0]!.kind).toBe('start');
    expect(timeline[0]!.atMs).toBe(1_000_000);
    expect(timeline[timeline.length - 1]!.kind).toBe('final');
    for (let i = 1; i < timeline.length; i += 1) expect(timeline[i]!.atMs).toBeGreaterThanOrEqual(timeline[i - 1]!.atMs);
    const regulation = def.periods * def.periodSeconds;
    const overtime = (script.periodsPlayed - def.periods) * def.overtimeSeconds;
    const breaks = (script.periodsPlayed - 2) * def.breakSeconds + def.halftimeSeconds;
    expect(timeline[timeline.length - 1]!.atMs - 1_000_000).toBe(Math.round(((regulation + overtime + breaks) * 1000) / speed));
  });

  it('goes unplayed → live → half → live → completed and ends on the script’s score', () => {
    const { script, snaps } = replay(def, 8, -2);
    const statuses: string[] = ['unplayed'];
    for (const s of snaps) if (s.status !== statuses[statuses.length - 1]) statuses.push(s.status);
    expect(statuses).toEqual(['unplayed', 'live', 'half', 'live', 'completed']);
    const last = snaps[snaps.length - 1]!;
    expect(last.homeScore).toBe(script.homeScore);
    expect(last.awayScore).toBe(script.awayScore);
    expect(last.homePeriods.reduce((a, b) => a + b, 0)).toBe(script.homeScore);
    expect(last.awayPeriods.reduce((a, b) => a + b, 0)).toBe(script.awayScore);
    expect(last.homePeriods.length).toBe(script.periodsPlayed);
  });

  it('ends with a true probability of exactly 1 for the winner', () => {
    const { snaps } = replay(def, 21, 0);
    const last = snaps[snaps.length - 1]!;
    const p = trueHomeProbability(def, 0, last);
    expect(p).toBe(last.homeScore > last.awayScore ? 1 : 0);
  });

  it('is calibrated: at halftime, predicted probabilities match the outcome frequencies', () => {
    const rng = new Rng(77);
    const buckets = Array.from({ length: 5 }, () => ({ n: 0, p: 0, wins: 0 }));
    let brierPre = 0;
    let brierHalf = 0;
    const games = 3000;
    for (let i = 0; i < games; i += 1) {
      const mu = rng.normal(def.homeAdvantage, def.strengthSd * Math.SQRT2);
      const script = def.simulate(rng, mu);
      const timeline = buildTimeline(def, script, 0, { speed: 10 });
      let snap = initialSnapshot();
      const pre = trueHomeProbability(def, mu, snap);
      let half = pre;
      for (const ev of timeline) {
        snap = applyEvent(def, snap, ev);
        if (ev.kind === 'period_end' && ev.period === def.halftimeAfter) half = trueHomeProbability(def, mu, snap);
      }
      const won = snap.homeScore > snap.awayScore ? 1 : 0;
      const b = buckets[Math.min(4, Math.floor(half * 5))]!;
      b.n += 1;
      b.p += half;
      b.wins += won;
      brierPre += (pre - won) ** 2;
      brierHalf += (half - won) ** 2;
    }
    for (const b of buckets) {
      if (b.n < 200) continue;
      expect(Math.abs(b.p / b.n - b.wins / b.n)).toBeLessThan(0.05);
    }
    expect(brierHalf / games).toBeLessThan(brierPre / games);
  });
});

describe('formatClock', () => {
  it('formats mm:ss, rounding up partial seconds', () => {
    expect(formatClock(720)).toBe('12:00');
    expect(formatClock(461.2)).toBe('07:42');
    expect(formatClock(0)).toBe('00:00');
  });
});
