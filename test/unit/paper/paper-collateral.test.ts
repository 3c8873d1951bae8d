import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { instrumentReservation } from '../../../shared/domain/collateral.js';
import type { OrderIntent } from '../../../shared/domain/venue-enums.js';
import { UNFUNDED_CANCEL_REASON } from '../../../shared/paper/paper-exchange.js';
import { INSUFFICIENT_BUYING_POWER, PaperPortfolio } from '../../../shared/paper/paper-portfolio.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { M, lv, paper, usd } from './helpers.js';
import { ONE_CONTRACT, contracts } from '../../../shared/domain/quantity.js';

const INTENTS: OrderIntent[] = ['ORDER_INTENT_BUY_LONG', 'ORDER_INTENT_SELL_LONG', 'ORDER_INTENT_BUY_SHORT', 'ORDER_INTENT_SELL_SHORT'];

describe('paper collateral', () => {
  it('after a fill eats buying power, the exchange cancels the unfunded resting order (unsolicited, venue-shaped)', async () => {
    const p = paper({ balance: 3 });
    p.book([lv(0.05, 100)], [lv(0.25, 100)]);
    // bids side: 20 × 0.10 = 2.00 held (admitted with its fee at the limit, 0.13: 2.13 ≤ 3)
    const bid = await p.ex.createOrder(p.order({ price: usd(0.1), quantity: contracts(20) }));
    p.scheduler.advance(100);
    expect(p.ex.balance().buyingPower).toBe(usd(1));
    // an offer opening a short of 2 at 0.20 needs 1.60, less than the bids side: nothing more is held
    const offer = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.2), quantity: contracts(2) }));
    p.scheduler.advance(100);
    expect(p.ex.balance().buyingPower).toBe(usd(1));
    // the offer fills: cash 3 − 1.60 (+ rebate 0.0125 × 2 × 0.2 × 0.8 = 0.004 → 0.00) = 1.40; the short of 2
    // lets the bid close 2, but its other 18 need 1.80 > 1.40: the bid is no longer funded
    p.trade(0.2, 2, 'ORDER_SIDE_BUY');
    expect(p.filledQty(offer.orderId)).toBe(contracts(2));
    const cancel = p.executions().find((x) => x.order.id === bid.orderId && x.type === 'EXECUTION_TYPE_CANCELED');
    expect(cancel).toMatchObject({ unsolicitedCancelReason: UNFUNDED_CANCEL_REASON, order: { state: 'ORDER_STATE_CANCELED', leavesQuantity: 0 } });
    expect(p.ex.simulator.get(bid.orderId)?.status).toBe('done');
    expect(p.ex.portfolio.cash).toBe(usd(1.4));
    expect(p.ex.balance().buyingPower).toBe(usd(1.4));
    const lastBalance = p.events.filter((e) => e.type === 'balance').at(-1);
    expect(lastBalance).toMatchObject({ balance: usd(1.4), buyingPower: usd(1.4) });
  });

  it('a closing order that outlives its position holds the collateral of the short it would open', async () => {
    const p = paper({ balance: 100 });
    p.book([lv(0.5, 500)], [lv(0.55, 500)]);
    await p.ex.createOrder(p.order({ price: usd(0.55), quantity: contracts(100), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    const cash0 = p.ex.portfolio.cash; // 100 − 55 − fee 1.72
    expect(cash0).toBe(usd(100) - usd(55) - 1_720_000);
    // a SELL_LONG resting to close the long holds nothing
    const closer = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.7), quantity: contracts(100) }));
    p.scheduler.advance(100);
    expect(p.ex.balance().buyingPower).toBe(cash0);
    // the long is sold elsewhere: the resting order would now open a short of 100 at 0.70 (0.30 each = 30.00);
    // the second seller is admitted only because that collateral is there, and it is held from then on
    await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.5), quantity: contracts(100), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    expect(p.ex.portfolio.position(M)?.netQty).toBe(0);
    const cash1 = p.ex.portfolio.cash;
    expect(cash1).toBe(cash0 + usd(50) - 1_740_000);
    expect(p.ex.balance().buyingPower).toBe(cash1 - usd(30));
    // it fills as an opening short: paid for, cash stays positive
    p.trade(0.7, 100, 'ORDER_SIDE_BUY');
    expect(p.filledQty(closer.orderId)).toBe(contracts(100));
    expect(p.ex.portfolio.position(M)?.netQty).toBe(contracts(-100));
    expect(p.ex.portfolio.cash).toBe(cash1 - usd(30) + 260_000); // maker rebate 0.0125 × 100 × 0.7 × 0.3 = 0.2625 → 0.26
    expect(p.ex.balance().buyingPower).toBe(p.ex.portfolio.cash);
  });

  it('the same close on a small account: the second seller is refused, the account is never short of cash', async () => {
    const p = paper({ balance: 10 });
    p.book([lv(0.5, 500)], [lv(0.51, 500)]);
    await p.ex.createOrder(p.order({ price: usd(0.51), quantity: contracts(18), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    expect(p.ex.portfolio.position(M)?.netQty).toBe(contracts(18));
    expect(p.ex.portfolio.cash).toBe(usd(10) - usd(9.18) - 310_000); // fee 0.0695 × 18 × 0.51 × 0.49 = 0.3126 → 0.31
    const closer = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.9), quantity: contracts(18) }));
    const second = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.5), quantity: contracts(18), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    // the two sellers together would open a short of 18 at 0.90 (1.80 + fee) with only 0.51 of buying power
    expect(p.ex.simulator.get(closer.orderId)?.status).toBe('resting');
    expect(p.executions().find((x) => x.order.id === second.orderId)?.orderRejectReason).toBe(INSUFFICIENT_BUYING_POWER);
    expect(p.ex.portfolio.position(M)?.netQty).toBe(contracts(18));
    expect(p.ex.portfolio.cash).toBeGreaterThanOrEqual(0);
  });

  it('cash and buying power never go below zero, whatever mix of opening and closing orders, fills and cancels (property)', async () => {
    const op = fc.oneof(
      { weight: 1, arbitrary: fc.record({ k: fc.constant('book' as const), bid: fc.integer({ min: 1, max: 90 }), spread: fc.integer({ min: 1, max: 6 }), qty: fc.integer({ min: 0, max: 80 }) }) },
      {
        weight: 4,
        arbitrary: fc.record({
          k: fc.constant('order' as const),
          intent: fc.constantFrom(...INTENTS),
          cents: fc.integer({ min: 1, max: 99 }),
          qty: fc.integer({ min: 1, max: 40 }),
          ioc: fc.boolean(),
          postOnly: fc.boolean(),
          market: fc.boolean(),
        }),
      },
      { weight: 4, arbitrary: fc.record({ k: fc.constant('trade' as const), cents: fc.integer({ min: 1, max: 99 }), qty: fc.integer({ min: 1, max: 80 }), buy: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('modify' as const), pick: fc.nat(), cents: fc.integer({ min: 1, max: 99 }), qty: fc.integer({ min: 1, max: 40 }) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 150 }) }) },
    );
    let fills = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 25 }), fc.array(op, { minLength: 5, maxLength: 60, size: 'max' }), async (balance, ops) => {
        const p = paper({ balance, latencyMs: 50 });
        p.book([lv(0.4, 20)], [lv(0.6, 20)]);
        const ids: string[] = [];
        const check = () => {
          const pf = p.ex.portfolio;
          expect(pf.cash).toBeGreaterThanOrEqual(0);
          expect(pf.buyingPower()).toBeGreaterThanOrEqual(0);
          // the buying power is the shared rule's: cash less the reservation of the orders resting on the book
          const resting = p.ex.simulator.restingOrders();
          const reservation = resting.length === 0 ? 0 : instrumentReservation(pf.position(M)?.netQty ?? 0, resting.map((o) => ({ orderId: o.id, buysLong: o.buysLong, price: o.price ?? (o.buysLong ? 1_000_000 : 0), leavesQty: o.quantity - o.filledQty, placedAt: o.seq })));
          expect(pf.buyingPower()).toBe(pf.cash - reservation);
          expect(pf.buyingPower()).toBe(pf.buyingPowerUncached());
        };
        for (const o of ops) {
          switch (o.k) {
            case 'book':
              p.book(o.qty ? [lv(o.bid / 100, o.qty)] : [], o.bid + o.spread < 100 ? [lv((o.bid + o.spread) / 100, o.qty + 5)] : []);
              break;
            case 'order': {
              const r = await p.ex.createOrder(
                p.order({
                  intent: o.intent,
                  type: o.market && !o.postOnly ? 'ORDER_TYPE_MARKET' : 'ORDER_TYPE_LIMIT',
                  price: o.market && !o.postOnly ? undefined : usd(o.cents / 100),
                  quantity: contracts(o.qty),
                  tif: o.ioc || o.market ? 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' : 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
                  postOnly: o.postOnly,
                }),
              );
              ids.push(r.orderId);
              if (o.qty % 3 !== 0) p.scheduler.advance(50); // most orders reach the book before the next event
              break;
            }
            case 'trade':
              p.trade(o.cents / 100, o.qty, o.buy ? 'ORDER_SIDE_BUY' : 'ORDER_SIDE_SELL');
              break;
            case 'cancel':
              if (ids.length) await p.ex.cancelOrder(ids[o.pick % ids.length]!, M).catch(() => undefined);
              break;
            case 'modify':
              if (ids.length) await p.ex.modifyOrder(ids[o.pick % ids.length]!, M, { price: usd(o.cents / 100), quantity: contracts(o.qty) }).catch(() => undefined);
              break;
            case 'wait':
              p.scheduler.advance(o.ms);
              break;
          }
          check();
        }
        p.scheduler.advance(1_000);
        check();
        fills += p.fills().length;
      }),
      { numRuns: 300 },
    );
    expect(fills).toBeGreaterThan(100); // the generator does trade
  });

  it('the account alone: any fills of admitted orders, then the unfunded cancels, leave cash and buying power ≥ 0 (property)', () => {
    const step = fc.oneof(
      // low prices make shorts dear and longs cheap: where a filled offer can leave the bids unfunded
      fc.record({ k: fc.constant('order' as const), slug: fc.constantFrom('a', 'b'), intent: fc.constantFrom(...INTENTS), cents: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 99 })), qty: fc.integer({ min: 1, max: 3_000 }), postOnly: fc.boolean() }),
      fc.record({ k: fc.constant('fill' as const), pick: fc.nat(), qty: fc.integer({ min: 1, max: 3_000 }), better: fc.integer({ min: 0, max: 20 }), taker: fc.boolean() }),
      fc.record({ k: fc.constant('release' as const), pick: fc.nat() }),
      fc.record({ k: fc.constant('settle' as const), slug: fc.constantFrom('a', 'b'), cents: fc.integer({ min: 0, max: 100 }) }),
    );
    let applied = 0;
    fc.assert(
      // quantities in hundredths; the market's size step 0.01 or 1 contract
      fc.property(fc.integer({ min: 0, max: 10 }), fc.array(step, { minLength: 5, maxLength: 60, size: 'max' }), fc.constantFrom(1, 100), (balance, steps, sizeStep) => {
        const pf = new PaperPortfolio({ startingBalance: usd(balance) }, new ManualClock(0));
        const live = new Map<string, { slug: string; intent: OrderIntent; price: number; leaves: number }>();
        let n = 0;
        for (const st of steps) {
          if (st.k === 'order') {
            const id = `o${++n}`;
            const price = st.cents * 10_000;
            if (pf.reserve({ id, marketSlug: st.slug, intent: st.intent, price, quantity: st.qty, postOnly: st.postOnly }) === null) {
              live.set(id, { slug: st.slug, intent: st.intent, price, leaves: st.qty });
            }
          } else if (st.k === 'fill' && live.size) {
            const [id, o] = [...live.entries()][st.pick % live.size]!;
            const buys = (o.intent === 'ORDER_INTENT_BUY_LONG' || o.intent === 'ORDER_INTENT_SELL_SHORT');
            // a fill at the limit or better for the order
            const price = Math.min(990_000, Math.max(10_000, buys ? o.price - st.better * 10_000 : o.price + st.better * 10_000));
            const want = Math.min(st.qty, o.leaves);
            const fill = { orderId: id, marketSlug: o.slug, intent: o.intent, qty: want, price, liquidity: st.taker ? ('TAKER' as const) : ('MAKER' as const) };
            const q = pf.fundableQty(fill, sizeStep);
            // the whole fill, or cut short on the market's size grid
            if (q < want) expect(q % sizeStep).toBe(0);
            if (q > 0) pf.applyFill({ ...fill, qty: q });
            applied += q > 0 ? 1 : 0;
            o.leaves -= q;
            if (o.leaves === 0 || q < want) {
              pf.release(id);
              live.delete(id);
            }
            const cancels = pf.buyingPower() < 0 ? pf.unfundedOrderIds() : [];
            for (const c of cancels) {
              pf.release(c);
              live.delete(c);
            }
          } else if (st.k === 'release' && live.size) {
            const id = [...live.keys()][st.pick % live.size]!;
            pf.release(id);
            live.delete(id);
          } else if (st.k === 'settle') {
            pf.settle(st.slug, st.cents * 10_000);
            for (const [id, o] of live) if (o.slug === st.slug) live.delete(id);
          }
          expect(pf.cash).toBeGreaterThanOrEqual(0);
          expect(pf.buyingPower()).toBeGreaterThanOrEqual(0);
          // the running sum of the markets' reservations is the full sum over every market's orders
          expect(pf.buyingPower()).toBe(pf.buyingPowerUncached());
        }
      }),
      { numRuns: 500 },
    );
    expect(applied).toBeGreaterThan(100); // the generator does fill
  });

  it('a filled offer that leaves the bids unfunded: the newest orders go until buying power is ≥ 0 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6_000 }), // bid quantity (hundredths: up to 60 contracts)
        fc.integer({ min: 1, max: 98 }), // bid cents
        fc.integer({ min: 1, max: 6_000 }), // offer quantity
        fc.integer({ min: 2, max: 99 }), // offer cents
        fc.integer({ min: 0, max: 300 }), // spare cents
        fc.integer({ min: 1, max: 6_000 }), // filled quantity
        (bq, bc, oq, oc, spare, fq) => {
          fc.pre(oc > bc);
          const pf = new PaperPortfolio({ startingBalance: 0 }, new ManualClock(0));
          const need = pf.requiredCash('ORDER_INTENT_BUY_LONG', bc * 10_000, bq);
          const funded = new PaperPortfolio({ startingBalance: need + spare * 10_000 }, new ManualClock(0));
          expect(funded.reserve({ id: 'bid', marketSlug: M, intent: 'ORDER_INTENT_BUY_LONG', price: bc * 10_000, quantity: bq })).toBeNull();
          if (funded.reserve({ id: 'offer', marketSlug: M, intent: 'ORDER_INTENT_SELL_LONG', price: oc * 10_000, quantity: oq, postOnly: true }) !== null) return;
          const fill = { orderId: 'offer', marketSlug: M, intent: 'ORDER_INTENT_SELL_LONG' as const, qty: Math.min(fq, oq), price: oc * 10_000, liquidity: 'MAKER' as const };
          const q = funded.fundableQty(fill);
          if (q > 0) funded.applyFill({ ...fill, qty: q });
          expect(funded.cash).toBeGreaterThanOrEqual(0);
          const bpAfterFill = funded.buyingPower();
          const cancels = bpAfterFill < 0 ? funded.unfundedOrderIds() : [];
          for (const c of cancels) funded.release(c);
          expect(funded.buyingPower()).toBeGreaterThanOrEqual(0);
          // nothing is cancelled while the account still funds it
          if (bpAfterFill >= 0) expect(cancels).toEqual([]);
          else expect(cancels.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a fill cut short for lack of cash stays on the market's size grid: whole contracts, or hundredths on a 0.01 market", () => {
    // $1 buys 2.40 contracts at 0.40 as a taker (0.96 + fee 0.0695 × 2.40 × 0.24 = 0.04003 → 0.04); 2.41 would cost 1.004
    const fill = { orderId: 'o1', marketSlug: M, intent: 'ORDER_INTENT_BUY_LONG' as const, qty: contracts(5), price: usd(0.4), liquidity: 'TAKER' as const };
    const fresh = () => new PaperPortfolio({ startingBalance: usd(1) }, new ManualClock(0));
    expect(fresh().fundableQty(fill, contracts(0.01))).toBe(contracts(2.4));
    expect(fresh().fundableQty(fill)).toBe(contracts(2.4)); // default step: 0.01
    expect(fresh().fundableQty(fill, ONE_CONTRACT)).toBe(contracts(2));
    // a fill that fits is taken whole, whatever the step
    expect(fresh().fundableQty({ ...fill, qty: contracts(2) }, ONE_CONTRACT)).toBe(contracts(2));
    // closing contracts bring cash in: 0.5 short held (0.30 posted) and 0.10 of cash; buying back at 0.40 returns
    // 0.60 a contract for the 0.5 that closes, then each contract more costs 0.40: 1.5 fit on a 0.01 grid, 1 on whole contracts
    const pf = new PaperPortfolio({ startingBalance: usd(0.4) }, new ManualClock(0));
    pf.applyFill({ orderId: 's', marketSlug: M, intent: 'ORDER_INTENT_BUY_SHORT', qty: contracts(0.5), price: usd(0.4), liquidity: 'MAKER' });
    expect(pf.position(M)?.netQty).toBe(contracts(-0.5));
    expect(pf.cash).toBe(usd(0.1));
    const close = { orderId: 'c', marketSlug: M, intent: 'ORDER_INTENT_SELL_SHORT' as const, qty: contracts(3), price: usd(0.4), liquidity: 'MAKER' as const };
    expect(pf.fundableQty(close, 1)).toBe(contracts(1.5));
    expect(pf.fundableQty(close, ONE_CONTRACT)).toBe(contracts(1));
  });

  it('property: a cut-short fill is the largest multiple of the size step the account can pay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }), // cash, cents
        fc.integer({ min: -3_000, max: 3_000 }), // position held before, hundredths
        fc.constantFrom(...INTENTS),
        fc.integer({ min: 1, max: 99 }), // price, cents
        fc.integer({ min: 1, max: 10_000 }), // fill, hundredths
        fc.constantFrom(1, 100, 250),
        fc.boolean(),
        (cashCents, held, intent, cents, qty, step, taker) => {
          // an account holding `held` (bought at 0.50) with `cashCents` of cash left
          const pf = () => {
            const p = new PaperPortfolio({ startingBalance: usd(cashCents / 100) + 5_000 * Math.abs(held) }, new ManualClock(0));
            if (held !== 0) p.applyFill({ orderId: 'h', marketSlug: M, intent: held > 0 ? 'ORDER_INTENT_BUY_LONG' : 'ORDER_INTENT_BUY_SHORT', qty: Math.abs(held), price: usd(0.5), liquidity: 'MAKER' });
            return p;
          };
          const fill = { orderId: 'f', marketSlug: M, intent, qty, price: cents * 10_000, liquidity: taker ? ('TAKER' as const) : ('MAKER' as const) };
          const q = pf().fundableQty(fill, step);
          const after = (n: number) => {
            const p = pf();
            p.applyFill({ ...fill, qty: n });
            return p.cash;
          };
          if (q > 0) expect(after(q)).toBeGreaterThanOrEqual(0);
          if (q === qty) return;
          expect(q % step).toBe(0);
          if (q + step <= qty) expect(after(q + step)).toBeLessThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("the exchange cuts a fill short on its market's grid: it asks the account for the market's own size step", async () => {
    for (const [minQty, step] of [
      [undefined, ONE_CONTRACT],
      [contracts(0.01), 1],
      [ONE_CONTRACT, ONE_CONTRACT],
    ] as const) {
      const p = paper({ balance: 100, minQty });
      const asked = vi.spyOn(p.ex.portfolio, 'fundableQty');
      p.book([lv(0.4, 100)], [lv(0.45, 100)]);
      const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.45), quantity: contracts(3), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
      p.scheduler.advance(100);
      expect(p.filledQty(orderId)).toBe(contracts(3));
      expect(asked.mock.calls.map((c) => c[1])).toEqual([step]);
    }
  });
});
