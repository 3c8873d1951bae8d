/**
 * Enum strings of the Polymarket US wire protocol (api/polymarket-us.md, "Amounts and enums"), as `const`
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
export type VenueOrderState = (typeof ORDER_STATES)[number];

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
export type ExecutionType = (typeof EXECUTION_TYPES)[number];

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

export const MARKET_SUBSCRIPTIONS = [
  'SUBSCRIPTION_TYPE_MARKET_DATA',
  'SUBSCRIPTION_TYPE_MARKET_DATA_LITE',
  'SUBSCRIPTION_TYPE_TRADE',
] as const;
export const PRIVATE_SUBSCRIPTIONS = [
  'SUBSCRIPTION_TYPE_ORDER',
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
