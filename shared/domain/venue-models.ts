/**
 * Exchange objects (orders, executions, positions, balances) in exact engine units, as parsed from the wire
 * by shared/venue and as produced by the paper exchange. Wire timestamps (ISO-8601 strings) become epoch ms;
 * wire amounts ({ value, currency }) become micros; quantities become Qty (hundredths of a contract).
 */
import type { Qty } from './quantity.js';
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
 * Quantities: the venue reports decimals (partial-contract markets); the engine counts them exactly as Qty,
 * hundredths of a contract (shared/domain/quantity.ts). The venue keeps no finer precision, so a Qty read from
 * the wire is exact; should a wire value carry more digits, it is rounded toward the safe side for what it
 * means (the wire readers say which way per field), counted, and the venue's text kept in the `…Exact` field
 * (normalised decimal text) when the reader had one. Producers other than the wire readers (paper exchange,
 * simulator) may leave the `…Exact` fields out.
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
  quantity: Qty;
  cumQuantity: Qty;
  leavesQuantity: Qty;
  tif: TimeInForce;
  goodTillTime: number | null;
  intent: OrderIntent;
  state: VenueOrderState;
  avgPx: PriceMicros | null;
  createTime: number | null;
  commissionsBasisPoints: number | null;
  makerCommissionsBasisPoints: number | null;
  /** Wire text of the quantities (finer than 0.01: quantity and leaves rounded up, cum down; wire-convert.ts). */
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
  lastShares: Qty | null;
  lastPx: PriceMicros | null;
  type: ExecutionType;
  text: string | null;
  orderRejectReason: string | null;
  transactTime: number | null;
  tradeId: string | null;
  aggressor: boolean | null;
  /** Fee collected on this execution (negative for a rebate), when reported. */
  commissionNotionalCollected: Micros | null;
  /** Wire text of this execution's shares (lastShares is rounded down when finer than 0.01). */
  lastSharesExact?: ExactQuantity | null;
  /**
   * Set when the venue cancelled the order on its own (connection loss, logout, exchange option, other):
   * the tracker sees an unsolicited cancel and why. UNRECOGNISED = a reason this build does not know.
   */
  unsolicitedCancelReason?: UnsolicitedCancelReason | null;
}

export interface VenuePosition {
  marketSlug: string;
  /** Signed: > 0 long, < 0 short; hundredths of a contract. */
  netPosition: Qty;
  qtyBought: Qty;
  qtySold: Qty;
  cost: Micros;
  realized: Micros;
  bodPosition: Qty;
  expired: boolean;
  updateTime: number | null;
  cashValue: Micros | null;
  qtyAvailable: Qty | null;
  /** Wire text of the positions (the `…Decimal` wire fields, preferred over the rounded deprecated ones). */
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
  /** Hundredths of a contract, finer rounded down (qtyDecimal preferred over the deprecated rounded qty). */
  qty: Qty | null;
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
