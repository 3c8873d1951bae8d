/**
 * Per-stage settings, all in one place. `cdk synth -c stage=staging|prod` picks one. The alarm e-mail comes
 * from context (`-c alarmEmail=ops@example.com`) so no address is committed; without it the topic has no
 * subscription.
 */
import type { OrphanPolicy } from '../../shared/reconciliation/drift.js';

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
  /** Endpoints of the exchange (REST api and gateway) the functions call. */
  exchange: { apiBaseUrl: string; gatewayBaseUrl: string };
  /** What the odds poller polls (ODDS_* environment of functions/odds-poller). */
  odds: {
    /** "sport:league" pairs; one fan-out message per league. */
    leagues: readonly { sport: string; league: string }[];
    sportsbooks: readonly string[];
    markets: readonly string[];
    /** Quotes older than this are left out of the consensus. */
    maxQuoteAgeSeconds: number;
    /** OpticOdds REST base URL. */
    baseUrl: string;
  };
  /** RECONCILER_* environment of functions/reconciler. */
  reconciler: {
    /** What to do with an open order on the exchange that has no record: cancel it, or adopt it. */
    orphanPolicy: OrphanPolicy;
    /** Orders younger than this are not judged (they may still be in flight), seconds. */
    graceSeconds: number;
    /** How far back activities are read, minutes. */
    lookbackMinutes: number;
  };
}

const EXCHANGE = { apiBaseUrl: 'https://api.polymarket.us', gatewayBaseUrl: 'https://gateway.polymarket.us' } as const;
const ODDS_DEFAULTS = {
  leagues: [{ sport: 'basketball', league: 'NBA' }],
  sportsbooks: ['Pinnacle', 'DraftKings', 'FanDuel', 'Caesars', 'BetMGM'],
  markets: ['Moneyline'],
  maxQuoteAgeSeconds: 1800,
  baseUrl: 'https://api.opticodds.com/api/v3',
} as const;
const RECONCILER_DEFAULTS = { orphanPolicy: 'cancel', graceSeconds: 120, lookbackMinutes: 360 } as const;

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
    exchange: EXCHANGE,
    odds: ODDS_DEFAULTS,
    reconciler: RECONCILER_DEFAULTS,
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
    exchange: EXCHANGE,
    odds: ODDS_DEFAULTS,
    reconciler: RECONCILER_DEFAULTS,
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
