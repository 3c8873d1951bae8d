/**
 * Unit prices the cost estimate uses, in one table: AWS public list prices for us-east-1 (N. Virginia), USD,
 * as recorded in this repository on 2026-12-07. AWS changes prices; check the linked pages before relying on a
 * figure. Fargate Spot prices move with spare capacity: the value here is an assumption (about 67 % below
 * on-demand, the usual discount), not a quote.
 */
export const PRICES_RECORDED_ON = '2026-12-07';
export const PRICE_REGION = 'us-east-1';

export const UNIT_PRICES = {
  /** aws.amazon.com/fargate/pricing — Linux/ARM64, per vCPU-hour and per GB-hour. */
  fargateArmVcpuHour: 0.03238,
  fargateArmGbHour: 0.00356,
  /** Fargate Spot, Linux/ARM64 (assumed: ~67 % below on-demand). */
  fargateSpotArmVcpuHour: 0.01067,
  fargateSpotArmGbHour: 0.00117,
  /** aws.amazon.com/vpc/pricing — public IPv4 address, per hour (the task's public IP; no NAT gateway). */
  publicIpv4Hour: 0.005,
  /** aws.amazon.com/secrets-manager/pricing — per secret-month, per 10 000 API calls. */
  secretMonth: 0.4,
  secretsPer10kCalls: 0.05,
  /** aws.amazon.com/kms/pricing — customer-managed key per month. */
  kmsKeyMonth: 1.0,
  /** aws.amazon.com/cloudwatch/pricing — standard alarm per metric-month; custom metric-month (first 10 000). */
  alarmMetricMonth: 0.1,
  customMetricMonth: 0.3,
  /** Dashboard per month; the first 3 dashboards of an account are always free. */
  dashboardMonth: 3.0,
  freeDashboardsPerAccount: 3,
  /** Logs: ingestion per GB (standard class), storage per GB-month. */
  logsIngestGb: 0.5,
  logsStoreGbMonth: 0.03,
  /** aws.amazon.com/dynamodb/pricing/on-demand — per million write / read request units; PITR per GB-month. */
  dynamoWriteMillion: 0.625,
  dynamoReadMillion: 0.125,
  /** aws.amazon.com/lambda/pricing — ARM: per GB-second, per million requests. */
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequestMillion: 0.2,
  /** aws.amazon.com/eventbridge/pricing — Scheduler invocations per million (after 14 M free; not counted). */
  schedulerMillion: 1.0,
  /** aws.amazon.com/sqs/pricing — standard/FIFO requests per million (64 KB chunks). */
  sqsRequestMillion: 0.4,
  sqsFifoRequestMillion: 0.5,
  /** aws.amazon.com/s3/pricing — Standard per GB-month, PUT per 1 000. */
  s3StandardGbMonth: 0.023,
  s3PutPer1k: 0.005,
  /** aws.amazon.com/ecr/pricing — image storage per GB-month. */
  ecrGbMonth: 0.1,
  /** aws.amazon.com/sns/pricing — e-mail notifications per 100 000 (first 1 000 free; not counted). */
  snsEmailPer100k: 2.0,
} as const;

export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
