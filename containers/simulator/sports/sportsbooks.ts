/**
 * Simulated sportsbooks: each prices a fixture's moneyline from the TRUE win probability it learned after its
 * own update delay, with its own margin (vig), a slowly wandering opinion (noise) and price rounding. A big
 * swing (a score) makes it suspend its prices for a moment: `locked-odds` for the old prices, then `odds`
 * with the new ones. Pure state machines: the world schedules them.
 */
import type { Rng } from './prng.js';
import { impliedToAmerican } from './american-odds.js';

export interface BookProfile {
  /** OpticOdds sportsbook id, e.g. "pinnacle". */
  id: string;
  /** Display name, e.g. "Pinnacle" (the `sportsbook` field). */
  name: string;
  numericalId: number;
  /** Total overround, e.g. 0.02 for 2 %. */
  vig: number;
  /** Standard deviation of the book's opinion around the truth, in logit units. */
  noiseSd: number;
  /** Mean reversion of the opinion per refresh (0..1). */
  noiseReversion: number;
  /** How long after a change of the truth the book learns it, ms (uniform in [min, max]). */
  delayMinMs: number;
  delayMaxMs: number;
  /** Price rounding step (1 or 5). */
  priceStep: number;
  /** A change of the true probability at least this big makes the book suspend its prices. */
  lockThreshold: number;
  /** Reaction before the lock, and how long the prices stay off the board, ms. */
  lockReactionMs: number;
  lockMs: number;
  /** Re-quote interval (the opinion wanders), ms. */
  refreshMs: number;
  /** `limits.max_stake` pre-game and live. */
  maxStakePre: number;
  maxStakeLive: number;
}

export const DEFAULT_BOOKS: readonly BookProfile[] = [
  { id: 'pinnacle', name: 'Pinnacle', numericalId: 1, vig: 0.02, noiseSd: 0.03, noiseReversion: 0.3, delayMinMs: 200, delayMaxMs: 700, priceStep: 1, lockThreshold: 0.04, lockReactionMs: 100, lockMs: 1200, refreshMs: 3000, maxStakePre: 15000, maxStakeLive: 3000 },
  { id: 'draftkings', name: 'DraftKings', numericalId: 2, vig: 0.045, noiseSd: 0.06, noiseReversion: 0.2, delayMinMs: 600, delayMaxMs: 1800, priceStep: 5, lockThreshold: 0.03, lockReactionMs: 200, lockMs: 2500, refreshMs: 5000, maxStakePre: 5000, maxStakeLive: 1000 },
  { id: 'fanduel', name: 'FanDuel', numericalId: 3, vig: 0.045, noiseSd: 0.06, noiseReversion: 0.2, delayMinMs: 500, delayMaxMs: 1600, priceStep: 5, lockThreshold: 0.03, lockReactionMs: 150, lockMs: 2200, refreshMs: 4500, maxStakePre: 5000, maxStakeLive: 1000 },
  { id: 'betmgm', name: 'BetMGM', numericalId: 4, vig: 0.05, noiseSd: 0.08, noiseReversion: 0.15, delayMinMs: 1200, delayMaxMs: 3000, priceStep: 5, lockThreshold: 0.03, lockReactionMs: 300, lockMs: 3500, refreshMs: 6000, maxStakePre: 4000, maxStakeLive: 800 },
  { id: 'caesars', name: 'Caesars', numericalId: 5, vig: 0.048, noiseSd: 0.07, noiseReversion: 0.15, delayMinMs: 1000, delayMaxMs: 2500, priceStep: 5, lockThreshold: 0.03, lockReactionMs: 250, lockMs: 3000, refreshMs: 5500, maxStakePre: 4000, maxStakeLive: 800 },
  { id: 'betrivers', name: 'BetRivers', numericalId: 6, vig: 0.055, noiseSd: 0.08, noiseReversion: 0.15, delayMinMs: 1500, delayMaxMs: 3500, priceStep: 5, lockThreshold: 0.03, lockReactionMs: 300, lockMs: 3500, refreshMs: 7000, maxStakePre: 2500, maxStakeLive: 500 },
];

export interface MoneylinePrices {
  home: number;
  away: number;
}

const PROB_FLOOR = 0.004;

function logit(p: number): number {
  return Math.log(p / (1 - p));
}
function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Moneyline prices for a belief q (home win), with a multiplicative margin. */
export function priceMoneyline(q: number, profile: Pick<BookProfile, 'vig' | 'priceStep'>): MoneylinePrices {
  const p = Math.min(1 - PROB_FLOOR, Math.max(PROB_FLOOR, q));
  const k = 1 + profile.vig;
  const rHome = Math.min(0.998, p * k);
  const rAway = Math.min(0.998, (1 - p) * k);
  return { home: impliedToAmerican(rHome, profile.priceStep), away: impliedToAmerican(rAway, profile.priceStep) };
}

/** One book's pricing state for one fixture. */
export class BookQuoter {
  /** The true probability the book currently knows (after its delay), and when that truth was produced. */
  private knownP: number;
  private knownAt = -Infinity;
  private opinion: number;
  private prices: MoneylinePrices | null = null;
  private quotedAt = 0;
  private locked = false;
  private closed = false;

  constructor(
    readonly profile: BookProfile,
    private readonly rng: Rng,
    initialP: number,
  ) {
    this.knownP = initialP;
    this.opinion = rng.normal(0, profile.noiseSd);
  }

  /** A random delay before the book learns a change of the truth. */
  drawDelayMs(): number {
    return Math.round(this.rng.uniform(this.profile.delayMinMs, this.profile.delayMaxMs));
  }

  /** Jittered interval to the next refresh. */
  drawRefreshMs(): number {
    return Math.round(this.profile.refreshMs * this.rng.uniform(0.7, 1.3));
  }

  /** The book learns the truth produced at `producedAt` (older news than what it knows is ignored). */
  learn(p: number, producedAt: number): void {
    if (producedAt < this.knownAt) return;
    this.knownP = p;
    this.knownAt = producedAt;
  }

  /** The opinion wanders (Ornstein–Uhlenbeck step). */
  wander(): void {
    const a = this.profile.noiseReversion;
    this.opinion = (1 - a) * this.opinion + Math.sqrt(1 - (1 - a) * (1 - a)) * this.rng.normal(0, this.profile.noiseSd);
  }

  /** Shifts the book's opinion by `logit` (a forced line move, for tests and demos). */
  nudge(logit: number): void {
    this.opinion += logit;
  }

  /** The book's belief that home wins. */
  belief(): number {
    const p = Math.min(1 - PROB_FLOOR, Math.max(PROB_FLOOR, this.knownP));
    return logistic(logit(p) + this.opinion);
  }

  /** Re-prices; returns the new prices when they differ from the last ones (or are the first), else null. */
  requote(nowMs: number, force = false): MoneylinePrices | null {
    if (this.locked || this.closed) return null;
    const next = priceMoneyline(this.belief(), this.profile);
    if (!force && this.prices && this.prices.home === next.home && this.prices.away === next.away) return null;
    this.prices = next;
    this.quotedAt = nowMs;
    return next;
  }

  /** Suspends the prices; returns the prices taken off the board (null when there were none). */
  lock(): MoneylinePrices | null {
    if (this.locked || this.closed || !this.prices) return null;
    this.locked = true;
    return this.prices;
  }

  unlock(): void {
    this.locked = false;
  }

  /** The game is over: prices come off the board for good. */
  close(): MoneylinePrices | null {
    if (this.closed) return null;
    const wasOnBoard = !this.locked && this.prices !== null;
    this.closed = true;
    this.locked = true;
    return wasOnBoard ? this.prices : null;
  }

  /** The prices on the board now (null while locked or closed). */
  board(): { prices: MoneylinePrices; quotedAt: number } | null {
    if (this.locked || this.closed || !this.prices) return null;
    return { prices: this.prices, quotedAt: this.quotedAt };
  }

  get isLocked(): boolean {
    return this.locked;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  get lastPrices(): MoneylinePrices | null {
    return this.prices;
  }
}
