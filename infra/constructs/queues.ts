/**
 * The bot's inbound queues: odds updates (from the odds poller, standard queue) and control messages (daily
 * reset, mode changes; FIFO so they apply in order and de-duplicate), each with a dead-letter queue; the odds
 * poller's own fan-out queue (one message per league, consumed by the same function) with its dead-letter
 * queue; and the dead-letter queue of the scheduler's own deliveries. All encrypted (SSE-SQS) and TLS-only.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT, QUEUE_DEFINITIONS, type QueueDefinition } from '../../shared/aws/queue-definitions.js';

export { QUEUE_ENV, MAX_RECEIVE_COUNT } from '../../shared/aws/queue-definitions.js';

/** A queue's settings (the shared definitions without their local logical name). */
export type QueueSettings = Omit<QueueDefinition, 'logicalName'>;

/** Environment variable carrying the fan-out queue URL into the odds poller (functions/odds-poller/handler.ts). */
export const ODDS_FANOUT_QUEUE_ENV = 'ODDS_FANOUT_QUEUE_URL';

/** The odds poller's function timeout, s (infra/constructs/jobs.ts). */
export const ODDS_POLLER_TIMEOUT_SECONDS = 50;

/**
 * The odds poller's fan-out queue: one message per league, consumed by the poller itself through an SQS event
 * source. Visibility ≥ 6 × the function timeout (AWS's advice for Lambda consumers, so a throttled or retried
 * batch is not redelivered while still running). Retention covers all five receives (5 × 300 s) so a poison
 * message reaches the DLQ rather than expiring on the way.
 */
export const ODDS_FANOUT_QUEUE: QueueSettings = {
  fifo: false,
  visibilityTimeoutSeconds: 6 * ODDS_POLLER_TIMEOUT_SECONDS,
  retentionSeconds: 3_600,
  maxReceiveCount: MAX_RECEIVE_COUNT,
  dlqRetentionSeconds: 14 * 86_400,
};

export class BotQueues extends Construct {
  readonly oddsUpdates: sqs.Queue;
  readonly oddsUpdatesDlq: sqs.Queue;
  readonly control: sqs.Queue;
  readonly controlDlq: sqs.Queue;
  /** The odds poller's per-league fan-out (producer and consumer: the odds-poller function). */
  readonly oddsFanout: sqs.Queue;
  readonly oddsFanoutDlq: sqs.Queue;
  /**
   * Where a scheduled job ends when it did not complete: invocations EventBridge Scheduler could not deliver,
   * and runs that failed after Lambda's retries (the functions' on-failure destination, infra/constructs/jobs.ts).
   */
  readonly schedulerDlq: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const common = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: RemovalPolicy.DESTROY } as const;
    const pair = (id: string, def: QueueSettings): { queue: sqs.Queue; dlq: sqs.Queue } => {
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
    const fanout = pair('OddsFanout', ODDS_FANOUT_QUEUE);
    this.oddsFanout = fanout.queue;
    this.oddsFanoutDlq = fanout.dlq;

    const dlqProps = { ...common, retentionPeriod: Duration.days(14) };
    this.schedulerDlq = new sqs.Queue(this, 'SchedulerDlq', dlqProps);
    Validations.of(this.schedulerDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue IS a dead-letter queue: the deadLetterConfig of the EventBridge Scheduler targets and the on-failure destination of the job functions (cdk-nag only recognises queue-to-queue redrive).',
    });
  }

  get deadLetterQueues(): { name: string; queue: sqs.Queue }[] {
    return [
      { name: 'OddsUpdates', queue: this.oddsUpdatesDlq },
      { name: 'Control', queue: this.controlDlq },
      { name: 'OddsFanout', queue: this.oddsFanoutDlq },
      { name: 'Scheduler', queue: this.schedulerDlq },
    ];
  }
}
