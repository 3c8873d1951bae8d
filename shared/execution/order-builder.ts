/**
 * Signal → OrderRequest, refusing what the venue would refuse (docs/venue-rules.md, "Per-market
 * constraints"). The signal's price is always the LONG side's price; the intent says which way the long book
 * is traded. Each market has its own tick (0.01, 0.005 and 0.0025 all exist) and minimum size; prices must
 * lie in 0.01–0.99. The quantity (Qty, hundredths of a contract) is rounded down to the market's size
 * increment, which is its minimum size (`market.minimumTradeQty`: 0.01 or 1 contract), and refused below it,
 * so the venue never normalises a size down for us. The price is snapped to the tick, then kept inside the bounds, only ever in the
 * direction that never worsens the limit for us: an order that buys long (BUY_LONG, SELL_SHORT) rounds and
 * clamps down, one that sells long (SELL_LONG, and BUY_SHORT, which sells long) rounds and clamps up. What
 * could only be fixed by a more aggressive price is refused with an OrderBuildError whose `code` the
 * executor counts (`execution.build_rejected{code}`).
 */
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import { ONE_CONTRACT, formatQuantity, roundToStep, type Qty } from '../domain/quantity.js';
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
  /** Minimum order size and size increment, hundredths of a contract (default 100 = whole contracts). */
  minQty: Qty;
}

export const DEFAULT_MARKET_RULES: MarketRules = { tick: 10_000, minQty: ONE_CONTRACT };

/** The venue's price bounds for every market: 0.01 and 0.99, in micros. */
export const MIN_ORDER_PRICE: PriceMicros = 10_000;
export const MAX_ORDER_PRICE: PriceMicros = 990_000;

/**
 * A market's rules from what is known of it: its own tick and minimum when given (a tick or a minimum that
 * is missing, zero or not a number falls back to the defaults: config trading.default_tick /
 * default_min_qty). A tick that is present but unusable is kept, for buildOrder to refuse (INVALID_TICK).
 */
export function marketRulesOf(info: { tick?: number | null; minQty?: Qty | null } | undefined, defaults: MarketRules): MarketRules {
  const tick = info?.tick;
  const minQty = info?.minQty;
  return {
    tick: typeof tick === 'number' && Number.isFinite(tick) && tick > 0 ? tick : defaults.tick,
    minQty: typeof minQty === 'number' && Number.isSafeInteger(minQty) && minQty > 0 ? minQty : defaults.minQty,
  };
}

/** A tick the builder can use: whole micros that divide 0.01 (so both bounds are on it). */
export function isUsableTick(tick: PriceMicros): boolean {
  return Number.isSafeInteger(tick) && tick > 0 && MIN_ORDER_PRICE % tick === 0;
}

/** Snaps a long-side price to the tick: down when the order buys long, up when it sells long. */
export function snapToTick(price: PriceMicros, tick: PriceMicros, buysLong: boolean): PriceMicros {
  if (!isUsableTick(tick)) throw new OrderBuildError('INVALID_TICK', `invalid tick ${tick} micros (the venue's ticks divide 0.01: 10000, 5000, 2500)`);
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
 * The quantity is rounded down to the market's size increment (never raised).
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
  const snapped = snapToTick(signal.price, rules.tick, buysLong);
  // Clamp into the bounds only toward the safe side; the other way would pay more or sell for less.
  const price = buysLong ? Math.min(snapped, MAX_ORDER_PRICE) : Math.max(snapped, MIN_ORDER_PRICE);
  if (price < MIN_ORDER_PRICE || price > MAX_ORDER_PRICE) {
    throw new OrderBuildError(
      'PRICE_OUT_OF_RANGE',
      `price ${signal.price} ${buysLong ? 'buys' : 'sells'} long at ${snapped} on tick ${rules.tick}, outside the venue's ${MIN_ORDER_PRICE}–${MAX_ORDER_PRICE}; only a more aggressive price would fit`,
    );
  }

  if (!Number.isFinite(signal.quantity) || signal.quantity <= 0) {
    throw new OrderBuildError('INVALID_QUANTITY', `quantity must be positive, got ${signal.quantity}`);
  }
  const minQty = Math.max(1, Math.floor(rules.minQty));
  const quantity = roundToStep(Math.floor(signal.quantity), minQty, 'down');
  if (quantity < minQty) {
    throw new OrderBuildError(
      'BELOW_MIN_QTY',
      `quantity ${formatQuantity(Math.floor(signal.quantity))} below the market minimum (and size increment) ${formatQuantity(minQty)}`,
    );
  }

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

  const order: OrderRequest = { marketSlug: signal.marketSlug, intent, type: 'ORDER_TYPE_LIMIT', price, quantity, tif, postOnly };
  // Set after the literal, not spread into it (a spread in a literal is a runtime call on the create path).
  if (gtd) order.goodTillTime = signal.goodTillTime;
  return order;
}
