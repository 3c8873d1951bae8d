/**
 * Live executable marks without the bot's own resting orders (docs/pnl-marks.md, "The bot's own orders"): the
 * state manager fed by a real order tracker through OwnRestingOrders, against the marks of the book as shown
 * (paper, no own orders) and against executableMark on the book with the own quantity removed by hand.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { executableMark, levelsOf } from '../../../shared/domain/executable-mark.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import { OrderTracker } from '../../../shared/execution/order-tracker.js';
import { OwnRestingOrders } from '../../../shared/state/own-resting-orders.js';
import { execution } from '../execution/helpers.js';
import { bareState } from '../../support/state-fixture.js';

const SLUG = 'mkt-a';
const THETA = 69_500;

function build(active: boolean | null) {
  const clock = new ManualClock(1_000);
  const tracker = new OrderTracker({ clock });
  const own = active === null ? undefined : new OwnRestingOrders({ active });
  own?.follow(tracker);
  const moved: string[] = [];
  const { sm } = bareState([SLUG], { clock, feeRates: () => ({ takerThetaPpm: THETA, makerThetaPpm: 12_500 }), onMarkInputs: (slug) => moved.push(slug), ownLiquidity: own });
  let n = 0;
  /** A limit order sent and acknowledged by the venue (resting); returns its venue id. */
  const rest = (over: Partial<OrderRequest>): string => {
    const req: OrderRequest = { marketSlug: SLUG, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 550_000, quantity: contracts(10), tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: true, ...over };
    const o = tracker.create(req, 'market_maker');
    const id = `v${++n}`;
    tracker.markSubmitted(o.localId);
    tracker.attachVenueId(o.localId, id);
    tracker.applyExecution(execution(`${id}-new`, id, 'EXECUTION_TYPE_NEW', { order: { price: req.price, quantity: req.quantity, intent: req.intent } }));
    return id;
  };
  const book = (bids: BookLevel[], asks: BookLevel[]) =>
    sm.onVenueEvent({ type: 'book', marketSlug: SLUG, bids, asks, state: 'MARKET_STATE_OPEN', transactTime: clock.now(), snapshot: true, receivedAt: clock.now() });
  const hold = (netQty: Qty, cost: number) =>
    sm.onVenueEvent({
      type: 'position',
      position: { marketSlug: SLUG, netPosition: netQty, qtyBought: netQty, qtySold: 0, cost, realized: 0, bodPosition: 0, expired: false, updateTime: clock.now(), cashValue: null, qtyAvailable: null },
      receivedAt: clock.now(),
    });
  return { clock, sm, tracker, own, rest, book, hold, moved };
}

const mark = (netQty: Qty, bids: BookLevel[], asks: BookLevel[], last: number | null = null) =>
  executableMark({ netQty, closeLevels: levelsOf(netQty > 0 ? bids : asks), oppositeBest: (netQty > 0 ? asks : bids)[0]?.price ?? null, lastTrade: last, takerThetaPpm: THETA });

const BIDS: BookLevel[] = [
  { price: 550_000, qty: contracts(15) },
  { price: 540_000, qty: contracts(20) },
];
const ASKS: BookLevel[] = [{ price: 580_000, qty: contracts(30) }];
const LONG = contracts(10);

describe('live executable marks exclude the bot’s own resting orders', () => {
  it('a long is not marked against the bot’s own bid; paper and no own orders mark the book as shown', () => {
    const asShown = mark(LONG, BIDS, ASKS);
    for (const active of [null, false] as const) {
      const p = build(active);
      p.rest({ price: 550_000, quantity: contracts(10) });
      p.book(BIDS, ASKS);
      expect(p.sm.closeoutMark(SLUG, LONG)).toEqual(asShown);
    }
    const live = build(true);
    live.book(BIDS, ASKS);
    expect(live.sm.closeoutMark(SLUG, LONG)).toEqual(asShown); // no own order yet
    live.rest({ price: 550_000, quantity: contracts(10) });
    const others = mark(LONG, [{ price: 550_000, qty: contracts(5) }, BIDS[1] as BookLevel], ASKS);
    expect(live.sm.closeoutMark(SLUG, LONG)).toEqual(others);
    expect(others.value as number).toBeLessThan(asShown.value as number);
    // An own order on the other side of the book changes nothing for a long's close (the asks are not walked).
    live.rest({ intent: 'ORDER_INTENT_SELL_LONG', price: 600_000, quantity: contracts(3) });
    expect(live.sm.closeoutMark(SLUG, LONG)).toEqual(others);
  });

  it('an emptied level is skipped: the best remaining level is the best; a short walks the asks without its own offers', () => {
    const p = build(true);
    p.book(BIDS, [
      { price: 570_000, qty: contracts(4) },
      { price: 580_000, qty: contracts(30) },
    ]);
    p.rest({ price: 550_000, quantity: contracts(15) }); // the whole best bid is the bot's
    p.rest({ intent: 'ORDER_INTENT_BUY_SHORT', price: 570_000, quantity: contracts(4) }); // BUY_SHORT rests as an offer
    expect(p.sm.closeoutMark(SLUG, LONG)).toEqual(mark(LONG, [BIDS[1] as BookLevel], [{ price: 580_000, qty: contracts(30) }]));
    const short = -contracts(6);
    expect(p.sm.closeoutMark(SLUG, short)).toEqual(mark(short, [BIDS[1] as BookLevel], [{ price: 580_000, qty: contracts(30) }]));
  });

  it('with the close side only the bot’s own, the last trade is used, capped by the best ask of someone else', () => {
    const p = build(true);
    const asks: BookLevel[] = [
      { price: 570_000, qty: contracts(5) },
      { price: 590_000, qty: contracts(10) },
    ];
    p.book([{ price: 550_000, qty: contracts(10) }], asks);
    p.sm.onVenueEvent({ type: 'trade', marketSlug: SLUG, price: 620_000, qty: contracts(1), tradeTime: 1_000, takerSide: 'ORDER_SIDE_BUY', receivedAt: 1_000 });
    p.rest({ price: 550_000, quantity: contracts(10) });
    p.rest({ intent: 'ORDER_INTENT_SELL_LONG', price: 570_000, quantity: contracts(5) });
    const m = p.sm.closeoutMark(SLUG, LONG);
    expect(m.source).toBe('last_trade');
    // Capped at 0.59 (the best ask of someone else), not at the bot's own 0.57.
    expect(m).toEqual(mark(LONG, [], [asks[1] as BookLevel], 620_000));
    expect(m).not.toEqual(mark(LONG, [], asks, 620_000));
  });

  it('the mark cache and the held position are marked again when the own order is cancelled or filled', () => {
    const p = build(true);
    p.book(BIDS, ASKS);
    p.hold(LONG, 5_500_000);
    const asShown = mark(LONG, BIDS, ASKS);
    expect(p.sm.position(SLUG)?.currentValue).toBe(asShown.value);
    const id = p.rest({ price: 550_000, quantity: contracts(10) });
    expect(p.moved).toContain(SLUG); // the daily PnL hears the market's marks moved
    const others = mark(LONG, [{ price: 550_000, qty: contracts(5) }, BIDS[1] as BookLevel], ASKS);
    expect(p.sm.closeoutMark(SLUG, LONG)).toEqual(others);
    expect(p.sm.position(SLUG)?.currentValue).toBe(others.value);

    // Partly filled: 4 of the 10 traded, 6 still rest (the book is the same object state: only the order moved).
    p.moved.length = 0;
    p.tracker.applyExecution(execution(`${id}-f1`, id, 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(4), lastPx: 550_000, aggressor: false, state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    expect(p.moved).toEqual([SLUG]);
    const afterFill = mark(LONG, [{ price: 550_000, qty: contracts(9) }, BIDS[1] as BookLevel], ASKS);
    expect(p.sm.closeoutMark(SLUG, LONG)).toEqual(afterFill);
    expect(p.sm.closeoutMark(SLUG, LONG)).toEqual(p.sm.closeoutMarkUncached(SLUG, LONG));
    expect(p.sm.position(SLUG)?.currentValue).toBe(afterFill.value);

    // Cancelled: the book as shown again.
    p.tracker.applyExecution(execution(`${id}-x`, id, 'EXECUTION_TYPE_CANCELED', { state: 'ORDER_STATE_CANCELED' }));
    expect(p.sm.closeoutMark(SLUG, LONG)).toEqual(asShown);
    expect(p.sm.position(SLUG)?.currentValue).toBe(asShown.value);
  });

  it('switching the account to paper and back drops and restores the own quantity', () => {
    const p = build(true);
    p.book(BIDS, ASKS);
    p.rest({ price: 550_000, quantity: contracts(10) });
    const others = p.sm.closeoutMark(SLUG, LONG);
    p.own?.setActive(false);
    expect(p.sm.closeoutMark(SLUG, LONG)).toEqual(mark(LONG, BIDS, ASKS));
    p.own?.setActive(true);
    expect(p.sm.closeoutMark(SLUG, LONG)).toEqual(others);
  });
});
