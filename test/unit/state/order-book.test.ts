import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BookIntegrityError, OrderBook } from '../../../shared/state/order-book.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import { QTY_SCALE } from '../../../shared/domain/quantity.js';

const lv = (price: number, qty: number): BookLevel => ({ price, qty });

/** Random valid book: distinct tick prices, bids below asks, best first; sizes in hundredths of a contract (0.01 to 50). */
const bookArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 0, maxLength: 30 })
  .chain((ticks) => {
    const sorted = [...ticks].sort((a, b) => a - b);
    return fc.tuple(fc.integer({ min: 0, max: sorted.length }), fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: sorted.length, maxLength: sorted.length })).map(([split, qtys]) => {
      const bids = sorted.slice(0, split).map((t, i) => lv(t * 10_000, qtys[i] as number)).reverse();
      const asks = sorted.slice(split).map((t, i) => lv(t * 10_000, qtys[split + i] as number));
      return { bids, asks };
    });
  });

describe('OrderBook', () => {
  it('reports the last message\'s exchange time, null when it had none, and keeps it when a message is rejected', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ time: fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { freq: 3 }), crossed: fc.boolean() }), { maxLength: 20 }), (msgs) => {
        const b = new OrderBook('m');
        let expected: number | null = null;
        expect(b.transactTime).toBeNull();
        for (const m of msgs) {
          const asks = m.crossed ? [lv(500_000, 1)] : [lv(600_000, 1)];
          try {
            b.replace({ bids: [lv(550_000, 1)], asks: asks, state: 'MARKET_STATE_OPEN', transactTime: m.time, receivedAt: 7 });
            expected = m.time;
          } catch (err) {
            expect(err).toBeInstanceOf(BookIntegrityError);
          }
          expect(b.transactTime).toBe(expected);
        }
      }),
    );
  });

  it('derives best prices, mid and spread from a whole-book message', () => {
    const b = new OrderBook('m');
    b.replace({ bids: [lv(540_000, 10), lv(530_000, 5)], asks: [lv(560_000, 7), lv(570_000, 1)], state: 'MARKET_STATE_OPEN', transactTime: 1, receivedAt: 2 });
    expect(b.bestBid).toBe(540_000);
    expect(b.bestAsk).toBe(560_000);
    expect(b.bestBidQty).toBe(10);
    expect(b.mid).toBe(550_000);
    expect(b.spread).toBe(20_000);
    expect(b.sizeAt('ask', 570_000)).toBe(1);
    expect(b.sizeAt('ask', 580_000)).toBe(0);
  });

  it('rejects crossed, unsorted or non-integer books and keeps the previous one', () => {
    const b = new OrderBook('m');
    b.replace({ bids: [lv(400_000, 1)], asks: [lv(600_000, 1)], state: 'MARKET_STATE_OPEN', transactTime: null, receivedAt: 1 });
    expect(() => b.replace({ bids: [lv(600_000, 1)], asks: [lv(600_000, 1)], state: 'MARKET_STATE_OPEN', transactTime: null, receivedAt: 2 })).toThrow(BookIntegrityError);
    expect(() => b.replace({ bids: [lv(300_000, 1), lv(400_000, 1)], asks: [], state: 'MARKET_STATE_OPEN', transactTime: null, receivedAt: 2 })).toThrow(/sorted/);
    expect(() => b.replace({ bids: [lv(300_000, 1.5)], asks: [], state: 'MARKET_STATE_OPEN', transactTime: null, receivedAt: 2 })).toThrow(/quantity/);
    expect(() => b.replace({ bids: [lv(0, 1)], asks: [], state: 'MARKET_STATE_OPEN', transactTime: null, receivedAt: 2 })).toThrow(/range/);
    expect(b.bestBid).toBe(400_000);
    expect(b.version).toBe(1);
  });

  it('shrinks when a later book is shallower', () => {
    const b = new OrderBook('m');
    b.replace({ bids: [lv(400_000, 1), lv(390_000, 2)], asks: [lv(600_000, 1)], state: 'MARKET_STATE_OPEN', transactTime: null, receivedAt: 1 });
    b.replace({ bids: [], asks: [lv(610_000, 3)], state: 'MARKET_STATE_SUSPENDED', transactTime: null, receivedAt: 2 });
    expect(b.bestBid).toBeNull();
    expect(b.mid).toBeNull();
    expect(b.levels('bid')).toEqual([]);
    expect(b.levels('ask')).toEqual([lv(610_000, 3)]);
    expect(b.state).toBe('MARKET_STATE_SUSPENDED');
  });

  it('walks depth exactly: filled ≤ wanted, never past the limit, notional = Σ take × price', () => {
    fc.assert(
      fc.property(bookArb, fc.boolean(), fc.integer({ min: 1, max: 20_000 }), fc.option(fc.integer({ min: 1, max: 99 })), (book, buy, qty, limitTick) => {
        const b = new OrderBook('m');
        b.replace({ bids: book.bids, asks: book.asks, state: 'MARKET_STATE_OPEN', transactTime: null, receivedAt: 0 });
        const limit = limitTick === null ? null : limitTick * 10_000;
        const r = b.sweep(buy, qty, limit);
        const side = buy ? book.asks : book.bids;
        // Independent computation.
        let left = qty;
        let notional = 0;
        for (const l of side) {
          if (left === 0) break;
          if (limit !== null && (buy ? l.price > limit : l.price < limit)) break;
          const t = Math.min(left, l.qty);
          left -= t;
          notional += (t * l.price) / QTY_SCALE; // hundredths × a cent tick: a whole number of micros
        }
        expect(r.filled).toBe(qty - left);
        expect(r.notional).toBe(notional);
        expect(r.filled).toBeLessThanOrEqual(qty);
        if (r.worstPrice !== null && limit !== null) {
          expect(buy ? r.worstPrice <= limit : r.worstPrice >= limit).toBe(true);
        }
      }),
    );
  });

  it('never reports a crossed book after any accepted update', () => {
    fc.assert(
      fc.property(fc.array(bookArb, { minLength: 1, maxLength: 10 }), (books) => {
        const b = new OrderBook('m');
        for (const bk of books) {
          b.replace({ bids: bk.bids, asks: bk.asks, state: 'MARKET_STATE_OPEN', transactTime: null, receivedAt: 0 });
          if (b.bestBid !== null && b.bestAsk !== null) expect(b.bestBid).toBeLessThan(b.bestAsk);
          expect(b.levels('bid')).toEqual(bk.bids);
          expect(b.levels('ask')).toEqual(bk.asks);
        }
      }),
    );
  });

  // A small pool of sides (arrays come again), with invalid sizes (−1, 0) among the levels.
  const sideArb = fc.array(fc.record({ tick: fc.integer({ min: 1, max: 99 }), qty: fc.integer({ min: -1, max: 50 }) }), { maxLength: 4 });
  const sidePool = fc.array(sideArb, { minLength: 1, maxLength: 4 });
  const toLevels = (ls: { tick: number; qty: number }[], bid: boolean): BookLevel[] =>
    [...ls].sort((a, b) => (bid ? b.tick - a.tick : a.tick - b.tick)).map((l) => lv(l.tick * 10_000, l.qty));

  it('a side given as the array it last took is kept: the same as given a copy of it (property)', () => {
    // Sides drawn from a small pool, so arrays come again: after the same side, after another, after a rejected
    // (crossed or invalid) message. The reference is given a fresh copy each time, so it checks and copies all.
    fc.assert(
      fc.property(
        sidePool,
        sidePool,
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 25 }),
        (bidPool, askPool, steps) => {
          const bids = bidPool.map((p) => toLevels(p, true));
          const asks = askPool.map((p) => toLevels(p, false));
          const fast = new OrderBook('m');
          const plain = new OrderBook('m');
          for (const [i, j] of steps) {
            const b = bids[i % bids.length] as BookLevel[];
            const a = asks[j % asks.length] as BookLevel[];
            const outcome = (book: OrderBook, bs: BookLevel[], as: BookLevel[]): string => {
              try {
                book.replace({ bids: bs, asks: as, state: 'MARKET_STATE_OPEN', transactTime: i, receivedAt: j });
                return 'ok';
              } catch (err) {
                return (err as Error).message;
              }
            };
            expect(outcome(fast, b, a)).toBe(outcome(plain, b.map((l) => ({ ...l })), a.map((l) => ({ ...l }))));
            expect(fast.levels('bid')).toEqual(plain.levels('bid'));
            expect(fast.levels('ask')).toEqual(plain.levels('ask'));
            expect([fast.bestBid, fast.bestAsk, fast.bestBidQty, fast.bestAskQty, fast.version]).toEqual([plain.bestBid, plain.bestAsk, plain.bestBidQty, plain.bestAskQty, plain.version]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers every question as a book that copies each accepted message would (property)', () => {
    // The book keeps the message's arrays by reference; the reference keeps a copy of the last accepted
    // message's levels and answers from it. Sides come from a small pool (arrays come again), with invalid
    // sizes and crossings; the handed-out levels are changed afterwards, which must not reach the book.
    fc.assert(
      fc.property(
        sidePool,
        sidePool,
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 200 })), { minLength: 1, maxLength: 25 }),
        (bidPool, askPool, steps) => {
          const bids = bidPool.map((p) => toLevels(p, true));
          const asks = askPool.map((p) => toLevels(p, false));
          const book = new OrderBook('m');
          let ref = { bids: [] as BookLevel[], asks: [] as BookLevel[], version: 0 };
          for (const [i, j, tick, qty] of steps) {
            const b = bids[i % bids.length] as BookLevel[];
            const a = asks[j % asks.length] as BookLevel[];
            const valid = (side: BookLevel[], bid: boolean) =>
              side.every((l, k) => l.qty > 0 && (k === 0 || (bid ? l.price < (side[k - 1] as BookLevel).price : l.price > (side[k - 1] as BookLevel).price)));
            const accepted = valid(b, true) && valid(a, false) && !(b.length > 0 && a.length > 0 && (b[0] as BookLevel).price >= (a[0] as BookLevel).price);
            try {
              book.replace({ bids: b, asks: a, state: 'MARKET_STATE_OPEN', transactTime: null, receivedAt: 0 });
            } catch (err) {
              expect(err).toBeInstanceOf(BookIntegrityError);
            }
            if (accepted) ref = { bids: b.map((l) => ({ ...l })), asks: a.map((l) => ({ ...l })), version: ref.version + 1 };
            const rb = ref.bids[0];
            const ra = ref.asks[0];
            expect(book.version).toBe(ref.version);
            expect([book.bestBid, book.bestBidQty, book.bestAsk, book.bestAskQty]).toEqual([rb?.price ?? null, rb?.qty ?? 0, ra?.price ?? null, ra?.qty ?? 0]);
            expect(book.spread).toBe(rb && ra ? ra.price - rb.price : null);
            expect(book.mid).toBe(rb && ra ? Math.round((ra.price + rb.price) / 2 / 5_000) * 5_000 : null);
            expect(book.depth).toEqual({ bids: ref.bids.length, asks: ref.asks.length });
            const price = tick * 10_000;
            expect(book.sizeAt('bid', price)).toBe(ref.bids.find((l) => l.price === price)?.qty ?? 0);
            expect(book.sizeAt('ask', price)).toBe(ref.asks.find((l) => l.price === price)?.qty ?? 0);
            const sweepRef = (side: BookLevel[]) => side.reduce((left, l) => left - Math.min(left, l.qty), qty);
            expect(book.sweep(true, qty, null).filled).toBe(qty - sweepRef(ref.asks));
            expect(book.sweep(false, qty, null).filled).toBe(qty - sweepRef(ref.bids));
            expect(book.levels('bid')).toEqual(ref.bids);
            expect(book.levels('ask')).toEqual(ref.asks);
            // What the book hands out is the caller's own.
            for (const l of book.levels('bid')) l.qty += 1;
            const first = book.level('ask', 0);
            if (first) first.price = 1;
            expect(book.levels('bid')).toEqual(ref.bids);
            expect(book.level('ask', 0)).toEqual(ref.asks[0]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
