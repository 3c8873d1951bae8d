/** Public surface of the simulated exchange's engine. */
export { Exchange } from './exchange.js';
export { ExchangeRequestError, type ExchangeErrorStatus } from './errors.js';
export { positionValue } from './ledger.js';
export * from './types.js';
export { WEEKLY_MAINTENANCE, TradingCalendar, type MaintenanceWindow } from './trading-calendar.js';
export { MAX_ORDER_PRICE, MIN_ORDER_PRICE, VENUE_TICKS, coWinnerPrice, normalizePrice } from './price-rules.js';
