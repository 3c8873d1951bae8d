import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QTY_SCALE, contracts } from '../../../shared/domain/quantity.js';
import { costPerContract, kellyContracts, kellyExact, kellyOptimalFraction, netKellyEdge } from '../../../shared/risk/position-sizer.js';

const BANK = 1_000_000_000; // 1,000 USD

// Kelly sizes are Qty (hundredths of a contract), rounded down; the risk manager puts them on the market's grid.
describe('Kelly sizing for a binary contract', () => {
  it('buying YES at 0.50 with p = 0.60: f* = 0.2, quarter Kelly → 50 USD → 100 contracts', () => {
    expect(kellyOptimalFraction('YES', 500_000, 0.6)).toBeCloseTo(0.2, 12);
    expect(kellyContracts({ side: 'YES', price: 500_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK })).toBe(contracts(100));
  });

  it('buying YES at 0.40 with p = 0.55: f* = 0.25, quarter Kelly → 62.50 USD → 156.25 contracts', () => {
    expect(kellyOptimalFraction('YES', 400_000, 0.55)).toBeCloseTo(0.25, 12);
    expect(kellyContracts({ side: 'YES', price: 400_000, fairProbability: 0.55, kellyFraction: 0.25, bankroll: BANK })).toBe(contracts(156.25));
  });

  it('buying NO at long price 0.70 with p(YES) = 0.60: f* = (0.70 − 0.60)/0.70, NO costs 0.30', () => {
    expect(kellyOptimalFraction('NO', 700_000, 0.6)).toBeCloseTo(1 / 7, 12);
    // 0.25 × (1/7) × 1000 = 35.714… USD / 0.30 = 119.047… → 119.04 (down to the hundredth)
    expect(kellyContracts({ side: 'NO', price: 700_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK })).toBe(contracts(119.04));
    expect(costPerContract('NO', 700_000)).toBe(300_000);
  });

  it('sizes on the edge net of the fee: a taker at 0.50 pays 0.017375, a maker earns 0.003125', () => {
    // K = 0.517375, net 0.082625: 0.25 × 0.082625 × 1000 / (K × (1 − K)) = 82.72… → 82.72
    expect(kellyContracts({ side: 'YES', price: 500_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK, feePerContract: 17_375 })).toBe(contracts(82.72));
    // K = 0.496875, net 0.103125 → 103.129… → 103.12
    expect(kellyContracts({ side: 'YES', price: 500_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK, feePerContract: -3_125 })).toBe(contracts(103.12));
    // NO at 0.70, fee 0.0695 × 0.21 = 0.014595: K = 0.314595, net 0.085405 → 99.020… → 99.02
    expect(kellyContracts({ side: 'NO', price: 700_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK, feePerContract: 14_595 })).toBe(contracts(99.02));
    expect(kellyOptimalFraction('YES', 500_000, 0.6, 17_375)).toBeCloseTo(82_625 / 482_625, 12);
    // A gross edge of 0.01 under a 0.017375 fee is no edge.
    expect(kellyContracts({ side: 'YES', price: 500_000, fairProbability: 0.51, kellyFraction: 0.25, bankroll: BANK, feePerContract: 17_375 })).toBe(0);
  });

  it('property: the fee only ever lowers the size, the rebate only raises it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom<'YES' | 'NO'>('YES', 'NO'), (ticks, p, side) => {
        const price = ticks * 10_000;
        const base = { side, price, fairProbability: p, kellyFraction: 0.25, bankroll: BANK };
        const fee = Math.ceil((69_500 * price * (1_000_000 - price)) / 1e12);
        const rebate = Math.floor((12_500 * price * (1_000_000 - price)) / 1e12);
        const none = kellyContracts(base);
        expect(kellyContracts({ ...base, feePerContract: fee })).toBeLessThanOrEqual(none);
        expect(kellyContracts({ ...base, feePerContract: -rebate })).toBeGreaterThanOrEqual(none);
      }),
    );
  });

  it('no edge, wrong side or no bankroll → 0', () => {
    expect(kellyContracts({ side: 'YES', price: 600_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK })).toBe(0);
    expect(kellyContracts({ side: 'NO', price: 500_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: BANK })).toBe(0);
    expect(kellyContracts({ side: 'YES', price: 500_000, fairProbability: 0.6, kellyFraction: 0.25, bankroll: 0 })).toBe(0);
  });

  it('property: stake never exceeds kelly_fraction × f* × bankroll, and is within a hundredth of a contract of it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.constantFrom<'YES' | 'NO'>('YES', 'NO'),
        (ticks, p, k, bankroll, side) => {
          const price = ticks * 10_000;
          const n = kellyContracts({ side, price, fairProbability: p, kellyFraction: k, bankroll });
          expect(Number.isInteger(n) && n >= 0).toBe(true);
          const pr = Math.round(p * 1e6) / 1e6;
          const kr = Math.round(k * 1e6) / 1e6;
          const f = Math.max(0, kellyOptimalFraction(side, price, pr));
          // in hundredths of a contract
          const stake = ((kr * f * bankroll) / costPerContract(side, price)) * QTY_SCALE;
          expect(n).toBeLessThanOrEqual(stake * (1 + 1e-12) + 1e-6);
          expect(n).toBeGreaterThan(stake * (1 - 1e-12) - 1 - 1e-6);
        },
      ),
    );
  });

  it('property: the fast Kelly quotient equals the BigInt one exactly (near-integer quotients included)', () => {
    const input = fc.record({
      side: fc.constantFrom('YES' as const, 'NO' as const),
      price: fc.integer({ min: 1, max: 999_999 }),
      fairProbability: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 100 }).map((n) => n / 100)),
      kellyFraction: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.25, 0.5, 1)),
      bankroll: fc.oneof(fc.integer({ min: 1, max: 1e12 }), fc.constantFrom(1_000_000_000, 100_000_000_000), fc.maxSafeInteger()),
      feePerContract: fc.oneof(fc.constant(0), fc.integer({ min: -20_000, max: 20_000 })),
    });
    fc.assert(
      fc.property(input, (i) => {
        const cost = costPerContract(i.side, i.price) + i.feePerContract;
        const k = Math.round(i.kellyFraction * 1_000_000);
        const edge = netKellyEdge(i.side, i.price, i.fairProbability, i.feePerContract);
        const expected = i.bankroll <= 0 || cost <= 0 || cost >= 1_000_000 || edge <= 0 || k === 0 ? 0 : kellyExact(k, edge, i.bankroll, cost);
        expect(kellyContracts(i)).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
    // Quotients that are whole numbers exactly (the fast path must hand them to BigInt or get them right).
    for (const bankroll of [1_000_000_000, 400_000_000, 123_000_000]) {
      for (let price = 10_000; price < 1_000_000; price += 10_000) {
        const i = { side: 'YES' as const, price, fairProbability: Math.min(1, price / 1e6 + 0.1), kellyFraction: 0.5, bankroll };
        const edge = netKellyEdge('YES', price, i.fairProbability);
        const expected = edge <= 0 ? 0 : kellyExact(500_000, edge, bankroll, price);
        expect(kellyContracts(i)).toBe(expected);
      }
    }
  });
});
