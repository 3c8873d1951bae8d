/**
 * The live account's fills reach the shadow journal through the real order tracker, including the fill that
 * completes an order: the tracker reports the order FILLED (terminal) before it hands out that fill, and the
 * session used to forget the order's pairing on the status — every taker that filled at once counted as a
 * 0 % live fill rate against the paper twins.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { DEFAULT_FEE_SCHEDULE } from '../../../shared/domain/fees.js';
import type { OrderGateway } from '../../../shared/domain/gateway.js';
import type { CreateOrderResult } from '../../../shared/domain/venue-models.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { DEFAULT_MARKET_RULES } from '../../../shared/execution/order-builder.js';
import { OrderTracker } from '../../../shared/execution/order-tracker.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { LIVE } from '../../../shared/shadow/shadow-journal.js';
import { ShadowSession } from '../../../shared/shadow/shadow-session.js';
import { OrderBook } from '../../../shared/state/order-book.js';
import { execution, request } from '../execution/helpers.js';

function rig() {
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler(clock);
  const book = new OrderBook('mkt-a');
  book.replace({ bids: [{ price: 540_000, qty: contracts(50) }], asks: [{ price: 550_000, qty: contracts(50) }], state: 'MARKET_STATE_OPEN', transactTime: clock.now(), receivedAt: clock.now() });
  const session = new ShadowSession({
    clock,
    scheduler,
    paperModel: { orderLatencyMs: 0, cancelLatencyMs: 0, marketDataDelayMs: 0, queueAheadFraction: 1 },
    fees: DEFAULT_FEE_SCHEDULE,
    rules: () => DEFAULT_MARKET_RULES,
    book: (slug) => (slug === 'mkt-a' ? book : undefined),
    markets: () => ['mkt-a'],
  });
  let n = 0;
  // The live venue at the client edge: it accepts every create; its executions are fed to the tracker below.
  const venue = { createOrder: async (): Promise<CreateOrderResult> => ({ orderId: `L${++n}`, executions: [], recovered: false }) } as unknown as OrderGateway;
  const gateway = session.wrap(venue);
  const tracker = new OrderTracker({ clock });
  session.attachLiveTracker(tracker);
  session.activate();
  const send = async (qty: number) => {
    const req = request({ quantity: contracts(qty) });
    const local = tracker.create(req, 'live_arbitrage');
    tracker.markSubmitted(local.localId);
    const { orderId } = await gateway.createOrder(req);
    tracker.attachVenueId(local.localId, orderId);
    return orderId;
  };
  const liveFills = () => session.journal.snapshot().fills.filter((f) => f.side === LIVE);
  return { session, tracker, send, liveFills };
}

describe('shadow session: live fills through the order tracker', () => {
  it('journals the fill that completes an order (a taker filled at once)', async () => {
    const { tracker, send, liveFills } = rig();
    const id = await send(10);
    tracker.applyExecution(execution('x1', id, 'EXECUTION_TYPE_FILL', { lastShares: contracts(10), lastPx: 550_000, aggressor: true, state: 'ORDER_STATE_FILLED', order: { cumQuantity: contracts(10), leavesQuantity: 0 } }));
    await Promise.resolve();
    expect(tracker.getByOrderId(id)?.status).toBe('FILLED');
    expect(liveFills().map((f) => f.qty)).toEqual([contracts(10)]);
  });

  it('journals a partial fill and the final one, then forgets the order (a later execution of it is not journaled)', async () => {
    const { tracker, send, liveFills } = rig();
    const id = await send(10);
    tracker.applyExecution(execution('x1', id, 'EXECUTION_TYPE_PARTIAL_FILL', { lastShares: contracts(4), lastPx: 550_000, state: 'ORDER_STATE_PARTIALLY_FILLED', order: { cumQuantity: contracts(4), leavesQuantity: contracts(6) } }));
    tracker.applyExecution(execution('x2', id, 'EXECUTION_TYPE_FILL', { lastShares: contracts(6), lastPx: 550_000, state: 'ORDER_STATE_FILLED', order: { cumQuantity: contracts(10), leavesQuantity: 0 } }));
    await Promise.resolve();
    expect(liveFills().map((f) => f.qty)).toEqual([contracts(4), contracts(6)]);
    tracker.applyExecution(execution('x3', id, 'EXECUTION_TYPE_FILL', { lastShares: contracts(1), lastPx: 550_000, state: 'ORDER_STATE_FILLED', order: { cumQuantity: contracts(11), leavesQuantity: 0 } }));
    expect(liveFills()).toHaveLength(2);
  });
});
