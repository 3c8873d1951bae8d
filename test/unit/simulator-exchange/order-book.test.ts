import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../../containers/simulator/exchange/order-book.js';
import type { SimOrder } from '../../../containers/simulator/exchange/order-record.js';

let seq = 0;
function order(buysLong: boolean, price: number, qty: number): SimOrder {
  seq++;
  return {
    id: `o${seq}`,
    accountId: 'A',
    marketSlug: 'm',
    intent: buysLong ? 'ORDER_INTENT_BUY_LONG' : 'ORDER_INTENT_BUY_SHORT',
    side: buysLong ? 'ORDER_SIDE_BUY' : 'ORDER_SIDE_SELL',
    buysLong,
    opens: true,
    type: 'ORDER_TYPE_LIMIT',
    price,
    quantity: qty,
    cumQuantity: 0,
    leavesQuantity: qty,
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    day: false,
    goodTillTime: null,
    participateDontInitiate: false,
    state: 'ORDER_STATE_NEW',
    filledNotional: 0,
    createTime: 0,
    placedSeq: 0,
    commissionsBasisPoints: 695,
    makerCommissionsBasisPoints: -125,
    commissionTotal: 0,
  };
}

describe('OrderBook', () => {
  it('keeps levels best first, FIFO within a level, and re-finds the best price when a level empties', () => {
    const b = new OrderBook(10_000);
    const b1 = order(true, 450_000, 1);
    const b2 = order(true, 470_000, 2);
    const b3 = order(true, 470_000, 3);
    const a1 = order(false, 520_000, 4);
    const a2 = order(false, 500_000, 5);
    for (const o of [b1, b2, b3, a1, a2]) b.add(o);
    expect(b.levels(true)).toEqual([
      { price: 470_000, qty: 5 },
      { price: 450_000, qty: 1 },
    ]);
    expect(b.levels(false, 1)).toEqual([{ price: 500_000, qty: 5 }]);
    expect([...b.orders(true)].map((o) => o.id)).toEqual([b2.id, b3.id, b1.id]);
    expect(b.remove(b2.id)).toBe(true);
    expect([...b.orders(true)].map((o) => o.id)).toEqual([b3.id, b1.id]);
    b.setQty(b3.id, 1);
    expect(b.bestQty(true)).toBe(1);
    b.remove(b3.id);
    expect(b.bestBid()).toBe(450_000);
    b.remove(a2.id);
    expect(b.bestAsk()).toBe(520_000);
    b.remove(a1.id);
    expect(b.bestAsk()).toBeNull();
    expect(b.levelCount(false)).toBe(0);
    expect(b.remove('nope')).toBe(false);
  });

  it('rejects prices off its tick grid and ticks that do not divide 1 USD', () => {
    const b = new OrderBook(10_000);
    expect(() => b.add(order(true, 455_000, 1))).toThrow(RangeError);
    expect(() => b.add(order(true, 1_000_000, 1))).toThrow(RangeError);
    expect(() => new OrderBook(3_000)).toThrow(RangeError);
  });

  it('matches a naive model under random adds and removes', () => {
    const op = fc.oneof(
      fc.record({ add: fc.constant(true), buys: fc.boolean(), tick: fc.integer({ min: 1, max: 99 }), qty: fc.integer({ min: 1, max: 9 }) }),
      fc.record({ add: fc.constant(false), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const b = new OrderBook(10_000);
        const model: SimOrder[] = [];
        for (const o of ops) {
          if (o.add) {
            const x = order(o.buys, o.tick * 10_000, o.qty);
            b.add(x);
            model.push(x);
          } else if (model.length > 0) {
            const [x] = model.splice(o.pick % model.length, 1);
            expect(b.remove((x as SimOrder).id)).toBe(true);
          }
        }
        for (const buys of [true, false]) {
          const mine = model.filter((x) => x.buysLong === buys);
          const sorted = [...mine].sort((p, q) => (buys ? (q.price as number) - (p.price as number) : (p.price as number) - (q.price as number)) || Number(p.id.slice(1)) - Number(q.id.slice(1)));
          expect([...b.orders(buys)].map((x) => x.id)).toEqual(sorted.map((x) => x.id));
          expect(buys ? b.bestBid() : b.bestAsk()).toBe(sorted[0]?.price ?? null);
        }
        expect(b.size).toBe(model.length);
      }),
      { numRuns: 200 },
    );
  });
});
