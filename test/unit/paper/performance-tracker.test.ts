import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ManualClock } from '../../../shared/domain/clock.js';
import type { Fill } from '../../../shared/domain/order.js';
import { OrderExecutor } from '../../../shared/execution/executor.js';
import { PerformanceTracker } from '../../../shared/paper/performance-tracker.js';
import { M, lv, paper, usd } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

function fill(over: Partial<Fill>): Fill {
  return {
    executionId: 'e',
    orderId: 'o',
    marketSlug: M,
    intent: 'ORDER_INTENT_BUY_LONG',
    price: usd(0.5),
    qty: contracts(10),
    fee: 20_000,
    liquidity: 'TAKER',
    time: 0,
    strategyName: 'live_arbitrage',
    ...over,
  };
}

describe('performance tracker', () => {
  it('marks a book whatever the order of its levels, and always the last book read (property)', () => {
    const level = fc.record({ price: fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000), qty: fc.integer({ min: 1, max: 5_000 }) });
    const book = fc.record({ bids: fc.array(level, { maxLength: 6 }), asks: fc.array(level, { maxLength: 6 }) });
    const ev = (b: { bids: { price: number; qty: number }[]; asks: { price: number; qty: number }[] }) =>
      ({ type: 'book', marketSlug: M, bids: b.bids, asks: b.asks, state: 'MARKET_STATE_OPEN', transactTime: 1, snapshot: false, receivedAt: 1 }) as const;
    fc.assert(
      fc.property(fc.array(fc.tuple(book, fc.boolean()), { minLength: 1, maxLength: 5 }), fc.integer({ min: -20_000, max: 20_000 }), (books, net) => {
        const t = new PerformanceTracker();
        for (const [b, read] of books) {
          t.onMarketEvent(ev(b));
          if (read) t.closeout(M, net);
        }
        // The reference: the last book alone, its levels sorted best first beforehand.
        const last = books[books.length - 1]![0];
        const sorted = { bids: [...last.bids].sort((a, b) => b.price - a.price), asks: [...last.asks].sort((a, b) => a.price - b.price) };
        const ref = new PerformanceTracker();
        ref.onMarketEvent(ev(sorted));
        expect(t.closeout(M, net)).toEqual(ref.closeout(M, net));
        expect(t.midMark(M)).toBe(ref.midMark(M));
        expect(t.midValue(M, net)).toBe(ref.midValue(M, net));
      }),
      { numRuns: 500 },
    );
  });

  it('marks at executable prices (bid for a long, 1 − ask for a short, else the last trade, less the taker fee), keeps the mid beside, splits by strategy and market, ignores duplicate fills', () => {
    const t = new PerformanceTracker();
    expect(t.onFill(fill({ executionId: 'a' }))).toBe(true);
    expect(t.onFill(fill({ executionId: 'a' }))).toBe(false);
    t.onFill(fill({ executionId: 'b', marketSlug: 'mkt-b', intent: 'ORDER_INTENT_BUY_SHORT', price: usd(0.4), qty: contracts(5), fee: 10_000, strategyName: 'market_maker' }));
    t.onMarketEvent({ type: 'book', marketSlug: M, bids: [lv(0.54, 100)], asks: [lv(0.56, 100)], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 0 });
    t.onMarketEvent({ type: 'trade', marketSlug: 'mkt-b', price: usd(0.3), qty: contracts(1), takerSide: 'ORDER_SIDE_SELL', tradeTime: 0, receivedAt: 0 });
    const r = t.report();
    // Long 10 @ 0.50 sold at the bid 0.54: 5.40 − fee 0.0695 × 10 × 0.54 × 0.46 (0.17) = 5.23 → +0.23 (at mid 0.55: +0.50).
    expect(r.byMarket[M]).toMatchObject({ markedAtLastTrade: false, beyondVisibleDepth: false });
    expect(r.byMarket[M]?.unrealized.toString()).toBe('0.23');
    expect(r.byMarket[M]?.unrealizedAtMid.toString()).toBe('0.5');
    // Short 5 @ (1 − 0.40), no book: the last trade, 5 × (1 − 0.30) = 3.50 − fee 0.072975 (0.07) → +0.43 (at mid: +0.50).
    expect(r.byMarket['mkt-b']).toMatchObject({ markedAtLastTrade: true });
    expect(r.byMarket['mkt-b']?.unrealized.toString()).toBe('0.43');
    expect(r.byStrategy['market_maker']?.unrealized.toString()).toBe('0.43');
    expect(r.byStrategy['market_maker']?.fees.toString()).toBe('0.01');
    expect(r.total.net.toString()).toBe('0.63');
    expect(r.total.netAtMid.toString()).toBe('0.97');
    expect(r.total.realized.toString()).toBe('0');
    expect(t.reportJson()).toMatchObject({ total: { net: '0.630000', netAtMid: '0.970000', fills: 2, markedAtLastTrade: true } });
  });

  it('walks the book depth for the whole position and flags what lies beyond it', () => {
    const t = new PerformanceTracker({ feeRates: () => ({ takerThetaPpm: 0, makerThetaPpm: 0 }) });
    t.onFill(fill({ executionId: 'a', qty: contracts(30), fee: 0 }));
    // A best bid/offer before any whole book: the best price, size unknown → all beyond the visible depth.
    t.onMarketEvent({ type: 'bbo', marketSlug: M, bestBid: usd(0.52), bestAsk: usd(0.58), lastTradePx: null, receivedAt: 0 });
    expect(t.report().total).toMatchObject({ beyondVisibleDepth: true });
    expect(t.report().total.unrealized.toString()).toBe('0.6'); // 30 × 0.52 − 15
    t.onMarketEvent({ type: 'book', marketSlug: M, bids: [lv(0.54, 10), lv(0.53, 10)], asks: [lv(0.56, 100)], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 0 });
    // 10 × 0.54 + 10 × 0.53 + the 10 beyond at the worst level 0.53 = 16.00 → +1.00.
    expect(t.report().total.unrealized.toString()).toBe('1');
    expect(t.report().total.beyondVisibleDepth).toBe(true);
    // After a whole book, best bid/offer messages no longer replace its levels (as in the state manager).
    t.onMarketEvent({ type: 'bbo', marketSlug: M, bestBid: usd(0.9), bestAsk: usd(0.95), lastTradePx: null, receivedAt: 1 });
    expect(t.report().total.unrealized.toString()).toBe('1');
    t.onMarketEvent({ type: 'book', marketSlug: M, bids: [lv(0.54, 40)], asks: [lv(0.56, 100)], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 2 });
    expect(t.report().total).toMatchObject({ beyondVisibleDepth: false });
  });

  it('values strategies alone and the market (and total) at the account’s net position, as the breaker does', () => {
    const t = new PerformanceTracker();
    t.onFill(fill({ executionId: 'a', fee: 0, strategyName: 'a' })); // long 10 @ 0.50, cost 5.00
    t.onFill(fill({ executionId: 'b', fee: 0, strategyName: 'b', intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.6) })); // short 10, cost 4.00
    t.onMarketEvent({ type: 'book', marketSlug: M, bids: [lv(0.54, 100)], asks: [lv(0.56, 100)], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 0 });
    const r = t.report();
    // Each alone pays the spread and the fee to close: 5.23 − 5.00 and (4.40 − 0.17) − 4.00.
    expect(r.byStrategy['a']?.unrealized.toString()).toBe('0.23');
    expect(r.byStrategy['b']?.unrealized.toString()).toBe('0.23');
    // The account is flat: it bought at 0.50 and sold at 0.60, +1.00 whatever the book.
    expect(r.byMarket[M]?.unrealized.toString()).toBe('1');
    expect(r.total.net.toString()).toBe('1');
    expect(r.total.netAtMid.toString()).toBe('1');
  });

  it('flags an unmarked position and values it at cost; settlement realizes', () => {
    const t = new PerformanceTracker();
    t.onFill(fill({ executionId: 'a' }));
    expect(t.report().total).toMatchObject({ unmarked: true });
    expect(t.report().total.unrealized.toString()).toBe('0');
    t.settle(M, 0);
    const r = t.report();
    expect(r.total.realized.toString()).toBe('-5');
    expect(r.total.unrealized.toString()).toBe('0');
    expect(r.total.openQty).toBe(0);
    expect(r.total.net.toString()).toBe('-5.02');
  });

  it('the executor runs unchanged against the paper exchange: fills reach the tracker and the PnL', async () => {
    const p = paper({ latencyMs: 20 });
    const clock = p.clock as ManualClock;
    const executor = new OrderExecutor({ gateway: p.ex, clock, scheduler: p.scheduler });
    const perf = new PerformanceTracker();
    p.ex.onEvent((e) => {
      if (e.type === 'execution') executor.onExecution(e.execution);
    });
    executor.tracker.onFill((f) => perf.onFill(f));
    p.book([lv(0.5, 100)], [lv(0.55, 30)]);
    const r = await executor.execute({
      marketSlug: M,
      action: 'BUY_YES',
      price: usd(0.55),
      quantity: contracts(20),
      urgency: 'HIGH',
      strategyName: 'live_arbitrage',
      confidence: 1,
      reason: 'score',
      fairProbability: 0.7,
      createdAt: 0,
    });
    expect(r.status).toBe('submitted');
    p.scheduler.advance(20);
    const o = executor.tracker.find(r.status === 'submitted' ? r.orderId : '')!;
    // taker fee 0.0695 × 20 × 0.55 × 0.45 = 0.344 → 0.34
    expect(o).toMatchObject({ status: 'FILLED', filledQty: contracts(20), avgPrice: usd(0.55), feesPaid: 340_000 });
    p.ex.settle(M, 1_000_000);
    perf.settle(M, 1_000_000);
    const total = perf.report().total;
    expect(total.realized.toString()).toBe('9');
    expect(total.net.toString()).toBe('8.66');
    expect(p.ex.portfolio.cash).toBe(usd(1_000) + usd(9) - 340_000);
  });

  it('totalNet (the equity sample) is exactly report().total.net and .netAtMid, whatever the fills, books and settlements', () => {
    const slugs = ['m0', 'm1', 'm2'];
    const intents = ['ORDER_INTENT_BUY_LONG', 'ORDER_INTENT_SELL_LONG', 'ORDER_INTENT_BUY_SHORT', 'ORDER_INTENT_SELL_SHORT'] as const;
    const step = fc.oneof(
      fc.record({ k: fc.constant('fill' as const), m: fc.nat(2), s: fc.nat(2), i: fc.nat(3), p: fc.integer({ min: 1, max: 99 }), q: fc.integer({ min: 1, max: 5_000 }), fee: fc.nat(50_000) }),
      fc.record({ k: fc.constant('book' as const), m: fc.nat(2), bid: fc.integer({ min: 1, max: 49 }), ask: fc.integer({ min: 50, max: 99 }), q: fc.nat(3_000) }),
      fc.record({ k: fc.constant('trade' as const), m: fc.nat(2), p: fc.integer({ min: 1, max: 99 }) }),
      fc.record({ k: fc.constant('settle' as const), m: fc.nat(2), yes: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const t = new PerformanceTracker();
        steps.forEach((st, n) => {
          const slug = slugs[st.m] as string;
          if (st.k === 'fill') t.onFill(fill({ executionId: `e${n}`, marketSlug: slug, strategyName: ['a', 'b', 'c'][st.s], intent: intents[st.i], price: st.p * 10_000, qty: st.q, fee: st.fee }));
          else if (st.k === 'book') t.onMarketEvent({ type: 'book', marketSlug: slug, bids: [{ price: st.bid * 10_000, qty: st.q }], asks: [{ price: st.ask * 10_000, qty: st.q }], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 0 });
          else if (st.k === 'trade') t.onMarketEvent({ type: 'trade', marketSlug: slug, price: st.p * 10_000, qty: 100, takerSide: 'ORDER_SIDE_SELL', tradeTime: 0, receivedAt: 0 });
          else t.settle(slug, st.yes ? 1_000_000 : 0);
        });
        const total = t.report().total;
        const fast = t.totalNet();
        expect(fast).not.toBeNull();
        expect((fast!.net / 1e6).toString()).toBe(total.net.toNumber().toString());
        expect(total.net.times(1e6).toNumber()).toBe(fast!.net);
        expect(total.netAtMid.times(1e6).toNumber()).toBe(fast!.netAtMid);
      }),
    );
  });
});
