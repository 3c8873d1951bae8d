/**
 * Exchange objects (orders, executions, positions, balances) in exact engine units, as parsed from the wire
 * by shared/venue and as produced by the paper exchange. Wire timestamps (ISO-8601 strings) become epoch ms;
 * wire amounts ({ value, currency }) become micros; quantity strings become integer contract counts.
 */
import type { Micros, PriceMicros } from './money.js';
import type {
  ExecutionType,
  OrderIntent,
  OrderSide,
  OrderType,
  TimeInForce,
  VenueOrderState,
} from './venue-enums.js';

export interface VenueOrder {
  id: string;
  marketSlug: string;
  side: OrderSide;
  type: OrderType;
  /** Long-side limit price; null for market orders. */
  price: PriceMicros | null;
  quantity: number;
  cumQuantity: number;
  leavesQuantity: number;
  tif: TimeInForce;
  goodTillTime: number | null;
  intent: OrderIntent;
  state: VenueOrderState;
  avgPx: PriceMicros | null;
  createTime: number | null;
  commissionsBasisPoints: number | null;
  makerCommissionsBasisPoints: number | null;
}

export interface VenueExecution {
  id: string;
  order: VenueOrder;
  lastShares: number | null;
  lastPx: PriceMicros | null;
  type: ExecutionType;
  text: string | null;
  orderRejectReason: string | null;
  transactTime: number | null;
  tradeId: string | null;
  aggressor: boolean | null;
  /** Fee collected on this execution (negative for a rebate), when reported. */
  commissionNotionalCollected: Micros | null;
  /**
   * Why the exchange cancelled the order on its own (UNSOLICITED_CXL_REASON_*: an unfunded order after a
   * fill, a lost connection, a logout, maintenance); null or absent for a cancel we asked for.
   */
  unsolicitedCancelReason?: string | null;
}

export interface VenuePosition {
  marketSlug: string;
  /** Signed: > 0 long contracts, < 0 short contracts. */
  netPosition: number;
  qtyBought: number;
  qtySold: number;
  cost: Micros;
  realized: Micros;
  bodPosition: number;
  expired: boolean;
  updateTime: number | null;
  cashValue: Micros | null;
  qtyAvailable: number | null;
}

export interface VenueBalance {
  currency: string;
  currentBalance: Micros;
  buyingPower: Micros;
  openOrders: Micros | null;
}

export interface VenueActivity {
  /** The activity type as the venue spells it (e.g. ACTIVITY_TYPE_TRADE); kept opaque. */
  type: string;
  marketSlug: string | null;
  /** The order or execution id the activity refers to, when present. */
  orderId: string | null;
  executionId: string | null;
  time: number | null;
  /** The raw wire object, kept for reconciliation and audit. */
  raw: unknown;
}

export interface CreateOrderResult {
  orderId: string;
  executions: VenueExecution[];
  /**
   * True when the create failed ambiguously and the client established, from open orders and recent
   * activities, that the order had in fact reached the exchange (so it was NOT sent again).
   */
  recovered: boolean;
}
