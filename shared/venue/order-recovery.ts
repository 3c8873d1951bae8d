/**
 * Never send an order twice: deciding, after an ambiguous create (timeout, connection reset, 5xx once the
 * request was written), whether the order reached the exchange. Pure; the REST client feeds it what the
 * venue reports.
 *
 * MATCHING RULE. An order O "is" the request R when all of these hold:
 *   1. O.marketSlug = R.marketSlug, O.intent = R.intent, O.type = R.type;
 *   2. for a limit order, O.price = R.price exactly (integer micros; long-side price for every intent);
 *   3. O.quantity (the ORIGINAL quantity, not leaves) = R.quantity;
 *   4. O.tif = R.tif;
 *   5. O.id is not known to the caller (ids the client has returned before, plus ids the caller passes);
 *   6. O.createTime ≥ attemptStart − tolerance, where attemptStart is the local send time shifted by the
 *      signer's clock offset (server time), and tolerance (default 2 s) absorbs residual skew.
 * An order meeting 1–5 whose createTime is missing cannot be placed in time: it makes the outcome UNKNOWN.
 *
 * VERDICT.
 *   - exactly one order matches 1–6 and none matches 1–5 without a create time → FOUND (recovered: true)
 *   - more than one matches (e.g. two identical creates in flight)             → UNKNOWN (candidates listed)
 *   - none matches, and no activity in that market at or after attemptStart −
 *     tolerance is unexplained (an explained activity names a known order id, or
 *     an order id whose order, fetched by id, does not match R)                 → ABSENT
 *   - anything else (an unattributable trade may be our order filled in full)  → UNKNOWN
 * An activity naming an unknown order id whose order is fetched and matches 1–6 is FOUND through that path
 * (this is how an order that filled in full, and so left the open orders, is found). Orders the caller saw
 * on the order stream and does not track are considered like open orders: this is how an order the exchange
 * cancelled before the looks (unfunded, say — activities list trades, not cancels) is found.
 * ABSENT is only trusted after two looks separated by a settle delay (the client's job), because a request
 * stuck in a queue can still land after the first look.
 */
import type { OrderRequest } from '../domain/order.js';
import type { VenueActivity, VenueOrder } from '../domain/venue-models.js';

export interface RecoveryInput {
  request: OrderRequest;
  /** Server-time ms at which the failed attempt started (local start + clock offset). */
  attemptStartServerMs: number;
  toleranceMs: number;
  openOrders: readonly VenueOrder[];
  /** Recent activities of the market (any order). */
  activities: readonly VenueActivity[];
  /** Orders fetched by id for trades naming an order id (id → order, or null when not found). */
  ordersById: ReadonlyMap<string, VenueOrder | null>;
  isKnown: (orderId: string) => boolean;
  /** Orders of the account seen on the order stream that the caller does not track (any state). */
  streamOrders?: readonly VenueOrder[];
}

/** Where a recovered order was found. */
export type RecoverySource = 'open_orders' | 'order_stream' | 'order_by_id';

export type RecoveryVerdict =
  | { kind: 'found'; order: VenueOrder; via: RecoverySource }
  | { kind: 'absent' }
  | { kind: 'unknown'; reason: string; candidateOrderIds: string[] };

/** Rules 1–4. */
export function sameOrderShape(o: VenueOrder, r: OrderRequest): boolean {
  if (o.marketSlug !== r.marketSlug || o.intent !== r.intent || o.type !== r.type || o.tif !== r.tif) return false;
  if (o.quantity !== r.quantity) return false;
  if (r.type === 'ORDER_TYPE_LIMIT' && o.price !== (r.price ?? null)) return false;
  return true;
}

/**
 * Order ids named by activities (trades, order lifecycle) of the market at or after the cut-off that are not
 * known to the caller, and the number of trades there that name no order at all.
 */
export function unknownTradeOrderIds(input: RecoveryInput): { ids: string[]; unattributable: number } {
  const cutoff = input.attemptStartServerMs - input.toleranceMs;
  const ids = new Set<string>();
  let unattributable = 0;
  for (const a of input.activities) {
    if (a.marketSlug !== input.request.marketSlug) continue;
    if (a.time !== null && a.time < cutoff) continue;
    if (a.orderId === null) {
      // Only a trade can be our order filled in full; other activities without an order id are not orders.
      if (/TRADE/i.test(a.type)) unattributable++;
      continue;
    }
    if (!input.isKnown(a.orderId)) ids.add(a.orderId);
  }
  return { ids: [...ids], unattributable };
}

export function judgeRecovery(input: RecoveryInput): RecoveryVerdict {
  const { request, isKnown } = input;
  const cutoff = input.attemptStartServerMs - input.toleranceMs;
  const timed: VenueOrder[] = [];
  const untimed: VenueOrder[] = [];
  const sourceOf = new Map<string, RecoverySource>();

  const consider = (o: VenueOrder, source: RecoverySource): void => {
    if (sourceOf.has(o.id)) return;
    sourceOf.set(o.id, source);
    if (isKnown(o.id) || !sameOrderShape(o, request)) return;
    if (o.createTime === null) untimed.push(o);
    else if (o.createTime >= cutoff) timed.push(o);
  };
  for (const o of input.openOrders) consider(o, 'open_orders');
  for (const o of input.streamOrders ?? []) if (o.marketSlug === request.marketSlug) consider(o, 'order_stream');

  const trades = unknownTradeOrderIds(input);
  let unresolvedTradeIds = 0;
  for (const id of trades.ids) {
    const o = input.ordersById.get(id);
    if (o === undefined || o === null) unresolvedTradeIds++;
    else consider(o, 'order_by_id');
  }

  const candidateOrderIds = [...timed, ...untimed].map((o) => o.id);
  if (timed.length > 1) return { kind: 'unknown', reason: `${timed.length} orders match the request`, candidateOrderIds };
  // We sent one request: one new, unknown order of exactly this shape is it, whatever else traded.
  const only = timed[0];
  if (only && timed.length === 1 && untimed.length === 0) return { kind: 'found', order: only, via: sourceOf.get(only.id) ?? 'open_orders' };
  if (untimed.length > 0) return { kind: 'unknown', reason: 'a matching order has no create time', candidateOrderIds };
  if (trades.unattributable > 0 || unresolvedTradeIds > 0) {
    return {
      kind: 'unknown',
      reason: `${trades.unattributable + unresolvedTradeIds} recent trade(s) in the market cannot be attributed`,
      candidateOrderIds,
    };
  }
  return { kind: 'absent' };
}
