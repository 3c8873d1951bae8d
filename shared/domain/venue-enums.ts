/**
 * Enum strings of the Polymarket US wire protocol (docs/venue-rules.md, "Wire shapes, in brief"), as `const`
 * tuples so that zod schemas, the simulator and the engine share one spelling.
 */

export const ORDER_INTENTS = [
  'ORDER_INTENT_BUY_LONG',
  'ORDER_INTENT_SELL_LONG',
  'ORDER_INTENT_BUY_SHORT',
  'ORDER_INTENT_SELL_SHORT',
] as const;
export type OrderIntent = (typeof ORDER_INTENTS)[number];

export const ORDER_TYPES = ['ORDER_TYPE_LIMIT', 'ORDER_TYPE_MARKET'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const ORDER_SIDES = ['ORDER_SIDE_BUY', 'ORDER_SIDE_SELL'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const TIMES_IN_FORCE = [
  'TIME_IN_FORCE_GOOD_TILL_CANCEL',
  'TIME_IN_FORCE_GOOD_TILL_DATE',
  'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL',
  'TIME_IN_FORCE_FILL_OR_KILL',
] as const;
export type TimeInForce = (typeof TIMES_IN_FORCE)[number];

export const ORDER_STATES = [
  'ORDER_STATE_NEW',
  'ORDER_STATE_PENDING_NEW',
  'ORDER_STATE_PENDING_REPLACE',
  'ORDER_STATE_PENDING_CANCEL',
  'ORDER_STATE_PENDING_RISK',
  'ORDER_STATE_PARTIALLY_FILLED',
  'ORDER_STATE_FILLED',
  'ORDER_STATE_CANCELED',
  'ORDER_STATE_REPLACED',
  'ORDER_STATE_REJECTED',
  'ORDER_STATE_EXPIRED',
] as const;
/**
 * Stand-in for an order state the venue sent that this build does not know (counted as `venue.unknown_enum`):
 * never mapped to a guessed meaning; the order tracker treats it as "no status information" and leaves the
 * order to reconciliation.
 */
export const UNRECOGNISED_ORDER_STATE = 'ORDER_STATE_UNRECOGNISED';
export type VenueOrderState = (typeof ORDER_STATES)[number] | typeof UNRECOGNISED_ORDER_STATE;

export const EXECUTION_TYPES = [
  'EXECUTION_TYPE_NEW',
  'EXECUTION_TYPE_PARTIAL_FILL',
  'EXECUTION_TYPE_FILL',
  'EXECUTION_TYPE_CANCELED',
  'EXECUTION_TYPE_REPLACE',
  'EXECUTION_TYPE_REJECTED',
  'EXECUTION_TYPE_EXPIRED',
  'EXECUTION_TYPE_DONE_FOR_DAY',
] as const;
/** Stand-in for an unknown execution type: the tracker does not apply it (a hidden fill shows up later as a fill gap). */
export const UNRECOGNISED_EXECUTION_TYPE = 'EXECUTION_TYPE_UNRECOGNISED';
export type ExecutionType = (typeof EXECUTION_TYPES)[number] | typeof UNRECOGNISED_EXECUTION_TYPE;

export const MARKET_STATES = [
  'MARKET_STATE_OPEN',
  'MARKET_STATE_PREOPEN',
  'MARKET_STATE_SUSPENDED',
  'MARKET_STATE_HALTED',
  'MARKET_STATE_EXPIRED',
  'MARKET_STATE_TERMINATED',
  'MARKET_STATE_MATCH_AND_CLOSE_AUCTION',
] as const;
export type VenueMarketState = (typeof MARKET_STATES)[number];
/** Stand-in for a book state this build does not know: not OPEN, so never quoted. */
export const UNRECOGNISED_MARKET_STATE = 'MARKET_STATE_UNRECOGNISED';
/** A book state as read from the venue: a known one or the stand-in. */
export type ReportedMarketState = VenueMarketState | typeof UNRECOGNISED_MARKET_STATE;

/** Time in force values the venue may report on an order (DAY is not sent by this system; see venue rules). */
export const REPORTED_TIMES_IN_FORCE = [...TIMES_IN_FORCE, 'TIME_IN_FORCE_DAY'] as const;

export const OUTCOME_SIDES = ['OUTCOME_SIDE_YES', 'OUTCOME_SIDE_NO'] as const;
export type OutcomeSide = (typeof OUTCOME_SIDES)[number];
export const ORDER_ACTIONS = ['ORDER_ACTION_BUY', 'ORDER_ACTION_SELL'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** `outcomeSide` + `action` → intent (the venue's own mapping; when both forms are present this one wins). */
export function intentOf(outcomeSide: OutcomeSide, action: OrderAction): OrderIntent {
  if (outcomeSide === 'OUTCOME_SIDE_YES') return action === 'ORDER_ACTION_BUY' ? 'ORDER_INTENT_BUY_LONG' : 'ORDER_INTENT_SELL_LONG';
  return action === 'ORDER_ACTION_BUY' ? 'ORDER_INTENT_BUY_SHORT' : 'ORDER_INTENT_SELL_SHORT';
}

export const ORDER_REJECT_REASONS = [
  'ORD_REJECT_REASON_EXCHANGE_OPTION',
  'ORD_REJECT_REASON_UNKNOWN_MARKET',
  'ORD_REJECT_REASON_EXCHANGE_CLOSED',
  'ORD_REJECT_REASON_INCORRECT_QUANTITY',
  'ORD_REJECT_REASON_INVALID_PRICE_INCREMENT',
  'ORD_REJECT_REASON_INCORRECT_ORDER_TYPE',
  'ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS',
  'ORD_REJECT_REASON_NO_LIQUIDITY',
] as const;

export const UNSOLICITED_CANCEL_REASONS = [
  'UNSOLICITED_CXL_REASON_CONNECTION_LOSS',
  'UNSOLICITED_CXL_REASON_LOGOUT',
  'UNSOLICITED_CXL_REASON_EXCHANGE_OPTION',
  'UNSOLICITED_CXL_REASON_OTHER',
] as const;
/** Why the venue cancelled an order nobody asked it to cancel; UNRECOGNISED = a reason this build does not know. */
export type UnsolicitedCancelReason = (typeof UNSOLICITED_CANCEL_REASONS)[number] | 'UNSOLICITED_CXL_REASON_UNRECOGNISED';

export const MARKET_STATUSES = [
  'MARKET_STATUS_UNSPECIFIED',
  'MARKET_STATUS_OPEN',
  'MARKET_STATUS_CLOSED',
  'MARKET_STATUS_RESOLVING',
  'MARKET_STATUS_RESOLVED',
  'MARKET_STATUS_HALTED',
] as const;
/** Market object status; the venue rules say to read an unknown one as UNSPECIFIED. */
export type MarketStatus = (typeof MARKET_STATUSES)[number];

export const SPORTS_MARKET_TYPES = [
  'SPORTS_MARKET_TYPE_MONEYLINE',
  'SPORTS_MARKET_TYPE_SPREAD',
  'SPORTS_MARKET_TYPE_TOTAL',
  'SPORTS_MARKET_TYPE_PROP',
  'SPORTS_MARKET_TYPE_FUTURE',
  'SPORTS_MARKET_TYPE_DRAWABLE_OUTCOME',
] as const;
export type SportsMarketType = (typeof SPORTS_MARKET_TYPES)[number];

export const ACTIVITY_TYPES = [
  'ACTIVITY_TYPE_TRADE',
  'ACTIVITY_TYPE_POSITION_RESOLUTION',
  'ACTIVITY_TYPE_ACCOUNT_DEPOSIT',
  'ACTIVITY_TYPE_ACCOUNT_ADVANCED_DEPOSIT',
  'ACTIVITY_TYPE_ACCOUNT_WITHDRAWAL',
  'ACTIVITY_TYPE_REFERRAL_BONUS',
  'ACTIVITY_TYPE_TRANSFER',
  'ACTIVITY_TYPE_TAKER_FEE_REBATE',
  'ACTIVITY_TYPE_LIQUIDITY_PROGRAM',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const TRADE_STATES = [
  'TRADE_STATE_NEW',
  'TRADE_STATE_CLEARED',
  'TRADE_STATE_BUSTED',
  'TRADE_STATE_INFLIGHT',
  'TRADE_STATE_PENDING_RISK',
  'TRADE_STATE_PENDING_CLEARED',
  'TRADE_STATE_REJECTED',
] as const;
export type TradeState = (typeof TRADE_STATES)[number];

export const MARKET_SUBSCRIPTIONS = [
  'SUBSCRIPTION_TYPE_MARKET_DATA',
  'SUBSCRIPTION_TYPE_MARKET_DATA_LITE',
  'SUBSCRIPTION_TYPE_TRADE',
] as const;
export const PRIVATE_SUBSCRIPTIONS = [
  'SUBSCRIPTION_TYPE_ORDER',
  'SUBSCRIPTION_TYPE_ORDER_SNAPSHOT',
  'SUBSCRIPTION_TYPE_POSITION',
  'SUBSCRIPTION_TYPE_ACCOUNT_BALANCE',
] as const;
export type MarketSubscriptionType = (typeof MARKET_SUBSCRIPTIONS)[number];
export type PrivateSubscriptionType = (typeof PRIVATE_SUBSCRIPTIONS)[number];
export type SubscriptionType = MarketSubscriptionType | PrivateSubscriptionType;

/**
 * On the wire, an order's `price` is always the LONG (YES) side's price, whatever the intent: BUY_SHORT at
 * 0.45 sells long at 0.45 (the short costs 0.55 per contract). Public client code tested against the venue
 * agrees; the simulator and the clients both follow this rule.
 */
export interface IntentEffect {
  /** Whether this intent buys long contracts on the one long book (BUY_LONG, SELL_SHORT) or sells them. */
  buysLong: boolean;
  /** Whether the intent opens/extends (true) or reduces (false) the position named by the intent. */
  opens: boolean;
  /** The party's side on the long book. */
  side: OrderSide;
}

export const INTENT_EFFECT: Readonly<Record<OrderIntent, IntentEffect>> = {
  ORDER_INTENT_BUY_LONG: { buysLong: true, opens: true, side: 'ORDER_SIDE_BUY' },
  ORDER_INTENT_SELL_LONG: { buysLong: false, opens: false, side: 'ORDER_SIDE_SELL' },
  ORDER_INTENT_BUY_SHORT: { buysLong: false, opens: true, side: 'ORDER_SIDE_SELL' },
  ORDER_INTENT_SELL_SHORT: { buysLong: true, opens: false, side: 'ORDER_SIDE_BUY' },
};
