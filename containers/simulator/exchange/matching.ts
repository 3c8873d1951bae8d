/**
 * Matching: plans how an incoming order trades against one book under price-time priority, WITHOUT changing
 * anything. The same plan serves the fill-or-kill check, previews, the buying-power check of market orders
 * and the execution itself, so they can never disagree.
 *
 * While walking the opposite side best-first (FIFO within a price) the planner:
 *   - expires resting good-till-date orders whose time has passed (lazy expiry);
 *   - applies self-trade prevention: a resting order of the incoming order's own account is canceled
 *     (policy "cancel resting") and matching continues behind it.
 * No intent is reduce-only, so a resting order fills in full whatever its account holds: what it does not
 * close it opens, and the collateral rules (shared/domain/collateral.ts) reserved cash for that.
 */
import { qtyAffordable, qtyTimesMicros, roundToStep, type Qty } from '../../../shared/domain/quantity.js';
import type { Micros, PriceMicros } from '../../../shared/domain/money.js';
import type { OrderBook } from './order-book.js';
import type { SimOrder } from './order-record.js';

export interface IncomingSpec {
  accountId: string;
  /** True when the incoming order buys long (it walks the asks). */
  buysLong: boolean;
  /** Worst acceptable long price; null = no limit (market order without protection). */
  limit: PriceMicros | null;
  /** Maximum quantity (hundredths of a contract). */
  qty: Qty;
  /** The market's size increment: a cash-limited fill is rounded down to it (default 0.01). */
  step?: Qty;
  /** Maximum cash notional (market orders with cashOrderQty), or null. */
  cashLimit: Micros | null;
  /** Cash notional per contract at a long price, for the incoming intent. */
  cashUnit: (price: PriceMicros) => Micros;
}

export interface MatchEnv {
  now: number;
}

export type MatchStep =
  | { kind: 'fill'; maker: SimOrder; qty: Qty; price: PriceMicros }
  | { kind: 'selfTrade'; maker: SimOrder }
  | { kind: 'expire'; maker: SimOrder };

export interface MatchPlan {
  steps: MatchStep[];
  filledQty: Qty;
  /** Σ qty × cashUnit(price) over the fills. */
  cash: Micros;
  fills: { qty: Qty; price: PriceMicros }[];
}

/** Whether an order on side `buysLong` at `limit` trades with a resting order at `restingPrice`. */
export function crosses(buysLong: boolean, limit: PriceMicros | null, restingPrice: PriceMicros): boolean {
  if (limit === null) return true;
  return buysLong ? restingPrice <= limit : restingPrice >= limit;
}

export function isExpired(order: SimOrder, now: number): boolean {
  return order.goodTillTime !== null && order.tif === 'TIME_IN_FORCE_GOOD_TILL_DATE' && order.goodTillTime <= now;
}

export function planMatch(book: OrderBook, incoming: IncomingSpec, env: MatchEnv): MatchPlan {
  const steps: MatchStep[] = [];
  const fills: { qty: Qty; price: PriceMicros }[] = [];
  let remaining = incoming.qty;
  let cashLeft = incoming.cashLimit;
  let cash = 0;

  for (const maker of book.orders(!incoming.buysLong)) {
    if (remaining <= 0) break;
    const price = maker.price as PriceMicros;
    if (!crosses(incoming.buysLong, incoming.limit, price)) break;
    if (isExpired(maker, env.now)) {
      steps.push({ kind: 'expire', maker });
      continue;
    }
    if (maker.accountId === incoming.accountId) {
      steps.push({ kind: 'selfTrade', maker });
      continue;
    }
    let qty = Math.min(remaining, maker.leavesQuantity);
    let stop = false;
    if (cashLeft !== null) {
      const unit = incoming.cashUnit(price);
      const affordable = unit > 0 ? roundToStep(qtyAffordable(cashLeft, unit), incoming.step ?? 1, 'down') : qty;
      if (affordable < qty) {
        qty = affordable;
        stop = true;
      }
    }
    if (qty > 0) {
      steps.push({ kind: 'fill', maker, qty, price });
      fills.push({ qty, price });
      remaining -= qty;
      const unitCash = incoming.cashUnit(price);
      const paid = qtyTimesMicros(qty, unitCash, 'up');
      cash += paid;
      if (cashLeft !== null) cashLeft -= paid;
    }
    if (stop) break;
  }
  return { steps, filledQty: incoming.qty - remaining, cash, fills };
}
