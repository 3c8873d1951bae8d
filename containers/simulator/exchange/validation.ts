/**
 * Request validation: turns a SubmitOrderRequest / ModifyOrderRequest into a normalized form or throws an
 * ExchangeRequestError (400) naming the bad field. Business refusals (market state, buying power, position,
 * post-only cross, a good-till-time already past) are NOT decided here: they become REJECTED orders. So do
 * prices the venue gives an order id before refusing (outside 0.01–0.99, off the tick grid): a submit carries
 * them as `priceRefusal`; extra precision is cut down to the tick silently (price-rules.ts).
 */
import { formatQuantity, roundToStep, type Qty } from '../../../shared/domain/quantity.js';
import type { Micros, PriceMicros } from '../../../shared/domain/money.js';
import {
  INTENT_EFFECT,
  ORDER_INTENTS,
  ORDER_TYPES,
  TIMES_IN_FORCE,
  type OrderIntent,
  type OrderType,
  type TimeInForce,
} from '../../../shared/domain/venue-enums.js';
import { badRequest } from './errors.js';
import { normalizePrice } from './price-rules.js';
import type { MarketRecord } from './reference-data.js';
import { DAY_TIF, type ModifyOrderRequest, type SubmitOrderRequest } from './types.js';

export interface NormalizedOrder {
  marketSlug: string;
  intent: OrderIntent;
  buysLong: boolean;
  opens: boolean;
  type: OrderType;
  /** Limit price (LIMIT) or protection price (MARKET with a price), else null. */
  price: PriceMicros | null;
  /** Contracts; for a cash-limited market order without a quantity, null. */
  quantity: Qty | null;
  tif: TimeInForce;
  postOnly: boolean;
  goodTillTime: number | null;
  cashLimit: Micros | null;
  /** Sent as TIME_IN_FORCE_DAY (rests as GOOD_TILL_CANCEL: the venue does not expire DAY orders at the roll). */
  day: boolean;
  /** The price cannot be traded (out of bounds, off the grid): the order gets an id, then this reject. */
  priceRefusal: { reason: string; text: string } | null;
}

interface PriceOutcome {
  price: PriceMicros;
  refusal: { reason: string; text: string } | null;
}

/** A submitted price: a 400 if it is not a number of micros; else normalised, or the venue's reject. */
function submittedPrice(price: unknown, market: MarketRecord, field = 'price'): PriceOutcome {
  if (typeof price !== 'number' || !Number.isSafeInteger(price)) {
    throw badRequest('INVALID_PRICE', `${field} must be an integer number of micros`);
  }
  const check = normalizePrice(price, market.tick);
  return check.ok ? { price: check.price, refusal: null } : { price, refusal: { reason: check.reason, text: check.text } };
}

/** A price that must be tradable now (modify): normalised, or a 400 carrying the venue's reject reason. */
export function validatePrice(price: unknown, market: MarketRecord, field = 'price'): PriceMicros {
  const out = submittedPrice(price, market, field);
  if (out.refusal) throw badRequest(out.refusal.reason, `${field}: ${out.refusal.text}`);
  return out.price;
}

/**
 * A request quantity (hundredths of a contract, as the request schema read it) on the market's size grid: like
 * the venue, precision finer than the market's increment (its minimum size) is normalised down, not refused;
 * what is left below the minimum is refused.
 */
export function validateQuantity(qty: unknown, market: MarketRecord, field = 'quantity'): Qty {
  if (typeof qty !== 'number' || !Number.isSafeInteger(qty)) throw badRequest('INVALID_QUANTITY', `${field} must be a decimal number of contracts`);
  const normalised = roundToStep(qty, market.minQty, 'toward_zero');
  if (normalised < market.minQty) throw badRequest('INVALID_QUANTITY', `${field} must be at least ${formatQuantity(market.minQty)}`);
  return normalised;
}

function validateTif(tif: unknown): TimeInForce {
  if (typeof tif !== 'string' || !(TIMES_IN_FORCE as readonly string[]).includes(tif)) {
    throw badRequest('INVALID_TIF', `tif must be one of ${TIMES_IN_FORCE.join(', ')}`);
  }
  return tif as TimeInForce;
}

function validateGoodTill(tif: TimeInForce, goodTillTime: unknown): number | null {
  if (tif !== 'TIME_IN_FORCE_GOOD_TILL_DATE') return null;
  if (typeof goodTillTime !== 'number' || !Number.isFinite(goodTillTime)) {
    throw badRequest('INVALID_GOOD_TILL_TIME', 'goodTillTime (epoch ms) is required for TIME_IN_FORCE_GOOD_TILL_DATE');
  }
  return goodTillTime;
}

export function normalizeSubmit(req: SubmitOrderRequest, market: MarketRecord): NormalizedOrder {
  if (typeof req.intent !== 'string' || !(ORDER_INTENTS as readonly string[]).includes(req.intent)) {
    throw badRequest('INVALID_INTENT', `intent must be one of ${ORDER_INTENTS.join(', ')}`);
  }
  const effect = INTENT_EFFECT[req.intent];
  const type = req.type ?? 'ORDER_TYPE_LIMIT';
  if (!(ORDER_TYPES as readonly string[]).includes(type)) throw badRequest('INVALID_TYPE', `type must be one of ${ORDER_TYPES.join(', ')}`);
  const postOnly = req.participateDontInitiate === true;
  const day = req.tif === DAY_TIF && type === 'ORDER_TYPE_LIMIT';
  let tif = validateTif(req.tif === DAY_TIF ? 'TIME_IN_FORCE_GOOD_TILL_CANCEL' : (req.tif ?? 'TIME_IN_FORCE_GOOD_TILL_CANCEL'));
  const hasCash = req.cashOrderQty !== undefined && req.cashOrderQty !== null;
  const hasQty = req.quantity !== undefined && req.quantity !== null;

  if (type === 'ORDER_TYPE_LIMIT') {
    if (hasCash) throw badRequest('INVALID_CASH_ORDER_QTY', 'cashOrderQty is only for market orders');
    if (req.price === undefined || req.price === null) throw badRequest('INVALID_PRICE', 'price is required for a limit order');
    const { price, refusal: priceRefusal } = submittedPrice(req.price, market);
    const quantity = validateQuantity(req.quantity, market);
    if (postOnly && (tif === 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' || tif === 'TIME_IN_FORCE_FILL_OR_KILL')) {
      throw badRequest('INVALID_TIF', 'participateDontInitiate cannot be combined with IOC or FOK');
    }
    const goodTillTime = validateGoodTill(tif, req.goodTillTime);
    return { marketSlug: market.spec.slug, intent: req.intent, buysLong: effect.buysLong, opens: effect.opens, type, price, quantity, tif, postOnly, goodTillTime, cashLimit: null, day, priceRefusal };
  }

  // Market order: never rests. GTC/GTD make no sense for it and are treated as IOC.
  if (postOnly) throw badRequest('INVALID_ORDER', 'a market order cannot be participateDontInitiate');
  if (tif !== 'TIME_IN_FORCE_FILL_OR_KILL') tif = 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL';
  if (!hasQty && !hasCash) throw badRequest('INVALID_QUANTITY', 'a market order needs quantity or cashOrderQty');
  const quantity = hasQty ? validateQuantity(req.quantity, market) : null;
  let cashLimit: Micros | null = null;
  if (hasCash) {
    if (!Number.isSafeInteger(req.cashOrderQty) || (req.cashOrderQty as number) <= 0) {
      throw badRequest('INVALID_CASH_ORDER_QTY', 'cashOrderQty must be a positive integer number of micros');
    }
    cashLimit = req.cashOrderQty as number;
    if (tif === 'TIME_IN_FORCE_FILL_OR_KILL' && quantity === null) {
      throw badRequest('INVALID_TIF', 'fill-or-kill needs a quantity');
    }
  }
  const protection = req.price === undefined || req.price === null ? null : submittedPrice(req.price, market);
  const price = protection ? protection.price : null;
  const priceRefusal = protection ? protection.refusal : null;
  return { marketSlug: market.spec.slug, intent: req.intent, buysLong: effect.buysLong, opens: effect.opens, type, price, quantity, tif, postOnly: false, goodTillTime: null, cashLimit, day: false, priceRefusal };
}

export interface NormalizedModify {
  price: PriceMicros | null;
  quantity: Qty | null;
  tif: TimeInForce | null;
  postOnly: boolean | null;
  goodTillTime: number | null | undefined;
}

export function normalizeModify(req: ModifyOrderRequest, market: MarketRecord): NormalizedModify {
  const price = req.price === undefined || req.price === null ? null : validatePrice(req.price, market);
  const quantity = req.quantity === undefined || req.quantity === null ? null : validateQuantity(req.quantity, market);
  let tif: TimeInForce | null = null;
  if (req.tif !== undefined && req.tif !== null) {
    tif = validateTif(req.tif);
    if (tif !== 'TIME_IN_FORCE_GOOD_TILL_CANCEL' && tif !== 'TIME_IN_FORCE_GOOD_TILL_DATE') {
      throw badRequest('INVALID_TIF', 'a resting order can only be modified to GOOD_TILL_CANCEL or GOOD_TILL_DATE');
    }
  }
  if (req.goodTillTime !== undefined && req.goodTillTime !== null && !Number.isFinite(req.goodTillTime)) {
    throw badRequest('INVALID_GOOD_TILL_TIME', 'goodTillTime must be epoch ms');
  }
  const postOnly = req.participateDontInitiate === undefined ? null : req.participateDontInitiate === true;
  return { price, quantity, tif, postOnly, goodTillTime: req.goodTillTime };
}
