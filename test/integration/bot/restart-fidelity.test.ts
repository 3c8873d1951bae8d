/**
 * Restart fidelity of the install step (persistence/install-rebuild.ts) on the whole engine (ScriptedWorld):
 *  - positions inherited from before the restart are in the breaker's daily-PnL view, so an inherited losing
 *    position trips the breaker from the first tick (it did not before: the monitor only learned from fills);
 *  - a partly filled order open at the exchange is adopted with its cumulative fill (not at 0 filled), and
 *    neither the adoption nor an execution buffered during the rebuild books that fill again.
 */
import { describe, expect, it } from 'vitest';
import type { Fill, TrackedOrder } from '../../../shared/domain/order.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import type { VenuePosition } from '../../../shared/domain/venue-models.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { adoptOrders, installAccount } from '../../../containers/bot/persistence/install-rebuild.js';
import { bookEvent, engineConfig, ScriptedWorld, usd } from '../../support/engine-fixtures.js';
import { venueOrder } from '../../support/domain-fixtures.js';
import { execution } from '../../unit/execution/helpers.js';

function position(marketSlug: string, netPosition: Qty, cost: number): VenuePosition {
  return {
    marketSlug,
    netPosition,
    qtyBought: Math.max(0, netPosition),
    qtySold: Math.max(0, -netPosition),
    cost,
    realized: 0,
    bodPosition: netPosition,
    expired: false,
    updateTime: null,
    cashValue: null,
    qtyAvailable: null,
  };
}

function world() {
  const w = new ScriptedWorld({ strategies: [], config: engineConfig({ patch: { risk: { max_daily_loss: 50 } } }) });
  const fx = w.addFixture({ fixtureId: 'f1', home: 'Lakers', away: 'Celtics' });
  const engine = w.engine;
  const logger = new MemoryLogger();
  const targets = (withPnl: boolean) => ({ tracker: engine.executor().tracker, state: engine.state, ...(withPnl ? { pnl: engine.pnl } : {}), logger, now: w.clock.now() });
  return { w, fx, engine, targets };
}

describe('restart: inherited positions count toward the circuit breaker', () => {
  it('an inherited long bought at 0.60 and now sellable at the bid 0.30 less the fee (−62.92 USD) trips the 50 USD breaker at the first tick', async () => {
    const { w, fx, engine, targets } = world();
    // 200 long contracts bought at 0.60 before the restart: cost 120 USD.
    installAccount([position(fx.homeSlug, contracts(200), usd(120))], undefined, targets(true));
    w.market(bookEvent(fx.homeSlug, [[0.3, 500]], [[0.32, 500]], w.clock.now()));
    // Executable mark: 200 × 0.30 = 60 less the taker fee 0.0695 × 200 × 0.30 × 0.70 = 2.919 → 2.92: 57.08 against
    // 120 of cost (at the mid 0.31 it would have been −58).
    const unrealized = usd(57.08) - usd(120);
    expect(engine.pnl.dailyPnl()).toEqual({ realized: 0, unrealized });
    expect(engine.breaker.isTripped()).toBe(false);
    await w.advance(1_000);
    expect(engine.breaker.isTripped()).toBe(true);
    expect(engine.breaker.state().tripReason).toContain(`unrealized ${unrealized}`);
    // The state manager has the same position and the same mark; the mid figure beside it.
    expect(engine.state.position(fx.homeSlug)).toMatchObject({ side: 'YES', quantity: contracts(200), cost: usd(120), unrealizedPnl: unrealized, unrealizedPnlAtMid: -usd(58) });
  });

  it('without the seed (the behaviour before) the same restart sees no loss and keeps trading', async () => {
    const { w, fx, engine, targets } = world();
    installAccount([position(fx.homeSlug, contracts(200), usd(120))], undefined, targets(false));
    w.market(bookEvent(fx.homeSlug, [[0.3, 500]], [[0.32, 500]], w.clock.now()));
    await w.advance(1_000);
    expect(engine.pnl.dailyPnl().unrealized).toBe(0);
    expect(engine.breaker.isTripped()).toBe(false);
  });

  it('an inherited short is marked at 1 − the best ask less the fee against the cost of the NO side; a later closing fill realizes against it', async () => {
    const { w, fx, engine, targets } = world();
    // 100 short contracts: NO bought at 0.40 (long sold at 0.60), cost 40 USD of the held side.
    installAccount([position(fx.awaySlug, contracts(-100), usd(40))], undefined, targets(true));
    w.market(bookEvent(fx.awaySlug, [[0.79, 500]], [[0.81, 500]], w.clock.now()));
    // Bought back at the ask 0.81: 100 × 0.19 = 19 less the fee 0.0695 × 100 × 0.81 × 0.19 = 1.0696 → 1.07:
    // 17.93 of value against 40 of cost.
    expect(engine.pnl.dailyPnl()).toEqual({ realized: 0, unrealized: usd(17.93) - usd(40) });
    await w.advance(1_000);
    expect(engine.breaker.isTripped()).toBe(false); // 22.07 < 50
    // Buying back 50 long at 0.80 closes half the short: realized = 50 × 0.20 − 20 = −10 USD (fee 0 here).
    engine.pnl.onFill({ executionId: 'x1', orderId: 'o1', marketSlug: fx.awaySlug, intent: 'ORDER_INTENT_BUY_LONG', price: 800_000, qty: contracts(50), fee: 0, liquidity: 'MAKER', time: w.clock.now() });
    // The other 50: 50 × 0.19 = 9.50 less 0.5348 → 0.53: 8.97 against 20.
    expect(engine.pnl.dailyPnl()).toEqual({ realized: -usd(10), unrealized: usd(8.97) - usd(20) });
  });
});

describe('restart: a partly filled open order is adopted with its fill', () => {
  it('resumes at the venue cumulative quantity under its stored id; a buffered execution within it is not booked again; later fills continue', () => {
    const { w, fx, engine, targets } = world();
    const tracker = engine.executor().tracker;
    const fills: Fill[] = [];
    engine.bus.on('fill', (f) => fills.push(f));
    const venue = venueOrder('v-77', {
      marketSlug: fx.homeSlug,
      quantity: contracts(10),
      cumQuantity: contracts(4),
      leavesQuantity: contracts(6),
      price: 550_000,
      avgPx: 545_000,
      state: 'ORDER_STATE_PARTIALLY_FILLED',
    });
    // The private socket delivered the 4-contract fill while the rebuild ran: buffered (order unknown yet).
    tracker.applyExecution(execution('e-4', 'v-77', 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(4), lastPx: 545_000, order: { ...venue } }));
    const stored: TrackedOrder = {
      orderId: 'v-77',
      localId: 'mm-1',
      request: { marketSlug: fx.homeSlug, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 550_000, quantity: contracts(10), tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: true },
      status: 'PARTIALLY_FILLED',
      filledQty: contracts(4),
      avgPrice: 545_000,
      feesPaid: 0,
      strategyName: 'market_maker',
      createdAt: w.clock.now() - 60_000,
      updatedAt: w.clock.now() - 30_000,
    };
    expect(adoptOrders([{ order: stored, version: 3, venue }], targets(true))).toBe(1);
    expect(tracker.get('mm-1')).toMatchObject({ orderId: 'v-77', strategyName: 'market_maker', status: 'PARTIALLY_FILLED', filledQty: contracts(4), leavesQty: contracts(6), avgPrice: 545_000 });
    expect(fills).toEqual([]);
    expect(engine.pnl.dailyPnl().realized).toBe(0);
    // The rest trades after the restart: one fill of 6, the order completes.
    tracker.applyExecution(execution('e-10', 'v-77', 'EXECUTION_TYPE_FILL', { lastShares: contracts(6), lastPx: 550_000, aggressor: false, order: { ...venue, cumQuantity: contracts(10), leavesQuantity: 0, state: 'ORDER_STATE_FILLED' } }));
    expect(fills.map((f) => [f.executionId, f.qty, f.strategyName])).toEqual([['e-10', contracts(6), 'market_maker']]);
    expect(tracker.get('mm-1')).toMatchObject({ status: 'FILLED', filledQty: contracts(10), leavesQty: 0 });
    // An unfilled open order still takes the stored request (post-only kept).
    const fresh = venueOrder('v-78', { marketSlug: fx.homeSlug, quantity: contracts(5), leavesQuantity: contracts(5) });
    adoptOrders([{ order: { ...stored, orderId: 'v-78', localId: 'mm-2', status: 'PENDING', filledQty: 0, avgPrice: 0, request: { ...stored.request, quantity: contracts(5) } }, version: 1, venue: fresh }], targets(true));
    expect(tracker.get('mm-2')).toMatchObject({ status: 'PENDING', filledQty: 0, leavesQty: contracts(5), request: { postOnly: true } });
  });
});
