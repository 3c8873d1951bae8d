import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { Exchange, type ExchangeEvent } from '../../../containers/simulator/exchange/index.js';
import { USD, MARKET, limit, makeExchange } from './fixture.js';

describe('settlement', () => {
  it('pays 1 USD per winning long contract and nothing to the short; realizes PnL; closes the market', () => {
    const { ex, clock, events } = makeExchange();
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 600_000, contracts(10)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 600_000, contracts(10)));
    const resting = ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 100_000, contracts(10))).order;
    const cashA = ex.balance('A').currentBalance;
    const cashB = ex.balance('B').currentBalance;
    clock.advance(60_000);
    events.length = 0;
    const s = ex.settle(MARKET, USD);
    expect(s).toEqual({ marketSlug: MARKET, settlementPrice: USD, settledAt: clock.now(), reason: 'RESULT' });
    expect(ex.getMarket(MARKET)).toMatchObject({ settlementPrice: USD, settlementReason: 'RESULT', status: 'MARKET_STATUS_RESOLVED' });
    expect(ex.getSettlement(MARKET)).toEqual(s);
    expect(ex.balance('A').currentBalance).toBe(cashA + 10 * USD);
    expect(ex.balance('B').currentBalance).toBe(cashB);
    expect(ex.positions('A')[MARKET]).toMatchObject({ netPosition: 0, realized: 4 * USD, cost: 0, expired: true });
    expect(ex.positions('B')[MARKET]).toMatchObject({ netPosition: 0, realized: -4 * USD, expired: true });
    expect(ex.getOrder('C', resting.id).state).toBe('ORDER_STATE_CANCELED');
    expect(ex.balance('C').openOrders).toBe(0);
    expect(ex.getMarket(MARKET)).toMatchObject({ state: 'MARKET_STATE_EXPIRED', active: false, closed: true });
    expect(ex.getEvent('nba-bos-nyk')).toMatchObject({ closed: true, active: false });
    expect(events).toContainEqual({ type: 'market', marketSlug: MARKET, state: 'MARKET_STATE_EXPIRED' });
    const act = ex.activities('A', { types: ['ACTIVITY_TYPE_SETTLEMENT'] }).activities;
    expect(act).toHaveLength(1);
    expect(act[0]?.settlement).toEqual({ settlementPrice: USD, netPosition: contracts(10), payout: 10 * USD, realized: 4 * USD });
    expect(ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(1))).executions[0]?.orderRejectReason).toBe('MARKET_NOT_OPEN');
    expect(() => ex.settle(MARKET, 0)).toThrow(expect.objectContaining({ code: 'MARKET_SETTLED' }));
  });

  it('settling at 0 pays the short 1 USD per contract', () => {
    const { ex } = makeExchange();
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 600_000, contracts(10)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 600_000, contracts(10)));
    const cashB = ex.balance('B').currentBalance;
    ex.settle(MARKET, 0);
    expect(ex.balance('B').currentBalance).toBe(cashB + 10 * USD);
    expect(ex.positions('B')[MARKET]).toMatchObject({ realized: 6 * USD });
    expect(ex.positions('A')[MARKET]).toMatchObject({ realized: -6 * USD });
    const total = ex.allAccounts().reduce((s, a) => s + a.cash - a.deposited + a.feesPaid - a.rebatesReceived, 0);
    expect(total).toBe(0);
  });
});

describe('good-till-date expiry with a manual clock', () => {
  it('expires at goodTillTime via expireOrders and lazily at match time', () => {
    const { ex, clock } = makeExchange();
    const t0 = clock.now();
    const gtd = ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(5), { tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: t0 + 1_000 })).order;
    expect(gtd.goodTillTime).toBe(t0 + 1_000);
    clock.advance(999);
    expect(ex.expireOrders()).toEqual([]);
    clock.advance(1);
    expect(ex.expireOrders()).toEqual([gtd.id]);
    expect(ex.getOrder('A', gtd.id).state).toBe('ORDER_STATE_EXPIRED');
    expect(ex.balance('A').openOrders).toBe(0);

    const lazy = ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(5), { tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: clock.now() + 10 })).order;
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_SHORT', 520_000, contracts(5)));
    clock.advance(10);
    const r = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 520_000, contracts(5)));
    expect(ex.getOrder('A', lazy.id).state).toBe('ORDER_STATE_EXPIRED');
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_FILLED', avgPx: 520_000 });
  });

  it('rejects a GTD order whose time has already passed', () => {
    const { ex, clock } = makeExchange();
    const r = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(5), { tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: clock.now() }));
    expect(r.executions[0]?.orderRejectReason).toBe('GOOD_TILL_TIME_IN_PAST');
  });
});

describe('activities', () => {
  it('records trades with the order and execution ids and pages with a cursor, newest first by default', () => {
    const { ex } = makeExchange();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(1)));
      const r = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(1)));
      ids.push(r.order.id);
    }
    const trades = ex.activities('A', { types: ['ACTIVITY_TYPE_TRADE'], limit: 2 });
    expect(trades.activities.map((a) => a.orderId)).toEqual([ids[4], ids[3]]);
    expect(trades.eof).toBe(false);
    const fillExec = trades.activities[0];
    expect(fillExec?.trade).toMatchObject({ qty: contracts(1), price: 500_000, aggressor: true, intent: 'ORDER_INTENT_BUY_LONG' });
    expect(fillExec?.executionId).toMatch(/^exe-/);
    const p2 = ex.activities('A', { types: ['ACTIVITY_TYPE_TRADE'], limit: 2, cursor: trades.nextCursor });
    expect(p2.activities.map((a) => a.orderId)).toEqual([ids[2], ids[1]]);
    const p3 = ex.activities('A', { types: ['ACTIVITY_TYPE_TRADE'], limit: 2, cursor: p2.nextCursor });
    expect(p3).toMatchObject({ eof: true, nextCursor: null });
    expect(p3.activities.map((a) => a.orderId)).toEqual([ids[0]]);
    const asc = ex.activities('A', { sortOrder: 'SORT_ORDER_ASCENDING', limit: 3 });
    expect(asc.activities.map((a) => a.type)).toEqual(['ACTIVITY_TYPE_DEPOSIT', 'ACTIVITY_TYPE_ORDER', 'ACTIVITY_TYPE_TRADE']);
    expect(asc.activities[1]?.order?.executionType).toBe('EXECUTION_TYPE_NEW');
    expect(ex.activities('A', { marketSlug: 'elsewhere' }).activities).toEqual([]);
    expect(() => ex.activities('A', { cursor: 'x' })).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('events', () => {
  it('emits executions, trade, positions, balances and one book event per operation, after the state is consistent', () => {
    const { ex, events } = makeExchange();
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(2)));
    events.length = 0;
    const seen: { type: string; bookBids: number }[] = [];
    const off = ex.onEvent((e) => seen.push({ type: e.type, bookBids: ex.book(MARKET).bids.length }));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(5)));
    off();
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'book')).toHaveLength(1);
    expect(types.filter((t) => t === 'trade')).toHaveLength(1);
    const trade = events.find((e): e is Extract<ExchangeEvent, { type: 'trade' }> => e.type === 'trade');
    expect(trade).toMatchObject({ price: 500_000, qty: contracts(2), makerIntent: 'ORDER_INTENT_BUY_SHORT', takerIntent: 'ORDER_INTENT_BUY_LONG', makerSide: 'ORDER_SIDE_SELL', takerSide: 'ORDER_SIDE_BUY' });
    const execs = events.filter((e) => e.type === 'execution').map((e) => (e.type === 'execution' ? [e.accountId, e.execution.type] : []));
    expect(execs).toEqual([
      ['A', 'EXECUTION_TYPE_NEW'],
      ['A', 'EXECUTION_TYPE_PARTIAL_FILL'],
      ['B', 'EXECUTION_TYPE_FILL'],
    ]);
    expect(events.filter((e) => e.type === 'balance').map((e) => (e.type === 'balance' ? e.accountId : '')).sort()).toEqual(['A', 'B']);
    expect(events.find((e) => e.type === 'position' && e.accountId === 'A')).toMatchObject({ position: { netPosition: contracts(2) } });
    // every listener call already saw the final book (A's remainder resting)
    expect(seen.every((s) => s.bookBids === 1)).toBe(true);
  });

  it('a throwing listener does not disturb the engine, and a listener may call back into it', () => {
    const { ex, events } = makeExchange();
    ex.onEvent(() => {
      throw new Error('boom');
    });
    let reacted = false;
    ex.onEvent((e) => {
      if (e.type === 'trade' && !reacted) {
        reacted = true;
        ex.submitOrder('C', limit('ORDER_INTENT_BUY_SHORT', 700_000, contracts(1)));
      }
    });
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(1)));
    const r = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(1)));
    expect(r.order.state).toBe('ORDER_STATE_FILLED');
    expect(r.executions.every((e) => e.order.marketSlug === MARKET)).toBe(true);
    expect(ex.book(MARKET).asks).toEqual([{ price: 700_000, qty: contracts(1) }]);
    expect(events.some((e) => e.type === 'execution' && e.accountId === 'C')).toBe(true);
  });
});

describe('reference data', () => {
  it('gives events and markets stable ids, lookups by id or slug and list filters', () => {
    const { ex } = makeExchange();
    ex.addEvent({ slug: 'nfl-kc-buf', title: 'Chiefs at Bills', startTime: 1_700_000_050_000, gameId: 'g2' });
    ex.addMarket({ slug: 'nfl-kc-buf-kc', eventSlug: 'nfl-kc-buf', title: 'Chiefs win', outcome: 'Kansas City Chiefs', team: 'KC' });
    const ev = ex.getEvent('nba-bos-nyk');
    expect(ev?.id).toMatch(/^evt-/);
    expect(ex.getEvent(ev?.id ?? '')?.slug).toBe('nba-bos-nyk');
    expect(ev?.markets.map((m) => m.slug)).toEqual([MARKET]);
    const m = ex.getMarket(MARKET);
    expect(m).toMatchObject({ eventSlug: 'nba-bos-nyk', outcome: 'Boston Celtics', team: 'BOS', tick: 10_000, minQty: contracts(1), state: 'MARKET_STATE_OPEN', active: true, closed: false, gameId: 'g1' });
    expect(ex.getMarket(m?.id ?? '')?.slug).toBe(MARKET);
    expect(ex.listEvents().map((e) => e.slug)).toEqual(['nfl-kc-buf', 'nba-bos-nyk']);
    expect(ex.listEvents({ gameId: 'g1' }).map((e) => e.slug)).toEqual(['nba-bos-nyk']);
    expect(ex.listEvents({ limit: 1, offset: 1 }).map((e) => e.slug)).toEqual(['nba-bos-nyk']);
    expect(ex.listMarkets({ eventSlugs: ['nfl-kc-buf'] }).map((x) => x.slug)).toEqual(['nfl-kc-buf-kc']);
    expect(ex.listMarkets({ closed: true })).toEqual([]);
    expect(() => ex.addMarket({ slug: 'x', eventSlug: 'missing', title: 'x', outcome: 'x' })).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => ex.addMarket({ slug: 'y', eventSlug: 'nfl-kc-buf', title: 'y', outcome: 'y', tick: 3_000 })).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('activity retention', () => {
  it('keeps at most the configured number of recent activities per account, newest intact', () => {
    const ex = new Exchange({ clock: new ManualClock(0), maxActivitiesPerAccount: 10 });
    ex.addEvent({ slug: 'e', title: 'e', startTime: 0 });
    ex.addMarket({ slug: 'm', eventSlug: 'e', title: 'm', outcome: 'y' });
    ex.openAccount('A', 1_000 * USD);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(ex.submitOrder('A', { marketSlug: 'm', intent: 'ORDER_INTENT_BUY_LONG', price: 100_000, quantity: contracts(1) }).order.id);
    const all = ex.activities('A', { limit: 1000 }).activities;
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(all.length).toBeLessThanOrEqual(13);
    expect(all[0]?.orderId).toBe(ids[39]);
  });
});
