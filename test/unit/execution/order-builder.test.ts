import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_ORDER_PRICE,
  MIN_ORDER_PRICE,
  OrderBuildError,
  buildOrder,
  intentOf as buildIntent,
  marketRulesOf,
  snapToTick,
  type OrderBuildErrorCode,
} from '../../../shared/execution/order-builder.js';
import { SIGNAL_ACTIONS } from '../../../shared/domain/signal.js';
import { INTENT_EFFECT } from '../../../shared/domain/venue-enums.js';
import { ONE_CONTRACT, contracts } from '../../../shared/domain/quantity.js';
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
    const o = buildOrder(signal({ action, price }), { tick: 10_000, minQty: ONE_CONTRACT });
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

  it("rounds the quantity down to the market's size step and enforces the minimum", () => {
    // the default market trades whole contracts: 7.9 → 7; a 0.01 market keeps 7.9
    expect(buildOrder(signal({ quantity: contracts(7.9) })).quantity).toBe(contracts(7));
    expect(buildOrder(signal({ quantity: contracts(7.9) }), { tick: 10_000, minQty: contracts(0.01) }).quantity).toBe(contracts(7.9));
    const err = (() => {
      try {
        buildOrder(signal({ quantity: contracts(4) }), { tick: 10_000, minQty: contracts(5) });
      } catch (e) {
        return e as OrderBuildError;
      }
      return null;
    })();
    expect(err?.code).toBe('BELOW_MIN_QTY');
    expect(() => buildOrder(signal({ quantity: 0 }))).toThrow(/positive/);
    expect(() => buildOrder(signal({ quantity: contracts(0.5) }))).toThrow(expect.objectContaining({ code: 'BELOW_MIN_QTY' }));
    // finer than 0.01 contract (not a whole number of hundredths): floored to nothing
    expect(() => buildOrder(signal({ quantity: 0.5 }), { tick: 10_000, minQty: contracts(0.01) })).toThrow(OrderBuildError);
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

  it.each([
    // action, signal price, tick, expected price: each market's own tick, safe side (buys down, sells up)
    ['BUY_YES', 557_000, 5_000, 555_000],
    ['BUY_NO', 557_000, 5_000, 560_000],
    ['BUY_YES', 556_000, 2_500, 555_000],
    ['SELL_YES', 556_000, 2_500, 557_500],
    ['SELL_NO', 556_000, 2_500, 555_000],
    // the venue's bounds are 0.01–0.99 whatever the tick: a buy above 0.99 is lowered to 0.99, a sell under 0.01 raised to it
    ['BUY_YES', 997_500, 2_500, 990_000],
    ['SELL_YES', 2_500, 2_500, 10_000],
  ] as const)('%s at %i on tick %i → %i', (action, price, tick, expected) => {
    expect(buildOrder(signal({ action, price }), { tick, minQty: ONE_CONTRACT }).price).toBe(expected);
  });

  it('refuses what the venue would refuse, with a code the executor counts', () => {
    const code = (fn: () => unknown): OrderBuildErrorCode | undefined => {
      try {
        fn();
      } catch (e) {
        if (e instanceof OrderBuildError) return e.code;
        throw e;
      }
      return undefined;
    };
    // A buy under 0.01 on a 0.0025 tick is on the tick but out of bounds: only a dearer price would fit.
    expect(code(() => buildOrder(signal({ action: 'BUY_YES', price: 7_500 }), { tick: 2_500, minQty: ONE_CONTRACT }))).toBe('PRICE_OUT_OF_RANGE');
    // A sell above 0.99: only a cheaper price would fit.
    expect(code(() => buildOrder(signal({ action: 'BUY_NO', price: 992_500 }), { tick: 2_500, minQty: ONE_CONTRACT }))).toBe('PRICE_OUT_OF_RANGE');
    // Below the market's minimum size; above it, down to a multiple of it (the minimum is also the size step).
    expect(code(() => buildOrder(signal({ quantity: contracts(2) }), { tick: 10_000, minQty: contracts(2.5) }))).toBe('BELOW_MIN_QTY');
    expect(buildOrder(signal({ quantity: contracts(6) }), { tick: 10_000, minQty: contracts(2.5) }).quantity).toBe(contracts(5));
    expect(buildOrder(signal({ quantity: contracts(1) }), { tick: 10_000, minQty: contracts(0.01) }).quantity).toBe(contracts(1));
    expect(buildOrder(signal({ quantity: contracts(0.01) }), { tick: 10_000, minQty: contracts(0.01) }).quantity).toBe(1);
    // A tick the venue does not have (not a divisor of 0.01), zero or fractional.
    for (const tick of [3_000, 20_000, 0, 2_500.5]) expect(code(() => buildOrder(signal({}), { tick, minQty: ONE_CONTRACT }))).toBe('INVALID_TICK');
  });

  it('a market without tick or minimum falls back to the configured defaults (trading.default_tick / default_min_qty)', () => {
    const defaults = { tick: 10_000, minQty: ONE_CONTRACT };
    expect(marketRulesOf(undefined, defaults)).toEqual(defaults);
    expect(marketRulesOf({ tick: null, minQty: undefined }, defaults)).toEqual(defaults);
    expect(marketRulesOf({ tick: 0, minQty: Number.NaN }, defaults)).toEqual(defaults);
    expect(marketRulesOf({ tick: 2_500, minQty: contracts(0.01) }, defaults)).toEqual({ tick: 2_500, minQty: 1 });
    expect(marketRulesOf({ tick: 2_500, minQty: 0.5 }, defaults)).toEqual({ tick: 2_500, minQty: ONE_CONTRACT }); // not whole hundredths
    expect(buildOrder(signal({ price: 556_000 }), marketRulesOf({}, { tick: 5_000, minQty: ONE_CONTRACT })).price).toBe(555_000);
  });

  it('property: the built price is on the tick, within 0.01–0.99 and never more aggressive than the signal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999 }),
        fc.constantFrom(2_500, 5_000, 10_000),
        fc.constantFrom(...SIGNAL_ACTIONS),
        (price, tick, action) => {
          let built: number;
          try {
            built = buildOrder(signal({ action, price }), { tick, minQty: ONE_CONTRACT }).price!;
          } catch (e) {
            expect(e).toBeInstanceOf(OrderBuildError);
            expect((e as OrderBuildError).code).toBe('PRICE_OUT_OF_RANGE');
            // Refused only where every valid price is more aggressive than the signal's.
            const buys = INTENT_EFFECT[buildIntent(action)].buysLong;
            if (buys) expect(price).toBeLessThan(MIN_ORDER_PRICE);
            else expect(price).toBeGreaterThan(MAX_ORDER_PRICE);
            return;
          }
          expect(built % tick).toBe(0);
          expect(built).toBeGreaterThanOrEqual(MIN_ORDER_PRICE);
          expect(built).toBeLessThanOrEqual(MAX_ORDER_PRICE);
          if (INTENT_EFFECT[buildIntent(action)].buysLong) expect(built).toBeLessThanOrEqual(price);
          else expect(built).toBeGreaterThanOrEqual(price);
        },
      ),
      { numRuns: 2_000 },
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
