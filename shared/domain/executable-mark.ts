/**
 * Executable marks: what an open position could be sold for now, the figure PnL, drawdown, the circuit
 * breaker and every report value open positions at (docs/pnl-marks.md).
 *
 * A long (YES) position is closed by selling YES into the bids; a short (NO) position by buying YES at the
 * asks, which returns 1 − ask per contract (shared/paper/position-math.ts: closing a short at long price p
 * realizes 1 − p). The close is priced as one taker order walking the visible levels best first:
 *
 *   value = Σ over the levels it takes of  qty × side price  −  the taker fee of the whole close
 *
 *  - Proceeds per level are `qty × ⌊side price / 0.0001⌋`-exact: at any price on the 0.0001 grid (every venue
 *    tick: 0.01, 0.005, 0.0025) this is exactly what position-math realizes; off the grid it is the lower
 *    bound of any way the venue could split the fills (each fill rounds its proceeds down).
 *  - The fee is the per-order cumulative cap of shared/domain/fees.ts (round-half-even of the exact fee of
 *    the whole close): the most the venue can charge, whatever the split into fills.
 *  So, within the visible depth, the mark never exceeds what actually selling into the book would realize
 *  (the property test in test/unit/domain/executable-mark.test.ts).
 *
 * Beyond the visible depth (the position is larger than the levels show, or a level's size is unknown, as
 * with a best bid/offer message carrying only prices) the remainder is valued at the worst visible level,
 * fee included, and the mark is flagged `beyondVisibleDepth`. That is optimistic for the remainder (the
 * next levels can only be worse), deliberately: valuing it at 0 would trip the breaker on every thin book.
 * The flag says the figure is not a promise.
 *
 * With the closing side empty, the last trade is used (flagged `last_trade`), fee included, and capped by the
 * opposite best price: a long is never worth more than the best ask (a buyer would lift that instead), a short
 * never more than 1 − best bid. With neither, there is no mark (`none`, value null): callers value the
 * position at cost and flag it unmarked.
 *
 * In live trading the venue's book shows the bot's own resting orders, which a close can never trade with: the
 * callers pass both sides without them (shared/domain/own-liquidity.ts `withoutOwn`: the close levels and the
 * opposite best are someone else's). Paper orders never sit on the venue's book.
 *
 * Beside it, the mid-based reference figure (value at the mid, else the last trade, no fee) is kept for
 * comparison only: `midMarkValue`.
 */
import { OrderFeeCap, type ThetaPpm } from './fees.js';
import type { BookLevel } from './market.js';
import { ONE_DOLLAR, midHalfEven, type Micros, type PriceMicros } from './money.js';
import { QTY_SCALE, qtyTimesMicros, type Qty } from './quantity.js';

/** Where an executable mark came from. */
export type ExecutableMarkSource = 'book' | 'last_trade' | 'none';

export interface ExecutableMark {
  /** What closing the whole position now would bring in, net of the taker fee, micros; null for `none`. */
  value: Micros | null;
  source: ExecutableMarkSource;
  /** Part of the position was valued past the visible size, at the worst visible level (see above). */
  beyondVisibleDepth: boolean;
  /** The taker fee deducted (the cap of the whole close), micros. */
  fee: Micros;
}

/** The level at `index` of one book side, best first (undefined past the last); qty 0 = size unknown. */
export type LevelAt = (index: number) => BookLevel | undefined;

export interface ExecutableMarkInput {
  /** Signed position, hundredths of a contract: > 0 long (YES), < 0 short (NO). */
  netQty: Qty;
  /** The side a close trades against, best first: the bids for a long, the asks for a short. */
  closeLevels: LevelAt;
  /** The best price of the other side (asks for a long, bids for a short), or null: caps a last-trade mark. */
  oppositeBest: PriceMicros | null;
  lastTrade: PriceMicros | null;
  /** The market's taker Θ now (FeeRates.takerThetaPpm). */
  takerThetaPpm: ThetaPpm;
}

const FLAT: ExecutableMark = Object.freeze({ value: 0, source: 'book', beyondVisibleDepth: false, fee: 0 });
const UNMARKED: ExecutableMark = Object.freeze({ value: null, source: 'none', beyondVisibleDepth: false, fee: 0 });
const NO_LEVELS: LevelAt = () => undefined;

/** A side given as an array of levels, best first. */
export function levelsOf(levels: readonly BookLevel[]): LevelAt {
  return (i) => levels[i];
}

/** A side known only by its best price (size unknown), e.g. from a best bid/offer message; null = empty. */
export function bestOnly(price: PriceMicros | null): LevelAt {
  if (price === null) return NO_LEVELS;
  const level: BookLevel = { price, qty: 0 };
  return (i) => (i === 0 ? level : undefined);
}

/**
 * Proceeds of closing `qty` at long price `longPrice`, per side held: ⌊side price / 0.0001⌋ × qty — exact on
 * the 0.0001 grid, and never above what any split of the fills realizes (each fill rounds down).
 */
function closeProceeds(qty: Qty, longPrice: PriceMicros, long: boolean): Micros {
  const side = long ? longPrice : ONE_DOLLAR - longPrice;
  return qty * Math.floor(side / QTY_SCALE);
}

/** The fee of the close being priced: one hypothetical taker order (reused; executableMark runs to completion). */
const closeFee = new OrderFeeCap();

/** The executable mark of a position (see the module comment). */
export function executableMark(input: ExecutableMarkInput): ExecutableMark {
  const { netQty, closeLevels, takerThetaPpm } = input;
  if (netQty === 0) return FLAT;
  const long = netQty > 0;
  const size = Math.abs(netQty);
  let left = size;
  let proceeds = 0;
  const fees = closeFee.reset();
  let worst: PriceMicros | null = null;
  for (let i = 0; left > 0; i++) {
    const level = closeLevels(i);
    if (level === undefined) break;
    worst = level.price;
    const take = Math.min(left, level.qty);
    if (take <= 0) continue;
    proceeds += closeProceeds(take, level.price, long);
    fees.add(take, level.price, takerThetaPpm);
    left -= take;
  }
  if (worst !== null) {
    if (left > 0) {
      proceeds += closeProceeds(left, worst, long);
      fees.add(left, worst, takerThetaPpm);
    }
    const fee = fees.micros();
    return { value: proceeds - fee, source: 'book', beyondVisibleDepth: left > 0, fee };
  }
  const last = input.lastTrade;
  if (last === null) return UNMARKED;
  const opposite = input.oppositeBest;
  // A long is worth no more than the best ask, a short no more than 1 − the best bid.
  const price = opposite === null ? last : long ? Math.min(last, opposite) : Math.max(last, opposite);
  fees.add(size, price, takerThetaPpm);
  const fee = fees.micros();
  return { value: closeProceeds(size, price, long) - fee, source: 'last_trade', beyondVisibleDepth: false, fee };
}

/**
 * The mid-based reference value of a position, for comparison only (never for PnL, drawdown or the breaker):
 * |netQty| × the side's mid (else the last trade), no fee, rounded down. Null without either.
 */
export function midMarkValue(netQty: Qty, bid: PriceMicros | null, ask: PriceMicros | null, last: PriceMicros | null): Micros | null {
  if (netQty === 0) return 0;
  const longMark = bid !== null && ask !== null ? midHalfEven(bid, ask) : last;
  if (longMark === null) return null;
  return qtyTimesMicros(Math.abs(netQty), netQty > 0 ? longMark : ONE_DOLLAR - longMark, 'down');
}
