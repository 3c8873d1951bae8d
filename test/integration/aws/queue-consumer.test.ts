import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startLocalMessaging, type LocalMessaging } from '../../support/emulators.js';
import { MalformedMessageError, SqsQueueConsumer, type QueueMessage } from '../../../shared/aws/queue-consumer.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';

let m: LocalMessaging;
let n = 0;
beforeAll(async () => {
  m = await startLocalMessaging();
});
afterAll(async () => {
  await m?.stop();
});

async function queueWithDlq(maxReceiveCount: number): Promise<{ url: string; dlqUrl: string }> {
  const id = ++n;
  const dlq = await m.sqs.send(new CreateQueueCommand({ QueueName: `c-dlq-${id}` }));
  const arn = (await m.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn;
  const q = await m.sqs.send(
    new CreateQueueCommand({
      QueueName: `c-${id}`,
      Attributes: { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount }) },
    }),
  );
  return { url: q.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}

interface Update {
  fixtureId: string;
}
function parseUpdate(json: unknown): Update {
  const o = json as Partial<Update> | null;
  if (!o || typeof o.fixtureId !== 'string') throw new MalformedMessageError('fixtureId missing');
  return { fixtureId: o.fixtureId };
}

describe('SqsQueueConsumer over fauxqs', () => {
  it('handles good messages, leaves a failing and a malformed one until they reach the DLQ', async () => {
    const { url, dlqUrl } = await queueWithDlq(2);
    for (const body of ['{"fixtureId":"a"}', '{"fixtureId":"boom"}', 'not json', '{"fixtureId":"b"}']) {
      await m.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    }
    const handled: QueueMessage<Update>[] = [];
    const metrics = new MetricsRegistry();
    const consumer = new SqsQueueConsumer<Update>({
      sqs: m.sqs,
      queueUrl: url,
      name: 'odds',
      parse: parseUpdate,
      handle: async (msg) => {
        if (msg.body.fixtureId === 'boom') throw new Error('handler failure');
        handled.push(msg);
      },
      logger: new MemoryLogger(),
      metrics,
      waitTimeSeconds: 0,
    });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await consumer.pollOnce());
    expect(handled.map((h) => h.body.fixtureId).sort()).toEqual(['a', 'b']);
    expect(handled.every((h) => h.receiveCount === 1)).toBe(true);
    expect(metrics.counter('queue.handler_failed', { queue: 'odds' })).toBe(2);
    expect(metrics.counter('queue.malformed', { queue: 'odds' })).toBe(2);
    const dead = await m.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect((dead.Messages ?? []).map((x) => x.Body).sort()).toEqual(['not json', '{"fixtureId":"boom"}'].sort());
    expect(results.at(-1)?.received).toBe(0);
  });

  it('start() consumes in the background and stop() ends the loop', async () => {
    const { url } = await queueWithDlq(3);
    const seen: string[] = [];
    let resolveSeen!: () => void;
    const gotTwo = new Promise<void>((r) => (resolveSeen = r));
    const consumer = new SqsQueueConsumer<Update>({
      sqs: m.sqs,
      queueUrl: url,
      name: 'bg',
      parse: parseUpdate,
      handle: async (msg) => {
        seen.push(msg.body.fixtureId);
        if (seen.length === 2) resolveSeen();
      },
      logger: new MemoryLogger(),
      metrics: new MetricsRegistry(),
      waitTimeSeconds: 1,
    });
    consumer.start();
    await m.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"fixtureId":"x"}' }));
    await m.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"fixtureId":"y"}' }));
    await gotTwo;
    await consumer.stop();
    expect(seen.sort()).toEqual(['x', 'y']);
  });
});
