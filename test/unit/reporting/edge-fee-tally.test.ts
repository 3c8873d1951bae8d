import { describe, expect, it } from 'vitest';
import type { Fill } from '../../../shared/domain/order.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { EdgeFeeTally } from '../../../shared/reports/edge-fee-tally.js';
import { SessionStats } from '../../../containers/bot/session-stats.js';

const signal = (over: Partial<Signal>): Signal => ({
  marketSlug: 'm', action: 'BUY_YES', price: 500_000, quantity: contracts(10), urgency: 'MEDIUM', strategyName: 'statistical_edge', confidence: 0.9,
  reason: '', fairProbability: 0.6, createdAt: 0, ...over,
});
let seq = 0;
const fill = (over: Partial<Fill>): Fill => ({
  executionId: `e${++seq}`, orderId: 'o', marketSlug: 'm', intent: 'ORDER_INTENT_BUY_LONG', price: 500_000, qty: contracts(10), fee: 0, liquidity: 'TAKER', time: 0, ...over,
});

describe('edges and fees by strategy', () => {
  it('weights the edges by the approved quantity and splits fees paid from rebates received', () => {
    const t = new EdgeFeeTally();
    // 10 contracts at gross 0.05 / net 0.032625, 30 at gross 0.03 / net 0.012625
    t.onApproved(signal({ quantity: contracts(10), grossEdge: 50_000, netEdge: 32_625 }));
    t.onApproved(signal({ quantity: contracts(30), grossEdge: 30_000, netEdge: 12_625 }));
    t.onApproved(signal({ strategyName: 'market_maker', quantity: contracts(20), grossEdge: 10_000, netEdge: 13_125 }));
    t.onApproved(signal({ quantity: contracts(99) })); // no stated edge: not counted
    t.onFill(fill({ strategyName: 'statistical_edge', fee: 180_000 }));
    t.onFill(fill({ strategyName: 'market_maker', fee: -30_000, liquidity: 'MAKER' }));
    t.onFill(fill({ strategyName: 'market_maker', fee: -10_000, liquidity: 'MAKER' }));
    const rows = t.rows();
    expect(Object.keys(rows)).toEqual(['market_maker', 'statistical_edge']);
    expect(rows.statistical_edge).toEqual({
      signals: 2, contracts: '40',
      grossEdgePerContract: '0.035000', // (10 × 0.05 + 30 × 0.03) / 40
      netEdgePerContract: '0.017625',
      expectedGross: '1.400000', expectedNet: '0.705000',
      fills: 1, makerFills: 0, takerFills: 1, feesPaid: '0.180000', rebates: '0.000000', netFees: '0.180000',
    });
    expect(rows.market_maker).toMatchObject({ grossEdgePerContract: '0.010000', netEdgePerContract: '0.013125', rebates: '0.040000', netFees: '-0.040000', makerFills: 2 });
    expect(t.totals()).toMatchObject({ signals: 3, contracts: '60', feesPaid: '0.180000', rebates: '0.040000', netFees: '0.140000', fills: 3 });
  });

  it('weights fractional quantities exactly', () => {
    const t = new EdgeFeeTally();
    t.onApproved(signal({ quantity: contracts(2.5), grossEdge: 50_000, netEdge: 30_000 }));
    t.onApproved(signal({ quantity: contracts(0.5), grossEdge: 20_000, netEdge: 10_000 }));
    // (2.5 × 0.05 + 0.5 × 0.02) / 3 = 0.045; after fees (2.5 × 0.03 + 0.5 × 0.01) / 3 = 0.08 / 3 = 0.026666…
    expect(t.rows().statistical_edge).toMatchObject({ contracts: '3', grossEdgePerContract: '0.045000', expectedGross: '0.135000', expectedNet: '0.080000' });
  });

  it('the session summary has its own block of edges and fees', () => {
    const stats = new SessionStats();
    const s = signal({ quantity: contracts(10), grossEdge: 50_000, netEdge: 32_625 });
    stats.onDecision({ approved: true, signal: s, reason: 'approved as asked', check: 'approved' }, s);
    stats.onFill(fill({ strategyName: 'statistical_edge', fee: 170_000 }));
    const block = stats.edgeAndFeeBlock();
    expect(block[0]).toContain('edge before  edge after  fees paid  rebates  net fees');
    // 0.05 → 5.00 points before fees, 0.032625 → 3.26 after; 0.17 paid, no rebate
    expect(block.find((l) => l.startsWith('statistical_edge'))).toMatch(/statistical_edge\s+5\.00\s+3\.26\s+0\.17\s+0\.00\s+0\.17$/);
    expect(block.at(-1)).toMatch(/^total\s+5\.00\s+3\.26\s+0\.17\s+0\.00\s+0\.17$/);
  });
});
