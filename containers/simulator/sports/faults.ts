/**
 * Fault switches of the simulated OpticOdds feed: cut streams, dead streams (no pings / no frames), a feed
 * outage, dropped entries, REST error bursts and refused stream connections. Time-based faults use the
 * simulator's clock, so tests drive them with a manual clock.
 */
import type { Clock } from '../../../shared/domain/clock.js';
import type { FeedEntry } from './entry-log.js';

export interface RestFailure {
  status: number;
  /** Seconds for the `Retry-After` header (429/503), when given. */
  retryAfterSeconds?: number;
}

export type EntryPredicate = (entry: FeedEntry) => boolean;

export class SportsFaults {
  private pingsEnabled = true;
  private frozen = false;
  private outageUntil = -Infinity;
  private restFailures: RestFailure[] = [];
  private streamRefusals: RestFailure[] = [];
  private dropRules: Array<{ predicate: EntryPredicate; remaining: number }> = [];
  private resumeSkips: number[] = [];
  private unlicensed = new Set<string>();
  private readonly cutListeners = new Set<() => number>();

  constructor(private readonly clock: Clock) {}

  /** Closes every open stream connection now (the client sees the TCP stream end). Returns how many. */
  cutStreams(): number {
    let n = 0;
    for (const listener of this.cutListeners) n += listener();
    return n;
  }

  /** @internal The OpticOdds module registers how to cut its streams. */
  onCut(listener: () => number): () => void {
    this.cutListeners.add(listener);
    return () => this.cutListeners.delete(listener);
  }

  /** Stops (false) or restarts (true) the `ping` frames on every stream. */
  setPingsEnabled(enabled: boolean): void {
    this.pingsEnabled = enabled;
  }

  /**
   * A dead stream: connections stay open but get no frame at all (no pings, no data) while frozen. The
   * entries are still recorded, so a client that reconnects with `last_entry_id` gets them back.
   */
  freezeStreams(frozen: boolean): void {
    this.frozen = frozen;
  }

  /**
   * A feed outage for `ms` of simulator time: no entries are produced (they are lost, as at the provider),
   * open streams go silent, new stream connections and REST calls get 503. The games go on.
   */
  pauseFeed(ms: number): void {
    this.outageUntil = this.clock.now() + ms;
  }

  /** Ends an outage early. */
  resumeFeed(): void {
    this.outageUntil = -Infinity;
  }

  /** The next `count` entries matching the predicate (default: any) are not delivered live (kept in history). */
  dropEntries(count: number, predicate: EntryPredicate = () => true): void {
    this.dropRules.push({ predicate, remaining: count });
  }

  /** The next `count` REST calls fail with `status` (e.g. 429 with Retry-After, 500, 502, 503). */
  failRest(status: number, count: number, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i += 1) {
      this.restFailures.push(retryAfterSeconds === undefined ? { status } : { status, retryAfterSeconds });
    }
  }

  /** The next `count` stream connection attempts are refused with `status`. */
  refuseStreams(status: number, count: number, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i += 1) {
      this.streamRefusals.push(retryAfterSeconds === undefined ? { status } : { status, retryAfterSeconds });
    }
  }

  /**
   * The next `times` resumes (`last_entry_id` given) skip the first `count` entries they should replay (all
   * of them by default): resuming is best effort at OpticOdds and not guaranteed gap-free.
   */
  skipOnResume(count = Infinity, times = 1): void {
    for (let i = 0; i < times; i += 1) this.resumeSkips.push(count);
  }

  /**
   * Products the key is not licensed for ('odds': `/fixtures/odds` and `/stream/odds/*`; 'results':
   * `/fixtures/results` and `/stream/results/*`) answer 403 `{"error": …}` until licensed again.
   */
  setLicensed(product: 'odds' | 'results', licensed: boolean): void {
    if (licensed) this.unlicensed.delete(product);
    else this.unlicensed.add(product);
  }

  /** Clears every fault. */
  reset(): void {
    this.resumeSkips = [];
    this.unlicensed.clear();
    this.pingsEnabled = true;
    this.frozen = false;
    this.outageUntil = -Infinity;
    this.restFailures = [];
    this.streamRefusals = [];
    this.dropRules = [];
  }

  // ---- queried by the world and the module ----

  inOutage(): boolean {
    return this.clock.now() < this.outageUntil;
  }

  pingsAllowed(): boolean {
    return this.pingsEnabled && !this.frozen && !this.inOutage();
  }

  framesAllowed(): boolean {
    return !this.frozen && !this.inOutage();
  }

  /** Whether this entry is to be dropped from live delivery (consumes one drop). */
  shouldDrop(entry: FeedEntry): boolean {
    for (const rule of this.dropRules) {
      if (rule.remaining > 0 && rule.predicate(entry)) {
        rule.remaining -= 1;
        if (rule.remaining === 0) this.dropRules = this.dropRules.filter((r) => r.remaining > 0);
        return true;
      }
    }
    return false;
  }

  takeRestFailure(): RestFailure | null {
    if (this.inOutage()) return { status: 503 };
    return this.restFailures.shift() ?? null;
  }

  /** Entries a resume now skips (0: none). */
  takeResumeSkip(): number {
    return this.resumeSkips.shift() ?? 0;
  }

  isLicensed(product: 'odds' | 'results'): boolean {
    return !this.unlicensed.has(product);
  }

  takeStreamRefusal(): RestFailure | null {
    if (this.inOutage()) return { status: 503 };
    return this.streamRefusals.shift() ?? null;
  }
}
