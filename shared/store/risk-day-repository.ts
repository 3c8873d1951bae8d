/**
 * The risk day: one item per trading day (America/New_York) with the day's realized PnL (updated by atomic
 * `ADD`, so concurrent writers never lose an update), the circuit-breaker flag and, once the day is over, an
 * archive stamp after which the item is frozen. A new day is a new item, so "resetting" the daily loss
 * counter is opening the next day's item; the breaker carries over only when the kill switch says so.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Micros } from '../domain/money.js';
import { assertSafeInteger, isConditionalCheckFailed, RiskDayArchivedError } from './errors.js';
import { isTradingDay } from './trading-day.js';

export interface RiskDayState {
  day: string;
  /** Net realized PnL of the day in micros (negative = loss). */
  realizedPnlMicros: Micros;
  /** Number of PnL updates recorded (fills / settlements). */
  updates: number;
  breakerTripped: boolean;
  tripReason?: string;
  trippedAt?: number;
  openedAt?: number;
  archivedAt?: number;
}

/** The daily loss the circuit breaker compares with its limit: the day's net realized loss, never negative. */
export function dailyLossMicros(state: Pick<RiskDayState, 'realizedPnlMicros'>): Micros {
  return state.realizedPnlMicros < 0 ? -state.realizedPnlMicros : 0;
}

export type ArchiveResult = 'archived' | 'already-archived';

function toState(item: Record<string, unknown>): RiskDayState {
  const s: RiskDayState = {
    day: item.day as string,
    realizedPnlMicros: (item.realizedPnlMicros as number | undefined) ?? 0,
    updates: (item.updates as number | undefined) ?? 0,
    breakerTripped: item.breakerTripped === true,
  };
  if (typeof item.tripReason === 'string') s.tripReason = item.tripReason;
  if (typeof item.trippedAt === 'number') s.trippedAt = item.trippedAt;
  if (typeof item.openedAt === 'number') s.openedAt = item.openedAt;
  if (typeof item.archivedAt === 'number') s.archivedAt = item.archivedAt;
  return s;
}

function checkDay(day: string): void {
  if (!isTradingDay(day)) throw new RangeError(`not a YYYY-MM-DD trading day: ${day}`);
}

export class RiskDayRepository {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Atomically adds `deltaMicros` (signed) to the day's realized PnL; returns the state after the update. */
  async addRealizedPnl(day: string, deltaMicros: Micros): Promise<RiskDayState> {
    checkDay(day);
    assertSafeInteger('deltaMicros', deltaMicros);
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { day },
          UpdateExpression: 'ADD realizedPnlMicros :d, updates :one',
          ConditionExpression: 'attribute_not_exists(archivedAt)',
          ExpressionAttributeValues: { ':d': deltaMicros, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toState(r.Attributes ?? { day });
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new RiskDayArchivedError(day);
      throw err;
    }
  }

  /** Trips the breaker for the day. Returns false when it was already tripped (the first reason is kept). */
  async tripBreaker(day: string, reason: string, at: number): Promise<boolean> {
    checkDay(day);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { day },
          UpdateExpression: 'SET breakerTripped = :t, tripReason = :r, trippedAt = :at',
          ConditionExpression: '(attribute_not_exists(breakerTripped) OR breakerTripped = :f) AND attribute_not_exists(archivedAt)',
          ExpressionAttributeValues: { ':t': true, ':f': false, ':r': reason, ':at': at },
        }),
      );
      return true;
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      const s = await this.get(day);
      if (s?.archivedAt !== undefined) throw new RiskDayArchivedError(day);
      return false;
    }
  }

  /**
   * Opens a day (idempotent): creates the item with a zero counter and an untripped breaker if absent, and
   * leaves counters written earlier that day alone. With `killSwitch`, the breaker is tripped for the day.
   */
  async openDay(day: string, at: number, options: { killSwitch: boolean }): Promise<RiskDayState> {
    checkDay(day);
    const sets = ['openedAt = if_not_exists(openedAt, :at)', 'realizedPnlMicros = if_not_exists(realizedPnlMicros, :zero)', 'updates = if_not_exists(updates, :zero)'];
    const values: Record<string, unknown> = { ':at': at, ':zero': 0 };
    if (options.killSwitch) {
      sets.push('breakerTripped = :t', 'tripReason = if_not_exists(tripReason, :ks)', 'trippedAt = if_not_exists(trippedAt, :at)');
      values[':t'] = true;
      values[':ks'] = 'kill-switch';
    } else {
      sets.push('breakerTripped = if_not_exists(breakerTripped, :f)');
      values[':f'] = false;
    }
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { day },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(archivedAt)',
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toState(r.Attributes ?? { day });
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new RiskDayArchivedError(day);
      throw err;
    }
  }

  /** Freezes a finished day (idempotent). A day that never saw a write is archived as an empty day. */
  async archive(day: string, at: number): Promise<ArchiveResult> {
    checkDay(day);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { day },
          UpdateExpression:
            'SET archivedAt = :at, realizedPnlMicros = if_not_exists(realizedPnlMicros, :zero), updates = if_not_exists(updates, :zero), breakerTripped = if_not_exists(breakerTripped, :f)',
          ConditionExpression: 'attribute_not_exists(archivedAt)',
          ExpressionAttributeValues: { ':at': at, ':zero': 0, ':f': false },
        }),
      );
      return 'archived';
    } catch (err) {
      if (isConditionalCheckFailed(err)) return 'already-archived';
      throw err;
    }
  }

  async get(day: string): Promise<RiskDayState | undefined> {
    checkDay(day);
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { day }, ConsistentRead: true }));
    return r.Item ? toState(r.Item) : undefined;
  }
}
