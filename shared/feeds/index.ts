/** Public surface of the OpticOdds feeds: wire schemas, REST and stream clients, fair value, market mapping. */
export * from './errors.js';
export * from './backoff.js';
export * from './game-clock.js';
export * from './wire.js';
export * from './rest-client.js';
export * from './entry-dedup.js';
export * from './sse-stream.js';
export * from './feed-stream.js';
export * from './odds-stream.js';
export * from './results-stream.js';
export * from './market-mapper.js';
export * from './fair-value/odds.js';
export * from './fair-value/no-vig.js';
export * from './fair-value/normal.js';
export * from './fair-value/consensus.js';
export * from './fair-value/win-probability.js';
