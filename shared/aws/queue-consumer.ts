/**
 * A long-polling SQS consumer for the always-on bot (odds updates, control messages). Each message is parsed
 * and handled in arrival order (FIFO order is preserved); a message is deleted only after its handler
 * succeeded. A malformed message or a failing handler is logged and counted and left on the queue, so it is
 * retried and, after the queue's maxReceiveCount, moved to the dead-letter queue — one bad message never
 * blocks the others.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export interface QueueMessage<T> {
  messageId: string;
  body: T;
  /** 1 on the first delivery. */
  receiveCount: number;
}

export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

export interface QueueConsumerOptions<T> {
  sqs: SQSClient;
  queueUrl: string;
  /** Metric dimension and log name, e.g. "control". */
  name: string;
  /** Validates the decoded JSON body (e.g. a zod schema's parse); throw to reject it as malformed. */
  parse: (json: unknown) => T;
  handle: (message: QueueMessage<T>) => Promise<void>;
  logger: Logger;
  metrics: Metrics;
  /** Long-poll wait (0–20 s); default 20. */
  waitTimeSeconds?: number;
  maxMessages?: number;
  /** Pause after a failed receive before polling again; injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  errorBackoffMs?: number;
}

export interface PollResult {
  received: number;
  handled: number;
  failed: number;
  malformed: number;
}

export class SqsQueueConsumer<T> {
  private running = false;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly o: QueueConsumerOptions<T>) {}

  /** One receive-and-handle round. */
  async pollOnce(signal?: AbortSignal): Promise<PollResult> {
    const dims = { queue: this.o.name };
    const r = await this.o.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.o.queueUrl,
        MaxNumberOfMessages: this.o.maxMessages ?? 10,
        WaitTimeSeconds: this.o.waitTimeSeconds ?? 20,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
      signal ? { abortSignal: signal } : {},
    );
    const messages = r.Messages ?? [];
    const result: PollResult = { received: messages.length, handled: 0, failed: 0, malformed: 0 };
    const done: Message[] = [];
    for (const m of messages) {
      let body: T;
      try {
        body = this.o.parse(JSON.parse(m.Body ?? ''));
      } catch (err) {
        result.malformed++;
        this.o.metrics.increment('queue.malformed', 1, dims);
        this.o.logger.warn('malformed queue message left for the DLQ', { queue: this.o.name, messageId: m.MessageId, err: (err as Error).message });
        continue;
      }
      try {
        await this.o.handle({ messageId: m.MessageId ?? '', body, receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '1') });
        done.push(m);
        result.handled++;
      } catch (err) {
        result.failed++;
        this.o.metrics.increment('queue.handler_failed', 1, dims);
        this.o.logger.error('queue message handler failed; message will be retried', { queue: this.o.name, messageId: m.MessageId, err });
      }
    }
    if (done.length) {
      const del = await this.o.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.o.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      if (del.Failed?.length) {
        this.o.metrics.increment('queue.delete_failed', del.Failed.length, dims);
        this.o.logger.warn('some handled messages could not be deleted and may be redelivered', { queue: this.o.name, failed: del.Failed.length });
      }
    }
    this.o.metrics.increment('queue.handled', result.handled, dims);
    return result;
  }

  /** Starts polling in the background until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms)));
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.pollOnce(signal);
        } catch (err) {
          if (!this.running) break;
          this.o.metrics.increment('queue.receive_failed', 1, { queue: this.o.name });
          this.o.logger.warn('queue receive failed; backing off', { queue: this.o.name, err });
          await sleep(this.o.errorBackoffMs ?? 1_000);
        }
      }
    })();
  }

  /** Stops polling: aborts an in-flight long poll and waits for the loop to end. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }
}
