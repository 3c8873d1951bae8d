/**
 * Embedded AWS emulators for local runs (`npm start`) and tests: dynalite (DynamoDB) and fauxqs (SQS/SNS),
 * both in-process on 127.0.0.1 with an ephemeral port, and SDK clients pointed at them with dummy
 * credentials. Never imported by Lambda or container bundles (dynalite and fauxqs are dev dependencies).
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';

export const LOCAL_REGION = 'us-east-1';
/** Dummy credentials: the emulators accept any; real ones must never be used against them. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

export interface LocalMessaging {
  endpoint: string;
  server: FauxqsServer;
  sqs: SQSClient;
  sns: SNSClient;
  stop(): Promise<void>;
}

const clientConfig = (endpoint: string) => ({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

/** Starts dynalite in memory (tables become ACTIVE at once). */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient(clientConfig(endpoint));
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** Starts fauxqs (SQS + SNS) in-process. */
export async function startLocalMessaging(): Promise<LocalMessaging> {
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, defaultRegion: LOCAL_REGION });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const sqs = new SQSClient(clientConfig(endpoint));
  const sns = new SNSClient(clientConfig(endpoint));
  return {
    endpoint,
    server,
    sqs,
    sns,
    stop: async () => {
      sqs.destroy();
      sns.destroy();
      await server.stop();
    },
  };
}
