import { describe, expect, it } from 'vitest';
import { lv, paper, usd } from './helpers.js';
import { contracts } from '../../../shared/domain/quantity.js';

/** The venue execution's fields, in the order the paper exchange writes them (a JSON dump shows this order). */
const FIELDS = ['id', 'order', 'lastShares', 'lastPx', 'type', 'text', 'orderRejectReason', 'transactTime', 'tradeId', 'aggressor', 'commissionNotionalCollected', 'unsolicitedCancelReason'];

describe('paper exchange executions', () => {
  it('every execution has the same fields in the same order; the kind-specific ones overwrite the nulls in place', async () => {
    const p = paper({ latencyMs: 0 });
    p.book([lv(0.48, 50)], [lv(0.5, 5)]);
    const { orderId } = await p.ex.createOrder(p.order({ quantity: contracts(10) }));
    p.scheduler.runUntil(p.clock.now());
    await p.ex.cancelOrder(orderId, 'mkt-a');
    p.clock.advance(1_000);
    p.scheduler.runUntil(p.clock.now());
    const xs = p.executions();
    expect(xs.map((x) => x.type)).toEqual(['EXECUTION_TYPE_NEW', 'EXECUTION_TYPE_PARTIAL_FILL', 'EXECUTION_TYPE_CANCELED']);
    for (const x of xs) expect(Object.keys(x)).toEqual(FIELDS);
    expect(xs[0]).toMatchObject({ lastShares: null, lastPx: null, text: null, tradeId: null, aggressor: null, commissionNotionalCollected: null, unsolicitedCancelReason: null });
    expect(xs[1]).toMatchObject({ lastShares: contracts(5), lastPx: usd(0.5), aggressor: true, tradeId: 'paper-trade-2', text: null, unsolicitedCancelReason: null });
    expect(xs[1]?.commissionNotionalCollected).toBeGreaterThan(0);
    expect(xs[2]).toMatchObject({ text: 'cancelled', unsolicitedCancelReason: null, lastShares: null, aggressor: null });
    expect(xs.map((x) => x.id)).toEqual(['paper-exec-1', 'paper-exec-2', 'paper-exec-3']);
  });
});
