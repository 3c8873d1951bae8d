/**
 * Orders, one versioned item per order (key: the engine's local id). Every write is a single-item
 * conditional put: `create` requires the item to be absent, `save` requires the stored version to be the one
 * the caller read, so two writers can never silently overwrite each other (optimistic concurrency).
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderStatus, TrackedOrder } from '../domain/order.js';
import { assertSafeInteger, isConditionalCheckFailed, VersionConflictError } from './errors.js';
import { qtyScaleMarker, readStoredQuantities } from './stored-quantity.js';
import { ORDERS_OPEN_INDEX, ORDERS_VENUE_ID_INDEX } from './table-definitions.js';

export interface VersionedOrder {
  order: TrackedOrder;
  /** Starts at 1; incremented by every successful save. */
  version: number;
}

const TERMINAL: ReadonlySet<OrderStatus> = new Set(['FILLED', 'CANCELLED', 'REJECTED']);
const OPEN_MARKER = 'OPEN';

interface OrderItem extends TrackedOrder {
  version: number;
  openMarker?: string;
  /** Unit of the quantity fields (stored-quantity.ts). */
  qtyScale: number;
}

/** The quantity attributes of the table's items (for readStoredQuantities). */
export const ORDER_QUANTITY_PATHS = ['request.quantity', 'filledQty'] as const;

function validate(order: TrackedOrder): void {
  assertSafeInteger('order.filledQty', order.filledQty);
  assertSafeInteger('order.avgPrice', order.avgPrice);
  assertSafeInteger('order.feesPaid', order.feesPaid);
  assertSafeInteger('order.request.quantity', order.request.quantity);
  if (order.request.price !== undefined) assertSafeInteger('order.request.price', order.request.price);
  assertSafeInteger('order.createdAt', order.createdAt);
  assertSafeInteger('order.updatedAt', order.updatedAt);
}

function toItem(order: TrackedOrder, version: number): OrderItem {
  validate(order);
  const item: OrderItem = { ...order, version, ...qtyScaleMarker() };
  if (!TERMINAL.has(order.status)) item.openMarker = OPEN_MARKER;
  // A sparse index key must be absent rather than null.
  if (item.orderId === null) delete (item as Partial<OrderItem>).orderId;
  return item;
}

function fromItem(item: Record<string, unknown>): VersionedOrder {
  const { version, openMarker: _open, ...rest } = readStoredQuantities(item, ORDER_QUANTITY_PATHS) as unknown as Omit<OrderItem, 'qtyScale'>;
  const order = { ...rest, orderId: rest.orderId ?? null } as TrackedOrder;
  return { order, version };
}

export class OrdersRepository {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Records a new order at version 1; fails with VersionConflictError if the local id already exists. */
  async create(order: TrackedOrder): Promise<VersionedOrder> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: toItem(order, 1), ConditionExpression: 'attribute_not_exists(localId)' }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new VersionConflictError(this.tableName, order.localId, null);
      throw err;
    }
    return { order, version: 1 };
  }

  /** Saves `order` over `expectedVersion`; returns the new version or throws VersionConflictError. */
  async save(order: TrackedOrder, expectedVersion: number): Promise<VersionedOrder> {
    const next = expectedVersion + 1;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(order, next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new VersionConflictError(this.tableName, order.localId, expectedVersion);
      throw err;
    }
    return { order, version: next };
  }

  async get(localId: string): Promise<VersionedOrder | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { localId }, ConsistentRead: true }));
    return r.Item ? fromItem(r.Item) : undefined;
  }

  /** The order the venue knows by `orderId` (eventually consistent: a GSI). */
  async findByVenueOrderId(orderId: string): Promise<VersionedOrder | undefined> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ORDERS_VENUE_ID_INDEX,
        KeyConditionExpression: 'orderId = :id',
        ExpressionAttributeValues: { ':id': orderId },
        Limit: 1,
      }),
    );
    const item = r.Items?.[0];
    return item ? fromItem(item) : undefined;
  }

  /** Every order not yet in a terminal state, oldest first (eventually consistent: a sparse GSI). */
  async listOpen(): Promise<VersionedOrder[]> {
    const out: VersionedOrder[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: ORDERS_OPEN_INDEX,
          KeyConditionExpression: 'openMarker = :open',
          ExpressionAttributeValues: { ':open': OPEN_MARKER },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of r.Items ?? []) out.push(fromItem(item));
      startKey = r.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}
