/**
 * A complete local AWS environment for `npm start` and tests: dynalite with the project's tables and fauxqs
 * with the bot's queues (same redrive and FIFO settings as the CDK stack) and an alert topic. Returns the
 * same names / URLs the deployed stack passes through environment variables.
 */
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { createTables } from '../store/create-tables.js';
import { prefixedTableNames, tableEnvVar, TABLE_LOGICAL_NAMES, type TableNames } from '../store/table-definitions.js';
import { startLocalDynamo, startLocalMessaging, type LocalDynamo, type LocalMessaging } from './local-emulators.js';
import { QUEUE_DEFINITIONS, QUEUE_ENV, type QueueDefinition } from './queue-definitions.js';

export interface LocalQueue {
  url: string;
  arn: string;
  dlqUrl: string;
}

export interface LocalAwsEnvironment {
  dynamo: LocalDynamo;
  messaging: LocalMessaging;
  tables: TableNames;
  queues: Record<QueueDefinition['logicalName'], LocalQueue>;
  alertTopicArn: string;
  /** Environment variables as the stack would set them (TABLE_*, ODDS_QUEUE_URL, CONTROL_QUEUE_URL, …). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startLocalAwsEnvironment(options: { prefix?: string } = {}): Promise<LocalAwsEnvironment> {
  const prefix = options.prefix ?? 'local';
  const [dynamo, messaging] = await Promise.all([startLocalDynamo(), startLocalMessaging()]);
  const stop = async (): Promise<void> => {
    await Promise.all([dynamo.stop(), messaging.stop()]);
  };
  try {
    const tables = prefixedTableNames(prefix);
    await createTables(dynamo.client, tables);

    const createQueue = async (def: QueueDefinition): Promise<LocalQueue> => {
      const suffix = def.fifo ? '.fifo' : '';
      const fifoAttrs: Record<string, string> = def.fifo ? { FifoQueue: 'true' } : {};
      const dlq = await messaging.sqs.send(
        new CreateQueueCommand({
          QueueName: `${prefix}-${def.logicalName}-dlq${suffix}`,
          Attributes: { ...fifoAttrs, MessageRetentionPeriod: String(def.dlqRetentionSeconds) },
        }),
      );
      const dlqArn = (await messaging.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
      const q = await messaging.sqs.send(
        new CreateQueueCommand({
          QueueName: `${prefix}-${def.logicalName}${suffix}`,
          Attributes: {
            ...fifoAttrs,
            VisibilityTimeout: String(def.visibilityTimeoutSeconds),
            MessageRetentionPeriod: String(def.retentionSeconds),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: def.maxReceiveCount }),
          },
        }),
      );
      const arn = (await messaging.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
      return { url: q.QueueUrl!, arn: arn!, dlqUrl: dlq.QueueUrl! };
    };
    const queues = {
      oddsUpdates: await createQueue(QUEUE_DEFINITIONS.oddsUpdates),
      control: await createQueue(QUEUE_DEFINITIONS.control),
    };
    const topic = await messaging.sns.send(new CreateTopicCommand({ Name: `${prefix}-alerts` }));

    const env: Record<string, string> = {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: messaging.endpoint,
      AWS_ENDPOINT_URL_SNS: messaging.endpoint,
      [QUEUE_ENV.oddsUpdates]: queues.oddsUpdates.url,
      [QUEUE_ENV.control]: queues.control.url,
      ALERT_TOPIC_ARN: topic.TopicArn!,
    };
    for (const n of TABLE_LOGICAL_NAMES) env[tableEnvVar(n)] = tables[n];
    return { dynamo, messaging, tables, queues, alertTopicArn: topic.TopicArn!, env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
