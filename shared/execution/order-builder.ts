/**
 * Signal → OrderRequest. The signal's price is always the LONG side's price; the intent says which way the
 * long book is traded. Prices are snapped to the market's tick in the direction that never worsens the
 * limit for us: an order that buys long rounds down, an order that sells long (SELL_LONG, and BUY_SHORT,
 * which sells long) rounds up.
 */
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type { Signal, SignalAction } from '../domain/signal.js';
import { INTENT_EFFECT, type OrderIntent, type TimeInForce } from '../domain/venue-enums.js';

export type OrderBuildErrorCode =
  | 'UNKNOWN_ACTION'
  | 'INVALID_PRICE'
  | 'PRICE_OUT_OF_RANGE'
  | 'INVALID_QUANTITY'
  | 'BELOW_MIN_QTY'
  | 'INVALID_TICK'
  | 'POST_ONLY_WITH_IMMEDIATE_TIF'
  | 'INVALID_TIF'
  | 'INVALID_GOOD_TILL_TIME';

export class OrderBuildError extends Error {
  constructor(
    readonly code: OrderBuildErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OrderBuildError';
  }
}

export const ACTION_INTENT: Readonly<Record<SignalAction, OrderIntent>> = {
  BUY_YES: 'ORDER_INTENT_BUY_LONG',
  SELL_YES: 'ORDER_INTENT_SELL_LONG',
  BUY_NO: 'ORDER_INTENT_BUY_SHORT',
  SELL_NO: 'ORDER_INTENT_SELL_SHORT',
};

export const TIF_MAP: Readonly<Record<'GTC' | 'GTD' | 'IOC' | 'FOK', TimeInForce>> = {
  GTC: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
  GTD: 'TIME_IN_FORCE_GOOD_TILL_DATE',
  IOC: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL',
  FOK: 'TIME_IN_FORCE_FILL_OR_KILL',
};

/** What the builder needs to know about the market (a subset of MarketInfo). */
export interface MarketRules {
  /** Tick in micros (default 10_000 = 0.01). */
  tick: PriceMicros;
  /** Minimum order size in contracts (default 1). */
  minQty: number;
}

export const DEFAULT_MARKET_RULES: MarketRules = { tick: 10_000, minQty: 1 };

/** Snaps a long-side price to the tick: down when the order buys long, up when it sells long. */
export function snapToTick(price: PriceMicros, tick: PriceMicros, buysLong: boolean): PriceMicros {
  if (!Number.isSafeInteger(tick) || tick <= 0) throw new OrderBuildError('INVALID_TICK', `invalid tick ${tick}`);
  const r = price % tick;
  if (r === 0) return price;
  const down = price - r;
  return buysLong ? down : down + tick;
}

/** The intent for a signal action. */
export function intentOf(action: SignalAction): OrderIntent {
  const intent = ACTION_INTENT[action];
  if (!intent) throw new OrderBuildError('UNKNOWN_ACTION', `unknown signal action ${String(action)}`);
  return intent;
}

/**
 * Builds a LIMIT order for a signal. Throws OrderBuildError when the signal cannot become a valid order.
 * The quantity is floored to whole contracts (never raised).
 */
export function buildOrder(signal: Signal, rules: MarketRules = DEFAULT_MARKET_RULES): OrderRequest {
  const intent = intentOf(signal.action);
  const { buysLong } = INTENT_EFFECT[intent];

  if (!Number.isSafeInteger(signal.price)) {
    throw new OrderBuildError('INVALID_PRICE', `price must be integer micros, got ${signal.price}`);
  }
  if (signal.price <= 0 || signal.price >= ONE_DOLLAR) {
    throw new OrderBuildError('PRICE_OUT_OF_RANGE', `price ${signal.price} not strictly between 0 and 1`);
  }
  const price = snapToTick(signal.price, rules.tick, buysLong);
  if (price <= 0 || price >= ONE_DOLLAR) {
    throw new OrderBuildError('PRICE_OUT_OF_RANGE', `price ${signal.price} snaps to ${price}, outside (0, 1)`);
  }

  if (!Number.isFinite(signal.quantity) || signal.quantity <= 0) {
    throw new OrderBuildError('INVALID_QUANTITY', `quantity must be positive, got ${signal.quantity}`);
  }
  const quantity = Math.floor(signal.quantity);
  if (quantity <= 0) throw new OrderBuildError('INVALID_QUANTITY', `quantity ${signal.quantity} is less than one contract`);
  const minQty = Math.max(1, rules.minQty);
  if (quantity < minQty) throw new OrderBuildError('BELOW_MIN_QTY', `quantity ${quantity} below market minimum ${minQty}`);

  const postOnly = signal.postOnly ?? false;
  const tifKey = signal.timeInForce ?? (postOnly ? 'GTC' : 'IOC');
  if (postOnly && tifKey !== 'GTC' && tifKey !== 'GTD') {
    throw new OrderBuildError('POST_ONLY_WITH_IMMEDIATE_TIF', `post-only order cannot be ${tifKey}`);
  }
  const tif = TIF_MAP[tifKey];
  if (!tif) throw new OrderBuildError('INVALID_TIF', `unknown time in force ${String(tifKey)}`);
  const gtd = tifKey === 'GTD';
  if (gtd && (signal.goodTillTime === undefined || !Number.isSafeInteger(signal.goodTillTime) || signal.goodTillTime <= signal.createdAt)) {
    throw new OrderBuildError('INVALID_GOOD_TILL_TIME', `a GTD order needs a goodTillTime after its creation, got ${String(signal.goodTillTime)}`);
  }

  return {
    marketSlug: signal.marketSlug,
    intent,
    type: 'ORDER_TYPE_LIMIT',
    price,
    quantity,
    tif,
    postOnly,
    ...(gtd ? { goodTillTime: signal.goodTillTime } : {}),
  };
}
