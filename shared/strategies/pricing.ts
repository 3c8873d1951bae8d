/**
 * Price helpers for strategies. All prices are LONG-side micros on the market tick. A probability becomes a
 * price by rounding to the micro; snapping to the tick is conservative: a price we BUY long at is rounded
 * down, a price we SELL long at is rounded up (never pay more, never sell for less, than the edge allows).
 */
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';
import type { SignalAction } from '../domain/signal.js';

export { MAX_ORDER_PRICE, MIN_ORDER_PRICE } from '../execution/order-builder.js';

export const DEFAULT_TICK: PriceMicros = 10_000;

export function probabilityToPrice(p: number): PriceMicros {
  return Math.min(ONE_DOLLAR, Math.max(0, Math.round(p * ONE_DOLLAR)));
}

export function snapDown(price: PriceMicros, tick: PriceMicros): PriceMicros {
  return Math.floor(price / tick) * tick;
}

export function snapUp(price: PriceMicros, tick: PriceMicros): PriceMicros {
  return Math.ceil(price / tick) * tick;
}

/** True when the action buys long contracts on the book (BUY_YES, SELL_NO). */
export function buysLong(action: SignalAction): boolean {
  return action === 'BUY_YES' || action === 'SELL_NO';
}

/** Snaps a price for the given direction: buys down, sells up. */
export function snapForAction(price: PriceMicros, action: SignalAction, tick: PriceMicros): PriceMicros {
  return buysLong(action) ? snapDown(price, tick) : snapUp(price, tick);
}

/** True when the price is a tradable price: on the tick, strictly inside (0, 1). */
export function isTradable(price: PriceMicros, tick: PriceMicros): boolean {
  return price >= tick && price <= ONE_DOLLAR - tick && price % tick === 0;
}
