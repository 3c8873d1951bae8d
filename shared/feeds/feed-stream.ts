/**
 * What the odds and results streams share: the OpticOdds stream URL and headers, entry-id de-duplication,
 * malformed-frame accounting and `feed_health` events.
 */
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import type { FeedEvent, FeedStream } from '../domain/feed-events.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { BoundedIdSet } from './entry-dedup.js';
import { DEFAULT_OPTICODDS_BASE_URL, type Query } from './rest-client.js';
import { ResilientSseStream, type SseFrame } from './sse-stream.js';

export interface FeedStreamOptions {
  apiKey: string;
  sport: string;
  /** Base URL of the streams (config `sports_data.stream_base_url`). Default https://api.opticodds.com/api/v3. */
  baseUrl?: string;
  /** Receives every FeedEvent, synchronously, in stream order. */
  onEvent: (event: FeedEvent) => void;
  fetch?: typeof fetch;
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /** Silence declaring the stream dead (≈ 3 missed pings). Default 15 000 ms. */
  silenceTimeoutMs?: number;
  watchdogIntervalMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Entry ids remembered for de-duplication. Default 10 000. */
  dedupCapacity?: number;
  /** Resume from this entry id on the first connection (e.g. persisted by a previous run). */
  lastEntryId?: string;
  random?: () => number;
}

export abstract class OpticOddsFeedStream {
  protected readonly clock: Clock;
  protected readonly logger: Logger;
  protected readonly metrics: Metrics;
  private readonly seen: BoundedIdSet;
  private readonly sse: ResilientSseStream;

  protected constructor(
    protected readonly kind: FeedStream,
    path: string,
    query: Query,
    protected readonly options: FeedStreamOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? nullLogger).child({ component: `opticodds-${kind}-stream`, sport: options.sport });
    this.metrics = options.metrics ?? nullMetrics;
    this.seen = new BoundedIdSet(options.dedupCapacity ?? 10_000);
    const base = (options.baseUrl ?? DEFAULT_OPTICODDS_BASE_URL).replace(/\/+$/, '');
    this.sse = new ResilientSseStream({
      stream: kind,
      secret: options.apiKey,
      headers: { 'X-Api-Key': options.apiKey },
      url: (resumeId) => {
        const url = new URL(`${base}${path}`);
        for (const [k, v] of Object.entries(query)) {
          if (v === undefined || v === null) continue;
          if (Array.isArray(v)) for (const x of v as readonly (string | number)[]) url.searchParams.append(k, String(x));
          else url.searchParams.append(k, String(v));
        }
        if (resumeId) url.searchParams.set('last_entry_id', resumeId);
        return url;
      },
      onFrame: (f) => this.onFrame(f),
      onHealth: (healthy, reason) =>
        this.emit({ type: 'feed_health', stream: kind, sport: options.sport, healthy, reason, at: this.clock.now() }),
      fetch: options.fetch,
      clock: this.clock,
      logger: options.logger,
      metrics: this.metrics,
      silenceTimeoutMs: options.silenceTimeoutMs,
      watchdogIntervalMs: options.watchdogIntervalMs,
      initialBackoffMs: options.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      random: options.random,
    });
    if (options.lastEntryId) this.sse.setResumeId(options.lastEntryId);
  }

  start(): void {
    this.sse.start();
  }

  stop(): Promise<void> {
    return this.sse.stop();
  }

  /** The last entry id processed: persist it to resume after a restart. */
  get lastEntryId(): string | null {
    return this.sse.lastResumeId;
  }

  get healthy(): boolean {
    return this.sse.isHealthy;
  }

  /** Set when the stream gave up for good (403: not licensed). */
  get fatalReason(): string | null {
    return this.sse.fatalReason;
  }

  get connections(): number {
    return this.sse.connections;
  }

  /** Drops the connection; it resumes from the last entry id. */
  reconnectNow(): void {
    this.sse.reconnectNow();
  }

  /** Handles one data frame (not connected/ping); malformed frames are reported through `malformed()`. */
  protected abstract handle(frame: SseFrame): void;

  private onFrame(frame: SseFrame): void {
    if (frame.event === 'connected' || frame.event === 'ping') return;
    this.handle(frame);
  }

  /** True when the entry id is new (and records it as the resume point); false for a replayed duplicate. */
  protected accept(entryId: string | null): boolean {
    if (entryId === null) return true;
    if (!this.seen.add(entryId)) {
      this.metrics.increment('feeds.duplicates', 1, { stream: this.kind });
      return false;
    }
    this.sse.setResumeId(entryId);
    return true;
  }

  protected malformed(event: string, why: string, count = 1): void {
    this.metrics.increment('feeds.malformed', count, { stream: this.kind });
    this.logger.warn('malformed feed event skipped', { event, why, count });
  }

  protected parseJson(frame: SseFrame): unknown {
    try {
      return JSON.parse(frame.data) as unknown;
    } catch {
      this.malformed(frame.event, 'not JSON');
      return undefined;
    }
  }

  protected emit(event: FeedEvent): void {
    try {
      this.options.onEvent(event);
    } catch (e) {
      this.metrics.increment('feeds.handler_errors', 1, { stream: this.kind });
      this.logger.error('feed event handler failed', { type: event.type, error: e });
    }
  }
}
