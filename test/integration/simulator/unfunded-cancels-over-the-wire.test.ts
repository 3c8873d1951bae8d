/**
 * The venue's collateral and fee rules end to end over the wire: the simulator's server (every answer and frame
 * held against the wire contract), the real venue client (REST client, private socket) and the real executor
 * and order tracker on our side; another account, also over the wire, trades against us.
 *
 * - Unfunded-order cancels: our account, with little cash, rests several orders; the other account crosses
 *   one of them and the fill eats our buying power; the exchange cancels the orders no longer funded. We get
 *   EXECUTION_TYPE_CANCELED with UNSOLICITED_CXL_REASON_EXCHANGE_OPTION on the order stream, the tracker moves
 *   them to CANCELLED with that reason and counts them, and no balance the exchange shows is ever negative.
 * - Fees on the execution: commissionNotionalCollected = Θ × C × p × (1 − p), half-even to the cent, per fill
 *   for the taker (capped per order: three fills of 40 at 0.50 are charged 0.70, 0.69, 0.69) and minus the
 *   maker rebate for the maker.
 * - A SELL_LONG without a long opens a short; the position on the wire is negative and settles at 1 − S.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { MARKET, MARKET2 } from '../../contract/venue/harness.js';
import { waitFor } from '../../support/engine-fixtures.js';
import { USD, limit, signal, wireWorld, type Cleanup } from './wire-parties.js';

const EXCHANGE_OPTION = 'UNSOLICITED_CXL_REASON_EXCHANGE_OPTION';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  // Last in, first out: sockets and clients before the simulator, whose close() fails on a contract violation.
  for (const c of cleanups.splice(0).reverse()) await c();
});

const world = (startingBalance: number) => wireWorld(cleanups, startingBalance);

describe('unfunded-order cancels over the wire', () => {
  it('a fill that eats buying power: the exchange cancels the unfunded orders, the tracker closes them with the reason', async () => {
    const { sim, metrics, executor, ours, other, balances, unsolicited } = await world(7 * USD);
    // Θ of both markets is the default 0.0695 (maker 0.0125): the figures below depend on it.
    for (const slug of [MARKET, MARKET2]) expect(sim.exchange.getMarket(slug)?.feeCoefficientPpm).toBe(69_500);

    const rest = async (s: Signal): Promise<string> => {
      const r = await executor.execute(s);
      if (r.status !== 'submitted') throw new Error(`not submitted: ${JSON.stringify(r)}`);
      await waitFor(() => executor.tracker.getByOrderId(r.orderId)?.status === 'PENDING', `order ${r.orderId} resting`, 5_000);
      return r.orderId;
    };
    // Cash 7.00. Two offers of YES we do not hold (opening shorts), then a bid, in MARKET; a bid in MARKET2.
    const offer70 = await rest(signal(MARKET, 'SELL_YES', 700_000, contracts(10), 'GTC')); // short 10 × 0.30 = 3.00
    const offer72 = await rest(signal(MARKET, 'SELL_YES', 720_000, contracts(10), 'GTC')); // + 10 × 0.28 = 2.80: offers hold 5.80
    const bid55 = await rest(signal(MARKET, 'BUY_YES', 550_000, contracts(10), 'GTC')); // bids need 5.50 < 5.80: free
    const bid10 = await rest(signal(MARKET2, 'BUY_YES', 100_000, contracts(2), 'GTC')); // 0.20 in MARKET2
    const [before] = await ours.client.balances();
    expect(before).toMatchObject({ currentBalance: 7 * USD, buyingPower: 1 * USD, openOrders: 6 * USD });

    // The other account sells 10 YES into our 0.55 bid (over its own REST client): we buy 10 at 0.55 as the maker.
    // Cash 7.00 − 5.50 + rebate 0.0125 × 10 × 0.55 × 0.45 = 0.0309375 → 0.03 = 1.53. Long 10 now: the 0.70 offer
    // only closes it, the 0.72 offer still opens 10 shorts (2.80), MARKET2 holds 0.20: buying power −1.47.
    // Newest first: the MARKET2 bid goes (−1.27), then the 0.72 offer (+1.53). The 0.70 offer stays.
    const cross = await other.client.createOrder(limit(MARKET, 'ORDER_INTENT_BUY_SHORT', 550_000, contracts(10), 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL'));
    expect(cross.executions.find((x) => x.lastShares !== null)).toMatchObject({ type: 'EXECUTION_TYPE_FILL', lastShares: contracts(10), aggressor: true });

    await waitFor(() => unsolicited.length === 2, 'two unsolicited cancels', 5_000);
    const cancels = ours.executions().filter((x) => x.type === 'EXECUTION_TYPE_CANCELED');
    expect(cancels.map((x) => [x.order.id, x.unsolicitedCancelReason])).toEqual([
      [bid10, EXCHANGE_OPTION],
      [offer72, EXCHANGE_OPTION],
    ]);
    for (const id of [bid10, offer72]) {
      expect(executor.tracker.getByOrderId(id)).toMatchObject({ status: 'CANCELLED', unsolicitedCancelReason: EXCHANGE_OPTION, leavesQty: 0 });
    }
    expect(unsolicited.map((c) => [c.order.orderId, c.reason])).toEqual([
      [bid10, EXCHANGE_OPTION],
      [offer72, EXCHANGE_OPTION],
    ]);
    expect(metrics.counter('execution.unsolicited_cancel', { reason: EXCHANGE_OPTION })).toBe(2);
    // The filled bid carries the maker rebate as a negative commission, on the wire and in the tracker.
    const makerFill = ours.executions().find((x) => x.order.id === bid55 && x.lastShares !== null);
    expect(makerFill).toMatchObject({ type: 'EXECUTION_TYPE_FILL', lastShares: contracts(10), lastPx: 550_000, aggressor: false, commissionNotionalCollected: -30_000 });
    expect(executor.tracker.getByOrderId(bid55)).toMatchObject({ status: 'FILLED', filledQty: contracts(10), feesPaid: -30_000 });
    expect(executor.tracker.getByOrderId(offer70)?.status).toBe('PENDING');
    expect(executor.tracker.openOrders().map((o) => o.orderId)).toEqual([offer70]);

    // What the exchange shows, over REST and on the socket: never below zero.
    const [after] = await ours.client.balances();
    expect(after).toMatchObject({ currentBalance: 1_530_000, buyingPower: 1_530_000, openOrders: 0 });
    const [position] = await ours.client.allPositions({ market: MARKET });
    expect(position).toMatchObject({ marketSlug: MARKET, netPosition: contracts(10), qtyAvailable: 0 });
    await waitFor(() => ours.events.some((e) => e.type === 'balance' && e.balance === 1_530_000), 'the final balance on the socket', 5_000);
    const socketBalances = ours.events.flatMap((e) => (e.type === 'balance' ? [e] : []));
    expect(socketBalances.length).toBeGreaterThan(0);
    for (const b of socketBalances) {
      expect(b.balance).toBeGreaterThanOrEqual(0);
      expect(b.buyingPower).toBeGreaterThanOrEqual(0);
    }
    const mine = balances.filter((b) => b.accountId === ours.account);
    expect(mine.length).toBeGreaterThan(0);
    for (const b of balances) {
      expect(b.currentBalance).toBeGreaterThanOrEqual(0);
      expect(b.buyingPower).toBeGreaterThanOrEqual(0);
    }
  });

  it('fees on the wire: a taker order filling in three pieces is charged 0.70, 0.69, 0.69; each maker gets its rebate', async () => {
    const { executor, ours, other } = await world(100 * USD);
    // The other account rests three offers of 40 at 0.50 (separate orders, so we take them in three fills).
    const makers: string[] = [];
    for (let i = 0; i < 3; i++) makers.push((await other.client.createOrder(limit(MARKET, 'ORDER_INTENT_BUY_SHORT', 500_000, contracts(40)))).orderId);
    // We buy 120 at 0.50, immediate or cancel: three fills of 40. Exact fee 0.0695 × 40 × 0.25 = 0.695 each.
    const r = await executor.execute(signal(MARKET, 'BUY_YES', 500_000, contracts(120), 'IOC'));
    if (r.status !== 'submitted') throw new Error(`not submitted: ${JSON.stringify(r)}`);
    await waitFor(() => executor.tracker.getByOrderId(r.orderId)?.status === 'FILLED', 'our order filled', 5_000);

    const fills = ours.executions().filter((x) => x.order.id === r.orderId && x.lastShares !== null);
    // 0.695 → 0.70 (half even); then capped so the running total never passes round(cumulative exact):
    // round(1.39) − 0.70 = 0.69, round(2.085) = 2.08 − 1.39 = 0.69.
    expect(fills.map((x) => [x.lastShares, x.lastPx, x.aggressor, x.commissionNotionalCollected])).toEqual([
      [contracts(40), 500_000, true, 700_000],
      [contracts(40), 500_000, true, 690_000],
      [contracts(40), 500_000, true, 690_000],
    ]);
    expect(executor.tracker.getByOrderId(r.orderId)).toMatchObject({ filledQty: contracts(120), feesPaid: 2_080_000 });
    // Each maker: rebate 0.0125 × 40 × 0.25 = 0.125 → 0.12 (half even), per fill, uncapped, negative on the wire.
    await waitFor(() => other.executions().filter((x) => x.lastShares !== null).length === 3, 'the makers fills', 5_000);
    const makerFills = other.executions().filter((x) => x.lastShares !== null);
    expect(makerFills.map((x) => [x.order.id, x.aggressor, x.commissionNotionalCollected])).toEqual(makers.map((id) => [id, false, -120_000]));
    const [balance] = await ours.client.balances();
    expect(balance?.currentBalance).toBe(100 * USD - 60 * USD - 2_080_000);
  });

  it('a SELL_LONG without a long opens a short: negative on the wire, settled at 1 − S', async () => {
    const { sim, executor, ours, other } = await world(20 * USD);
    await other.client.createOrder(limit(MARKET, 'ORDER_INTENT_BUY_LONG', 400_000, contracts(10)));
    // We sell 10 YES we do not hold at 0.40: a short, 10 × 0.60 = 6.00 posted, fee 0.0695 × 10 × 0.24 = 0.1668 → 0.17.
    const r = await executor.execute(signal(MARKET, 'SELL_YES', 400_000, contracts(10), 'IOC'));
    if (r.status !== 'submitted') throw new Error(`not submitted: ${JSON.stringify(r)}`);
    await waitFor(() => executor.tracker.getByOrderId(r.orderId)?.status === 'FILLED', 'our sell filled', 5_000);
    await waitFor(() => ours.events.some((e) => e.type === 'position' && e.position.netPosition === contracts(-10)), 'the short on the socket', 5_000);
    const [short] = await ours.client.allPositions({ market: MARKET });
    expect(short).toMatchObject({ netPosition: contracts(-10), qtySold: contracts(10), cost: 6 * USD, qtyAvailable: contracts(10) });
    expect((await ours.client.balances())[0]).toMatchObject({ currentBalance: 20 * USD - 6 * USD - 170_000 });

    // A tie settles at 0.50: the short gets 1 − 0.50 per contract back (5.00), realizing −1.00.
    sim.exchange.settleTie(MARKET);
    await waitFor(() => ours.events.some((e) => e.type === 'position' && e.position.expired), 'the settled position on the socket', 5_000);
    const [settled] = await ours.client.allPositions({ market: MARKET });
    expect(settled).toMatchObject({ netPosition: 0, expired: true, realized: -1 * USD });
    expect((await ours.client.balances())[0]).toMatchObject({ currentBalance: 20 * USD - 6 * USD - 170_000 + 5 * USD });
  });
});
