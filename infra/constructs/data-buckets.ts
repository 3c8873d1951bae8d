/**
 * The stack's two private data buckets, made the same way: S3-managed encryption, all public access blocked,
 * TLS only (a bucket policy denies aws:SecureTransport=false), ACLs disabled. Kept when the stage retains data;
 * otherwise destroyed with the stack, emptied first (autoDeleteObjects: CDK's prebuilt provider function, no
 * Docker at synth). Both are created directly in the stack, so their logical ids stay `Reports…` and
 * `Recordings…` (a changed id would replace a bucket).
 *
 *  - Reports: the reporter's daily JSON (reports/yyyy/mm/) and the bot's live day reports
 *    (reports/<stage>/live/<day>.html|json); versioned, old versions kept 90 days.
 *  - Recordings: every inbound message the bot receives, as gzip NDJSON chunks under
 *    recordings/<stage>/yyyy/mm/dd/ (shared/recording/s3-chunk-uploader.ts); write-once keys, so unversioned;
 *    tiered to Standard-IA and Glacier Instant Retrieval, then expired (config/stages.ts `recordings`).
 */
import { Duration, RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { validateRecordingsLifecycle, type StageConfig } from '../config/stages.js';

function privateBucket(scope: Construct, id: string, config: StageConfig, props: s3.BucketProps, reason: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...props,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    autoDeleteObjects: !config.retainData,
  });
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason });
  return bucket;
}

export function createReportsBucket(scope: Construct, config: StageConfig): s3.Bucket {
  return privateBucket(
    scope,
    'Reports',
    config,
    { versioned: true, lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) }] },
    'Private, versioned bucket written only by the reporter function and the bot (PutObject on their prefixes); object-level access is audited with CloudTrail rather than a second logging bucket.',
  );
}

export function createRecordingsBucket(scope: Construct, config: StageConfig): s3.Bucket {
  const l = config.recordings;
  validateRecordingsLifecycle(config.stage, l);
  return privateBucket(
    scope,
    'Recordings',
    config,
    {
      versioned: false,
      lifecycleRules: [
        {
          id: 'tier-then-expire',
          // The uploader sends single PUTs; a multipart upload left behind by any other client is not billed forever.
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          // Objects under 128 KB stay in Standard (S3's default minimum transition size): a transition request
          // would cost more than the storage it saves.
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(l.infrequentAccessAfterDays) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(l.glacierInstantRetrievalAfterDays) },
          ],
          expiration: Duration.days(l.expireAfterDays),
        },
      ],
    },
    'Private bucket written only by the bot task (PutObject on recordings/<stage>/); object-level access is audited with CloudTrail rather than a second logging bucket, whose own storage would cost more than the recordings it logs.',
  );
}

/** The CloudFormation logical id of a bucket, as cdk-nag names it in an IAM5 finding (`<Id.Arn>/…`). */
export function bucketLogicalId(bucket: s3.Bucket): string {
  return Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnResource);
}
