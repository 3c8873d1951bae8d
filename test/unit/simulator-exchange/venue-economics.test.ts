/**
 * The simulator's economics follow the venue's rules (docs/venue-rules.md): fees Θ·C·p·(1−p) per market with
 * the per-order taker cap, collateral with unfunded-order cancels, settlement prices, halts and maintenance.
 * End to end on the exchange object, worked numbers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ONE_CONTRACT, contracts } from '../../../shared/domain/quantity.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { thetaToPpm } from '../../../shared/domain/fees.js';
import { ORDER_INTENTS } from '../../../shared/domain/venue-enums.js';
import { Exchange, WEEKLY_MAINTENANCE, type SimExecution, type SubmitOrderRequest } from '../../../containers/simulator/exchange/index.js';
import { MARKET, USD, limit, makeExchange, market } from './fixture.js';

const UNSOLICITED = 'UNSOLICITED_CXL_REASON_EXCHANGE_OPTION';

describe('fees', () => {
  it('caps a taker order cumulatively: three fills of 40 at 0.50 are charged 0.70, 0.69, 0.69, and cash moves by them', () => {
    const { ex } = makeExchange();
    for (const acc of ['A', 'B', 'C']) ex.submitOrder(acc, limit('ORDER_INTENT_BUY_SHORT', 500_000, contracts(40)));
    ex.openAccount('D', 1_000 * USD); // takes all three offers: one order, three fills of 40
    const r = ex.submitOrder('D', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(120)));
    const fills = r.executions.filter((e) => e.lastShares !== null);
    expect(fills.map((e) => e.commissionNotionalCollected)).toEqual([700_000, 690_000, 690_000]);
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_FILLED', commissionNotionalTotalCollected: 2_080_000 });
    expect(ex.balance('D').currentBalance).toBe(1_000 * USD - 60 * USD - 2_080_000);
    // each maker: rebate 0.0125 × 40 × 0.25 = 0.125 → 0.12 (half to even), uncapped, negative
    const makerFill = ex.activities('B', { types: ['ACTIVITY_TYPE_TRADE'] }).activities[0];
    expect(makerFill?.trade).toMatchObject({ fee: -120_000, aggressor: false });
    expect(ex.balance('B').currentBalance).toBe(1_000 * USD - 20 * USD + 120_000);
  });

  it("uses the market's feeCoefficient, else the schedule's, with dated per-sport overrides", () => {
    const clock = new ManualClock(Date.UTC(2026, 8, 30, 12));
    const tableTennisFrom = Date.UTC(2026, 9, 1, 3, 59);
    const ex = new Exchange({
      clock,
      fees: {
        defaults: { takerThetaPpm: 69_500, makerThetaPpm: 12_500 },
        overrides: [{ sport: 'table_tennis', effectiveFrom: tableTennisFrom, takerThetaPpm: thetaToPpm(0.1) }],
      },
    });
    ex.addEvent({ slug: 'tt', title: 'TT', startTime: clock.now(), sport: 'table_tennis' });
    ex.addEvent({ slug: 'nba', title: 'NBA', startTime: clock.now(), sport: 'basketball' });
    ex.addMarket({ slug: 'tt-m', eventSlug: 'tt', title: 'TT', outcome: 'A' });
    ex.addMarket({ slug: 'nba-m', eventSlug: 'nba', title: 'NBA', outcome: 'A', feeCoefficient: 0.05 });
    expect(ex.getMarket('nba-m')).toMatchObject({ feeCoefficient: 0.05, feeCoefficientPpm: 50_000 });
    expect(ex.getMarket('tt-m')).toMatchObject({ feeCoefficient: 0.0695 });
    for (const acc of ['M', 'T']) ex.openAccount(acc, 1_000 * USD);
    const trade = (slug: string): SimExecution | undefined => {
      ex.submitOrder('M', { marketSlug: slug, intent: 'ORDER_INTENT_BUY_SHORT', price: 400_000, quantity: contracts(100) });
      return ex.submitOrder('T', { marketSlug: slug, intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, quantity: contracts(100) }).executions.find((e) => e.lastShares !== null);
    };
    // 0.05 × 100 × 0.24 = 1.20; the order reports Θ in basis points
    const nba = trade('nba-m');
    expect(nba?.commissionNotionalCollected).toBe(1_200_000);
    expect(nba?.order).toMatchObject({ commissionsBasisPoints: 500, makerCommissionsBasisPoints: -125 });
    // before the override: 0.0695 × 24 = 1.668 → 1.67; after: 0.10 × 24 = 2.40
    expect(trade('tt-m')?.commissionNotionalCollected).toBe(1_670_000);
    clock.set(tableTennisFrom);
    expect(ex.getMarket('tt-m')).toMatchObject({ feeCoefficient: 0.1 });
    expect(trade('tt-m')?.commissionNotionalCollected).toBe(2_400_000);
  });
});

describe('collateral', () => {
  it('a short costs 1 − p, resting orders are checked per instrument net of the position, and a new order beyond buying power is rejected', () => {
    const { ex } = makeExchange({ A: 10 * USD, B: 1_000 * USD });
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 700_000, contracts(10))); // offers: 10 × 0.30 = 3.00
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 200_000, contracts(10))); // bids: 10 × 0.20 = 2.00: the worse side is 3.00
    expect(ex.balance('A')).toMatchObject({ openOrders: 3 * USD, buyingPower: 7 * USD });
    // bids 2.00 + 8.00 = 10.00: 7.00 more than the 3.00 held, plus the fee at the limit 0.0695 × 16 × 0.25 = 0.28 > 7.00
    const tooMuch = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(16)));
    expect(tooMuch.executions[0]).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', orderRejectReason: 'INSUFFICIENT_BUYING_POWER' });
    expect(ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 500_000, contracts(14))).order.state).toBe('ORDER_STATE_NEW'); // 6.00 + 0.24 ≤ 7.00
    expect(ex.balance('A')).toMatchObject({ openOrders: 9 * USD, buyingPower: 1 * USD });
  });

  it('after a fill eats buying power, cancels the resting orders no longer funded with an unsolicited cancel', () => {
    const { ex } = makeExchange({ A: 10 * USD, B: 1_000 * USD, C: 1_000 * USD });
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(10)));
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10))); // A long 10, pays 4.00 + 0.17
    expect(ex.balance('A').currentBalance).toBe(5_830_000);
    const offer = ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 600_000, contracts(20))); // closes 10, opens 10 × 0.40
    const bid = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 40_000, contracts(3))); // bids 0.12 < offers 4.00
    expect(ex.balance('A')).toMatchObject({ openOrders: 4 * USD, buyingPower: 1_830_000 });
    // A sells its long cheaply: the resting offer now opens 20 shorts (8.00), more than the cash.
    ex.submitOrder('C', limit('ORDER_INTENT_BUY_LONG', 50_000, contracts(10)));
    const sell = ex.submitOrder('A', market('ORDER_INTENT_SELL_LONG', contracts(10)));
    expect(sell.order.state).toBe('ORDER_STATE_FILLED');
    // 5.83 + 0.50 − fee 0.0695 × 10 × 0.0475 = 0.033 → 0.03
    expect(ex.balance('A').currentBalance).toBe(6_300_000);
    const cancel = sell.executions.find((e) => e.order.id === offer.order.id);
    expect(cancel).toMatchObject({ type: 'EXECUTION_TYPE_CANCELED', unsolicitedCancelReason: UNSOLICITED });
    expect(cancel?.text).toMatch(/no longer funded/);
    expect(ex.getOrder('A', offer.order.id).state).toBe('ORDER_STATE_CANCELED');
    // the newer bid did not help (the offers were the worse side) and stays
    expect(ex.getOrder('A', bid.order.id).state).toBe('ORDER_STATE_NEW');
    expect(ex.balance('A')).toMatchObject({ openOrders: 120_000, buyingPower: 6_180_000 });
  });

  it('no sequence of orders and fills, opening and closing, takes cash or buying power below zero', () => {
    const intents = ORDER_INTENTS;
    const cmd = fc.record({
      acc: fc.constantFrom('A', 'B', 'C'),
      intent: fc.constantFrom(...intents),
      px: fc.integer({ min: 2, max: 98 }),
      // hundredths of a contract, 0.01 to 30: m1 trades whole contracts (finer is normalised down), m2 fractions
      qty: fc.integer({ min: 1, max: 3_000 }),
      marketOrder: fc.boolean(),
      slug: fc.constantFrom('m1', 'm2'),
    });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 3 }), fc.array(cmd, { minLength: 10, maxLength: 80 }), (cash, cmds) => {
        const ex = new Exchange({ clock: new ManualClock(1_700_000_000_000) });
        ex.addEvent({ slug: 'e', title: 'E', startTime: 0 });
        ex.addMarket({ slug: 'm1', eventSlug: 'e', title: 'M1', outcome: 'X' });
        ex.addMarket({ slug: 'm2', eventSlug: 'e', title: 'M2', outcome: 'Y', tick: 5_000, minimumTradeQty: '0.01' });
        ['A', 'B', 'C'].forEach((a, i) => ex.openAccount(a, (cash[i] ?? 0) * USD + 3));
        ex.openAccount('LP', 1_000 * USD);
        for (const c of cmds) {
          // a little liquidity on both sides from a rich account, so fills happen
          ex.submitOrder('LP', { marketSlug: c.slug, intent: 'ORDER_INTENT_BUY_LONG', price: (c.px - 1) * 10_000, quantity: contracts(5) });
          ex.submitOrder('LP', { marketSlug: c.slug, intent: 'ORDER_INTENT_BUY_SHORT', price: (c.px + 1) * 10_000, quantity: contracts(5) });
          const req: SubmitOrderRequest = c.marketOrder
            ? { marketSlug: c.slug, intent: c.intent, type: 'ORDER_TYPE_MARKET', quantity: c.qty }
            : { marketSlug: c.slug, intent: c.intent, price: c.px * 10_000, quantity: c.qty };
          if (c.slug === 'm1' && c.qty < ONE_CONTRACT) {
            // below the whole-contract market's minimum: a 400, nothing booked
            expect(() => ex.submitOrder(c.acc, req)).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_QUANTITY' }));
            continue;
          }
          const r = ex.submitOrder(c.acc, req);
          for (const e of r.executions) {
            if (e.type === 'EXECUTION_TYPE_CANCELED' && /no longer funded/.test(e.text ?? '')) expect(e.unsolicitedCancelReason).toBe(UNSOLICITED);
          }
          for (const a of ex.allAccounts()) {
            if (a.cash < 0 || a.buyingPower < 0) throw new Error(`${a.accountId} cash ${a.cash} buying power ${a.buyingPower}`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('settlement prices', () => {
  it('a tie settles at 0.50, a cancelled game at the fair price (mid, down to the tick), co-winners at 1/n down to the tick', () => {
    const { ex } = makeExchange();
    ex.addMarket({ slug: 'q1', eventSlug: 'nba-bos-nyk', title: 'Q1', outcome: 'A', tick: 2_500 });
    ex.addMarket({ slug: 'q2', eventSlug: 'nba-bos-nyk', title: 'Q2', outcome: 'B', tick: 2_500 });
    ex.addMarket({ slug: 'q3', eventSlug: 'nba-bos-nyk', title: 'Q3', outcome: 'C', tick: 2_500 });
    ex.addMarket({ slug: 'lost', eventSlug: 'nba-bos-nyk', title: 'L', outcome: 'D' });
    ex.addMarket({ slug: 'tie', eventSlug: 'nba-bos-nyk', title: 'T', outcome: 'E' });

    ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 410_000, contracts(10)));
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_SHORT', 440_000, contracts(10)));
    expect(ex.fairPrice(MARKET)).toBe(420_000); // mid 0.425 → 0.42 on a 0.01 tick
    const cancelled = ex.settleCancelled(MARKET);
    expect(cancelled).toMatchObject({ settlementPrice: 420_000, reason: 'CANCELLED' });
    expect(ex.getMarket(MARKET)).toMatchObject({ settlementPrice: 420_000, settlementReason: 'CANCELLED', state: 'MARKET_STATE_EXPIRED' });

    expect(ex.settleTie('tie')).toMatchObject({ settlementPrice: 500_000, reason: 'TIE' });
    const co = ex.settleCoWinners(['q1', 'q2', 'q3'], ['lost']);
    expect(co.map((s) => s.settlementPrice)).toEqual([332_500, 332_500, 332_500, 0]);
  });

  it('a tied market pays both sides 0.50 a contract', () => {
    const { ex } = makeExchange();
    ex.submitOrder('A', limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(10)));
    ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10)));
    const a0 = ex.balance('A').currentBalance;
    const b0 = ex.balance('B').currentBalance;
    ex.settleTie(MARKET);
    expect(ex.balance('A').currentBalance - a0).toBe(5 * USD);
    expect(ex.balance('B').currentBalance - b0).toBe(5 * USD);
  });
});

describe('halts and maintenance', () => {
  it('a staged halt halts the markets, cancels resting orders unsolicited, refuses orders as EXCHANGE_CLOSED, and reopens', () => {
    const { ex, events } = makeExchange();
    const resting = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10)));
    events.length = 0;
    const halt = ex.startHalt({ reason: 'emergency' });
    expect(ex.getMarket(MARKET)).toMatchObject({ state: 'MARKET_STATE_HALTED', status: 'MARKET_STATUS_HALTED' });
    expect(events).toContainEqual({ type: 'market', marketSlug: MARKET, state: 'MARKET_STATE_HALTED' });
    const cancel = events.find((e) => e.type === 'execution' && e.execution.order.id === resting.order.id);
    expect(cancel).toMatchObject({ execution: { type: 'EXECUTION_TYPE_CANCELED', unsolicitedCancelReason: UNSOLICITED } });
    const refused = ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(1)));
    expect(refused.executions[0]).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', orderRejectReason: 'ORD_REJECT_REASON_EXCHANGE_CLOSED' });
    expect(ex.activeHalts().map((h) => h.id)).toEqual([halt.id]);
    expect(ex.endHalt(halt.id)).toBe(true);
    expect(ex.getMarket(MARKET)).toMatchObject({ state: 'MARKET_STATE_OPEN', status: 'MARKET_STATUS_OPEN' });
    expect(ex.submitOrder('B', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(1))).order.state).toBe('ORDER_STATE_NEW');
  });

  it("keeps resting orders through a halt when told to, and leaves markets the halt does not name alone", () => {
    const { ex } = makeExchange();
    ex.addMarket({ slug: 'other', eventSlug: 'nba-bos-nyk', title: 'O', outcome: 'O' });
    const resting = ex.submitOrder('A', limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(10)));
    ex.startHalt({ slugs: [MARKET], restingOrders: 'keep' });
    expect(ex.getOrder('A', resting.order.id).state).toBe('ORDER_STATE_NEW');
    expect(ex.getMarket('other')?.state).toBe('MARKET_STATE_OPEN');
    ex.endHalt();
    expect(ex.bbo(MARKET)).toMatchObject({ state: 'MARKET_STATE_OPEN', bestBid: 400_000 });
  });

  it('halts every market during the weekly Thursday 02:00–06:00 New York window and reopens after', () => {
    // Thursday 2026-12-10, 01:59 EST = 06:59Z
    const clock = new ManualClock(Date.UTC(2026, 11, 10, 6, 59));
    const ex = new Exchange({ clock, maintenance: WEEKLY_MAINTENANCE });
    ex.addEvent({ slug: 'e', title: 'E', startTime: 0 });
    ex.addMarket({ slug: 'm', eventSlug: 'e', title: 'M', outcome: 'X' });
    ex.openAccount('A', 100 * USD);
    ex.expireOrders();
    expect(ex.getMarket('m')?.state).toBe('MARKET_STATE_OPEN');
    clock.set(Date.UTC(2026, 11, 10, 7, 0)); // 02:00 EST
    const r = ex.submitOrder('A', { marketSlug: 'm', intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, quantity: contracts(1) });
    expect(r.executions[0]?.orderRejectReason).toBe('ORD_REJECT_REASON_EXCHANGE_CLOSED');
    expect(ex.getMarket('m')?.state).toBe('MARKET_STATE_HALTED');
    expect(ex.endHalt()).toBe(false); // maintenance is not a staged halt
    clock.set(Date.UTC(2026, 11, 10, 11, 0)); // 06:00 EST
    ex.expireOrders(); // the server's periodic sweep
    expect(ex.getMarket('m')?.state).toBe('MARKET_STATE_OPEN');
    // a Wednesday at the same hour is a normal day
    clock.set(Date.UTC(2026, 11, 16, 8, 0));
    ex.expireOrders();
    expect(ex.getMarket('m')?.state).toBe('MARKET_STATE_OPEN');
  });
});

describe('DAY orders', () => {
  it('rest and do not expire at the 5 pm ET trade-day roll (the venue does not expire them today)', () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 7, 21, 0)); // Monday 16:00 EST
    const ex = new Exchange({ clock, maintenance: WEEKLY_MAINTENANCE });
    ex.addEvent({ slug: 'e', title: 'E', startTime: 0 });
    ex.addMarket({ slug: 'm', eventSlug: 'e', title: 'M', outcome: 'X' });
    ex.openAccount('A', 100 * USD);
    const r = ex.submitOrder('A', { marketSlug: 'm', intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, quantity: contracts(3), tif: 'TIME_IN_FORCE_DAY' });
    expect(r.order).toMatchObject({ state: 'ORDER_STATE_NEW', timeInForceAsSent: 'TIME_IN_FORCE_DAY' });
    for (const hours of [1, 2, 26, 49]) {
      clock.set(Date.UTC(2026, 11, 7, 21, 0) + hours * 3_600_000);
      expect(ex.expireOrders()).toEqual([]);
    }
    expect(ex.openOrders('A').map((o) => [o.id, o.timeInForceAsSent])).toEqual([[r.order.id, 'TIME_IN_FORCE_DAY']]);
  });
});
