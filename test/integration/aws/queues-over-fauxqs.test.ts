import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { startLocalMessaging, type LocalMessaging } from '../../support/emulators.js';
import { SqsQueueSender } from '../../../shared/aws/queue-sender.js';
import { SnsNotifier } from '../../../shared/aws/notifier.js';

let m: LocalMessaging;
beforeAll(async () => {
  m = await startLocalMessaging();
});
afterAll(async () => {
  await m?.stop();
});

async function createQueue(name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await m.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const a = await m.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: a.Attributes!.QueueArn! };
}

async function receive(url: string, max = 10): Promise<Message[]> {
  const r = await m.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  return r.Messages ?? [];
}

/** Polls until `done()` or a generous deadline; no timing assertion, only a bound against hanging. */
async function until(done: () => Promise<boolean> | boolean, what: string, deadlineMs = 15_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SQS over fauxqs', () => {
  it('a poison message lands in the DLQ after maxReceiveCount while the others are processed', async () => {
    const dlq = await createQueue('odds-dlq');
    const main = await createQueue('odds', {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
    });
    const sender = new SqsQueueSender(m.sqs, main.url);
    await sender.send({ fixtureId: 'fx-1', ok: true });
    await sender.send({ poison: true });
    await sender.send({ fixtureId: 'fx-2', ok: true });

    const processed: string[] = [];
    let poisonAttempts = 0;
    const dead: Message[] = [];
    await until(async () => {
      for (const msg of await receive(main.url)) {
        const body = JSON.parse(msg.Body!) as { poison?: boolean; fixtureId?: string };
        if (body.poison) {
          poisonAttempts++; // the handler throws: the message is not deleted and comes back
          continue;
        }
        processed.push(body.fixtureId!);
        await m.sqs.send(new DeleteMessageCommand({ QueueUrl: main.url, ReceiptHandle: msg.ReceiptHandle! }));
      }
      dead.push(...(await receive(dlq.url)));
      return dead.length > 0 && processed.length === 2;
    }, 'poison message in the DLQ');

    expect(processed.sort()).toEqual(['fx-1', 'fx-2']);
    expect(poisonAttempts).toBe(3);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.Body!)).toEqual({ poison: true });
    expect(await receive(main.url)).toEqual([]);
  });

  it('the FIFO control queue drops a duplicate daily-reset message (same deduplication id)', async () => {
    const q = await createQueue('control.fifo', { FifoQueue: 'true' });
    const sender = new SqsQueueSender(m.sqs, q.url);
    const opts = { groupId: 'control', deduplicationId: 'daily-reset#2030-01-02' };
    await sender.send({ type: 'daily-reset', day: '2030-01-02' }, opts);
    await sender.send({ type: 'daily-reset', day: '2030-01-02' }, opts);
    await sender.send({ type: 'mode-changed', mode: 'paper' }, { groupId: 'control', deduplicationId: 'mode#1' });
    // Consume in order, deleting each message (a FIFO group stays locked while a message is in flight).
    const types: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const x of await receive(q.url)) {
        types.push((JSON.parse(x.Body!) as { type: string }).type);
        await m.sqs.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: x.ReceiptHandle! }));
      }
    }
    expect(types).toEqual(['daily-reset', 'mode-changed']);
  });

  it('SnsNotifier publishes to a topic that fans out to a subscribed queue', async () => {
    const q = await createQueue('alerts-inbox');
    const { TopicArn } = await m.sns.send(new CreateTopicCommand({ Name: 'alerts' }));
    await m.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true' } }));
    await new SnsNotifier(m.sns, TopicArn!).notify({ subject: 'Daily loss limit hit\n(staging)', message: 'breaker tripped at -25.00 USD' });
    let got: Message[] = [];
    await until(async () => (got = await receive(q.url)).length > 0, 'SNS fan-out');
    expect(got[0]!.Body).toBe('breaker tripped at -25.00 USD');
  });
});
