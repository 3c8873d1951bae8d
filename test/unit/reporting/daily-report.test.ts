import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Fill } from '../../../shared/domain/order.js';
import type { PositionState } from '../../../shared/domain/position.js';
import { contracts, qtyTimesMicros } from '../../../shared/domain/quantity.js';
import type { OrderIntent } from '../../../shared/domain/venue-enums.js';
import { computeDailyReport, classifyBySlug, usd } from '../../../shared/reporting/daily-report.js';
import { applyFill, emptyBook } from '../../../shared/reporting/realized-pnl.js';
import { reportSummary } from '../../../shared/reporting/report-summary.js';

// 2031-03-10 12:00 New York (EDT, UTC−4) and the day before.
const DAY = '2031-03-10';
const NOON = Date.UTC(2031, 2, 10, 16, 0, 0);
const PREV = Date.UTC(2031, 2, 9, 17, 0, 0);

let seq = 0;
function fill(p: Partial<Fill> & Pick<Fill, 'intent' | 'price' | 'qty' | 'time'>): Fill {
  seq++;
  return {
    executionId: `e${String(seq).padStart(4, '0')}`,
    orderId: `o${seq}`,
    marketSlug: 'nba-bos-nyk-moneyline',
    fee: 0,
    liquidity: 'TAKER',
    ...p,
  };
}

describe('realized PnL replay (average cost, like the exchange ledger)', () => {
  it('realizes proceeds minus released cost, on both sides', () => {
    const b = emptyBook();
    expect(applyFill(b, { intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, qty: contracts(10) })).toBe(0);
    expect(b).toEqual({ net: contracts(10), cost: 4_000_000, realized: 0 });
    // Sell 4 long at 0.55: proceeds 2.20, released 1.60 → +0.60.
    expect(applyFill(b, { intent: 'ORDER_INTENT_SELL_LONG', price: 550_000, qty: contracts(4) })).toBe(600_000);
    // BUY_SHORT 10 at 0.50 = sell long at 0.50: closes the 6 long (proceeds 3.00, released 2.40 → +0.60), opens 4 short at 0.50.
    expect(applyFill(b, { intent: 'ORDER_INTENT_BUY_SHORT', price: 500_000, qty: contracts(10) })).toBe(600_000);
    expect(b).toEqual({ net: contracts(-4), cost: 2_000_000, realized: 1_200_000 });
    // SELL_SHORT 4 at 0.70 = buy long back at 0.70: the short is worth 0.30 each, it cost 0.50 → −0.80.
    expect(applyFill(b, { intent: 'ORDER_INTENT_SELL_SHORT', price: 700_000, qty: contracts(4) })).toBe(-800_000);
    expect(b).toEqual({ net: 0, cost: 0, realized: 400_000 });
  });

  it('property: a round trip to flat realizes exactly Σ proceeds − Σ costs, whatever the path', () => {
    const intents: OrderIntent[] = ['ORDER_INTENT_BUY_LONG', 'ORDER_INTENT_SELL_LONG'];
    fc.assert(
      fc.property(
        // hundredths of a contract: 0.01 to 50
        fc.array(fc.record({ buy: fc.boolean(), qty: fc.integer({ min: 1, max: 5_000 }), tick: fc.integer({ min: 1, max: 99 }) }), { minLength: 1, maxLength: 30 }),
        (steps) => {
          const b = emptyBook();
          let cash = 0;
          for (const s of steps) {
            const price = s.tick * 10_000;
            applyFill(b, { intent: intents[s.buy ? 0 : 1] as OrderIntent, price, qty: s.qty });
            // Long-side cash: buying long pays p; selling long receives p (a short opened by selling is worth 1 − p).
            // exact: a cent tick × hundredths is a whole micro
            cash += s.buy ? -qtyTimesMicros(s.qty, price, 'up') : qtyTimesMicros(s.qty, price, 'down');
          }
          // Close at 0.50 whatever is left.
          const net = b.net;
          if (net !== 0) {
            applyFill(b, { intent: net > 0 ? 'ORDER_INTENT_SELL_LONG' : 'ORDER_INTENT_BUY_LONG', price: 500_000, qty: Math.abs(net) });
            cash += qtyTimesMicros(net, 500_000, 'down');
          }
          expect(b.net).toBe(0);
          expect(b.cost).toBe(0);
          expect(b.realized).toBe(cash);
        },
      ),
    );
  });
});

describe('daily report', () => {
  it('matches an independently computed example: per strategy, per sport, per market', () => {
    const bos = 'nba-bos-nyk-moneyline';
    const nfl = 'nfl-kc-buf-moneyline';
    const histories = new Map<string, Fill[]>([
      [
        bos,
        [
          // Yesterday: bought 10 at 0.40 (cost basis for today; not in today's figures).
          fill({ marketSlug: bos, intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, qty: contracts(10), time: PREV, fee: 10_000, strategyName: 'market_maker' }),
          // Today: sell 6 at 0.50 as maker (rebate 0.01): realized 6 × (0.50 − 0.40) = 0.60.
          fill({ marketSlug: bos, intent: 'ORDER_INTENT_SELL_LONG', price: 500_000, qty: contracts(6), time: NOON, fee: -10_000, liquidity: 'MAKER', strategyName: 'market_maker' }),
          // Today: buy 5 more at 0.45 as taker (fee 0.01): no realized.
          fill({ marketSlug: bos, intent: 'ORDER_INTENT_BUY_LONG', price: 450_000, qty: contracts(5), time: NOON + 1000, fee: 10_000, strategyName: 'statistical_edge' }),
        ],
      ],
      [
        nfl,
        [
          // Today: open 20 short at 0.30 (sell long at 0.30; the short costs 0.70 each), fee 0.04.
          fill({ marketSlug: nfl, intent: 'ORDER_INTENT_BUY_SHORT', price: 300_000, qty: contracts(20), time: NOON + 2000, fee: 40_000, strategyName: 'live_arbitrage' }),
          // Today: close 10 at 0.20 (buy long back; the short is worth 0.80): realized 10 × (0.80 − 0.70) = 1.00, fee 0.02.
          fill({ marketSlug: nfl, intent: 'ORDER_INTENT_SELL_SHORT', price: 200_000, qty: contracts(10), time: NOON + 3000, fee: 20_000, strategyName: 'live_arbitrage' }),
        ],
      ],
    ]);
    const positions: PositionState[] = [
      { marketSlug: bos, side: 'YES', quantity: contracts(9), netQty: contracts(9), avgPrice: 422_222, cost: 3_850_000, currentValue: 4_050_000, unrealizedPnl: 200_000, realizedPnl: 600_000, feesPaid: 0, updatedAt: NOON },
      { marketSlug: nfl, side: 'NO', quantity: contracts(10), netQty: contracts(-10), avgPrice: 700_000, cost: 7_000_000, currentValue: 6_500_000, unrealizedPnl: -500_000, realizedPnl: 1_000_000, feesPaid: 0, updatedAt: NOON },
      { marketSlug: 'nba-old-flat-moneyline', side: 'YES', quantity: 0, netQty: 0, avgPrice: 0, cost: 0, currentValue: 0, unrealizedPnl: 0, realizedPnl: 0, feesPaid: 0, updatedAt: NOON },
    ];
    const r = computeDailyReport({ day: DAY, generatedAt: NOON + 10_000, marketHistories: histories, positions, riskDayRealizedMicros: 1_550_000 });

    // Totals by hand: 4 fills today, 41 contracts.
    // Volume (fee notional): sell 6 @0.50 → 6 × 0.50 = 3.00; buy 5 @0.45 → 2.25; BUY_SHORT 20 @0.30 → 20 × 0.70 = 14.00;
    // SELL_SHORT 10 @0.20 (buys long) → 2.00. Σ = 21.25.
    expect(r.totals).toMatchObject({
      fills: 4,
      contracts: '41',
      makerFills: 1,
      takerFills: 3,
      volume: '21.25',
      feesPaid: '0.07',
      rebates: '0.01',
      netFees: '0.06',
      realizedPnl: '1.60',
      netRealizedPnl: '1.54',
      unrealizedPnl: '-0.30',
      totalPnl: '1.24',
      openPositions: 2,
    });
    expect(r.byStrategy.market_maker).toMatchObject({ fills: 1, realizedPnl: '0.60', netRealizedPnl: '0.61', rebates: '0.01' });
    expect(r.byStrategy.statistical_edge).toMatchObject({ fills: 1, realizedPnl: '0.00', netRealizedPnl: '-0.01' });
    expect(r.byStrategy.live_arbitrage).toMatchObject({ fills: 2, realizedPnl: '1.00', feesPaid: '0.06', netRealizedPnl: '0.94' });
    expect(r.bySport.nba).toMatchObject({ fills: 2, realizedPnl: '0.60', unrealizedPnl: '0.20' });
    expect(r.bySport.nfl).toMatchObject({ fills: 2, realizedPnl: '1.00', unrealizedPnl: '-0.50' });
    expect(r.byMarket[bos]).toMatchObject({ sport: 'nba', marketType: 'moneyline', endOfDayNetQty: '9', contracts: '11' });
    expect(r.byMarket[nfl]).toMatchObject({ endOfDayNetQty: '-10' });
    expect(r.riskDayRealizedPnl).toBe('1.55');
  });

  it('ignores fills after the day, counts a repeated execution once, and is exact past binary floats', () => {
    const slug = 'nba-a-b-moneyline';
    const a = fill({ marketSlug: slug, intent: 'ORDER_INTENT_BUY_LONG', price: 100_000, qty: contracts(3), time: NOON, fee: 1 });
    const later = fill({ marketSlug: slug, intent: 'ORDER_INTENT_SELL_LONG', price: 900_000, qty: contracts(3), time: NOON + 86_400_000 });
    const r = computeDailyReport({ day: DAY, generatedAt: 0, marketHistories: new Map([[slug, [later, a, a]]]), positions: [] });
    expect(r.totals.fills).toBe(1);
    expect(r.totals.feesPaid).toBe('0.000001');
    expect(r.totals.realizedPnl).toBe('0.00');
    expect(r.byMarket[slug]!.endOfDayNetQty).toBe('3');
    // 0.1 + 0.2 in floats is 0.30000000000000004; the report sums micros exactly.
    expect(usd(100_000 + 200_000)).toBe('0.30');
    // …and fractions of a contract exactly: 0.1 + 0.2 contracts bought at 0.40, 0.15 sold at 0.50
    const frac = 'nba-c-d-moneyline';
    const fracFills = [
      fill({ marketSlug: frac, intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, qty: contracts(0.1), time: NOON }),
      fill({ marketSlug: frac, intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, qty: contracts(0.2), time: NOON + 1 }),
      fill({ marketSlug: frac, intent: 'ORDER_INTENT_SELL_LONG', price: 500_000, qty: contracts(0.15), time: NOON + 2 }),
    ];
    const f = computeDailyReport({ day: DAY, generatedAt: 0, marketHistories: new Map([[frac, fracFills]]), positions: [] });
    // 0.45 contracts traded; volume 0.3 × 0.40 + 0.15 × 0.50 = 0.195; realized 0.15 × (0.50 − 0.40) = 0.015
    expect(f.byMarket[frac]).toMatchObject({ contracts: '0.45', endOfDayNetQty: '0.15' });
    expect(f.totals).toMatchObject({ contracts: '0.45', volume: '0.195', realizedPnl: '0.015' });
  });

  it('classifies by slug and summarises briefly', () => {
    expect(classifyBySlug('nfl-kc-buf-moneyline')).toEqual({ sport: 'nfl', marketType: 'moneyline' });
    const r = computeDailyReport({ day: DAY, generatedAt: 0, marketHistories: new Map(), positions: [] });
    const s = reportSummary(r, 's3://b/reports/x.json');
    expect(s.subject.length).toBeLessThanOrEqual(100);
    expect(s.subject).toContain(DAY);
    expect(s.message).toContain('s3://b/reports/x.json');
    expect(r.totals).toMatchObject({ fills: 0, realizedPnl: '0.00', totalPnl: '0.00' });
  });

  it('the summary shows each strategy before and after fees: fees paid, rebates received, net', () => {
    const slug = 'nba-a-b-moneyline';
    const fills = [
      // taker buys 10 at 0.40 paying 0.17, maker sells them at 0.50 earning a 0.03 rebate
      fill({ marketSlug: slug, intent: 'ORDER_INTENT_BUY_LONG', price: 400_000, qty: contracts(10), time: NOON, fee: 170_000, strategyName: 'live_arbitrage' }),
      fill({ marketSlug: slug, intent: 'ORDER_INTENT_SELL_LONG', price: 500_000, qty: contracts(10), time: NOON + 1, fee: -30_000, liquidity: 'MAKER', strategyName: 'live_arbitrage' }),
    ];
    const r = computeDailyReport({ day: DAY, generatedAt: 0, marketHistories: new Map([[slug, fills]]), positions: [] });
    expect(r.byStrategy.live_arbitrage).toMatchObject({ realizedPnl: '1.00', feesPaid: '0.17', rebates: '0.03', netFees: '0.14', netRealizedPnl: '0.86' });
    expect(reportSummary(r).message).toContain(
      'live_arbitrage: 2 fills (maker 1, taker 1); realized before fees 1.00, fees paid 0.17, rebates received 0.03, net fees 0.14, after fees 0.86 USD',
    );
  });
});
