/** The DynamoDB store: repositories, table definitions and the local bootstrap. */
export * from './table-definitions.js';
export * from './create-tables.js';
export * from './document-client.js';
export * from './errors.js';
export * from './trading-day.js';
export * from './orders-repository.js';
export * from './fills-ledger.js';
export * from './positions-repository.js';
export * from './risk-day-repository.js';
export * from './shadow-day-repository.js';
export * from './odds-snapshots-repository.js';
export * from './trading-lease-repository.js';
export * from './trading-lease-keeper.js';
export * from './lease-owner.js';
export * from './stored-quantity.js';
