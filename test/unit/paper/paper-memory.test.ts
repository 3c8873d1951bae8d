/**
 * An always-on paper session (the Fargate task in paper mode) sends orders for days: the paper exchange must
 * not keep something for every order it ever saw. Measured on the heap after full collections (`gc` is
 * exposed at run time for this file), per order, over rounds of orders that each rest, partly fill or not,
 * and end (cancelled), with the engine's periodic prune of finished simulator orders between rounds.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import { lv, paper, usd } from './helpers.js';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterCollection(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('paper exchange memory', () => {
  it('keeps nothing per finished order once the simulator has pruned it', async () => {
    const p = paper({ latencyMs: 10, balance: 1_000_000 });
    const round = async (orders: number): Promise<void> => {
      for (let i = 0; i < orders; i++) {
        p.book([lv(0.4, 50)], [lv(0.6, 50)]);
        // One order in four crosses the ask and fills part of its size; the rest rest on the bid side.
        const crossing = i % 4 === 0;
        const { orderId } = await p.ex.createOrder(p.order({ price: usd(crossing ? 0.6 : 0.45), quantity: contracts(crossing ? 60 : 10) }));
        p.clock.advance(20);
        p.scheduler.runUntil(p.clock.now());
        await p.ex.cancelOrder(orderId, 'mkt-a');
        p.clock.advance(20);
        p.scheduler.runUntil(p.clock.now());
        p.events.length = 0;
      }
      p.ex.simulator.prune();
    };
    // Rounds of one size (the orders finished between two prunes): the first ones grow hash tables to the size
    // that holds a round (they do not shrink), the next ones must leave the heap where it was.
    const size = 5_000;
    for (let r = 0; r < 3; r++) await round(size);
    const before = heapAfterCollection();
    for (let r = 0; r < 4; r++) await round(size);
    const perOrder = (heapAfterCollection() - before) / (4 * size);
    // Every fill must have happened, or the check would measure idle orders only.
    expect(p.ex.portfolio.cash).toBeLessThan(usd(1_000_000));
    // Keeping one small record per order (its id and venue state) costs ~110 bytes an order here; a hash table
    // doubling once more inside the window (a step, not a slope) ~25.
    expect(perOrder).toBeLessThan(50);
  });
});
