import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  admissionNeed,
  availableToClose,
  buyingPower,
  instrumentReservation,
  marginalReservation,
  splitTrade,
  tradeCashDelta,
  unfundedOrders,
  type CollateralOrder,
  type InstrumentExposure,
} from '../../../shared/domain/collateral.js';
import { contracts } from '../../../shared/domain/quantity.js';

const usd = (x: number) => Math.round(x * 1_000_000);
let seq = 0;
/** An order of `qty` contracts (converted to hundredths) at a decimal price. */
const order = (buysLong: boolean, price: number, qty: number, id?: string): CollateralOrder => {
  seq += 1;
  return { orderId: id ?? `x${seq}`, buysLong, price: usd(price), leavesQty: contracts(qty), placedAt: seq };
};
const bid = (price: number, qty: number, id?: string) => order(true, price, qty, id);
const offer = (price: number, qty: number, id?: string) => order(false, price, qty, id);

describe('collateral: long costs p, short posts $1 and costs 1 − p', () => {
  it('charges opening trades and returns closing ones', () => {
    expect(tradeCashDelta(0, true, contracts(10), usd(0.4))).toBe(-usd(4)); // buy 10 YES at 0.40
    expect(tradeCashDelta(0, false, contracts(10), usd(0.4))).toBe(-usd(6)); // short 10 at 0.40: receive 4, post 10
    expect(tradeCashDelta(contracts(10), false, contracts(10), usd(0.5))).toBe(usd(5)); // sell the long at 0.50
    expect(tradeCashDelta(contracts(-10), true, contracts(10), usd(0.3))).toBe(usd(7)); // buy back the short at 0.30: pay 3, margin 10 back
    // crossing through zero: close 4 long, open 6 short
    expect(tradeCashDelta(contracts(4), false, contracts(10), usd(0.5))).toBe(4 * usd(0.5) - 6 * usd(0.5));
    // fractions: buy 2.5 YES at 0.40 → 1.00; close 0.3 of a 0.5 long and open 0.2 short at 0.555
    expect(tradeCashDelta(0, true, contracts(2.5), usd(0.4))).toBe(-usd(1));
    expect(tradeCashDelta(contracts(0.3), false, contracts(0.5), usd(0.555))).toBe(usd(0.1665) - usd(0.089));
  });

  it('reserves the worse of all bids or all offers per instrument, net of the position they close', () => {
    // flat: bids 10 × 0.40 = 4.00; offers 10 × (1 − 0.60) = 4.00; the worse: 4.00
    expect(instrumentReservation(0, [bid(0.4, 10), offer(0.6, 10)])).toBe(usd(4));
    // long 10: the offers only close it → 0; the bids still need 4.00
    expect(instrumentReservation(contracts(10), [bid(0.4, 10), offer(0.6, 10)])).toBe(usd(4));
    expect(instrumentReservation(contracts(10), [offer(0.6, 10)])).toBe(0);
    // long 4: offers of 10 at 0.60 close 4 and open 6 short at 0.40 each
    expect(instrumentReservation(contracts(4), [offer(0.6, 10)])).toBe(6 * usd(0.4));
    // short 5: the best bid closes first
    expect(instrumentReservation(contracts(-5), [bid(0.3, 5), bid(0.5, 5)])).toBe(5 * usd(0.3));
    // long 0.25: an offer of 1.5 at 0.60 opens 1.25 short at 0.40 = 0.50
    expect(instrumentReservation(contracts(0.25), [offer(0.6, 1.5)])).toBe(usd(0.5));
  });

  it('adds a new order only where it worsens its instrument', () => {
    const inst = { netQty: 0, orders: [bid(0.4, 10)] };
    expect(marginalReservation(inst, offer(0.7, 5))).toBe(0); // offers 1.50 < bids 4.00
    expect(marginalReservation(inst, bid(0.5, 2))).toBe(usd(1));
  });

  it('cancels the latest unfunded orders after a fill, until buying power is back at zero or above', () => {
    seq = 0;
    const a = bid(0.5, 10, 'a'); // 5.00
    const b = bid(0.5, 10, 'b'); // 5.00
    const c = offer(0.5, 10, 'c'); // other instrument, 5.00
    const instruments: InstrumentExposure[] = [
      { marketSlug: 'm1', netQty: 0, orders: [a, b] },
      { marketSlug: 'm2', netQty: 0, orders: [c] },
    ];
    expect(buyingPower(usd(15), instruments)).toBe(0);
    expect(unfundedOrders(usd(15), instruments)).toEqual([]);
    expect(unfundedOrders(usd(10), instruments)).toEqual(['c']);
    expect(unfundedOrders(usd(9), instruments)).toEqual(['c', 'b']);
    expect(unfundedOrders(usd(4), instruments)).toEqual(['c', 'b', 'a']);
    expect(unfundedOrders(usd(-1), instruments)).toEqual(['c', 'b', 'a']);
  });

  it('cancels across equal sides: a bid and an offer holding the same amount both go when both must', () => {
    seq = 0;
    const b = bid(0.4, 10, 'b'); // bids need 4.00
    const o = offer(0.6, 10, 'o'); // offers need 10 × 0.40 = 4.00
    const instruments: InstrumentExposure[] = [{ marketSlug: 'm', netQty: 0, orders: [b, o] }];
    // removing either alone frees nothing (the other side still holds 4.00): both must go
    expect(unfundedOrders(usd(-0.5), instruments)).toEqual(['o', 'b']);
    expect(unfundedOrders(usd(1), instruments)).toEqual(['o', 'b']);
    expect(unfundedOrders(usd(4), instruments)).toEqual([]);
  });

  it('property: the cancels leave buying power ≥ 0 (or no reservation at all), and the last one was needed', () => {
    const order = fc.record({
      buysLong: fc.boolean(),
      price: fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000),
      leavesQty: fc.integer({ min: 1, max: 5_000 }), // hundredths: 0.01 to 50 contracts
      placedAt: fc.integer({ min: 0, max: 1_000 }),
    });
    const inst = fc.record({ netQty: fc.integer({ min: -3_000, max: 3_000 }), orders: fc.array(order, { maxLength: 5 }) });
    fc.assert(
      fc.property(fc.array(inst, { minLength: 1, maxLength: 4 }), fc.integer({ min: -50_000_000, max: 100_000_000 }), (raw, cash) => {
        let n = 0;
        const instruments: InstrumentExposure[] = raw.map((r, k) => ({
          marketSlug: `m${k}`,
          netQty: r.netQty,
          orders: r.orders.map((o) => ({ ...o, orderId: `x${n++}` })),
        }));
        const cancelled = unfundedOrders(cash, instruments);
        const without = (ids: readonly string[]) => instruments.map((i) => ({ ...i, orders: i.orders.filter((o) => !ids.includes(o.orderId)) }));
        const bp = buyingPower(cash, without(cancelled));
        if (bp < 0) expect(bp).toBe(cash); // every reservation is gone: nothing left to cancel would help
        if (cancelled.length > 0) expect(buyingPower(cash, without(cancelled.slice(0, -1)))).toBeLessThan(0);
        else expect(buyingPower(cash, instruments) >= 0 || buyingPower(cash, instruments) === cash).toBe(true);
      }),
    );
  });
});

describe('collateral: the reservation, against the walk it is defined by', () => {
  /** The rule written out: each side's orders best price first (then oldest), closing the held position first. */
  const reference = (netQty: number, orders: readonly CollateralOrder[]): number => {
    const side = (buysLong: boolean, closable: number): number => {
      const mine = orders.filter((o) => o.buysLong === buysLong && o.leavesQty > 0);
      mine.sort((a, b) => (buysLong ? b.price - a.price : a.price - b.price) || a.placedAt - b.placedAt);
      let left = Math.max(0, closable);
      let need = 0;
      for (const o of mine) {
        const closing = Math.min(left, o.leavesQty);
        left -= closing;
        const perContract = buysLong ? o.price : 1_000_000 - o.price;
        need += Math.ceil(((o.leavesQty - closing) * perContract) / 100);
      }
      return need;
    };
    return orders.length === 0 ? 0 : Math.max(side(true, -netQty), side(false, netQty));
  };

  it('property: instrumentReservation (and so buying power) is the walk, whether a side closes a position or not', () => {
    // Flat, long and short positions: with nothing to close a side is summed without the walk (any order).
    const anOrder = fc.record({
      buysLong: fc.boolean(),
      price: fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000 + 1),
      leavesQty: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
    });
    fc.assert(
      fc.property(fc.oneof(fc.constant(0), fc.integer({ min: -6_000, max: 6_000 })), fc.array(anOrder, { maxLength: 8 }), (netQty, specs) => {
        const orders: CollateralOrder[] = specs.map((o, i) => ({ orderId: `o${i}`, placedAt: i, ...o }));
        expect(instrumentReservation(netQty, orders)).toBe(reference(netQty, orders));
        expect(buyingPower(usd(1_000), [{ marketSlug: 'm', netQty, orders }])).toBe(usd(1_000) - reference(netQty, orders));
      }),
      { numRuns: 500 },
    );
  });
});

describe('collateral: one rule for every intent — close the opposite position first, open the rest', () => {
  it('splits a trade into closing and opening contracts', () => {
    const c = contracts;
    expect(splitTrade(0, false, c(10))).toEqual({ closing: 0, opening: c(10) }); // SELL_LONG without a long: an opening short
    expect(splitTrade(0, true, c(10))).toEqual({ closing: 0, opening: c(10) }); // SELL_SHORT without a short: an opening long
    expect(splitTrade(c(4), false, c(10))).toEqual({ closing: c(4), opening: c(6) }); // sell 4 held, short 6
    expect(splitTrade(c(-3), true, c(2))).toEqual({ closing: c(2), opening: 0 }); // buy back 2 of 3 shorts
    expect(splitTrade(c(5), true, c(7))).toEqual({ closing: 0, opening: c(7) }); // buying more YES closes nothing of a long
    expect(splitTrade(c(0.4), false, c(1.5))).toEqual({ closing: c(0.4), opening: c(1.1) }); // sell 0.4 held, short 1.1
  });

  it('property: the split adds up, closes at most the opposite position, and agrees with the cash a fill moves', () => {
    fc.assert(
      // quantities in hundredths (±50 and up to 60 contracts), prices on the 0.0025 tick
      fc.property(fc.integer({ min: -5_000, max: 5_000 }), fc.boolean(), fc.integer({ min: 1, max: 6_000 }), fc.integer({ min: 1, max: 399 }), (net, buysLong, qty, ticks) => {
        const price = ticks * 2_500;
        const { closing, opening } = splitTrade(net, buysLong, qty);
        expect(closing + opening).toBe(qty);
        expect(closing).toBeLessThanOrEqual(buysLong ? Math.max(0, -net) : Math.max(0, net));
        // never flips past zero while contracts are left to close
        if (opening > 0) expect(closing).toBe(buysLong ? Math.max(0, -net) : Math.max(0, net));
        const back = buysLong ? 1_000_000 - price : price;
        const cost = buysLong ? price : 1_000_000 - price;
        // hundredths × micros / 100: exact at a price on the tick
        expect(tradeCashDelta(net, buysLong, qty, price)).toBe((closing * back - opening * cost) / 100);
      }),
    );
  });

  it('counts the held contracts not promised to resting orders that would close them', () => {
    expect(availableToClose(0, [offer(0.6, 5)])).toBe(0);
    expect(availableToClose(contracts(10), [offer(0.6, 4), bid(0.4, 7)])).toBe(contracts(6)); // offers close a long; the bid does not count
    expect(availableToClose(contracts(10), [offer(0.6, 4), offer(0.7, 9)])).toBe(0); // promised beyond the long: never negative
    expect(availableToClose(contracts(-8), [bid(0.4, 3), offer(0.6, 50)])).toBe(contracts(5)); // bids close a short
  });

  it('an order needs its marginal reservation plus its taker fee only when it adds to the reservation', () => {
    expect(admissionNeed(usd(3), usd(0.08))).toBe(usd(3.08));
    expect(admissionNeed(0, usd(0.08))).toBe(0); // only closes, or sits on the side that is not the worse
    expect(admissionNeed(-usd(1), usd(0.08))).toBe(-usd(1)); // a modify that frees reservation
  });
});
