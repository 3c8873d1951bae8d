/**
 * The bot's inbound queues: odds updates (fan-out from the odds poller, standard queue) and control messages
 * (daily reset, mode changes; FIFO so they apply in order and de-duplicate), each with a dead-letter queue,
 * plus the dead-letter queue of the scheduler's own deliveries. All encrypted (SSE-SQS) and TLS-only.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_DEFINITIONS, type QueueDefinition } from '../../shared/aws/queue-definitions.js';

export { QUEUE_ENV, MAX_RECEIVE_COUNT } from '../../shared/aws/queue-definitions.js';

export class BotQueues extends Construct {
  readonly oddsUpdates: sqs.Queue;
  readonly oddsUpdatesDlq: sqs.Queue;
  readonly control: sqs.Queue;
  readonly controlDlq: sqs.Queue;
  /** Where EventBridge Scheduler puts invocations it could not deliver. */
  readonly schedulerDlq: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const common = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: RemovalPolicy.DESTROY } as const;
    const pair = (id: string, def: QueueDefinition): { queue: sqs.Queue; dlq: sqs.Queue } => {
      const dlq = new sqs.Queue(this, `${id}Dlq`, { ...common, fifo: def.fifo || undefined, retentionPeriod: Duration.seconds(def.dlqRetentionSeconds) });
      const queue = new sqs.Queue(this, id, {
        ...common,
        fifo: def.fifo || undefined,
        ...(def.fifo ? { contentBasedDeduplication: false } : {}),
        visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
        retentionPeriod: Duration.seconds(def.retentionSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: def.maxReceiveCount },
      });
      return { queue, dlq };
    };
    const odds = pair('OddsUpdates', QUEUE_DEFINITIONS.oddsUpdates);
    this.oddsUpdates = odds.queue;
    this.oddsUpdatesDlq = odds.dlq;
    const control = pair('Control', QUEUE_DEFINITIONS.control);
    this.control = control.queue;
    this.controlDlq = control.dlq;

    const dlqProps = { ...common, retentionPeriod: Duration.days(14) };
    this.schedulerDlq = new sqs.Queue(this, 'SchedulerDlq', dlqProps);
    Validations.of(this.schedulerDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue IS a dead-letter queue: the deadLetterConfig of the EventBridge Scheduler targets (cdk-nag only recognises queue-to-queue redrive).',
    });
  }

  get deadLetterQueues(): { name: string; queue: sqs.Queue }[] {
    return [
      { name: 'OddsUpdates', queue: this.oddsUpdatesDlq },
      { name: 'Control', queue: this.controlDlq },
      { name: 'Scheduler', queue: this.schedulerDlq },
    ];
  }
}
