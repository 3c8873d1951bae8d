/** A DynamoDB document client configured the same way for every repository. */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(client: DynamoDBClient | DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  const base = client instanceof DynamoDBClient ? client : new DynamoDBClient(client);
  return DynamoDBDocumentClient.from(base, {
    // Never silently drop an attribute; an undefined value is omitted (optional fields).
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    // Numbers above 2^53 would lose precision: refuse them rather than round (amounts are micros < 2^53).
    unmarshallOptions: { wrapNumbers: false },
  });
}
