/** Orders and fills as the engine tracks them (seed: order state machine), in exact units. */
import type { Qty } from './quantity.js';
import type { Micros, PriceMicros } from './money.js';
import type { OrderIntent, OrderType, TimeInForce } from './venue-enums.js';
import type { StrategyName } from './signal.js';

/** The seed's order state machine (transitions: order-states.ts). */
export const ORDER_STATUSES = [
  'CREATED',
  'SUBMITTED',
  'PENDING',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELLED',
  'REJECTED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What the executor sends: a venue order in exact units. */
export interface OrderRequest {
  marketSlug: string;
  intent: OrderIntent;
  type: OrderType;
  /** Long-side price in micros (required for LIMIT). */
  price?: PriceMicros;
  /** Hundredths of a contract (shared/domain/quantity.ts). */
  quantity: Qty;
  tif: TimeInForce;
  postOnly: boolean;
  /** Epoch ms, for GOOD_TILL_DATE. */
  goodTillTime?: number;
}

export interface Fill {
  /** The venue's execution id: the idempotency key of the fills ledger. */
  executionId: string;
  orderId: string;
  marketSlug: string;
  intent: OrderIntent;
  /** Long-side fill price in micros. */
  price: PriceMicros;
  qty: Qty;
  /** Positive = paid, negative = rebate received. */
  fee: Micros;
  liquidity: 'MAKER' | 'TAKER';
  /** Epoch ms. */
  time: number;
  strategyName?: StrategyName;
  /**
   * The venue's trade id, when the execution (or the trade activity) names it. A trade activity carries its
   * trade id and no order or execution id, so it is what ties a trade read back from the venue to its fill.
   */
  tradeId?: string;
}

export interface TrackedOrder {
  /** The venue's order id, once known. */
  orderId: string | null;
  /** The engine's own id, assigned at creation. */
  localId: string;
  request: OrderRequest;
  status: OrderStatus;
  filledQty: Qty;
  /** Volume-weighted average long-side fill price, micros (0 before any fill). */
  avgPrice: PriceMicros;
  feesPaid: Micros;
  strategyName: StrategyName;
  createdAt: number;
  updatedAt: number;
  rejectReason?: string;
  /** Why the order was cancelled (the execution's text or type), once CANCELLED. */
  cancelReason?: string;
  /** Set when the exchange cancelled the order on its own (UNSOLICITED_CXL_REASON_*), not at our request. */
  unsolicitedCancelReason?: string;
}
