/**
 * The state manager's per-market mark cache (closeoutMark) and the daily PnL read through it, against full
 * recomputation, over random sequences of whole books (some rejected), best bid/offer messages, trades,
 * venue positions, fills, settlements, day resets and fee-coefficient changes:
 *  - closeoutMark(slug, q) equals the mark computed afresh (closeoutMarkUncached) for any market and size;
 *  - a state manager whose marks always recompute (closeoutMark and the positions' marks, both through
 *    closeoutMarkAt) publishes the same positions and events;
 *  - the monitor's daily PnL equals a fresh monitor replaying every fill and settlement at uncached marks, and
 *    so does a monitor keeping it running (told of moved marks by the state manager's onMarkInputs, and of
 *    fee-coefficient changes by its epoch).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { Fill } from '../../../shared/domain/order.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import { ORDER_INTENTS } from '../../../shared/domain/venue-enums.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { DailyPnlMonitor } from '../../../shared/engine/daily-pnl.js';
import { bareState } from '../../support/state-fixture.js';

const SLUGS = ['a', 'b', 'c'] as const;
function build(theta: Map<string, number>, uncached: boolean, onMarkInputs?: (slug: string) => void) {
  const { clock, bus, sm } = bareState(SLUGS, { feeRates: (slug) => ({ takerThetaPpm: theta.get(slug) ?? 69_500, makerThetaPpm: 12_500 }), onMarkInputs });
  // Every mark through the cache, the positions' own (marked when read, at the Θ of their last move) included.
  if (uncached) (sm as unknown as { closeoutMarkAt: (slug: string, q: Qty, theta: number) => unknown }).closeoutMarkAt = (slug, q, theta) => sm.closeoutMarkUncached(slug, q, theta);
  const events: unknown[] = [];
  bus.on('position_update', (p) => events.push({ ...p }));
  bus.on('market_update', (m) => events.push({ ...m }));
  return { clock, sm, events };
}

const tickPrice = fc.oneof(fc.integer({ min: 1, max: 99 }).map((t) => t * 10_000), fc.integer({ min: 1, max: 999_999 }));
const size = fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 200_000 }));
/** A side best first: distinct prices sorted (bids descending, asks ascending). */
const side = (desc: boolean) =>
  fc.uniqueArray(tickPrice, { maxLength: 5 }).chain((prices) =>
    fc.array(size, { minLength: prices.length, maxLength: prices.length }).map((sizes) =>
      [...prices].sort((x, y) => (desc ? y - x : x - y)).map((price, i): BookLevel => ({ price, qty: sizes[i] as number })),
    ),
  );
const slug = fc.constantFrom(...SLUGS);
const op = fc.oneof(
  fc.record({ kind: fc.constant('book' as const), slug, bids: side(true), asks: side(false) }), // crossed ones are rejected
  fc.record({ kind: fc.constant('bbo' as const), slug, bid: fc.option(tickPrice, { nil: null }), ask: fc.option(tickPrice, { nil: null }), last: fc.option(tickPrice, { nil: null }) }),
  fc.record({ kind: fc.constant('trade' as const), slug, price: tickPrice, qty: size }),
  fc.record({ kind: fc.constant('position' as const), slug, net: fc.integer({ min: -100_000, max: 100_000 }), cost: fc.integer({ min: 0, max: 50_000_000 }) }),
  fc.record({ kind: fc.constant('fill' as const), slug, intent: fc.constantFrom(...ORDER_INTENTS), qty: size, price: fc.integer({ min: 1, max: 99 }).map((t) => t * 10_000), fee: fc.integer({ min: -5_000, max: 50_000 }) }),
  fc.record({ kind: fc.constant('settle' as const), slug, price: fc.constantFrom(0, 1_000_000) }),
  fc.record({ kind: fc.constant('theta' as const), slug, theta: fc.constantFrom(0, 12_500, 69_500, 100_000) }),
  fc.record({ kind: fc.constant('reset' as const) }),
  fc.record({ kind: fc.constant('ask' as const), slug, net: fc.integer({ min: -300_000, max: 300_000 }) }),
  // The market's last book again with new sizes and the same prices: only the book's version tells.
  fc.record({ kind: fc.constant('resize' as const), slug, sizes: fc.array(size, { minLength: 10, maxLength: 10 }) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function venueEvent(o: Op, at: number, books: Map<string, { bids: BookLevel[]; asks: BookLevel[] }>): VenueEvent | null {
  switch (o.kind) {
    case 'book':
      books.set(o.slug, { bids: o.bids, asks: o.asks });
      return { type: 'book', marketSlug: o.slug, bids: o.bids, asks: o.asks, state: 'MARKET_STATE_OPEN', transactTime: at, snapshot: false, receivedAt: at };
    case 'resize': {
      const last = books.get(o.slug);
      if (!last) return null;
      const resize = (levels: BookLevel[], from: number) => levels.map((l, i) => ({ price: l.price, qty: o.sizes[from + i] as number }));
      return { type: 'book', marketSlug: o.slug, bids: resize(last.bids, 0), asks: resize(last.asks, 5), state: 'MARKET_STATE_OPEN', transactTime: at, snapshot: false, receivedAt: at };
    }
    case 'bbo':
      return { type: 'bbo', marketSlug: o.slug, bestBid: o.bid, bestAsk: o.ask, lastTradePx: o.last, receivedAt: at };
    case 'trade':
      return { type: 'trade', marketSlug: o.slug, price: o.price, qty: o.qty, tradeTime: at, takerSide: 'ORDER_SIDE_BUY', receivedAt: at };
    case 'position':
      return {
        type: 'position',
        position: { marketSlug: o.slug, netPosition: o.net, qtyBought: 0, qtySold: 0, cost: o.cost, realized: 0, bodPosition: 0, expired: false, updateTime: at, cashValue: null, qtyAvailable: null },
        receivedAt: at,
      };
    default:
      return null;
  }
}

describe('mark cache', () => {
  it('property: cached marks, positions and the daily PnL equal full recomputation over any sequence of updates', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const theta = new Map<string, number>();
        let thetaEpoch = 0;
        let running: DailyPnlMonitor | undefined = undefined;
        const cached = build(theta, false, (s) => running?.markMoved(s));
        const fresh = build(theta, true);
        const pnl = new DailyPnlMonitor((s, q) => cached.sm.closeoutMark(s, q).value);
        running = new DailyPnlMonitor((s, q) => cached.sm.closeoutMark(s, q).value, 0, { epoch: () => thetaEpoch });
        const monitors = [pnl, running];
        const history: Op[] = []; // fills, settlements and resets, for the replay from scratch
        let seq = 0;
        const books = new Map<string, { bids: BookLevel[]; asks: BookLevel[] }>();
        // The daily PnL through the cache equals a monitor rebuilt from every fill at uncached marks.
        const checkPnl = () => {
          const rebuilt = new DailyPnlMonitor((s, q) => fresh.sm.closeoutMarkUncached(s, q).value);
          let n = 0;
          for (const h of history) {
            if (h.kind === 'fill') rebuilt.onFill({ executionId: `r${++n}`, orderId: 'o', marketSlug: h.slug, intent: h.intent, price: h.price, qty: h.qty, fee: h.fee, liquidity: 'TAKER', time: 0, strategyName: 's' });
            else if (h.kind === 'settle') rebuilt.settle(h.slug, h.price);
            else if (h.kind === 'reset') rebuilt.resetDay();
          }
          const want = rebuilt.dailyPnl();
          expect(pnl.dailyPnl()).toEqual(want);
          expect(running?.dailyPnl()).toEqual(want);
        };
        for (const o of ops) {
          cached.clock.advance(1);
          fresh.clock.advance(1);
          const ev = venueEvent(o, cached.clock.now(), books);
          if (ev) {
            cached.sm.onVenueEvent(ev);
            fresh.sm.onVenueEvent(ev);
          } else if (o.kind === 'fill') {
            const f: Fill = { executionId: `x${++seq}`, orderId: 'o', marketSlug: o.slug, intent: o.intent, price: o.price, qty: o.qty, fee: o.fee, liquidity: 'TAKER', time: 0, strategyName: 's' };
            for (const m of monitors) m.onFill(f);
            history.push(o);
          } else if (o.kind === 'settle') {
            for (const m of monitors) m.settle(o.slug, o.price);
            history.push(o);
          } else if (o.kind === 'reset') {
            for (const m of monitors) m.resetDay();
            history.push(o);
          } else if (o.kind === 'theta') {
            theta.set(o.slug, o.theta);
            thetaEpoch++;
          } else if (o.kind === 'ask') {
            expect(cached.sm.closeoutMark(o.slug, o.net)).toEqual(cached.sm.closeoutMarkUncached(o.slug, o.net));
          }
          // The breaker's figure first: the cache holds what the previous step's daily PnL asked for, so a
          // stale entry would show here. Then every market at a few sizes, then the daily PnL again.
          checkPnl();
          for (const s of SLUGS) {
            for (const q of [contracts(3), -contracts(7), cached.sm.position(s)?.netQty ?? 0] as Qty[]) {
              expect(cached.sm.closeoutMark(s, q)).toEqual(cached.sm.closeoutMarkUncached(s, q));
            }
            expect(cached.sm.position(s)).toEqual(fresh.sm.position(s));
          }
          checkPnl();
        }
        expect(cached.events).toEqual(fresh.events);
      }),
      { numRuns: 400 },
    );
  });

  it('follows a new book at the same position and size, even one with the same prices (the book version changes the mark)', () => {
    const { sm } = build(new Map(), false);
    const book = (bid: number, qty: Qty): VenueEvent => ({ type: 'book', marketSlug: 'a', bids: [{ price: bid, qty }, { price: bid - 100_000, qty: contracts(100) }], asks: [{ price: 900_000, qty: contracts(100) }], state: 'MARKET_STATE_OPEN', transactTime: 1, snapshot: false, receivedAt: 1 });
    sm.onVenueEvent(book(500_000, contracts(100)));
    const first = sm.closeoutMark('a', contracts(10));
    expect(sm.closeoutMark('a', contracts(10))).toBe(first); // reused
    sm.onVenueEvent(book(400_000, contracts(100)));
    const second = sm.closeoutMark('a', contracts(10));
    expect(second.value).toBeLessThan(first.value as number);
    expect(second).toEqual(sm.closeoutMarkUncached('a', contracts(10)));
    // Same prices, less size at the best bid: half the close goes one level down.
    sm.onVenueEvent(book(400_000, contracts(5)));
    const third = sm.closeoutMark('a', contracts(10));
    expect(third.value).toBeLessThan(second.value as number);
    expect(third).toEqual(sm.closeoutMarkUncached('a', contracts(10)));
  });
});
