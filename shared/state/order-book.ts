/**
 * One market's order book, built from the exchange's book messages. The venue sends a whole book each time
 * (`marketData`), so an update replaces both sides; the book checks the message's two level arrays and keeps
 * them as they are (no copy: an update allocates nothing and writes only the book's own fields).
 *
 * A message's level arrays and levels are taken as never changed once given (market events are never changed
 * once emitted; the paper fill simulator keeps them by reference too; a replay's decoder hands the same array
 * again when a side repeats the previous frame's): a side given as the very array the book holds is already
 * checked, and is kept as it is. What the book hands out (level, levels) are copies.
 *
 * Prices are long-side micros; bids are kept best (highest) first, asks best (lowest) first.
 */
import { qtyTimesMicros, type Qty } from '../domain/quantity.js';
import type { BookLevel } from '../domain/market.js';
import { midHalfEven, type PriceMicros } from '../domain/money.js';
import type { ReportedMarketState } from '../domain/venue-enums.js';

export class BookIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BookIntegrityError';
  }
}

/** A whole-book message as the book takes it (the venue's book event is one). */
export interface BookMessage {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly state: ReportedMarketState;
  /** Exchange time (epoch ms), when known. */
  readonly transactTime: number | null;
  /** Local receive time (epoch ms). */
  readonly receivedAt: number;
}

export class OrderBook {
  /**
   * The sides as the last accepted message gave them (checked when taken, never copied: see the header), and
   * their best levels' price and size (0 on an empty side: bestBid and the others read the count first).
   */
  private bids: readonly BookLevel[] = [];
  private asks: readonly BookLevel[] = [];
  private bidCount = 0;
  private askCount = 0;
  private bestBidPx = 0;
  private bestBidSize = 0;
  private bestAskPx = 0;
  private bestAskSize = 0;
  state: ReportedMarketState = 'MARKET_STATE_OPEN';
  /**
   * Exchange time of the last update (epoch ms) and whether one is known: kept as a number field next to a
   * flag, not as `number | null`, because a field that has held null keeps every number it is given in a
   * heap box (one allocation per book message); `transactTime` reads them back.
   */
  private transactMs = 0;
  private hasTransactTime = false;
  /** Local receive time of the last update (epoch ms). */
  updatedAt = 0;
  /** Number of updates applied. */
  version = 0;

  constructor(readonly marketSlug: string) {}

  /**
   * Replaces the book with a new whole-book message. Levels must be sorted best first, with positive
   * quantities, strictly monotone prices and an uncrossed book; anything else is rejected whole (the old book
   * stays), because a half-applied book is worse than a stale one.
   *
   * The sides are checked and then kept by reference: nothing is copied, so a message touches none of the
   * book's own storage but its fields (the message's levels were just made by the parser and are still in
   * the cache; the book's arrays, reached once per visit of a market, would not be).
   *
   * The message is taken whole, not field by field: its times are not small integers, and a number handed on
   * its own to a call that is not inlined is put in a heap box first (one allocation per message).
   */
  replace(msg: BookMessage): void {
    const bids = msg.bids;
    const asks = msg.asks;
    const newBids = bids !== this.bids;
    const newAsks = asks !== this.asks;
    if (newBids) checkSide(bids, 'bids', -1);
    if (newAsks) checkSide(asks, 'asks', 1);
    const nb = bids.length;
    const na = asks.length;
    if (nb > 0 && na > 0) {
      const bestBid = (bids[0] as BookLevel).price;
      const bestAsk = (asks[0] as BookLevel).price;
      if (bestBid >= bestAsk) throw new BookIntegrityError(`crossed book for ${this.marketSlug}: bid ${bestBid} >= ask ${bestAsk}`);
    }
    if (newBids) {
      this.bids = bids;
      this.bidCount = nb;
      const best = bids[0];
      this.bestBidPx = best === undefined ? 0 : best.price;
      this.bestBidSize = best === undefined ? 0 : best.qty;
    }
    if (newAsks) {
      this.asks = asks;
      this.askCount = na;
      const best = asks[0];
      this.bestAskPx = best === undefined ? 0 : best.price;
      this.bestAskSize = best === undefined ? 0 : best.qty;
    }
    this.state = msg.state;
    const transactTime = msg.transactTime;
    if (transactTime === null) {
      this.hasTransactTime = false;
    } else {
      this.hasTransactTime = true;
      this.transactMs = transactTime;
    }
    this.updatedAt = msg.receivedAt;
    this.version++;
  }

  /** Exchange time of the last update (epoch ms), when known. */
  get transactTime(): number | null {
    return this.hasTransactTime ? this.transactMs : null;
  }

  get bestBid(): PriceMicros | null {
    return this.bidCount > 0 ? this.bestBidPx : null;
  }
  get bestAsk(): PriceMicros | null {
    return this.askCount > 0 ? this.bestAskPx : null;
  }
  get bestBidQty(): number {
    return this.bidCount > 0 ? this.bestBidSize : 0;
  }
  get bestAskQty(): number {
    return this.askCount > 0 ? this.bestAskSize : 0;
  }
  get depth(): { bids: number; asks: number } {
    return { bids: this.bidCount, asks: this.askCount };
  }

  /** Mid price in micros, rounded half to even, or null when either side is empty. */
  get mid(): PriceMicros | null {
    if (this.bidCount === 0 || this.askCount === 0) return null;
    return midHalfEven(this.bestBidPx, this.bestAskPx);
  }

  /** Spread in micros, or null when either side is empty. */
  get spread(): PriceMicros | null {
    if (this.bidCount === 0 || this.askCount === 0) return null;
    return this.bestAskPx - this.bestBidPx;
  }

  /** A level of one side, best first (a new object each call: the caller may keep or change it). */
  level(side: 'bid' | 'ask', index: number): BookLevel | undefined {
    const l = (side === 'bid' ? this.bids : this.asks)[index];
    return l === undefined ? undefined : { price: l.price, qty: l.qty };
  }

  levels(side: 'bid' | 'ask'): BookLevel[] {
    const n = side === 'bid' ? this.bidCount : this.askCount;
    const out: BookLevel[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.level(side, i) as BookLevel;
    return out;
  }

  /** Visible size at exactly this price on the given side (0 when absent). */
  sizeAt(side: 'bid' | 'ask', price: PriceMicros): number {
    const levels = side === 'bid' ? this.bids : this.asks;
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i] as BookLevel;
      if (l.price === price) return l.qty;
    }
    return 0;
  }

  /**
   * Walks the visible depth for a taker that buys long (`buyLong`, lifting asks) or sells long (hitting
   * bids), up to `qty` (hundredths of a contract) and not past `limit` (a long-side price; null = market
   * order). Returns the quantity that would fill and its notional in micros (quantity × long price; exact at
   * tick prices, else rounded up).
   */
  sweep(buyLong: boolean, qty: Qty, limit: PriceMicros | null): { filled: Qty; notional: number; worstPrice: PriceMicros | null } {
    const levels = buyLong ? this.asks : this.bids;
    let filled = 0;
    let notional = 0;
    let worst: PriceMicros | null = null;
    for (let i = 0; i < levels.length && filled < qty; i++) {
      const l = levels[i] as BookLevel;
      const p = l.price;
      if (limit !== null && (buyLong ? p > limit : p < limit)) break;
      const take = Math.min(qty - filled, l.qty);
      filled += take;
      notional += qtyTimesMicros(take, p, 'up');
      worst = p;
    }
    return { filled, notional, worstPrice: worst };
  }
}

/** Checks one side: prices in range, positive whole sizes, strictly best first. */
function checkSide(levels: readonly BookLevel[], name: string, direction: 1 | -1): void {
  let prev = direction === 1 ? -Infinity : Infinity;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as BookLevel;
    const price = l.price;
    const size = l.qty;
    if (!Number.isSafeInteger(price) || price <= 0 || price >= 1_000_000) {
      throw new BookIntegrityError(`${name}[${i}] price out of range: ${price}`);
    }
    if (!Number.isSafeInteger(size) || size <= 0) throw new BookIntegrityError(`${name}[${i}] quantity not a positive whole number of hundredths: ${size}`);
    if (direction === 1 ? price <= prev : price >= prev) throw new BookIntegrityError(`${name} not sorted best first at level ${i}`);
    prev = price;
  }
}
