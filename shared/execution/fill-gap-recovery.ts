/**
 * Fill-gap recovery, the pure part: the exchange's trade activities (GET /v1/portfolio/activities) → the
 * executions of OUR tracked orders that the order tracker has not applied yet (lost while the private socket
 * was down, or in a dropped message). The caller (containers/bot/fill-gap-watcher.ts) fetches the activities
 * and applies the result with `OrderTracker.applyExecution`, which books them exactly like a socket fill
 * (fills ledger, day's PnL, breaker) and is idempotent by execution id and by (order, trade id): a fill that
 * also arrives on the socket later is counted once.
 *
 * Each recovered execution carries the activity's real execution id, trade id, time, long-side price and
 * quantity. The fee is the activity's signed fee when it sends one (the simulator and, per the client's
 * schema, the exchange do); otherwise `commissionNotionalCollected` is left null and the tracker computes it
 * from its fee schedule and the liquidity flag (taker fee when we were the aggressor, maker rebate when not).
 * When the activity does not say who was the aggressor, a post-only order is a maker; anything else is
 * treated as a taker (the fee, the conservative side for PnL).
 *
 * Orders are looked up in the tracker: trades of orders it does not know (placed elsewhere, pruned) and of
 * orders it adopted (their fills before adoption are deliberately not tracked; the reconciler owns them)
 * are left out and counted. A trade whose intent contradicts the tracked order's is refused (never guessed).
 * The order snapshot inside each execution has the order's cumulative quantity as of that trade (a running
 * sum over the trades of the order seen, oldest first), so a restored order's `restoredCum` guard still
 * skips fills it was restored with; if older trades of the order are outside the window the sum is low and
 * the guard errs on not booking, never on booking twice.
 */
import type { Qty } from '../domain/quantity.js';
import { INTENT_EFFECT } from '../domain/venue-enums.js';
import type { VenueActivity, VenueExecution, VenueOrder } from '../domain/venue-models.js';
import { parseTradeActivity, type VenueTrade } from '../reconciliation/venue-trade.js';
import type { OrderView } from './order-tracker.js';

/** What recovery needs of the tracker (OrderTracker satisfies it). */
export interface RecoveryOrderSource {
  getByOrderId(orderId: string): OrderView | undefined;
  hasExecution(executionId: string, orderId?: string, tradeId?: string | null): boolean;
}

export type RecoverySkipReason = 'not_trade' | 'unparsable' | 'unknown_order' | 'adopted_order' | 'already_applied' | 'intent_mismatch' | 'filtered_out';

export interface RecoveryPlan {
  /** Executions to apply, oldest first. */
  executions: VenueExecution[];
  /** Activities left out, by reason. */
  skipped: Record<RecoverySkipReason, number>;
  /** Why unusable trade activities were refused (a few, for the log). */
  problems: string[];
}

export interface RecoveryFilter {
  /** Only trades of this market. */
  marketSlug?: string;
  /** Only trades of these venue order ids. */
  orderIds?: ReadonlySet<string>;
}

const RECOVERED_TEXT = 'recovered from trade activities';

/**
 * The trade activities of tracked orders whose executions are missing, as venue executions ready for the
 * tracker. `activities` may be in any order and overlap (a trade listed twice is taken once).
 */
export function planFillRecovery(activities: readonly VenueActivity[], orders: RecoveryOrderSource, filter: RecoveryFilter = {}): RecoveryPlan {
  const skipped: Record<RecoverySkipReason, number> = {
    not_trade: 0,
    unparsable: 0,
    unknown_order: 0,
    adopted_order: 0,
    already_applied: 0,
    intent_mismatch: 0,
    filtered_out: 0,
  };
  const problems: string[] = [];
  // Trades of known orders, grouped by order, each once (by execution id).
  const byOrder = new Map<string, { order: OrderView; trades: { trade: VenueTrade; tradeId: string | null; seq: number }[] }>();
  const seen = new Set<string>();
  activities.forEach((a, seq) => {
    const parsed = parseTradeActivity(a);
    if (!parsed.ok) {
      if (parsed.reason === 'not a trade') skipped.not_trade++;
      else {
        skipped.unparsable++;
        if (problems.length < 5) problems.push(`${a.executionId ?? a.orderId ?? '?'}: ${parsed.reason}`);
      }
      return;
    }
    const t = parsed.trade;
    if (seen.has(t.executionId)) return;
    seen.add(t.executionId);
    if ((filter.marketSlug !== undefined && t.marketSlug !== filter.marketSlug) || (filter.orderIds && !filter.orderIds.has(t.orderId))) {
      skipped.filtered_out++;
      return;
    }
    const order = orders.getByOrderId(t.orderId);
    if (!order) {
      skipped.unknown_order++;
      return;
    }
    if (order.origin === 'adopted') {
      skipped.adopted_order++;
      return;
    }
    if (t.marketSlug !== order.request.marketSlug || (t.intent !== null && t.intent !== order.request.intent)) {
      skipped.intent_mismatch++;
      if (problems.length < 5) problems.push(`${t.executionId}: trade (${t.marketSlug}, ${t.intent}) does not match order ${t.orderId} (${order.request.marketSlug}, ${order.request.intent})`);
      return;
    }
    let group = byOrder.get(t.orderId);
    if (!group) byOrder.set(t.orderId, (group = { order, trades: [] }));
    group.trades.push({ trade: t, tradeId: tradeIdOf(a), seq });
  });

  const out: VenueExecution[] = [];
  for (const { order, trades } of byOrder.values()) {
    // Oldest first; the same time keeps the listing's order, read oldest first (a descending listing reversed).
    const descending = trades.length > 1 && trades[0]!.trade.time > trades[trades.length - 1]!.trade.time;
    trades.sort((a, b) => a.trade.time - b.trade.time || (descending ? b.seq - a.seq : a.seq - b.seq));
    let cum = 0;
    for (const { trade, tradeId } of trades) {
      cum += trade.qty;
      if (orders.hasExecution(trade.executionId, trade.orderId, tradeId)) {
        skipped.already_applied++;
        continue;
      }
      out.push(toExecution(order, trade, tradeId, cum));
    }
  }
  out.sort((a, b) => (a.transactTime ?? 0) - (b.transactTime ?? 0));
  return { executions: out, skipped, problems };
}

/** One recovered trade as the venue execution the socket would have sent. */
export function toExecution(order: OrderView, trade: VenueTrade, tradeId: string | null, cumQuantity: Qty): VenueExecution {
  const r = order.request;
  const cum = cumQuantity;
  const venueOrder: VenueOrder = {
    id: trade.orderId,
    marketSlug: trade.marketSlug,
    side: INTENT_EFFECT[r.intent].side,
    type: r.type,
    price: r.price ?? null,
    quantity: r.quantity,
    cumQuantity: cum,
    leavesQuantity: Math.max(0, r.quantity - cum),
    tif: r.tif,
    goodTillTime: r.goodTillTime ?? null,
    intent: r.intent,
    state: cum >= r.quantity ? 'ORDER_STATE_FILLED' : 'ORDER_STATE_PARTIALLY_FILLED',
    avgPx: null,
    createTime: null,
    commissionsBasisPoints: null,
    makerCommissionsBasisPoints: null,
  };
  return {
    id: trade.executionId,
    order: venueOrder,
    lastShares: trade.qty,
    lastPx: trade.price,
    // PARTIAL_FILL even for the last one: the tracker moves to FILLED when the quantity is reached, and a
    // FILL whose window missed an earlier trade would be misread as "filled" with contracts unaccounted for.
    type: 'EXECUTION_TYPE_PARTIAL_FILL',
    text: RECOVERED_TEXT,
    orderRejectReason: null,
    transactTime: trade.time,
    tradeId,
    aggressor: trade.aggressor ?? (r.postOnly ? false : null),
    commissionNotionalCollected: trade.fee,
  };
}

/** The exchange's trade id of an activity (`trade.id`), when it sends one. */
function tradeIdOf(a: VenueActivity): string | null {
  const raw = a.raw;
  if (raw === null || typeof raw !== 'object') return null;
  const trade = (raw as { trade?: unknown }).trade;
  if (trade === null || typeof trade !== 'object') return null;
  const id = (trade as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 ? id : null;
}
