/** The report sink on S3: one JSON object per key, server-side encrypted by the bucket's default. */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReportSink } from './report-job.js';

export class S3ReportSink implements ReportSink {
  constructor(private readonly s3: S3Client, private readonly bucket: string) {}

  async put(key: string, body: string): Promise<string> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json; charset=utf-8' }),
    );
    return `s3://${this.bucket}/${key}`;
  }
}
