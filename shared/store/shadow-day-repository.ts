/**
 * A shadow day's calibration aggregates (shared/shadow/shadow-aggregates.ts): one item per trading day in the
 * risk-day table under the key `shadow#<day>` (the bot and the reporter already hold their grants on that
 * table; nothing reads it by scan). The bot overwrites the item with the day so far (a full snapshot, not an
 * increment: a retried write is harmless) and reads it back after a restart; the reporter Lambda reads it for
 * the day's report. The aggregates are kept as one JSON text attribute (a few kB: strategies × price levels,
 * never orders).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseShadowAggregates, type ShadowAggregates } from '../shadow/shadow-aggregates.js';
import { isTradingDay } from './trading-day.js';

export const SHADOW_DAY_KEY_PREFIX = 'shadow#';

export function shadowDayKey(day: string): string {
  if (!isTradingDay(day)) throw new RangeError(`not a YYYY-MM-DD trading day: ${day}`);
  return `${SHADOW_DAY_KEY_PREFIX}${day}`;
}

export class ShadowDayRepository {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly riskDaysTable: string) {}

  /** Stores the day's aggregates (replaces what was stored). */
  async save(day: string, aggregates: ShadowAggregates, at: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.riskDaysTable,
        Item: { day: shadowDayKey(day), kind: 'shadow-day', tradingDay: day, savedAt: at, aggregates: JSON.stringify(aggregates) },
      }),
    );
  }

  /** The day's stored aggregates; undefined when the day never ran in shadow. Malformed: InvalidShadowAggregatesError. */
  async get(day: string): Promise<ShadowAggregates | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.riskDaysTable, Key: { day: shadowDayKey(day) }, ConsistentRead: true }));
    const text = r.Item?.aggregates;
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(String(text));
    } catch {
      value = undefined;
    }
    return parseShadowAggregates(value);
  }
}
