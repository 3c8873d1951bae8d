/**
 * Per-stage settings, all in one place. `cdk synth -c stage=staging|prod` picks one. The alarm e-mail comes
 * from context (`-c alarmEmail=ops@example.com`) so no address is committed; without it the topic has no
 * subscription.
 */
export const STAGE_NAMES = ['staging', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];
export type TradingMode = 'paper' | 'live';

export interface StageConfig {
  stage: StageName;
  /** Initial value of /<stage>/trading/mode; operators flip it in SSM, CloudFormation ignores later changes. */
  initialTradingMode: TradingMode;
  /** Daily loss limit (USD) the bot enforces; passed to the task as configuration. */
  maxDailyLossUsd: number;
  /** Largest position per market, in contracts; above it the position-over-limit alarm fires. */
  maxPositionContracts: number;
  /** Keep data (tables, secrets, reports) when the stack is deleted. */
  retainData: boolean;
  /** CloudWatch Logs retention for the task and the functions, days. */
  logRetentionDays: 7 | 14 | 30 | 90 | 365;
  /** Odds snapshots expire after this many hours (DynamoDB TTL). */
  oddsSnapshotTtlHours: number;
  schedules: {
    /** EventBridge Scheduler expressions. */
    oddsPoller: string;
    reconciler: string;
    /** Evaluated in America/New_York; the daily reset is always midnight New York. */
    reporter: string;
  };
  alarms: {
    wsDownSeconds: number;
    apiErrorRatePercent: number;
  };
  bot: {
    /** Fargate task size (ARM64): 256 = 0.25 vCPU. */
    cpu: 256 | 512 | 1024;
    memoryMiB: 512 | 1024 | 2048;
    /** Port of the task's HTTP health endpoint (GET /healthz), loopback-only. */
    healthPort: number;
  };
  /** Number of public-subnet AZs (no lookup: Fn::GetAZs at deploy time). */
  maxAzs: 2 | 3;
}

export const STAGES: Readonly<Record<StageName, StageConfig>> = {
  staging: {
    stage: 'staging',
    initialTradingMode: 'paper',
    maxDailyLossUsd: 25,
    maxPositionContracts: 100,
    retainData: false,
    logRetentionDays: 14,
    oddsSnapshotTtlHours: 24,
    schedules: { oddsPoller: 'rate(1 minute)', reconciler: 'rate(5 minutes)', reporter: 'cron(15 0 * * ? *)' },
    alarms: { wsDownSeconds: 30, apiErrorRatePercent: 5 },
    bot: { cpu: 256, memoryMiB: 512, healthPort: 8080 },
    maxAzs: 2,
  },
  prod: {
    stage: 'prod',
    initialTradingMode: 'paper',
    maxDailyLossUsd: 50,
    maxPositionContracts: 500,
    retainData: true,
    logRetentionDays: 90,
    oddsSnapshotTtlHours: 72,
    schedules: { oddsPoller: 'rate(1 minute)', reconciler: 'rate(2 minutes)', reporter: 'cron(15 0 * * ? *)' },
    alarms: { wsDownSeconds: 30, apiErrorRatePercent: 5 },
    bot: { cpu: 256, memoryMiB: 512, healthPort: 8080 },
    maxAzs: 2,
  },
};

export class UnknownStageError extends Error {
  constructor(value: unknown) {
    super(`unknown stage ${JSON.stringify(value)}; expected one of ${STAGE_NAMES.join(', ')} (cdk synth -c stage=staging)`);
    this.name = 'UnknownStageError';
  }
}

export function stageConfig(value: unknown): StageConfig {
  if (typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value)) return STAGES[value as StageName];
  throw new UnknownStageError(value);
}
