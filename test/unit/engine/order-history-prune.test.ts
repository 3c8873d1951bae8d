/**
 * The engine forgets finished orders on its tick: a filled, cancelled or rejected order leaves the trackers
 * (paper and live) once its last update is older than the configured history (default 1 h), checked at most
 * once a minute; open orders are never pruned, whatever their age, and a recently finished order stays.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { OrderGateway } from '../../../shared/domain/gateway.js';
import { assembleEngine, DEFAULT_ORDER_HISTORY_MS } from '../../../shared/engine/assemble-engine.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';
import { orderRequest } from '../../support/domain-fixtures.js';
import { engineConfig } from '../../support/engine-fixtures.js';
import { contracts } from '../../../shared/domain/quantity.js';

const MIN = 60_000;
const stubGateway = {} as OrderGateway;

function world(orderHistoryMs?: number) {
  const clock = new ManualClock(Date.UTC(2025, 0, 15));
  const metrics = new MetricsRegistry();
  const engine = assembleEngine({
    config: engineConfig(),
    clock,
    scheduler: new ManualScheduler(clock),
    directory: new MarketDirectory(),
    liveGateway: stubGateway,
    metrics,
    ...(orderHistoryMs !== undefined ? { orderHistoryMs } : {}),
  });
  engine.start();
  const tick = (ms: number): void => {
    clock.advance(ms);
    engine.tick(clock.now());
  };
  return { clock, engine, metrics, tick };
}

describe('order history pruning on the engine tick', () => {
  it('drops finished orders older than 1 h by default, keeps open and recently finished ones', () => {
    const { engine, tick, metrics } = world();
    expect(DEFAULT_ORDER_HISTORY_MS).toBe(3_600_000);
    const paper = engine.executor().tracker;
    const old = paper.create(orderRequest(), 'statistical_edge');
    paper.markRejected(old.localId, 'test');
    const open = paper.create(orderRequest({ marketSlug: 'mkt-b' }), 'market_maker');
    paper.markSubmitted(open.localId);

    tick(59 * MIN);
    expect(paper.get(old.localId)).toBeDefined(); // 59 min old: kept

    const recent = paper.create(orderRequest(), 'statistical_edge');
    paper.markRejected(recent.localId, 'test');
    tick(2 * MIN); // `old` is now 61 min old, `recent` 2 min
    expect(paper.get(old.localId)).toBeUndefined();
    expect(paper.get(recent.localId)?.status).toBe('REJECTED');
    expect(paper.get(open.localId)?.status).toBe('SUBMITTED');
    expect(metrics.counter('engine.orders_pruned')).toBe(1);

    tick(24 * 60 * MIN); // a day on: the open order is still there, the recent one is gone
    expect(paper.get(open.localId)?.status).toBe('SUBMITTED');
    expect(paper.openOrders().map((o) => o.localId)).toEqual([open.localId]);
    expect(paper.get(recent.localId)).toBeUndefined();
  });

  it('honours a configured history and prunes the live tracker too, at most once a minute', async () => {
    const { engine, tick } = world(5 * MIN);
    const paper = engine.executor().tracker;
    await engine.setMode('live');
    const live = engine.executor().tracker;
    expect(live).not.toBe(paper);
    const a = paper.create(orderRequest(), 'statistical_edge');
    paper.markRejected(a.localId, 'test');
    const b = live.create(orderRequest(), 'statistical_edge');
    live.markRejected(b.localId, 'test');

    tick(50_000); // first check is a minute after start: nothing yet
    expect(live.get(b.localId)).toBeDefined();
    tick(5 * MIN); // 5 min 50 s old, the minute has passed
    expect(paper.get(a.localId)).toBeUndefined();
    expect(live.get(b.localId)).toBeUndefined();

    // Throttle: a prune at most once a minute, even when an order has become old enough in between.
    const c = live.create(orderRequest(), 'statistical_edge');
    live.markRejected(c.localId, 'test');
    tick(4 * MIN + 45_000); // a prune runs; c is 4 min 45 s old: kept
    expect(live.get(c.localId)).toBeDefined();
    tick(30_000); // c is 5 min 15 s old, but the last prune was 30 s ago
    expect(live.get(c.localId)).toBeDefined();
    tick(30_000); // a minute since the last prune
    expect(live.get(c.localId)).toBeUndefined();
  });

  it('is not a leak: fills of an order pruned later are not re-applied (execution ids stay remembered)', () => {
    const { engine, tick } = world(MIN);
    const t = engine.executor().tracker;
    const o = t.create(orderRequest({ quantity: contracts(2) }), 'statistical_edge');
    t.markSubmitted(o.localId);
    t.attachVenueId(o.localId, 'v-1');
    const order = { id: 'v-1', marketSlug: 'mkt-a', side: 'ORDER_SIDE_BUY', type: 'ORDER_TYPE_LIMIT', price: 550_000, quantity: contracts(2), cumQuantity: contracts(2), leavesQuantity: 0, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', goodTillTime: null, intent: 'ORDER_INTENT_BUY_LONG', state: 'ORDER_STATE_FILLED', avgPx: 550_000, createTime: null, commissionsBasisPoints: null, makerCommissionsBasisPoints: null } as const;
    const exec = { id: 'x-1', order, lastShares: contracts(2), lastPx: 550_000, type: 'EXECUTION_TYPE_FILL', text: null, orderRejectReason: null, transactTime: null, tradeId: 't-1', aggressor: true, commissionNotionalCollected: null } as const;
    expect(t.applyExecution(exec).applied).toBe(true);
    tick(2 * MIN);
    expect(t.get(o.localId)).toBeUndefined();
    const again = t.applyExecution(exec);
    expect(again).toMatchObject({ applied: false, reason: 'duplicate' });
  });
});
