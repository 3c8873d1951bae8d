/**
 * A load run's market movement: a seeded random walk of the listed markets' true probability, so their books
 * move (the simulator's makers reprice after their lag) and the market maker requotes them. Without it the
 * synthetic markets of `npm start -- --markets N` stand still, and a load run sends the first quotes and little
 * else. Every `intervalMs`, each market moves with probability `share`, by 1..`maxStepCents` cents up or down,
 * kept within [minCents, 100 − minCents]. The probability stays on whole cents, so the books stay on ticks.
 */
import { createRandom } from '../simulator/faults/seeded-random.js';

export interface DriftTarget {
  getTrueProbability(slug: string): number | undefined;
  setTrueProbability(slug: string, probability: number): void;
}

export interface LoadDriftOptions {
  seed: number;
  /** Default 1_000 ms. */
  intervalMs?: number;
  /** Share of the markets that move at each interval (default 0.1). */
  share?: number;
  /** Largest step, cents (default 2). */
  maxStepCents?: number;
  /** The walk never goes below this many cents nor above 100 minus it (default 5). */
  minCents?: number;
}

export interface LoadDrift {
  /** Moves made so far. */
  readonly moves: number;
  /** One interval's moves, now (the timer calls it; tests call it directly). */
  step(): void;
  stop(): void;
}

export function startLoadDrift(target: DriftTarget, slugs: readonly string[], options: LoadDriftOptions): LoadDrift {
  const random = createRandom(options.seed).fork('load-drift');
  const share = options.share ?? 0.1;
  const maxStep = options.maxStepCents ?? 2;
  const minCents = options.minCents ?? 5;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`load drift share must be in [0, 1], got ${share}`);
  if (!(Number.isInteger(maxStep) && maxStep >= 1)) throw new RangeError(`load drift maxStepCents must be a whole number ≥ 1, got ${maxStep}`);
  if (!(Number.isInteger(minCents) && minCents >= 1 && minCents < 50)) throw new RangeError(`load drift minCents must be a whole number in [1, 49], got ${minCents}`);
  let moves = 0;
  const step = (): void => {
    for (const slug of slugs) {
      if (!random.chance(share)) continue;
      const p = target.getTrueProbability(slug);
      if (p === undefined) continue;
      const cents = Math.round(p * 100);
      const delta = random.int(1, maxStep) * (random.chance(0.5) ? 1 : -1);
      const next = Math.min(100 - minCents, Math.max(minCents, cents + delta));
      if (next === cents) continue;
      try {
        target.setTrueProbability(slug, next / 100);
        moves++;
      } catch {
        // A market that left the venue (settled) is no longer moved.
      }
    }
  };
  const timer = setInterval(step, options.intervalMs ?? 1_000);
  timer.unref();
  return {
    get moves() {
      return moves;
    },
    step,
    stop: () => clearInterval(timer),
  };
}
