/**
 * Test harness for the embedded AWS emulators: dynalite (DynamoDB) and fauxqs (SQS/SNS) in-process on
 * 127.0.0.1:0, with SDK clients using dummy credentials. Optionally AWS's own DynamoDB Local (a JVM) when its
 * jar is available, so the same store suite can run against both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startLocalDynamo,
  startLocalMessaging,
  type LocalDynamo,
  type LocalMessaging,
} from '../../shared/aws/local-emulators.js';
import { createTables } from '../../shared/store/create-tables.js';
import { createDocumentClient } from '../../shared/store/document-client.js';
import { prefixedTableNames, type TableNames } from '../../shared/store/table-definitions.js';

export { startLocalDynamo, startLocalMessaging, type LocalDynamo, type LocalMessaging };

export interface DynamoBackend {
  name: string;
  start(): Promise<LocalDynamo>;
}

/** A DynamoDB emulator with the project's tables created under a unique prefix. */
export interface StoreHarness {
  dynamo: LocalDynamo;
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  stop(): Promise<void>;
}

export async function startStoreHarness(backend: DynamoBackend = dynaliteBackend): Promise<StoreHarness> {
  const dynamo = await backend.start();
  const tables = prefixedTableNames(`t${randomUUID().slice(0, 8)}`);
  try {
    await createTables(dynamo.client, tables);
  } catch (err) {
    await dynamo.stop();
    throw err;
  }
  const doc = createDocumentClient(dynamo.client);
  return { dynamo, doc, tables, stop: () => dynamo.stop() };
}

/** dynalite with the tables created plus fauxqs, started together; stop() stops both. */
export interface Emulators {
  store: StoreHarness;
  messaging: LocalMessaging;
  stop(): Promise<void>;
}

export async function startEmulators(): Promise<Emulators> {
  const [store, messaging] = await Promise.all([startStoreHarness(), startLocalMessaging()]);
  return { store, messaging, stop: async () => void (await Promise.all([store.stop(), messaging.stop()])) };
}

export const dynaliteBackend: DynamoBackend = { name: 'dynalite', start: startLocalDynamo };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The directory holding DynamoDBLocal.jar and DynamoDBLocal_lib, from DYNAMODB_LOCAL_DIR or the npm package
 * `amplify-dynamodb-simulator` (not installed in this project today, so usually undefined).
 */
export function dynamoDbLocalDir(): string | undefined {
  const candidates = [process.env.DYNAMODB_LOCAL_DIR, join(process.cwd(), 'node_modules', 'amplify-dynamodb-simulator', 'emulator')];
  return candidates.find((d): d is string => !!d && existsSync(join(d, 'DynamoDBLocal.jar')));
}

/** Starts AWS DynamoDB Local in memory on a free loopback port (needs Java 17+). */
export async function startDynamoDbLocal(dir: string): Promise<LocalDynamo> {
  const port = await freePort();
  const proc: ChildProcess = spawn(
    'java',
    [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-port', String(port)],
    { cwd: dir, stdio: 'ignore' },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const stop = async (): Promise<void> => {
    client.destroy();
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
  };
  // Wait (event-driven polling with a generous deadline) until it answers.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      return { endpoint, client, stop };
    } catch (err) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not start: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** dynalite always; DynamoDB Local too when its jar is present. */
export function availableDynamoBackends(): DynamoBackend[] {
  const dir = dynamoDbLocalDir();
  return dir ? [dynaliteBackend, { name: 'dynamodb-local', start: () => startDynamoDbLocal(dir) }] : [dynaliteBackend];
}
