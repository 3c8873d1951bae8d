/**
 * Exact fixed-point quantities (Qty = hundredths of a contract): the helpers, fees and collateral on fractional
 * sizes, the order builder's size grid, and the position arithmetic conserving quantity.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTrade, emptyLedger } from '../../../shared/paper/position-math.js';
import { chargeTakerFill, EMPTY_TAKER_FEE_STATE, makerRebate, takerFee } from '../../../shared/domain/fees.js';
import { tradeCashDelta } from '../../../shared/domain/collateral.js';
import {
  ONE_CONTRACT,
  QTY_SCALE,
  contracts,
  formatQuantity,
  parseQuantity,
  qtyAffordable,
  qtyTimesMicros,
  quantityToWire,
  roundToStep,
} from '../../../shared/domain/quantity.js';
import { buildOrder, OrderBuildError } from '../../../shared/execution/order-builder.js';
import { signal } from '../execution/helpers.js';

describe('Qty helpers', () => {
  it('contracts() and formatQuantity() are exact', () => {
    expect(contracts(10)).toBe(1000);
    expect(contracts(2.5)).toBe(250);
    expect(contracts(0.3)).toBe(30);
    expect(contracts(0.01)).toBe(1);
    expect(() => contracts(0.015)).toThrow(RangeError);
    expect(() => contracts(Number.NaN)).toThrow(RangeError);
    expect(formatQuantity(1960)).toBe('19.6');
    expect(formatQuantity(1)).toBe('0.01');
    expect(formatQuantity(300)).toBe('3');
    expect(formatQuantity(-250)).toBe('-2.5');
    expect(formatQuantity(0)).toBe('0');
  });

  it('property: formatQuantity writes the hundredths as the padded, trailing-zero-free decimal (reference text)', () => {
    const reference = (q: number): string => {
      const abs = Math.abs(q);
      const frac = String(abs % 100).padStart(2, '0').replace(/0+$/, '');
      return `${q < 0 ? '-' : ''}${Math.floor(abs / 100)}${frac ? `.${frac}` : ''}`;
    };
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger(), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })), (q) => {
        expect(formatQuantity(q)).toBe(reference(q));
      }),
    );
  });

  it('quantityToWire writes the exact decimal as a JSON number (no binary noise)', () => {
    expect(JSON.stringify({ quantity: quantityToWire(30) })).toBe('{"quantity":0.3}');
    expect(JSON.stringify({ quantity: quantityToWire(250) })).toBe('{"quantity":2.5}');
    expect(JSON.stringify({ quantity: quantityToWire(1000) })).toBe('{"quantity":10}');
  });

  it('property: format → parse round-trips, and the wire number parses back to the same Qty', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (q) => {
        expect(parseQuantity(formatQuantity(q))).toEqual({ qty: q, exact: formatQuantity(q), rounded: false });
        expect(parseQuantity(quantityToWire(q))?.qty).toBe(q);
      }),
    );
  });

  it('roundToStep rounds to the size grid as asked', () => {
    expect(roundToStep(250, 100, 'down')).toBe(200);
    expect(roundToStep(250, 100, 'up')).toBe(300);
    expect(roundToStep(-250, 100, 'down')).toBe(-300);
    expect(roundToStep(-250, 100, 'toward_zero')).toBe(-200);
    expect(roundToStep(257, 1, 'down')).toBe(257);
  });

  it('qtyTimesMicros is exact at tick prices and rounds toward the side asked elsewhere', () => {
    // 2.5 contracts at 0.4025 (a 0.0025 tick): exact.
    expect(qtyTimesMicros(250, 402_500, 'down')).toBe(1_006_250);
    expect(qtyTimesMicros(250, 402_500, 'up')).toBe(1_006_250);
    // 0.01 contract at a fair value of 0.123457: 1234.57 micros.
    expect(qtyTimesMicros(1, 123_457, 'down')).toBe(1_234);
    expect(qtyTimesMicros(1, 123_457, 'up')).toBe(1_235);
    expect(qtyTimesMicros(-1, 123_457, 'down')).toBe(-1_235);
    expect(qtyTimesMicros(-1, 123_457, 'up')).toBe(-1_234);
  });

  it('property: at any price on a 0.0025 tick, qty × price is exact for every Qty', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 4, max: 396 }), (q, t) => {
        const price = t * 2_500;
        expect(qtyTimesMicros(q, price, 'down')).toBe(qtyTimesMicros(q, price, 'up'));
        expect(BigInt(qtyTimesMicros(q, price, 'down')) * BigInt(QTY_SCALE)).toBe(BigInt(q) * BigInt(price));
      }),
    );
  });

  it('property: qtyAffordable is the largest quantity whose cost fits the budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e10 }), fc.integer({ min: 1, max: 1_000_000 }), (budget, per) => {
        const q = qtyAffordable(budget, per);
        expect(q * per).toBeLessThanOrEqual(budget * QTY_SCALE);
        expect((q + 1) * per).toBeGreaterThan(budget * QTY_SCALE);
      }),
    );
  });
});

describe('fees on fractional quantities', () => {
  it('keeps the documented examples exact', () => {
    expect(takerFee(contracts(1_000), 650_000)).toBe(15_810_000);
    expect(makerRebate(contracts(1_000), 650_000)).toBe(2_840_000);
    let state = EMPTY_TAKER_FEE_STATE;
    const fees: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = chargeTakerFill(state, contracts(40), 500_000, 69_500);
      fees.push(r.fee);
      state = r.state;
    }
    expect(fees).toEqual([700_000, 690_000, 690_000]);
  });

  it('charges half a contract half the exact fee, rounded to the cent', () => {
    // 100 contracts at 0.50: 0.0695 × 100 × 0.25 = 1.7375 → 1.74; 0.5 contract: 0.0086875 → 0.01.
    expect(takerFee(contracts(100), 500_000)).toBe(1_740_000);
    expect(takerFee(contracts(0.5), 500_000)).toBe(10_000);
    // 50.5 contracts at 0.50: 0.8774375 → 0.88.
    expect(takerFee(contracts(50.5), 500_000)).toBe(880_000);
  });

  it('property: the cumulative cap over fractional fills never exceeds the rounded cumulative exact fee', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 4, max: 396 }), (qtys, t) => {
        const price = t * 2_500;
        let state = EMPTY_TAKER_FEE_STATE;
        let charged = 0;
        for (const q of qtys) {
          const r = chargeTakerFill(state, q, price, 69_500);
          charged += r.fee;
          state = r.state;
        }
        const total = qtys.reduce((a, b) => a + b, 0);
        expect(charged).toBeLessThanOrEqual(takerFee(total, price));
        expect(charged).toBe(state.charged);
      }),
    );
  });
});

describe('position arithmetic on fractional quantities', () => {
  it('property: position = Σ signed fills, cash moves match the collateral rule, flat means zero cost', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ buy: fc.boolean(), qty: fc.integer({ min: 1, max: 100_000 }), tick: fc.integer({ min: 4, max: 396 }) }), { minLength: 1, maxLength: 30 }),
        (trades) => {
          const pos = emptyLedger();
          let signed = 0;
          for (const t of trades) {
            const price = t.tick * 2_500;
            const expected = tradeCashDelta(pos.netQty, t.buy, t.qty, price);
            const effect = applyTrade(pos, t.buy, t.qty, price);
            expect(effect.cashDelta).toBe(expected);
            expect(effect.closedQty + effect.openedQty).toBe(t.qty);
            signed += t.buy ? t.qty : -t.qty;
            expect(pos.netQty).toBe(signed);
            expect(Number.isSafeInteger(pos.cost)).toBe(true);
            if (pos.netQty === 0) expect(pos.cost).toBe(0);
          }
          expect(pos.qtyBought - pos.qtySold).toBe(signed);
        },
      ),
    );
  });
});

describe('order builder size grid', () => {
  it('on a 0.01 market: keeps hundredths, refuses below 0.01', () => {
    const rules = { tick: 10_000, minQty: 1 };
    expect(buildOrder(signal({ quantity: contracts(2.57) }), rules).quantity).toBe(257);
    expect(buildOrder(signal({ quantity: contracts(0.01) }), rules).quantity).toBe(1);
    expect(() => buildOrder(signal({ quantity: 0.5 }), rules)).toThrow(OrderBuildError);
  });

  it('on a whole-contract market: rounds down to whole contracts, refuses below one', () => {
    const rules = { tick: 10_000, minQty: ONE_CONTRACT };
    expect(buildOrder(signal({ quantity: contracts(2.57) }), rules).quantity).toBe(200);
    expect(buildOrder(signal({ quantity: contracts(3) }), rules).quantity).toBe(300);
    try {
      buildOrder(signal({ quantity: contracts(0.99) }), rules);
      expect.unreachable();
    } catch (err) {
      expect((err as OrderBuildError).code).toBe('BELOW_MIN_QTY');
    }
  });

  it('property: the built size is on the grid, never above the signal, never below the minimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e7 }), fc.constantFrom(1, 100), (q, step) => {
        try {
          const o = buildOrder(signal({ quantity: q }), { tick: 10_000, minQty: step });
          expect(o.quantity % step).toBe(0);
          expect(o.quantity).toBeLessThanOrEqual(q);
          expect(o.quantity).toBeGreaterThan(q - step);
        } catch (err) {
          expect((err as OrderBuildError).code).toBe('BELOW_MIN_QTY');
          expect(q).toBeLessThan(step);
        }
      }),
    );
  });
});
