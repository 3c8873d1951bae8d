import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ORDER_INTENTS } from '../../../shared/domain/venue-enums.js';
import { contracts, roundToStep } from '../../../shared/domain/quantity.js';
import { lv, paper } from './helpers.js';

const step = fc.oneof(
  fc.record({
    kind: fc.constant('order' as const),
    intent: fc.constantFrom(...ORDER_INTENTS),
    c: fc.integer({ min: 1, max: 99 }),
    qty: fc.integer({ min: 1, max: 8_000 }), // hundredths, on the market's grid when sent
    tif: fc.constantFrom('TIME_IN_FORCE_GOOD_TILL_CANCEL', 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL', 'TIME_IN_FORCE_FILL_OR_KILL' as const),
  }),
  fc.record({
    kind: fc.constant('book' as const),
    mid: fc.integer({ min: 5, max: 95 }),
    bidQty: fc.integer({ min: 0, max: 60 }), // contracts
    askQty: fc.integer({ min: 0, max: 60 }),
  }),
  fc.record({
    kind: fc.constant('trade' as const),
    c: fc.integer({ min: 1, max: 99 }),
    qty: fc.integer({ min: 1, max: 100 }), // contracts
    sell: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('cancel' as const), n: fc.nat() }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 150 }) }),
);

describe('paper exchange invariants (property)', () => {
  it('cash and buying power never go negative, no order overfills, one trade print never fills us for more than its size', async () => {
    await fc.assert(
      // a whole-contract market, or a 0.01 one where orders carry fractions
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), fc.constantFrom(0, 1_000_000), fc.constantFrom(1, 100), async (steps, settlement, sizeStep) => {
        const p = paper({ balance: 25, latencyMs: 30, minQty: sizeStep });
        p.book([lv(0.49, 20)], [lv(0.51, 20)]);
        const ids: string[] = [];
        for (const s of steps) {
          if (s.kind === 'order') {
            const { orderId } = await p.ex.createOrder(p.order({ intent: s.intent, price: s.c * 10_000, quantity: Math.max(sizeStep, roundToStep(s.qty, sizeStep)), tif: s.tif }));
            ids.push(orderId);
          } else if (s.kind === 'book') {
            p.book(s.bidQty ? [lv((s.mid - 1) / 100, s.bidQty)] : [], s.askQty ? [lv((s.mid + 1) / 100, s.askQty)] : []);
          } else if (s.kind === 'trade') {
            const before = p.fills().filter((x) => x.aggressor === false).reduce((a, x) => a + x.lastShares!, 0);
            p.trade(s.c / 100, s.qty, s.sell ? 'ORDER_SIDE_SELL' : 'ORDER_SIDE_BUY');
            const after = p.fills().filter((x) => x.aggressor === false).reduce((a, x) => a + x.lastShares!, 0);
            expect(after - before).toBeLessThanOrEqual(contracts(s.qty));
          } else if (s.kind === 'cancel') {
            const id = ids.length ? ids[s.n % ids.length]! : null;
            if (id) await p.ex.cancelOrder(id, 'mkt-a').catch(() => undefined);
          } else {
            p.scheduler.advance(s.ms);
          }
          expect(p.ex.portfolio.cash).toBeGreaterThanOrEqual(0);
          expect(p.ex.portfolio.buyingPower()).toBeGreaterThanOrEqual(0);
        }
        p.scheduler.advance(1_000);
        for (const id of ids) {
          const o = p.ex.simulator.get(id)!;
          expect(p.filledQty(id)).toBe(o.filledQty);
          expect(o.filledQty).toBeLessThanOrEqual(o.quantity);
        }
        p.ex.settle('mkt-a', settlement);
        expect(p.ex.portfolio.cash).toBeGreaterThanOrEqual(0);
        expect(p.ex.balance().buyingPower).toBe(p.ex.portfolio.cash);
        expect(p.ex.portfolio.position('mkt-a')?.netQty ?? 0).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
