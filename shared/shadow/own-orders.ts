/**
 * The public book without our own live orders in it. In shadow mode the paper twin of a live order must not
 * queue behind that live order itself (it stands in the same place), so the paper exchanges beside the live
 * account see each book level less the live account's resting size at that price (never below zero). Trade
 * prints are left as they are: a print that filled our live order would have reached its twin at the same
 * place in the queue.
 */
import type { BookLevel } from '../domain/market.js';
import type { PriceMicros } from '../domain/money.js';
import type { Qty } from '../domain/quantity.js';
import type { VenueEvent } from '../domain/venue-events.js';

export interface OwnRestingOrder {
  buysLong: boolean;
  price: PriceMicros;
  /** What is still resting (leaves), hundredths of a contract. */
  qty: Qty;
}

/** `levels` less `own` (summed per price); empty levels are dropped; the order of levels is kept. */
export function levelsWithout(levels: readonly BookLevel[], own: ReadonlyMap<number, number>): BookLevel[] {
  if (own.size === 0) return levels as BookLevel[];
  const out: BookLevel[] = [];
  for (const l of levels) {
    const mine = own.get(l.price) ?? 0;
    const qty = l.qty - Math.min(mine, l.qty);
    if (qty > 0) out.push(mine > 0 ? { price: l.price, qty } : l);
  }
  return out;
}

/** A book event with the live account's resting orders taken out; any other event unchanged. */
export function withoutOwnOrders(ev: VenueEvent, own: readonly OwnRestingOrder[]): VenueEvent {
  if (ev.type !== 'book' || own.length === 0) return ev;
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (const o of own) {
    if (o.qty <= 0) continue;
    const m = o.buysLong ? bids : asks;
    m.set(o.price, (m.get(o.price) ?? 0) + o.qty);
  }
  return { ...ev, bids: levelsWithout(ev.bids, bids), asks: levelsWithout(ev.asks, asks) };
}
