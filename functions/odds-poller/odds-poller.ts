/**
 * The odds poller's two roles, one function:
 *  - scheduled run: one `poll-league` message per configured league to the fan-out queue (so leagues are
 *    polled in parallel and retried apart); with no fan-out queue configured, every league is polled in this
 *    invocation instead, each on its own (one league's failure does not stop the others);
 *  - SQS worker: polls the league of each message. Failures are reported per message (partial batch
 *    response), so one bad message never redrives the batch; a message that keeps failing goes to the
 *    queue's dead-letter queue after its maxReceiveCount. A malformed message is logged, counted and failed
 *    (so it is kept in the DLQ for inspection rather than lost).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueSender } from '../../shared/aws/queue-sender.js';
import { pollLeagueMessageSchema, type PollLeagueMessage } from './messages.js';
import { pollLeague, type LeagueRef, type LeaguePollResult, type PollDeps } from './poll-league.js';

export class MalformedPollMessageError extends Error {
  constructor(readonly messageId: string, reason: string) {
    super(`poll message ${messageId} is malformed: ${reason}`);
    this.name = 'MalformedPollMessageError';
  }
}

export interface ScheduleDeps extends PollDeps {
  leagues: readonly LeagueRef[];
  /** The fan-out queue; absent = poll inline. */
  fanout?: QueueSender;
}

export interface ScheduleResult {
  mode: 'fanout' | 'inline';
  leagues: number;
  polled: LeaguePollResult[];
  failed: { sport: string; league: string; error: string }[];
}

export async function runScheduled(deps: ScheduleDeps): Promise<ScheduleResult> {
  const scheduledAt = deps.clock.now();
  if (deps.fanout) {
    const fanout = deps.fanout;
    await Promise.all(
      deps.leagues.map((l) => fanout.send({ type: 'poll-league', sport: l.sport, league: l.league, scheduledAt } satisfies PollLeagueMessage)),
    );
    deps.metrics.increment('odds_poller.fanned_out', deps.leagues.length);
    deps.logger.info('leagues fanned out', { leagues: deps.leagues.length });
    return { mode: 'fanout', leagues: deps.leagues.length, polled: [], failed: [] };
  }
  const settled = await Promise.allSettled(deps.leagues.map((l) => pollLeague(deps, l)));
  const polled: LeaguePollResult[] = [];
  const failed: ScheduleResult['failed'] = [];
  settled.forEach((s, i) => {
    const l = deps.leagues[i] as LeagueRef;
    if (s.status === 'fulfilled') polled.push(s.value);
    else {
      failed.push({ ...l, error: (s.reason as Error)?.message ?? String(s.reason) });
      deps.metrics.increment('odds_poller.league_failed');
      deps.logger.error('league poll failed', { sport: l.sport, league: l.league, err: s.reason });
    }
  });
  return { mode: 'inline', leagues: deps.leagues.length, polled, failed };
}

export function parsePollMessage(record: SQSRecord): PollLeagueMessage {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new MalformedPollMessageError(record.messageId, 'body is not JSON');
  }
  const r = pollLeagueMessageSchema.safeParse(json);
  if (!r.success) throw new MalformedPollMessageError(record.messageId, r.error.issues[0]?.message ?? 'invalid');
  return r.data;
}

export async function runWorker(deps: PollDeps, event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord): Promise<LeaguePollResult> => {
    let message: PollLeagueMessage;
    try {
      message = parsePollMessage(record);
    } catch (err) {
      deps.metrics.increment('odds_poller.malformed_messages');
      deps.logger.error('malformed poll message', { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, err });
      throw err;
    }
    try {
      return await pollLeague(deps, { sport: message.sport, league: message.league });
    } catch (err) {
      deps.metrics.increment('odds_poller.league_failed');
      deps.logger.error('league poll failed', { messageId: record.messageId, sport: message.sport, league: message.league, err });
      throw err;
    }
  };
  return processPartialResponse(event, recordHandler, processor, {
    ...(context ? { context } : {}),
    // A batch where every message failed is still a partial response: each failure is retried on its own.
    throwOnFullBatchFailure: false,
  });
}

export function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown })?.Records;
  return Array.isArray(records) && records.length > 0 && (records[0] as { eventSource?: string })?.eventSource === 'aws:sqs';
}
