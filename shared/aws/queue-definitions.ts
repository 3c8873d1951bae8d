/**
 * The bot's queues, defined once for the CDK stack (infra/constructs/queues.ts) and the local fauxqs
 * bootstrap (local-environment.ts), so redrive, FIFO and timeouts agree between AWS and a local session.
 */
export interface QueueDefinition {
  logicalName: 'oddsUpdates' | 'control';
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  maxReceiveCount: number;
  dlqRetentionSeconds: number;
}

export const MAX_RECEIVE_COUNT = 5;

export const QUEUE_DEFINITIONS: Readonly<Record<QueueDefinition['logicalName'], QueueDefinition>> = {
  /** Standard queue: odds go stale fast, so an update nobody consumed within 10 minutes is dropped. */
  oddsUpdates: {
    logicalName: 'oddsUpdates',
    fifo: false,
    visibilityTimeoutSeconds: 30,
    retentionSeconds: 600,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    dlqRetentionSeconds: 14 * 86_400,
  },
  /** FIFO: control messages (daily reset, mode change) apply in order and de-duplicate by id. */
  control: {
    logicalName: 'control',
    fifo: true,
    visibilityTimeoutSeconds: 30,
    retentionSeconds: 4 * 86_400,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    dlqRetentionSeconds: 14 * 86_400,
  },
};

/** Environment variables carrying the queue URLs into the bot and the functions. */
export const QUEUE_ENV = { oddsUpdates: 'ODDS_QUEUE_URL', control: 'CONTROL_QUEUE_URL' } as const;

/** Message group of the FIFO control queue (one group: strict order across all control messages). */
export const CONTROL_MESSAGE_GROUP = 'control';
