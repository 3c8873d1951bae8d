import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bestOnly, executableMark, levelsOf, midMarkValue } from '../../../shared/domain/executable-mark.js';
import { DEFAULT_TAKER_THETA_PPM, EMPTY_TAKER_FEE_STATE, chargeTakerFill, type TakerFeeState } from '../../../shared/domain/fees.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import { applyTrade, emptyLedger } from '../../../shared/paper/position-math.js';

const THETA = DEFAULT_TAKER_THETA_PPM;
const usd = (x: number) => Math.round(x * 1_000_000);
const lv = (price: number, n: number): BookLevel => ({ price: usd(price), qty: contracts(n) });

/**
 * What actually closing `netQty` into `levels` realizes: one taker order walking the levels best first, each
 * level's take split into fills of the sizes in `cuts` (cycled), each fill applied with position-math
 * (proceeds) and charged with the fee module's per-order cap (chargeTakerFill). Returns cash in − fees.
 */
function realizeClose(netQty: Qty, levels: readonly BookLevel[], cuts: readonly number[], theta: number): number {
  const long = netQty > 0;
  const ledger = { ...emptyLedger(), netQty, cost: 0 };
  let fees: TakerFeeState = EMPTY_TAKER_FEE_STATE;
  let charged = 0;
  let cash = 0;
  let left = Math.abs(netQty);
  let c = 0;
  for (const level of levels) {
    let take = Math.min(left, level.qty);
    left -= take;
    while (take > 0) {
      const fill = Math.min(take, cuts.length ? (cuts[c++ % cuts.length] as number) : take);
      take -= fill;
      cash += applyTrade(ledger, !long, fill, level.price).cashDelta;
      const r = chargeTakerFill(fees, fill, level.price, theta);
      fees = r.state;
      charged += r.fee;
    }
    if (left === 0) break;
  }
  expect(Math.abs(ledger.netQty)).toBe(left);
  return cash - charged;
}

/** One side of a book, best first: distinct prices, any micro (`grid` = 1) or on a 0.0001 grid (100). */
const sideArb = (grid: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.floor(999_999 / grid) }), { minLength: 1, maxLength: 6 })
    .chain((ticks) =>
      fc.tuple(
        fc.constant(ticks.map((t) => t * grid)),
        fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: ticks.length, maxLength: ticks.length }),
      ),
    );

function side(prices: number[], sizes: number[], long: boolean): BookLevel[] {
  const sorted = [...prices].sort((a, b) => (long ? b - a : a - b)); // bids highest first, asks lowest first
  return sorted.map((price, i) => ({ price, qty: sizes[i] as number }));
}

describe('executable marks', () => {
  it('values a long at the best bid and a short at 1 − the best ask, less the taker fee of the close', () => {
    // Long 10 at bid 0.54: 5.40 − fee 0.0695 × 10 × 0.54 × 0.46 = 0.172638 → 0.17.
    const long = executableMark({ netQty: contracts(10), closeLevels: levelsOf([lv(0.54, 100)]), oppositeBest: usd(0.56), lastTrade: null, takerThetaPpm: THETA });
    expect(long).toEqual({ value: usd(5.23), source: 'book', beyondVisibleDepth: false, fee: usd(0.17) });
    // Short 10 with ask 0.56: buying back returns 1 − 0.56 = 0.44 each, 4.40 − fee 0.171248 → 0.17.
    const short = executableMark({ netQty: -contracts(10), closeLevels: levelsOf([lv(0.56, 100)]), oppositeBest: usd(0.54), lastTrade: null, takerThetaPpm: THETA });
    expect(short).toEqual({ value: usd(4.23), source: 'book', beyondVisibleDepth: false, fee: usd(0.17) });
  });

  it('walks the depth and charges the capped fee of the whole close', () => {
    const m = executableMark({ netQty: contracts(120), closeLevels: levelsOf([lv(0.5, 40), lv(0.49, 80)]), oppositeBest: null, lastTrade: null, takerThetaPpm: THETA });
    // 40 at 0.50 + 80 at 0.49 = 20 + 39.20; exact fee 0.695 + 80 × 0.0695 × 0.49 × 0.51 = 0.695 + 1.389444 → 2.08.
    expect(m).toEqual({ value: usd(59.2 - 2.08), source: 'book', beyondVisibleDepth: false, fee: usd(2.08) });
  });

  it('values the size beyond the visible depth at the worst visible level and flags it', () => {
    const m = executableMark({ netQty: contracts(30), closeLevels: levelsOf([lv(0.6, 10), lv(0.55, 10)]), oppositeBest: usd(0.62), lastTrade: usd(0.7), takerThetaPpm: 0 });
    expect(m).toEqual({ value: usd(6 + 5.5 + 5.5), source: 'book', beyondVisibleDepth: true, fee: 0 });
    // A best price whose size is unknown (a best bid/offer message): all of it is beyond the visible depth.
    const top = executableMark({ netQty: contracts(5), closeLevels: bestOnly(usd(0.6)), oppositeBest: null, lastTrade: null, takerThetaPpm: 0 });
    expect(top).toEqual({ value: usd(3), source: 'book', beyondVisibleDepth: true, fee: 0 });
  });

  it('falls back to the last trade only when the closing side is empty, capped by the other side, and flags it', () => {
    // Long, no bids, last 0.60, ask 0.55: worth no more than the ask: 10 × 0.55 − fee 0.171… → 0.17.
    const long = executableMark({ netQty: contracts(10), closeLevels: bestOnly(null), oppositeBest: usd(0.55), lastTrade: usd(0.6), takerThetaPpm: THETA });
    expect(long).toEqual({ value: usd(5.5 - 0.17), source: 'last_trade', beyondVisibleDepth: false, fee: usd(0.17) });
    // Short, no asks, last 0.30, bid 0.20: 1 − 0.30 = 0.70 each (the bid does not bind), fee 0.0695 × 10 × 0.21 = 0.146 → 0.15.
    const short = executableMark({ netQty: -contracts(10), closeLevels: levelsOf([]), oppositeBest: usd(0.2), lastTrade: usd(0.3), takerThetaPpm: THETA });
    expect(short).toEqual({ value: usd(7 - 0.15), source: 'last_trade', beyondVisibleDepth: false, fee: usd(0.15) });
    // The closing side present: the last trade is ignored even when it is better.
    const withBid = executableMark({ netQty: contracts(10), closeLevels: levelsOf([lv(0.4, 100)]), oppositeBest: null, lastTrade: usd(0.9), takerThetaPpm: 0 });
    expect(withBid.source).toBe('book');
    expect(withBid.value).toBe(usd(4));
  });

  it('has no mark without the closing side and without a last trade; a flat position is worth 0', () => {
    expect(executableMark({ netQty: contracts(3), closeLevels: bestOnly(null), oppositeBest: usd(0.5), lastTrade: null, takerThetaPpm: THETA })).toEqual({
      value: null,
      source: 'none',
      beyondVisibleDepth: false,
      fee: 0,
    });
    expect(executableMark({ netQty: 0, closeLevels: bestOnly(null), oppositeBest: null, lastTrade: null, takerThetaPpm: THETA }).value).toBe(0);
  });

  it('property: within the visible depth, the mark never exceeds what selling into the book realizes, however the fills are split', () => {
    fc.assert(
      fc.property(
        sideArb(1),
        fc.boolean(),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 20_000 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 200_000 }),
        ([prices, sizes], long, frac, cuts, theta) => {
          const levels = side(prices, sizes, long);
          const depth = levels.reduce((a, l) => a + l.qty, 0);
          const size = Math.max(1, Math.floor((depth * frac) / 1_000_000));
          const netQty = long ? size : -size;
          const mark = executableMark({ netQty, closeLevels: levelsOf(levels), oppositeBest: null, lastTrade: null, takerThetaPpm: theta });
          expect(mark.source).toBe('book');
          expect(mark.beyondVisibleDepth).toBe(false);
          expect(mark.value as number).toBeLessThanOrEqual(realizeClose(netQty, levels, cuts, theta));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: on the venue price grid, closing in one fill per level realizes at most the fee rounding above the mark', () => {
    fc.assert(
      fc.property(sideArb(100), fc.boolean(), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 200_000 }), ([prices, sizes], long, frac, theta) => {
        const levels = side(prices, sizes, long);
        const depth = levels.reduce((a, l) => a + l.qty, 0);
        const size = Math.max(1, Math.floor((depth * frac) / 1_000_000));
        const netQty = long ? size : -size;
        const mark = executableMark({ netQty, closeLevels: levelsOf(levels), oppositeBest: null, lastTrade: null, takerThetaPpm: theta });
        const realized = realizeClose(netQty, levels, [], theta);
        expect(mark.value as number).toBeLessThanOrEqual(realized);
        // The only slack is the cap versus the fills' own rounding: under one cent per level taken.
        expect(realized - (mark.value as number)).toBeLessThan(levels.length * 10_000);
        if (levels[0] && size <= levels[0].qty) expect(mark.value).toBe(realized); // a single fill: exact
      }),
      { numRuns: 500 },
    );
  });

  it('property: past the visible depth the mark is flagged and values the rest no better than the worst visible level', () => {
    fc.assert(
      fc.property(sideArb(100), fc.boolean(), fc.integer({ min: 1, max: 100_000 }), ([prices, sizes], long, extra) => {
        const levels = side(prices, sizes, long);
        const depth = levels.reduce((a, l) => a + l.qty, 0);
        const netQty = long ? depth + extra : -(depth + extra);
        const mark = executableMark({ netQty, closeLevels: levelsOf(levels), oppositeBest: null, lastTrade: null, takerThetaPpm: THETA });
        const worst = levels[levels.length - 1] as BookLevel;
        const visible = executableMark({ netQty: long ? depth : -depth, closeLevels: levelsOf(levels), oppositeBest: null, lastTrade: null, takerThetaPpm: 0 }).value as number;
        const restAtWorst = extra * Math.floor((long ? worst.price : 1_000_000 - worst.price) / 100);
        expect(mark.beyondVisibleDepth).toBe(true);
        expect(mark.value as number).toBeLessThanOrEqual(visible + restAtWorst);
      }),
    );
  });

  it('keeps the mid-based reference figure: mid, else last trade, no fee', () => {
    expect(midMarkValue(contracts(10), usd(0.54), usd(0.56), null)).toBe(usd(5.5));
    expect(midMarkValue(-contracts(10), usd(0.54), usd(0.56), null)).toBe(usd(4.5));
    expect(midMarkValue(contracts(10), null, usd(0.56), usd(0.3))).toBe(usd(3));
    expect(midMarkValue(contracts(10), null, null, null)).toBeNull();
  });
});
