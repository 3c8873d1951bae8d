import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { FillSimulator, type SimEvent } from '../../../shared/paper/fill-simulator.js';

/**
 * The simulator keeps one record per market (its book and its working orders) and remembers the last one it
 * found: markets must stay apart whatever the interleaving. One simulator fed every market's events must
 * tell each market exactly what a simulator fed only that market's events tells.
 */
const SLUGS = ['a', 'b', 'c'] as const;
const tick = (t: number) => t * 10_000;

const stepArb = fc.oneof(
  { arbitrary: fc.constant({ kind: 'advance' as const, ms: 25 }), weight: 2 },
  fc.record({
    kind: fc.constant('book' as const),
    m: fc.integer({ min: 0, max: 2 }),
    bid: fc.integer({ min: 44, max: 48 }),
    spread: fc.integer({ min: 1, max: 4 }),
    bidQty: fc.integer({ min: 1, max: 800 }),
    askQty: fc.integer({ min: 1, max: 800 }),
    open: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
  }),
  fc.record({ kind: fc.constant('order' as const), m: fc.integer({ min: 0, max: 2 }), buy: fc.boolean(), price: fc.integer({ min: 43, max: 51 }), qty: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('trade' as const), m: fc.integer({ min: 0, max: 2 }), price: fc.integer({ min: 43, max: 51 }), qty: fc.integer({ min: 1, max: 4000 }), sell: fc.boolean() }),
  fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 200 }) }),
);

/** A manual clock and scheduler, and fill simulators on them (20 ms latency). */
function simulatedTime() {
  const clock = new ManualClock(0);
  const scheduler = new ManualScheduler(clock);
  return { clock, scheduler, simulator: () => new FillSimulator(clock, scheduler, { latencyMs: 20 }) };
}

function describeEvent(e: SimEvent): string {
  const o = e.order;
  if (e.type === 'fill') return `${o.id} fill ${e.fill.qty}@${e.fill.price} ${e.fill.trigger} ${e.fill.liquidity}`;
  if (e.type === 'done' || e.type === 'rejected') return `${o.id} ${e.type} ${e.reason}`;
  return `${o.id} ${e.type}`;
}

describe('fill simulator: markets kept apart (property)', () => {
  it('one simulator of every market tells each market what a simulator of that market alone tells', () => {
    let runsWithFills = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 10, maxLength: 80 }), (steps) => {
        const { clock, scheduler, simulator } = simulatedTime();
        const all = simulator();
        const alone = SLUGS.map(() => simulator());
        const heardAll = new Map<string, string[]>(SLUGS.map((s) => [s, []]));
        const heardAlone = new Map<string, string[]>(SLUGS.map((s) => [s, []]));
        all.onEvent((e) => heardAll.get(e.order.marketSlug)?.push(describeEvent(e)));
        alone.forEach((sim) => sim.onEvent((e) => heardAlone.get(e.order.marketSlug)?.push(describeEvent(e))));
        const sent: { id: string; m: number }[] = [];
        // Every market opens with a book (orders sent before it are rejected: true, but not what is tested here).
        SLUGS.forEach((slug, i) => {
          const ev: VenueEvent = { type: 'book', marketSlug: slug, bids: [{ price: tick(46), qty: 500 }], asks: [{ price: tick(48), qty: 500 }], state: 'MARKET_STATE_OPEN', transactTime: 0, snapshot: true, receivedAt: 0 };
          all.onMarketEvent(ev);
          alone[i]!.onMarketEvent(ev);
        });
        for (const st of steps) {
          if (st.kind === 'advance') {
            scheduler.advance(st.ms);
            continue;
          }
          if (st.kind === 'cancel') {
            const o = sent[st.which % Math.max(1, sent.length)];
            if (o) expect(all.cancel(o.id)).toBe(alone[o.m]!.cancel(o.id));
            continue;
          }
          const slug = SLUGS[st.m]!;
          const feed = (sim: FillSimulator) => {
            if (st.kind === 'book') {
              const bids: BookLevel[] = [{ price: tick(st.bid), qty: st.bidQty }];
              const asks: BookLevel[] = [{ price: tick(st.bid + st.spread), qty: st.askQty }];
              sim.onMarketEvent({ type: 'book', marketSlug: slug, bids, asks, state: st.open ? 'MARKET_STATE_OPEN' : 'MARKET_STATE_SUSPENDED', transactTime: clock.now(), snapshot: true, receivedAt: clock.now() });
            } else if (st.kind === 'trade') {
              sim.onMarketEvent({ type: 'trade', marketSlug: slug, price: tick(st.price), qty: st.qty, takerSide: st.sell ? 'ORDER_SIDE_SELL' : 'ORDER_SIDE_BUY', tradeTime: clock.now(), receivedAt: clock.now() });
            }
          };
          if (st.kind === 'order') {
            const id = `o${sent.length}`;
            sent.push({ id, m: st.m });
            const spec = { id, marketSlug: slug, intent: st.buy ? 'ORDER_INTENT_BUY_LONG' : 'ORDER_INTENT_SELL_LONG', type: 'ORDER_TYPE_LIMIT', price: tick(st.price), quantity: st.qty * 100, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: false } as const;
            all.submit(spec);
            alone[st.m]!.submit(spec);
            continue;
          }
          feed(all);
          feed(alone[st.m]!);
        }
        scheduler.advance(1_000);
        for (const s of SLUGS) expect(heardAll.get(s)).toEqual(heardAlone.get(s));
        if ([...heardAll.values()].some((l) => l.some((e) => e.includes(' fill ')))) runsWithFills++;
        SLUGS.forEach((s, i) => {
          expect(all.workingOrders(s).map((o) => [o.id, o.status, o.filledQty, o.queueAhead])).toEqual(alone[i]!.workingOrders(s).map((o) => [o.id, o.status, o.filledQty, o.queueAhead]));
          expect(all.bookOf(s)).toEqual(alone[i]!.bookOf(s));
        });
      }),
      { numRuns: 200 },
    );
    expect(runsWithFills).toBeGreaterThan(100); // the property is about fills, not only about quiet markets
  });
});

describe('fill simulator: our own orders never cross each other (property)', () => {
  const opArb = fc.oneof(
    fc.record({ kind: fc.constant('order' as const), buy: fc.boolean(), price: fc.integer({ min: 40, max: 54 }), qty: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant('modify' as const), which: fc.nat(), price: fc.integer({ min: 40, max: 54 }) }),
    fc.record({ kind: fc.constant('book' as const), bid: fc.integer({ min: 38, max: 50 }), spread: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 60 }) }),
  );

  it('an order that would trade with one of ours resting on the other side cancels it (self_trade): ours never cross', () => {
    let selfTrades = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 60 }), (ops) => {
        const { clock, scheduler, simulator } = simulatedTime();
        const sim = simulator();
        const ids: string[] = [];
        sim.onEvent((e) => {
          if (e.type === 'done' && e.reason === 'self_trade') selfTrades++;
        });
        const book = (bid: number, spread: number) =>
          sim.onMarketEvent({ type: 'book', marketSlug: 'a', bids: [{ price: tick(bid), qty: 50 }], asks: [{ price: tick(bid + spread), qty: 50 }], state: 'MARKET_STATE_OPEN', transactTime: clock.now(), snapshot: true, receivedAt: clock.now() });
        book(30, 40); // far away: our orders rest
        for (const op of ops) {
          if (op.kind === 'advance') scheduler.advance(op.ms);
          else if (op.kind === 'book') book(op.bid, op.spread);
          else if (op.kind === 'modify') {
            const id = ids[op.which % Math.max(1, ids.length)];
            if (id !== undefined) sim.modify(id, { price: tick(op.price) });
          } else {
            const id = `o${ids.length}`;
            ids.push(id);
            sim.submit({ id, marketSlug: 'a', intent: op.buy ? 'ORDER_INTENT_BUY_LONG' : 'ORDER_INTENT_SELL_LONG', type: 'ORDER_TYPE_LIMIT', price: tick(op.price), quantity: op.qty * 100, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: false });
          }
          // Whatever has reached the book: no bid of ours at or above an offer of ours.
          const resting = sim.restingOrders('a');
          const bestBid = Math.max(-1, ...resting.filter((o) => o.buysLong).map((o) => o.price!));
          const bestOffer = Math.min(Infinity, ...resting.filter((o) => !o.buysLong).map((o) => o.price!));
          expect(bestBid).toBeLessThan(bestOffer);
        }
      }),
      { numRuns: 300 },
    );
    expect(selfTrades).toBeGreaterThan(50); // the property is about crossing orders, not only about apart ones
  });
});
