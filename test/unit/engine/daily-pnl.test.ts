import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { executableMark, levelsOf } from '../../../shared/domain/executable-mark.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { Fill } from '../../../shared/domain/order.js';
import { ORDER_INTENTS, type OrderIntent } from '../../../shared/domain/venue-enums.js';
import { DailyPnlMonitor } from '../../../shared/engine/daily-pnl.js';
import { contracts, qtyTimesMicros, type Qty } from '../../../shared/domain/quantity.js';
import { PerformanceTracker } from '../../../shared/paper/performance-tracker.js';

/** A value function at one long-side price for any size, no fee (the monitor's input in these tests). */
const at = (longPrice: number | null) => (_slug: string, netQty: Qty) =>
  longPrice === null ? null : qtyTimesMicros(Math.abs(netQty), netQty > 0 ? longPrice : 1_000_000 - longPrice, 'down');

let seq = 0;
function fill(intent: OrderIntent, qty: Qty, price: number, fee = 0, marketSlug = 'm'): Fill {
  return { executionId: `x${++seq}`, orderId: 'o', marketSlug, intent, price, qty, fee, liquidity: 'TAKER', time: 0, strategyName: 's' };
}

describe('DailyPnlMonitor', () => {
  it('books a round trip: buy 10 at 0.40, sell 10 at 0.55 → realized 1.50 less fees', () => {
    const pnl = new DailyPnlMonitor(at(null));
    pnl.onFill(fill('ORDER_INTENT_BUY_LONG', contracts(10), 400_000, 10_000));
    pnl.onFill(fill('ORDER_INTENT_SELL_LONG', contracts(10), 550_000, 10_000));
    expect(pnl.dailyPnl()).toEqual({ realized: 1_500_000 - 20_000, unrealized: 0 });
  });

  it('values a position with the value function of its whole net size: short 10 at 0.60 (cost 4.00) worth 3.00 → −1.00', () => {
    const mark = { v: 700_000 };
    const asked: Qty[] = [];
    const pnl = new DailyPnlMonitor((slug, q) => (asked.push(q), at(mark.v)(slug, q)));
    pnl.onFill(fill('ORDER_INTENT_BUY_SHORT', contracts(10), 600_000));
    expect(pnl.dailyPnl()).toEqual({ realized: 0, unrealized: -1_000_000 });
    mark.v = 500_000;
    expect(pnl.dailyPnl().unrealized).toBe(1_000_000);
    expect(asked).toEqual([-contracts(10), -contracts(10)]);
  });

  it('realizes a settlement and restarts the day from zero after a reset', () => {
    const pnl = new DailyPnlMonitor(at(500_000), 2_000_000);
    pnl.onFill(fill('ORDER_INTENT_BUY_LONG', contracts(4), 250_000));
    expect(pnl.dailyPnl()).toEqual({ realized: 2_000_000, unrealized: 1_000_000 });
    pnl.settle('m', 1_000_000);
    expect(pnl.dailyPnl()).toEqual({ realized: 5_000_000, unrealized: 0 });
    pnl.resetDay();
    expect(pnl.dailyPnl()).toEqual({ realized: 0, unrealized: 0 });
  });

  it('counts an unmarked position at cost and a seeded position from before a restart', () => {
    const marks = new Map<string, number>();
    const pnl = new DailyPnlMonitor((s, q) => at(marks.get(s) ?? null)(s, q));
    pnl.seedPosition('a', contracts(-5), 2_000_000);
    expect(pnl.dailyPnl().unrealized).toBe(0);
    marks.set('a', 500_000);
    // Short 5 costing 2.00, marked at 1 − 0.50 = 0.50 each → 2.50: +0.50.
    expect(pnl.dailyPnl().unrealized).toBe(500_000);
  });

  it('equals the performance tracker’s total (realized + unrealized − fees) for any fill sequence and book, at executable marks', () => {
    const fillArb = fc.record({
      intent: fc.constantFrom(...ORDER_INTENTS),
      qty: fc.integer({ min: 1, max: 50_000 }), // hundredths: up to 500 contracts
      tick: fc.integer({ min: 1, max: 99 }),
      fee: fc.integer({ min: 0, max: 50_000 }),
      market: fc.constantFrom('a', 'b'),
      // Two strategies may hold opposite sides of one market: the tracker's total is the account's.
      strategy: fc.constantFrom('s', 't'),
    });
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 60 }), fc.integer({ min: 1, max: 98 }), fc.integer({ min: 1, max: 98 }), (fills, bidTick, spread) => {
        const bid = bidTick * 10_000;
        const ask = Math.min(990_000, bid + spread * 10_000);
        const bids: BookLevel[] = [{ price: bid, qty: contracts(50) }, { price: bid - 5_000, qty: contracts(100) }];
        const asks: BookLevel[] = [{ price: ask, qty: contracts(50) }];
        const tracker = new PerformanceTracker();
        // The monitor's value function: the same book and the default taker Θ (the state manager's closeoutMark).
        const pnl = new DailyPnlMonitor((_s, netQty) =>
          executableMark({ netQty, closeLevels: levelsOf(netQty > 0 ? bids : asks), oppositeBest: netQty > 0 ? ask : bid, lastTrade: null, takerThetaPpm: 69_500 }).value,
        );
        for (const m of ['a', 'b']) {
          tracker.onMarketEvent({ type: 'book', marketSlug: m, bids, asks, state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 0 });
        }
        for (const f of fills) {
          const x = { ...fill(f.intent, f.qty, f.tick * 10_000, f.fee, f.market), strategyName: f.strategy };
          tracker.onFill(x);
          pnl.onFill(x);
        }
        const t = tracker.report().total;
        const d = pnl.dailyPnl();
        expect(d.realized + d.unrealized).toBe(t.net.mul(1_000_000).toNumber());
      }),
    );
  });
});
