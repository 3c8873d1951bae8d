/**
 * Domain → wire request builders. Prices go out as Amount strings formatted from integer micros
 * (formatMicros), never from a float. Every price is the LONG side's price whatever the intent. Quantities
 * (Qty, hundredths of a contract) go out as the JSON number of their exact decimal text (quantityToWire:
 * 250 → 2.5, never a float product).
 */
import { ONE_DOLLAR, formatMicros, type PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import { formatQuantity, quantityToWire, type Qty } from '../domain/quantity.js';
import type { OrderIntent, OrderType, TimeInForce } from '../domain/venue-enums.js';
import { InvalidRequestError } from './errors.js';
import type { WireAmount } from './wire-schemas.js';

export interface WireCreateOrder {
  marketSlug: string;
  intent: OrderIntent;
  type: OrderType;
  price?: WireAmount;
  quantity: number;
  tif: TimeInForce;
  participateDontInitiate?: boolean;
  goodTillTime?: string;
}

export interface WireModifyOrder {
  marketSlug: string;
  price?: WireAmount;
  quantity?: number;
}

export interface WireClosePosition {
  marketSlug: string;
  slippageTolerance?: { currentPrice: WireAmount; bips?: number; ticks?: number };
}

export function toAmount(micros: PriceMicros): WireAmount {
  return { value: formatMicros(micros), currency: 'USD' };
}

function checkPrice(price: PriceMicros, what: string): void {
  if (!Number.isSafeInteger(price) || price <= 0 || price >= ONE_DOLLAR) {
    throw new InvalidRequestError(`${what}: price must be integer micros strictly between 0 and 1 USD, got ${price}`);
  }
}

function checkQuantity(q: Qty, what: string): void {
  if (!Number.isSafeInteger(q) || q <= 0) {
    throw new InvalidRequestError(`${what}: quantity must be a positive whole number of hundredths of a contract, got ${q}`);
  }
}

function checkSlug(slug: string, what: string): void {
  if (typeof slug !== 'string' || slug.length === 0 || /[\s/?#]/.test(slug)) {
    throw new InvalidRequestError(`${what}: malformed market slug`);
  }
}

export function buildCreateOrder(r: OrderRequest): WireCreateOrder {
  checkSlug(r.marketSlug, 'create order');
  checkQuantity(r.quantity, 'create order');
  const body: WireCreateOrder = { marketSlug: r.marketSlug, intent: r.intent, type: r.type, quantity: quantityToWire(r.quantity), tif: r.tif };
  if (r.type === 'ORDER_TYPE_LIMIT') {
    if (r.price === undefined) throw new InvalidRequestError('create order: a limit order needs a price');
    checkPrice(r.price, 'create order');
    body.price = toAmount(r.price);
  } else if (r.price !== undefined) {
    checkPrice(r.price, 'create order');
    body.price = toAmount(r.price);
  }
  if (r.postOnly) body.participateDontInitiate = true;
  if (r.tif === 'TIME_IN_FORCE_GOOD_TILL_DATE') {
    if (r.goodTillTime === undefined || !Number.isFinite(r.goodTillTime)) {
      throw new InvalidRequestError('create order: GOOD_TILL_DATE needs goodTillTime');
    }
    body.goodTillTime = new Date(r.goodTillTime).toISOString();
  }
  return body;
}

/**
 * The create's JSON body text: exactly `JSON.stringify(buildCreateOrder(r))` (same fields, order and
 * refusals — a property test holds them equal), written directly instead of building the object and
 * serialising it, because it is on the tick-to-order path.
 */
export function createOrderJson(r: OrderRequest): string {
  const slug = slugJson(r.marketSlug);
  checkQuantity(r.quantity, 'create order');
  let price = '';
  if (r.type === 'ORDER_TYPE_LIMIT') {
    if (r.price === undefined) throw new InvalidRequestError('create order: a limit order needs a price');
    price = priceJson(r.price);
  } else if (r.price !== undefined) {
    price = priceJson(r.price);
  }
  let gtt = '';
  if (r.tif === 'TIME_IN_FORCE_GOOD_TILL_DATE') {
    if (r.goodTillTime === undefined || !Number.isFinite(r.goodTillTime)) {
      throw new InvalidRequestError('create order: GOOD_TILL_DATE needs goodTillTime');
    }
    gtt = `,"goodTillTime":"${new Date(r.goodTillTime).toISOString()}"`;
  }
  return (
    `{"marketSlug":${slug},"intent":${quoted(r.intent)},"type":${quoted(r.type)},` +
    `"quantity":${quantityJson(r.quantity)},"tif":${quoted(r.tif)}${price}${r.postOnly ? ',"participateDontInitiate":true' : ''}${gtt}}`
  );
}

/** Bound of each text memo below: past it, texts are made afresh (same text, not remembered). */
const MEMO_LIMIT = 4_096;

/** JSON text of the market slugs already checked, so the hot path neither re-tests nor re-escapes them. */
const SLUG_JSON = new Map<string, string>();

/** The slug checked (checkSlug: a refused slug is never remembered), as a JSON string. */
function slugJson(slug: string): string {
  let q = SLUG_JSON.get(slug);
  if (q === undefined) {
    checkSlug(slug, 'create order');
    q = JSON.stringify(slug);
    if (SLUG_JSON.size < MEMO_LIMIT) SLUG_JSON.set(slug, q);
  }
  return q;
}

/** The `,"price":…` member of the prices already checked (a market has at most 99 on its tick). */
const PRICE_JSON = new Map<PriceMicros, string>();

/** The price checked (checkPrice: a refused price is never remembered), as the create's price member. */
function priceJson(price: PriceMicros): string {
  let q = PRICE_JSON.get(price);
  if (q === undefined) {
    checkPrice(price, 'create order');
    q = `,"price":{"value":"${formatMicros(price)}","currency":"USD"}`;
    if (PRICE_JSON.size < MEMO_LIMIT) PRICE_JSON.set(price, q);
  }
  return q;
}

/** JSON text of the enum values seen so far (a handful), so the hot path does not re-escape them. */
const QUOTED = new Map<string, string>();

function quoted(value: string): string {
  let q = QUOTED.get(value);
  if (q === undefined) {
    q = JSON.stringify(value);
    if (QUOTED.size < 64) QUOTED.set(value, q);
  }
  return q;
}

/**
 * The JSON text of `quantityToWire(q)`: its exact decimal text, which is how JSON.stringify writes that number
 * while it has at most 15 significant digits (always, for a real order); beyond, the number itself.
 */
function quantityJson(q: Qty): string {
  return q < 1e15 ? formatQuantity(q) : JSON.stringify(quantityToWire(q));
}

export function buildModifyOrder(marketSlug: string, change: { price?: PriceMicros; quantity?: Qty }): WireModifyOrder {
  checkSlug(marketSlug, 'modify order');
  if (change.price === undefined && change.quantity === undefined) {
    throw new InvalidRequestError('modify order: nothing to change');
  }
  const body: WireModifyOrder = { marketSlug };
  if (change.price !== undefined) {
    checkPrice(change.price, 'modify order');
    body.price = toAmount(change.price);
  }
  if (change.quantity !== undefined) {
    checkQuantity(change.quantity, 'modify order');
    body.quantity = quantityToWire(change.quantity);
  }
  return body;
}

export function buildClosePosition(
  marketSlug: string,
  slippage?: { currentPrice: PriceMicros; bips?: number; ticks?: number },
): WireClosePosition {
  checkSlug(marketSlug, 'close position');
  const body: WireClosePosition = { marketSlug };
  if (slippage) {
    checkPrice(slippage.currentPrice, 'close position');
    body.slippageTolerance = { currentPrice: toAmount(slippage.currentPrice) };
    if (slippage.bips !== undefined) body.slippageTolerance.bips = slippage.bips;
    if (slippage.ticks !== undefined) body.slippageTolerance.ticks = slippage.ticks;
  }
  return body;
}

/** Validates a slug that goes into a URL path, so nothing a caller passes can change the path. */
export function pathSegment(value: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 300) throw new InvalidRequestError(`${what}: empty or too long`);
  return encodeURIComponent(value);
}
