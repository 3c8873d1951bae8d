/**
 * Positions, one versioned item per market. Writers pass the version they read (or null for a position that
 * did not exist), so a reconciler and the bot cannot overwrite each other's view blindly.
 */
import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PositionState } from '../domain/position.js';
import { assertSafeInteger, isConditionalCheckFailed, VersionConflictError } from './errors.js';
import { qtyScaleMarker, readStoredQuantities } from './stored-quantity.js';

export interface VersionedPosition {
  position: PositionState;
  version: number;
}

const INTEGER_FIELDS = ['quantity', 'netQty', 'avgPrice', 'cost', 'currentValue', 'unrealizedPnl', 'realizedPnl', 'feesPaid', 'updatedAt'] as const;

/** The quantity attributes of the table's items (for readStoredQuantities). */
export const POSITION_QUANTITY_PATHS = ['quantity', 'netQty'] as const;

function fromItem(item: Record<string, unknown>): VersionedPosition {
  const { version, ...position } = readStoredQuantities(item, POSITION_QUANTITY_PATHS) as unknown as PositionState & { version: number };
  return { position, version };
}

export class PositionsRepository {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  /**
   * Writes `position` if the stored version is `expectedVersion` (null: the market has no position item yet).
   * Returns the new version; throws VersionConflictError otherwise.
   */
  async save(position: PositionState, expectedVersion: number | null): Promise<VersionedPosition> {
    for (const f of INTEGER_FIELDS) assertSafeInteger(`position.${f}`, position[f]);
    const version = (expectedVersion ?? 0) + 1;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...position, version, ...qtyScaleMarker() },
          ...(expectedVersion === null
            ? { ConditionExpression: 'attribute_not_exists(marketSlug)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new VersionConflictError(this.tableName, position.marketSlug, expectedVersion);
      throw err;
    }
    return { position, version };
  }

  async get(marketSlug: string): Promise<VersionedPosition | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { marketSlug }, ConsistentRead: true }));
    return r.Item ? fromItem(r.Item) : undefined;
  }

  /** Every position (the table holds one small item per market ever traded). */
  async list(): Promise<VersionedPosition[]> {
    const out: VersionedPosition[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
      for (const item of r.Items ?? []) out.push(fromItem(item));
      startKey = r.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}
