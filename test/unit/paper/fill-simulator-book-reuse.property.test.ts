import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { FillSimulator, type CancelModel, type SimEvent } from '../../../shared/paper/fill-simulator.js';

/**
 * The simulator keeps what it derived from a book side (its levels best first, its size per price) while the
 * next message brings the same side array again (message arrays never change), and uses a side's own array
 * as its best-first levels when it already is strictly best first. A simulator fed the messages as sent
 * (sides often the previous message's arrays, levels in any order, repeated prices) must tell exactly what
 * one fed fresh copies of every level tells, its book must be each message's levels sorted best first, and no
 * resting order may have more queued ahead of it than the message shows at its price (both figures computed
 * here from the message: a stale derived figure fails them, where it would fail both simulators alike).
 */
const tick = (t: number) => t * 10_000;

// Levels a tick or two off the touch (bids at 46 and 45, asks at 47 and 48, rarely crossed), in any order.
const levelsArb = fc.array(fc.record({ off: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 1 }), weight: 9 }, fc.constant(-1)), q: fc.integer({ min: 1, max: 900 }) }), { minLength: 0, maxLength: 4 });

const stepArb = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('book' as const),
      bids: fc.option(levelsArb, { nil: null, freq: 2 }), // null: the previous message's bid array, as sent again
      asks: fc.option(levelsArb, { nil: null, freq: 2 }),
      open: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('order' as const), buy: fc.boolean(), price: fc.integer({ min: 45, max: 48 }), qty: fc.integer({ min: 1, max: 20 }), ioc: fc.integer({ min: 0, max: 4 }).map((n) => n === 0) }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('modify' as const), which: fc.nat(), price: fc.integer({ min: 45, max: 48 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('trade' as const), price: fc.integer({ min: 45, max: 48 }), qty: fc.integer({ min: 1, max: 3000 }), sell: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 120 }) }), weight: 2 },
);

function describeEvent(e: SimEvent): string {
  const o = e.order;
  if (e.type === 'fill') return `${o.id} fill ${e.fill.qty}@${e.fill.price} ${e.fill.trigger} ${e.fill.liquidity}`;
  if (e.type === 'done' || e.type === 'rejected') return `${o.id} ${e.type} ${e.reason}`;
  return `${o.id} ${e.type}`;
}

const copy = (levels: readonly BookLevel[]): BookLevel[] => levels.map((l) => ({ price: l.price, qty: l.qty }));
const sortedCopy = (levels: readonly BookLevel[], direction: 1 | -1) => [...levels].sort((a, b) => (a.price - b.price) * direction);

describe('fill simulator: a book side sent again keeps what was derived from it (property)', () => {
  it('tells what a simulator fed fresh copies tells, and shows each message sorted best first', () => {
    let runsWithFills = 0;
    let reusedSides = 0;
    fc.assert(
      fc.property(fc.constantFrom<CancelModel>('behind', 'proportional'), fc.array(stepArb, { minLength: 10, maxLength: 80 }), (cancelModel, steps) => {
        const clock = new ManualClock(0);
        const scheduler = new ManualScheduler(clock);
        const asSent = new FillSimulator(clock, scheduler, { latencyMs: 20, cancelModel });
        const copied = new FillSimulator(clock, scheduler, { latencyMs: 20, cancelModel });
        const heardAsSent: string[] = [];
        const heardCopied: string[] = [];
        asSent.onEvent((e) => heardAsSent.push(describeEvent(e)));
        copied.onEvent((e) => heardCopied.push(describeEvent(e)));
        let bids: BookLevel[] = [{ price: tick(46), qty: 500 }];
        let asks: BookLevel[] = [{ price: tick(48), qty: 500 }];
        const feedBook = (open: boolean) => {
          const state = open ? 'MARKET_STATE_OPEN' : 'MARKET_STATE_SUSPENDED';
          const base = { type: 'book', marketSlug: 'm', state, transactTime: clock.now(), snapshot: true, receivedAt: clock.now() } as const;
          asSent.onMarketEvent({ ...base, bids, asks });
          copied.onMarketEvent({ ...base, bids: copy(bids), asks: copy(asks) });
          const shown = asSent.bookOf('m')!;
          expect(shown.bids).toEqual(sortedCopy(bids, -1));
          expect(shown.asks).toEqual(sortedCopy(asks, 1));
          // No more is ahead of a resting order than this message shows at its price (the last level there).
          for (const o of asSent.restingOrders('m')) {
            const side = o.buysLong ? bids : asks;
            expect(o.queueAhead).toBeLessThanOrEqual(side.findLast((l) => l.price === o.price)?.qty ?? 0);
          }
        };
        feedBook(true);
        const sent: string[] = [];
        for (const st of steps) {
          if (st.kind === 'advance') scheduler.advance(st.ms);
          else if (st.kind === 'cancel') {
            const id = sent[st.which % Math.max(1, sent.length)];
            if (id) expect(asSent.cancel(id)).toBe(copied.cancel(id));
          } else if (st.kind === 'modify') {
            const id = sent[st.which % Math.max(1, sent.length)];
            if (id) expect(asSent.modify(id, { price: tick(st.price) })).toBe(copied.modify(id, { price: tick(st.price) }));
          } else if (st.kind === 'trade') {
            const ev = { type: 'trade', marketSlug: 'm', price: tick(st.price), qty: st.qty, takerSide: st.sell ? 'ORDER_SIDE_SELL' : 'ORDER_SIDE_BUY', tradeTime: clock.now(), receivedAt: clock.now() } as const;
            asSent.onMarketEvent(ev);
            copied.onMarketEvent(ev);
          } else if (st.kind === 'order') {
            const id = `o${sent.length}`;
            sent.push(id);
            const spec = { id, marketSlug: 'm', intent: st.buy ? 'ORDER_INTENT_BUY_LONG' : 'ORDER_INTENT_SELL_LONG', type: 'ORDER_TYPE_LIMIT', price: tick(st.price), quantity: st.qty * 100, tif: st.ioc ? 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' : 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: false } as const;
            asSent.submit(spec);
            copied.submit(spec);
          } else {
            if (st.bids === null || st.asks === null) reusedSides++;
            if (st.bids !== null) bids = st.bids.map((l) => ({ price: tick(46 - l.off), qty: l.q * 100 }));
            if (st.asks !== null) asks = st.asks.map((l) => ({ price: tick(47 + l.off), qty: l.q * 100 }));
            feedBook(st.open);
          }
          expect(asSent.workingOrders().map((o) => [o.id, o.status, o.filledQty, o.queueAhead])).toEqual(copied.workingOrders().map((o) => [o.id, o.status, o.filledQty, o.queueAhead]));
        }
        scheduler.advance(1_000);
        expect(heardAsSent).toEqual(heardCopied);
        if (heardAsSent.some((e) => e.includes(' fill '))) runsWithFills++;
      }),
      { numRuns: 300 },
    );
    expect(runsWithFills).toBeGreaterThan(100); // about fills and queues, not only quiet books
    expect(reusedSides).toBeGreaterThan(300);
  });
});
