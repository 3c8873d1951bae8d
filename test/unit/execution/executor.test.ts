import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { OrderGateway } from '../../../shared/domain/gateway.js';
import type { PriceMicros } from '../../../shared/domain/money.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import type { CreateOrderResult, VenueOrder } from '../../../shared/domain/venue-models.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { OrderExecutor, type LatencySample } from '../../../shared/execution/executor.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { AmbiguousOrderError, BadRequestError, NotFoundError, ServerError } from '../../../shared/venue/errors.js';
import { execution, signal, venueOrder } from './helpers.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';

type Step<T> = T | Error | Promise<T>;

class FakeGateway implements OrderGateway {
  creates: OrderRequest[] = [];
  cancels: string[] = [];
  modifies: { orderId: string; change: { price?: PriceMicros; quantity?: Qty } }[] = [];
  cancelAlls: (string[] | undefined)[] = [];
  openOrderCalls = 0;
  createSteps: Step<CreateOrderResult>[] = [];
  cancelSteps: Step<void>[] = [];
  modifySteps: Step<void>[] = [];
  open: VenueOrder[] = [];
  private n = 0;

  private async run<T>(steps: Step<T>[], dflt: () => T): Promise<T> {
    const s = steps.shift();
    if (s === undefined) return dflt();
    if (s instanceof Error) throw s;
    return s;
  }
  createOrder(request: OrderRequest): Promise<CreateOrderResult> {
    this.creates.push(request);
    return this.run(this.createSteps, () => ({ orderId: `v${++this.n}`, executions: [], recovered: false }));
  }
  cancelOrder(orderId: string): Promise<void> {
    this.cancels.push(orderId);
    return this.run(this.cancelSteps, () => undefined);
  }
  modifyOrder(orderId: string, _slug: string, change: { price?: PriceMicros; quantity?: Qty }): Promise<void> {
    this.modifies.push({ orderId, change });
    return this.run(this.modifySteps, () => undefined);
  }
  async cancelAll(marketSlugs?: string[]): Promise<string[]> {
    this.cancelAlls.push(marketSlugs);
    return ['v1'];
  }
  async openOrders(): Promise<VenueOrder[]> {
    this.openOrderCalls++;
    return this.open;
  }
}

const info = { status: 0, endpoint: 'POST /v1/orders' };
const ambiguous = (candidates: string[] = []) =>
  new AmbiguousOrderError('create timed out', { ...info, marketSlug: 'mkt-a', candidateOrderIds: candidates, reason: 'timeout' });

function setup(config: Partial<ConstructorParameters<typeof OrderExecutor>[0]['config']> = {}) {
  const clock = new ManualClock(10_000);
  const scheduler = new ManualScheduler(clock);
  const gateway = new FakeGateway();
  const metrics = new MetricsRegistry();
  const latency: LatencySample[] = [];
  const executor = new OrderExecutor({
    gateway,
    clock,
    scheduler,
    metrics,
    onLatency: (s) => latency.push(s),
    config: { autoReconcile: false, ...config },
  });
  return { clock, scheduler, gateway, metrics, latency, executor };
}

describe('order executor', () => {
  it('builds and submits an order, tracks its venue id and measures signal → request latency', async () => {
    const { gateway, executor, latency, clock, metrics } = setup();
    clock.advance(35);
    const r = await executor.execute(signal({ createdAt: 10_000, action: 'BUY_NO', price: 455_000, timeInForce: 'IOC' }));
    expect(r).toMatchObject({ status: 'submitted', orderId: 'v1' });
    expect(gateway.creates).toEqual([
      expect.objectContaining({ intent: 'ORDER_INTENT_BUY_SHORT', price: 460_000, quantity: contracts(10), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }),
    ]);
    expect(executor.tracker.find('v1')?.status).toBe('SUBMITTED');
    expect(latency).toEqual([expect.objectContaining({ signalToRequestMs: 35, marketSlug: 'mkt-a' })]);
    expect(metrics.histogram('execution.signal_to_request_ms', { strategy: 'statistical_edge' })?.max).toBe(35);
  });

  it('rejects a signal that cannot become an order without calling the gateway', async () => {
    const { gateway, executor } = setup();
    const r = await executor.execute(signal({ price: 1_000_000 }));
    expect(r).toMatchObject({ status: 'rejected', code: 'PRICE_OUT_OF_RANGE' });
    expect(gateway.creates).toHaveLength(0);
  });

  it('never retries a create that failed definitively', async () => {
    const { gateway, executor } = setup();
    gateway.createSteps.push(new ServerError('boom', { status: 503, endpoint: 'POST /v1/orders' }));
    const r = await executor.execute(signal());
    expect(r.status).toBe('rejected');
    expect(gateway.creates).toHaveLength(1);
    expect(executor.tracker.all()[0]?.status).toBe('REJECTED');
  });


  it('sends the create before its bookkeeping, and tracks it before execute returns (the next risk check sees it)', async () => {
    const { gateway, executor } = setup();
    let trackedAtSend = -1;
    const create = gateway.createOrder.bind(gateway);
    gateway.createOrder = (request) => {
      trackedAtSend = executor.tracker.all().length;
      return create(request);
    };
    const pending = executor.execute(signal());
    // Synchronously after execute: the order is tracked, SUBMITTED and in flight.
    expect(trackedAtSend).toBe(0);
    expect(executor.tracker.all()).toEqual([expect.objectContaining({ status: 'SUBMITTED', orderId: null })]);
    expect(executor.tracker.inFlightCount('mkt-a')).toBe(1);
    expect(await pending).toMatchObject({ status: 'submitted', orderId: 'v1' });
  });

  it('a gateway that throws synchronously: the create is rejected and its order closed, not left in flight', async () => {
    const { gateway, executor } = setup();
    gateway.createOrder = () => {
      throw new BadRequestError('refused at once', { status: 400, endpoint: 'POST /v1/orders' });
    };
    const r = await executor.execute(signal());
    expect(r).toMatchObject({ status: 'rejected', reason: 'refused at once' });
    expect(executor.tracker.all()).toEqual([expect.objectContaining({ status: 'REJECTED' })]);
    expect(executor.tracker.inFlightCount('mkt-a')).toBe(0);
  });
  it('ambiguous create: no resend, market blocked, reconciliation adopts the order found (with buffered fills)', async () => {
    const { gateway, executor, clock } = setup();
    gateway.createSteps.push(ambiguous());
    const r = await executor.execute(signal({ timeInForce: 'GTC' }));
    expect(r.status).toBe('ambiguous');
    const localId = r.status === 'ambiguous' ? r.localId : '';
    expect(executor.tracker.get(localId)).toMatchObject({ status: 'SUBMITTED', pendingReconciliation: true });
    expect(executor.isMarketBlocked('mkt-a')).toBe(true);

    // Meanwhile a partial fill for the (unknown) venue order arrives on the private socket.
    executor.onExecution(execution('x1', 'v-real', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(4), lastPx: 550_000, state: 'ORDER_STATE_PARTIALLY_FILLED' }));

    // New orders on that market are blocked; other markets are not.
    expect(await executor.execute(signal())).toEqual({ status: 'blocked', reason: 'MARKET_RECONCILING' });
    expect(await executor.execute(signal({ marketSlug: 'mkt-b' }))).toMatchObject({ status: 'submitted' });
    expect(gateway.creates.filter((c) => c.marketSlug === 'mkt-a')).toHaveLength(1);

    gateway.open = [
      venueOrder('v-other', { price: 540_000, createTime: clock.now() }),
      venueOrder('v-real', { state: 'ORDER_STATE_PARTIALLY_FILLED', cumQuantity: contracts(4), createTime: clock.now() }),
    ];
    const outcomes = await executor.reconcile('mkt-a');
    expect(outcomes).toEqual([{ localId, result: 'adopted', orderId: 'v-real' }]);
    expect(executor.tracker.get(localId)).toMatchObject({ orderId: 'v-real', status: 'PARTIALLY_FILLED', filledQty: contracts(4), pendingReconciliation: false });
    // the non-matching unknown order is adopted as 'unknown' so that it is visible and cancellable
    expect(executor.tracker.getByOrderId('v-other')?.strategyName).toBe('unknown');
    expect(executor.isMarketBlocked('mkt-a')).toBe(false);
    expect(gateway.creates.filter((c) => c.marketSlug === 'mkt-a')).toHaveLength(1);
  });

  it('ambiguous create not found at the venue: closed, market reopened, never resent; a late execution is still claimed', async () => {
    const { gateway, executor, metrics, scheduler } = setup();
    gateway.createSteps.push(ambiguous());
    const r = await executor.execute(signal());
    const localId = r.status === 'ambiguous' ? r.localId : '';
    gateway.open = [];
    expect(await executor.reconcile('mkt-a')).toEqual([{ localId, result: 'absent' }]);
    expect(executor.tracker.get(localId)?.status).toBe('REJECTED');
    expect(executor.isMarketBlocked('mkt-a')).toBe(false);
    expect(gateway.creates).toHaveLength(1);

    // It did reach the venue after all: its fill must not be lost. The order closed as absent stays closed (that
    // is what the engine decided then); the venue's order is adopted under the same strategy, with its fill.
    executor.onExecution(execution('late', 'v-late', 'EXECUTION_TYPE_FILL', { lastShares: contracts(10), lastPx: 550_000, state: 'ORDER_STATE_FILLED' }));
    expect(executor.tracker.getByOrderId('v-late')).toBeUndefined(); // not before the grace: a create may own it
    await scheduler.advanceAsync(1_000);
    expect(executor.tracker.get(localId)).toMatchObject({ orderId: null, status: 'REJECTED' });
    expect(executor.tracker.getByOrderId('v-late')).toMatchObject({ strategyName: 'statistical_edge', status: 'FILLED', filledQty: contracts(10) });
    expect(metrics.counter('execution.late_claim')).toBe(1);
  });

  it('a late claim never takes the order of a create still being answered (found by the chaos soak)', async () => {
    const { gateway, executor, metrics, scheduler } = setup();
    gateway.createSteps.push(ambiguous());
    const first = await executor.execute(signal({ timeInForce: 'GTC' }));
    const firstId = first.status === 'ambiguous' ? first.localId : '';
    gateway.open = [];
    expect(await executor.reconcile('mkt-a')).toEqual([{ localId: firstId, result: 'absent' }]);

    // The strategy sends the same order again; its ack arrives on the order stream before the create's answer.
    let answer!: (r: CreateOrderResult) => void;
    gateway.createSteps.push(new Promise<CreateOrderResult>((r) => (answer = r)));
    const second = executor.execute(signal({ timeInForce: 'GTC' }));
    await Promise.resolve();
    executor.onExecution(execution('ack', 'v-second', 'EXECUTION_TYPE_NEW'));
    await scheduler.advanceAsync(5_000);
    expect(executor.tracker.getByOrderId('v-second')).toBeUndefined(); // its create is still in flight
    answer({ orderId: 'v-second', executions: [], recovered: false });
    const r = await second;
    expect(r).toMatchObject({ status: 'submitted', orderId: 'v-second' });
    await scheduler.advanceAsync(5_000);
    // The second create owns its order, live; the first stays closed; nothing was claimed or adopted.
    expect(executor.tracker.getByOrderId('v-second')).toMatchObject({ localId: (r as { localId: string }).localId, status: 'PENDING' });
    expect(executor.tracker.get(firstId)).toMatchObject({ status: 'REJECTED', orderId: null });
    expect(metrics.counter('execution.late_claim')).toBe(0);
    expect(metrics.counter('execution.unknown_venue_order')).toBe(0);
  });

  it('an order of ours nobody tracks, seen on the order stream, is adopted as unknown — not while held', async () => {
    const { executor, metrics, scheduler } = setup();
    executor.holdUnknownOrders(true);
    executor.onExecution(execution('x-old', 'v-old', 'EXECUTION_TYPE_NEW'));
    await scheduler.advanceAsync(5_000);
    expect(executor.tracker.getByOrderId('v-old')).toBeUndefined(); // start-up: the rebuild decides
    executor.holdUnknownOrders(false);
    executor.onExecution(execution('x-new', 'v-stray', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(3), lastPx: 550_000, state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    await scheduler.advanceAsync(999);
    expect(executor.tracker.getByOrderId('v-stray')).toBeUndefined();
    await scheduler.advanceAsync(1);
    expect(executor.tracker.getByOrderId('v-stray')).toMatchObject({ strategyName: 'unknown', status: 'PARTIALLY_FILLED', filledQty: contracts(3) });
    expect(metrics.counter('execution.unknown_venue_order')).toBe(1);
  });

  it('reconciles automatically on the scheduler and keeps the market blocked while open orders cannot be read', async () => {
    const { gateway, executor, scheduler } = setup({ autoReconcile: true, reconcileBackoffMs: 1_000 });
    gateway.createSteps.push(ambiguous(['v-cand']));
    let failures = 4; // 3 attempts in the first run, 1 in the second
    const open = gateway.openOrders.bind(gateway);
    gateway.openOrders = async () => {
      gateway.openOrderCalls++;
      if (failures-- > 0) throw new ServerError('down', { status: 503, endpoint: 'GET /v1/orders/open' });
      return open();
    };
    gateway.open = [venueOrder('v-cand')];
    await executor.execute(signal());
    await scheduler.advanceAsync(1_000);
    expect(executor.isMarketBlocked('mkt-a')).toBe(true);
    await scheduler.advanceAsync(10_000);
    expect(executor.isMarketBlocked('mkt-a')).toBe(false);
    expect(executor.tracker.getByOrderId('v-cand')).toBeDefined();
    expect(gateway.creates).toHaveLength(1);
  });

  it('retries cancels (idempotent) and treats not-found as done', async () => {
    const { gateway, executor, scheduler } = setup();
    await executor.execute(signal({ timeInForce: 'GTC' }));
    gateway.cancelSteps.push(new ServerError('x', { status: 502, endpoint: 'POST /v1/order/{id}/cancel' }));
    const p = executor.cancel('v1');
    await scheduler.advanceAsync(5_000);
    expect(await p).toBe(true);
    expect(gateway.cancels).toEqual(['v1', 'v1']);

    gateway.cancelSteps.push(new NotFoundError('gone', { status: 404, endpoint: 'POST /v1/order/{id}/cancel' }));
    expect(await executor.cancel('v1')).toBe(true);
    gateway.cancelSteps.push(new BadRequestError('no', { status: 400, endpoint: 'POST /v1/order/{id}/cancel' }));
    expect(await executor.cancel('v1')).toBe(false);
  });

  it('limits orders in flight per market', async () => {
    const { gateway, executor } = setup({ maxInFlightPerMarket: 2 });
    const never = new Promise<CreateOrderResult>(() => {});
    gateway.createSteps.push(never, never);
    void executor.execute(signal());
    void executor.execute(signal());
    expect(await executor.execute(signal())).toEqual({ status: 'blocked', reason: 'IN_FLIGHT_LIMIT' });
    expect(await executor.execute(signal({ marketSlug: 'mkt-b' }))).toMatchObject({ status: 'submitted' });
  });

  it('modifies a resting order that a quote replaces (total = filled + new size)', async () => {
    const { gateway, executor } = setup();
    await executor.execute(signal({ postOnly: true }));
    executor.onExecution(execution('n', 'v1', 'EXECUTION_TYPE_NEW'));
    executor.onExecution(execution('p', 'v1', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(3), lastPx: 550_000 }));
    const r = await executor.execute(signal({ postOnly: true, price: 560_000, quantity: contracts(5), replacesOrderId: 'v1' }));
    expect(r).toEqual({ status: 'modified', localId: executor.tracker.find('v1')!.localId, orderId: 'v1' });
    expect(gateway.modifies).toEqual([{ orderId: 'v1', change: { price: 560_000, quantity: contracts(8) } }]);
    expect(gateway.creates).toHaveLength(1);
  });

  it('falls back to cancel then create when the modify is refused or the intent differs', async () => {
    const { gateway, executor } = setup();
    await executor.execute(signal({ postOnly: true }));
    executor.onExecution(execution('n', 'v1', 'EXECUTION_TYPE_NEW'));
    gateway.modifySteps.push(new BadRequestError('no', { status: 400, endpoint: 'POST /v1/order/{id}/modify' }));
    const r = await executor.execute(signal({ postOnly: true, price: 560_000, replacesOrderId: 'v1' }));
    expect(r).toMatchObject({ status: 'submitted', orderId: 'v2' });
    expect(gateway.cancels).toEqual(['v1']);

    executor.onExecution(execution('n2', 'v2', 'EXECUTION_TYPE_NEW'));
    const r2 = await executor.execute(signal({ postOnly: true, action: 'SELL_YES', replacesOrderId: 'v2' }));
    expect(r2).toMatchObject({ status: 'submitted', orderId: 'v3' });
    expect(gateway.modifies).toHaveLength(1);
    expect(gateway.cancels).toEqual(['v1', 'v2']);
  });

  it('does not create the replacement when the cancel of the old order fails', async () => {
    const { gateway, executor } = setup({ cancelRetry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, allowModify: false });
    await executor.execute(signal({ postOnly: true }));
    executor.onExecution(execution('n', 'v1', 'EXECUTION_TYPE_NEW'));
    gateway.cancelSteps.push(new BadRequestError('no', { status: 400, endpoint: 'POST /v1/order/{id}/cancel' }));
    const r = await executor.execute(signal({ postOnly: true, price: 560_000, replacesOrderId: 'v1' }));
    expect(r).toMatchObject({ status: 'rejected', code: 'CANCEL_FAILED' });
    expect(gateway.creates).toHaveLength(1);
  });

  it('cancel-all cancels at the venue and cancels in-flight orders once acknowledged; halt blocks new orders', async () => {
    const { gateway, executor } = setup();
    let resolve!: (r: CreateOrderResult) => void;
    gateway.createSteps.push(new Promise<CreateOrderResult>((res) => (resolve = res)));
    const pending = executor.execute(signal());
    executor.setHalted(true);
    expect(await executor.cancelAll()).toEqual(['v1']);
    expect(gateway.cancelAlls).toEqual([undefined]);
    resolve({ orderId: 'v-late', executions: [], recovered: false });
    await pending;
    await new Promise((r) => setImmediate(r));
    expect(gateway.cancels).toEqual(['v-late']);
    expect(await executor.execute(signal())).toEqual({ status: 'blocked', reason: 'HALTED' });
  });
});

describe('order executor metric dimensions', () => {
  /** A registry that keeps every dimension object it was handed. */
  class Recording extends MetricsRegistry {
    readonly seen: { name: string; dims: object }[] = [];
    override increment(name: string, by = 1, dimensions?: Record<string, string>): void {
      if (dimensions) this.seen.push({ name, dims: dimensions });
      super.increment(name, by, dimensions);
    }
    override observe(name: string, value: number, dimensions?: Record<string, string>): void {
      if (dimensions) this.seen.push({ name, dims: dimensions });
      super.observe(name, value, dimensions);
    }
  }

  it('are made once per strategy and per block reason (frozen), with the same counts', async () => {
    const metrics = new Recording();
    const clock = new ManualClock(10_000);
    const executor = new OrderExecutor({ gateway: new FakeGateway(), clock, scheduler: new ManualScheduler(clock), metrics, config: { autoReconcile: false } });
    await executor.execute(signal({ marketSlug: 'mkt-a' }));
    await executor.execute(signal({ marketSlug: 'mkt-b' }));
    await executor.execute(signal({ marketSlug: 'mkt-c', strategyName: 'market_maker' }));
    executor.setHalted(true);
    await executor.execute(signal());
    await executor.execute(signal());
    const of = (name: string) => metrics.seen.filter((s) => s.name === name).map((s) => s.dims);
    const latency = of('execution.signal_to_request_ms');
    expect(latency).toEqual([{ strategy: 'statistical_edge' }, { strategy: 'statistical_edge' }, { strategy: 'market_maker' }]);
    expect(latency[1]).toBe(latency[0]);
    expect(latency[2]).not.toBe(latency[0]);
    const blocked = of('execution.blocked');
    expect(blocked).toEqual([{ reason: 'HALTED' }, { reason: 'HALTED' }]);
    expect(blocked[1]).toBe(blocked[0]);
    expect([...latency, ...blocked].every((d) => Object.isFrozen(d))).toBe(true);
    expect(metrics.histogram('execution.signal_to_request_ms', { strategy: 'statistical_edge' })?.count).toBe(2);
    expect(metrics.counter('execution.blocked', { reason: 'HALTED' })).toBe(2);
  });
});
