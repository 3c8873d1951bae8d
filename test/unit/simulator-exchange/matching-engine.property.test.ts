/**
 * Property tests of the matching engine: random order flows among several accounts (all four intents,
 * limit and market orders, every time in force, post-only, cancels, modifies, GTD expiry, position closes,
 * settlement) must keep the exchange's invariants after every single step. No intent is reduce-only: the
 * execution stream replayed through the paper exchange's position arithmetic (an independent implementation of
 * "close the opposite position first, open the rest") must reproduce every position and every account's cash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { instrumentReservation, type CollateralOrder } from '../../../shared/domain/collateral.js';
import { ONE_DOLLAR, type Micros } from '../../../shared/domain/money.js';
import { ONE_CONTRACT, roundToStep, type Qty } from '../../../shared/domain/quantity.js';
import { applyTrade, emptyLedger, settle, type PositionLedger } from '../../../shared/paper/position-math.js';
import { ORDER_INTENTS, type OrderIntent, type TimeInForce } from '../../../shared/domain/venue-enums.js';
import type { VenueOrder } from '../../../shared/domain/venue-models.js';
import { Exchange, ExchangeRequestError, positionValue, type OrderResult } from '../../../containers/simulator/exchange/index.js';
import { USD } from './fixture.js';

const SLUG = 'prop-market';
const ACCOUNTS = ['A', 'B', 'C', 'D'] as const;
const TIFS: TimeInForce[] = [
  'TIME_IN_FORCE_GOOD_TILL_CANCEL',
  'TIME_IN_FORCE_GOOD_TILL_CANCEL',
  'TIME_IN_FORCE_GOOD_TILL_DATE',
  'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL',
  'TIME_IN_FORCE_FILL_OR_KILL',
];

type Cmd =
  | { k: 'submit'; acc: number; intent: OrderIntent; market: boolean; tick: number; qty: Qty; tif: TimeInForce; postOnly: boolean; cash: number | null; ttl: number }
  | { k: 'cancel'; acc: number; pick: number }
  | { k: 'modify'; acc: number; pick: number; tick: number | null; qty: Qty | null }
  | { k: 'advance'; ms: number }
  | { k: 'reduce'; acc: number; tick: number; frac: number; market: boolean }
  | { k: 'close'; acc: number }
  | { k: 'cancelAll'; acc: number };

const accArb = fc.integer({ min: 0, max: ACCOUNTS.length - 1 });
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      k: fc.constant('submit' as const),
      acc: accArb,
      intent: fc.constantFrom(...ORDER_INTENTS),
      market: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      tick: fc.integer({ min: 35, max: 65 }),
      // hundredths of a contract, 0.01 to 25: whole-contract markets normalise the fraction down (or refuse below 1)
      qty: fc.integer({ min: 1, max: 2_500 }),
      tif: fc.constantFrom(...TIFS),
      postOnly: fc.boolean(),
      cash: fc.option(fc.integer({ min: 1, max: 20 * USD }), { freq: 3 }),
      ttl: fc.integer({ min: 1, max: 5_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('cancel' as const), acc: accArb, pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('modify' as const),
      acc: accArb,
      pick: fc.nat(),
      tick: fc.option(fc.integer({ min: 35, max: 65 })),
      qty: fc.option(fc.integer({ min: 1, max: 3_000 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 3_000 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('reduce' as const),
      acc: accArb,
      tick: fc.integer({ min: 35, max: 65 }),
      frac: fc.double({ min: 0.05, max: 1, noNaN: true }),
      market: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('close' as const), acc: accArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancelAll' as const), acc: accArb }) },
);

interface World {
  ex: Exchange;
  clock: ManualClock;
  orderIds: Map<string, string[]>;
  /** Positions replayed from the execution events alone (paper position arithmetic). */
  shadow: Map<string, PositionLedger>;
  /** Per account: cash moved by its fills (trades, fees, rebates) and settlements, replayed from the events. */
  shadowCash: Map<string, Micros>;
  /** Fills of SELL_LONG / SELL_SHORT that opened a position (counted: the flows must reach that case). */
  openedBySell: number;
  /** The market's minimum size and size step. */
  minQty: Qty;
}

/** `minQty`: the market's minimum size and size step, hundredths of a contract (1 = 0.01 market, 100 = whole contracts). */
function newWorld(balances: number[], minQty: Qty = ONE_CONTRACT): World {
  const clock = new ManualClock(1_000_000);
  const ex = new Exchange({ clock });
  ex.addEvent({ slug: 'prop-event', title: 'Prop', startTime: 0 });
  ex.addMarket({ slug: SLUG, eventSlug: 'prop-event', title: 'Prop', outcome: 'Yes', minQty });
  const orderIds = new Map<string, string[]>();
  const shadow = new Map<string, PositionLedger>();
  const shadowCash = new Map<string, Micros>();
  const w: World = { ex, clock, orderIds, shadow, shadowCash, openedBySell: 0, minQty };
  const ledgerOf = (acc: string): PositionLedger => shadow.get(acc) ?? (shadow.set(acc, emptyLedger()).get(acc) as PositionLedger);
  ex.onEvent((e) => {
    if (e.type === 'market' && e.state === 'MARKET_STATE_EXPIRED') {
      const price = ex.getSettlement(SLUG)?.settlementPrice as number;
      for (const [acc, pos] of shadow) shadowCash.set(acc, (shadowCash.get(acc) ?? 0) + settle(pos, price).payout);
    }
    if (e.type !== 'execution' || e.execution.lastShares === null) return;
    const { order, lastShares, lastPx, commissionNotionalCollected } = e.execution;
    const effect = applyTrade(ledgerOf(e.accountId), order.side === 'ORDER_SIDE_BUY', lastShares, lastPx as number);
    if (effect.openedQty > 0 && (order.intent === 'ORDER_INTENT_SELL_LONG' || order.intent === 'ORDER_INTENT_SELL_SHORT')) w.openedBySell++;
    shadowCash.set(e.accountId, (shadowCash.get(e.accountId) ?? 0) + effect.cashDelta - (commissionNotionalCollected ?? 0));
  });
  ACCOUNTS.forEach((a, i) => {
    ex.openAccount(a, balances[i] ?? 0);
    orderIds.set(a, []);
  });
  return w;
}

function liveOf(w: World, acc: string): VenueOrder[] {
  return w.ex.openOrders(acc);
}

/** Runs one command; request errors (400/404) are legitimate outcomes, anything else is a bug. */
function run(w: World, cmd: Cmd): OrderResult | null {
  try {
    switch (cmd.k) {
      case 'submit': {
        const acc = ACCOUNTS[cmd.acc] as string;
        const r = w.ex.submitOrder(acc, {
          marketSlug: SLUG,
          intent: cmd.intent,
          type: cmd.market ? 'ORDER_TYPE_MARKET' : 'ORDER_TYPE_LIMIT',
          price: cmd.market ? null : cmd.tick * 10_000,
          quantity: cmd.market && cmd.cash !== null ? null : cmd.qty,
          cashOrderQty: cmd.market ? cmd.cash : null,
          tif: cmd.market && cmd.tif === 'TIME_IN_FORCE_FILL_OR_KILL' && cmd.cash !== null ? 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' : cmd.tif,
          participateDontInitiate: !cmd.market && cmd.postOnly && cmd.tif !== 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' && cmd.tif !== 'TIME_IN_FORCE_FILL_OR_KILL',
          goodTillTime: w.clock.now() + cmd.ttl,
        });
        w.orderIds.get(acc)?.push(r.order.id);
        return r;
      }
      case 'cancel': {
        const acc = ACCOUNTS[cmd.acc] as string;
        const live = liveOf(w, acc);
        const o = live[cmd.pick % Math.max(1, live.length)];
        return o ? w.ex.cancelOrder(acc, o.id, SLUG) : null;
      }
      case 'modify': {
        const acc = ACCOUNTS[cmd.acc] as string;
        const live = liveOf(w, acc);
        const o = live[cmd.pick % Math.max(1, live.length)];
        if (!o) return null;
        return w.ex.modifyOrder(acc, o.id, {
          marketSlug: SLUG,
          ...(cmd.tick !== null ? { price: cmd.tick * 10_000 } : {}),
          ...(cmd.qty !== null ? { quantity: o.cumQuantity + cmd.qty } : {}),
        });
      }
      case 'advance':
        w.clock.advance(cmd.ms);
        w.ex.expireOrders();
        return null;
      case 'reduce': {
        // A reducing order sized within the position, so SELL_LONG / SELL_SHORT actually trade.
        const acc = ACCOUNTS[cmd.acc] as string;
        const pos = w.ex.positions(acc)[SLUG];
        if (!pos || pos.netPosition === 0 || !pos.qtyAvailable) return null;
        const step = w.minQty;
        const qty = Math.min(pos.qtyAvailable, Math.max(step, roundToStep(Math.ceil(pos.qtyAvailable * cmd.frac), step, 'up')));
        const r = w.ex.submitOrder(acc, {
          marketSlug: SLUG,
          intent: pos.netPosition > 0 ? 'ORDER_INTENT_SELL_LONG' : 'ORDER_INTENT_SELL_SHORT',
          type: cmd.market ? 'ORDER_TYPE_MARKET' : 'ORDER_TYPE_LIMIT',
          price: cmd.market ? null : cmd.tick * 10_000,
          quantity: qty,
        });
        w.orderIds.get(acc)?.push(r.order.id);
        return r;
      }
      case 'close':
        return w.ex.closePosition(ACCOUNTS[cmd.acc] as string, SLUG);
      case 'cancelAll':
        w.ex.cancelAll(ACCOUNTS[cmd.acc] as string);
        return null;
    }
  } catch (err) {
    if (err instanceof ExchangeRequestError) return null;
    throw err;
  }
}

/** Plain assertion: the invariant check runs thousands of times per test, so it avoids expect()'s overhead. */
function check(cond: boolean, what: string, detail?: unknown): void {
  if (!cond) throw new Error(`invariant broken: ${what}${detail === undefined ? '' : ' ' + JSON.stringify(detail)}`);
}

function checkInvariants(w: World): void {
  const { ex } = w;
  const book = ex.book(SLUG);
  // 1. never crossed after matching
  const bid = book.bids[0]?.price;
  const ask = book.asks[0]?.price;
  if (bid !== undefined && ask !== undefined) check(bid < ask, 'book crossed', { bid, ask });

  // 2. order quantities, and the book is exactly the live orders
  const levelSum = new Map<string, number>();
  let reservedCheck = 0;
  for (const acc of ACCOUNTS) {
    const resting: CollateralOrder[] = [];
    for (const id of w.orderIds.get(acc) ?? []) {
      const o = ex.getOrder(acc, id);
      check(o.cumQuantity >= 0 && o.cumQuantity <= o.quantity, 'cumQuantity within quantity', o);
      const live = o.state === 'ORDER_STATE_NEW' || o.state === 'ORDER_STATE_PARTIALLY_FILLED';
      if (live) {
        check(o.cumQuantity + o.leavesQuantity === o.quantity, 'cum + leaves = quantity', o);
        check(o.leavesQuantity > 0, 'live order has leaves', o);
        const key = `${o.side}:${o.price}`;
        levelSum.set(key, (levelSum.get(key) ?? 0) + o.leavesQuantity);
        const buysLong = o.intent === 'ORDER_INTENT_BUY_LONG' || o.intent === 'ORDER_INTENT_SELL_SHORT';
        resting.push({ orderId: o.id, buysLong, price: o.price as number, leavesQty: o.leavesQuantity, placedAt: 0 });
      } else {
        check(o.leavesQuantity === 0, 'done order has no leaves', o);
      }
      if (o.state === 'ORDER_STATE_FILLED') check(o.cumQuantity === o.quantity, 'filled means cum = quantity', o);
    }
    // The venue's collateral rule, recomputed from scratch: the engine's cached reservation must agree.
    const net = ex.positions(acc)[SLUG]?.netPosition ?? 0;
    const reserved = instrumentReservation(net, resting);
    check(ex.balance(acc).openOrders === reserved, 'reservation = the worse of all bids / all offers net of the position', { acc, reserved, bal: ex.balance(acc) });
    reservedCheck += reserved;
  }
  for (const l of book.bids) check(levelSum.get(`ORDER_SIDE_BUY:${l.price}`) === l.qty, 'bid level = live orders', l);
  for (const l of book.asks) check(levelSum.get(`ORDER_SIDE_SELL:${l.price}`) === l.qty, 'ask level = live orders', l);
  const liveTotal = [...levelSum.values()].reduce((s, q) => s + q, 0);
  check(liveTotal === [...book.bids, ...book.asks].reduce((s, l) => s + l.qty, 0), 'book holds every live order');

  // 3. conservation: Σ cash + Σ position value (at ANY price) = deposits − fees + rebates
  const accounts = ex.allAccounts();
  const expected = accounts.reduce((s, a) => s + a.deposited - a.feesPaid + a.rebatesReceived, 0);
  for (const px of [0, 370_000, ONE_DOLLAR]) {
    const total = accounts.reduce((s, a) => s + a.cash + Object.values(a.positions).reduce((p, pos) => p + positionValue(pos.netPosition, px), 0), 0);
    check(total === expected, 'cash + position value conserved', { px, total, expected });
  }
  // contracts exist in pairs: longs = shorts
  check(accounts.reduce((s, a) => s + (a.positions[SLUG]?.netPosition ?? 0), 0) === 0, 'net positions sum to zero');
  check(accounts.reduce((s, a) => s + a.reserved, 0) === reservedCheck, 'total reservations');

  // 4. the execution stream alone reproduces every position and every account's cash, by the one rule for every
  //    intent (the paper exchange's arithmetic: close the opposite position first, open the rest)
  for (const a of accounts) {
    const shadow = w.shadow.get(a.accountId) ?? emptyLedger();
    const pos = a.positions[SLUG];
    check(shadow.netQty === (pos?.netPosition ?? 0), 'positions match the execution events', { acc: a.accountId, shadow, pos });
    check(shadow.qtyBought === (pos?.qtyBought ?? 0) && shadow.qtySold === (pos?.qtySold ?? 0), 'bought / sold match the execution events', { shadow, pos });
    check(a.cash === a.deposited + (w.shadowCash.get(a.accountId) ?? 0), 'cash matches the execution events', { acc: a.accountId, cash: a.cash, deposited: a.deposited, replayed: w.shadowCash.get(a.accountId) });
  }

  // 5. no account overdrawn; qtyAvailable = the held contracts not promised to resting orders that close them
  for (const a of accounts) {
    check(a.cash >= 0 && a.buyingPower >= 0, 'no overdraft', a);
    const pos = a.positions[SLUG];
    if (!pos) continue;
    const closingSide = ex.openOrders(a.accountId).filter((o) => (o.side === 'ORDER_SIDE_BUY') === (pos.netPosition < 0));
    const promised = closingSide.reduce((s, o) => s + o.leavesQuantity, 0);
    check(pos.qtyAvailable === (pos.netPosition === 0 ? 0 : Math.max(0, Math.abs(pos.netPosition) - promised)), 'qtyAvailable', { pos, promised });
  }
}

// Whole dollars plus odd micros; mostly funded accounts with an occasional (nearly) empty one.
/** A 0.01 market (fractions trade) or a whole-contract one. */
const minQtyArb = fc.constantFrom(1, ONE_CONTRACT);

const balancesArb = fc.array(
  fc.tuple(fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.integer({ min: 5, max: 400 }) }), fc.integer({ min: 0, max: 999_999 })).map(([usd, micros]) => usd * USD + micros),
  { minLength: ACCOUNTS.length, maxLength: ACCOUNTS.length },
);

describe('matching engine properties', () => {
  it('keeps every invariant after every step of a random order flow, and through settlement', () => {
    let openedBySell = 0;
    fc.assert(
      // settlement at 0, a tie (0.50: longs and shorts both get half) or 1; a short settles at 1 − S
      fc.property(balancesArb, fc.array(cmdArb, { minLength: 30, maxLength: 150, size: 'max' }), fc.constantFrom(0, ONE_DOLLAR / 2, ONE_DOLLAR), minQtyArb, (balances, cmds, settleAt, minQty) => {
        const w = newWorld(balances, minQty);
        for (const cmd of cmds) {
          run(w, cmd);
          checkInvariants(w);
        }
        w.ex.settle(SLUG, settleAt);
        checkInvariants(w);
        for (const a of w.ex.allAccounts()) {
          expect(a.reserved).toBe(0);
          expect(a.positions[SLUG]?.netPosition ?? 0).toBe(0);
          // after settlement all value is cash: cash = deposits − fees + rebates + realized
          const realized = Object.values(a.positions).reduce((s, p) => s + p.realized, 0);
          expect(a.cash).toBe(a.deposited - a.feesPaid + a.rebatesReceived + realized);
        }
        openedBySell += w.openedBySell;
      }),
      { numRuns: 250 },
    );
    // the flows do reach a SELL_LONG / SELL_SHORT that opens (the case a reduce-only exchange would refuse)
    expect(openedBySell).toBeGreaterThan(0);
  });

  it('FOK is all or nothing, IOC and market orders never rest, post-only never takes, fills never exceed the order', () => {
    fc.assert(
      fc.property(balancesArb, fc.array(cmdArb, { minLength: 20, maxLength: 100, size: 'max' }), minQtyArb, (balances, cmds, minQty) => {
        const w = newWorld(balances.map((b) => b + 50 * USD), minQty);
        for (const cmd of cmds) {
          const r = run(w, cmd);
          if (!r || cmd.k !== 'submit') continue;
          const o = r.order;
          const fills = r.executions.filter((e) => e.lastShares !== null);
          const filled = fills.reduce((s, e) => s + (e.lastShares ?? 0), 0);
          expect(filled).toBe(o.cumQuantity);
          expect(filled).toBeLessThanOrEqual(o.quantity);
          for (const f of fills) expect(f.aggressor).toBe(true);
          if (o.tif === 'TIME_IN_FORCE_FILL_OR_KILL' && o.state !== 'ORDER_STATE_REJECTED') {
            expect(o.cumQuantity === 0 || o.cumQuantity === o.quantity).toBe(true);
            expect(['ORDER_STATE_FILLED', 'ORDER_STATE_CANCELED']).toContain(o.state);
          }
          if (o.tif === 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' || o.type === 'ORDER_TYPE_MARKET') {
            expect(['ORDER_STATE_FILLED', 'ORDER_STATE_CANCELED', 'ORDER_STATE_REJECTED']).toContain(o.state);
            expect(w.ex.openOrders(ACCOUNTS[cmd.acc] as string).some((x) => x.id === o.id)).toBe(false);
          }
          if (cmd.postOnly && o.type === 'ORDER_TYPE_LIMIT' && o.tif !== 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' && o.tif !== 'TIME_IN_FORCE_FILL_OR_KILL') {
            expect(fills).toEqual([]);
          }
          if (o.price !== null && o.type === 'ORDER_TYPE_LIMIT') {
            // a limit order never trades through its price
            for (const f of fills) {
              if (o.side === 'ORDER_SIDE_BUY') expect(f.lastPx as number).toBeLessThanOrEqual(o.price);
              else expect(f.lastPx as number).toBeGreaterThanOrEqual(o.price);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a market buy consumes resting offers in price-then-time order', () => {
    // hundredths of a contract on a 0.01 market: 0.01 to 10 contracts per offer, 0.01 to 150 wanted
    const offerArb = fc.record({ tick: fc.integer({ min: 40, max: 60 }), qty: fc.integer({ min: 1, max: 1_000 }) });
    fc.assert(
      fc.property(fc.array(offerArb, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 15_000 }), (offers, want) => {
        const clock = new ManualClock(0);
        const ex = new Exchange({ clock });
        ex.addEvent({ slug: 'e', title: 'e', startTime: 0 });
        ex.addMarket({ slug: SLUG, eventSlug: 'e', title: 'm', outcome: 'y', minimumTradeQty: '0.01' });
        ex.openAccount('taker', 10_000 * USD);
        const ids: { id: string; price: number; qty: number; seq: number }[] = [];
        offers.forEach((o, i) => {
          ex.openAccount(`m${i}`, 100 * USD);
          const r = ex.submitOrder(`m${i}`, { marketSlug: SLUG, intent: 'ORDER_INTENT_BUY_SHORT', price: o.tick * 10_000, quantity: o.qty });
          ids.push({ id: r.order.id, price: o.tick * 10_000, qty: o.qty, seq: i });
        });
        const r = ex.submitOrder('taker', { marketSlug: SLUG, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_MARKET', quantity: want });
        // reference: sort by price, then arrival; take greedily
        const expected: [number, number][] = [];
        let left = want;
        for (const o of [...ids].sort((a, b) => a.price - b.price || a.seq - b.seq)) {
          if (left === 0) break;
          const q = Math.min(left, o.qty);
          expected.push([o.price, q]);
          left -= q;
        }
        const got = r.executions.filter((e) => e.lastShares !== null).map((e) => [e.lastPx, e.lastShares]);
        expect(got).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
