/**
 * What the Lambda SQS event source mapping does, over fauxqs: receive a batch, invoke the handler with an
 * SQSEvent, delete every message not named in `batchItemFailures` (ReportBatchItemFailures). Failed
 * messages become visible again after the queue's visibility timeout and move to the DLQ after
 * maxReceiveCount receives.
 */
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: a.Attributes!.QueueArn! };
}

export async function receive(sqs: SQSClient, url: string, max = 10): Promise<Message[]> {
  const r = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
  );
  return r.Messages ?? [];
}

/** Receives and deletes everything currently visible; returns the parsed bodies. */
export async function drain(sqs: SQSClient, url: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const batch = await receive(sqs, url);
    if (batch.length === 0) return out;
    for (const m of batch) {
      out.push(JSON.parse(m.Body ?? 'null'));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

export function toSqsEvent(messages: Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    })),
  };
}

/** One poll of the event source mapping: returns the ids delivered and those the handler reported failed. */
export async function deliverOnce(
  sqs: SQSClient,
  queue: { url: string; arn: string },
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse>,
): Promise<{ delivered: string[]; failed: string[] }> {
  const batch = await receive(sqs, queue.url);
  if (batch.length === 0) return { delivered: [], failed: [] };
  const res = await invoke(toSqsEvent(batch, queue.arn));
  const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
  for (const m of batch) {
    if (!failed.has(m.MessageId!)) await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle! }));
  }
  return { delivered: batch.map((m) => m.MessageId!), failed: [...failed] };
}
