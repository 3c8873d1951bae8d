/**
 * The venue's collateral rules (docs/venue-rules.md, "Collateral and margin"; venue pages market-structure/
 * collateral-and-margin): one implementation shared by the simulator and the paper exchange.
 *
 * - A long (buy YES at p) costs p a contract.
 * - A short (sell YES at p without holding it) receives p and posts $1.00 margin: it costs 1 − p a contract.
 *   A short is therefore the same money as holding NO bought at 1 − p.
 * - Closing costs nothing: selling a long returns p, buying back a short returns 1 − p.
 * - Open orders are checked per instrument: the greater of "all bids fill" and "all offers fill", each net of
 *   the position it would close. Orders in other instruments do not count against each other's check, but
 *   every instrument's reservation is held out of buying power.
 * - Buying power = cash − Σ instrument reservations. A trade or an order that would take it below zero is
 *   refused; after a fill eats buying power, resting orders no longer funded are cancelled by the exchange.
 *
 * Units: micros; quantities are Qty (hundredths of a contract), money of a quantity through qtyTimesMicros:
 * exact at a price on the venue's ticks, otherwise rounded toward the safe side (a cost up, proceeds down). "Bids" are orders that buy the YES contract (BUY_LONG,
 * SELL_SHORT); "offers" sell it (SELL_LONG, BUY_SHORT), all at the YES price.
 */
import { ONE_DOLLAR, type Micros, type PriceMicros } from './money.js';
import { qtyTimesMicros, type Qty } from './quantity.js';

/** An open order as the collateral check sees it. */
export interface CollateralOrder {
  orderId: string;
  /** True when the order buys the YES contract (a bid at `price`). */
  buysLong: boolean;
  /** YES limit price, micros. */
  price: PriceMicros;
  /** Quantity still open (hundredths of a contract). */
  leavesQty: Qty;
  /** Placement order (a time or a sequence number): later orders are cancelled first when unfunded. */
  placedAt: number;
}

/** One instrument's position and open orders. */
export interface InstrumentExposure {
  marketSlug: string;
  /** Signed YES quantity (hundredths of a contract): > 0 long, < 0 short. */
  netQty: Qty;
  orders: readonly CollateralOrder[];
}

/** The cash one contract costs to open: p for a long, 1 − p for a short. */
export function openingCostPerContract(buysLong: boolean, price: PriceMicros): Micros {
  return buysLong ? price : ONE_DOLLAR - price;
}

/**
 * Cash the worst side needs if every order of that side filled, the orders closing the position first in
 * price priority (best bid / best offer first), as they would fill.
 */
function sideRequirement(orders: readonly CollateralOrder[], closable: Qty, buysLong: boolean): Micros {
  if (closable <= 0) {
    // Nothing held that this side closes: every order opens all it leaves, whatever the order of the walk below
    // (an integer sum), so no copy and no sort.
    let need = 0;
    for (const o of orders) if (o.buysLong === buysLong && o.leavesQty > 0) need += qtyTimesMicros(o.leavesQty, openingCostPerContract(buysLong, o.price), 'up');
    return need;
  }
  const side = orders.filter((o) => o.buysLong === buysLong && o.leavesQty > 0);
  side.sort((a, b) => (buysLong ? b.price - a.price : a.price - b.price) || a.placedAt - b.placedAt);
  let left = Math.max(0, closable);
  let need = 0;
  for (const o of side) {
    const closing = Math.min(left, o.leavesQty);
    left -= closing;
    need += qtyTimesMicros(o.leavesQty - closing, openingCostPerContract(buysLong, o.price), 'up');
  }
  return need;
}

/** What an instrument's open orders hold out of buying power: the worse of all bids or all offers filling. */
export function instrumentReservation(netQty: Qty, orders: readonly CollateralOrder[]): Micros {
  if (orders.length === 0) return 0;
  const bids = sideRequirement(orders, -netQty, true); // bids close a short
  const offers = sideRequirement(orders, netQty, false); // offers close a long
  return Math.max(bids, offers);
}

/** Buying power: cash less every instrument's reservation. */
export function buyingPower(cash: Micros, instruments: Iterable<InstrumentExposure>): Micros {
  let bp = cash;
  for (const i of instruments) bp -= instrumentReservation(i.netQty, i.orders);
  return bp;
}

/**
 * The extra buying power a new order needs: its instrument's reservation with the order added, less the
 * reservation without it (0 for an order that only closes, or that sits on the side that is not the worse).
 */
export function marginalReservation(instrument: Pick<InstrumentExposure, 'netQty' | 'orders'>, order: CollateralOrder): Micros {
  return instrumentReservation(instrument.netQty, [...instrument.orders, order]) - instrumentReservation(instrument.netQty, instrument.orders);
}

/** How a trade of `qty` (hundredths of a contract) splits against the position it meets: contracts it closes, contracts it opens. */
export interface TradeSplit {
  /** Quantity of the opposite position closed first (a long sold, a short bought back). */
  closing: Qty;
  /** Quantity that opens or extends a position on the order's own side. */
  opening: Qty;
}

/**
 * Which part of a trade closes and which opens, by the one rule for every intent: buying YES (BUY_LONG,
 * SELL_SHORT) first closes any short, selling YES (SELL_LONG, BUY_SHORT) first closes any long; the rest opens.
 * So a SELL_LONG without a long opens a short (the venue: "sell YES: close long, or open short"), and a
 * SELL_SHORT without a short opens a long. The venue documents the first; the second is not confirmed by it
 * and follows from the same netting (SELL_SHORT is a YES bid), as the paper exchange and the simulator both do.
 * `netQty` is the position before the trade.
 */
export function splitTrade(netQty: Qty, buysLong: boolean, qty: Qty): TradeSplit {
  const closable = buysLong ? Math.max(0, -netQty) : Math.max(0, netQty);
  const closing = Math.min(closable, qty);
  return { closing, opening: qty - closing };
}

/**
 * Cash a fill moves: opening a long pays p, opening a short pays 1 − p (receives p, posts $1), closing a long
 * receives p, closing a short receives 1 − p (pays p, its $1 margin returns). Fees are separate.
 * `netQty` is the position before the fill; the result is signed (negative = cash out).
 */
export function tradeCashDelta(netQty: Qty, buysLong: boolean, qty: Qty, price: PriceMicros): Micros {
  const { closing, opening } = splitTrade(netQty, buysLong, qty);
  // closing returns the other side's value: a long sold at p returns p; a short bought back at p returns 1 − p
  // off a tick the safe side: proceeds rounded down, costs up
  return qtyTimesMicros(closing, openingCostPerContract(!buysLong, price), 'down') - qtyTimesMicros(opening, openingCostPerContract(buysLong, price), 'up');
}

/**
 * Contracts of the held position not yet promised to resting orders that would close it (the position's
 * qtyAvailable): a long less the resting offers, a short less the resting bids; never below zero.
 */
export function availableToClose(netQty: Qty, orders: readonly CollateralOrder[]): Qty {
  if (netQty === 0) return 0;
  const closingBids = netQty < 0; // bids close a short, offers close a long
  let promised = 0;
  for (const o of orders) if (o.buysLong === closingBids) promised += o.leavesQty;
  return Math.max(0, Math.abs(netQty) - promised);
}

/**
 * The buying power an order must find free to be admitted: what it adds to its instrument's reservation
 * (`marginal`, from marginalReservation), plus its taker fee at its limit when it adds anything and may take.
 * An order that only closes, or sits on the side that is not the worse, adds nothing and needs nothing.
 */
export function admissionNeed(marginal: Micros, takerFeeAtLimit: Micros): Micros {
  return marginal <= 0 ? marginal : marginal + takerFeeAtLimit;
}

/** The sides (true = bids) whose requirement is the instrument's reservation, when it is above zero. */
function bindingSides(i: Pick<InstrumentExposure, 'netQty' | 'orders'>): boolean[] {
  const bids = sideRequirement(i.orders, -i.netQty, true);
  const offers = sideRequirement(i.orders, i.netQty, false);
  const top = Math.max(bids, offers);
  if (top <= 0) return [];
  return [...(bids === top ? [true] : []), ...(offers === top ? [false] : [])];
}

/**
 * The resting orders the exchange cancels after a fill leaves buying power below zero, newest first, until
 * buying power is back at or above zero. Only orders on a side that holds its instrument's reservation (the
 * worse of bids and offers) are candidates: cancelling anything else would free nothing. When both sides hold
 * the same amount, the newest order of either goes, and the other side's turn comes next. Every cancel lowers
 * a binding side, so the loop ends; it stops early only when no order holds any reservation. Fills are never
 * unwound. Pure; returns order ids in cancel order.
 */
export function unfundedOrders(cash: Micros, instruments: readonly InstrumentExposure[]): string[] {
  const live = instruments.map((i) => ({ ...i, orders: [...i.orders] }));
  const cancelled: string[] = [];
  while (buyingPower(cash, live) < 0) {
    let pick: { o: CollateralOrder; inst: (typeof live)[number] } | null = null;
    for (const inst of live) {
      const sides = bindingSides(inst);
      for (const o of inst.orders) {
        if (o.leavesQty > 0 && sides.includes(o.buysLong) && (!pick || o.placedAt > pick.o.placedAt)) pick = { o, inst };
      }
    }
    if (!pick) break;
    const chosen = pick;
    chosen.inst.orders = chosen.inst.orders.filter((x) => x !== chosen.o);
    cancelled.push(chosen.o.orderId);
  }
  return cancelled;
}
