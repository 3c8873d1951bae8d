import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { createS3ChunkUploader, s3KeyFor } from '../../../shared/recording/s3-chunk-uploader.js';

const s3 = mockClient(S3Client);
const dir = mkdtempSync(join(tmpdir(), 'up-'));
afterEach(() => s3.reset());
afterEach(() => rmSync(join(dir, 'x'), { force: true }));

describe('S3 chunk uploader', () => {
  it('uploads each chunk under a dated key, in order, then deletes the local file when asked', async () => {
    s3.on(PutObjectCommand).resolves({});
    const files = ['s-00000.ndjson.gz', 's-00001.ndjson.gz'].map((n) => join(dir, n));
    for (const f of files) writeFileSync(f, 'gz');
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 23, 59));
    const metrics = new MetricsRegistry();
    const up = createS3ChunkUploader({ client: new S3Client({}), bucket: 'rec', prefix: 'bot/', clock, deleteAfterUpload: true, metrics });
    for (const f of files) up.enqueue(f);
    await up.idle();
    const calls = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.Bucket, c.Key])).toEqual([
      ['rec', 'bot/2026/11/25/s-00000.ndjson.gz'],
      ['rec', 'bot/2026/11/25/s-00001.ndjson.gz'],
    ]);
    expect(metrics.counter('recording.uploaded')).toBe(2);
    for (const f of files) expect(existsSync(f)).toBe(false);
  });

  it('retries, then gives up keeping the file and counting the failure', async () => {
    s3.on(PutObjectCommand).rejects(new Error('SlowDown'));
    const f = join(dir, 'y-00000.ndjson.gz');
    writeFileSync(f, 'gz');
    const metrics = new MetricsRegistry();
    const up = createS3ChunkUploader({ client: new S3Client({}), bucket: 'rec', clock: new ManualClock(0), attempts: 3, retryDelayMs: 1, deleteAfterUpload: true, metrics });
    up.enqueue(f);
    await up.idle();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(3);
    expect(metrics.counter('recording.upload_failed')).toBe(1);
    expect(existsSync(f)).toBe(true);
  });

  it('keys use the UTC date', () => {
    expect(s3KeyFor('recordings', '/a/b/c.ndjson.gz', Date.UTC(2026, 0, 2, 3))).toBe('recordings/2026/01/02/c.ndjson.gz');
  });
});
