/**
 * Keeps a shadow day's calibration aggregates in the store, so the reporter Lambda's daily report carries the
 * panel and a restart mid-day resumes the day instead of losing it:
 *  - `resume(day)` (at start, before any write): the day's stored aggregates are carried into the shadow
 *    session, whose panel is then stored ⊕ this process's journal. A store error is retried on the next
 *    `tick` (no write happens before a resume, or the stored part would be overwritten); a malformed item is
 *    logged, counted (`shadow.resume_failed`) and the day starts afresh.
 *  - `tick(day)` (the bot's sweep timer): at most every `intervalMs`, the day so far goes to the write-behind
 *    queue when it changed.
 *  - `save(day)` (the daily reset, before the journal is reset; the graceful stop): the day so far, now.
 * Each write is the whole day so far (a snapshot, coalesced per day), so a retried or repeated write is harmless.
 */
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import { InvalidShadowAggregatesError, type ShadowAggregates } from '../../../shared/shadow/shadow-aggregates.js';
import type { ShadowDayRepository } from '../../../shared/store/shadow-day-repository.js';

/** The shadow session's side of it (shared/shadow/shadow-session.ts). */
export interface ShadowDaySource {
  aggregates(): ShadowAggregates | undefined;
  carry(stored: ShadowAggregates): void;
}

export interface ShadowDayPersistenceOptions {
  shadow: ShadowDaySource;
  repo: Pick<ShadowDayRepository, 'get'>;
  /** The write-behind path (StatePersister.recordShadowDay). */
  record: (day: string, aggregates: ShadowAggregates) => void;
  now: () => number;
  logger: Logger;
  metrics: Metrics;
  /** Least time between two periodic writes, ms (default 60 000). */
  intervalMs?: number;
}

export class ShadowDayPersistence {
  private resumed = false;
  /** The day being resumed (a rollover while a read is in flight makes its answer stale). */
  private day: string | undefined;
  private resuming: Promise<boolean> | undefined;
  private lastWritten = new Map<string, string>();
  private lastTick = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;

  constructor(private readonly o: ShadowDayPersistenceOptions) {
    this.intervalMs = o.intervalMs ?? 60_000;
  }

  /** Carries the day's stored part into the session; true once done (or nothing to carry / unusable item). */
  resume(day: string): Promise<boolean> {
    if (this.resumed) return Promise.resolve(true);
    this.day = day;
    this.resuming ??= (async () => {
      try {
        const stored = await this.o.repo.get(day);
        if (this.day !== day) return this.resumed;
        if (stored) {
          this.o.shadow.carry(stored);
          this.lastWritten.set(day, JSON.stringify(stored));
          this.o.logger.info('shadow day resumed from the store', { day, compared: stored.orders.compared, mirrored: stored.orders.mirrored });
        }
        this.resumed = true;
      } catch (err) {
        if (err instanceof InvalidShadowAggregatesError) {
          this.o.metrics.increment('shadow.resume_failed', 1, { reason: 'invalid' });
          this.o.logger.error('stored shadow day is unusable; the day starts afresh (it will be overwritten)', { day, err });
          this.resumed = true;
        } else {
          this.o.metrics.increment('shadow.resume_failed', 1, { reason: 'store' });
          this.o.logger.warn('shadow day could not be read; retried before the next write', { day, err });
        }
      } finally {
        this.resuming = undefined;
      }
      return this.resumed;
    })();
    return this.resuming;
  }

  /** The periodic write (rate-limited; only when the day changed). */
  tick(day: string): void {
    const now = this.o.now();
    if (now - this.lastTick < this.intervalMs) return;
    this.lastTick = now;
    if (!this.resumed) {
      void this.resume(day);
      return;
    }
    this.write(day);
  }

  /** Writes the day so far now (daily reset, stop). Nothing before a resume succeeded. */
  save(day: string): void {
    if (this.resumed) this.write(day);
  }

  /** The day ended (after `save`): the next day starts with nothing stored to resume. */
  onNewDay(day: string): void {
    this.day = day;
    this.resumed = true;
    this.lastWritten.clear();
  }

  private write(day: string): void {
    let agg: ShadowAggregates | undefined;
    try {
      agg = this.o.shadow.aggregates();
    } catch (err) {
      this.o.metrics.increment('shadow.aggregate_failed');
      this.o.logger.error('shadow aggregates could not be built; not stored this time', { day, err });
      return;
    }
    if (!agg) return;
    const text = JSON.stringify(agg);
    if (this.lastWritten.get(day) === text) return;
    this.lastWritten.set(day, text);
    this.o.record(day, agg);
  }
}
