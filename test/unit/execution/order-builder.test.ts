import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OrderBuildError, buildOrder, snapToTick } from '../../../shared/execution/order-builder.js';
import { signal } from './helpers.js';

describe('order builder', () => {
  it.each([
    // action, signal price, expected intent, expected price (tick 0.01)
    ['BUY_YES', 555_000, 'ORDER_INTENT_BUY_LONG', 550_000],
    ['SELL_YES', 555_000, 'ORDER_INTENT_SELL_LONG', 560_000],
    ['BUY_NO', 555_000, 'ORDER_INTENT_BUY_SHORT', 560_000],
    ['SELL_NO', 555_000, 'ORDER_INTENT_SELL_SHORT', 550_000],
    ['BUY_YES', 550_000, 'ORDER_INTENT_BUY_LONG', 550_000],
    ['BUY_NO', 550_000, 'ORDER_INTENT_BUY_SHORT', 550_000],
    ['SELL_YES', 10_001, 'ORDER_INTENT_SELL_LONG', 20_000],
    ['BUY_YES', 999_999, 'ORDER_INTENT_BUY_LONG', 990_000],
  ] as const)('%s at %i → %s at %i', (action, price, intent, expected) => {
    const o = buildOrder(signal({ action, price }), { tick: 10_000, minQty: 1 });
    expect(o.intent).toBe(intent);
    expect(o.price).toBe(expected);
    expect(o.type).toBe('ORDER_TYPE_LIMIT');
  });

  it('maps time in force and post-only', () => {
    expect(buildOrder(signal({ timeInForce: 'FOK' })).tif).toBe('TIME_IN_FORCE_FILL_OR_KILL');
    expect(buildOrder(signal({ timeInForce: 'IOC' })).tif).toBe('TIME_IN_FORCE_IMMEDIATE_OR_CANCEL');
    expect(buildOrder(signal({})).tif).toBe('TIME_IN_FORCE_IMMEDIATE_OR_CANCEL');
    const q = buildOrder(signal({ postOnly: true }));
    expect(q.tif).toBe('TIME_IN_FORCE_GOOD_TILL_CANCEL');
    expect(q.postOnly).toBe(true);
    expect(() => buildOrder(signal({ postOnly: true, timeInForce: 'IOC' }))).toThrow(OrderBuildError);
  });

  it('floors quantity to whole contracts and enforces the minimum', () => {
    expect(buildOrder(signal({ quantity: 7.9 })).quantity).toBe(7);
    const err = (() => {
      try {
        buildOrder(signal({ quantity: 4 }), { tick: 10_000, minQty: 5 });
      } catch (e) {
        return e as OrderBuildError;
      }
      return null;
    })();
    expect(err?.code).toBe('BELOW_MIN_QTY');
    expect(() => buildOrder(signal({ quantity: 0 }))).toThrow(/positive/);
    expect(() => buildOrder(signal({ quantity: 0.5 }))).toThrow(OrderBuildError);
    expect(() => buildOrder(signal({ quantity: Number.NaN }))).toThrow(OrderBuildError);
  });

  it('rejects prices outside (0, 1), non-integer micros, and prices that snap out of range', () => {
    for (const price of [0, 1_000_000, -5, 1_200_000]) {
      expect(() => buildOrder(signal({ price }))).toThrow(expect.objectContaining({ code: 'PRICE_OUT_OF_RANGE' }));
    }
    expect(() => buildOrder(signal({ price: 0.55 }))).toThrow(expect.objectContaining({ code: 'INVALID_PRICE' }));
    // 0.005 bought rounds down to 0: not a valid order.
    expect(() => buildOrder(signal({ price: 5_000 }))).toThrow(expect.objectContaining({ code: 'PRICE_OUT_OF_RANGE' }));
    // 0.995 sold rounds up to 1: not a valid order.
    expect(() => buildOrder(signal({ action: 'BUY_NO', price: 995_000 }))).toThrow(expect.objectContaining({ code: 'PRICE_OUT_OF_RANGE' }));
  });

  it('snapping never worsens the limit and lands on the tick (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), fc.constantFrom(1_000, 5_000, 10_000), fc.boolean(), (price, tick, buysLong) => {
        const s = snapToTick(price, tick, buysLong);
        expect(s % tick).toBe(0);
        expect(Math.abs(s - price)).toBeLessThan(tick);
        if (buysLong) expect(s).toBeLessThanOrEqual(price);
        else expect(s).toBeGreaterThanOrEqual(price);
      }),
    );
  });
});

describe('GTD quotes', () => {
  it('a GTD signal becomes a GOOD_TILL_DATE order with its goodTillTime; post-only may rest GTD', () => {
    const r = buildOrder(signal({ postOnly: true, timeInForce: 'GTD', goodTillTime: 600_000, createdAt: 0 }));
    expect(r).toMatchObject({ tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: 600_000, postOnly: true });
    expect(buildOrder(signal({ timeInForce: 'GTC' })).goodTillTime).toBeUndefined();
  });

  it('refuses a GTD signal without a goodTillTime after its creation', () => {
    expect(() => buildOrder(signal({ timeInForce: 'GTD' }))).toThrow(expect.objectContaining({ code: 'INVALID_GOOD_TILL_TIME' }));
    expect(() => buildOrder(signal({ timeInForce: 'GTD', goodTillTime: 5, createdAt: 10 }))).toThrow(expect.objectContaining({ code: 'INVALID_GOOD_TILL_TIME' }));
  });
});
