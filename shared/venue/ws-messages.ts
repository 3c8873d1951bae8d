/**
 * Parsing of the exchange's WebSocket frames (docs/venue-rules.md, "WebSockets") into VenueEvents.
 *
 * Today's frame keys and the legacy aliases the venue's SDK still accepts are both read:
 * | today                                  | legacy aliases                                              |
 * |----------------------------------------|-------------------------------------------------------------|
 * | orderSubscriptionSnapshot              | ordersSnapshot                                              |
 * | orderSubscriptionUpdate                | orderUpdate                                                 |
 * | positionSubscriptionSnapshot           | positionsSnapshot                                           |
 * | positionSubscription {before/after}    | positionSubscriptionUpdate, positionUpdate {marketSlug, position} |
 * | accountBalancesSnapshot {balances[]}   | accountBalanceSubscriptionSnapshot {balance, buyingPower}   |
 * | accountBalancesUpdate {balanceChange}  | accountBalanceSubscriptionUpdate, accountBalanceUpdate      |
 *
 * The book path (`marketData`) is the hot path: a plain book frame is read straight from the text by
 * book-frame-scanner.ts (no JSON.parse); any other shape goes through the native JSON.parse, after which the
 * structure is checked by hand and prices/quantities go through fast-decimal.ts (a decimal quantity falls
 * back to parseQuantity). The
 * rarer private frames reuse the REST zod schemas and converters. Enum values go through WireDrift: an
 * unknown one is counted and the frame handled conservatively (an unknown book state → UNRECOGNISED, never
 * quoted; an unknown order state or execution type → a stand-in the order tracker does not act on; a trade
 * print with an unknown taker side → skipped). Nothing here throws on bad input: a malformed frame comes back
 * as { kind: 'malformed', reason }.
 */
import type { BookLevel } from '../domain/market.js';
import { parseQuantity, QTY_SCALE, type Qty } from '../domain/quantity.js';
import { ORDER_SIDES } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { VenuePosition } from '../domain/venue-models.js';
import { scanBookFrame } from './book-frame-scanner.js';
import { fastInt, fastMicros } from './fast-decimal.js';
import { BalanceSchema, ExecutionSchema, LooseMoneySchema, OrderSchema, UserPositionSchema } from './wire-schemas.js';
import {
  flatPosition,
  looseMoneyToMicros,
  readMarketState,
  timestampMs,
  toVenueBalance,
  toVenueExecution,
  toVenueOrder,
  toVenuePosition,
} from './wire-convert.js';
import { WireDrift } from './wire-drift.js';

export type ParsedMessage =
  /** `eof` is set on snapshot frames: false = more chunks of the same snapshot follow. */
  | { kind: 'event'; event: VenueEvent; requestId: string | null; eof?: boolean }
  | { kind: 'heartbeat' }
  | { kind: 'error'; requestId: string | null; message: string }
  /** A known frame deliberately not turned into an event (e.g. an unknown enum made it unusable; RFQ frames). */
  | { kind: 'skipped'; key: string; reason: string }
  | { kind: 'unknown'; key: string }
  | { kind: 'malformed'; reason: string };

type Obj = Record<string, unknown>;
type Result = VenueEvent | string | { skipped: string } | { event: VenueEvent; eof: boolean };
type PayloadParser = (payload: unknown, receivedAt: number, drift: WireDrift) => Result;

const SILENT = new WireDrift();

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
 * A book level's quantity in hundredths of a contract: whole contracts on the fast path, decimals through
 * parseQuantity (finer than 0.01 rounded up, see wire-convert.ts), NaN if bad.
 */
function levelQty(raw: unknown, drift: WireDrift): Qty {
  const fast = fastInt(raw) * QTY_SCALE;
  if (Number.isSafeInteger(fast)) return fast;
  const p = parseQuantity(raw, 'up');
  if (!p) return NaN;
  if (p.rounded) drift.rounded('book.qty', p.exact, p.qty);
  return p.qty;
}

/**
 * Parses book levels into `out`; returns false on any malformed level. Enforces best-first order (sorting only
 * when the venue sent them out of order) and rejects duplicate prices.
 */
function parseLevels(raw: unknown, descending: boolean, out: BookLevel[], drift: WireDrift): boolean {
  if (!Array.isArray(raw)) return false;
  let sorted = true;
  let prev = descending ? Infinity : -Infinity;
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i];
    if (typeof l !== 'object' || l === null) return false;
    const price = amountMicros((l as Obj).px);
    const qty = levelQty((l as Obj).qty, drift);
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
export function parseMarketData(p: unknown, receivedAt: number, drift: WireDrift = SILENT): VenueEvent | string {
  if (!isObj(p)) return 'marketData is not an object';
  const marketSlug = p.marketSlug;
  if (typeof marketSlug !== 'string' || marketSlug.length === 0) return 'marketData.marketSlug missing';
  const rawState = p.state;
  if (rawState !== undefined && typeof rawState !== 'string') return 'marketData.state invalid';
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  if (!parseLevels(p.bids, true, bids, drift)) return 'marketData.bids invalid';
  if (!parseLevels(p.offers, false, asks, drift)) return 'marketData.offers invalid';
  const transactTime = time(p.transactTime);
  if (Number.isNaN(transactTime)) return 'marketData.transactTime invalid';
  return {
    type: 'book',
    marketSlug,
    bids,
    asks,
    state: readMarketState(rawState, drift),
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

function parseTrade(p: unknown, receivedAt: number, drift: WireDrift): Result {
  if (!isObj(p) || typeof p.marketSlug !== 'string' || p.marketSlug.length === 0) return 'trade invalid';
  const price = amountMicros(p.price);
  // quantity: an Amount-like { value } (today), a number or a decimal string (older shapes). Finer than 0.01 rounded down.
  const q = parseQuantity(p.quantity, 'down');
  const tradeTime = time(p.tradeTime);
  const taker = p.taker;
  const rawSide = isObj(taker) ? taker.side : undefined;
  if (!(price > 0 && price < 1_000_000) || q === null || q.qty < 0 || (q.qty === 0 && !q.rounded)) return 'trade price/quantity invalid';
  if (tradeTime === null || Number.isNaN(tradeTime)) return 'trade.tradeTime invalid';
  if (typeof rawSide !== 'string') return 'trade.taker.side invalid';
  const takerSide = drift.readEnum('trade.taker.side', ORDER_SIDES, rawSide);
  if (!takerSide) return { skipped: 'trade.taker.side not recognised' };
  if (q.rounded) drift.rounded('trade.quantity', q.exact, q.qty);
  return { type: 'trade', marketSlug: p.marketSlug, price, qty: q.qty, qtyExact: q.exact, tradeTime, takerSide, receivedAt };
}

function safe(fn: () => Result): Result {
  try {
    return fn();
  } catch (err) {
    return err instanceof Error ? err.message.slice(0, 200) : 'conversion failed';
  }
}

function eofOf(p: Obj): boolean {
  // Absent = one-frame snapshot (older shapes never chunked).
  return p.eof !== false;
}

function parseOrdersSnapshot(p: unknown, receivedAt: number, drift: WireDrift): Result {
  if (!isObj(p)) return 'orders snapshot invalid';
  const orders = p.orders ?? [];
  if (!Array.isArray(orders)) return 'orders snapshot: orders missing';
  const parsed = OrderSchema.array().safeParse(orders);
  if (!parsed.success) return `order snapshot invalid: ${parsed.error.issues[0]?.path.join('.') ?? ''}`;
  return safe(() => ({
    event: { type: 'orders_snapshot', orders: parsed.data.map((o) => toVenueOrder(o, drift)), receivedAt },
    eof: eofOf(p),
  }));
}

function parseExecution(p: unknown, receivedAt: number, drift: WireDrift): Result {
  if (!isObj(p)) return 'order update invalid';
  const parsed = ExecutionSchema.safeParse(p.execution);
  if (!parsed.success) return `execution invalid: ${parsed.error.issues[0]?.path.join('.') ?? ''}`;
  return safe(() => ({ type: 'execution', execution: toVenueExecution(parsed.data, drift), receivedAt }));
}

function parsePositionsSnapshot(p: unknown, receivedAt: number, drift: WireDrift): Result {
  if (!isObj(p)) return 'positions snapshot invalid';
  const positions = p.positions ?? {};
  if (!isObj(positions)) return 'positions snapshot: positions missing';
  const out: VenuePosition[] = [];
  for (const [slug, raw] of Object.entries(positions)) {
    const parsed = UserPositionSchema.safeParse(raw);
    if (!parsed.success) return `position ${slug.slice(0, 60)} invalid`;
    const pos = safe(() => ({ type: 'position', position: toVenuePosition(slug, parsed.data, drift), receivedAt }));
    if (typeof pos === 'string') return pos;
    out.push((pos as Extract<VenueEvent, { type: 'position' }>).position);
  }
  return { event: { type: 'positions_snapshot', positions: out, receivedAt }, eof: eofOf(p) };
}

/** Legacy `{ marketSlug, position }`. */
function parseLegacyPositionUpdate(p: unknown, receivedAt: number, drift: WireDrift): Result {
  if (!isObj(p) || typeof p.marketSlug !== 'string' || p.marketSlug.length === 0) return 'position update invalid';
  const parsed = UserPositionSchema.safeParse(p.position);
  if (!parsed.success) return 'position update: position invalid';
  const slug = p.marketSlug;
  return safe(() => ({ type: 'position', position: toVenuePosition(slug, parsed.data, drift), receivedAt }));
}

function slugOf(v: unknown): string | null {
  if (!isObj(v) || !isObj(v.marketMetadata)) return null;
  const s = v.marketMetadata.slug;
  return typeof s === 'string' && s.length > 0 ? s : null;
}

/**
 * Today's `positionSubscription { beforePosition, afterPosition, updateTime, tradeId, … }`: no top-level slug,
 * the market is the position's `marketMetadata.slug` (after, else before). afterPosition null = the position
 * is gone (flat). Without any slug the change cannot be attributed: skipped (the positions are then
 * reconciled over REST like after any gap).
 */
function parsePositionChange(p: unknown, receivedAt: number, drift: WireDrift): Result {
  if (!isObj(p)) return 'positionSubscription invalid';
  const slug = slugOf(p.afterPosition) ?? slugOf(p.beforePosition) ?? (typeof p.marketSlug === 'string' && p.marketSlug.length > 0 ? p.marketSlug : null);
  if (!slug) return { skipped: 'position change without a market slug' };
  if (p.afterPosition == null && p.beforePosition == null) return 'positionSubscription: no position';
  return safe(() => {
    const before = p.beforePosition == null ? null : toVenuePosition(slug, UserPositionSchema.parse(p.beforePosition), drift);
    const updateTime = timestampMs(typeof p.updateTime === 'string' || typeof p.updateTime === 'number' ? p.updateTime : null);
    const after = p.afterPosition == null ? flatPosition(slug, before, updateTime) : toVenuePosition(slug, UserPositionSchema.parse(p.afterPosition), drift);
    const tradeId = typeof p.tradeId === 'string' && p.tradeId.length > 0 ? p.tradeId : null;
    return { type: 'position', position: after, before, tradeId, receivedAt };
  });
}

function balanceEvent(b: Obj, receivedAt: number): Result {
  const bal = LooseMoneySchema.safeParse(b.balance ?? b.currentBalance);
  const bp = LooseMoneySchema.safeParse(b.buyingPower);
  if (!bal.success || !bp.success) return 'balance amounts invalid';
  return safe(() => ({ type: 'balance', balance: looseMoneyToMicros(bal.data), buyingPower: looseMoneyToMicros(bp.data), receivedAt }));
}

/** `{ balances: UserBalance[] }` (today's snapshot), or a single balance object (legacy frames). */
function parseBalance(p: unknown, receivedAt: number): Result {
  if (!isObj(p)) return 'balance invalid';
  if (Array.isArray(p.balances)) {
    const first = p.balances.find((x) => isObj(x) && (x.currency === undefined || x.currency === 'USD'));
    if (!isObj(first)) return 'balance: no USD balance';
    const parsed = BalanceSchema.safeParse(first);
    if (!parsed.success) return 'balance amounts invalid';
    return safe(() => {
      const b = toVenueBalance(parsed.data);
      return { type: 'balance', balance: b.currentBalance, buyingPower: b.buyingPower, receivedAt };
    });
  }
  return balanceEvent(p, receivedAt);
}

/** Today's `accountBalancesUpdate { balanceChange: { beforeBalance, afterBalance, … } }`: the balance after. */
function parseBalanceChange(p: unknown, receivedAt: number): Result {
  if (!isObj(p)) return 'accountBalancesUpdate invalid';
  const change = p.balanceChange;
  if (!isObj(change)) return parseBalance(p, receivedAt); // an older body under the new key
  if (change.afterBalance == null) return { skipped: 'balance change without afterBalance' };
  if (!isObj(change.afterBalance)) return 'balanceChange.afterBalance invalid';
  return balanceEvent(change.afterBalance, receivedAt);
}

const PARSERS: Readonly<Record<string, PayloadParser>> = {
  marketData: parseMarketData,
  marketDataLite: parseLite,
  trade: parseTrade,
  orderSubscriptionSnapshot: parseOrdersSnapshot,
  ordersSnapshot: parseOrdersSnapshot,
  orderSubscriptionUpdate: parseExecution,
  orderUpdate: parseExecution,
  positionSubscriptionSnapshot: parsePositionsSnapshot,
  positionsSnapshot: parsePositionsSnapshot,
  positionSubscription: parsePositionChange,
  positionSubscriptionUpdate: parseLegacyPositionUpdate,
  positionUpdate: parseLegacyPositionUpdate,
  accountBalancesSnapshot: parseBalance,
  accountBalancesUpdate: parseBalanceChange,
  accountBalanceSubscriptionSnapshot: parseBalance,
  accountBalanceSubscriptionUpdate: parseBalance,
  accountBalanceUpdate: parseBalance,
};

/** Frames the venue documents that this client does not use (RFQ beta). */
const IGNORED_KEYS: ReadonlySet<string> = new Set(['rfqEvent']);
const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['requestId', 'subscriptionType', 'error']);

function errorMessage(e: unknown): string {
  const message = typeof e === 'string' ? e : isObj(e) && typeof e.message === 'string' ? e.message : (JSON.stringify(e) ?? '').slice(0, 200);
  return message.slice(0, 500);
}

function toParsed(key: string, r: Result, requestId: string | null): ParsedMessage {
  if (typeof r === 'string') return malformed(r);
  if ('skipped' in r) return { kind: 'skipped', key, reason: r.skipped };
  if ('event' in r && 'eof' in r) return { kind: 'event', event: r.event, requestId, eof: r.eof };
  return { kind: 'event', event: r as VenueEvent, requestId };
}

/**
 * Parses one text frame. Never throws. `drift` receives unknown enum values and rounded quantities (the
 * socket client passes its own; a silent one otherwise).
 */
export function parseVenueMessage(text: string, receivedAt: number, drift: WireDrift = SILENT): ParsedMessage {
  // The book frame, read from the text without JSON.parse when it has the plain shape (book-frame-scanner.ts).
  const book = scanBookFrame(text, receivedAt, drift);
  if (book) return book;
  return parseVenueMessageInFull(text, receivedAt, drift);
}

/** `parseVenueMessage` without the book scanner: JSON.parse, then the frame's parser (the reference). */
export function parseVenueMessageInFull(text: string, receivedAt: number, drift: WireDrift = SILENT): ParsedMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return malformed('not JSON');
  }
  if (!isObj(msg)) return malformed('not an object');
  const requestId = typeof msg.requestId === 'string' ? msg.requestId : null;
  // An `error` may ride on a data frame: non-empty = the request failed (e.g. a snapshot cut short by
  // "deadline exceeded"), empty = no error.
  if (msg.error !== undefined && msg.error !== null && msg.error !== '') {
    return { kind: 'error', requestId, message: errorMessage(msg.error) };
  }
  // Fast dispatch for the common case, then the general one.
  if (msg.marketData !== undefined) {
    const r = parseMarketData(msg.marketData, receivedAt, drift);
    return typeof r === 'string' ? malformed(r) : { kind: 'event', event: r, requestId };
  }
  if (msg.heartbeat !== undefined) return { kind: 'heartbeat' };
  for (const key in msg) {
    if (ENVELOPE_KEYS.has(key)) continue;
    // Own keys only: `constructor`, `toString`, `__proto__`… would otherwise find Object.prototype's members.
    const parser = Object.hasOwn(PARSERS, key) ? PARSERS[key] : undefined;
    if (!parser) {
      if (IGNORED_KEYS.has(key)) return { kind: 'skipped', key, reason: 'not used by this client' };
      continue;
    }
    return toParsed(key, parser(msg[key], receivedAt, drift), requestId);
  }
  const key = Object.keys(msg).find((k) => !ENVELOPE_KEYS.has(k)) ?? '';
  return { kind: 'unknown', key: key.slice(0, 60) };
}
