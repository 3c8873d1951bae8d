/**
 * The bot's own order activity as recording lines (`k: "own"`, recording format 3): where each of its orders
 * rested (market, book side, price, remaining quantity) and each of its fills (price, quantity, trade id,
 * aggressor, venue time). A replay uses them to take the bot's own liquidity out of the recorded market
 * (shared/backtest/own-liquidity-filter.ts): the public book and trade prints of a live day contain the bot's
 * own resting orders and own prints, which are not other people's liquidity.
 *
 * The records are derived from what the bot's executors hear about its orders: the private socket's
 * executions and open-order snapshots (the venue's truth, docs/venue-rules.md "WebSockets") for the live
 * account, and the paper exchange's events for the paper account (`venue: "paper"`: those orders never sat
 * on the venue's book, a replay only keeps them as a record). The same derivation upgrades a format-1/2
 * recording, whose private lines already hold the live account's executions (recording-reader.ts).
 *
 * Book side: an order's `side` is its side of the YES book (ORDER_SIDE_BUY rests as a bid, ORDER_SIDE_SELL
 * as an offer, whatever the intent), and `price` the YES price (docs/venue-rules.md, price convention).
 */
import type { PriceMicros } from '../domain/money.js';
import type { Qty } from '../domain/quantity.js';
import type { ExecutionType, OrderSide, VenueOrderState } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { VenueExecution, VenueOrder } from '../domain/venue-models.js';

/** Where the order lived: the exchange's book (live account) or the paper exchange's simulated book. */
export type OwnVenue = 'live' | 'paper';

/** What happened to the order (from the execution's type; `snapshot` for an open-orders snapshot). */
export type OwnOrderEvent = 'accepted' | 'modified' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'expired' | 'unknown';

/** An order's state after an event: resting `leaves` at `price` on `side` of the book, or not resting. */
export interface OwnOrderRecord {
  type: 'order';
  venue: OwnVenue;
  orderId: string;
  marketSlug: string;
  /** Book side; null when the event did not carry it and no earlier event of the order did. */
  side: OrderSide | null;
  price: PriceMicros | null;
  /** Quantity resting on the book after the event (0 when not resting). */
  leaves: Qty;
  resting: boolean;
  event: OwnOrderEvent;
  /** The venue's transact time of the event (epoch ms), null when not reported. */
  at: number | null;
}

/** One of the bot's fills: the other side of a public trade print. */
export interface OwnFillRecord {
  type: 'fill';
  venue: OwnVenue;
  orderId: string;
  executionId: string;
  /** The venue's trade id (public prints carry none: a replay matches them by market, price, side and time). */
  tradeId: string | null;
  marketSlug: string;
  side: OrderSide | null;
  price: PriceMicros;
  qty: Qty;
  /** True when the bot's order was the taker. */
  aggressor: boolean | null;
  at: number | null;
}

export interface OwnRestingOrder {
  orderId: string;
  marketSlug: string;
  side: OrderSide | null;
  price: PriceMicros;
  leaves: Qty;
}

/** The complete set of the account's resting orders (after a private-socket connect): any other is gone. */
export interface OwnOpenOrdersRecord {
  type: 'open_orders';
  venue: OwnVenue;
  orders: OwnRestingOrder[];
}

export type OwnRecord = OwnOrderRecord | OwnFillRecord | OwnOpenOrdersRecord;

const EVENT_OF: Readonly<Record<ExecutionType, OwnOrderEvent>> = {
  EXECUTION_TYPE_NEW: 'accepted',
  EXECUTION_TYPE_PARTIAL_FILL: 'partially_filled',
  EXECUTION_TYPE_FILL: 'filled',
  EXECUTION_TYPE_CANCELED: 'cancelled',
  EXECUTION_TYPE_REPLACE: 'modified',
  EXECUTION_TYPE_REJECTED: 'rejected',
  EXECUTION_TYPE_EXPIRED: 'expired',
  EXECUTION_TYPE_DONE_FOR_DAY: 'expired',
  EXECUTION_TYPE_UNRECOGNISED: 'unknown',
};

/** Order states in which the order's leaves sit on the book (a pending cancel or replace still rests). */
const RESTING_STATES: ReadonlySet<VenueOrderState> = new Set([
  'ORDER_STATE_NEW',
  'ORDER_STATE_PARTIALLY_FILLED',
  'ORDER_STATE_PENDING_CANCEL',
  'ORDER_STATE_PENDING_REPLACE',
]);

/**
 * The quantity the order rests on the book with: its leaves in a resting state (a limit order with a price),
 * 0 when it does not rest, null when the order says nothing usable (a resting state without leaves: a partial
 * order in an execution, or an unknown state).
 */
export function restingLeaves(o: VenueOrder): Qty | null {
  if (o.state === 'ORDER_STATE_UNRECOGNISED') return null;
  if (!RESTING_STATES.has(o.state) || o.type !== 'ORDER_TYPE_LIMIT' || o.price === null) return 0;
  if (o.leavesQuantity > 0) return o.leavesQuantity;
  const open = o.quantity - o.cumQuantity;
  return open > 0 ? open : null;
}

interface Known {
  marketSlug: string;
  side: OrderSide | null;
  price: PriceMicros | null;
}

/**
 * Turns one account's venue events into own records, in order. Stateful: an execution's order may be partial
 * (placeholders), so the side and price an earlier event gave are remembered per order id; and an open-orders
 * snapshot is only recorded when it says something (orders in it, or orders it ends).
 */
export class OwnOrderDeriver {
  private readonly known = new Map<string, Known>();
  private readonly resting = new Set<string>();

  constructor(private readonly venue: OwnVenue) {}

  /** The own records an event implies (none for market data, positions, balances, connections). */
  derive(ev: VenueEvent): OwnRecord[] {
    if (ev.type === 'execution') return this.execution(ev.execution);
    if (ev.type === 'orders_snapshot') return this.snapshot(ev.orders);
    return [];
  }

  private remember(o: VenueOrder): Known {
    const prev = this.known.get(o.id);
    const sideKnown = !o.placeholders?.includes('side');
    const k: Known = {
      marketSlug: o.marketSlug || prev?.marketSlug || '',
      side: sideKnown ? o.side : (prev?.side ?? null),
      price: o.price ?? prev?.price ?? null,
    };
    this.known.set(o.id, k);
    return k;
  }

  private execution(x: VenueExecution): OwnRecord[] {
    const o = x.order;
    if (typeof o?.id !== 'string') return [];
    const k = this.remember(o);
    const out: OwnRecord[] = [];
    if (x.lastShares !== null && x.lastShares > 0 && x.lastPx !== null) {
      out.push({
        type: 'fill',
        venue: this.venue,
        orderId: o.id,
        executionId: x.id,
        tradeId: x.tradeId,
        marketSlug: k.marketSlug,
        side: k.side,
        price: x.lastPx,
        qty: x.lastShares,
        aggressor: x.aggressor,
        at: x.transactTime,
      });
    }
    const leaves = restingLeaves(o);
    const event = EVENT_OF[x.type] ?? 'unknown';
    // An unknown execution type, or an order that says nothing usable about the book: the previous state stands.
    if (event === 'unknown' || leaves === null) return out;
    const resting = leaves > 0;
    out.push({
      type: 'order',
      venue: this.venue,
      orderId: o.id,
      marketSlug: k.marketSlug,
      side: k.side,
      price: k.price,
      leaves,
      resting,
      event,
      at: x.transactTime,
    });
    if (resting) this.resting.add(o.id);
    else {
      this.resting.delete(o.id);
      if (!RESTING_STATES.has(o.state) && o.state !== 'ORDER_STATE_PENDING_NEW' && o.state !== 'ORDER_STATE_PENDING_RISK') this.known.delete(o.id);
    }
    return out;
  }

  private snapshot(orders: readonly VenueOrder[]): OwnRecord[] {
    const open: OwnRestingOrder[] = [];
    for (const o of orders) {
      if (typeof o?.id !== 'string') continue;
      const k = this.remember(o);
      const leaves = restingLeaves(o);
      if (leaves !== null && leaves > 0 && k.price !== null) open.push({ orderId: o.id, marketSlug: k.marketSlug, side: k.side, price: k.price, leaves });
    }
    if (open.length === 0 && this.resting.size === 0) return [];
    this.resting.clear();
    for (const o of open) this.resting.add(o.orderId);
    return [{ type: 'open_orders', venue: this.venue, orders: open }];
  }
}
