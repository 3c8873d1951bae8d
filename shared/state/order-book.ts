/**
 * One market's order book, built from the exchange's book messages. The venue sends a whole book each time
 * (`marketData`), so an update replaces both sides; the book keeps its own arrays and reuses them (two sets:
 * a message is checked and copied into the spare set in one pass, which then becomes the book), so an update
 * allocates nothing once the book has reached its usual depth.
 *
 * A message's level arrays are taken as never changed once given (market events are never changed once
 * emitted; a replay's decoder hands the same array again when a side repeats the previous frame's): a side
 * given as the very array the book last took for it is already checked and copied, and is kept as it is.
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
  private bidPx: number[] = [];
  private bidQty: number[] = [];
  private askPx: number[] = [];
  private askQty: number[] = [];
  /** The arrays a new message is checked and copied into (in one pass), swapped in when it is whole and valid. */
  private nextBidPx: number[] = [];
  private nextBidQty: number[] = [];
  private nextAskPx: number[] = [];
  private nextAskQty: number[] = [];
  private bidCount = 0;
  private askCount = 0;
  /** The message arrays the current sides were copied from (see the header): the same array again is not copied. */
  private bidSource: readonly BookLevel[] | undefined = undefined;
  private askSource: readonly BookLevel[] | undefined = undefined;
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
   * The message is taken whole, not field by field: its times are not small integers, and a number handed on
   * its own to a call that is not inlined is put in a heap box first (one allocation per message).
   */
  replace(msg: BookMessage): void {
    const bids = msg.bids;
    const asks = msg.asks;
    const newBids = bids !== this.bidSource;
    const newAsks = asks !== this.askSource;
    if (newBids) copyValidSide(bids, 'bids', -1, this.nextBidPx, this.nextBidQty);
    if (newAsks) copyValidSide(asks, 'asks', 1, this.nextAskPx, this.nextAskQty);
    const bestBid = (newBids ? this.nextBidPx : this.bidPx)[0] as number;
    const bestAsk = (newAsks ? this.nextAskPx : this.askPx)[0] as number;
    if (bids.length > 0 && asks.length > 0 && bestBid >= bestAsk) {
      throw new BookIntegrityError(`crossed book for ${this.marketSlug}: bid ${bestBid} >= ask ${bestAsk}`);
    }
    if (newBids) {
      const px = this.nextBidPx;
      const qty = this.nextBidQty;
      this.nextBidPx = this.bidPx;
      this.nextBidQty = this.bidQty;
      this.bidPx = px;
      this.bidQty = qty;
      this.bidCount = bids.length;
      this.bidSource = bids;
    }
    if (newAsks) {
      const px = this.nextAskPx;
      const qty = this.nextAskQty;
      this.nextAskPx = this.askPx;
      this.nextAskQty = this.askQty;
      this.askPx = px;
      this.askQty = qty;
      this.askCount = asks.length;
      this.askSource = asks;
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
    return this.bidCount > 0 ? (this.bidPx[0] as number) : null;
  }
  get bestAsk(): PriceMicros | null {
    return this.askCount > 0 ? (this.askPx[0] as number) : null;
  }
  get bestBidQty(): number {
    return this.bidCount > 0 ? (this.bidQty[0] as number) : 0;
  }
  get bestAskQty(): number {
    return this.askCount > 0 ? (this.askQty[0] as number) : 0;
  }
  get depth(): { bids: number; asks: number } {
    return { bids: this.bidCount, asks: this.askCount };
  }

  /** Mid price in micros, rounded half to even, or null when either side is empty. */
  get mid(): PriceMicros | null {
    if (this.bidCount === 0 || this.askCount === 0) return null;
    return midHalfEven(this.bidPx[0] as number, this.askPx[0] as number);
  }

  /** Spread in micros, or null when either side is empty. */
  get spread(): PriceMicros | null {
    if (this.bidCount === 0 || this.askCount === 0) return null;
    return (this.askPx[0] as number) - (this.bidPx[0] as number);
  }

  level(side: 'bid' | 'ask', index: number): BookLevel | undefined {
    if (side === 'bid') return index < this.bidCount ? { price: this.bidPx[index] as number, qty: this.bidQty[index] as number } : undefined;
    return index < this.askCount ? { price: this.askPx[index] as number, qty: this.askQty[index] as number } : undefined;
  }

  levels(side: 'bid' | 'ask'): BookLevel[] {
    const n = side === 'bid' ? this.bidCount : this.askCount;
    const out: BookLevel[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.level(side, i) as BookLevel;
    return out;
  }

  /** Visible size at exactly this price on the given side (0 when absent). */
  sizeAt(side: 'bid' | 'ask', price: PriceMicros): number {
    const px = side === 'bid' ? this.bidPx : this.askPx;
    const qty = side === 'bid' ? this.bidQty : this.askQty;
    const n = side === 'bid' ? this.bidCount : this.askCount;
    for (let i = 0; i < n; i++) if (px[i] === price) return qty[i] as number;
    return 0;
  }

  /**
   * Walks the visible depth for a taker that buys long (`buyLong`, lifting asks) or sells long (hitting
   * bids), up to `qty` (hundredths of a contract) and not past `limit` (a long-side price; null = market
   * order). Returns the quantity that would fill and its notional in micros (quantity × long price; exact at
   * tick prices, else rounded up).
   */
  sweep(buyLong: boolean, qty: Qty, limit: PriceMicros | null): { filled: Qty; notional: number; worstPrice: PriceMicros | null } {
    const px = buyLong ? this.askPx : this.bidPx;
    const size = buyLong ? this.askQty : this.bidQty;
    const n = buyLong ? this.askCount : this.bidCount;
    let filled = 0;
    let notional = 0;
    let worst: PriceMicros | null = null;
    for (let i = 0; i < n && filled < qty; i++) {
      const p = px[i] as number;
      if (limit !== null && (buyLong ? p > limit : p < limit)) break;
      const take = Math.min(qty - filled, size[i] as number);
      filled += take;
      notional += qtyTimesMicros(take, p, 'up');
      worst = p;
    }
    return { filled, notional, worstPrice: worst };
  }
}

/** Checks one side (prices in range, positive whole sizes, strictly best first) while copying it into px/qty. */
function copyValidSide(levels: readonly BookLevel[], name: string, direction: 1 | -1, px: number[], qty: number[]): void {
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
    px[i] = price;
    qty[i] = size;
  }
}
