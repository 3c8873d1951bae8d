/**
 * Parsing of the exchange's WebSocket messages (api/polymarket-us.md, "WebSocket messages") into VenueEvents.
 *
 * The book path (`marketData`) is the hot path: after the native JSON.parse, the structure is checked by hand
 * and prices/quantities go through fast-decimal.ts (no zod, no regex, no intermediate objects besides the
 * BookLevel array). The rarer private messages (orders, executions, positions) reuse the REST zod schemas.
 * Nothing here throws on bad input: a malformed frame comes back as { kind: 'malformed', reason }.
 */
import type { BookLevel } from '../domain/market.js';
import { MARKET_STATES, ORDER_SIDES, type OrderSide, type VenueMarketState } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import { fastInt, fastMicros } from './fast-decimal.js';
import { ExecutionSchema, LooseMoneySchema, OrderSchema, UserPositionSchema } from './wire-schemas.js';
import { looseMoneyToMicros, toVenueExecution, toVenueOrder, toVenuePosition } from './wire-convert.js';

export type ParsedMessage =
  | { kind: 'event'; event: VenueEvent; requestId: string | null }
  | { kind: 'heartbeat' }
  | { kind: 'error'; requestId: string | null; message: string }
  | { kind: 'unknown'; key: string }
  | { kind: 'malformed'; reason: string };

const MARKET_STATE_SET: ReadonlySet<string> = new Set(MARKET_STATES);
const SIDE_SET: ReadonlySet<string> = new Set(ORDER_SIDES);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function malformed(reason: string): ParsedMessage {
  return { kind: 'malformed', reason };
}

/** Amount { value, currency: 'USD' } → micros, or NaN. */
function amountMicros(v: unknown): number {
  if (typeof v !== 'object' || v === null) return NaN;
  const value = (v as Obj).value;
  const currency = (v as Obj).currency;
  if (typeof value !== 'string' || (currency !== undefined && currency !== 'USD')) return NaN;
  return fastMicros(value);
}

function optAmountMicros(v: unknown): number | null {
  return v === undefined || v === null ? null : amountMicros(v);
}

function time(v: unknown): number | null {
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? ms : NaN;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return null;
}

/**
 * Parses book levels into `out`; returns false on any malformed level. Enforces best-first order (sorting only
 * when the venue sent them out of order) and rejects duplicate prices.
 */
function parseLevels(raw: unknown, descending: boolean, out: BookLevel[]): boolean {
  if (!Array.isArray(raw)) return false;
  let sorted = true;
  let prev = descending ? Infinity : -Infinity;
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i];
    if (typeof l !== 'object' || l === null) return false;
    const price = amountMicros((l as Obj).px);
    const qty = fastInt((l as Obj).qty);
    if (!(price > 0 && price < 1_000_000) || !(qty >= 0)) return false;
    if (price === prev) return false;
    if (descending ? price > prev : price < prev) sorted = false;
    prev = price;
    out.push({ price, qty });
  }
  if (!sorted) {
    out.sort(descending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
    // Out-of-order levels can hide a duplicate price from the adjacent check above.
    for (let i = 1; i < out.length; i++) if ((out[i] as BookLevel).price === (out[i - 1] as BookLevel).price) return false;
  }
  return true;
}

/** The hot path: a whole book. `snapshot` is decided by the socket client (first book after a (re)subscription). */
export function parseMarketData(p: unknown, receivedAt: number): VenueEvent | string {
  if (!isObj(p)) return 'marketData is not an object';
  const marketSlug = p.marketSlug;
  if (typeof marketSlug !== 'string' || marketSlug.length === 0) return 'marketData.marketSlug missing';
  const state = p.state;
  if (typeof state !== 'string' || !MARKET_STATE_SET.has(state)) return 'marketData.state invalid';
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  if (!parseLevels(p.bids, true, bids)) return 'marketData.bids invalid';
  if (!parseLevels(p.offers, false, asks)) return 'marketData.offers invalid';
  const transactTime = time(p.transactTime);
  if (Number.isNaN(transactTime)) return 'marketData.transactTime invalid';
  return {
    type: 'book',
    marketSlug,
    bids,
    asks,
    state: state as VenueMarketState,
    transactTime,
    snapshot: false,
    receivedAt,
  };
}

function parseLite(p: unknown, receivedAt: number): VenueEvent | string {
  if (!isObj(p) || typeof p.marketSlug !== 'string' || p.marketSlug.length === 0) return 'marketDataLite invalid';
  const bestBid = optAmountMicros(p.bestBid);
  const bestAsk = optAmountMicros(p.bestAsk);
  const lastTradePx = optAmountMicros(p.lastTradePx);
  if (Number.isNaN(bestBid) || Number.isNaN(bestAsk) || Number.isNaN(lastTradePx)) return 'marketDataLite price invalid';
  return { type: 'bbo', marketSlug: p.marketSlug, bestBid, bestAsk, lastTradePx, receivedAt };
}

function parseTrade(p: unknown, receivedAt: number): VenueEvent | string {
  if (!isObj(p) || typeof p.marketSlug !== 'string' || p.marketSlug.length === 0) return 'trade invalid';
  const price = amountMicros(p.price);
  // quantity: a number, an integer string, or (as one SDK types it) an Amount-like object
  const q = p.quantity;
  const qty = isObj(q) ? fastInt(q.value) : fastInt(q);
  const tradeTime = time(p.tradeTime);
  const taker = p.taker;
  const takerSide = isObj(taker) ? taker.side : undefined;
  if (!(price > 0 && price < 1_000_000) || !(qty > 0)) return 'trade price/quantity invalid';
  if (tradeTime === null || Number.isNaN(tradeTime)) return 'trade.tradeTime invalid';
  if (typeof takerSide !== 'string' || !SIDE_SET.has(takerSide)) return 'trade.taker.side invalid';
  return { type: 'trade', marketSlug: p.marketSlug, price, qty, tradeTime, takerSide: takerSide as OrderSide, receivedAt };
}

function safe<T>(fn: () => T): T | string {
  try {
    return fn();
  } catch (err) {
    return err instanceof Error ? err.message : 'conversion failed';
  }
}

function parseOrdersSnapshot(p: unknown, receivedAt: number): VenueEvent | string {
  if (!isObj(p) || !Array.isArray(p.orders)) return 'orderSubscriptionSnapshot.orders missing';
  const parsed = OrderSchema.array().safeParse(p.orders);
  if (!parsed.success) return `order snapshot invalid: ${parsed.error.issues[0]?.path.join('.') ?? ''}`;
  return safe(() => ({ type: 'orders_snapshot', orders: parsed.data.map(toVenueOrder), receivedAt }) as VenueEvent);
}

function parseExecution(p: unknown, receivedAt: number): VenueEvent | string {
  if (!isObj(p)) return 'orderSubscriptionUpdate invalid';
  const parsed = ExecutionSchema.safeParse(p.execution);
  if (!parsed.success) return `execution invalid: ${parsed.error.issues[0]?.path.join('.') ?? ''}`;
  return safe(() => ({ type: 'execution', execution: toVenueExecution(parsed.data), receivedAt }) as VenueEvent);
}

function parsePositionsSnapshot(p: unknown, receivedAt: number): VenueEvent | string {
  if (!isObj(p) || !isObj(p.positions)) return 'positionSubscriptionSnapshot.positions missing';
  const out = [];
  for (const [slug, raw] of Object.entries(p.positions)) {
    const parsed = UserPositionSchema.safeParse(raw);
    if (!parsed.success) return `position ${slug.slice(0, 60)} invalid`;
    const pos = safe(() => toVenuePosition(slug, parsed.data));
    if (typeof pos === 'string') return pos;
    out.push(pos);
  }
  return { type: 'positions_snapshot', positions: out, receivedAt };
}

function parsePositionUpdate(p: unknown, receivedAt: number): VenueEvent | string {
  if (!isObj(p) || typeof p.marketSlug !== 'string' || p.marketSlug.length === 0) return 'position update invalid';
  const parsed = UserPositionSchema.safeParse(p.position);
  if (!parsed.success) return 'position update: position invalid';
  const slug = p.marketSlug;
  return safe(() => ({ type: 'position', position: toVenuePosition(slug, parsed.data), receivedAt }) as VenueEvent);
}

function parseBalance(p: unknown, receivedAt: number): VenueEvent | string {
  if (!isObj(p)) return 'balance invalid';
  // `{ balance, buyingPower }` (documented) or a balances-style `{ currentBalance, buyingPower }`,
  // possibly wrapped as `{ balances: [ … ] }`.
  let b: Obj = p;
  if (Array.isArray(p.balances)) {
    const first = p.balances.find((x) => isObj(x) && (x.currency === undefined || x.currency === 'USD'));
    if (!isObj(first)) return 'balance: no USD balance';
    b = first;
  }
  const bal = LooseMoneySchema.safeParse(b.balance ?? b.currentBalance);
  const bp = LooseMoneySchema.safeParse(b.buyingPower);
  if (!bal.success || !bp.success) return 'balance amounts invalid';
  return safe(
    () => ({ type: 'balance', balance: looseMoneyToMicros(bal.data), buyingPower: looseMoneyToMicros(bp.data), receivedAt }) as VenueEvent,
  );
}

type PayloadParser = (payload: unknown, receivedAt: number) => VenueEvent | string;

const PARSERS: Readonly<Record<string, PayloadParser>> = {
  marketData: parseMarketData,
  marketDataLite: parseLite,
  trade: parseTrade,
  orderSubscriptionSnapshot: parseOrdersSnapshot,
  orderSubscriptionUpdate: parseExecution,
  positionSubscriptionSnapshot: parsePositionsSnapshot,
  positionSubscriptionUpdate: parsePositionUpdate,
  positionUpdate: parsePositionUpdate,
  accountBalanceSubscriptionSnapshot: parseBalance,
  accountBalanceSubscriptionUpdate: parseBalance,
  accountBalanceUpdate: parseBalance,
  accountBalancesSnapshot: parseBalance,
};

const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['requestId', 'subscriptionType']);

/** Parses one text frame. Never throws. */
export function parseVenueMessage(text: string, receivedAt: number): ParsedMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return malformed('not JSON');
  }
  if (!isObj(msg)) return malformed('not an object');
  const requestId = typeof msg.requestId === 'string' ? msg.requestId : null;
  // Fast dispatch for the common case, then the general one.
  if (msg.marketData !== undefined) {
    const r = parseMarketData(msg.marketData, receivedAt);
    return typeof r === 'string' ? malformed(r) : { kind: 'event', event: r, requestId };
  }
  if (msg.heartbeat !== undefined) return { kind: 'heartbeat' };
  if (msg.error !== undefined) {
    const e = msg.error;
    const message = typeof e === 'string' ? e : isObj(e) && typeof e.message === 'string' ? e.message : JSON.stringify(e).slice(0, 200);
    return { kind: 'error', requestId, message: message.slice(0, 500) };
  }
  for (const key in msg) {
    if (ENVELOPE_KEYS.has(key)) continue;
    // Own keys only: `constructor`, `toString`, `__proto__`… would otherwise find Object.prototype's members.
    const parser = Object.hasOwn(PARSERS, key) ? PARSERS[key] : undefined;
    if (!parser) continue;
    const r = parser(msg[key], receivedAt);
    return typeof r === 'string' ? malformed(r) : { kind: 'event', event: r, requestId };
  }
  const key = Object.keys(msg).find((k) => !ENVELOPE_KEYS.has(k)) ?? '';
  return { kind: 'unknown', key: key.slice(0, 60) };
}
