/**
 * A trade of our account as the exchange's activity feed reports it (ACTIVITY_TYPE_TRADE), in engine units.
 * The activity is read leniently from its raw object: the venue's documented shape carries price, quantity,
 * aggressor flag and times (its trade id stands in for the execution id); the execution and order ids, intent
 * and fee are used when present (the simulator sends them). A trade without an order id is reported with its
 * figures (`UnattributedTrade`); anything unusable is reported, never guessed.
 */
import { parseQuantity, type Qty } from '../domain/quantity.js';
import type { Micros, PriceMicros } from '../domain/money.js';
import { parseMicros } from '../domain/money.js';
import { ORDER_INTENTS, type OrderIntent } from '../domain/venue-enums.js';
import type { VenueActivity } from '../domain/venue-models.js';

export const TRADE_ACTIVITY_TYPE = 'ACTIVITY_TYPE_TRADE';

export interface VenueTrade {
  executionId: string;
  orderId: string;
  marketSlug: string;
  /** Long-side price, micros. */
  price: PriceMicros;
  qty: Qty;
  /** Epoch ms. */
  time: number;
  /** True = we took liquidity; null when not reported. */
  aggressor: boolean | null;
  intent: OrderIntent | null;
  /** Signed fee (> 0 paid, < 0 rebate) when reported. */
  fee: Micros | null;
  /** The venue's trade id (`trade.id`), when the activity has one: the same id the trade's executions carry. */
  tradeId?: string | null;
}

/**
 * A trade the feed reports without the id of its order. The venue's contract has no order id on a trade
 * activity (docs/venue-rules.md, activities), so against the exchange this is the usual case: such a trade is
 * matched to an order by market, price, quantity and time by whoever reads it.
 */
export type UnattributedTrade = Omit<VenueTrade, 'orderId'>;

/**
 * `ok: false` with `unattributed` set: a usable trade that only lacks its order id (reason 'order id missing'),
 * so callers that need the order id skip it while a caller able to match it by its figures can use it.
 */
export type TradeParseResult = { ok: true; trade: VenueTrade } | { ok: false; reason: string; unattributed?: UnattributedTrade };

function record(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** `{ value: "0.55" }`, `"0.55"`; never a JSON number (a binary fraction is not a price). */
function money(v: unknown): Micros | null {
  const text = typeof v === 'string' ? v : typeof record(v)?.value === 'string' ? (record(v)?.value as string) : null;
  if (text === null) return null;
  try {
    return parseMicros(text);
  } catch {
    return null;
  }
}

/** A raw wire quantity (decimal string or number) in hundredths of a contract, finer rounded down; null if unusable. */
function rawQuantity(v: unknown): Qty | null {
  const p = parseQuantity(v, 'down');
  return p === null ? null : p.qty;
}

function intentOf(v: unknown): OrderIntent | null {
  return typeof v === 'string' && (ORDER_INTENTS as readonly string[]).includes(v) ? (v as OrderIntent) : null;
}

/** A trade activity → VenueTrade; other activity types and unusable trades → `ok: false` with the reason. */
export function parseTradeActivity(a: VenueActivity): TradeParseResult {
  if (a.type !== TRADE_ACTIVITY_TYPE) return { ok: false, reason: 'not a trade' };
  const raw = record(a.raw);
  const trade = record(raw?.trade);
  if (!trade) return { ok: false, reason: 'trade detail missing' };
  if (!a.executionId) return { ok: false, reason: 'execution id missing' };
  if (!a.marketSlug) return { ok: false, reason: 'market missing' };
  if (a.time === null) return { ok: false, reason: 'time missing' };
  const price = money(trade.price);
  if (price === null || price <= 0 || price >= 1_000_000) return { ok: false, reason: 'price missing or invalid' };
  // The client's exact read (qtyDecimal preferred, hundredths of a contract) when present; else the raw fields.
  const qty = a.trade?.qty ?? rawQuantity(trade.qtyDecimal ?? trade.qty);
  if (qty === null || !Number.isSafeInteger(qty) || qty <= 0) return { ok: false, reason: 'quantity missing or invalid' };
  const figures: UnattributedTrade = {
    executionId: a.executionId,
    marketSlug: a.marketSlug,
    price,
    qty,
    time: a.time,
    aggressor: typeof trade.isAggressor === 'boolean' ? trade.isAggressor : null,
    intent: intentOf(trade.intent),
    fee: trade.fee === undefined ? null : money(trade.fee),
  };
  if (typeof trade.id === 'string' && trade.id.length > 0) figures.tradeId = trade.id;
  if (!a.orderId) return { ok: false, reason: 'order id missing', unattributed: figures };
  return { ok: true, trade: { ...figures, orderId: a.orderId } };
}
