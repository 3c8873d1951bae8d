/**
 * Creates the tables of TABLE_DEFINITIONS in a local DynamoDB (dynalite, DynamoDB Local). On AWS the CDK stack
 * creates them from the same definitions; this is for `npm start` and tests only.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITIONS, TABLE_LOGICAL_NAMES, type TableDefinition, type TableNames } from './table-definitions.js';

export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const attrs = new Map<string, AttributeDefinition>();
  const add = (a: { name: string; type: 'S' | 'N' }): void => {
    attrs.set(a.name, { AttributeName: a.name, AttributeType: a.type });
  };
  add(def.partitionKey);
  if (def.sortKey) add(def.sortKey);
  for (const ix of def.indexes) {
    add(ix.partitionKey);
    if (ix.sortKey) add(ix.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs.values()],
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(def.indexes.length
      ? {
          GlobalSecondaryIndexes: def.indexes.map((ix) => ({
            IndexName: ix.indexName,
            KeySchema: [
              { AttributeName: ix.partitionKey.name, KeyType: 'HASH' as const },
              ...(ix.sortKey ? [{ AttributeName: ix.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

/**
 * Creates every table (idempotent: an existing table is left alone), waits until each is ACTIVE and enables
 * TTL where defined (emulators that do not support TTL are tolerated: expiry is also filtered on read).
 */
export async function createTables(client: DynamoDBClient, names: TableNames, options: { pollMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const pollMs = options.pollMs ?? 25;
  const timeoutMs = options.timeoutMs ?? 30_000;
  for (const logical of TABLE_LOGICAL_NAMES) {
    const def = TABLE_DEFINITIONS[logical];
    const tableName = names[logical];
    try {
      await client.send(new CreateTableCommand(createTableInput(def, tableName)));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (d.Table?.TableStatus === 'ACTIVE') break;
      if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
    if (def.ttlAttribute) {
      try {
        await client.send(
          new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }),
        );
      } catch {
        // dynalite does not implement UpdateTimeToLive; readers filter expired items themselves.
      }
    }
  }
}
