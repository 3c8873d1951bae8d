/**
 * A cancel of an order the exchange already cancelled or filled: the venue answers 400 with
 * `{ "message": "order <id> is not open (ORDER_STATE_…)" }` (the simulator's exact text). That is "done",
 * like a 404: no error log, counted, and — when the order is still open in the tracker — reported as a
 * possible fill gap. Any other 400 stays a failure.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { OrderGateway } from '../../../shared/domain/gateway.js';
import type { CreateOrderResult } from '../../../shared/domain/venue-models.js';
import { OrderExecutor } from '../../../shared/execution/executor.js';
import type { FillGap } from '../../../shared/execution/order-tracker.js';
import { classifyError, isOrderNotOpenError } from '../../../shared/execution/retry-handler.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { errorForStatus } from '../../../shared/venue/errors.js';
import { signal } from './helpers.js';

const CANCEL = 'POST /v1/order/{id}/cancel';
const notOpen = (id = 'ord-12', state = 'ORDER_STATE_FILLED') => errorForStatus(400, CANCEL, `order ${id} is not open (${state})`, null);

describe('classifyError: 400 "order … is not open"', () => {
  it('is not_found for the venue reply, whatever the final state', () => {
    for (const state of ['ORDER_STATE_FILLED', 'ORDER_STATE_CANCELED', 'ORDER_STATE_EXPIRED', 'ORDER_STATE_REJECTED']) {
      expect(classifyError(notOpen('ord-1', state))).toBe('not_found');
      expect(isOrderNotOpenError(notOpen('ord-1', state))).toBe(true);
    }
    expect(isOrderNotOpenError(errorForStatus(400, CANCEL, 'order ord-1 is not open', null))).toBe(true);
    // duck-typed look-alike (e.g. an error crossing a worker boundary)
    expect(classifyError({ status: 400, venueMessage: 'order x is not open (ORDER_STATE_CANCELED)' })).toBe('not_found');
  });

  it('is not any 400: other messages, other statuses and no message stay as they were', () => {
    expect(classifyError(errorForStatus(400, CANCEL, 'market mkt-a is not open', null))).toBe('fatal');
    expect(classifyError(errorForStatus(400, CANCEL, 'order ord-1 is not in market mkt-b', null))).toBe('fatal');
    expect(classifyError(errorForStatus(400, CANCEL, 'quantity must exceed: order ord-1 is not open', null))).toBe('fatal');
    expect(classifyError(errorForStatus(400, CANCEL, undefined, null))).toBe('fatal');
    expect(classifyError(errorForStatus(409, CANCEL, 'order ord-1 is not open (ORDER_STATE_FILLED)', null))).toBe('fatal');
    expect(classifyError(errorForStatus(503, CANCEL, 'order ord-1 is not open (ORDER_STATE_FILLED)', null))).toBe('retryable');
    expect(classifyError(new Error('order ord-1 is not open (ORDER_STATE_FILLED)'))).toBe('fatal');
  });
});

class Gateway implements OrderGateway {
  cancelErrors: Error[] = [];
  cancels = 0;
  async createOrder(): Promise<CreateOrderResult> {
    return { orderId: 'ord-12', executions: [], recovered: false };
  }
  async cancelOrder(): Promise<void> {
    this.cancels++;
    const e = this.cancelErrors.shift();
    if (e) throw e;
  }
  async modifyOrder(): Promise<void> {}
  async cancelAll(): Promise<string[]> {
    return [];
  }
  async openOrders() {
    return [];
  }
}

describe('executor cancel answered "not open"', () => {
  it('is done: true, no error line, no retry, counted, and a fill gap is reported for the still-open order', async () => {
    const clock = new ManualClock(1_000);
    const gateway = new Gateway();
    const logger = new MemoryLogger();
    const metrics = new MetricsRegistry();
    const executor = new OrderExecutor({ gateway, clock, scheduler: new ManualScheduler(clock), logger, metrics, config: { autoReconcile: false } });
    const gaps: FillGap[] = [];
    executor.tracker.onFillGap((g) => gaps.push(g));
    await executor.execute(signal({ timeInForce: 'GTC' }));

    gateway.cancelErrors.push(notOpen());
    expect(await executor.cancel('ord-12')).toBe(true);
    expect(gateway.cancels).toBe(1);
    expect(logger.lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    expect(metrics.counter('execution.cancel_not_open')).toBe(1);
    expect(metrics.counter('execution.cancel_failed')).toBe(0);
    expect(gaps).toEqual([expect.objectContaining({ orderId: 'ord-12', reason: 'order_gone' })]);

    // A different 400 is still a failure, logged at error level.
    gateway.cancelErrors.push(errorForStatus(400, CANCEL, 'order ord-12 is not in market mkt-b', null));
    expect(await executor.cancel('ord-12')).toBe(false);
    expect(metrics.counter('execution.cancel_failed')).toBe(1);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['cancel failed']);

    // 404 stays "done" too, counted separately.
    gateway.cancelErrors.push(errorForStatus(404, CANCEL, 'order not found', null));
    expect(await executor.cancel('ord-12')).toBe(true);
    expect(metrics.counter('execution.cancel_not_found')).toBe(1);
  });
});
