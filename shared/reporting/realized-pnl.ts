/**
 * Realized PnL of fills, replayed per market on an average-cost basis, exactly as the exchange's ledger
 * books it: a fill first closes the opposite position (releasing its cost pro rata, rounded down, exactly)
 * and realizes proceeds − released cost, then opens or extends its own side at the side's price (long: p,
 * short: 1 − p). Fees are kept apart (not in realized). All integer micros; quantities in hundredths of a
 * contract, money of a quantity exact at a tick price (off a tick: proceeds down, costs up).
 */
import { qtyTimesMicros, type Qty } from '../domain/quantity.js';
import { ONE_DOLLAR, type Micros } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import type { OrderIntent } from '../domain/venue-enums.js';

export function buysLongIntent(intent: OrderIntent): boolean {
  return intent === 'ORDER_INTENT_BUY_LONG' || intent === 'ORDER_INTENT_SELL_SHORT';
}

export interface MarketBook {
  /** Signed: > 0 long, < 0 short. */
  net: Qty;
  /** Cost basis of the open quantity, in the held side's terms. */
  cost: Micros;
  realized: Micros;
}

export function emptyBook(): MarketBook {
  return { net: 0, cost: 0, realized: 0 };
}

function proRata(cost: Micros, part: number, whole: number): Micros {
  return Number((BigInt(cost) * BigInt(part)) / BigInt(whole));
}

/** Applies one fill to a market's book; returns the PnL it realized. */
export function applyFill(book: MarketBook, fill: Pick<Fill, 'intent' | 'price' | 'qty'>): Micros {
  const buying = buysLongIntent(fill.intent);
  const p = fill.price;
  let remaining = fill.qty;
  let realized = 0;
  // Close the opposite side first.
  const opposite = buying ? Math.max(0, -book.net) : Math.max(0, book.net);
  if (opposite > 0) {
    const closed = Math.min(opposite, remaining);
    const released = closed === opposite ? book.cost : proRata(book.cost, closed, opposite);
    // Closing a short buys long back at p: proceeds 1 − p each; closing a long sells at p.
    const proceeds = qtyTimesMicros(closed, buying ? ONE_DOLLAR - p : p, 'down');
    book.cost -= released;
    realized += proceeds - released;
    book.net += buying ? closed : -closed;
    remaining -= closed;
  }
  if (remaining > 0) {
    book.cost += qtyTimesMicros(remaining, buying ? p : ONE_DOLLAR - p, 'up');
    book.net += buying ? remaining : -remaining;
  }
  book.realized += realized;
  return realized;
}
