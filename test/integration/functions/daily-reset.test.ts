import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startEmulators, type Emulators, type LocalMessaging, type StoreHarness } from '../../support/emulators.js';
import { runDailyReset, InvalidResetInputError, type DailyResetControlMessage, type DailyResetDeps } from '../../../functions/daily-reset/daily-reset.js';
import { MemoryParameterStore } from '../../../shared/aws/parameter-store.js';
import { SqsQueueSender } from '../../../shared/aws/queue-sender.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { RiskDayRepository } from '../../../shared/store/risk-day-repository.js';
import { tableEnvVar } from '../../../shared/store/table-definitions.js';

const KILL = '/test/trading/kill-switch';
let emulators: Emulators;
let store: StoreHarness;
let mq: LocalMessaging;
let queueUrl: string;
let queueN = 0;

beforeAll(async () => {
  emulators = await startEmulators();
  ({ store, messaging: mq } = emulators);
});
afterAll(async () => {
  await emulators?.stop();
});

async function newControlQueue(): Promise<string> {
  const r = await mq.sqs.send(new CreateQueueCommand({ QueueName: `control-${++queueN}.fifo`, Attributes: { FifoQueue: 'true' } }));
  return r.QueueUrl!;
}

async function drain(url: string): Promise<DailyResetControlMessage[]> {
  const out: DailyResetControlMessage[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await mq.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    for (const msg of r.Messages ?? []) {
      out.push(JSON.parse(msg.Body!) as DailyResetControlMessage);
      await mq.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: msg.ReceiptHandle! }));
    }
  }
  return out;
}

function deps(clock: ManualClock, params: MemoryParameterStore, url: string, logger = new MemoryLogger(), metrics = new MetricsRegistry()): DailyResetDeps {
  return {
    clock,
    parameters: params,
    killSwitchParameter: KILL,
    riskDays: new RiskDayRepository(store.doc, store.tables.riskDays),
    control: new SqsQueueSender(mq.sqs, url),
    logger,
    metrics,
  };
}

describe('daily reset (dynalite + fauxqs)', () => {
  it('at New York midnight archives yesterday, opens today fresh and tells the bot once, even if re-run', async () => {
    const url = await newControlQueue();
    const repo = new RiskDayRepository(store.doc, store.tables.riskDays);
    await repo.addRealizedPnl('2030-06-14', -30_000_000);
    await repo.tripBreaker('2030-06-14', 'daily-loss-limit', 1);
    // 2030-06-15 00:00:05 EDT = 04:00:05 UTC.
    const clock = new ManualClock(Date.UTC(2030, 5, 15, 4, 0, 5));
    const params = new MemoryParameterStore({ [KILL]: 'off' });
    const first = await runDailyReset(deps(clock, params, url));
    expect(first).toMatchObject({ day: '2030-06-15', archivedDay: '2030-06-14', archive: 'archived' });
    expect(first.today).toMatchObject({ realizedPnlMicros: 0, breakerTripped: false });
    expect(await repo.get('2030-06-14')).toMatchObject({ realizedPnlMicros: -30_000_000, breakerTripped: true, archivedAt: clock.now() });

    clock.advance(30_000);
    const again = await runDailyReset(deps(clock, params, url));
    expect(again.archive).toBe('already-archived');
    expect(again.today.openedAt).toBe(first.today.openedAt);
    const msgs = await drain(url);
    expect(msgs).toEqual([{ type: 'daily-reset', day: '2030-06-15', archivedDay: '2030-06-14', breakerReset: true, killSwitch: 'off', at: first.message.at }]);
  });

  it('with the kill switch on, today starts with the breaker tripped', async () => {
    const url = await newControlQueue();
    const clock = new ManualClock(Date.UTC(2030, 5, 16, 4, 0, 1));
    const result = await runDailyReset(deps(clock, new MemoryParameterStore({ [KILL]: 'on' }), url));
    expect(result.today).toMatchObject({ day: '2030-06-16', breakerTripped: true, tripReason: 'kill-switch' });
    expect((await drain(url))[0]).toMatchObject({ breakerReset: false, killSwitch: 'on' });
  });

  it('fails closed when the kill switch cannot be read, and counts it', async () => {
    const url = await newControlQueue();
    const metrics = new MetricsRegistry();
    const logger = new MemoryLogger();
    const clock = new ManualClock(Date.UTC(2030, 5, 17, 4, 0, 1));
    const result = await runDailyReset(deps(clock, new MemoryParameterStore({ [KILL]: 'perhaps' }), url, logger, metrics));
    expect(result.today.breakerTripped).toBe(true);
    expect(result.message.killSwitch).toBe('unreadable');
    expect(metrics.counter('daily_reset.kill_switch_unreadable')).toBe(1);
    expect(logger.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('uses the New York calendar across DST changes', async () => {
    const url = await newControlQueue();
    const params = new MemoryParameterStore({ [KILL]: 'off' });
    // 2030-03-10 is the spring-forward day: midnight EST = 05:00 UTC.
    const spring = await runDailyReset(deps(new ManualClock(Date.UTC(2030, 2, 10, 5, 0, 1)), params, url));
    expect([spring.archivedDay, spring.day]).toEqual(['2030-03-09', '2030-03-10']);
    // 2030-11-03 is the fall-back day: midnight EDT = 04:00 UTC.
    const fall = await runDailyReset(deps(new ManualClock(Date.UTC(2030, 10, 3, 4, 0, 1)), params, url));
    expect([fall.archivedDay, fall.day]).toEqual(['2030-11-02', '2030-11-03']);
  });

  it('rejects a malformed manual day before touching anything', async () => {
    const url = await newControlQueue();
    const d = deps(new ManualClock(0), new MemoryParameterStore({ [KILL]: 'off' }), url);
    await expect(runDailyReset(d, { day: '2030-02-30' })).rejects.toBeInstanceOf(InvalidResetInputError);
    expect(await drain(url)).toEqual([]);
  });
});

describe('daily-reset Lambda handler (SSM mocked, DynamoDB and SQS emulated)', () => {
  const ssmMock = mockClient(SSMClient);
  const saved = { ...process.env };
  afterEach(() => {
    ssmMock.reset();
    process.env = { ...saved };
  });

  it('wires the environment and runs a manual re-run for a given day', async () => {
    queueUrl = await newControlQueue();
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: store.dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: mq.endpoint,
      [tableEnvVar('riskDays')]: store.tables.riskDays,
      KILL_SWITCH_PARAM: '/staging/trading/kill-switch',
      CONTROL_QUEUE_URL: queueUrl,
      METRICS_NAMESPACE: 'PmusTrader/test',
    });
    ssmMock.on(GetParameterCommand, { Name: '/staging/trading/kill-switch' }).resolves({ Parameter: { Value: 'off' } });
    const { handler } = await import('../../../functions/daily-reset/handler.js');
    const out = await handler({ day: '2031-01-02' });
    expect(out).toMatchObject({ day: '2031-01-02', archivedDay: '2031-01-01', archive: 'archived', breakerTripped: false });
    expect((await drain(queueUrl)).map((m) => m.day)).toEqual(['2031-01-02']);
    expect(await new RiskDayRepository(store.doc, store.tables.riskDays).get('2031-01-01')).toMatchObject({ archivedAt: expect.any(Number) });
  });
});
