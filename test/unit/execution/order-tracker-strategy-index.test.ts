/**
 * The tracker's per market and strategy index of open orders (openOrdersOfStrategyReadOnly, what a strategy
 * reads on every book message): always the open orders of that market and strategy in creation order, the
 * same as filtering every open order, whatever creates, rejects, cancels, fills and restores came before.
 * And its per-market in-flight count (inFlightCount, read on every create): always the number of the market's
 * created or submitted orders, as a scan of them finds. And whether a market has an open order at all
 * (hasOpenOrders), as the open orders say.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { StrategyName } from '../../../shared/domain/signal.js';
import { OrderTracker } from '../../../shared/execution/order-tracker.js';
import { execution, request, venueOrder } from './helpers.js';

const MARKETS = ['mkt-a', 'mkt-b'];
const STRATEGIES: StrategyName[] = ['market_maker', 'statistical_edge', 'live_arbitrage'];

const op = fc.oneof(
  fc.record({ t: fc.constant('create' as const), market: fc.constantFrom(...MARKETS), strategy: fc.constantFrom(...STRATEGIES), ack: fc.boolean() }),
  fc.record({ t: fc.constant('restore' as const), market: fc.constantFrom(...MARKETS), strategy: fc.constantFrom(...STRATEGIES), filled: fc.constantFrom(0, 5, 10) }),
  fc.record({ t: fc.constant('reject' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('fill' as const), pick: fc.nat(), all: fc.boolean() }),
  fc.record({ t: fc.constant('adopt' as const), market: fc.constantFrom(...MARKETS), state: fc.constantFrom('ORDER_STATE_NEW' as const, 'ORDER_STATE_PARTIALLY_FILLED' as const, 'ORDER_STATE_FILLED' as const) }),
  fc.record({ t: fc.constant('submit' as const), market: fc.constantFrom(...MARKETS), strategy: fc.constantFrom(...STRATEGIES), mark: fc.boolean() }),
  fc.record({ t: fc.constant('ack' as const), pick: fc.nat() }),
);

type Made = { localId: string; venueId: string | null; market: string };
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** Applies one generated operation to the tracker (orders made so far in `made`; ids numbered by `seq`). */
function applyOp(tracker: OrderTracker, made: Made[], seq: { n: number }, o: Op): void {
  const target = made.length > 0 && 'pick' in o ? made[o.pick % made.length] : undefined;
  switch (o.t) {
    case 'create': {
      const v = tracker.create(request({ marketSlug: o.market }), o.strategy);
      let venueId: string | null = null;
      if (o.ack) {
        venueId = `v${++seq.n}`;
        tracker.markSubmitted(v.localId);
        tracker.attachVenueId(v.localId, venueId);
        tracker.applyExecution(execution(`new-${venueId}`, venueId, 'EXECUTION_TYPE_NEW', { order: { marketSlug: o.market } }));
      }
      made.push({ localId: v.localId, venueId, market: o.market });
      break;
    }
    case 'restore': {
      const venueId = `r${++seq.n}`;
      const v = tracker.restore(venueOrder(venueId, { marketSlug: o.market, cumQuantity: contracts(o.filled), avgPx: 500_000 }), o.strategy);
      made.push({ localId: v.localId, venueId, market: o.market });
      break;
    }
    case 'adopt': {
      const venueId = `a${++seq.n}`;
      const v = tracker.adoptVenueOrder(venueOrder(venueId, { marketSlug: o.market, state: o.state }), 'unknown');
      made.push({ localId: v.localId, venueId, market: o.market });
      break;
    }
    case 'submit': {
      // Created (and maybe marked submitted), not acknowledged: in flight until 'ack' or a reject.
      const v = tracker.create(request({ marketSlug: o.market }), o.strategy);
      if (o.mark) tracker.markSubmitted(v.localId);
      made.push({ localId: v.localId, venueId: null, market: o.market });
      break;
    }
    case 'ack':
      if (target && target.venueId === null) {
        target.venueId = `k${++seq.n}`;
        tracker.attachVenueId(target.localId, target.venueId);
        tracker.applyExecution(execution(`new-${target.venueId}`, target.venueId, 'EXECUTION_TYPE_NEW', { order: { marketSlug: target.market } }));
      }
      break;
    case 'reject':
      if (target) tracker.markRejected(target.localId, 'test');
      break;
    case 'cancel':
      if (target?.venueId) tracker.applyExecution(execution(`c${++seq.n}`, target.venueId, 'EXECUTION_TYPE_CANCELED', { state: 'ORDER_STATE_CANCELED' }));
      break;
    case 'fill':
      if (target?.venueId) {
        tracker.applyExecution(
          execution(`f${++seq.n}`, target.venueId, o.all ? 'EXECUTION_TYPE_FILL' : 'EXECUTION_TYPE_PARTIAL_FILL', {
            lastShares: o.all ? contracts(10) : contracts(1),
            lastPx: 550_000,
            state: o.all ? 'ORDER_STATE_FILLED' : 'ORDER_STATE_PARTIALLY_FILLED',
          }),
        );
      }
      break;
  }
}

/** Random operations (at most `maxLength`), `check` run on the tracker after each one. */
function afterEveryOp(maxLength: number, check: (tracker: OrderTracker) => void): void {
  fc.assert(
    fc.property(fc.array(op, { maxLength }), (ops) => {
      const tracker = new OrderTracker({ clock: new ManualClock(1_000) });
      const made: Made[] = [];
      const seq = { n: 0 };
      for (const o of ops) {
        applyOp(tracker, made, seq, o);
        check(tracker);
      }
    }),
    { numRuns: 300 },
  );
}

describe('order tracker: open orders by market and strategy', () => {
  it('property: hasOpenOrders (what the engine\'s stand-down reads) is true exactly when the market has an open order, in flight ones included', () => {
    afterEveryOp(40, (tracker) => {
      for (const market of MARKETS) expect(tracker.hasOpenOrders(market)).toBe(tracker.openOrders({ marketSlug: market }).length > 0);
    });
  });

  it('property: openOrdersOfStrategyReadOnly is the open orders of the market and strategy, in creation order', () => {
    afterEveryOp(40, (tracker) => {
      for (const market of MARKETS) {
        for (const strategy of STRATEGIES) {
          const want = tracker.openOrders({ marketSlug: market, strategyName: strategy }).map((x) => x.localId);
          expect(tracker.openOrdersOfStrategyReadOnly(market, strategy).map((x) => x.localId)).toEqual(want);
        }
      }
    });
  });

  it('property: asked for one market and strategy again and again (as a strategy does on each book), the answer follows every change', () => {
    // One pair asked after each operation, often the same pair as the time before: the tracker remembers its
    // last answer, and this fails if a list made or emptied in between leaves that answer stale.
    const probe = fc.record({ market: fc.constantFrom(...MARKETS), strategy: fc.constantFrom(...STRATEGIES) });
    fc.assert(
      fc.property(fc.array(fc.tuple(op, probe, fc.boolean()), { maxLength: 60 }), (steps) => {
        const tracker = new OrderTracker({ clock: new ManualClock(1_000) });
        const made: Made[] = [];
        const seq = { n: 0 };
        for (const [o, p, twice] of steps) {
          applyOp(tracker, made, seq, o);
          const want = tracker.openOrders({ marketSlug: p.market, strategyName: p.strategy }).map((x) => x.localId);
          expect(tracker.openOrdersOfStrategyReadOnly(p.market, p.strategy).map((x) => x.localId)).toEqual(want);
          if (twice) expect(tracker.openOrdersOfStrategyReadOnly(p.market, p.strategy).map((x) => x.localId)).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: inFlightCount (kept at every status change) is the number of the market\'s created or submitted orders', () => {
    afterEveryOp(50, (tracker) => {
      for (const market of MARKETS) {
        const scan = tracker.all().filter((x) => x.request.marketSlug === market && (x.status === 'CREATED' || x.status === 'SUBMITTED')).length;
        expect(tracker.inFlightCount(market)).toBe(scan);
        expect(tracker.inFlightOrders({ marketSlug: market })).toHaveLength(scan);
      }
    });
  });

  it('the same pair asked before and after its first order and after its last order ends sees each change', () => {
    const tracker = new OrderTracker({ clock: new ManualClock(0) });
    expect(tracker.openOrdersOfStrategyReadOnly('mkt-a', 'market_maker')).toEqual([]);
    const a = tracker.create(request(), 'market_maker');
    expect(tracker.openOrdersOfStrategyReadOnly('mkt-a', 'market_maker').map((x) => x.localId)).toEqual([a.localId]);
    const b = tracker.create(request(), 'market_maker');
    expect(tracker.openOrdersOfStrategyReadOnly('mkt-a', 'market_maker').map((x) => x.localId)).toEqual([a.localId, b.localId]);
    tracker.markRejected(a.localId, 'test');
    expect(tracker.openOrdersOfStrategyReadOnly('mkt-a', 'market_maker').map((x) => x.localId)).toEqual([b.localId]);
    tracker.markRejected(b.localId, 'test');
    expect(tracker.openOrdersOfStrategyReadOnly('mkt-a', 'market_maker')).toEqual([]);
    const c = tracker.create(request(), 'market_maker');
    expect(tracker.openOrdersOfStrategyReadOnly('mkt-a', 'market_maker').map((x) => x.localId)).toEqual([c.localId]);
  });

  it('answers a market or strategy without open orders with one shared, frozen empty list (no allocation)', () => {
    const tracker = new OrderTracker({ clock: new ManualClock(0) });
    const none = tracker.openOrdersOfStrategyReadOnly('mkt-a', 'market_maker');
    expect(none).toEqual([]);
    expect(Object.isFrozen(none)).toBe(true);
    const o = tracker.create(request(), 'statistical_edge');
    expect(tracker.openOrdersOfStrategyReadOnly('mkt-a', 'market_maker')).toBe(none);
    expect(tracker.openOrdersOfStrategyReadOnly('mkt-a', 'statistical_edge').map((x) => x.localId)).toEqual([o.localId]);
    tracker.markRejected(o.localId, 'test');
    expect(tracker.openOrdersOfStrategyReadOnly('mkt-a', 'statistical_edge')).toBe(none);
  });
});

describe('order tracker: the per market and strategy handle (openOrdersOfStrategyHandle)', () => {
  const MORE_MARKETS = [...MARKETS, 'mkt-c']; // mkt-c never gets an order: a handle of a market with none
  const step = fc.oneof(
    { weight: 4, arbitrary: op.map((o) => ({ k: 'op' as const, o })) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('take' as const), market: fc.constantFrom(...MORE_MARKETS), strategy: fc.constantFrom(...STRATEGIES) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('prune' as const) }) },
  );

  it('property: a handle, taken at any time, stays the same array and equal to the slug-keyed open orders of its pair', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const clock = new ManualClock(1_000);
        const tracker = new OrderTracker({ clock });
        const made: Made[] = [];
        const seq = { n: 0 };
        const held: { market: string; strategy: StrategyName; list: readonly unknown[] }[] = [];
        for (const s of steps) {
          if (s.k === 'op') applyOp(tracker, made, seq, s.o);
          else if (s.k === 'prune') {
            clock.advance(10);
            tracker.prune(clock.now());
            made.splice(0, made.length, ...made.filter((m) => tracker.get(m.localId) !== undefined)); // pruned ones are gone
          } else held.push({ market: s.market, strategy: s.strategy, list: tracker.openOrdersOfStrategyHandle(s.market, s.strategy) });
          for (const h of held) {
            expect(tracker.openOrdersOfStrategyHandle(h.market, h.strategy)).toBe(h.list);
            const want = tracker.openOrders({ marketSlug: h.market, strategyName: h.strategy }).map((x) => x.localId);
            expect((h.list as { localId: string }[]).map((x) => x.localId)).toEqual(want);
            expect(tracker.openOrdersOfStrategyReadOnly(h.market, h.strategy).map((x) => x.localId)).toEqual(want);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a handle taken before its pair\'s first order sees it; emptied, it stays the handle and sees the next one', () => {
    const tracker = new OrderTracker({ clock: new ManualClock(0) });
    const h = tracker.openOrdersOfStrategyHandle('mkt-a', 'market_maker');
    expect(h).toEqual([]);
    const a = tracker.create(request(), 'market_maker');
    expect(h.map((x) => x.localId)).toEqual([a.localId]);
    tracker.markRejected(a.localId, 'test');
    expect(h).toEqual([]);
    const b = tracker.create(request(), 'market_maker');
    expect(h.map((x) => x.localId)).toEqual([b.localId]);
    expect(tracker.openOrdersOfStrategyHandle('mkt-a', 'market_maker')).toBe(h);
  });
});
