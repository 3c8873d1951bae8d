/**
 * Edge arithmetic after fees, for every strategy (docs/venue-rules.md, "Fees"). All figures are micros per
 * contract (a probability point is 10_000 micros). A taker pays Θ·p·(1 − p) per contract at the price p it
 * trades; a maker earns the rebate. Edges are "net" once the fee is taken off (or the rebate added).
 */
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';
import type { FeeRates } from '../domain/fees.js';
import type { SignalAction } from '../domain/signal.js';
import { feePerContract, type Liquidity } from '../state/market-fees.js';
import { buysLong, snapDown, snapUp, MAX_ORDER_PRICE, MIN_ORDER_PRICE } from './pricing.js';

export interface Edge {
  /** Fair value over the price, in the direction of the trade. */
  gross: number;
  /** Signed fee per contract: > 0 paid (taker), < 0 earned (maker rebate). */
  fee: number;
  /** gross − fee. */
  net: number;
}

/** Edge before fees of trading `action` at long price `price` when the fair YES price is `fair`. */
export function grossEdge(action: SignalAction, price: PriceMicros, fair: PriceMicros): number {
  return buysLong(action) ? fair - price : price - fair;
}

/** Edge before and after the fee of trading `action` at `price` as a maker or a taker. */
export function edgeAt(action: SignalAction, price: PriceMicros, fair: PriceMicros, liquidity: Liquidity, rates: FeeRates): Edge {
  const gross = grossEdge(action, price, fair);
  const fee = feePerContract(liquidity, price, rates);
  return { gross, fee, net: gross - fee };
}

/**
 * The most aggressive limit on the tick at which a TAKER still keeps `minEdge` after its fee, or undefined
 * when no order price in [0.01, 0.99] does. Buying long: the highest L with fair − L − fee(L) ≥ minEdge;
 * selling long: the lowest L with L − fair − fee(L) ≥ minEdge. L + fee(L) grows with L (Θ < 1), so the
 * search walks one tick at a time from the fee-free limit and stops at the first price that clears.
 */
export function takerLimit(buys: boolean, fair: PriceMicros, minEdge: number, tick: PriceMicros, rates: FeeRates): PriceMicros | undefined {
  if (!(tick > 0)) return undefined;
  const low = snapUp(MIN_ORDER_PRICE, tick);
  const high = snapDown(MAX_ORDER_PRICE, tick);
  if (buys) {
    for (let l = Math.min(snapDown(fair - minEdge, tick), high); l >= low; l -= tick) {
      if (fair - l - feePerContract('TAKER', l, rates) >= minEdge) return l;
    }
    return undefined;
  }
  for (let l = Math.max(snapUp(fair + minEdge, tick), low); l <= high && l < ONE_DOLLAR; l += tick) {
    if (l - fair - feePerContract('TAKER', l, rates) >= minEdge) return l;
  }
  return undefined;
}

/**
 * The quote closest to `center` on the tick whose distance from it plus the maker rebate still reaches
 * `halfSpread`: the rebate lets a maker stand a little nearer than the fee-free half spread, never less
 * than the half spread net. A bid (buys long) is at most center − halfSpread + rebate, an ask at least
 * center + halfSpread − rebate. Unbounded here (the caller applies the book and the price bounds).
 */
export function makerQuote(buys: boolean, center: number, halfSpread: number, tick: PriceMicros, rates: FeeRates): PriceMicros {
  // Start one tick beyond the largest possible rebate (Θ·¼ ≤ 250_000 micros for Θ < 1, far less in practice)
  // and walk back while the next tick still clears.
  const slack = Math.ceil(rates.makerThetaPpm / 4);
  if (buys) {
    let l = snapDown(Math.floor(center - halfSpread + slack), tick);
    while (!makerClears(buys, center, halfSpread, l, rates)) l -= tick;
    return l;
  }
  let l = snapUp(Math.ceil(center + halfSpread - slack), tick);
  while (!makerClears(buys, center, halfSpread, l, rates)) l += tick;
  return l;
}

/** True when a maker quote at `l` keeps at least `halfSpread` from `center`, net of its rebate. */
function makerClears(buys: boolean, center: number, halfSpread: number, l: PriceMicros, rates: FeeRates): boolean {
  return (buys ? center - l : l - center) - feePerContract('MAKER', l, rates) >= halfSpread;
}
