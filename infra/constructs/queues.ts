/**
 * The bot's inbound queues: odds updates (fan-out from the odds poller, standard queue) and control messages
 * (daily reset, mode changes; FIFO so they apply in order and de-duplicate), each with a dead-letter queue,
 * plus the dead-letter queue of the scheduler's own deliveries. All encrypted (SSE-SQS) and TLS-only.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export const QUEUE_ENV = { oddsUpdates: 'ODDS_QUEUE_URL', control: 'CONTROL_QUEUE_URL' } as const;
/** Receives before a message is moved to its DLQ. */
export const MAX_RECEIVE_COUNT = 5;

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
    const dlqProps = { ...common, retentionPeriod: Duration.days(14) };

    this.oddsUpdatesDlq = new sqs.Queue(this, 'OddsUpdatesDlq', dlqProps);
    this.oddsUpdates = new sqs.Queue(this, 'OddsUpdates', {
      ...common,
      visibilityTimeout: Duration.seconds(30),
      // Odds go stale fast: an update nobody consumed within 10 minutes is worthless.
      retentionPeriod: Duration.minutes(10),
      deadLetterQueue: { queue: this.oddsUpdatesDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.controlDlq = new sqs.Queue(this, 'ControlDlq', { ...dlqProps, fifo: true });
    this.control = new sqs.Queue(this, 'Control', {
      ...common,
      fifo: true,
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.seconds(30),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.controlDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

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
