/**
 * The bot's own liquidity taken out of a recorded market: own records derived from private-socket executions,
 * book levels reduced by exactly the bot's resting size while it rested (whichever socket spoke first), never
 * below zero (clamped and counted), and prints of the bot's own fills removed or reduced.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OwnLiquidityFilter } from '../../../shared/backtest/own-liquidity-filter.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import type { ExecutionType, OrderSide, VenueOrderState } from '../../../shared/domain/venue-enums.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import type { VenueExecution, VenueOrder } from '../../../shared/domain/venue-models.js';
import { OwnOrderDeriver, type OwnRecord } from '../../../shared/recording/own-order-records.js';
import type { RecordLine } from '../../../shared/recording/record-format.js';

const M = 'nba-F1-home';

function order(id: string, side: OrderSide, price: number, leaves: Qty, state: VenueOrderState, over: Partial<VenueOrder> = {}): VenueOrder {
  return {
    id, marketSlug: M, side, type: 'ORDER_TYPE_LIMIT', price, quantity: contracts(10), cumQuantity: contracts(10) - leaves, leavesQuantity: leaves,
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', goodTillTime: null, intent: side === 'ORDER_SIDE_BUY' ? 'ORDER_INTENT_BUY_LONG' : 'ORDER_INTENT_SELL_LONG',
    state, avgPx: null, createTime: null, commissionsBasisPoints: null, makerCommissionsBasisPoints: null, ...over,
  };
}

function execution(o: VenueOrder, type: ExecutionType, at: number, fill?: { qty: Qty; px: number; aggressor: boolean }): VenueEvent {
  const x: VenueExecution = {
    id: `x-${o.id}-${at}`, order: o, lastShares: fill?.qty ?? null, lastPx: fill?.px ?? null, type, text: null, orderRejectReason: null,
    transactTime: at, tradeId: fill ? `tr-${at}` : null, aggressor: fill?.aggressor ?? null, commissionNotionalCollected: null,
  };
  return { type: 'execution', execution: x, receivedAt: at };
}

const book = (bids: [number, number][], asks: [number, number][], at: number | null, receivedAt = at ?? 0): Extract<VenueEvent, { type: 'book' }> => ({
  type: 'book', marketSlug: M, bids: bids.map(([p, q]) => ({ price: p, qty: contracts(q) })), asks: asks.map(([p, q]) => ({ price: p, qty: contracts(q) })),
  state: 'MARKET_STATE_OPEN', transactTime: at, snapshot: false, receivedAt,
});
const print = (price: number, qty: number, takerSide: OrderSide, at: number): Extract<VenueEvent, { type: 'trade' }> => ({
  type: 'trade', marketSlug: M, price, qty: contracts(qty), qtyExact: String(qty), tradeTime: at, takerSide, receivedAt: at,
});

/** Own lines as the recorder writes them: each private event at its receive time, through one deriver. */
function ownLines(events: { t: number; ev: VenueEvent }[]): RecordLine[] {
  const d = new OwnOrderDeriver('live');
  return events.flatMap(({ t, ev }) => d.derive(ev).map((e): RecordLine => ({ t, k: 'own', e })));
}

function filterOf(lines: RecordLine[]): OwnLiquidityFilter {
  const f = OwnLiquidityFilter.fromLines({ length: lines.length, line: (i) => lines[i]!, kindAt: (i) => lines[i]!.k });
  expect(f).toBeDefined();
  return f!;
}

const levels = (ev: VenueEvent | null) => {
  const b = ev as Extract<VenueEvent, { type: 'book' }>;
  return { bids: b.bids.map((l: BookLevel) => [l.price, l.qty / 100]), asks: b.asks.map((l: BookLevel) => [l.price, l.qty / 100]) };
};

describe('OwnOrderDeriver', () => {
  it('records an order resting, a partial fill and its remainder, and the cancel; a partial order keeps its known side', () => {
    const d = new OwnOrderDeriver('live');
    const rest = d.derive(execution(order('o1', 'ORDER_SIDE_SELL', 500_000, contracts(10), 'ORDER_STATE_NEW'), 'EXECUTION_TYPE_NEW', 100));
    expect(rest).toEqual([{ type: 'order', venue: 'live', orderId: 'o1', marketSlug: M, side: 'ORDER_SIDE_SELL', price: 500_000, leaves: contracts(10), resting: true, event: 'accepted', at: 100 }]);
    // The execution's order is partial: its side is a stand-in, the remembered one is recorded.
    const partial = order('o1', 'ORDER_SIDE_BUY', 500_000, contracts(6), 'ORDER_STATE_PARTIALLY_FILLED', { placeholders: ['side'] });
    const fill = d.derive(execution(partial, 'EXECUTION_TYPE_PARTIAL_FILL', 200, { qty: contracts(4), px: 500_000, aggressor: false }));
    expect(fill).toEqual([
      { type: 'fill', venue: 'live', orderId: 'o1', executionId: 'x-o1-200', tradeId: 'tr-200', marketSlug: M, side: 'ORDER_SIDE_SELL', price: 500_000, qty: contracts(4), aggressor: false, at: 200 },
      expect.objectContaining({ type: 'order', side: 'ORDER_SIDE_SELL', leaves: contracts(6), resting: true, event: 'partially_filled' }),
    ]);
    const cancel = d.derive(execution(order('o1', 'ORDER_SIDE_SELL', 500_000, 0, 'ORDER_STATE_CANCELED'), 'EXECUTION_TYPE_CANCELED', 300));
    expect(cancel).toEqual([expect.objectContaining({ type: 'order', leaves: 0, resting: false, event: 'cancelled' })]);
  });

  it('a resting order without leaves rests with quantity minus cum; an unknown state leaves the previous state standing', () => {
    const d = new OwnOrderDeriver('live');
    const noLeaves = order('o3', 'ORDER_SIDE_BUY', 450_000, 0, 'ORDER_STATE_PARTIALLY_FILLED', { cumQuantity: contracts(3) });
    expect(d.derive(execution(noLeaves, 'EXECUTION_TYPE_PARTIAL_FILL', 10, { qty: contracts(3), px: 450_000, aggressor: false }))[1]).toMatchObject({ type: 'order', leaves: contracts(7), resting: true });
    const unknown = order('o3', 'ORDER_SIDE_BUY', 450_000, contracts(7), 'ORDER_STATE_UNRECOGNISED');
    expect(d.derive(execution(unknown, 'EXECUTION_TYPE_NEW', 20))).toEqual([]);
    expect(d.derive(execution(order('o3', 'ORDER_SIDE_BUY', 450_000, contracts(7), 'ORDER_STATE_NEW'), 'EXECUTION_TYPE_UNRECOGNISED', 30))).toEqual([]);
  });

  it('an open-orders snapshot is recorded only when it says something', () => {
    const d = new OwnOrderDeriver('live');
    expect(d.derive({ type: 'orders_snapshot', orders: [], receivedAt: 1 })).toEqual([]);
    expect(d.derive({ type: 'orders_snapshot', orders: [order('o2', 'ORDER_SIDE_BUY', 400_000, contracts(3), 'ORDER_STATE_NEW')], receivedAt: 2 })).toEqual([
      { type: 'open_orders', venue: 'live', orders: [{ orderId: 'o2', marketSlug: M, side: 'ORDER_SIDE_BUY', price: 400_000, leaves: contracts(3) }] },
    ]);
    // The order is gone: an empty snapshot now ends it.
    expect(d.derive({ type: 'orders_snapshot', orders: [], receivedAt: 3 })).toEqual([{ type: 'open_orders', venue: 'live', orders: [] }]);
    expect(d.derive({ type: 'balance', balance: 1, buyingPower: 1, receivedAt: 4 })).toEqual([]);
  });
});

describe('OwnLiquidityFilter: books', () => {
  const lines = ownLines([
    { t: 1_000, ev: execution(order('o1', 'ORDER_SIDE_SELL', 500_000, contracts(10), 'ORDER_STATE_NEW'), 'EXECUTION_TYPE_NEW', 1_000) },
    { t: 3_000, ev: execution(order('o1', 'ORDER_SIDE_SELL', 500_000, 0, 'ORDER_STATE_CANCELED'), 'EXECUTION_TYPE_CANCELED', 3_000) },
  ]);

  it('reduces the level the order sat on by exactly its size, only while it rested', () => {
    const f = filterOf(lines);
    expect(levels(f.market(book([[440_000, 50]], [[500_000, 30]], 900), 900))).toEqual({ bids: [[440_000, 50]], asks: [[500_000, 30]] });
    expect(levels(f.market(book([[440_000, 50]], [[500_000, 30], [510_000, 5]], 1_000), 1_000))).toEqual({ bids: [[440_000, 50]], asks: [[500_000, 20], [510_000, 5]] });
    expect(levels(f.market(book([[440_000, 50]], [[500_000, 10], [510_000, 5]], 2_000), 2_000))).toEqual({ bids: [[440_000, 50]], asks: [[510_000, 5]] });
    expect(levels(f.market(book([[440_000, 50]], [[500_000, 10]], 3_000), 3_000))).toEqual({ bids: [[440_000, 50]], asks: [[500_000, 10]] });
    expect(f.stats()).toMatchObject({ orders: 2, framesAdjusted: 2, levelQtyRemoved: contracts(20), clampedLevels: 0 });
  });

  it('a book that shows the order before its acknowledgement is received is corrected too (venue times decide)', () => {
    const f = filterOf(lines);
    // Transact time 1 000 (the order's acceptance), received before the execution line (t 1 000 + latency).
    expect(levels(f.market(book([], [[500_000, 12]], 1_000, 990), 990))).toEqual({ bids: [], asks: [[500_000, 2]] });
  });

  it('a level smaller than the own size is clamped at zero and counted, never negative', () => {
    const f = filterOf(lines);
    expect(levels(f.market(book([], [[500_000, 4], [520_000, 1]], 1_500), 1_500))).toEqual({ bids: [], asks: [[520_000, 1]] });
    expect(f.stats()).toMatchObject({ levelQtyRemoved: contracts(4), clampedLevels: 1, clampedQty: contracts(6) });
    // A frame that does not show the price at all: nothing removed, the own size counted as clamped.
    f.market(book([], [[520_000, 1]], 1_600), 1_600);
    expect(f.stats()).toMatchObject({ levelQtyRemoved: contracts(4), clampedLevels: 2, clampedQty: contracts(16) });
  });

  it('a modified order leaves its old price and rests at its new one; an open-orders snapshot ends unlisted orders', () => {
    const moved = ownLines([
      { t: 1_000, ev: execution(order('o1', 'ORDER_SIDE_BUY', 450_000, contracts(10), 'ORDER_STATE_NEW'), 'EXECUTION_TYPE_NEW', 1_000) },
      { t: 2_000, ev: execution(order('o1', 'ORDER_SIDE_BUY', 460_000, contracts(8), 'ORDER_STATE_NEW'), 'EXECUTION_TYPE_REPLACE', 2_000) },
      { t: 3_000, ev: { type: 'orders_snapshot', orders: [], receivedAt: 3_000 } },
    ]);
    const f = filterOf(moved);
    expect(levels(f.market(book([[460_000, 9], [450_000, 10]], [], 1_500), 1_500))).toEqual({ bids: [[460_000, 9]], asks: [] });
    expect(levels(f.market(book([[460_000, 9], [450_000, 10]], [], 2_500), 2_500))).toEqual({ bids: [[460_000, 1], [450_000, 10]], asks: [] });
    expect(levels(f.market(book([[460_000, 9], [450_000, 10]], [], 3_500), 3_500))).toEqual({ bids: [[460_000, 9], [450_000, 10]], asks: [] });
  });

  it('property: every level is the recorded one minus the own size there, clamped at zero, and emptied levels leave', () => {
    const price = fc.integer({ min: 1, max: 20 }).map((c) => c * 10_000);
    fc.assert(
      fc.property(
        fc.array(fc.record({ side: fc.constantFrom<OrderSide>('ORDER_SIDE_BUY', 'ORDER_SIDE_SELL'), price, leaves: fc.integer({ min: 1, max: 5_000 }) }), { minLength: 1, maxLength: 6 }),
        fc.uniqueArray(fc.tuple(price, fc.integer({ min: 1, max: 5_000 })), { selector: (l) => l[0], maxLength: 8 }),
        fc.uniqueArray(fc.tuple(price, fc.integer({ min: 1, max: 5_000 })), { selector: (l) => l[0], maxLength: 8 }),
        (orders, bidLv, askLv) => {
          const recs: RecordLine[] = orders.map((o, i) => ({
            t: 10, k: 'own', e: { type: 'order', venue: 'live', orderId: `o${i}`, marketSlug: M, side: o.side, price: o.price, leaves: o.leaves, resting: true, event: 'accepted', at: 10 } satisfies OwnRecord,
          }));
          const f = filterOf(recs);
          const ev: VenueEvent = { type: 'book', marketSlug: M, bids: bidLv.map(([p, q]) => ({ price: p, qty: q })), asks: askLv.map(([p, q]) => ({ price: p, qty: q })), state: 'MARKET_STATE_OPEN', transactTime: 20, snapshot: false, receivedAt: 20 };
          const out = f.market(ev, 20) as Extract<VenueEvent, { type: 'book' }>;
          const own = (side: OrderSide, p: number) => orders.filter((o) => o.side === side && o.price === p).reduce((s, o) => s + o.leaves, 0);
          const expected = (lv: [number, number][], side: OrderSide) => lv.map(([p, q]) => ({ price: p, qty: Math.max(0, q - own(side, p)) })).filter((l) => l.qty > 0);
          expect(out.bids).toEqual(expected(bidLv, 'ORDER_SIDE_BUY'));
          expect(out.asks).toEqual(expected(askLv, 'ORDER_SIDE_SELL'));
          // The input event is never changed.
          expect(ev.bids.map((l) => [l.price, l.qty])).toEqual(bidLv);
        },
      ),
    );
  });
});

describe('OwnLiquidityFilter: prints', () => {
  const lines = ownLines([
    { t: 1_000, ev: execution(order('o1', 'ORDER_SIDE_SELL', 500_000, contracts(10), 'ORDER_STATE_NEW'), 'EXECUTION_TYPE_NEW', 1_000) },
    // A taker buy lifts 4 of our offer (we are the maker), then 6 more.
    { t: 2_050, ev: execution(order('o1', 'ORDER_SIDE_SELL', 500_000, contracts(6), 'ORDER_STATE_PARTIALLY_FILLED'), 'EXECUTION_TYPE_PARTIAL_FILL', 2_000, { qty: contracts(4), px: 500_000, aggressor: false }) },
    { t: 5_050, ev: execution(order('o1', 'ORDER_SIDE_SELL', 500_000, 0, 'ORDER_STATE_FILLED'), 'EXECUTION_TYPE_FILL', 5_000, { qty: contracts(6), px: 500_000, aggressor: false }) },
  ]);

  it("the print of an own fill is dropped; a print bigger than the own fill keeps the others' part; other prints pass", () => {
    const f = filterOf(lines);
    // Another side, another price, or out of the time window: not ours.
    const sell = print(500_000, 4, 'ORDER_SIDE_SELL', 2_000);
    expect(f.market(sell, 2_000)).toBe(sell);
    const other = print(490_000, 4, 'ORDER_SIDE_BUY', 2_000);
    expect(f.market(other, 2_000)).toBe(other);
    // Ours, received before our execution: dropped.
    expect(f.market(print(500_000, 4, 'ORDER_SIDE_BUY', 2_001), 2_001)).toBeNull();
    // One print of 9 at 5 000: 6 of it were ours.
    expect(f.market(print(500_000, 9, 'ORDER_SIDE_BUY', 5_000), 5_000)).toMatchObject({ type: 'trade', qty: contracts(3) });
    // Every own fill is matched now: a later print at the price passes untouched.
    const later = print(500_000, 2, 'ORDER_SIDE_BUY', 5_100);
    expect(f.market(later, 5_100)).toBe(later);
    expect(f.stats()).toMatchObject({ fills: 2, printsDropped: 1, printsReduced: 1, printQtyRemoved: contracts(10), unmatchedFillQty: 0 });
  });

  it('an own fill no print matches is counted', () => {
    const f = filterOf(lines);
    f.market(print(500_000, 1, 'ORDER_SIDE_BUY', 2_000), 2_000);
    expect(f.stats().unmatchedFillQty).toBe(contracts(9));
  });

  it('a recording without live own lines needs no filter (paper orders never sat on the venue book)', () => {
    const d = new OwnOrderDeriver('paper');
    const paper = d.derive(execution(order('p1', 'ORDER_SIDE_SELL', 500_000, contracts(10), 'ORDER_STATE_NEW'), 'EXECUTION_TYPE_NEW', 1_000)).map((e): RecordLine => ({ t: 1_000, k: 'own', e }));
    expect(paper).toHaveLength(1);
    expect(OwnLiquidityFilter.fromLines({ length: paper.length, line: (i) => paper[i]!, kindAt: (i) => paper[i]!.k })).toBeUndefined();
  });
});
