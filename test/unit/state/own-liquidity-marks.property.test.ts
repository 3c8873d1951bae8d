/**
 * Property: for random books and random own resting orders (sizes at each price never above the book's size
 * there), the live executable mark with the own orders excluded — in the state manager (cached and uncached)
 * and in the performance tracker — equals the mark of the same book with those quantities removed by hand
 * (emptied levels dropped), computed with no own orders at all.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import type { Qty } from '../../../shared/domain/quantity.js';
import { ORDER_INTENTS, INTENT_EFFECT, type OrderIntent } from '../../../shared/domain/venue-enums.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { OrderTracker } from '../../../shared/execution/order-tracker.js';
import { PerformanceTracker } from '../../../shared/paper/performance-tracker.js';
import { OwnRestingOrders } from '../../../shared/state/own-resting-orders.js';
import type { StateManager } from '../../../shared/state/state-manager.js';
import { bareState } from '../../support/state-fixture.js';

const SLUG = 'm';

function manager(ownLiquidity?: OwnRestingOrders, theta = 69_500): StateManager {
  return bareState([SLUG], { feeRates: () => ({ takerThetaPpm: theta, makerThetaPpm: 12_500 }), ownLiquidity }).sm;
}

const price = fc.integer({ min: 1, max: 99 }).map((t) => t * 10_000);
const size = fc.integer({ min: 1, max: 3_000 });
/** A crossed-free book: distinct prices, the lower ones bids and the higher ones asks. */
const bookArb = fc
  .uniqueArray(price, { minLength: 0, maxLength: 8 })
  .chain((prices) => fc.tuple(fc.constant([...prices].sort((a, b) => a - b)), fc.integer({ min: 0, max: prices.length }), fc.array(size, { minLength: prices.length, maxLength: prices.length })))
  .map(([prices, split, sizes]) => {
    const levels = prices.map((p, i): BookLevel => ({ price: p, qty: sizes[i] as number }));
    return { bids: levels.slice(0, split).reverse(), asks: levels.slice(split) };
  });
/** One own order: which level of which side it sits on, its share of what is left there, its intent among those resting there. */
const pickArb = fc.record({ bid: fc.boolean(), level: fc.nat(), share: fc.double({ min: 0, max: 1, noNaN: true }), intent: fc.nat() });

const BID_INTENTS = ORDER_INTENTS.filter((i) => INTENT_EFFECT[i].side === 'ORDER_SIDE_BUY');
const ASK_INTENTS = ORDER_INTENTS.filter((i) => INTENT_EFFECT[i].side === 'ORDER_SIDE_SELL');

describe('live marks without own orders = marks of the book with the own quantity removed by hand', () => {
  it('state manager (cached and uncached) and performance tracker', () => {
    fc.assert(
      fc.property(
        bookArb,
        fc.array(pickArb, { maxLength: 8 }),
        fc.integer({ min: -8_000, max: 8_000 }),
        fc.option(price, { nil: null }),
        fc.constantFrom(0, 12_500, 69_500),
        (book, picks, netQty, last, theta) => {
          const tracker = new OrderTracker({ clock: new ManualClock(1_000) });
          const own = new OwnRestingOrders({ active: true });
          own.follow(tracker);
          const live = manager(own, theta);
          const perfLive = new PerformanceTracker({ feeRates: () => ({ takerThetaPpm: theta, makerThetaPpm: 12_500 }), ownLiquidity: own });
          // The own orders: each takes a share of what is left (by the book, not yet the bot's) of its level.
          const left = new Map<string, Qty>();
          for (const p of picks) {
            const levels = p.bid ? book.bids : book.asks;
            if (levels.length === 0) continue;
            const l = levels[p.level % levels.length] as BookLevel;
            const key = `${p.bid}:${l.price}`;
            const avail = left.get(key) ?? l.qty;
            const qty = Math.floor(avail * p.share);
            if (qty <= 0) continue;
            left.set(key, avail - qty);
            const intents = p.bid ? BID_INTENTS : ASK_INTENTS;
            const req: OrderRequest = { marketSlug: SLUG, intent: intents[p.intent % intents.length] as OrderIntent, type: 'ORDER_TYPE_LIMIT', price: l.price, quantity: qty, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: true };
            tracker.markSubmitted(tracker.create(req, 'market_maker').localId);
          }
          const byHand = (levels: BookLevel[], bid: boolean) =>
            levels.map((l) => ({ price: l.price, qty: left.get(`${bid}:${l.price}`) ?? l.qty })).filter((l) => l.qty > 0);
          const shown: VenueEvent = { type: 'book', marketSlug: SLUG, bids: book.bids, asks: book.asks, state: 'MARKET_STATE_OPEN', transactTime: 1, snapshot: true, receivedAt: 1 };
          const reduced: VenueEvent = { ...shown, bids: byHand(book.bids, true), asks: byHand(book.asks, false) };
          const reference = manager(undefined, theta);
          const perfRef = new PerformanceTracker({ feeRates: () => ({ takerThetaPpm: theta, makerThetaPpm: 12_500 }) });
          const events: VenueEvent[] = last === null ? [] : [{ type: 'trade', marketSlug: SLUG, price: last, qty: 100, tradeTime: 1, takerSide: 'ORDER_SIDE_BUY', receivedAt: 1 }];
          for (const ev of [...events, shown]) {
            live.onVenueEvent(ev);
            perfLive.onMarketEvent(ev);
          }
          for (const ev of [...events, reduced]) {
            reference.onVenueEvent(ev);
            perfRef.onMarketEvent(ev);
          }
          const want = reference.closeoutMark(SLUG, netQty);
          expect(live.closeoutMark(SLUG, netQty)).toEqual(want);
          expect(live.closeoutMarkUncached(SLUG, netQty)).toEqual(want);
          expect(perfLive.closeout(SLUG, netQty)).toEqual(perfRef.closeout(SLUG, netQty));
          expect(perfLive.closeout(SLUG, netQty)).toEqual(want);
        },
      ),
      { numRuns: 400 },
    );
  });
});
