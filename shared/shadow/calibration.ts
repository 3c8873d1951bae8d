/**
 * The calibration math of shadow mode, as pure functions (README "Shadow mode"):
 *
 * - Price level of a posting: where the order stood against the same-side touch when it was sent —
 *   `cross` (it could trade at once: a taker, or a market order), `L0` (at or better than the best price on
 *   its side), `L1`, `L2` (that many ticks behind), `L3+`, or `no_book` (no touch to measure against).
 * - Fill rate: contracts filled ÷ contracts posted, per strategy and price level, for live and for paper.
 *   Both sides receive the same postings, so they share one denominator.
 * - Markout: how far the long-side mid moved in the fill's favour 1 s, 10 s and 60 s after it, micros of USD
 *   per contract (a long-side buy gains when the mid rises; a long-side sell when it falls), qty-weighted.
 * - Fitting: the paper exchange runs once per candidate value of a parameter beside the live account (the
 *   same orders, the same feed); the fitted value is the candidate whose fill rate is nearest live's on the
 *   postings the parameter governs (resting postings for the queue, crossing ones for the latency). Ties go to
 *   the more pessimistic value (more queue ahead, more latency). A grid pick, not an interpolation: it says
 *   which simulated world matched this day's live fills best, no more.
 */
import type { PriceMicros } from '../domain/money.js';
import type { Qty } from '../domain/quantity.js';

export const MARKOUT_HORIZONS_MS = [1_000, 10_000, 60_000] as const;
export type MarkoutHorizon = (typeof MARKOUT_HORIZONS_MS)[number];

export const PRICE_LEVELS = ['cross', 'L0', 'L1', 'L2', 'L3+', 'no_book'] as const;
export type PriceLevel = (typeof PRICE_LEVELS)[number];
/** The levels of postings that rest in the book (the queue's domain); `cross` is the latency's. */
export const RESTING_LEVELS: readonly PriceLevel[] = ['L0', 'L1', 'L2', 'L3+'];

export interface Touch {
  bid: PriceMicros | null;
  ask: PriceMicros | null;
}

/**
 * The price level of an order sent at `price` (long-side; null = market order) against the touch then.
 * `tick` > 0 is the market's price step.
 */
export function priceLevel(buysLong: boolean, price: PriceMicros | null, touch: Touch | undefined, tick: PriceMicros): PriceLevel {
  if (price === null) return 'cross';
  const opposite = buysLong ? touch?.ask : touch?.bid;
  if (opposite !== null && opposite !== undefined && (buysLong ? price >= opposite : price <= opposite)) return 'cross';
  const same = buysLong ? touch?.bid : touch?.ask;
  if (same === null || same === undefined) return opposite === null || opposite === undefined ? 'no_book' : 'L0';
  const behind = Math.floor((buysLong ? same - price : price - same) / Math.max(1, tick));
  if (behind <= 0) return 'L0';
  if (behind === 1) return 'L1';
  if (behind === 2) return 'L2';
  return 'L3+';
}

/** A fill's markout against a later mid, micros per contract, positive when the move was in the fill's favour. */
export function markoutMicros(buysLong: boolean, fillPrice: PriceMicros, laterMid: PriceMicros): number {
  return buysLong ? laterMid - fillPrice : fillPrice - laterMid;
}

/** filled ÷ posted, or null when nothing was posted. */
export function fillRate(filled: Qty, posted: Qty): number | null {
  return posted > 0 ? filled / posted : null;
}

/** A qty-weighted mean accumulator (markouts). */
export interface WeightedMean {
  /** Σ value × weight. */
  sum: number;
  /** Σ weight (contracts, hundredths). */
  weight: number;
  /** Observations. */
  n: number;
}

export const emptyMean = (): WeightedMean => ({ sum: 0, weight: 0, n: 0 });

export function addWeighted(m: WeightedMean, value: number, weight: number): void {
  m.sum += value * weight;
  m.weight += weight;
  m.n += 1;
}

export function meanOf(m: WeightedMean): number | null {
  return m.weight > 0 ? m.sum / m.weight : null;
}

/** One candidate value of a parameter and what the paper exchange running with it filled. */
export interface CandidateOutcome {
  value: number;
  posted: Qty;
  filled: Qty;
}

export interface FitResult {
  /** The candidate whose fill rate was nearest live's (null when nothing was observed). */
  value: number | null;
  liveFillRate: number | null;
  /** The chosen candidate's fill rate. */
  fittedFillRate: number | null;
  /** Contracts posted in the postings the parameter was fitted on. */
  posted: Qty;
  candidates: { value: number; fillRate: number | null }[];
}

/**
 * The candidate nearest live's fill rate; ties (within 1e-9) go to the larger value when `pessimistic` is
 * 'higher' (more queue ahead, more latency: the paper exchange errs on the side of the exchange).
 */
export function fitByFillRate(live: { posted: Qty; filled: Qty }, candidates: readonly CandidateOutcome[], pessimistic: 'higher' | 'lower' = 'higher'): FitResult {
  const liveRate = fillRate(live.filled, live.posted);
  const rows = [...candidates].sort((a, b) => a.value - b.value).map((c) => ({ value: c.value, fillRate: fillRate(c.filled, c.posted) }));
  let best: { value: number; fillRate: number; gap: number } | undefined;
  if (liveRate !== null) {
    for (const c of rows) {
      if (c.fillRate === null) continue;
      const gap = Math.abs(c.fillRate - liveRate);
      const better = !best || gap < best.gap - 1e-9 || (Math.abs(gap - best.gap) <= 1e-9 && (pessimistic === 'higher' ? c.value > best.value : c.value < best.value));
      if (better) best = { value: c.value, fillRate: c.fillRate, gap };
    }
  }
  return { value: best?.value ?? null, liveFillRate: liveRate, fittedFillRate: best?.fillRate ?? null, posted: live.posted, candidates: rows };
}
