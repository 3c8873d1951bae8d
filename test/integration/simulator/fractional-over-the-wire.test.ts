/**
 * Fractional contracts end to end over the wire (docs/venue-rules.md, "Quantities, prices and ticks" and
 * "Fees"): the simulator's server (every answer and frame held against the wire contract), the real REST
 * client, private socket, executor and order tracker on our side, and another account trading against us.
 *
 * - On a 0.01-size market (the simulator's table tennis showcase market: tick 0.0025, Θ 0.10), a 2.5-contract
 *   taker order crosses two resting offers of another account and fills 1.75 + 0.75: the tracker's filledQty,
 *   its fills, the REST position (`netPositionDecimal` "2.5") and the fees (Θ·C·p·(1−p), half-even to the
 *   cent, capped per order) are exact; whole contracts would have made them different.
 * - 0.015 contract is normalised down to 0.01 on that market and refused on a whole-contract market, as the
 *   venue does; the executor refuses a size below the market's minimum before sending anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../containers/simulator/server.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { withVenueMarketMix } from '../../../containers/simulator/exchange/market-mix.js';
import type { Fill } from '../../../shared/domain/order.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { RequestSigner } from '../../../shared/venue/auth.js';
import { buildCreateOrder } from '../../../shared/venue/wire-requests.js';
import { MARKET } from '../../contract/venue/harness.js';
import { waitFor } from '../../support/engine-fixtures.js';
import { USD, limit, signal, wireWorld, type Cleanup, type Party } from './wire-parties.js';

/** The simulator's 0.01-size market (market-mix.ts showcase). */
const TT = 'tt-lin-ma-moneyline';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const world = (startingBalance: number) => wireWorld(cleanups, startingBalance, withVenueMarketMix(defaultWorld(Date.now()), 7));

/** A signed request straight to the simulator, for wire values the engine's Qty cannot express (0.015). */
async function signedJson(sim: RunningSimulator, who: Party, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers = new RequestSigner(who.credentials).headers(method, path);
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('fractional contracts over the wire', () => {
  it('2.5 contracts on a 0.01-size market: filledQty, fills, position and fees are exact', async () => {
    const { sim, executor, ours, other, rules } = await world(100 * USD);
    // The market as the simulator lists it, and as our executor read it from the catalogue.
    expect(sim.exchange.getMarket(TT)).toMatchObject({ minimumTradeQty: '0.01', tick: 2_500, feeCoefficientPpm: 100_000, makerFeeCoefficientPpm: 12_500 });
    expect(rules.get(TT)).toEqual({ tick: 2_500, minQty: contracts(0.01) });
    const fills: Fill[] = [];
    executor.tracker.onFill((f) => fills.push(f));

    // The other account rests two offers (it buys NO): 1.75 at 0.5525 and 2 at 0.555.
    const offerA = (await other.client.createOrder(limit(TT, 'ORDER_INTENT_BUY_SHORT', 552_500, contracts(1.75)))).orderId;
    const offerB = (await other.client.createOrder(limit(TT, 'ORDER_INTENT_BUY_SHORT', 555_000, contracts(2)))).orderId;
    // We buy 2.5 up to 0.555, immediate or cancel: 1.75 at 0.5525, then 0.75 at 0.555.
    const r = await executor.execute(signal(TT, 'BUY_YES', 555_000, contracts(2.5), 'IOC'));
    if (r.status !== 'submitted') throw new Error(`not submitted: ${JSON.stringify(r)}`);
    await waitFor(() => executor.tracker.getByOrderId(r.orderId)?.status === 'FILLED', 'our order filled', 5_000);

    // Taker fee Θ = 0.10, per fill, half-even to the cent, the order's running total capped at round(Σ exact):
    //   1.75 × 0.5525 × 0.4475 × 0.10 = 0.0432676… → 0.04; 0.75 × 0.555 × 0.445 × 0.10 = 0.0185231… → 0.02;
    //   Σ exact 0.0617907… → 0.06 = 0.04 + 0.02. (Whole contracts would be 2 → 0.05 or 3 → 0.07.)
    const wireFills = ours.executions().filter((x) => x.order.id === r.orderId && x.lastShares !== null);
    expect(wireFills.map((x) => [x.lastShares, x.lastSharesExact, x.lastPx, x.aggressor, x.commissionNotionalCollected])).toEqual([
      [contracts(1.75), '1.75', 552_500, true, 40_000],
      [contracts(0.75), '0.75', 555_000, true, 20_000],
    ]);
    expect(fills.map((f) => [f.orderId, f.qty, f.price, f.fee, f.liquidity])).toEqual([
      [r.orderId, 175, 552_500, 40_000, 'TAKER'],
      [r.orderId, 75, 555_000, 20_000, 'TAKER'],
    ]);
    // avg = (1.75 × 0.5525 + 0.75 × 0.555) / 2.5 = 1.383125 / 2.5 = 0.55325
    expect(executor.tracker.getByOrderId(r.orderId)).toMatchObject({ status: 'FILLED', filledQty: 250, avgPrice: 553_250, feesPaid: 60_000 });

    // The position over REST: exactly 2.5 (netPositionDecimal on the wire), cost 1.383125 USD.
    const raw = await signedJson(sim, ours, 'GET', `/v1/portfolio/positions?market=${TT}`);
    expect(raw.status).toBe(200);
    expect((raw.json.positions as Record<string, Record<string, unknown>>)[TT]).toMatchObject({ netPositionDecimal: '2.5', qtyBoughtDecimal: '2.5' });
    const [position] = await ours.client.allPositions({ market: TT });
    expect(position).toMatchObject({ marketSlug: TT, netPosition: contracts(2.5), netPositionExact: '2.5', qtyBought: contracts(2.5), cost: 1_383_125 });
    await waitFor(() => ours.events.some((e) => e.type === 'position' && e.position.marketSlug === TT && e.position.netPosition === 250), 'the position on the socket', 5_000);
    // Cash: 100 − 1.383125 − 0.06.
    expect((await ours.client.balances())[0]?.currentBalance).toBe(100 * USD - 1_383_125 - 60_000);

    // The maker: rebate 0.0125 × C × p(1−p) per fill, uncapped: 1.75 → 0.0054… → 0.01; 0.75 → 0.0023… → 0.00.
    await waitFor(() => other.executions().filter((x) => x.lastShares !== null).length === 2, 'the maker fills', 5_000);
    const makerFills = other.executions().filter((x) => x.lastShares !== null);
    expect(makerFills.map((x) => [x.order.id, x.lastShares, x.aggressor, (x.commissionNotionalCollected ?? NaN) + 0])).toEqual([
      [offerA, contracts(1.75), false, -10_000],
      [offerB, contracts(0.75), false, 0],
    ]);
    // What is left of the second offer rests: 2 − 0.75 = 1.25.
    expect(await other.client.getOrder(offerB)).toMatchObject({ leavesQuantity: contracts(1.25), cumQuantity: contracts(0.75), leavesQuantityExact: '1.25' });
  });

  it('0.015 is normalised down to 0.01 on a 0.01-size market and refused on a whole-contract market, as the venue does', async () => {
    const { sim, executor, ours } = await world(100 * USD);
    // The wire body our client builds, with a quantity the engine cannot hold: 0.015 contract.
    const body = { ...buildCreateOrder(limit(TT, 'ORDER_INTENT_BUY_LONG', 300_000, contracts(1))), quantity: 0.015 };
    const created = await signedJson(sim, ours, 'POST', '/v1/orders', body);
    expect(created.status).toBe(200);
    const id = created.json.id as string;
    const rawOrder = await signedJson(sim, ours, 'GET', `/v1/order/${id}`);
    expect(rawOrder.json.order).toMatchObject({ quantity: 0.01, leavesQuantity: 0.01 });
    expect(await ours.client.getOrder(id)).toMatchObject({ quantity: contracts(0.01), quantityExact: '0.01', leavesQuantity: 1 });
    await ours.client.cancelOrder(id, TT);

    // On a whole-contract market 0.015 normalises to nothing: refused, nothing rests.
    const refused = await signedJson(sim, ours, 'POST', '/v1/orders', { ...body, marketSlug: MARKET });
    expect(refused.status).toBe(400);
    expect(String(refused.json.message)).toMatch(/quantity must be at least 1/);
    // 2.5 there is cut to the increment: 2.
    const cut = await signedJson(sim, ours, 'POST', '/v1/orders', { ...body, marketSlug: MARKET, quantity: 2.5 });
    expect(cut.status).toBe(200);
    expect(await ours.client.getOrder(cut.json.id as string)).toMatchObject({ quantity: contracts(2), quantityExact: '2' });
    await ours.client.cancelOrder(cut.json.id as string, MARKET);
    expect(await ours.client.openOrders()).toEqual([]);

    // Our executor sizes on the market's grid before sending: 0.01 fits the 0.01 market, not the whole one.
    const small = await executor.execute(signal(TT, 'BUY_YES', 300_000, contracts(0.01), 'GTC'));
    expect(small).toMatchObject({ status: 'submitted' });
    expect(await executor.execute(signal(MARKET, 'BUY_YES', 300_000, contracts(0.01), 'GTC'))).toMatchObject({ status: 'rejected', code: 'BELOW_MIN_QTY' });
    const open = await ours.client.openOrders();
    expect(open.map((o) => [o.marketSlug, o.quantity])).toEqual([[TT, contracts(0.01)]]);
  });
});
