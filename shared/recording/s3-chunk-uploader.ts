/**
 * Ships finished recording chunks to S3 (plug it into RecordingWriter's `onChunkClosed`). Uploads run one at
 * a time off the hot path, each retried a few times; a chunk that cannot be uploaded stays on local disk
 * (logged, counted `recording.upload_failed`), never lost silently. Keys:
 * `<prefix>/<yyyy>/<mm>/<dd>/<file name>`, by the chunk's upload date (UTC). The bucket's lifecycle rule
 * (infra) moves old recordings to cheaper storage and expires them.
 */
import { readFile, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Clock } from '../domain/clock.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';

export interface S3ChunkUploaderOptions {
  client: S3Client;
  bucket: string;
  prefix?: string;
  clock: Clock;
  attempts?: number;
  retryDelayMs?: number;
  /** Remove the local file once uploaded (default false). */
  deleteAfterUpload?: boolean;
  logger?: Logger;
  metrics?: Metrics;
}

export interface S3ChunkUploader {
  /** Queues a finished chunk (the writer's onChunkClosed). */
  enqueue(file: string): void;
  /** Resolves when every queued chunk is uploaded or given up. */
  idle(): Promise<void>;
}

export function s3KeyFor(prefix: string, file: string, nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${prefix.replace(/\/+$/, '')}/${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${basename(file)}`;
}

export function createS3ChunkUploader(opts: S3ChunkUploaderOptions): S3ChunkUploader {
  const logger = opts.logger ?? nullLogger;
  const metrics = opts.metrics ?? nullMetrics;
  const attempts = opts.attempts ?? 4;
  const delay = opts.retryDelayMs ?? 2_000;
  let chain: Promise<void> = Promise.resolve();
  const upload = async (file: string): Promise<void> => {
    const key = s3KeyFor(opts.prefix ?? 'recordings', file, opts.clock.now());
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const body = await readFile(file);
        await opts.client.send(new PutObjectCommand({ Bucket: opts.bucket, Key: key, Body: body, ContentType: 'application/gzip' }));
        metrics.increment('recording.uploaded');
        if (opts.deleteAfterUpload) await unlink(file);
        return;
      } catch (err) {
        if (attempt === attempts) {
          metrics.increment('recording.upload_failed');
          logger.error('recording chunk upload failed; the file stays on local disk', { file, key, err });
          return;
        }
        await new Promise((r) => setTimeout(r, delay * attempt));
      }
    }
  };
  return {
    enqueue(file) {
      chain = chain.then(() => upload(file));
    },
    idle: () => chain,
  };
}
