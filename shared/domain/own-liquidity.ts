/**
 * The bot's own resting liquidity on the venue's public book. In live trading the public book shows the bot's
 * own resting orders; they are not anybody else's liquidity, so whatever values the book as "what others would
 * trade with us" must take them out first: the executable marks of open positions (docs/pnl-marks.md) and the
 * backtest's replay of a recorded live day (shared/backtest/own-liquidity-filter.ts). Paper orders never sit on
 * the venue's book: paper mode has no own liquidity.
 *
 * Placement: an order's side of the YES book (ORDER_SIDE_BUY rests as a bid, ORDER_SIDE_SELL as an offer,
 * whatever the intent: INTENT_EFFECT) at its YES price (docs/venue-rules.md, price convention).
 * Removal: a level loses exactly the bot's resting size at its price, clamped at zero; an emptied level (or one
 * whose size is unknown, as with a best bid/offer message) is gone, and the best of the remaining levels is the
 * side's best.
 */
import type { LevelAt } from './executable-mark.js';
import type { BookLevel } from './market.js';
import type { PriceMicros } from './money.js';
import type { Qty } from './quantity.js';
import { INTENT_EFFECT, type OrderIntent, type OrderSide } from './venue-enums.js';

export type BookSide = 'bid' | 'ask';

/** The book side an order of this side rests on: a buy rests as a bid, a sell as an offer. */
export function bookSideOf(side: OrderSide): BookSide {
  return side === 'ORDER_SIDE_BUY' ? 'bid' : 'ask';
}

/** The book side an order of this intent rests on (BUY_LONG and SELL_SHORT bid, SELL_LONG and BUY_SHORT offer). */
export function bookSideOfIntent(intent: OrderIntent): BookSide {
  return bookSideOf(INTENT_EFFECT[intent].side);
}

/** Adds `q` (may be negative) to the quantity at `price`; a price left with nothing is removed. */
export function addQtyAt(map: Map<PriceMicros, Qty>, price: PriceMicros, q: Qty): void {
  const v = (map.get(price) ?? 0) + q;
  if (v > 0) map.set(price, v);
  else map.delete(price);
}

/** What is left of a level of `levelQty` (0 or less = unknown or none) once the bot's own `own` is taken out. */
export function remainingAfterOwn(levelQty: Qty, own: Qty): Qty {
  return Math.max(levelQty - own, 0);
}

/**
 * The bot's own resting quantity per market, book side and price (live mode; nothing in paper mode and in
 * replays). `version` changes whenever any of a market's quantities may have changed; listeners hear the market.
 */
export interface OwnLiquidity {
  /** A figure that changes whenever the market's own resting quantities change. */
  version(marketSlug: string): number;
  /** Whether the market has own resting quantity on either side now (false: its books are as they are). */
  has(marketSlug: string): boolean;
  /** The own resting quantity at a price of one side (0 when none). */
  qtyAt(marketSlug: string, side: BookSide, price: PriceMicros): Qty;
  /** Told of every market whose own resting quantities changed; returns the unsubscribe function. */
  onChange(listener: (marketSlug: string) => void): () => void;
}

/**
 * A book side without the bot's own quantity (see the header), best first, read lazily as the caller walks it.
 * `ownAt(price)` is the bot's resting quantity at a price of this side.
 */
export function withoutOwn(levels: LevelAt, ownAt: (price: PriceMicros) => Qty): LevelAt {
  const kept: BookLevel[] = [];
  let next = 0;
  let done = false;
  return (i) => {
    while (!done && kept.length <= i) {
      const l = levels(next++);
      if (l === undefined) {
        done = true;
        break;
      }
      const mine = ownAt(l.price);
      if (mine <= 0) {
        kept.push(l);
        continue;
      }
      const left = remainingAfterOwn(l.qty, mine);
      if (left > 0) kept.push({ price: l.price, qty: left });
    }
    return kept[i];
  };
}

/** One market side of an OwnLiquidity as `withoutOwn` reads it. */
export function ownAtOf(own: OwnLiquidity, marketSlug: string, side: BookSide): (price: PriceMicros) => Qty {
  return (price) => own.qtyAt(marketSlug, side, price);
}
