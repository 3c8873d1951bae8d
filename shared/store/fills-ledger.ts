/**
 * The fills ledger: append-only, one item per venue execution id. `append` is idempotent: recording the same
 * execution again (a WebSocket replay, a reconciler pass) is a no-op, while the same id with different
 * contents is refused loudly (LedgerConflictError), because silently keeping either would corrupt PnL.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Fill } from '../domain/order.js';
import { assertSafeInteger, isConditionalCheckFailed, LedgerConflictError } from './errors.js';
import { qtyScaleMarker, readStoredQuantities } from './stored-quantity.js';
import { FILLS_DAY_INDEX, FILLS_MARKET_INDEX } from './table-definitions.js';
import { tradingDayOf } from './trading-day.js';

export type AppendResult = 'inserted' | 'duplicate';

interface FillItem extends Fill {
  /** Trading day (America/New_York) of the fill time. */
  day: string;
  /** Sort key of the indexes: zero-padded time, then the execution id (unique, ordered by time). */
  timeKey: string;
  recordedAt: number;
  /** Unit of `qty` (stored-quantity.ts). */
  qtyScale: number;
}

/** The quantity attributes of the table's items (for readStoredQuantities). */
export const FILL_QUANTITY_PATHS = ['qty'] as const;

const COMPARED_FIELDS = ['orderId', 'marketSlug', 'intent', 'price', 'qty', 'fee', 'liquidity', 'time'] as const;

function timeKeyOf(fill: Fill): string {
  return `${String(fill.time).padStart(15, '0')}#${fill.executionId}`;
}

function fromItem(item: Record<string, unknown>): Fill {
  const { day: _d, timeKey: _t, recordedAt: _r, ...fill } = readStoredQuantities(item, FILL_QUANTITY_PATHS) as unknown as Omit<FillItem, 'qtyScale'>;
  return fill;
}

export class FillsLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async append(fill: Fill): Promise<AppendResult> {
    assertSafeInteger('fill.price', fill.price);
    assertSafeInteger('fill.qty', fill.qty);
    assertSafeInteger('fill.fee', fill.fee);
    assertSafeInteger('fill.time', fill.time);
    const item: FillItem = { ...fill, day: tradingDayOf(fill.time), timeKey: timeKeyOf(fill), recordedAt: this.now(), ...qtyScaleMarker() };
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(executionId)' }),
      );
      return 'inserted';
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
    const existing = await this.get(fill.executionId);
    const differing = existing ? COMPARED_FIELDS.filter((f) => existing[f] !== fill[f]) : ['(vanished)'];
    if (differing.length) throw new LedgerConflictError(fill.executionId, differing);
    return 'duplicate';
  }

  async get(executionId: string): Promise<Fill | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { executionId }, ConsistentRead: true }));
    return r.Item ? fromItem(r.Item) : undefined;
  }

  /** Fills of one trading day, in time order (GSI: eventually consistent). */
  byDay(day: string): Promise<Fill[]> {
    return this.queryAll(FILLS_DAY_INDEX, 'day', day);
  }

  /** Fills in one market, in time order, optionally from `sinceMs` on (GSI: eventually consistent). */
  byMarket(marketSlug: string, sinceMs?: number): Promise<Fill[]> {
    return this.queryAll(FILLS_MARKET_INDEX, 'marketSlug', marketSlug, sinceMs);
  }

  private async queryAll(indexName: string, keyName: string, keyValue: string, sinceMs?: number): Promise<Fill[]> {
    const out: Fill[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: sinceMs === undefined ? '#k = :v' : '#k = :v AND timeKey >= :since',
          ExpressionAttributeNames: { '#k': keyName },
          ExpressionAttributeValues: {
            ':v': keyValue,
            ...(sinceMs === undefined ? {} : { ':since': String(sinceMs).padStart(15, '0') }),
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of r.Items ?? []) out.push(fromItem(item));
      startKey = r.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}
