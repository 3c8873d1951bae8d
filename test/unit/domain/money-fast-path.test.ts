/**
 * The money helpers' plain-number paths against their BigInt / decimal.js references: exactly equal for
 * every input, errors included.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { divRoundHalfEven, divRoundHalfEvenNumber, microsToDecimal, mulDivRoundHalfEven, roundHalfEven } from '../../../shared/domain/money.js';

function outcome<T>(f: () => T): { value: T } | { error: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

const int = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, -0, 1, -1, 2, 3, 5, 10_000, 15_000, 25_000, -25_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);
const odd = fc.constantFrom(Number.MAX_SAFE_INTEGER + 1, 2 ** 60, -(2 ** 60), 0.5, -2.5);
const denominator = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(1, 2, 3, 10_000, 0, -3, 2 ** 60, 0.5));

const ref = (n: number, d: number) => Number(divRoundHalfEven(BigInt(n), BigInt(d)));

describe('money fast paths', () => {
  it('divRoundHalfEvenNumber equals divRoundHalfEven on BigInt', () => {
    fc.assert(
      fc.property(fc.oneof(int, odd), denominator, (n, d) => {
        expect(outcome(() => divRoundHalfEvenNumber(n, d))).toEqual(outcome(() => ref(n, d)));
      }),
      { numRuns: 5000 },
    );
    // Exact halves go to the even neighbour, on both signs.
    for (const [n, d, q] of [[5, 2, 2], [7, 2, 4], [-5, 2, -2], [-7, 2, -4], [15_000, 10_000, 2], [25_000, 10_000, 2], [-25_000, 10_000, -2]] as const) {
      expect(divRoundHalfEvenNumber(n, d)).toBe(q);
    }
  });

  it('mulDivRoundHalfEven equals a × b / d on BigInt, past 2^53 included', () => {
    fc.assert(
      fc.property(fc.oneof(int, odd), fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), int), denominator, (a, b, d) => {
        expect(outcome(() => mulDivRoundHalfEven(a, b, d))).toEqual(outcome(() => Number(divRoundHalfEven(BigInt(a) * BigInt(b), BigInt(d)))));
      }),
      { numRuns: 5000 },
    );
  });

  it('roundHalfEven equals its BigInt definition', () => {
    fc.assert(
      fc.property(fc.oneof(int, odd), denominator, (m, unit) => {
        expect(outcome(() => roundHalfEven(m, unit))).toEqual(outcome(() => ref(m, unit) * unit));
      }),
      { numRuns: 3000 },
    );
  });

  it('microsToDecimal is the same Decimal as micros / 1e6', () => {
    const same = (m: number) => {
      const a = microsToDecimal(m);
      const b = new Decimal(m).div(1_000_000);
      expect([a.s, a.e, a.d?.join(',') ?? null, a.toFixed(6), a.toString()]).toEqual([b.s, b.e, b.d?.join(',') ?? null, b.toFixed(6), b.toString()]);
    };
    fc.assert(fc.property(fc.oneof(int, odd, fc.double({ noNaN: true, min: -1e12, max: 1e12 })), same), { numRuns: 3000 });
    for (const m of [0, -0, 1, -1, 1_000_000, -550_000, 123_456_789]) same(m);
  });
});
