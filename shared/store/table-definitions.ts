/**
 * The DynamoDB tables of the trading system, defined once. The CDK stack (infra/constructs/state-tables.ts)
 * and the local emulator bootstrap (`createTables`) both read these definitions, so the tables on AWS and in
 * dynalite / DynamoDB Local have the same keys, indexes and TTL attribute.
 *
 * Design: one table per concern (not single-table). Each Lambda and the bot get IAM grants on exactly the
 * tables they use, the access patterns per table are few and simple, and every write is a single-item
 * conditional write (no transactions: dynalite has none, and the ledger does not need them).
 */

export type KeyType = 'S' | 'N';

export interface KeyAttribute {
  name: string;
  type: KeyType;
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical id, used for construct ids and environment variable names. */
  logicalName: TableLogicalName;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  /** Global secondary indexes (projection ALL). */
  indexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, if the table uses TTL. */
  ttlAttribute?: string;
}

export const TABLE_LOGICAL_NAMES = ['orders', 'fills', 'positions', 'riskDays', 'oddsSnapshots', 'leases'] as const;
export type TableLogicalName = (typeof TABLE_LOGICAL_NAMES)[number];

/** Physical table names, one per logical table. */
export type TableNames = Record<TableLogicalName, string>;

export const ORDERS_OPEN_INDEX = 'byOpen';
export const ORDERS_VENUE_ID_INDEX = 'byVenueOrderId';
export const FILLS_DAY_INDEX = 'byDay';
export const FILLS_MARKET_INDEX = 'byMarket';

export const TABLE_DEFINITIONS: Readonly<Record<TableLogicalName, TableDefinition>> = {
  /** Orders by the engine's local id; versioned items (optimistic concurrency). */
  orders: {
    logicalName: 'orders',
    partitionKey: { name: 'localId', type: 'S' },
    indexes: [
      // Sparse: only non-terminal orders carry `openMarker`, so this index lists exactly the open orders.
      { indexName: ORDERS_OPEN_INDEX, partitionKey: { name: 'openMarker', type: 'S' }, sortKey: { name: 'createdAt', type: 'N' } },
      // Sparse: only orders the venue has acknowledged carry `orderId`.
      { indexName: ORDERS_VENUE_ID_INDEX, partitionKey: { name: 'orderId', type: 'S' } },
    ],
  },
  /** Append-only fills ledger keyed by the venue's execution id (the idempotency key). */
  fills: {
    logicalName: 'fills',
    partitionKey: { name: 'executionId', type: 'S' },
    indexes: [
      { indexName: FILLS_DAY_INDEX, partitionKey: { name: 'day', type: 'S' }, sortKey: { name: 'timeKey', type: 'S' } },
      { indexName: FILLS_MARKET_INDEX, partitionKey: { name: 'marketSlug', type: 'S' }, sortKey: { name: 'timeKey', type: 'S' } },
    ],
  },
  /** One versioned item per market. */
  positions: {
    logicalName: 'positions',
    partitionKey: { name: 'marketSlug', type: 'S' },
    indexes: [],
  },
  /**
   * One item per trading day (America/New_York): realized PnL counter, breaker flag, archive stamp. Beside
   * them, `shadow#<day>` items hold a shadow day's calibration aggregates (shadow-day-repository.ts).
   */
  riskDays: {
    logicalName: 'riskDays',
    partitionKey: { name: 'day', type: 'S' },
    indexes: [],
  },
  /** Sportsbook odds snapshots per fixture and market; expire through TTL. */
  oddsSnapshots: {
    logicalName: 'oddsSnapshots',
    partitionKey: { name: 'fixtureId', type: 'S' },
    sortKey: { name: 'snapshotKey', type: 'S' },
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  /**
   * Single-writer leases (trading-lease-repository.ts): one item per account, held by the one bot task allowed
   * to send orders and cancels for it. No DynamoDB TTL: an expired lease is taken over by a conditional write,
   * and TTL deletion (hours late) would add nothing.
   */
  leases: {
    logicalName: 'leases',
    partitionKey: { name: 'leaseKey', type: 'S' },
    indexes: [],
  },
};

/** The environment variable that carries a table's physical name into a Lambda or the bot task. */
export function tableEnvVar(name: TableLogicalName): string {
  return `TABLE_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export class MissingTableNameError extends Error {
  constructor(readonly variable: string) {
    super(`table name environment variable ${variable} is not set`);
    this.name = 'MissingTableNameError';
  }
}

/** Reads the physical table names from the environment (`TABLE_ORDERS`, `TABLE_RISK_DAYS`, …). */
export function tableNamesFromEnv(env: NodeJS.ProcessEnv, only: readonly TableLogicalName[] = TABLE_LOGICAL_NAMES): Partial<TableNames> {
  const out: Partial<TableNames> = {};
  for (const name of only) {
    const v = env[tableEnvVar(name)];
    if (!v) throw new MissingTableNameError(tableEnvVar(name));
    out[name] = v;
  }
  return out;
}

/** Table names for a local or test run: `<prefix>-orders`, … */
export function prefixedTableNames(prefix: string): TableNames {
  return Object.fromEntries(TABLE_LOGICAL_NAMES.map((n) => [n, `${prefix}-${n}`])) as TableNames;
}
