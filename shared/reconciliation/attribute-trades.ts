/**
 * Trades that name no order (the venue's trade activity carries no order id, docs/venue-rules.md) tied to the
 * orders that made them by their figures: market, a price within the order's limit, time, and quantity. Pure.
 * Used by the bot's rebuild; the ledger check (`unrecordedTrades`) matches a trade to its fill by the trade id
 * both carry, and by its figures only when one of them has none.
 */
import type { Fill, TrackedOrder } from '../domain/order.js';
import type { StoredOrder } from './drift.js';
import { buysLong } from './repair-builders.js';
import type { UnattributedTrade, VenueTrade } from './venue-trade.js';

/**
 * A trade this stored order could have made: same market, not before it was sent, within its limit (a buyer
 * of the long contract pays at most its limit, a seller gets at least it), as a maker if it was post-only, and
 * of its intent when the trade says.
 */
export function tradeFits(t: UnattributedTrade, stored: TrackedOrder, skewMs: number): boolean {
  const r = stored.request;
  if (t.marketSlug !== r.marketSlug || t.time < stored.createdAt - skewMs || t.qty > r.quantity) return false;
  if (t.intent !== null && t.intent !== r.intent) return false;
  if (r.postOnly && t.aggressor === true) return false;
  if (r.price === undefined) return true;
  return buysLong(r.intent) ? t.price <= r.price : t.price >= r.price;
}

/**
 * The trades the ledger does not hold. The ledger keys fills by the execution id of the order stream, which a
 * trade activity does not carry. A trade is held, exactly, when a ledger fill has its execution id or its trade
 * id (fills record the trade id their execution named). Otherwise, by its figures: a ledger fill of the same
 * market, price and quantity within `skewMs` of it (each fill accounts for one trade) — but never a fill whose
 * trade id is known and differs from the trade's: two different trade ids are two different trades.
 */
export function unrecordedTrades(trades: readonly UnattributedTrade[], ledger: readonly Fill[], skewMs: number): UnattributedTrade[] {
  const byId = new Set(ledger.map((f) => f.executionId));
  const byTradeId = new Set<string>();
  for (const f of ledger) if (f.tradeId) byTradeId.add(f.tradeId);
  const listed = new Set<string>();
  for (const t of trades) {
    listed.add(t.executionId);
    if (t.tradeId) listed.add(t.tradeId);
  }
  const key = (x: { marketSlug: string; price: number; qty: number }): string => `${x.marketSlug}|${x.price}|${x.qty}`;
  const free = new Map<string, Fill[]>();
  for (const f of ledger) {
    if (listed.has(f.executionId) || (f.tradeId && listed.has(f.tradeId))) continue;
    const list = free.get(key(f)) ?? [];
    list.push(f);
    free.set(key(f), list);
  }
  const out: UnattributedTrade[] = [];
  for (const t of trades) {
    if (byId.has(t.executionId) || (t.tradeId && byTradeId.has(t.tradeId))) continue;
    const list = free.get(key(t)) ?? [];
    const i = list.findIndex((f) => Math.abs(f.time - t.time) <= skewMs && !(t.tradeId && f.tradeId));
    if (i >= 0) list.splice(i, 1);
    else out.push(t);
  }
  return out;
}

/**
 * Attributes each trade to the one stored order (with a venue id) that could have made it and still has room
 * for it (its quantity less the ledger's fills of it and the trades attributed before, oldest trade first).
 * A trade that fits no order, or several, stays unattributed: guessing between two orders would put a fill
 * on the wrong one.
 */
export function attributeTrades(
  trades: readonly UnattributedTrade[],
  orders: readonly StoredOrder[],
  ledger: readonly Fill[],
  skewMs: number,
): { attributed: VenueTrade[]; left: UnattributedTrade[] } {
  const room = new Map<string, number>();
  for (const s of orders) if (s.order.orderId !== null) room.set(s.order.orderId, s.order.request.quantity);
  for (const f of ledger) if (room.has(f.orderId)) room.set(f.orderId, (room.get(f.orderId) ?? 0) - f.qty);
  const attributed: VenueTrade[] = [];
  const left: UnattributedTrade[] = [];
  for (const t of [...trades].sort((a, b) => a.time - b.time || a.executionId.localeCompare(b.executionId))) {
    const fits = orders.filter((s) => s.order.orderId !== null && tradeFits(t, s.order, skewMs) && (room.get(s.order.orderId) ?? 0) >= t.qty);
    const ids = [...new Set(fits.map((s) => s.order.orderId as string))];
    if (ids.length !== 1) {
      left.push(t);
      continue;
    }
    const orderId = ids[0]!;
    room.set(orderId, (room.get(orderId) ?? 0) - t.qty);
    attributed.push({ ...t, orderId });
  }
  return { attributed, left };
}
