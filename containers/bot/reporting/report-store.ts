/**
 * Where the live-day reports go: a tiny put-by-key interface, with S3 (PutObject, the deployed bot) and a
 * local directory (runs without a bucket, tests) behind it. A key is a relative path such as
 * `reports/prod/live/2026-03-08.html`.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface ReportStore {
  /** Stores `body` under `key`; resolves to where it went (a path or an s3:// URI). */
  put(key: string, body: string, contentType: string): Promise<string>;
}

export class DirReportStore implements ReportStore {
  constructor(private readonly dir: string) {}

  async put(key: string, body: string): Promise<string> {
    const rel = normalize(key);
    if (rel.startsWith('..') || rel.startsWith(sep)) throw new Error(`report key outside the report directory: ${key}`);
    const path = join(this.dir, rel);
    await mkdir(dirname(path), { recursive: true });
    // Whole or not at all: a reader never sees a half-written report.
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
    return path;
  }
}

export class S3ReportStore implements ReportStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: string, contentType: string): Promise<string> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
    return `s3://${this.bucket}/${key}`;
  }
}
