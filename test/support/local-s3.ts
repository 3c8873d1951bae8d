/**
 * The local S3 emulator (fauxqs serves S3 too) with the named buckets made and a client on it, for the tests of
 * code that reads recordings from and writes results to buckets; and the sweep-item handler's environment as
 * the infra sets it, pointed at the emulator.
 */
import { readFileSync } from 'node:fs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../shared/aws/local-emulators.js';
import { startLocalMessaging } from './emulators.js';

export interface LocalS3 {
  endpoint: string;
  s3: S3Client;
  /** Puts a file's bytes (a path) or the given bytes under the key. */
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  const mq = await startLocalMessaging();
  for (const b of buckets) mq.server.createBucket(b);
  const s3 = new S3Client({ endpoint: mq.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  return {
    endpoint: mq.endpoint,
    s3,
    put: async (bucket, key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: typeof body === 'string' ? readFileSync(body) : body }));
    },
    close: async () => {
      s3.destroy();
      await mq.stop();
    },
  };
}

/** The sweep-item handler's environment (buckets 'results' and 'recordings'), pointed at the emulator. */
export function sweepItemEnv(endpoint: string, recordingsPrefix: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    RESULTS_BUCKET: 'results',
    RECORDINGS_BUCKET: 'recordings',
    RECORDINGS_PREFIX: recordingsPrefix,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}
