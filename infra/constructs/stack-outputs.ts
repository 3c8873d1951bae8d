/**
 * Stack outputs: every ARN and name an operator needs after `cdk deploy` (README, "Putting the keys in",
 * "Operating"), so nobody hunts through the console. `aws cloudformation describe-stacks --stack-name
 * PmusTrader-<stage> --query "Stacks[0].Outputs"` lists them; none is a secret value.
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { TradingStack } from '../stacks/trading-stack.js';

/** Output keys, as the README and the operators' commands use them. */
export const OUTPUT_KEYS = [
  'ExchangeKeySecretArn',
  'DataProviderKeySecretArn',
  'TradingModeParameterName',
  'KillSwitchParameterName',
  'AlarmTopicArn',
  'ClusterName',
  'ServiceName',
  'BotLogGroupName',
  'DashboardName',
  'DashboardUrl',
  'ReportsBucketName',
  'RecordingsBucketName',
  'SchedulerDeadLetterQueueUrl',
  'OrdersTableName',
  'FillsTableName',
  'PositionsTableName',
  'RiskDaysTableName',
  'OddsSnapshotsTableName',
  'LeasesTableName',
] as const;
export type OutputKey = (typeof OUTPUT_KEYS)[number];

export class StackOutputs extends Construct {
  constructor(scope: Construct, id: string, stack: TradingStack) {
    super(scope, id);
    const t = stack.tables.tables;
    const dashboardName = stack.alerting.dashboard?.dashboardName ?? '';
    const values: Record<OutputKey, [string, string]> = {
      ExchangeKeySecretArn: [stack.settings.exchangeKey.secretArn, 'put {"keyId","privateKey"} here (aws secretsmanager put-secret-value)'],
      DataProviderKeySecretArn: [stack.settings.dataProviderKey.secretArn, 'put the OpticOdds key here'],
      TradingModeParameterName: [stack.settings.tradingMode.parameterName, 'paper | live | shadow (operator-owned)'],
      KillSwitchParameterName: [stack.settings.killSwitch.parameterName, 'off | on (operator-owned)'],
      AlarmTopicArn: [stack.alerting.topic.topicArn, 'alarm notifications (subscribe more endpoints here)'],
      ClusterName: [stack.bot.cluster.clusterName, 'ECS cluster of the bot'],
      ServiceName: [stack.bot.service.serviceName, 'ECS service of the bot'],
      BotLogGroupName: [stack.bot.logGroup.logGroupName, 'the bot\'s logs (aws logs tail)'],
      DashboardName: [dashboardName, 'CloudWatch dashboard'],
      DashboardUrl: [
        `https://${Stack.of(this).region}.console.aws.amazon.com/cloudwatch/home?region=${Stack.of(this).region}#dashboards:name=${dashboardName}`,
        'CloudWatch dashboard in the console',
      ],
      ReportsBucketName: [stack.reportsBucket.bucketName, 'daily reports'],
      RecordingsBucketName: [stack.recordingsBucket.bucketName, 'recordings of every inbound message'],
      SchedulerDeadLetterQueueUrl: [stack.queues.schedulerDlq.queueUrl, 'failed or undelivered scheduled job runs'],
      OrdersTableName: [t.orders.tableName, 'orders'],
      FillsTableName: [t.fills.tableName, 'fills ledger'],
      PositionsTableName: [t.positions.tableName, 'positions'],
      RiskDaysTableName: [t.riskDays.tableName, 'risk days (breaker, realized PnL)'],
      OddsSnapshotsTableName: [t.oddsSnapshots.tableName, 'odds snapshots'],
      LeasesTableName: [t.leases.tableName, 'trading leases (one bot per exchange key)'],
    };
    for (const key of OUTPUT_KEYS) {
      const [value, description] = values[key];
      new CfnOutput(stack, key, { value, description });
    }
  }
}
