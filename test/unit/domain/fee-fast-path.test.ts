/**
 * The fee module's plain-number fast path (shared/domain/fee-numerator.ts) against its BigInt reference:
 * the same fee, the same state string, the same cap, and the same error for every input, including the
 * edges (exact half cents, the ends of the fast range, operands past it, malformed stored states).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EMPTY_TAKER_FEE_STATE,
  OrderFeeCap,
  chargeTakerFill,
  chargeTakerFillReference,
  makerRebate,
  roundedFee,
  roundedFeeReference,
  takerFee,
  takerFeeCap,
  takerFeeCapReference,
  type TakerFeeState,
} from '../../../shared/domain/fees.js';
import { FAST_MAX_QTY, formatNumerator, numeratorInto, parseNumerator } from '../../../shared/domain/fee-numerator.js';

/** The outcome of a call: its value, or the error it threw (class and message). */
function outcome<T>(f: () => T): { value: T } | { error: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

const theta = fc.oneof(
  fc.constantFrom(0, 1, 12_500, 69_500, 999_999),
  fc.integer({ min: 0, max: 999_999 }),
  // Outside the fast path: the reference decides (it accepts ≥ 1e6, rejects fractions).
  fc.constantFrom(1_000_000, 2_500_000, 0.5, -1),
);
const price = fc.oneof(
  fc.constantFrom(0, 1, 10_000, 250_000, 500_000, 750_000, 990_000, 999_999, 1_000_000),
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000), // cent ticks
  fc.constantFrom(-1, 1_000_001, 0.5, Number.NaN),
);
const qty = fc.oneof(
  fc.constantFrom(0, 1, 100, 4_000, FAST_MAX_QTY - 1, FAST_MAX_QTY, FAST_MAX_QTY + 1, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER + 1),
);
/** A stored state's numerator: a small or huge exact sum, with or without leading zeros, or garbage. */
const storedNumerator = fc.oneof(
  fc.constant('0'),
  fc.bigInt({ min: 0n, max: 10n ** 26n }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map((n) => `00${n}`),
  fc.constantFrom('', ' 12', '-5', '1e5', 'x', '500000000000000000', '1500000000000000000', '999999999999999999999999999'),
);
const state = fc.record({ exactNumerator: storedNumerator, charged: fc.integer({ min: 0, max: 10_000_000 }) });

describe('fee fast path', () => {
  it('roundedFee / takerFee / makerRebate equal the BigInt reference for any Θ, quantity and price', () => {
    fc.assert(
      fc.property(theta, qty, price, (t, q, p) => {
        expect(outcome(() => roundedFee(t, q, p))).toEqual(outcome(() => roundedFeeReference(t, q, p)));
        expect(outcome(() => takerFee(q, p, { takerThetaPpm: t, makerThetaPpm: 0 }))).toEqual(outcome(() => roundedFeeReference(t, q, p)));
        expect(outcome(() => makerRebate(q, p, { takerThetaPpm: 0, makerThetaPpm: t }))).toEqual(outcome(() => roundedFeeReference(t, q, p)));
      }),
      { numRuns: 3000 },
    );
  });

  it('chargeTakerFill equals the reference (fee and state) from any stored state', () => {
    fc.assert(
      fc.property(state, theta, qty, price, (s, t, q, p) => {
        expect(outcome(() => chargeTakerFill(s, q, p, t))).toEqual(outcome(() => chargeTakerFillReference(s, q, p, t)));
        expect(outcome(() => takerFeeCap(s))).toEqual(outcome(() => takerFeeCapReference(s)));
      }),
      { numRuns: 3000 },
    );
  });

  it('an order filled in many pieces is charged the same fill by fill, and OrderFeeCap gives its final cap', () => {
    const fill = fc.record({ q: fc.oneof(fc.integer({ min: 1, max: 100_000 }), qty), p: price });
    fc.assert(
      fc.property(theta, fc.array(fill, { maxLength: 12 }), (t, fills) => {
        let fast: TakerFeeState = EMPTY_TAKER_FEE_STATE;
        let ref: TakerFeeState = EMPTY_TAKER_FEE_STATE;
        const cap = new OrderFeeCap().reset();
        for (const f of fills) {
          const a = outcome(() => chargeTakerFill(fast, f.q, f.p, t));
          const b = outcome(() => chargeTakerFillReference(ref, f.q, f.p, t));
          expect(a).toEqual(b);
          const added = outcome(() => cap.add(f.q, f.p, t));
          expect(added).toEqual('error' in b ? b : { value: undefined });
          if (!('value' in a) || !('value' in b)) return; // both refused the fill alike; the order stops here
          fast = a.value.state;
          ref = b.value.state;
        }
        expect(cap.micros()).toBe(takerFeeCapReference(ref));
        expect(takerFeeCap(fast)).toBe(takerFeeCapReference(ref));
      }),
      { numRuns: 1500 },
    );
  });

  it('rounds exact half cents to even and charges the venue’s three-fill example 0.70, 0.69, 0.69', () => {
    // 40 contracts at 0.50, Θ 0.0695: exact 0.695 → 69.5 cents → 70 (even).
    expect(roundedFee(69_500, 4_000, 500_000)).toBe(700_000);
    // 0.685 → 68.5 → 68 (even).
    expect(roundedFee(68_500, 4_000, 500_000)).toBe(680_000);
    let s = EMPTY_TAKER_FEE_STATE;
    const fees: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = chargeTakerFill(s, 4_000, 500_000, 69_500);
      fees.push(r.fee);
      s = r.state;
    }
    expect(fees).toEqual([700_000, 690_000, 690_000]);
    expect(s.exactNumerator).toBe(String(3n * 69_500n * 4_000n * 500_000n * 500_000n));
  });

  it('holds the numerator exactly as two safe integers and writes it as BigInt would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: FAST_MAX_QTY }), fc.integer({ min: 0, max: 1_000_000 }), (t, q, p) => {
        const n = { hi: 0, lo: 0 };
        expect(numeratorInto(n, t, q, p)).toBe(true);
        const exact = BigInt(t) * BigInt(q) * BigInt(p) * BigInt(1_000_000 - p);
        expect(formatNumerator(n)).toBe(exact.toString());
        const back = { hi: -1, lo: -1 };
        expect(parseNumerator(back, exact.toString())).toBe(true);
        expect(back).toEqual(n);
      }),
      { numRuns: 2000 },
    );
  });
});
