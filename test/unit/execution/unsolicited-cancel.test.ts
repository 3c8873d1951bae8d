import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../shared/domain/signal.js';
import { OrderExecutor } from '../../../shared/execution/executor.js';
import { OrderTracker, type UnsolicitedCancel } from '../../../shared/execution/order-tracker.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { UNFUNDED_CANCEL_REASON } from '../../../shared/paper/paper-exchange.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { M, lv, paper, usd } from '../paper/helpers.js';
import { execution, request } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

function quote(over: Partial<Signal>): Signal {
  return {
    marketSlug: M,
    action: 'BUY_YES',
    price: usd(0.1),
    quantity: contracts(20),
    urgency: 'LOW',
    strategyName: 'market_maker',
    confidence: 1,
    reason: 'quote',
    fairProbability: 0.15,
    createdAt: 0,
    postOnly: true,
    timeInForce: 'GTC',
    ...over,
  };
}

describe('cancels nobody asked for', () => {
  it('the tracker closes the order with the venue\'s reason, counts it by reason and tells its listeners', () => {
    const metrics = new MetricsRegistry();
    const tracker = new OrderTracker({ clock: new ManualClock(0), metrics });
    const heard: UnsolicitedCancel[] = [];
    tracker.onUnsolicitedCancel((c) => heard.push(c));
    const o = tracker.create(request(), 'market_maker');
    tracker.markSubmitted(o.localId);
    tracker.attachVenueId(o.localId, 'v1');
    tracker.applyExecution(execution('e0', 'v1', 'EXECUTION_TYPE_NEW'));
    const x = { ...execution('e1', 'v1', 'EXECUTION_TYPE_CANCELED', { state: 'ORDER_STATE_CANCELED' }), unsolicitedCancelReason: 'UNSOLICITED_CXL_REASON_CONNECTION_LOSS' as const };
    expect(tracker.applyExecution(x)).toMatchObject({ applied: true, order: { status: 'CANCELLED' } });
    expect(tracker.get(o.localId)).toMatchObject({ status: 'CANCELLED', leavesQty: 0, unsolicitedCancelReason: 'UNSOLICITED_CXL_REASON_CONNECTION_LOSS', cancelReason: 'UNSOLICITED_CXL_REASON_CONNECTION_LOSS' });
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ reason: 'UNSOLICITED_CXL_REASON_CONNECTION_LOSS', order: { localId: o.localId } });
    expect(metrics.counter('execution.unsolicited_cancel', { reason: 'UNSOLICITED_CXL_REASON_CONNECTION_LOSS' })).toBe(1);
    // a cancel we asked for is not counted as unsolicited
    const p = tracker.create(request(), 'market_maker');
    tracker.markSubmitted(p.localId);
    tracker.attachVenueId(p.localId, 'v2');
    tracker.applyExecution(execution('e2', 'v2', 'EXECUTION_TYPE_CANCELED', { state: 'ORDER_STATE_CANCELED' }));
    expect(tracker.get(p.localId)).toMatchObject({ status: 'CANCELLED', cancelReason: 'EXECUTION_TYPE_CANCELED' });
    expect(tracker.get(p.localId)?.unsolicitedCancelReason).toBeUndefined();
    expect(heard).toHaveLength(1);
  });

  it('paper → executor: the unfunded bid is closed in the tracker, not retried, not an error; the quote is gone for the strategy', async () => {
    const p = paper({ balance: 3 });
    const metrics = new MetricsRegistry();
    const logger = new MemoryLogger();
    const executor = new OrderExecutor({ gateway: p.ex, clock: p.clock, scheduler: p.scheduler, metrics, logger });
    p.ex.onEvent((e) => executor.onVenueEvent(e));
    p.book([lv(0.05, 100)], [lv(0.25, 100)]);
    const bid = await executor.execute(quote({}));
    const offer = await executor.execute(quote({ action: 'SELL_YES', price: usd(0.2), quantity: contracts(2) }));
    expect(bid.status).toBe('submitted');
    expect(offer.status).toBe('submitted');
    p.scheduler.advance(100);
    expect(executor.tracker.restingOrders({ marketSlug: M, strategyName: 'market_maker' })).toHaveLength(2);

    p.trade(0.2, 2, 'ORDER_SIDE_BUY'); // the offer fills; the bid is no longer funded and the exchange cancels it
    const b = executor.tracker.get(bid.status === 'submitted' ? bid.localId : '')!;
    expect(b).toMatchObject({ status: 'CANCELLED', unsolicitedCancelReason: UNFUNDED_CANCEL_REASON });
    expect(metrics.counter('execution.unsolicited_cancel', { reason: UNFUNDED_CANCEL_REASON })).toBe(1);
    // what the market maker reads of its quotes (StrategyContext.restingOrders → the tracker): none resting
    expect(executor.tracker.openOrders({ marketSlug: M, strategyName: 'market_maker' })).toEqual([]);
    // the strategy's cancel of the gone quote is done at once: no venue call, no retry, no error
    expect(await executor.cancel(b.localId)).toBe(true);
    p.scheduler.advance(1_000);
    expect(metrics.counter('execution.cancel_failed')).toBe(0);
    expect(metrics.counter('execution.cancel_retry')).toBe(0);
    expect(metrics.counter('execution.illegal_transition', { from: 'CANCELLED', to: 'CANCELLED' })).toBe(0);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(p.ex.portfolio.cash).toBeGreaterThanOrEqual(0);
    expect(p.ex.balance().buyingPower).toBeGreaterThanOrEqual(0);
  });

  it('a cancel being retried stops once the exchange has cancelled the order itself', async () => {
    const p = paper({ balance: 100 });
    const metrics = new MetricsRegistry();
    let calls = 0;
    const gateway = Object.create(p.ex) as typeof p.ex;
    gateway.cancelOrder = async () => {
      calls++;
      throw Object.assign(new Error('server busy'), { status: 503 });
    };
    const executor = new OrderExecutor({ gateway, clock: p.clock, scheduler: p.scheduler, metrics, config: { cancelRetry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 100 } } });
    p.ex.onEvent((e) => executor.onVenueEvent(e));
    p.book([lv(0.4, 100)], [lv(0.6, 100)]);
    const r = await executor.execute(quote({ price: usd(0.45), quantity: contracts(5) }));
    p.scheduler.advance(100);
    const localId = r.status === 'submitted' ? r.localId : '';
    const orderId = r.status === 'submitted' ? r.orderId : '';
    const cancelling = executor.cancel(localId);
    await Promise.resolve();
    expect(calls).toBe(1);
    // the exchange cancels it on its own (e.g. maintenance) before the retry
    executor.onExecution({ ...execution('u1', orderId, 'EXECUTION_TYPE_CANCELED', { state: 'ORDER_STATE_CANCELED' }), unsolicitedCancelReason: 'UNSOLICITED_CXL_REASON_EXCHANGE_OPTION' });
    await p.scheduler.advanceAsync(2_000);
    await expect(cancelling).resolves.toBe(true);
    expect(calls).toBe(1);
    expect(executor.tracker.get(localId)).toMatchObject({ status: 'CANCELLED', unsolicitedCancelReason: 'UNSOLICITED_CXL_REASON_EXCHANGE_OPTION' });
  });
});
