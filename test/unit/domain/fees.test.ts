import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_FEE_RATES,
  DEFAULT_FEE_SCHEDULE,
  EMPTY_TAKER_FEE_STATE,
  TakerFeeAccumulator,
  feePerContractMicros,
  chargeTakerFill,
  feeRatesFor,
  makerRebate,
  roundedFee,
  signedFee,
  takerFee,
  thetaToPpm,
  type FeeSchedule,
} from '../../../shared/domain/fees.js';
import { CENT } from '../../../shared/domain/money.js';
import { contracts } from '../../../shared/domain/quantity.js';

const usd = (x: number) => Math.round(x * 1_000_000);

describe('fee = Θ × C × p × (1 − p), cent half to even', () => {
  it('matches the venue page: 1,000 at 0.65 → taker 15.81, maker rebate 2.84', () => {
    // 0.0695 × 1000 × 0.65 × 0.35 = 15.81125 ; 0.0125 × 1000 × 0.2275 = 2.84375
    expect(takerFee(contracts(1000), usd(0.65))).toBe(usd(15.81));
    expect(makerRebate(contracts(1000), usd(0.65))).toBe(usd(2.84));
    expect(signedFee('MAKER', contracts(1000), usd(0.65), DEFAULT_FEE_RATES)).toBe(-usd(2.84));
  });

  it('is the same for buyer and seller, and symmetric in p and 1 − p', () => {
    expect(takerFee(contracts(100), usd(0.5))).toBe(usd(1.74)); // 1.7375 → 1.74
    expect(makerRebate(contracts(100), usd(0.5))).toBe(usd(0.31)); // 0.3125 → 0.31
    expect(takerFee(contracts(37), usd(0.2))).toBe(takerFee(contracts(37), usd(0.8)));
    expect(takerFee(contracts(3.7), usd(0.2))).toBe(takerFee(contracts(3.7), usd(0.8)));
  });

  it('rounds half to even with no minimum', () => {
    // 0.0695 × 40 × 0.25 = 0.695 → 69.5 cents → 70 (even); Θ=0.0125 × 1 × 0.01 × 0.99 → 0.00
    expect(takerFee(contracts(40), usd(0.5))).toBe(70 * CENT);
    expect(roundedFee(12_500, contracts(1), usd(0.01))).toBe(0);
    // Θ = 0.1: 0.1 × 10 × 0.25 = 0.25 exactly → 25 cents; Θ = 0.0005, 2 × 0.25 → 0.00025 → 0
    expect(roundedFee(100_000, contracts(10), usd(0.5))).toBe(25 * CENT);
    // exactly half a cent: Θ 0.02 × 1 × 0.25 = 0.005 → 0 (even); 0.015 → 0.02
    expect(roundedFee(20_000, contracts(1), usd(0.5))).toBe(0);
    expect(roundedFee(20_000, contracts(3), usd(0.5))).toBe(2 * CENT);
  });

  it('caps a taker order cumulatively: three fills of 40 at 0.50 → 0.70, 0.69, 0.69', () => {
    const acc = new TakerFeeAccumulator();
    const fees = [1, 2, 3].map(() => acc.charge('o1', contracts(40), usd(0.5), DEFAULT_FEE_RATES.takerThetaPpm));
    expect(fees).toEqual([usd(0.7), usd(0.69), usd(0.69)]);
    // another order starts its own total
    expect(acc.charge('o2', contracts(40), usd(0.5), DEFAULT_FEE_RATES.takerThetaPpm)).toBe(usd(0.7));
  });

  it('never charges an order more than its rounded cumulative exact fee, and never less than that minus a cent per fill', () => {
    fc.assert(
      fc.property(
        // qty in hundredths: 0.01 to 5,000 contracts
        fc.array(fc.record({ qty: fc.integer({ min: 1, max: 500_000 }), tick: fc.integer({ min: 1, max: 99 }) }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(69_500, 100_000, 12_500, 1),
        (fills, theta) => {
          let state = EMPTY_TAKER_FEE_STATE;
          let exactCents = 0n;
          for (const f of fills) {
            const price = f.tick * CENT;
            const r = chargeTakerFill(state, f.qty, price, theta);
            expect(r.fee).toBeGreaterThanOrEqual(0);
            expect(r.fee).toBeLessThanOrEqual(takerFee(f.qty, price, { takerThetaPpm: theta, makerThetaPpm: 0 }));
            expect(r.fee % CENT).toBe(0);
            state = r.state;
            // Θ·Q·p·(1−p) with Θ in ppm, Q in hundredths, p in micros: / 1e20 is dollars, / 1e18 cents
            exactCents += BigInt(theta) * BigInt(f.qty) * BigInt(price) * BigInt(1_000_000 - price);
            // the running total equals the rounded cumulative exact fee within one cent per fill below it, never above
            const cap = Number((exactCents * 2n + 10n ** 18n) / (2n * 10n ** 18n)) * CENT; // round half up bound
            expect(state.charged).toBeLessThanOrEqual(cap);
          }
          const sumOwn = fills.reduce((s, f) => s + takerFee(f.qty, f.tick * CENT, { takerThetaPpm: theta, makerThetaPpm: 0 }), 0);
          expect(state.charged).toBeLessThanOrEqual(sumOwn);
        },
      ),
    );
  });
});

describe('rates per market and date', () => {
  const schedule: FeeSchedule = {
    defaults: DEFAULT_FEE_RATES,
    overrides: [
      { sport: 'table_tennis', effectiveFrom: Date.parse('2026-10-01T03:59:00Z'), takerThetaPpm: 100_000 },
      { effectiveFrom: Date.parse('2027-01-01T05:00:00Z'), makerThetaPpm: 10_000 },
    ],
  };

  it("uses the market's own coefficient, else the default", () => {
    expect(feeRatesFor(DEFAULT_FEE_SCHEDULE, { feeCoefficientPpm: 50_000 }, 0).takerThetaPpm).toBe(50_000);
    expect(feeRatesFor(DEFAULT_FEE_SCHEDULE, {}, 0)).toEqual(DEFAULT_FEE_RATES);
  });

  it('applies a dated per-sport override only from its effective time and only to its sport', () => {
    const before = Date.parse('2026-10-01T03:58:59Z');
    const after = Date.parse('2026-10-01T03:59:00Z');
    expect(feeRatesFor(schedule, { sport: 'table_tennis' }, before).takerThetaPpm).toBe(69_500);
    expect(feeRatesFor(schedule, { sport: 'table_tennis' }, after).takerThetaPpm).toBe(100_000);
    expect(feeRatesFor(schedule, { sport: 'basketball' }, after).takerThetaPpm).toBe(69_500);
    expect(feeRatesFor(schedule, { sport: 'basketball' }, Date.parse('2027-02-01T00:00:00Z')).makerThetaPpm).toBe(10_000);
  });

  it('reads coefficients exactly and refuses what is not one', () => {
    expect(thetaToPpm(0.0695)).toBe(69_500);
    expect(thetaToPpm(0.1)).toBe(100_000);
    expect(() => thetaToPpm(1.5)).toThrow(/\[0, 1\)/);
    expect(() => thetaToPpm(0.00000001)).toThrow(/6 decimal places/);
  });
});

describe('fee per contract in whole micros, without BigInt', () => {
  it('equals the exact Θ·p·(1−p) rounded down and up, for every coefficient and price (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 1_000_000 }), (theta, price) => {
        const n = BigInt(theta) * BigInt(price) * BigInt(1_000_000 - price);
        const floor = Number(n / 10n ** 12n);
        const ceil = n % 10n ** 12n === 0n ? floor : floor + 1;
        expect(feePerContractMicros(theta, price, 'down')).toBe(floor);
        expect(feePerContractMicros(theta, price, 'up')).toBe(ceil);
      }),
      { numRuns: 5_000 },
    );
    // 0.0695 × 0.5 × 0.5 = 0.017375 exactly; 0.0695 × 0.33 × 0.67 = 0.015366... → 15_366 / 15_367
    expect(feePerContractMicros(69_500, 500_000, 'up')).toBe(17_375);
    expect(feePerContractMicros(69_500, 330_000, 'down')).toBe(15_366);
    expect(feePerContractMicros(69_500, 330_000, 'up')).toBe(15_367);
  });
});
