/**
 * Per-stage settings, all in one place. `cdk synth -c stage=staging|prod` picks one. The alarm e-mail comes
 * from context (`-c alarmEmail=ops@example.com`) so no address is committed; without it the topic has no
 * subscription.
 */
import type { OrphanPolicy } from '../../shared/reconciliation/drift.js';
import { RESEARCH_DEFAULTS, type ResearchSettings } from './research.js';

export const STAGE_NAMES = ['staging', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];
/** The trading-mode parameter's values (shared/config/schema.ts TRADING_MODES). */
export type TradingMode = 'paper' | 'live' | 'shadow';

export interface StageConfig {
  stage: StageName;
  /**
   * First value of /<stage>/trading/mode, written only when the parameter does not exist yet
   * (infra/constructs/operator-parameters.ts); operators own it afterwards, no deploy rewrites it.
   */
  initialTradingMode: TradingMode;
  /** Daily loss limit (USD) the bot enforces; passed to the task as configuration. */
  maxDailyLossUsd: number;
  /** Largest position per market, in contracts; above it the position-over-limit alarm fires. */
  maxPositionContracts: number;
  /**
   * Keep data (tables, secrets, reports, recordings) when the stack is deleted. Without it the buckets are
   * emptied and deleted with the stack (autoDeleteObjects).
   */
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
    /**
     * FARGATE_SPOT (about a third of the on-demand price; ARM64 on platform 1.4.0+) suits a paper stage: an
     * interruption is a SIGTERM two minutes ahead, the graceful stop and the lease handle it like a deploy.
     * Live money runs on FARGATE.
     */
    capacity: 'FARGATE' | 'FARGATE_SPOT';
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
  /**
   * What to do with an open order on the exchange that has no record: cancel it, or adopt it. One setting for
   * both places that judge orphans: the bot's start-up rebuild (ORPHAN_POLICY) and the reconciler
   * (RECONCILER_ORPHAN_POLICY).
   */
  orphanPolicy: OrphanPolicy;
  /** Lifecycle of the recordings bucket (every inbound message, gzip chunks under recordings/<stage>/). */
  recordings: RecordingsLifecycle;
  /** RECONCILER_* environment of functions/reconciler. */
  reconciler: {
    /** Orders younger than this are not judged (they may still be in flight), seconds. */
    graceSeconds: number;
    /** How far back activities are read, minutes. */
    lookbackMinutes: number;
  };
  /** The optional research stack (sweeps on Step Functions): infra/config/research.ts. */
  research: ResearchSettings;
}

export interface RecordingsLifecycle {
  /** Days after upload before a chunk moves to S3 Standard-IA (S3 requires at least 30). */
  infrequentAccessAfterDays: number;
  /** Days after upload before a chunk moves to S3 Glacier Instant Retrieval. */
  glacierInstantRetrievalAfterDays: number;
  /** Days after upload before a chunk is deleted. */
  expireAfterDays: number;
}

export class InvalidStageConfigError extends Error {
  constructor(stage: string, message: string) {
    super(`stage ${stage}: ${message} (infra/config/stages.ts)`);
    this.name = 'InvalidStageConfigError';
  }
}

/**
 * Checked at synth rather than found at deploy: S3's own rule (Standard-IA no earlier than day 30) and the
 * classes' minimum billed storage (Standard-IA 30 days, Glacier IR 90 days: leaving a class earlier is billed
 * as if the object had stayed), so each step is at least that long after the previous one.
 */
export function validateRecordingsLifecycle(stage: string, l: RecordingsLifecycle): void {
  const days = [l.infrequentAccessAfterDays, l.glacierInstantRetrievalAfterDays, l.expireAfterDays];
  if (!days.every((d) => Number.isSafeInteger(d) && d > 0)) throw new InvalidStageConfigError(stage, 'recordings lifecycle days must be positive integers');
  if (l.infrequentAccessAfterDays < 30) throw new InvalidStageConfigError(stage, 'recordings: Standard-IA transition must be at least 30 days');
  if (l.glacierInstantRetrievalAfterDays < l.infrequentAccessAfterDays + 30) {
    throw new InvalidStageConfigError(stage, 'recordings: Glacier IR transition must be at least 30 days after the Standard-IA one (its minimum storage)');
  }
  if (l.expireAfterDays < l.glacierInstantRetrievalAfterDays + 90) {
    throw new InvalidStageConfigError(stage, 'recordings: expiry must be at least 90 days after the Glacier IR transition (its minimum storage)');
  }
}

const EXCHANGE = { apiBaseUrl: 'https://api.polymarket.us', gatewayBaseUrl: 'https://gateway.polymarket.us' } as const;
const ODDS_DEFAULTS = {
  leagues: [{ sport: 'basketball', league: 'NBA' }],
  sportsbooks: ['Pinnacle', 'DraftKings', 'FanDuel', 'Caesars', 'BetMGM'],
  markets: ['Moneyline'],
  maxQuoteAgeSeconds: 1800,
  baseUrl: 'https://api.opticodds.com/api/v3',
} as const;
const RECONCILER_DEFAULTS = { graceSeconds: 120, lookbackMinutes: 360 } as const;
const RECORDINGS_DEFAULTS: RecordingsLifecycle = { infrequentAccessAfterDays: 30, glacierInstantRetrievalAfterDays: 90, expireAfterDays: 730 };

/** What both stages share; each stage below says only where it differs. */
const COMMON = {
  initialTradingMode: 'paper',
  alarms: { wsDownSeconds: 30, apiErrorRatePercent: 5 },
  bot: { cpu: 256, memoryMiB: 512, healthPort: 8080, capacity: 'FARGATE' },
  maxAzs: 2,
  exchange: EXCHANGE,
  odds: ODDS_DEFAULTS,
  orphanPolicy: 'cancel',
  recordings: RECORDINGS_DEFAULTS,
  reconciler: RECONCILER_DEFAULTS,
  research: RESEARCH_DEFAULTS,
} as const satisfies Partial<StageConfig>;

export const STAGES: Readonly<Record<StageName, StageConfig>> = {
  staging: {
    ...COMMON,
    stage: 'staging',
    research: { ...RESEARCH_DEFAULTS, enabled: true },
    bot: { ...COMMON.bot, capacity: 'FARGATE_SPOT' },
    maxDailyLossUsd: 25,
    maxPositionContracts: 100,
    retainData: false,
    logRetentionDays: 14,
    oddsSnapshotTtlHours: 24,
    schedules: { oddsPoller: 'rate(1 minute)', reconciler: 'rate(5 minutes)', reporter: 'cron(15 0 * * ? *)' },
  },
  prod: {
    ...COMMON,
    stage: 'prod',
    maxDailyLossUsd: 50,
    maxPositionContracts: 500,
    retainData: true,
    logRetentionDays: 90,
    oddsSnapshotTtlHours: 72,
    schedules: { oddsPoller: 'rate(1 minute)', reconciler: 'rate(2 minutes)', reporter: 'cron(15 0 * * ? *)' },
  },
};

/**
 * The leases table's fixed name: the other stages' bots read it (GetItem, shared/store/peer-leases.ts) to refuse
 * trading live on an exchange key another stage's bot holds.
 */
export function leaseTableName(stage: StageName): string {
  return `pmus-trader-${stage}-leases`;
}

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
