/**
 * Alerts: an SNS topic (KMS-encrypted with a key CloudWatch may use, TLS-only) with an optional e-mail
 * subscription, the alarms of docs/architecture.md ("Alerts") notifying it, and a dashboard.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARM_METRICS, metricsNamespace } from '../../shared/aws/alarm-metrics.js';
import type { StageConfig } from '../config/stages.js';

export interface AlertingProps {
  config: StageConfig;
  /** E-mail for alarm notifications (context `alarmEmail`); none = topic without subscription. */
  alarmEmail?: string;
}

export interface AlarmTargets {
  service: ecs.FargateService;
  deadLetterQueues: { name: string; queue: sqs.IQueue }[];
}

export class Alerting extends Construct {
  readonly topic: sns.Topic;
  readonly topicKey: kms.Key;
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
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
      // No samples means the bot is not reporting at all: that is down too.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
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
    this.add('BotTaskNotRunning', {
      alarmDescription: 'The bot service has no running task.',
      metric: new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: { ClusterName: targets.service.cluster.clusterName, ServiceName: targets.service.serviceName },
        statistic: 'Minimum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
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

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${this.config.stage}-trading` });
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
    return dashboard;
  }
}
