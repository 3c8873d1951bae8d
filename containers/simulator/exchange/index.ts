/** Public surface of the simulated exchange's engine. */
export { Exchange } from './exchange.js';
export { ExchangeRequestError, type ExchangeErrorStatus } from './errors.js';
export { positionValue } from './ledger.js';
export * from './types.js';
