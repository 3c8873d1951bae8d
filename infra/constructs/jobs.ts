/**
 * The scheduled Lambdas: odds-poller, reconciler, daily-reset, reporter. Each is a NodejsFunction bundled
 * locally by esbuild (never Docker) for Node 22 as ESM, running on nodejs22.x / ARM64, with its own role and
 * log group, and only the grants it needs. Schedules are EventBridge Scheduler schedules; the daily reset runs
 * at 00:00 America/New_York (time-zone aware: DST is handled by the scheduler). The odds poller is also the
 * consumer of its own fan-out queue (one message per league, partial batch failures).
 */
import { Duration, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { TRADING_TIME_ZONE } from '../../shared/store/trading-day.js';
import type { StageConfig } from '../config/stages.js';
import type { Alerting } from './alerting.js';
import { ODDS_FANOUT_QUEUE_ENV, ODDS_POLLER_TIMEOUT_SECONDS, QUEUE_ENV, type BotQueues } from './queues.js';
import type { Settings } from './settings.js';
import { pascalCase, stageFunction } from './stage-function.js';
import type { StateTables } from './state-tables.js';

export const JOB_NAMES = ['odds-poller', 'reconciler', 'daily-reset', 'reporter'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobsProps {
  config: StageConfig;
  /** Absolute path of each function's entry file (functions/<name>/handler.ts). */
  entries: Readonly<Record<JobName, string>>;
  /** The package-lock.json that pins the bundled dependencies. */
  depsLockFilePath: string;
  /** Project root for bundling (the folder holding package.json). */
  projectRoot: string;
  tables: StateTables;
  queues: BotQueues;
  settings: Settings;
  alerting: Alerting;
  reportsBucket: s3.Bucket;
}

export class Jobs extends Construct {
  readonly functions: Readonly<Record<JobName, nodejs.NodejsFunction>>;
  readonly schedules: Readonly<Record<JobName, scheduler.CfnSchedule>>;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    const { config, tables, queues, settings } = props;

    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: invokes the trading jobs and dead-letters failed deliveries',
    });
    queues.schedulerDlq.grantSendMessages(schedulerRole);

    const make = (name: JobName, description: string, timeout: Duration, memorySize: number): nodejs.NodejsFunction => {
      const fn = stageFunction(this, {
        config,
        name,
        entry: props.entries[name],
        description,
        memorySize,
        timeout,
        projectRoot: props.projectRoot,
        depsLockFilePath: props.depsLockFilePath,
      });
      // The scheduler invokes asynchronously: a run that still fails after Lambda's two retries lands in the
      // scheduler's dead-letter queue (its alarm notifies), with the request and the error.
      fn.configureAsyncInvoke({ onFailure: new destinations.SqsDestination(queues.schedulerDlq), retryAttempts: 2, maxEventAge: Duration.hours(1) });
      return fn;
    };

    const fns: Record<JobName, nodejs.NodejsFunction> = {
      'odds-poller': make('odds-poller', 'Polls OpticOdds, stores odds snapshots, fans updates out to the bot', Duration.seconds(ODDS_POLLER_TIMEOUT_SECONDS), 512),
      reconciler: make('reconciler', 'Reconciles orders, fills and positions with the exchange', Duration.seconds(90), 512),
      'daily-reset': make('daily-reset', 'Midnight New York: archives the risk day and resets the daily breaker', Duration.seconds(30), 256),
      reporter: make('reporter', 'Daily report to S3 and a summary to SNS', Duration.minutes(2), 512),
    };

    const env = (fn: nodejs.NodejsFunction, vars: Record<string, string>): void => {
      for (const [k, v] of Object.entries(vars)) fn.addEnvironment(k, v);
    };

    // odds-poller: provider key, odds snapshots, odds queue; the schedule fans out one message per league to
    // its own fan-out queue, which invokes the same function (partial batch failures: one bad league does not
    // redeliver the others).
    const poller = fns['odds-poller'];
    env(poller, settings.grantReadSecrets(poller, ['dataProviderKey']));
    tables.grant(poller, 'oddsSnapshots', 'readWrite');
    env(poller, { ...tables.environment(['oddsSnapshots']), ODDS_SNAPSHOT_TTL_SECONDS: String(config.oddsSnapshotTtlHours * 3600) });
    queues.oddsUpdates.grantSendMessages(poller);
    env(poller, { [QUEUE_ENV.oddsUpdates]: queues.oddsUpdates.queueUrl });
    queues.oddsFanout.grantSendMessages(poller);
    env(poller, { [ODDS_FANOUT_QUEUE_ENV]: queues.oddsFanout.queueUrl });
    poller.addEventSource(new SqsEventSource(queues.oddsFanout, { batchSize: 5, reportBatchItemFailures: true }));
    env(poller, {
      ODDS_LEAGUES: config.odds.leagues.map((l) => `${l.sport}:${l.league}`).join(','),
      ODDS_SPORTSBOOKS: config.odds.sportsbooks.join(','),
      ODDS_MARKETS: config.odds.markets.join(','),
      ODDS_MAX_QUOTE_AGE_SECONDS: String(config.odds.maxQuoteAgeSeconds),
      OPTICODDS_BASE_URL: config.odds.baseUrl,
    });

    // reconciler: exchange key, orders/fills/positions, mode, control queue (to tell the bot about drift).
    const rec = fns.reconciler;
    env(rec, settings.grantReadSecrets(rec, ['exchangeKey']));
    env(rec, settings.grantReadParameters(rec, ['tradingMode']));
    for (const t of ['orders', 'fills', 'positions'] as const) tables.grant(rec, t, 'readWrite');
    env(rec, tables.environment(['orders', 'fills', 'positions']));
    queues.control.grantSendMessages(rec);
    env(rec, { [QUEUE_ENV.control]: queues.control.queueUrl });
    // Drift is also announced on the alert topic.
    props.alerting.grantPublish(rec);
    env(rec, {
      ALERT_TOPIC_ARN: props.alerting.topic.topicArn,
      EXCHANGE_API_BASE_URL: config.exchange.apiBaseUrl,
      EXCHANGE_GATEWAY_BASE_URL: config.exchange.gatewayBaseUrl,
      RECONCILER_ORPHAN_POLICY: config.orphanPolicy,
      RECONCILER_GRACE_SECONDS: String(config.reconciler.graceSeconds),
      RECONCILER_LOOKBACK_MINUTES: String(config.reconciler.lookbackMinutes),
    });

    // daily-reset: kill switch, risk days, control queue.
    const reset = fns['daily-reset'];
    env(reset, settings.grantReadParameters(reset, ['killSwitch']));
    tables.grant(reset, 'riskDays', 'readWrite');
    env(reset, tables.environment(['riskDays']));
    queues.control.grantSendMessages(reset);
    env(reset, { [QUEUE_ENV.control]: queues.control.queueUrl, TRADING_TIME_ZONE });

    // reporter: read-only state, write reports, publish the summary.
    const rep = fns.reporter;
    for (const t of ['fills', 'positions', 'riskDays'] as const) tables.grant(rep, t, 'read');
    env(rep, tables.environment(['fills', 'positions', 'riskDays']));
    const reportsPrefix = 'reports/';
    rep.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [props.reportsBucket.arnForObjects(`${reportsPrefix}*`)] }));
    const bucketId = Stack.of(this).getLogicalId(props.reportsBucket.node.defaultChild as CfnResource);
    Validations.of(rep.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${reportsPrefix}*]`,
      reason: 'The reporter writes one new object per report under reports/ (keys are dated); PutObject only, on that prefix only.',
    });
    props.alerting.grantPublish(rep);
    env(rep, { REPORTS_BUCKET: props.reportsBucket.bucketName, REPORTS_PREFIX: reportsPrefix, ALERT_TOPIC_ARN: props.alerting.topic.topicArn });

    this.functions = fns;

    const schedule = (name: JobName, expression: string, input: Record<string, unknown>): scheduler.CfnSchedule => {
      const fn = fns[name];
      // The function ARN itself, not `arn:*` (versions/aliases): the schedule invokes $LATEST only.
      schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
      return new scheduler.CfnSchedule(this, `${pascalCase(name)}Schedule`, {
        description: `${name} (${config.stage})`,
        scheduleExpression: expression,
        scheduleExpressionTimezone: TRADING_TIME_ZONE,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: fn.functionArn,
          roleArn: schedulerRole.roleArn,
          input: JSON.stringify(input),
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 300 },
          deadLetterConfig: { arn: queues.schedulerDlq.queueArn },
        },
      });
    };
    this.schedules = {
      'odds-poller': schedule('odds-poller', config.schedules.oddsPoller, { source: 'schedule' }),
      reconciler: schedule('reconciler', config.schedules.reconciler, { source: 'schedule' }),
      'daily-reset': schedule('daily-reset', 'cron(0 0 * * ? *)', { source: 'schedule', scheduledFor: 'midnight America/New_York' }),
      reporter: schedule('reporter', config.schedules.reporter, { source: 'schedule' }),
    };
  }
}

