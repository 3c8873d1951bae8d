/**
 * Alerts: an SNS topic (KMS-encrypted with a key CloudWatch may use, TLS-only) with an optional e-mail
 * subscription, the alarms of docs/architecture.md ("Alerts") notifying it, and a dashboard.
 *
 * Delivery: `enforceSSL` gives the topic a resource policy (a Deny without TLS), which replaces SNS's default
 * policy; so the policy also ALLOWS cloudwatch.amazonaws.com to publish, for alarms of this account only
 * (aws:SourceAccount) — without it alarms change state and notify nobody.
 *
 * Deploys are not outages (a deploy stops the old task, up to 120 s, then the new one waits for the lease and
 * rebuilds before it exports anything):
 *  - BotTaskNotRunning watches the service's own AWS/ECS CPUUtilization samples (free, one a minute while a
 *    task runs; no Container Insights) and fires after 5 minutes without one, longer than a deploy's gap;
 *  - the bot's alarm metrics start only once start-up is done, and their alarms treat missing data as not
 *    breaching: "not reporting at all" is BotTaskNotRunning's job, not the WebSocket alarm's;
 *  - the job alarms (Lambda Errors, Throttles, failed runs in the scheduler DLQ) do not depend on the task.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARM_METRICS, BOT_STATUS_LOG_MESSAGE, metricsNamespace } from '../../shared/aws/alarm-metrics.js';
import type { StageConfig } from '../config/stages.js';

export interface AlertingProps {
  config: StageConfig;
  /** E-mail for alarm notifications (context `alarmEmail`); none = topic without subscription. */
  alarmEmail?: string;
}

export interface AlarmTargets {
  service: ecs.FargateService;
  deadLetterQueues: { name: string; queue: sqs.IQueue }[];
  /** The scheduled job functions: an Errors and a Throttles alarm each, and dashboard widgets. */
  functions: Readonly<Record<string, lambda.IFunction>>;
  /** The bot's log group: the dashboard charts its "bot status" lines (PnL, exposure, orders). */
  botLogGroup: logs.ILogGroup;
}

/** Minutes without an AWS/ECS sample of the service before BotTaskNotRunning fires (a deploy's gap is shorter). */
export const TASK_NOT_RUNNING_MINUTES = 5;

export class Alerting extends Construct {
  readonly topic: sns.Topic;
  readonly topicKey: kms.Key;
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  dashboard: cloudwatch.Dashboard | undefined;
  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    this.config = props.config;
    const key = new kms.Key(this, 'TopicKey', {
      description: `Encrypts the ${props.config.stage} trading alarm topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms publish to an encrypted topic only if they may use its key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topicKey = key;
    this.topic = new sns.Topic(this, 'Topic', { displayName: `Trading alarms (${props.config.stage})`, masterKey: key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
  }

  /**
   * Lets `grantee` publish to the topic: sns:Publish on the topic and exactly the two KMS actions publishing
   * to an encrypted topic needs, on its key (Topic.grantPublish would grant `kms:GenerateDataKey*`).
   */
  grantPublish(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [this.topic.topicArn] });
    iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resourceArns: [this.topicKey.keyArn] });
  }

  private metric(name: string, statistic: string, period = Duration.minutes(1)): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: metricsNamespace(this.config.stage), metricName: name, statistic, period });
  }

  private add(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, { alarmName: `${this.config.stage}-trading-${id}`, ...props });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms[id] = alarm;
    return alarm;
  }

  addAlarms(targets: AlarmTargets): cloudwatch.Dashboard {
    const { alarms: thresholds } = this.config;
    const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
    const GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

    this.add('DailyLossLimitHit', {
      alarmDescription: 'The daily loss limit tripped the circuit breaker: trading is stopped until the New York midnight reset.',
      metric: this.metric(ALARM_METRICS.dailyLossLimitHit, 'Sum'),
      threshold: 1,
      comparisonOperator: GTE,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.add('ExchangeWebSocketDown', {
      alarmDescription: `The exchange WebSocket has been down for more than ${thresholds.wsDownSeconds} s.`,
      metric: this.metric(ALARM_METRICS.venueWsDownSeconds, 'Maximum'),
      threshold: thresholds.wsDownSeconds,
      comparisonOperator: GT,
      evaluationPeriods: 1,
      // No samples: the bot is not reporting (a deploy, the lease wait, the rebuild, or a stopped task).
      // BotTaskNotRunning covers a task that is really gone; this alarm judges a running bot's socket.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const requests = this.metric(ALARM_METRICS.venueRestRequests, 'Sum', Duration.minutes(5));
    const errors = this.metric(ALARM_METRICS.venueRestErrors, 'Sum', Duration.minutes(5));
    this.add('ApiErrorRate', {
      alarmDescription: `More than ${thresholds.apiErrorRatePercent} % of exchange REST requests failed over 5 minutes.`,
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: { requests, errors },
        period: Duration.minutes(5),
        label: 'API error rate (%)',
      }),
      threshold: thresholds.apiErrorRatePercent,
      comparisonOperator: GT,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.add('PositionOverLimit', {
      alarmDescription: 'At least one market holds a position above its limit.',
      metric: this.metric(ALARM_METRICS.positionsOverLimit, 'Maximum'),
      threshold: 0,
      comparisonOperator: GT,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const taskSamples = new cloudwatch.Metric({
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensionsMap: { ClusterName: targets.service.cluster.clusterName, ServiceName: targets.service.serviceName },
      statistic: 'SampleCount',
      period: Duration.minutes(1),
    });
    this.add('BotTaskNotRunning', {
      alarmDescription: `The bot service has had no running task for ${TASK_NOT_RUNNING_MINUTES} minutes (no AWS/ECS samples; a deploy or a Spot replacement is shorter).`,
      metric: taskSamples,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: TASK_NOT_RUNNING_MINUTES,
      datapointsToAlarm: TASK_NOT_RUNNING_MINUTES,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.add('VenueWireDrift', {
      alarmDescription:
        'The exchange sent an enum value this build does not know (a new order state, reject reason, activity type…): the bot handles it conservatively; the log line "unknown enum value" names it. Run the preflight and update the client.',
      metric: this.metric(ALARM_METRICS.venueWireDrift, 'Sum', Duration.minutes(5)),
      threshold: 1,
      comparisonOperator: GTE,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.add('ReconciliationDrift', {
      alarmDescription: 'The reconciler found orders, fills or positions that differ from the exchange.',
      metric: this.metric(ALARM_METRICS.reconciliationDrift, 'Maximum', Duration.minutes(5)),
      threshold: 0,
      comparisonOperator: GT,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const { name, queue } of targets.deadLetterQueues) {
      this.add(`DeadLetters${name}`, {
        alarmDescription: `Messages are waiting in the ${name} dead-letter queue.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: 0,
        comparisonOperator: GT,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    for (const [name, fn] of Object.entries(targets.functions)) {
      const id = name.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
      this.add(`${id}Errors`, {
        alarmDescription: `The ${name} function failed (an error or a timeout); failed scheduled runs also land in the scheduler dead-letter queue.`,
        metric: fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: GTE,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.add(`${id}Throttles`, {
        alarmDescription: `The ${name} function was throttled (account concurrency exhausted): runs are delayed or dropped.`,
        metric: fn.metricThrottles({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: GTE,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${this.config.stage}-trading` });
    this.dashboard = dashboard;
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Exchange REST requests / errors', left: [requests, errors], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'WebSocket down (s)', left: [this.metric(ALARM_METRICS.venueWsDownSeconds, 'Maximum')], width: 12 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Risk',
        left: [this.metric(ALARM_METRICS.dailyLossLimitHit, 'Sum'), this.metric(ALARM_METRICS.positionsOverLimit, 'Maximum')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead letters',
        left: targets.deadLetterQueues.map((d) => d.queue.metricApproximateNumberOfMessagesVisible({ label: d.name })),
        width: 12,
      }),
    );
    const statusQuery = (fields: string): string[] => [
      `fields @timestamp`,
      `filter msg = "${BOT_STATUS_LOG_MESSAGE}"`,
      `stats ${fields} by bin(5m)`,
    ];
    dashboard.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'PnL today (USD): realized, unrealized',
        logGroupNames: [targets.botLogGroup.logGroupName],
        queryLines: statusQuery('latest(realizedPnlUsd) as realized, latest(unrealizedPnlUsd) as unrealized'),
        view: cloudwatch.LogQueryVisualizationType.LINE,
        width: 8,
      }),
      new cloudwatch.LogQueryWidget({
        title: 'Exposure (USD cost of open positions), positions',
        logGroupNames: [targets.botLogGroup.logGroupName],
        queryLines: statusQuery('latest(exposureUsd) as exposure, latest(positions) as positions'),
        view: cloudwatch.LogQueryVisualizationType.LINE,
        width: 8,
      }),
      new cloudwatch.LogQueryWidget({
        title: 'Open orders',
        logGroupNames: [targets.botLogGroup.logGroupName],
        queryLines: statusQuery('latest(openOrders) as openOrders'),
        view: cloudwatch.LogQueryVisualizationType.LINE,
        width: 8,
      }),
    );
    const fns = Object.entries(targets.functions);
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Jobs: invocations', left: fns.map(([n, f]) => f.metricInvocations({ label: n, period: Duration.minutes(5) })), width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Jobs: errors and throttles',
        left: fns.flatMap(([n, f]) => [f.metricErrors({ label: `${n} errors`, period: Duration.minutes(5) }), f.metricThrottles({ label: `${n} throttles`, period: Duration.minutes(5) })]),
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Jobs: duration (p99, ms)', left: fns.map(([n, f]) => f.metricDuration({ label: n, statistic: 'p99', period: Duration.minutes(5) })), width: 8 }),
    );
    const ecsMetric = (metricName: string, statistic: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: 'AWS/ECS',
        metricName,
        dimensionsMap: { ClusterName: targets.service.cluster.clusterName, ServiceName: targets.service.serviceName },
        statistic,
        period: Duration.minutes(1),
      });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Bot task: running (samples a minute)', left: [taskSamples], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Bot task: CPU and memory (%)', left: [ecsMetric('CPUUtilization', 'Maximum'), ecsMetric('MemoryUtilization', 'Maximum')], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Bot: waiting for credentials',
        left: [this.metric('bot.waiting_for_credentials', 'Maximum', Duration.minutes(5))],
        width: 8,
      }),
    );
    return dashboard;
  }
}
