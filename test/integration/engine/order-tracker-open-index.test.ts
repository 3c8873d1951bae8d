/**
 * The order tracker keeps an index of its open orders by market, so that the engine's hot-path queries
 * (open / resting / in-flight orders of a market, asked by strategies and by the risk manager on every
 * signal) cost the open orders of that market, not the whole day's history of terminal ones. Before the
 * index the tick-to-order latency grew linearly with every order ever placed (3 → 12 ms per message over
 * 2 000 messages in test/bench/tick-to-order.bench.ts). This property test checks the index never
 * disagrees with the brute-force answer over `all()`, whatever sequence of creates, acks, fills, cancels,
 * rejects and order snapshots happens.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { ExecutionType, VenueOrderState } from '../../../shared/domain/venue-enums.js';
import type { VenueExecution } from '../../../shared/domain/venue-models.js';
import { OPEN_STATUSES, OrderTracker, RESTING_STATUSES, type OrderView } from '../../../shared/execution/order-tracker.js';
import { orderRequest, venueOrder } from '../../support/domain-fixtures.js';

const MARKETS = ['m-a', 'm-b', 'm-c'];
const STRATEGIES = ['market_maker', 'statistical_edge'];

type Op =
  | { k: 'create'; market: number; strategy: number; qty: number }
  | { k: 'submit'; i: number }
  | { k: 'ack'; i: number }
  | { k: 'exec'; i: number; type: ExecutionType; shares: number }
  | { k: 'reject'; i: number }
  | { k: 'snapshot'; i: number; state: VenueOrderState };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('create' as const), market: fc.nat(2), strategy: fc.nat(1), qty: fc.integer({ min: 1, max: 10 }) }), // whole contracts
  fc.record({ k: fc.constant('submit' as const), i: fc.nat(30) }),
  fc.record({ k: fc.constant('ack' as const), i: fc.nat(30) }),
  fc.record({
    k: fc.constant('exec' as const),
    i: fc.nat(30),
    type: fc.constantFrom<ExecutionType>('EXECUTION_TYPE_NEW', 'EXECUTION_TYPE_PARTIAL_FILL', 'EXECUTION_TYPE_FILL', 'EXECUTION_TYPE_CANCELED', 'EXECUTION_TYPE_EXPIRED', 'EXECUTION_TYPE_REJECTED'),
    shares: fc.integer({ min: 1, max: 10 }),
  }),
  fc.record({ k: fc.constant('reject' as const), i: fc.nat(30) }),
  fc.record({
    k: fc.constant('snapshot' as const),
    i: fc.nat(30),
    state: fc.constantFrom<VenueOrderState>('ORDER_STATE_NEW', 'ORDER_STATE_PARTIALLY_FILLED', 'ORDER_STATE_FILLED', 'ORDER_STATE_CANCELED', 'ORDER_STATE_EXPIRED', 'ORDER_STATE_REJECTED'),
  }),
);

const ids = (list: OrderView[]) => list.map((o) => o.localId).sort();

describe('order tracker: open-order index', () => {
  it('open / resting / in-flight queries (by market, by strategy, or all) always equal the brute-force filter', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 80 }), (ops) => {
        const clock = new ManualClock(1_000);
        const t = new OrderTracker({ clock });
        const local: string[] = [];
        let x = 0;
        for (const o of ops) {
          clock.advance(1);
          const id = local.length ? local[('i' in o ? o.i : 0) % local.length]! : undefined;
          const cur = id ? t.get(id) : undefined;
          const exec = (type: ExecutionType, shares: number, state: VenueOrderState): VenueExecution => ({
            id: `x${++x}`,
            order: venueOrder(cur!.orderId!, { marketSlug: cur!.request.marketSlug, state, quantity: cur!.request.quantity }),
            lastShares: type === 'EXECUTION_TYPE_PARTIAL_FILL' || type === 'EXECUTION_TYPE_FILL' ? shares : null,
            lastPx: type === 'EXECUTION_TYPE_PARTIAL_FILL' || type === 'EXECUTION_TYPE_FILL' ? 500_000 : null,
            type,
            text: null,
            orderRejectReason: null,
            transactTime: null,
            tradeId: null,
            aggressor: false,
            commissionNotionalCollected: 0,
          });
          switch (o.k) {
            case 'create':
              local.push(t.create(orderRequest({ marketSlug: MARKETS[o.market]!, quantity: contracts(o.qty) }), STRATEGIES[o.strategy]!).localId);
              break;
            case 'submit':
              if (cur?.status === 'CREATED') t.markSubmitted(cur.localId);
              break;
            case 'ack':
              if (cur?.status === 'SUBMITTED' && cur.orderId === null) t.attachVenueId(cur.localId, `v-${cur.localId}`);
              break;
            case 'reject':
              if (cur && (cur.status === 'CREATED' || cur.status === 'SUBMITTED') && cur.orderId === null) t.markRejected(cur.localId, 'refused');
              break;
            case 'exec':
              if (cur?.orderId) {
                const state: VenueOrderState =
                  o.type === 'EXECUTION_TYPE_FILL' ? 'ORDER_STATE_FILLED' : o.type === 'EXECUTION_TYPE_PARTIAL_FILL' ? 'ORDER_STATE_PARTIALLY_FILLED' : o.type === 'EXECUTION_TYPE_NEW' ? 'ORDER_STATE_NEW' : o.type === 'EXECUTION_TYPE_REJECTED' ? 'ORDER_STATE_REJECTED' : 'ORDER_STATE_CANCELED';
                t.applyExecution(exec(o.type, o.shares, state));
              }
              break;
            case 'snapshot':
              if (cur?.orderId) t.applyVenueOrder(venueOrder(cur.orderId, { marketSlug: cur.request.marketSlug, state: o.state, quantity: cur.request.quantity }));
              break;
          }
          const all = t.all();
          const brute = (pred: (v: OrderView) => boolean) => ids(all.filter(pred));
          expect(ids(t.openOrders())).toEqual(brute((v) => OPEN_STATUSES.has(v.status)));
          expect(ids(t.restingOrders())).toEqual(brute((v) => RESTING_STATUSES.has(v.status)));
          expect(ids(t.inFlightOrders())).toEqual(brute((v) => v.status === 'CREATED' || v.status === 'SUBMITTED'));
          for (const m of MARKETS) {
            expect(ids(t.openOrders({ marketSlug: m }))).toEqual(brute((v) => OPEN_STATUSES.has(v.status) && v.request.marketSlug === m));
            for (const s of STRATEGIES) {
              expect(ids(t.openOrders({ marketSlug: m, strategyName: s }))).toEqual(
                brute((v) => OPEN_STATUSES.has(v.status) && v.request.marketSlug === m && v.strategyName === s),
              );
              // The per market and strategy list the strategies read: the same orders, in creation order.
              expect(t.openOrdersOfStrategyReadOnly(m, s).map((v) => v.localId)).toEqual(t.openOrders({ marketSlug: m, strategyName: s }).map((v) => v.localId));
            }
          }
        }
        // Pruning history never touches open orders.
        clock.advance(10_000);
        const openBefore = ids(t.openOrders());
        t.prune(clock.now());
        expect(ids(t.openOrders())).toEqual(openBefore);
      }),
      { numRuns: 200 },
    );
  });

  it('queries for one market stay in creation order', () => {
    const t = new OrderTracker({ clock: new ManualClock(0) });
    const a = t.create(orderRequest({ marketSlug: 'm-a' }), 's').localId;
    t.create(orderRequest({ marketSlug: 'm-b' }), 's');
    const c = t.create(orderRequest({ marketSlug: 'm-a' }), 's').localId;
    expect(t.openOrders({ marketSlug: 'm-a' }).map((o) => o.localId)).toEqual([a, c]);
  });
});
