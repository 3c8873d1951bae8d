/**
 * The odds poller over real emulators: dynalite (snapshots), fauxqs (fan-out queue with a DLQ, the bot's
 * odds queue) and the project's OpticOdds simulator on loopback. Secrets Manager is mocked at the client edge.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startSportsServer, type SportsServer } from '../../../containers/simulator/sports/index.js';
import { SqsQueueSender } from '../../../shared/aws/queue-sender.js';
import { systemClock } from '../../../shared/domain/clock.js';
import { OpticOddsRestClient } from '../../../shared/feeds/rest-client.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { OddsSnapshotsRepository } from '../../../shared/store/odds-snapshots-repository.js';
import { tableEnvVar } from '../../../shared/store/table-definitions.js';
import { oddsUpdateMessageSchema, toConsensusProbability, type OddsUpdateMessage } from '../../../functions/odds-poller/messages.js';
import { runScheduled, runWorker } from '../../../functions/odds-poller/odds-poller.js';
import type { ConsensusSnapshot, PollDeps } from '../../../functions/odds-poller/poll-league.js';
import { startLocalMessaging, startStoreHarness, type LocalMessaging, type StoreHarness } from '../../support/emulators.js';
import { createQueue, deliverOnce, drain, receive } from './sqs-event-source.js';

const LEAGUES = [
  { sport: 'basketball', league: 'NBA' },
  { sport: 'football', league: 'NFL' },
];
const BOOKS = ['Pinnacle', 'DraftKings', 'FanDuel', 'BetMGM', 'Caesars', 'BetRivers'];

let store: StoreHarness;
let mq: LocalMessaging;
let sports: SportsServer;
let n = 0;

beforeAll(async () => {
  [store, mq, sports] = await Promise.all([
    startStoreHarness(),
    startLocalMessaging(),
    startSportsServer({ seed: 7, games: { basketball: 2, football: 1 }, firstStartDelayMs: 120_000 }),
  ]);
});
afterAll(async () => {
  await Promise.all([store?.stop(), mq?.stop(), sports?.close()]);
});

function deps(updatesUrl: string, logger = new MemoryLogger(), metrics = new MetricsRegistry()): PollDeps & { logger: MemoryLogger; metrics: MetricsRegistry } {
  return {
    clock: systemClock,
    source: new OpticOddsRestClient({ apiKey: sports.apiKey, baseUrl: sports.baseUrl, maxServerRetries: 0, timeoutMs: 5_000 }),
    snapshots: new OddsSnapshotsRepository(store.doc, store.tables.oddsSnapshots, 3600),
    updates: new SqsQueueSender(mq.sqs, updatesUrl),
    logger,
    metrics,
    settings: { sportsbooks: BOOKS, markets: ['Moneyline'], consensus: { maxAgeMs: 3_600_000 } },
  };
}

async function queues() {
  n++;
  const updates = await createQueue(mq.sqs, `odds-updates-${n}`);
  const dlq = await createQueue(mq.sqs, `odds-fanout-dlq-${n}`);
  const fanout = await createQueue(mq.sqs, `odds-fanout-${n}`, {
    VisibilityTimeout: '0',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
  });
  return { updates, dlq, fanout };
}

describe('odds poller: fan-out and worker', () => {
  it('fans out one message per league, then each worker stores a consensus snapshot per fixture and tells the bot', async () => {
    const q = await queues();
    const d = deps(q.updates.url);
    const scheduled = await runScheduled({ ...d, leagues: LEAGUES, fanout: new SqsQueueSender(mq.sqs, q.fanout.url) });
    expect(scheduled).toMatchObject({ mode: 'fanout', leagues: 2 });

    const pass = await deliverOnce(mq.sqs, q.fanout, (e) => runWorker(d, e));
    expect(pass.delivered).toHaveLength(2);
    expect(pass.failed).toEqual([]);
    expect(await receive(mq.sqs, q.fanout.url)).toEqual([]);

    const updates = (await drain(mq.sqs, q.updates.url)).map((b) => oddsUpdateMessageSchema.parse(b));
    const fixtures = sports.world.fixtures();
    expect(updates.map((u) => u.fixtureId).sort()).toEqual(fixtures.map((f) => f.fixtureId).sort());
    for (const u of updates) {
      const c = toConsensusProbability(u);
      const sum = Object.values(c.probabilities).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      expect(Object.keys(c.probabilities)).toHaveLength(2);
      expect(c.books).toBe(BOOKS.length);
      expect(['basketball', 'football']).toContain(u.sport);
    }

    // The snapshot is in DynamoDB with every book's quotes and the same consensus; it expires (TTL).
    const fx = fixtures[0]!;
    const snap = (await d.snapshots.latest(fx.fixtureId, 'Moneyline')) as ConsensusSnapshot | undefined;
    expect(snap).toBeDefined();
    expect(snap!.quotes).toHaveLength(BOOKS.length * 2);
    expect(new Set(snap!.quotes.map((q) => q.sportsbook))).toEqual(new Set(BOOKS));
    const msg = updates.find((u) => u.fixtureId === fx.fixtureId) as OddsUpdateMessage;
    expect(snap!.consensus).toEqual({ probabilities: msg.probabilities, confidence: msg.confidence, books: msg.books });
    const raw = await store.doc.send(
      new QueryCommand({
        TableName: store.tables.oddsSnapshots,
        KeyConditionExpression: 'fixtureId = :f',
        ExpressionAttributeValues: { ':f': fx.fixtureId },
      }),
    );
    const item = raw.Items![0]!;
    expect(item.expiresAt).toBe(Math.floor((item.capturedAt as number) / 1000) + 3600);
    expect(d.metrics.counter('odds_poller.updates')).toBe(3);
  });

  it('sends a poison message to the DLQ after maxReceiveCount without blocking the good ones', async () => {
    const q = await queues();
    const d = deps(q.updates.url);
    await mq.sqs.send(new SendMessageCommand({ QueueUrl: q.fanout.url, MessageBody: '{"type":"poll-league","sport":' }));
    await new SqsQueueSender(mq.sqs, q.fanout.url).send({ type: 'poll-league', sport: 'basketball', league: 'NBA', scheduledAt: 1 });

    const first = await deliverOnce(mq.sqs, q.fanout, (e) => runWorker(d, e));
    expect(first.delivered).toHaveLength(2);
    expect(first.failed).toHaveLength(1);
    // The good league was polled in the same batch.
    expect((await drain(mq.sqs, q.updates.url)).length).toBe(2);

    // The event source keeps redelivering the poison until the queue moves it to its DLQ.
    const deadline = Date.now() + 10_000;
    let dead: unknown[] = [];
    while (dead.length === 0 && Date.now() < deadline) {
      await deliverOnce(mq.sqs, q.fanout, (e) => runWorker(d, e));
      const inDlq = await receive(mq.sqs, q.dlq.url);
      dead = inDlq.map((m) => m.Body);
    }
    expect(dead).toEqual(['{"type":"poll-league","sport":']);
    expect(await receive(mq.sqs, q.fanout.url)).toEqual([]);
    expect(d.metrics.counter('odds_poller.malformed_messages')).toBeGreaterThanOrEqual(3);
    expect(d.logger.lines.some((l) => l.level === 'error' && l.msg === 'malformed poll message')).toBe(true);
    // Nothing more reached the bot from the poison.
    expect(await drain(mq.sqs, q.updates.url)).toEqual([]);
  });

  it('polls inline without a fan-out queue; a league the provider refuses fails alone', async () => {
    const q = await queues();
    const d = deps(q.updates.url);
    sports.faults.failRest(400, 1);
    const r = await runScheduled({ ...d, leagues: [{ sport: 'basketball', league: 'NBA' }, { sport: 'football', league: 'NFL' }] });
    expect(r.mode).toBe('inline');
    expect(r.polled.length + r.failed.length).toBe(2);
    expect(r.failed).toHaveLength(1);
    expect(d.metrics.counter('odds_poller.league_failed')).toBe(1);
    const sent = await drain(mq.sqs, q.updates.url);
    expect(sent.length).toBe(r.polled.reduce((a, p) => a + p.updates, 0));
    expect(sent.length).toBeGreaterThan(0);
  });
});

describe('odds poller Lambda handler (Secrets Manager mocked; DynamoDB, SQS and OpticOdds emulated)', () => {
  const sm = mockClient(SecretsManagerClient);
  const saved = { ...process.env };
  afterEach(() => {
    sm.reset();
    process.env = { ...saved };
  });

  it('wires the environment: a scheduled event polls inline, an SQS event runs the worker with a partial batch response', async () => {
    const q = await queues();
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: store.dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: mq.endpoint,
      [tableEnvVar('oddsSnapshots')]: store.tables.oddsSnapshots,
      ODDS_SNAPSHOT_TTL_SECONDS: '7200',
      ODDS_QUEUE_URL: q.updates.url,
      DATA_PROVIDER_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:provider',
      OPTICODDS_BASE_URL: sports.baseUrl,
      ODDS_LEAGUES: 'basketball:NBA,football:NFL',
      ODDS_SPORTSBOOKS: BOOKS.join(','),
      METRICS_NAMESPACE: 'PmusTrader/test',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    sm.on(GetSecretValueCommand).resolves({ SecretString: sports.apiKey });
    const { handler } = await import('../../../functions/odds-poller/handler.js');

    const scheduled = await handler({ source: 'schedule' });
    expect(scheduled).toMatchObject({ mode: 'inline', leagues: 2, failed: [] });
    expect((await drain(mq.sqs, q.updates.url)).length).toBe(3);

    await new SqsQueueSender(mq.sqs, q.fanout.url).send({ type: 'poll-league', sport: 'football', league: 'NFL', scheduledAt: 1 });
    await mq.sqs.send(new SendMessageCommand({ QueueUrl: q.fanout.url, MessageBody: 'not json' }));
    const pass = await deliverOnce(mq.sqs, q.fanout, async (e) => (await handler(e)) as never);
    expect(pass.delivered).toHaveLength(2);
    expect(pass.failed).toHaveLength(1);
    expect((await drain(mq.sqs, q.updates.url)).length).toBe(1);
    // The secret was fetched once and cached across invocations.
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});
