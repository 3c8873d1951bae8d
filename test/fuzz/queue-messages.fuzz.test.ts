/**
 * Fuzz of the SQS message bodies: the odds poller's `poll-league` worker (Powertools batch processing) and
 * the bot's `odds-update` consumer (SqsQueueConsumer with the message schema), ≥ 10 000 malformed bodies
 * each. A malformed message is reported as a batch item failure / left on the queue for the DLQ (never
 * deleted, never lost), logged once with its id and reason, counted; the valid ones next to it are handled
 * and deleted; and a parsed `odds-update` always converts to probabilities in [0, 1].
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oddsUpdateMessageSchema, pollLeagueMessageSchema, toConsensusProbability, type OddsUpdateMessage } from '../../functions/odds-poller/messages.js';
import { MalformedPollMessageError, parsePollMessage, runWorker } from '../../functions/odds-poller/odds-poller.js';
import type { PollDeps } from '../../functions/odds-poller/poll-league.js';
import { SqsQueueConsumer } from '../../shared/aws/queue-consumer.js';
import { ManualClock } from '../../shared/domain/clock.js';
import { MemoryLogger } from '../../shared/observability/logger.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { FUZZ_RUNS, malformedInputs } from './mutation.js';

const pollArb = fc.record({
  type: fc.constant('poll-league'),
  sport: fc.constantFrom('basketball', 'football'),
  league: fc.constantFrom('NBA', 'NFL'),
  scheduledAt: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
});
const prob = fc.integer({ min: 0, max: 1_000_000 }).map((m) => (m / 1e6).toFixed(6));
const updateArb = fc.record({
  type: fc.constant('odds-update'),
  version: fc.constant(1),
  fixtureId: fc.uuid(),
  sport: fc.constant('basketball'),
  league: fc.constant('NBA'),
  market: fc.constant('Moneyline'),
  probabilities: fc.record({ 'Boston Celtics': prob, 'Los Angeles Lakers': prob }),
  confidence: prob,
  books: fc.nat(10),
  maxAgeMs: fc.nat(60_000),
  computedAt: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
});

const bodies = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 9, arbitrary: malformedInputs(valid) }, { weight: 1, arbitrary: valid.map((v) => JSON.stringify(v)) });

function record(body: string, i: number): SQSRecord {
  return {
    messageId: `m-${i}`,
    receiptHandle: `rh-${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:poll',
    awsRegion: 'us-east-1',
  };
}

describe('SQS message bodies under fuzzing', () => {
  it(`parsePollMessage: a poll-league message or a MalformedPollMessageError, nothing else (${FUZZ_RUNS} bodies)`, () => {
    let malformed = 0;
    fc.assert(
      fc.property(bodies(pollArb), (body) => {
        try {
          const m = parsePollMessage(record(body, 1));
          expect(pollLeagueMessageSchema.safeParse(m).success).toBe(true);
        } catch (e) {
          malformed++;
          expect(e, String(e)).toBeInstanceOf(MalformedPollMessageError);
          expect((e as Error).message).toContain('m-1');
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(malformed).toBeGreaterThan(FUZZ_RUNS / 2);
  });

  it(`the poll worker reports exactly the malformed records as batch failures, each logged and counted (${FUZZ_RUNS / 5} batches of 1–10, ≥ 10 000 bodies)`, async () => {
    const deps = (logger: MemoryLogger, metrics: MetricsRegistry): PollDeps => ({
      clock: new ManualClock(1_700_000_000_000),
      source: { activeFixtures: async () => [], odds: async () => [] },
      snapshots: {} as PollDeps['snapshots'],
      updates: { send: async () => undefined } as unknown as PollDeps['updates'],
      logger,
      metrics,
      settings: { sportsbooks: ['Pinnacle'], markets: ['Moneyline'], consensus: {} as PollDeps['settings']['consensus'] },
    });
    let total = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(bodies(pollArb), { minLength: 1, maxLength: 10, size: 'max' }), async (batch) => {
        total += batch.length;
        const logger = new MemoryLogger();
        const metrics = new MetricsRegistry();
        const records = batch.map(record);
        const bad = new Set(records.filter((r) => !pollLeagueMessageSchema.safeParse(safeJson(r.body)).success).map((r) => r.messageId));
        const res = await runWorker(deps(logger, metrics), { Records: records } as SQSEvent);
        expect(new Set(res.batchItemFailures.map((f) => f.itemIdentifier))).toEqual(bad);
        expect(metrics.counter('odds_poller.malformed_messages')).toBe(bad.size);
        const logged = logger.lines.filter((l) => l.msg === 'malformed poll message');
        expect(logged.map((l) => l.fields.messageId).sort()).toEqual([...bad].sort());
      }),
      { numRuns: FUZZ_RUNS / 5 },
    );
    expect(total).toBeGreaterThanOrEqual(FUZZ_RUNS);
  });

  it(`the bot's odds-update consumer leaves malformed messages for the DLQ and deletes only handled ones (${FUZZ_RUNS / 5} batches of 1–10, ≥ 10 000 bodies)`, async () => {
    let total = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(bodies(updateArb), { minLength: 1, maxLength: 10, size: 'max' }), async (batch) => {
        total += batch.length;
        const logger = new MemoryLogger();
        const metrics = new MetricsRegistry();
        const deleted: string[] = [];
        const sqs = {
          send: async (cmd: { constructor: { name: string }; input: { Entries?: { ReceiptHandle: string }[] } }) => {
            if (cmd.constructor.name === 'ReceiveMessageCommand') {
              return { Messages: batch.map((Body, i) => ({ MessageId: `m-${i}`, ReceiptHandle: `rh-${i}`, Body, Attributes: { ApproximateReceiveCount: '1' } })) };
            }
            for (const e of cmd.input.Entries ?? []) deleted.push(e.ReceiptHandle);
            return { Failed: [] };
          },
        } as unknown as SQSClient;
        const handled: OddsUpdateMessage[] = [];
        const consumer = new SqsQueueConsumer<OddsUpdateMessage>({
          sqs,
          queueUrl: 'http://127.0.0.1:1/queue/odds',
          name: 'odds',
          parse: (json) => oddsUpdateMessageSchema.parse(json),
          handle: async (m) => {
            const c = toConsensusProbability(m.body);
            for (const p of [...Object.values(c.probabilities), c.confidence]) expect(Number.isFinite(p) && p >= 0 && p <= 1).toBe(true);
            handled.push(m.body);
          },
          logger,
          metrics,
        });
        const r = await consumer.pollOnce();
        const good = batch.map((b, i) => [i, oddsUpdateMessageSchema.safeParse(safeJson(b)).success] as const);
        const goodIdx = good.filter(([, ok]) => ok).map(([i]) => `rh-${i}`);
        expect(r.malformed).toBe(batch.length - goodIdx.length);
        expect(deleted.sort()).toEqual(goodIdx.sort());
        expect(metrics.counter('queue.malformed', { queue: 'odds' })).toBe(r.malformed);
        const logged = logger.lines.filter((l) => l.msg === 'malformed queue message left for the DLQ');
        expect(logged.length).toBe(r.malformed);
        for (const l of logged) expect(typeof l.fields.err === 'string' && (l.fields.err as string).length > 0).toBe(true);
      }),
      { numRuns: FUZZ_RUNS / 5 },
    );
    expect(total).toBeGreaterThanOrEqual(FUZZ_RUNS);
  });
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
