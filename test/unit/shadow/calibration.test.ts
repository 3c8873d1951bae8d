/**
 * The calibration math of shadow mode: price levels against the touch, markouts signed in the fill's
 * favour, fill rates, and the grid fit (nearest live fill rate, ties to the pessimistic value).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillRate, fitByFillRate, markoutMicros, priceLevel } from '../../../shared/shadow/calibration.js';

const c = (cents: number) => cents * 10_000;
const TICK = c(1);

describe('price level of a posting', () => {
  const touch = { bid: c(40), ask: c(45) };
  it('crossing orders, the touch and levels behind it, for either side', () => {
    expect(priceLevel(true, c(45), touch, TICK)).toBe('cross');
    expect(priceLevel(true, c(50), touch, TICK)).toBe('cross');
    expect(priceLevel(true, null, touch, TICK)).toBe('cross');
    expect(priceLevel(true, c(42), touch, TICK)).toBe('L0'); // improves the bid
    expect(priceLevel(true, c(40), touch, TICK)).toBe('L0');
    expect(priceLevel(true, c(39), touch, TICK)).toBe('L1');
    expect(priceLevel(true, c(38), touch, TICK)).toBe('L2');
    expect(priceLevel(true, c(30), touch, TICK)).toBe('L3+');
    expect(priceLevel(false, c(40), touch, TICK)).toBe('cross');
    expect(priceLevel(false, c(45), touch, TICK)).toBe('L0');
    expect(priceLevel(false, c(47), touch, TICK)).toBe('L2');
    expect(priceLevel(true, c(40), undefined, TICK)).toBe('no_book');
    expect(priceLevel(true, c(40), { bid: null, ask: c(45) }, TICK)).toBe('L0');
  });

  it('a buy and the mirror-image sell stand at the same level', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 97 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 99 }), (bid, spread, p) => {
        fc.pre(bid + spread <= 99);
        const t = { bid: c(bid), ask: c(bid + spread) };
        const mirrored = { bid: c(100 - bid - spread), ask: c(100 - bid) };
        expect(priceLevel(true, c(p), t, TICK)).toBe(priceLevel(false, c(100 - p), mirrored, TICK));
      }),
    );
  });
});

describe('markouts', () => {
  it('a buy gains when the mid rises, a sell when it falls: antisymmetric', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 1, max: 999_999 }), (price, mid) => {
        expect(markoutMicros(true, price, mid)).toBe(mid - price);
        // their sum, not a negation: −0 is not 0 to toBe when the fill is at the mid
        expect(markoutMicros(false, price, mid) + markoutMicros(true, price, mid)).toBe(0);
        expect(markoutMicros(false, price, mid)).toBe(price - mid);
      }),
    );
    expect(markoutMicros(true, c(40), c(42))).toBe(c(2));
    expect(markoutMicros(false, c(40), c(42))).toBe(-c(2));
  });
});

describe('fill rate', () => {
  it('filled ÷ posted, null when nothing was posted', () => {
    expect(fillRate(50, 200)).toBe(0.25);
    expect(fillRate(0, 0)).toBeNull();
  });
});

describe('the grid fit', () => {
  it('recovers the parameter of a monotone fill-rate curve whatever the curve, ties going to the pessimistic value', () => {
    const grid = [0, 0.25, 0.5, 0.75, 1];
    fc.assert(
      fc.property(
        fc.constantFrom(...grid),
        // a strictly decreasing fill rate in the parameter (more queue ahead, fewer fills), as filled / 1000
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000 }), { minLength: grid.length, maxLength: grid.length }).map((xs) => [...xs].sort((a, b) => b - a)),
        (truth, curve) => {
          const candidates = grid.map((value, i) => ({ value, posted: 1_000, filled: curve[i]! }));
          const live = { posted: 500, filled: curve[grid.indexOf(truth)]! / 2 };
          const fit = fitByFillRate(live, candidates);
          expect(fit.value).toBe(truth);
          expect(fit.fittedFillRate).toBe(fit.liveFillRate);
        },
      ),
    );
    // a flat stretch of the curve: the most pessimistic of the tied values
    const flat = fitByFillRate({ posted: 10, filled: 10 }, grid.map((value) => ({ value, posted: 10, filled: value <= 0.5 ? 10 : 0 })));
    expect(flat.value).toBe(0.5);
  });

  it('nothing live, or no candidate with postings: not fitted', () => {
    expect(fitByFillRate({ posted: 0, filled: 0 }, [{ value: 1, posted: 10, filled: 5 }]).value).toBeNull();
    expect(fitByFillRate({ posted: 10, filled: 5 }, [{ value: 1, posted: 0, filled: 0 }]).value).toBeNull();
  });
});
