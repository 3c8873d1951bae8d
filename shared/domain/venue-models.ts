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
  TradeState,
  UnsolicitedCancelReason,
  VenueOrderState,
} from './venue-enums.js';

/**
 * Quantities: the venue reports decimals (partial-contract markets); the engine counts whole contracts. Each
 * whole count below is rounded toward the safe side for what it means (parseQuantity in quantity.ts; the
 * wire readers say which way per field) and the venue's exact decimal is kept beside it in an `…Exact`
 * field (normalised decimal text) when the reader had one. Producers other than the wire readers (paper
 * exchange, simulator) may leave the `…Exact` fields out: the whole count is then exact.
 */
export type ExactQuantity = string;

/** Order fields whose value was missing, unknown or not representable on the wire: a stand-in, never act on it. */
export type OrderPlaceholderField = 'side' | 'type' | 'tif' | 'intent';

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
  /** Exact wire quantities (quantity and leaves rounded up, cum rounded down: see wire-convert.ts). */
  quantityExact?: ExactQuantity;
  cumQuantityExact?: ExactQuantity;
  leavesQuantityExact?: ExactQuantity;
  /** Fees collected on the order so far, when reported. */
  commissionNotionalTotalCollected?: Micros | null;
  /**
   * Fields that carry a stand-in (absent from the frame, e.g. an execution's partial order, or a value this
   * build does not know). Absent or empty = every field was read from the wire. Do not adopt such an order.
   */
  placeholders?: readonly OrderPlaceholderField[];
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
  /** Exact shares of this execution (lastShares is rounded down). */
  lastSharesExact?: ExactQuantity | null;
  /**
   * Set when the venue cancelled the order on its own (connection loss, logout, exchange option, other):
   * the tracker sees an unsolicited cancel and why. UNRECOGNISED = a reason this build does not know.
   */
  unsolicitedCancelReason?: UnsolicitedCancelReason | null;
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
  /** Exact decimal positions (the `…Decimal` wire fields, preferred over the rounded deprecated ones). */
  netPositionExact?: ExactQuantity;
  qtyBoughtExact?: ExactQuantity;
  qtySoldExact?: ExactQuantity;
  bodPositionExact?: ExactQuantity;
  qtyAvailableExact?: ExactQuantity | null;
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
  /** True when `type` is one of the activity types this build knows (an unknown one is counted as drift). */
  knownType?: boolean;
  /** The trade detail of an ACTIVITY_TYPE_TRADE, read exactly (null for other types or when absent). */
  trade?: VenueActivityTrade | null;
}

export interface VenueActivityTrade {
  id: string | null;
  marketSlug: string;
  /** TRADE_STATE_*; UNRECOGNISED = a state this build does not know; null = not reported. */
  state: TradeState | 'TRADE_STATE_UNRECOGNISED' | null;
  price: PriceMicros | null;
  /** Whole contracts, rounded down (qtyDecimal preferred over the deprecated rounded qty). */
  qty: number | null;
  qtyExact: ExactQuantity | null;
  isAggressor: boolean | null;
  costBasis: Micros | null;
  realizedPnl: Micros | null;
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
