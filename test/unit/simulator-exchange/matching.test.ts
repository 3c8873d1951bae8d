import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import { ExchangeRequestError } from '../../../containers/simulator/exchange/index.js';
import { USD, MARKET, limit, makeExchange, market } from './fixture.js';

describe('price-time priority', () => {
  it('fills the better price first, then FIFO within a price', () => {
    const { ex } = makeExchange();
    const a1 = ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 520_000, contracts(5))).order; // ask 0.52
    const b1 = ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 510_000, contracts(5))).order; // ask 0.51, earlier than a2
    const a2 = ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 510_000, contracts(5))).order; // ask 0.51, later
    const r = ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 520_000, contracts(12)));
    const fills = r.executions.filter((e) => e.lastShares !== null).map((e) => [e.lastPx, e.lastShares]);
    expect(fills).toEqual([
      [510_000, contracts(5)],
      [510_000, contracts(5)],
      [520_000, contracts(2)],
    ]);
    expect(ex.getOrder('B', b1.id).state).toBe('ORDER_STATE_FILLED');
    expect(ex.getOrder('A', a2.id).state).toBe('ORDER_STATE_FILLED');
    expect(ex.getOrder('A', a1.id)).toMatchObject({ state: 'ORDER_STATE_PARTIALLY_FILLED', cumQuantity: contracts(2), leavesQuantity: contracts(3) });
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_FILLED', cumQuantity: contracts(12), avgPx: 511_667 });
    expect(ex.book(MARKET).asks).toEqual([{ price: 520_000, qty: contracts(3) }]);
  });

  it('trades at the resting price (price improvement goes to the taker)', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(4)));
    const r = ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(4)));
    expect(r.executions.at(-1)).toMatchObject({ lastPx: 450_000, type: 'EXECUTION_TYPE_FILL' });
    expect(ex.positions('B')[MARKET]?.cost).toBe(4 * 550_000);
  });

  it('a partially filled limit order rests its remainder and reports NEW then PARTIAL_FILL', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 600_000, contracts(3)));
    const r = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 600_000, contracts(10)));
    expect(r.executions.map((e) => e.type)).toEqual(['EXECUTION_TYPE_NEW', 'EXECUTION_TYPE_PARTIAL_FILL']);
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_PARTIALLY_FILLED', cumQuantity: contracts(3), leavesQuantity: contracts(7) });
    expect(ex.book(MARKET)).toMatchObject({ bids: [{ price: 600_000, qty: contracts(7) }], asks: [], lastTradePx: 600_000 });
    expect(ex.balance('B').openOrders).toBe(7 * 600_000);
  });
});

describe('time in force and order types', () => {
  it('IOC fills what crosses and cancels the rest; it never rests', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(4)));
    const r = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(10), { tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    expect(r.executions.map((e) => e.type)).toEqual(['EXECUTION_TYPE_NEW', 'EXECUTION_TYPE_PARTIAL_FILL', 'EXECUTION_TYPE_CANCELED']);
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_CANCELED', cumQuantity: contracts(4), leavesQuantity: 0 });
    expect(ex.book(MARKET).bids).toEqual([]);
    expect(ex.balance('B').openOrders).toBe(0);
  });

  it('FOK fills in full or not at all (checked before any fill)', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(4)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 510_000, contracts(4)));
    const killed = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 510_000, contracts(9), { tif: 'TIME_IN_FORCE_FILL_OR_KILL' }));
    expect(killed.order).toMatchObject({ state: 'ORDER_STATE_CANCELED', cumQuantity: 0 });
    expect(ex.book(MARKET).asks).toEqual([
      { price: 500_000, qty: contracts(4) },
      { price: 510_000, qty: contracts(4) },
    ]);
    expect(ex.balance('B').currentBalance).toBe(1_000 * USD);
    const filled = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 510_000, contracts(8), { tif: 'TIME_IN_FORCE_FILL_OR_KILL' }));
    expect(filled.order).toMatchObject({ state: 'ORDER_STATE_FILLED', cumQuantity: contracts(8) });
  });

  it('post-only is rejected when it would cross and rests otherwise', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(4)));
    const r = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(4), { participateDontInitiate: true }));
    expect(r.order.state).toBe('ORDER_STATE_REJECTED');
    expect(r.executions[0]).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', orderRejectReason: 'POST_ONLY_WOULD_CROSS' });
    const ok = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 490_000, contracts(4), { participateDontInitiate: true }));
    expect(ok.order.state).toBe('ORDER_STATE_NEW');
    expect(ex.positions('B')[MARKET]).toBeUndefined();
  });

  it('a market buy walks the offers; a market sell walks the bids; neither rests', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(2)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 530_000, contracts(2)));
    const buy = ex.submitOrder('B', market('ORDER_INTENT_BUY_LONG', contracts(10)));
    expect(buy.executions.map((e) => [e.type, e.lastPx])).toEqual([
      ['EXECUTION_TYPE_NEW', null],
      ['EXECUTION_TYPE_PARTIAL_FILL', 500_000],
      ['EXECUTION_TYPE_PARTIAL_FILL', 530_000],
      ['EXECUTION_TYPE_CANCELED', null],
    ]);
    expect(buy.order).toMatchObject({ state: 'ORDER_STATE_CANCELED', cumQuantity: contracts(4), price: null, tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
    expect(ex.book(MARKET).asks).toEqual([]);
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(3)));
    const sell = ex.submitOrder('B', market('ORDER_INTENT_SELL_LONG', contracts(3)));
    expect(sell.order).toMatchObject({ state: 'ORDER_STATE_FILLED', avgPx: 400_000 });
    expect(ex.book(MARKET).bids).toEqual([]);
  });

  it('a market order with cashOrderQty spends up to that notional', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(5)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(5)));
    // 3.00 buys 5 × 0.40 = 2.00, then 2 × 0.50 = 1.00
    const r = ex.submitOrder('B', market('ORDER_INTENT_BUY_LONG', null, { cashOrderQty: 3 * USD }));
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_FILLED', cumQuantity: contracts(7), quantity: contracts(7) });
    // A BUY_SHORT spends 1 − price per contract: 1.00 at a best bid of 0.75 buys 4 shorts (0.25 each)
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 750_000, contracts(10)));
    const s = ex.submitOrder('B', market('ORDER_INTENT_BUY_SHORT', null, { cashOrderQty: 1 * USD }));
    expect(s.order.cumQuantity).toBe(contracts(4));
    // BUY_SHORT while long nets: B's 7 long become 3
    expect(ex.positions('B')[MARKET]?.netPosition).toBe(contracts(3));
  });

  it('on a 0.01 market, cashOrderQty buys the largest number of hundredths it can pay for', () => {
    const { ex } = makeExchange();
    ex.addMarket({ slug: 'cents', eventSlug: 'nba-bos-nyk', title: 'C', outcome: 'O', minimumTradeQty: '0.01' });
    ex.submitOrder('A', { marketSlug: 'cents', intent: 'ORDER_INTENT_BUY_SHORT', price: 400_000, quantity: contracts(5) });
    ex.submitOrder('A', { marketSlug: 'cents', intent: 'ORDER_INTENT_BUY_SHORT', price: 700_000, quantity: contracts(5) });
    // 3.00 buys 5 × 0.40 = 2.00, then 1.00 / 0.70 = 1.428… → 1.42 (0.994); a whole-contract market would stop at 1
    const r = ex.submitOrder('B', { marketSlug: 'cents', intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_MARKET', quantity: null, cashOrderQty: 3 * USD });
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_FILLED', cumQuantity: contracts(6.42) });
    expect(r.executions.filter((e) => e.lastShares !== null).map((e) => [e.lastPx, e.lastShares])).toEqual([
      [400_000, contracts(5)],
      [700_000, contracts(1.42)],
    ]);
    expect(ex.positions('B')['cents']).toMatchObject({ netPosition: contracts(6.42), cost: 2_994_000 });
  });

  it('a market order on an empty side is canceled with nothing filled', () => {
    const { ex } = makeExchange();
    const r = ex.submitOrder('B', market('ORDER_INTENT_BUY_LONG', contracts(5)));
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_CANCELED', cumQuantity: 0 });
    const c = ex.submitOrder('B', market('ORDER_INTENT_BUY_LONG', null, { cashOrderQty: USD }));
    expect(c.order.state).toBe('ORDER_STATE_CANCELED');
  });

  it('a market order with a price walks no further than that price', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(2)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 600_000, contracts(2)));
    const r = ex.submitOrder('B', market('ORDER_INTENT_BUY_LONG', contracts(4), { price: 550_000 }));
    expect(r.order.cumQuantity).toBe(contracts(2));
    expect(ex.book(MARKET).asks).toEqual([{ price: 600_000, qty: contracts(2) }]);
  });
});

describe('self-trade prevention (cancel resting)', () => {
  it('never trades an account with itself: its resting order is canceled and matching continues', () => {
    const { ex, events } = makeExchange();
    const own = ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(5))).order;
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_SHORT', 510_000, contracts(5)));
    events.length = 0;
    const r = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 510_000, contracts(5)));
    expect(ex.getOrder('A', own.id).state).toBe('ORDER_STATE_CANCELED');
    const canceled = events.find((e) => e.type === 'execution' && e.execution.order.id === own.id);
    expect(canceled).toMatchObject({ execution: { type: 'EXECUTION_TYPE_CANCELED', text: expect.stringContaining('self-trade') } });
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_FILLED', avgPx: 510_000 });
    expect(ex.positions('A')[MARKET]?.netPosition).toBe(contracts(5));
    expect(ex.balance('A').openOrders).toBe(0);
  });
});

describe('validation and market state', () => {
  it('throws a 400 ExchangeRequestError for malformed prices and bad quantities', () => {
    const { ex } = makeExchange();
    const bad = [
      limit('ORDER_INTENT_BUY_LONG', 450_000.5, contracts(1)),
      limit('ORDER_INTENT_BUY_LONG', 450_000, 0),
      limit('ORDER_INTENT_BUY_LONG', 450_000, 1.5), // not a whole number of hundredths
      limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(1), { tif: 'TIME_IN_FORCE_GOOD_TILL_DATE' }),
      { ...limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(1)), intent: 'ORDER_INTENT_HOLD' as never },
    ];
    for (const req of bad) {
      let err: unknown;
      try {
        ex.submitOrder('B', req);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(req)).toBeInstanceOf(ExchangeRequestError);
      expect((err as ExchangeRequestError).status).toBe(400);
    }
    expect(() => ex.submitOrder('B', { ...limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(1)), marketSlug: 'nope' })).toThrow(
      expect.objectContaining({ status: 404 }),
    );
    expect(() => ex.submitOrder('nobody', limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(1)))).toThrow(expect.objectContaining({ status: 404 }));
    expect(ex.openOrders('B')).toEqual([]);
    // finer than the market's size increment (whole contracts here) is normalised down, like the venue, not refused
    expect(ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(1.5))).order).toMatchObject({ state: 'ORDER_STATE_NEW', quantity: contracts(1) });
    expect(() => ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(0.5)))).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_QUANTITY' }));
  });

  it('prices outside 0.01–0.99 get an order id and are rejected; extra precision is cut down to the tick', () => {
    const { ex } = makeExchange();
    for (const price of [0, 5_000, 1_000_000, 1_500_000]) {
      const r = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', price, contracts(1)));
      expect(r.order.id).toMatch(/\S/);
      expect(r.order.state).toBe('ORDER_STATE_REJECTED');
      expect(r.executions[0]).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', orderRejectReason: 'ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS' });
    }
    // "0.515" on a 0.01 tick is 0.51, "0.995" is 0.99
    expect(ex.submitOrder('C', limit('ORDER_INTENT_BUY_SHORT', 995_000, contracts(1))).order).toMatchObject({ state: 'ORDER_STATE_NEW', price: 990_000 });
    const cut = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 515_000, contracts(1)));
    expect(cut.order).toMatchObject({ state: 'ORDER_STATE_NEW', price: 510_000 });
    expect(ex.book(MARKET).bids).toEqual([{ price: 510_000, qty: contracts(1) }]);
    expect(ex.openOrders('B').map((o) => o.price)).toEqual([510_000]);
  });

  it('enforces per-market tick (0.005, 0.0025) and minimum quantity', () => {
    const { ex } = makeExchange();
    ex.addMarket({ slug: 'half', eventSlug: 'nba-bos-nyk', title: 'T', outcome: 'O', tick: 5_000, minQty: contracts(5) });
    ex.addMarket({ slug: 'quarter', eventSlug: 'nba-bos-nyk', title: 'Q', outcome: 'O', tick: 2_500, minimumTradeQty: '0.01' });
    expect(ex.getMarket('half')).toMatchObject({ orderPriceMinTickSize: '0.005', minQty: contracts(5), minimumTradeQty: '5' });
    expect(ex.getMarket('quarter')).toMatchObject({ orderPriceMinTickSize: '0.0025', minQty: 1, minimumTradeQty: '0.01' }); // 0.01 contract;
    const on = (slug: string, price: number, quantity = contracts(5)) => ex.submitOrder('A', { marketSlug: slug, intent: 'ORDER_INTENT_BUY_LONG', price, quantity });
    expect(on('half', 455_000).order).toMatchObject({ state: 'ORDER_STATE_NEW', price: 455_000 });
    // 0.4555 has more decimals than 0.005: cut to 0.455
    expect(on('half', 455_500).order).toMatchObject({ state: 'ORDER_STATE_NEW', price: 455_000 });
    // 0.453 has the tick's decimals but is off its grid: cannot be normalised
    const off = on('half', 453_000);
    expect(off.order.state).toBe('ORDER_STATE_REJECTED');
    expect(off.executions[0]?.orderRejectReason).toBe('ORD_REJECT_REASON_INVALID_PRICE_INCREMENT');
    expect(on('quarter', 452_500).order).toMatchObject({ state: 'ORDER_STATE_NEW', price: 452_500 });
    expect(on('quarter', 452_590).order).toMatchObject({ state: 'ORDER_STATE_NEW', price: 452_500 });
    expect(on('quarter', 451_000).executions[0]?.orderRejectReason).toBe('ORD_REJECT_REASON_INVALID_PRICE_INCREMENT');
    // 0.0075 is on the 0.0025 grid but below 0.01
    expect(on('quarter', 7_500).executions[0]?.orderRejectReason).toBe('ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS');
    expect(() => on('half', 455_000, contracts(4))).toThrow(ExchangeRequestError);
    // a 0.01 market trades fractions of a contract
    expect(on('quarter', 452_500, contracts(0.37)).order).toMatchObject({ state: 'ORDER_STATE_NEW', quantity: contracts(0.37) });
    expect(() => on('quarter', 452_500, 0)).toThrow(ExchangeRequestError);
    // modify: the same rules, as a 400 carrying the venue's reason
    const resting = on('half', 400_000);
    expect(ex.modifyOrder('A', resting.order.id, { marketSlug: 'half', price: 405_900 }).order.price).toBe(405_000);
    expect(() => ex.modifyOrder('A', resting.order.id, { marketSlug: 'half', price: 1_000_000 })).toThrow(
      expect.objectContaining({ status: 400, code: 'ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS' }),
    );
  });

  it('rejects orders while the market is not open and accepts them again when it reopens', () => {
    const { ex, events } = makeExchange();
    ex.setMarketState(MARKET, 'MARKET_STATE_SUSPENDED');
    expect(events).toContainEqual({ type: 'market', marketSlug: MARKET, state: 'MARKET_STATE_SUSPENDED' });
    const r = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(1)));
    expect(r.order.state).toBe('ORDER_STATE_REJECTED');
    expect(r.executions[0]?.orderRejectReason).toBe('MARKET_NOT_OPEN');
    ex.setMarketState(MARKET, 'MARKET_STATE_OPEN');
    expect(ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 450_000, contracts(1))).order.state).toBe('ORDER_STATE_NEW');
  });
});
