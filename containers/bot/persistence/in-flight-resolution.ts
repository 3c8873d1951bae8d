/**
 * What became of the orders the previous run was sending when it stopped (stored without a venue id: the
 * create's answer never came back, or never reached the store). Pure: the rebuild gathers what the exchange
 * offers and applies the outcome.
 *
 * The venue has no history of orders (no order activity, docs/venue-rules.md): an order that left the
 * exchange's book shows only through its trades. So an in-flight order is, oldest first:
 *  - claimed: an exchange order that no record claims (open now, or fetched by the id a trade named) has its
 *    market, intent, quantity and price and was created after it — it takes that venue id;
 *  - traded: trades that name no order (the venue's trade activity carries none) fit it — same market, a
 *    price its limit allows, created after it, no more contracts than it asked for — so it was placed and
 *    filled (in full, or the rest was cancelled: it is not open). Its venue id stays unknown;
 *  - never placed: nothing fits. Either the create never reached the exchange, or the exchange rejected or
 *    cancelled it without a fill. Both leave the account as it was (no position, no cash, nothing working),
 *    and the exchange decided its fate within the create's ambiguity window (a resting order would be open, a
 *    filled one would have traded), so closing the record cannot hide anything that still acts.
 */
import { divRoundHalfEven } from '../../../shared/domain/money.js';
import type { TrackedOrder } from '../../../shared/domain/order.js';
import type { VenueOrder } from '../../../shared/domain/venue-models.js';
import type { StoredOrder } from '../../../shared/reconciliation/drift.js';
import { orderUpdatedFromVenue } from '../../../shared/reconciliation/repair-builders.js';
import { tradeFits } from '../../../shared/reconciliation/attribute-trades.js';
import type { UnattributedTrade } from '../../../shared/reconciliation/venue-trade.js';

export type InFlightOutcome =
  | { kind: 'claimed'; stored: StoredOrder; venue: VenueOrder }
  | { kind: 'traded'; stored: StoredOrder; trades: UnattributedTrade[] }
  | { kind: 'never_placed'; stored: StoredOrder };

export interface InFlightInput {
  /** Stored orders without a venue id. */
  inFlight: readonly StoredOrder[];
  /** Exchange orders of the account that no record claims (open ones, and ones fetched by a trade's order id). */
  candidates: readonly VenueOrder[];
  /** Trades that name no order and that the ledger does not hold (see `unrecordedTrades`). */
  unattributed: readonly UnattributedTrade[];
  /** How much earlier than the stored order an exchange order or trade may be stamped (clocks differ). */
  skewMs: number;
}

/** One outcome per in-flight order; each candidate and each trade serves at most one order. */
export function resolveInFlight(input: InFlightInput): InFlightOutcome[] {
  const candidates = [...input.candidates].sort((a, b) => (a.createTime ?? 0) - (b.createTime ?? 0) || a.id.localeCompare(b.id));
  const trades = [...input.unattributed].sort((a, b) => a.time - b.time || a.executionId.localeCompare(b.executionId));
  const usedOrders = new Set<string>();
  const usedTrades = new Set<string>();
  const out: InFlightOutcome[] = [];
  const oldestFirst = [...input.inFlight].sort((a, b) => a.order.createdAt - b.order.createdAt || a.order.localId.localeCompare(b.order.localId));
  for (const stored of oldestFirst) {
    const venue = candidates.find((v) => !usedOrders.has(v.id) && matchesRequest(v, stored.order, input.skewMs));
    if (venue) {
      usedOrders.add(venue.id);
      out.push({ kind: 'claimed', stored, venue });
      continue;
    }
    const taken: UnattributedTrade[] = [];
    let qty = 0;
    for (const t of trades) {
      if (usedTrades.has(t.executionId) || !tradeFits(t, stored.order, input.skewMs) || qty + t.qty > stored.order.request.quantity) continue;
      taken.push(t);
      qty += t.qty;
    }
    if (taken.length > 0) {
      for (const t of taken) usedTrades.add(t.executionId);
      out.push({ kind: 'traded', stored, trades: taken });
    } else {
      out.push({ kind: 'never_placed', stored });
    }
  }
  return out;
}

/** The stored order as the outcome shows it (its venue id set when claimed). */
export function recordOfOutcome(outcome: InFlightOutcome, now: number): TrackedOrder {
  const order = outcome.stored.order;
  switch (outcome.kind) {
    case 'claimed':
      return orderUpdatedFromVenue({ ...order, orderId: outcome.venue.id }, outcome.venue, now);
    case 'traded': {
      const qty = outcome.trades.reduce((a, t) => a + t.qty, 0);
      const notional = outcome.trades.reduce((a, t) => a + BigInt(t.price) * BigInt(t.qty), 0n);
      return {
        ...order,
        // Not open at the exchange (it would have been claimed), so a partly filled one had its rest cancelled.
        status: qty >= order.request.quantity ? 'FILLED' : 'CANCELLED',
        filledQty: qty,
        avgPrice: Number(divRoundHalfEven(notional, BigInt(qty))),
        updatedAt: now,
      };
    }
    case 'never_placed':
      return { ...order, status: 'REJECTED', rejectReason: 'not found at the exchange after a restart', updatedAt: now };
  }
}

/** An exchange order that is this stored request: same market, intent, quantity, limit, created after it. */
export function matchesRequest(v: VenueOrder, stored: TrackedOrder, skewMs: number): boolean {
  const r = stored.request;
  return (
    v.marketSlug === r.marketSlug &&
    v.intent === r.intent &&
    v.quantity === r.quantity &&
    (r.price === undefined || v.price === r.price) &&
    (v.createTime === null || v.createTime >= stored.createdAt - skewMs)
  );
}
