/**
 * Public types of the simulated exchange's engine (`Exchange`). All money is integer micros, every price is
 * the LONG (YES) side's price whatever the intent, quantities are integer contract counts, times are epoch ms.
 */
import type { Qty } from '../../../shared/domain/quantity.js';
import type { MarketStatus } from '../../../shared/domain/venue-enums.js';
import type { Clock } from '../../../shared/domain/clock.js';
import type { FeeSchedule } from '../../../shared/domain/fees.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { Micros, PriceMicros } from '../../../shared/domain/money.js';
import type {
  ExecutionType,
  OrderIntent,
  OrderSide,
  OrderType,
  TimeInForce,
  VenueMarketState,
  UnsolicitedCancelReason,
} from '../../../shared/domain/venue-enums.js';
import type { VenueBalance, VenueExecution, VenueOrder, VenuePosition } from '../../../shared/domain/venue-models.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { MaintenanceWindow } from './trading-calendar.js';

export interface ExchangeOptions {
  clock: Clock;
  /**
   * Fee schedule (default DEFAULT_FEE_SCHEDULE: taker Θ 0.0695, maker rebate Θ 0.0125). A market's own
   * feeCoefficient replaces the default taker Θ; dated overrides apply on top (shared/domain/fees.ts).
   */
  fees?: FeeSchedule;
  /** Weekly maintenance window during which every open market is halted (default none; the venue's is WEEKLY_MAINTENANCE). */
  maintenance?: MaintenanceWindow | false;
  /**
   * What a halt (maintenance or an unannounced halt) does to resting orders: 'cancel' (default) cancels them
   * with an unsolicited cancel, 'keep' leaves them in the book. The venue's behaviour is unconfirmed.
   */
  haltRestingOrders?: 'cancel' | 'keep';
  /** Default tick for markets that do not give one, in micros (default 10_000 = 0.01). Must divide 1 USD. */
  defaultTick?: PriceMicros;
  /** Default minimum order quantity (and size increment), hundredths of a contract (default 100 = whole contracts). */
  defaultMinQty?: Qty;
  /** Most recent activities kept per account (default 50_000); older ones are dropped. */
  maxActivitiesPerAccount?: number;
  /** Where a throwing event listener is reported (default: silent). */
  logger?: Logger;
}

// ---------------------------------------------------------------------------------------------------------
// Reference data

export interface SimMarket {
  id: string;
  slug: string;
  eventSlug: string;
  title: string;
  /** What the long (YES) side pays on. */
  outcome: string;
  team: string | null;
  tick: PriceMicros;
  /** The tick as the wire writes it (`orderPriceMinTickSize`): "0.01", "0.005" or "0.0025". */
  orderPriceMinTickSize: string;
  /** Smallest order quantity, and the size increment, in hundredths of a contract (1 = 0.01, 100 = 1). */
  minQty: Qty;
  /** The wire's `minimumTradeQty` as a decimal string ("1" or "0.01"): formatQuantity(minQty). */
  minimumTradeQty: string;
  /** The taker Θ in force now (`feeCoefficient`), e.g. 0.0695, and the same in parts per million. */
  feeCoefficient: number;
  feeCoefficientPpm: number;
  /** The maker rebate Θ in force now, ppm. */
  makerFeeCoefficientPpm: number;
  state: VenueMarketState;
  /** The market object's `status` (MARKET_STATUS_*), derived from the book state. */
  status: VenueMarketStatus;
  /** The price the market settled at (the exchange's `settlementPrice`), null until settled. */
  settlementPrice: PriceMicros | null;
  /** Why it settled at that price, null until settled. */
  settlementReason: SettlementReason | null;
  /** Not settled / not terminated. */
  active: boolean;
  /** Settled (MARKET_STATE_EXPIRED) or terminated. */
  closed: boolean;
  initialProbability: number | null;
  /** The event's data-provider game id, copied for filtering. */
  gameId: string | null;
}

export interface SimEvent {
  id: string;
  slug: string;
  title: string;
  /** Epoch ms. */
  startTime: number;
  sport: string | null;
  league: string | null;
  gameId: string | null;
  homeTeam: string | null;
  awayTeam: string | null;
  /** At least one market is still active (an event without markets is active). */
  active: boolean;
  /** The event has markets and all of them are closed. */
  closed: boolean;
  markets: SimMarket[];
}

export interface EventFilter {
  slugs?: string[];
  active?: boolean;
  closed?: boolean;
  gameId?: string;
  /** Inclusive bounds on startTime, epoch ms. */
  startTimeMin?: number;
  startTimeMax?: number;
  /** Sorted by startTime then slug; offset/limit page the result. */
  offset?: number;
  limit?: number;
}

export interface MarketFilter {
  slugs?: string[];
  eventSlugs?: string[];
  active?: boolean;
  closed?: boolean;
  gameId?: string;
  offset?: number;
  limit?: number;
}

/** The market object's status: the venue's enum, declared once in shared/domain/venue-enums.ts. */
export type VenueMarketStatus = MarketStatus;

/**
 * Why a market settled where it did (docs/venue-rules.md, "Settlement"): a result ($1 / $0), a tie in a
 * market without a draw ($0.50), co-winners ($1 ÷ n down to the tick), or a cancelled game at the last fair
 * market price (LFMP) at the announcement.
 */
export type SettlementReason = 'RESULT' | 'TIE' | 'CO_WINNERS' | 'CANCELLED' | 'OTHER';

export interface Settlement {
  marketSlug: string;
  settlementPrice: PriceMicros;
  settledAt: number;
  reason: SettlementReason;
}

export interface HaltOptions {
  /** Markets to halt (default every market). */
  slugs?: readonly string[];
  /** Shown in the unsolicited cancels' text and the rejects' text. */
  reason?: string;
  /** Override the exchange's haltRestingOrders for this halt. */
  restingOrders?: 'cancel' | 'keep';
}

/** One halt in force: an unannounced one staged by startHalt, or the weekly maintenance ("maintenance"). */
export interface HaltInfo {
  id: string;
  slugs: readonly string[] | null;
  reason: string;
  startedAt: number;
}

// ---------------------------------------------------------------------------------------------------------
// Orders

export interface SubmitOrderRequest {
  marketSlug: string;
  intent: OrderIntent;
  /** Default ORDER_TYPE_LIMIT. */
  type?: OrderType;
  /** Long-side limit price in micros; required for LIMIT, ignored (may be absent) for MARKET. */
  price?: PriceMicros | null;
  /** Hundredths of a contract (Qty); required unless a MARKET order gives `cashOrderQty`. */
  quantity?: Qty | null;
  /**
   * Default GOOD_TILL_CANCEL for LIMIT; MARKET orders always behave as IMMEDIATE_OR_CANCEL unless FOK.
   * TIME_IN_FORCE_DAY is accepted and, as on the venue today, does NOT expire at the 5 pm ET trade-day roll:
   * it rests like GOOD_TILL_CANCEL and is reported as DAY (SimOrderView.timeInForceAsSent).
   */
  tif?: TimeInForce | typeof DAY_TIF;
  /** Post-only: rejected if it would take liquidity. */
  participateDontInitiate?: boolean;
  /** Epoch ms; required for GOOD_TILL_DATE. */
  goodTillTime?: number | null;
  /**
   * MARKET orders only: spend (or, for selling intents, receive) up to this much cash notional, in micros,
   * excluding fees. Cash notional per contract: BUY_LONG/SELL_LONG price, BUY_SHORT/SELL_SHORT 1 − price.
   */
  cashOrderQty?: Micros | null;
}

export interface ModifyOrderRequest {
  marketSlug: string;
  price?: PriceMicros;
  /** New TOTAL quantity, hundredths of a contract (must exceed what has already filled). */
  quantity?: Qty;
  tif?: TimeInForce;
  participateDontInitiate?: boolean;
  goodTillTime?: number | null;
}

/** The engine's order snapshot: the shared VenueOrder plus what the wire reports that the shared model lacks. */
export const DAY_TIF = 'TIME_IN_FORCE_DAY';

export interface SimOrderView extends VenueOrder {
  /** The time in force as the client sent it (TIME_IN_FORCE_DAY for a DAY order; `tif` then says GOOD_TILL_CANCEL). */
  timeInForceAsSent: string;
  /** Σ of this order's commissionNotionalCollected, signed micros (taker fees > 0, maker rebates < 0). */
  commissionNotionalTotalCollected: Micros;
}

/** The engine's execution: the shared VenueExecution plus the wire's unsolicited cancel reason. */
export interface SimExecution extends VenueExecution {
  order: SimOrderView;
  /** UNSOLICITED_CXL_REASON_* on a cancel the exchange made on its own, else null. */
  unsolicitedCancelReason: UnsolicitedCancelReason | null;
}

export interface OrderResult {
  /** The order after the request (a snapshot). */
  order: SimOrderView;
  /** The submitting account's executions caused by this request, in order. */
  executions: SimExecution[];
}

export interface ClosePositionOptions {
  /** Hundredths of a contract to close (default: the whole position). */
  quantity?: Qty;
}

// ---------------------------------------------------------------------------------------------------------
// Market data

export interface BookSnapshot {
  marketSlug: string;
  /** Best first: bids descending by price. */
  bids: BookLevel[];
  /** Best first: asks (offers) ascending by price. */
  asks: BookLevel[];
  state: VenueMarketState;
  lastTradePx: PriceMicros | null;
  /** Epoch ms of the last change of this book (or market state), null if never. */
  transactTime: number | null;
}

export interface Bbo {
  marketSlug: string;
  bestBid: PriceMicros | null;
  bestAsk: PriceMicros | null;
  /** Contracts at the best bid / ask. */
  bestBidQty: Qty;
  bestAskQty: Qty;
  /** Number of price levels on each side. */
  bidDepth: number;
  askDepth: number;
  lastTradePx: PriceMicros | null;
  transactTime: number | null;
  state: VenueMarketState;
}

// ---------------------------------------------------------------------------------------------------------
// Accounts and activities

/**
 * The engine's activity records. ACTIVITY_TYPE_ORDER (order lifecycle) is the engine's own, for tests that
 * inspect the exchange directly: the venue has no such activity, so the wire never carries one and a filter
 * asking for it is refused (server/market-wire.ts WIRE_ACTIVITY_TYPE, server/private-routes.ts).
 */
export const ACTIVITY_TYPES = [
  'ACTIVITY_TYPE_TRADE',
  'ACTIVITY_TYPE_ORDER',
  'ACTIVITY_TYPE_SETTLEMENT',
  'ACTIVITY_TYPE_DEPOSIT',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export interface TradeActivityDetail {
  tradeId: string;
  intent: OrderIntent;
  side: OrderSide;
  price: PriceMicros;
  qty: number;
  aggressor: boolean;
  /** Signed fee: > 0 paid (taker), < 0 rebate received (maker). */
  fee: Micros;
  /** Cash change of the account from this fill, fee included. */
  cashDelta: Micros;
}

export interface OrderActivityDetail {
  executionType: ExecutionType;
  order: SimOrderView;
  text: string | null;
  orderRejectReason: string | null;
  unsolicitedCancelReason: UnsolicitedCancelReason | null;
}

export interface SettlementActivityDetail {
  settlementPrice: PriceMicros;
  /** Position before settlement (signed). */
  netPosition: number;
  payout: Micros;
  /** PnL realized by the settlement (payout − remaining cost). */
  realized: Micros;
}

export interface SimActivity {
  id: string;
  /** Strictly increasing per exchange; the cursor orders on it. */
  seq: number;
  type: ActivityType;
  accountId: string;
  marketSlug: string | null;
  time: number;
  /** For trades and order activities: the order and execution ids, so a client finds an order it created. */
  orderId: string | null;
  executionId: string | null;
  trade?: TradeActivityDetail;
  order?: OrderActivityDetail;
  settlement?: SettlementActivityDetail;
  deposit?: { amount: Micros };
}

export type SortOrder = 'SORT_ORDER_ASCENDING' | 'SORT_ORDER_DESCENDING';

export interface ActivityQuery {
  /** Default 100, at most 1000. */
  limit?: number;
  /** Opaque; from a previous page's nextCursor. */
  cursor?: string | null;
  marketSlug?: string | null;
  types?: readonly string[];
  /** Default SORT_ORDER_DESCENDING (newest first). */
  sortOrder?: SortOrder;
}

export interface ActivityPage {
  activities: SimActivity[];
  /** Present when more activities follow. */
  nextCursor: string | null;
  eof: boolean;
}

/** Everything about one account, for invariant checks and reports. */
export interface AccountSnapshot {
  accountId: string;
  /** Cash (currentBalance). */
  cash: Micros;
  /** Cash reserved by resting opening orders. */
  reserved: Micros;
  buyingPower: Micros;
  /** Sum of deposits (openAccount's starting balance included). */
  deposited: Micros;
  /** Sum of taker fees paid (positive). */
  feesPaid: Micros;
  /** Sum of maker rebates received (positive). */
  rebatesReceived: Micros;
  positions: Record<string, VenuePosition>;
}

// ---------------------------------------------------------------------------------------------------------
// Events out of the engine (emitted synchronously, after the state is consistent)

export type ExchangeEvent =
  | { type: 'execution'; accountId: string; execution: SimExecution }
  | { type: 'position'; accountId: string; marketSlug: string; position: VenuePosition }
  | { type: 'balance'; accountId: string; balance: VenueBalance }
  | { type: 'book'; marketSlug: string }
  | {
      type: 'trade';
      marketSlug: string;
      price: PriceMicros;
      qty: number;
      time: number;
      tradeId: string;
      makerIntent: OrderIntent;
      takerIntent: OrderIntent;
      makerSide: OrderSide;
      takerSide: OrderSide;
    }
  | { type: 'market'; marketSlug: string; state: VenueMarketState };

export type ExchangeEventListener = (event: ExchangeEvent) => void;

/** orderRejectReason values (and CANCELED texts) the engine uses. */
export const REJECT_REASONS = {
  marketNotOpen: 'MARKET_NOT_OPEN',
  insufficientBuyingPower: 'INSUFFICIENT_BUYING_POWER',
  postOnlyWouldCross: 'POST_ONLY_WOULD_CROSS',
  goodTillTimeInPast: 'GOOD_TILL_TIME_IN_PAST',
  /** A halted market (maintenance or an unannounced halt): the venue's reason. */
  exchangeClosed: 'ORD_REJECT_REASON_EXCHANGE_CLOSED',
  priceOutOfBounds: 'ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS',
  invalidPriceIncrement: 'ORD_REJECT_REASON_INVALID_PRICE_INCREMENT',
} as const;

/** execution.unsolicitedCancelReason of cancels the exchange makes on its own (unfunded orders, halts). */
export const UNSOLICITED_CANCEL_REASON: UnsolicitedCancelReason = 'UNSOLICITED_CXL_REASON_EXCHANGE_OPTION';

export const CANCEL_TEXTS = {
  userCanceled: 'canceled by user',
  iocRemainder: 'immediate-or-cancel remainder canceled',
  marketRemainder: 'market order remainder canceled: no more liquidity',
  fokNotFilled: 'fill-or-kill could not be filled in full',
  selfTrade: 'self-trade prevention: resting order canceled',
  marketClosed: 'market closed',
  expired: 'good-till-date order expired',
  unfunded: 'canceled by the exchange: no longer funded after a fill reduced buying power',
  halted: 'canceled by the exchange: market halted',
} as const;
