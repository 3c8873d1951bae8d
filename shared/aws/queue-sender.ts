/** Sending JSON messages to a queue: SQS on AWS (fauxqs locally), or in memory for tests. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface SendOptions {
  /** FIFO queues: messages of one group are delivered in order. */
  groupId?: string;
  /** FIFO queues: a second message with the same id within 5 minutes is dropped. */
  deduplicationId?: string;
  delaySeconds?: number;
}

export interface QueueSender {
  send(body: unknown, options?: SendOptions): Promise<{ messageId: string }>;
}

export class SqsQueueSender implements QueueSender {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string) {}
  async send(body: unknown, options: SendOptions = {}): Promise<{ messageId: string }> {
    const r = await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(body),
        ...(options.groupId ? { MessageGroupId: options.groupId } : {}),
        ...(options.deduplicationId ? { MessageDeduplicationId: options.deduplicationId } : {}),
        ...(options.delaySeconds !== undefined ? { DelaySeconds: options.delaySeconds } : {}),
      }),
    );
    return { messageId: r.MessageId ?? '' };
  }
}

export class MemoryQueueSender implements QueueSender {
  readonly sent: { body: unknown; options: SendOptions }[] = [];
  async send(body: unknown, options: SendOptions = {}): Promise<{ messageId: string }> {
    this.sent.push({ body, options });
    return { messageId: `mem-${this.sent.length}` };
  }
}
