/**
 * Sportsbook odds snapshots: one item per (fixture, market, capture time), holding every book's quotes at
 * that moment. Items expire through DynamoDB TTL (`expiresAt`, epoch seconds); since TTL deletion lags by up
 * to days, readers also drop expired items themselves.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertSafeInteger } from './errors.js';

export interface OddsQuote {
  sportsbook: string;
  selection: string;
  /** American odds, an integer (e.g. -230, 198). */
  americanOdds: number;
  /** The line (e.g. "247.5"), as text so that it is never a rounded binary fraction. */
  points?: string;
  isLive?: boolean;
  /** Epoch ms at which the book last changed this price, if known. */
  updatedAt?: number;
}

/** The no-vig consensus the odds poller derived from the quotes, stored next to them. */
export interface OddsSnapshotConsensus {
  /** Fair probability per selection name, as decimal text ("0.xxxxxx"): never a binary float. */
  probabilities: Record<string, string>;
  /** Confidence in [0, 1], decimal text. */
  confidence: string;
  /** Number of complete books the consensus used. */
  books: number;
}

export interface OddsSnapshot {
  fixtureId: string;
  market: string;
  /** Epoch ms of the capture. */
  capturedAt: number;
  quotes: OddsQuote[];
  /** The consensus at capture time; null when too few complete books quoted (absent in older items). */
  consensus?: OddsSnapshotConsensus | null;
  /** Provider sport id, e.g. "basketball". */
  sport?: string;
  /** Provider league id, e.g. "NBA". */
  league?: string;
}

function snapshotKey(market: string, capturedAt: number): string {
  return `${market}#${String(capturedAt).padStart(15, '0')}`;
}

export class OddsSnapshotsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    assertSafeInteger('ttlSeconds', ttlSeconds);
  }

  async put(snapshot: OddsSnapshot): Promise<void> {
    assertSafeInteger('capturedAt', snapshot.capturedAt);
    for (const q of snapshot.quotes) assertSafeInteger('quote.americanOdds', q.americanOdds);
    const expiresAt = Math.floor(snapshot.capturedAt / 1000) + this.ttlSeconds;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...snapshot, snapshotKey: snapshotKey(snapshot.market, snapshot.capturedAt), expiresAt },
      }),
    );
  }

  /** The most recent unexpired snapshot of a fixture's market. */
  async latest(fixtureId: string, market: string): Promise<OddsSnapshot | undefined> {
    const items = await this.query(fixtureId, market, undefined, 5, false);
    return items[0];
  }

  /** Unexpired snapshots of a fixture's market captured at or after `sinceMs`, oldest first. */
  history(fixtureId: string, market: string, sinceMs: number): Promise<OddsSnapshot[]> {
    return this.query(fixtureId, market, sinceMs, undefined, true);
  }

  private async query(fixtureId: string, market: string, sinceMs: number | undefined, pageSize: number | undefined, forward: boolean): Promise<OddsSnapshot[]> {
    const nowSec = Math.floor(this.now() / 1000);
    const out: OddsSnapshot[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression:
            sinceMs === undefined ? 'fixtureId = :f AND begins_with(snapshotKey, :m)' : 'fixtureId = :f AND snapshotKey BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':f': fixtureId,
            ...(sinceMs === undefined
              ? { ':m': `${market}#` }
              : { ':from': snapshotKey(market, sinceMs), ':to': `${market}#~` }),
          },
          ScanIndexForward: forward,
          Limit: pageSize,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of r.Items ?? []) {
        if (typeof item.expiresAt === 'number' && item.expiresAt <= nowSec) continue;
        const { snapshotKey: _k, expiresAt: _e, ...snap } = item;
        out.push(snap as OddsSnapshot);
        if (!forward) return out;
      }
      startKey = r.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}
