/**
 * Exposure = worst-case loss, in micros, of a market's position plus its resting opening orders.
 *
 * For each settlement outcome the loss is computed separately and the exposure is the larger:
 *   lossIfNo  = cost of a long position  + Σ remaining qty × price       of opening orders that buy long
 *   lossIfYes = cost of a short position + Σ remaining qty × (1 − price) of opening orders that sell long
 * A position's unrealized gain is never netted against an order's possible loss, and reducing orders
 * (SELL_LONG, SELL_SHORT) count zero: their fill can only lower both numbers. This makes the measure
 * monotone under fills (a fill at the limit price or better never raises it) and under price moves (it does
 * not depend on marks), so a limit enforced when an order is approved holds until the order is done.
 * Portfolio exposure is the sum over markets (a conservative measure: no netting between markets).
 */
import { INTENT_EFFECT } from '../domain/venue-enums.js';
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../domain/money.js';
import { qtyAffordable, qtyTimesMicros, type Qty } from '../domain/quantity.js';
import type { OrderStatus, TrackedOrder } from '../domain/order.js';
import type { PositionState } from '../domain/position.js';
import type { RiskView } from './risk-view.js';

export const OPEN_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set(['CREATED', 'SUBMITTED', 'PENDING', 'PARTIALLY_FILLED']);

export interface MarketLoss {
  /** Worst-case loss if the market settles YES (1), micros, ≥ 0. */
  ifYes: Micros;
  /** Worst-case loss if the market settles NO (0), micros, ≥ 0. */
  ifNo: Micros;
}

export function exposureOf(loss: MarketLoss): Micros {
  return Math.max(loss.ifYes, loss.ifNo);
}

/** Remaining quantity of an open order (hundredths of a contract). */
export function remainingQty(order: TrackedOrder): Qty {
  return Math.max(0, order.request.quantity - order.filledQty);
}

const NO_LOSS: MarketLoss = Object.freeze({ ifYes: 0, ifNo: 0 });

/** The loss a position adds: its cost, on the outcome that makes it worthless. Zero when flat. */
export function positionLoss(position: PositionState | undefined): MarketLoss {
  if (!position || !(position.quantity > 0)) return NO_LOSS;
  const cost = Math.max(0, position.cost);
  return position.side === 'YES' ? { ifYes: 0, ifNo: cost } : { ifYes: cost, ifNo: 0 };
}

/**
 * The loss an order adds while open: its remaining quantity at its limit (a market order at the worst price),
 * rounded up (exact at a tick price). Zero for a finished order, a reducing one, or nothing left.
 */
export function orderLoss(o: TrackedOrder): MarketLoss {
  if (!OPEN_ORDER_STATUSES.has(o.status)) return NO_LOSS;
  const effect = INTENT_EFFECT[o.request.intent];
  if (!effect.opens) return NO_LOSS;
  const qty = remainingQty(o);
  if (qty === 0) return NO_LOSS;
  return effect.buysLong
    ? { ifYes: 0, ifNo: qtyTimesMicros(qty, o.request.price ?? ONE_DOLLAR, 'up') }
    : { ifYes: qtyTimesMicros(qty, ONE_DOLLAR - (o.request.price ?? 0), 'up'), ifNo: 0 };
}

/**
 * The scenario losses of one position and its open orders; `excludeOrderId` drops an order being replaced.
 * The full scan: the reference the incremental ledger (exposure-ledger.ts) is checked against.
 */
export function marketLoss(position: PositionState | undefined, orders: Iterable<TrackedOrder>, excludeOrderId?: string): MarketLoss {
  const p = positionLoss(position);
  let ifYes = p.ifYes;
  let ifNo = p.ifNo;
  for (const o of orders) {
    if (excludeOrderId !== undefined && (o.orderId === excludeOrderId || o.localId === excludeOrderId)) continue;
    const l = orderLoss(o);
    ifYes += l.ifYes;
    ifNo += l.ifNo;
  }
  return { ifYes, ifNo };
}

/**
 * The largest quantity (hundredths of a contract) of a new opening order (cost `costPerContract` a contract
 * on the loss side it adds to) that keeps `sideLoss + others + qty × cost ≤ limit`. 0 when there is no room.
 * Not yet on the market's size grid: the risk manager rounds the final size down to it.
 */
export function headroomQty(sideLoss: Micros, others: Micros, limit: Micros, costPerContract: PriceMicros): Qty {
  if (costPerContract <= 0) return 0;
  const room = limit - others - sideLoss;
  return room <= 0 ? 0 : qtyAffordable(room, costPerContract);
}

export class ExposureMonitor {
  constructor(private readonly view: RiskView) {}

  marketLoss(marketSlug: string, excludeOrderId?: string): MarketLoss {
    return marketLoss(this.view.position(marketSlug), this.view.openOrders(marketSlug), excludeOrderId);
  }

  marketExposure(marketSlug: string, excludeOrderId?: string): Micros {
    return exposureOf(this.marketLoss(marketSlug, excludeOrderId));
  }

  /** Sum of market exposures over every active market, optionally leaving one market out. */
  portfolioExposure(excludeMarket?: string): Micros {
    let total = 0;
    for (const slug of this.view.activeMarkets()) if (slug !== excludeMarket) total += this.marketExposure(slug);
    return total;
  }

  /** Every active market's exposure (for gauges and the property tests). */
  exposures(): Map<string, Micros> {
    const out = new Map<string, Micros>();
    for (const slug of this.view.activeMarkets()) out.set(slug, this.marketExposure(slug));
    return out;
  }
}
