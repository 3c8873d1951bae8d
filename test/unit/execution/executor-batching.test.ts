import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { BatchCreateOutcome, OrderGateway } from '../../../shared/domain/gateway.js';
import type { PriceMicros } from '../../../shared/domain/money.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import type { CreateOrderResult, VenueOrder } from '../../../shared/domain/venue-models.js';
import { STOPGAP_REJECT_CODE, OrderExecutor } from '../../../shared/execution/executor.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { AmbiguousOrderError, StopgapRejectError } from '../../../shared/venue/errors.js';
import { execution, signal } from './helpers.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';

type Change = { price?: PriceMicros; quantity?: Qty };

/** A gateway with batch calls that records every request it gets. */
class BatchGateway implements OrderGateway {
  readonly calls: string[] = [];
  createOutcomes: ((r: OrderRequest, i: number) => BatchCreateOutcome) | null = null;
  open: VenueOrder[] = [];
  private n = 0;
  async createOrder(request: OrderRequest): Promise<CreateOrderResult> {
    this.calls.push(`create ${request.quantity}`);
    return { orderId: `v${++this.n}`, executions: [], recovered: false };
  }
  async cancelOrder(orderId: string): Promise<void> {
    this.calls.push(`cancel ${orderId}`);
  }
  async modifyOrder(orderId: string): Promise<void> {
    this.calls.push(`modify ${orderId}`);
  }
  async cancelAll(): Promise<string[]> {
    this.calls.push('cancelAll');
    return [];
  }
  async openOrders(): Promise<VenueOrder[]> {
    this.calls.push('openOrders');
    return this.open;
  }
  async createOrders(requests: OrderRequest[]): Promise<BatchCreateOutcome[]> {
    this.calls.push(`createOrders ${requests.length}`);
    return requests.map((r, i) => this.createOutcomes?.(r, i) ?? { ok: true, result: { orderId: `v${++this.n}`, executions: [], recovered: false } });
  }
  async cancelOrders(orders: { orderId: string }[]): Promise<void> {
    this.calls.push(`cancelOrders ${orders.map((o) => o.orderId).join(',')}`);
  }
  async modifyOrders(orders: { orderId: string; change: Change }[]): Promise<void> {
    this.calls.push(`modifyOrders ${orders.map((o) => o.orderId).join(',')}`);
  }
}

function setup() {
  const clock = new ManualClock(10_000);
  const scheduler = new ManualScheduler(clock);
  const gateway = new BatchGateway();
  const metrics = new MetricsRegistry();
  const stopgaps: string[] = [];
  const executor = new OrderExecutor({
    gateway,
    clock,
    scheduler,
    metrics,
    config: { autoReconcile: false, maxInFlightPerMarket: 50 },
    onStopgapReject: (o) => stopgaps.push(o?.localId ?? '?'),
  });
  return { gateway, executor, metrics, stopgaps };
}

describe('executor batching', () => {
  it('sends the creates of one turn as one batch, and the cancels of one turn (a pull) as one batch', async () => {
    const { gateway, executor } = setup();
    const results = await Promise.all([1, 2, 3].map((q) => executor.execute(signal({ quantity: contracts(q) }))));
    expect(results.map((r) => r.status)).toEqual(['submitted', 'submitted', 'submitted']);
    expect(gateway.calls).toEqual(['createOrders 3']);
    const ids = results.map((r) => (r.status === 'submitted' ? r.localId : ''));
    await Promise.all(ids.map((id) => executor.cancel(id)));
    expect(gateway.calls).toEqual(['createOrders 3', 'cancelOrders v1,v2,v3']);
  });

  it('requotes of one turn go out as one batch modify', async () => {
    const { gateway, executor } = setup();
    const first = await Promise.all([1, 2].map((q) => executor.execute(signal({ quantity: contracts(q) }))));
    for (const [i, r] of first.entries()) if (r.status === 'submitted') executor.onExecution(execution(`x${i}`, r.orderId, 'EXECUTION_TYPE_NEW'));
    const ids = first.map((r) => (r.status === 'submitted' ? r.localId : ''));
    const requotes = await Promise.all(ids.map((id) => executor.execute(signal({ price: 560_000, replacesOrderId: id }))));
    expect(requotes.map((r) => r.status)).toEqual(['modified', 'modified']);
    expect(gateway.calls).toEqual(['createOrders 2', 'modifyOrders v1,v2']);
  });

  it('an ambiguous entry of a batch create blocks its market for reconciliation like a single create; the others stand', async () => {
    const { gateway, executor } = setup();
    gateway.createOutcomes = (r, i) =>
      i === 1
        ? { ok: false, error: new AmbiguousOrderError('batch timed out', { status: 0, endpoint: 'POST /v1/orders/batched', marketSlug: r.marketSlug, candidateOrderIds: [], reason: 'timeout' }) }
        : { ok: true, result: { orderId: `v-${i}`, executions: [], recovered: false } };
    const results = await Promise.all([
      executor.execute(signal({ quantity: contracts(1) })),
      executor.execute(signal({ quantity: contracts(2), marketSlug: 'mkt-b' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['submitted', 'ambiguous']);
    expect(executor.isMarketBlocked('mkt-b')).toBe(true);
    expect(executor.isMarketBlocked('mkt-a')).toBe(false);
    expect(gateway.calls).toEqual(['createOrders 2']);
  });

  it('a stopgap reject is a distinct, counted, transient reject (response or stream), never a throttle', async () => {
    const { gateway, executor, metrics, stopgaps } = setup();
    gateway.createOutcomes = (r, i) =>
      i === 0
        ? { ok: false, error: new StopgapRejectError('rejected', { status: 400, endpoint: 'POST /v1/orders/batched', venueMessage: 'Global Rate Limit Exceeded' }) }
        : { ok: true, result: { orderId: 'v-ok', executions: [], recovered: false } };
    const [a, b] = await Promise.all([executor.execute(signal({ quantity: contracts(1) })), executor.execute(signal({ quantity: contracts(2) }))]);
    expect(a).toMatchObject({ status: 'rejected', code: STOPGAP_REJECT_CODE });
    expect(b.status).toBe('submitted');
    const x = execution('x-rej', 'v-ok', 'EXECUTION_TYPE_REJECTED', { state: 'ORDER_STATE_REJECTED' });
    executor.onExecution({ ...x, text: 'Global Rate Limit Exceeded' });
    expect(metrics.counter('execution.stopgap_rejects', { via: 'response' })).toBe(1);
    expect(metrics.counter('execution.stopgap_rejects', { via: 'stream' })).toBe(1);
    expect(stopgaps).toHaveLength(2);
    expect(executor.tracker.find(b.status === 'submitted' ? b.localId : '')?.status).toBe('REJECTED');
    expect(executor.isHalted()).toBe(false);
  });
});
