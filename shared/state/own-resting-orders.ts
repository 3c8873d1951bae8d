/**
 * The live account's own resting liquidity (shared/domain/own-liquidity.ts), kept from its order tracker's
 * order changes: per market, book side and price, the quantity the bot's open limit orders leave working.
 *
 * An order counts from the moment it is sent (SUBMITTED: the venue's book frame and the order's acknowledgement
 * arrive on different sockets, so the book may show it first) while it is open, at its current price and
 * quantity − filled; immediate-or-cancel and fill-or-kill orders never rest and never count. Inactive (the
 * engine trades the paper account), it reports nothing: paper orders never sit on the venue's book.
 *
 * Listeners hear a market only when its quantities actually changed (the tracker may report a change twice).
 */
import { OPEN_STATUSES } from '../domain/order-states.js';
import type { TrackedOrder } from '../domain/order.js';
import type { PriceMicros } from '../domain/money.js';
import { addQtyAt, bookSideOfIntent, type BookSide, type OwnLiquidity } from '../domain/own-liquidity.js';
import type { Qty } from '../domain/quantity.js';

/** What the follower reads of an order tracker (shared/execution/order-tracker.ts). */
export interface OrderChangeSource {
  onOrderChange(listener: (order: Readonly<TrackedOrder>) => void): () => void;
  openMarketSlugs(): Iterable<string>;
  openOrdersReadOnly(marketSlug: string): Iterable<Readonly<TrackedOrder>>;
}

interface Place {
  slug: string;
  side: BookSide;
  price: PriceMicros;
  qty: Qty;
}

interface MarketOwn {
  bids: Map<PriceMicros, Qty>;
  asks: Map<PriceMicros, Qty>;
  version: number;
}

/** Where an order rests on the book now, or null when it does not (see the header). */
export function restingPlace(o: Readonly<TrackedOrder>): Place | null {
  if (o.status === 'CREATED' || !OPEN_STATUSES.has(o.status)) return null;
  const r = o.request;
  if (r.type !== 'ORDER_TYPE_LIMIT' || r.price === undefined) return null;
  if (r.tif === 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' || r.tif === 'TIME_IN_FORCE_FILL_OR_KILL') return null;
  const qty = r.quantity - o.filledQty;
  if (qty <= 0) return null;
  return { slug: r.marketSlug, side: bookSideOfIntent(r.intent), price: r.price, qty };
}

export class OwnRestingOrders implements OwnLiquidity {
  /** Per order (local id): where it is counted now. */
  private readonly placed = new Map<string, Place>();
  private readonly markets = new Map<string, MarketOwn>();
  private readonly listeners: ((marketSlug: string) => void)[] = [];
  /** Bumped when the account becomes active or inactive: every market's figures change at once. */
  private epoch = 0;
  private active: boolean;

  constructor(opts: { active: boolean }) {
    this.active = opts.active;
  }

  /** Follows an order tracker: its open orders now, then every change. Returns the unsubscribe function. */
  follow(tracker: OrderChangeSource): () => void {
    for (const slug of [...tracker.openMarketSlugs()]) for (const o of tracker.openOrdersReadOnly(slug)) this.apply(o);
    return tracker.onOrderChange((o) => this.apply(o));
  }

  /** An order changed (or was created): counted again where it rests now. */
  apply(o: Readonly<TrackedOrder>): void {
    const now = restingPlace(o);
    const was = this.placed.get(o.localId);
    if (was && now && was.slug === now.slug && was.side === now.side && was.price === now.price && was.qty === now.qty) return;
    if (was) {
      this.add(was, -was.qty);
      this.placed.delete(o.localId);
    }
    if (now) {
      this.add(now, now.qty);
      this.placed.set(o.localId, now);
    }
    if (was) this.changed(was.slug);
    if (now && now.slug !== was?.slug) this.changed(now.slug);
  }

  /** Live account trading (true) or paper (false: nothing is reported). */
  setActive(on: boolean): void {
    if (on === this.active) return;
    this.active = on;
    this.epoch++;
    for (const [slug, m] of this.markets) if (m.bids.size > 0 || m.asks.size > 0) this.tell(slug);
  }

  version(marketSlug: string): number {
    // Both counters only grow: the sum changes whenever either does.
    return this.epoch + (this.markets.get(marketSlug)?.version ?? 0);
  }

  has(marketSlug: string): boolean {
    if (!this.active) return false;
    const m = this.markets.get(marketSlug);
    return m !== undefined && (m.bids.size > 0 || m.asks.size > 0);
  }

  qtyAt(marketSlug: string, side: BookSide, price: PriceMicros): Qty {
    if (!this.active) return 0;
    const m = this.markets.get(marketSlug);
    if (!m) return 0;
    return (side === 'bid' ? m.bids : m.asks).get(price) ?? 0;
  }

  onChange(listener: (marketSlug: string) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private add(p: Place, q: Qty): void {
    let m = this.markets.get(p.slug);
    if (!m) this.markets.set(p.slug, (m = { bids: new Map(), asks: new Map(), version: 0 }));
    addQtyAt(p.side === 'bid' ? m.bids : m.asks, p.price, q);
  }

  private changed(slug: string): void {
    const m = this.markets.get(slug);
    if (m) m.version++;
    if (this.active) this.tell(slug);
  }

  private tell(slug: string): void {
    for (const l of this.listeners) l(slug);
  }
}
