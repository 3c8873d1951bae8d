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
  it('marks at mid (or last), prices shorts at 1 − mark, splits by strategy and market, ignores duplicate fills', () => {
    const t = new PerformanceTracker('mid');
    expect(t.onFill(fill({ executionId: 'a' }))).toBe(true);
    expect(t.onFill(fill({ executionId: 'a' }))).toBe(false);
    t.onFill(fill({ executionId: 'b', marketSlug: 'mkt-b', intent: 'ORDER_INTENT_BUY_SHORT', price: usd(0.4), qty: contracts(5), fee: 10_000, strategyName: 'market_maker' }));
    t.onMarketEvent({ type: 'book', marketSlug: M, bids: [lv(0.54, 1)], asks: [lv(0.56, 1)], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: 0 });
    t.onMarketEvent({ type: 'trade', marketSlug: 'mkt-b', price: usd(0.3), qty: contracts(1), takerSide: 'ORDER_SIDE_SELL', tradeTime: 0, receivedAt: 0 });
    const r = t.report();
    // long 10 @ 0.50 marked at mid 0.55 → +0.50; short 5 @ (1 − 0.40) marked at 1 − 0.30 → +0.50
    expect(r.byMarket[M]?.unrealized.toString()).toBe('0.5');
    expect(r.byMarket['mkt-b']?.unrealized.toString()).toBe('0.5');
    expect(r.byStrategy['market_maker']?.fees.toString()).toBe('0.01');
    expect(r.total.net.toString()).toBe('0.97');
    expect(r.total.realized.toString()).toBe('0');
    expect(t.reportJson()).toMatchObject({ total: { net: '0.970000', fills: 2 } });
  });

  it('flags an unmarked position and values it at cost; settlement realizes', () => {
    const t = new PerformanceTracker('last');
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
    const perf = new PerformanceTracker('mid');
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
});
