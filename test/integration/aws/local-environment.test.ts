import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startLocalAwsEnvironment, type LocalAwsEnvironment } from '../../../shared/aws/local-environment.js';
import { QUEUE_DEFINITIONS } from '../../../shared/aws/queue-definitions.js';
import { SqsQueueSender } from '../../../shared/aws/queue-sender.js';
import { createDocumentClient } from '../../../shared/store/document-client.js';
import { FillsLedger } from '../../../shared/store/fills-ledger.js';
import { tableNamesFromEnv } from '../../../shared/store/table-definitions.js';
import { contracts } from '../../../shared/domain/quantity.js';

let local: LocalAwsEnvironment;
beforeAll(async () => {
  local = await startLocalAwsEnvironment({ prefix: 'le' });
});
afterAll(async () => {
  await local?.stop();
});

describe('local AWS environment', () => {
  it('exposes the stack environment variables and working tables', async () => {
    const names = tableNamesFromEnv(local.env);
    expect(names.fills).toBe(local.tables.fills);
    const ledger = new FillsLedger(createDocumentClient(local.dynamo.client), names.fills!);
    expect(
      await ledger.append({ executionId: 'e1', orderId: 'o1', marketSlug: 'm', intent: 'ORDER_INTENT_BUY_LONG', price: 500_000, qty: contracts(1), fee: 0, liquidity: 'TAKER', time: 1 }),
    ).toBe('inserted');
  });

  it('creates the queues with the same redrive and FIFO settings as the stack', async () => {
    for (const [name, q] of Object.entries(local.queues)) {
      const def = QUEUE_DEFINITIONS[name as keyof typeof QUEUE_DEFINITIONS];
      const a = (await local.messaging.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['All'] }))).Attributes!;
      expect(JSON.parse(a.RedrivePolicy!)).toMatchObject({ maxReceiveCount: def.maxReceiveCount });
      expect(a.VisibilityTimeout).toBe(String(def.visibilityTimeoutSeconds));
      expect(a.FifoQueue === 'true').toBe(def.fifo);
    }
    await new SqsQueueSender(local.messaging.sqs, local.queues.control.url).send({ type: 'x' }, { groupId: 'control', deduplicationId: 'x1' });
    const got = await local.messaging.sqs.send(new ReceiveMessageCommand({ QueueUrl: local.queues.control.url, WaitTimeSeconds: 0 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual(['{"type":"x"}']);
  });
});
