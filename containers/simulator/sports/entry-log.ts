/**
 * The feed's entries (one per SSE data frame), with Redis-stream-like ids `<ms>-<seq>` that increase strictly,
 * a bounded history for `last_entry_id` resume, and live listeners.
 */

export type StreamKind = 'odds' | 'results';
export type EntryEvent = 'odds' | 'locked-odds' | 'fixture-status' | 'fixture-results';

export interface FeedEntry {
  id: string;
  ms: number;
  seq: number;
  stream: StreamKind;
  event: EntryEvent;
  sport: string;
  league: string;
  fixtureId: string;
  /** Sportsbook display name, for odds entries. */
  sportsbook?: string;
  /** Market display name, for odds entries. */
  market?: string;
  /** The JSON object sent as the frame's `data`. */
  payload: unknown;
  /** `payload` serialized once. */
  json: string;
}

export interface EntryId {
  ms: number;
  seq: number;
}

export function parseEntryId(text: string): EntryId | null {
  const m = /^(\d{1,16})-(\d{1,10})$/.exec(text.trim());
  if (!m) return null;
  return { ms: Number(m[1]), seq: Number(m[2]) };
}

export function compareEntryIds(a: EntryId, b: EntryId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

export type EntryListener = (entry: FeedEntry) => void;

export class EntryLog {
  private readonly buffer: FeedEntry[] = [];
  private start = 0;
  private lastMs = -1;
  private lastSeq = -1;
  private readonly listeners = new Set<EntryListener>();
  private evicted: EntryId | null = null;

  constructor(private readonly capacity = 100_000) {
    if (capacity < 1) throw new RangeError('capacity must be >= 1');
  }

  /** Next id for an entry at `ms` (never below the previous id). */
  nextId(ms: number): EntryId {
    const at = Math.max(Math.floor(ms), this.lastMs);
    const seq = at === this.lastMs ? this.lastSeq + 1 : 0;
    this.lastMs = at;
    this.lastSeq = seq;
    return { ms: at, seq };
  }

  /** Records an entry and tells the listeners (an entry with `record=false` is counted in ids but lost). */
  append(entry: FeedEntry, record = true): void {
    if (!record) return;
    this.buffer.push(entry);
    if (this.buffer.length - this.start > this.capacity) {
      const gone = this.buffer[this.start] as FeedEntry;
      this.evicted = { ms: gone.ms, seq: gone.seq };
      this.start += 1;
      if (this.start > 4096 && this.start * 2 > this.buffer.length) {
        this.buffer.splice(0, this.start);
        this.start = 0;
      }
    }
    for (const listener of this.listeners) listener(entry);
  }

  /** Entries strictly after `after` still held in the history, oldest first. */
  since(after: EntryId): FeedEntry[] {
    let lo = this.start;
    let hi = this.buffer.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareEntryIds(this.buffer[mid] as FeedEntry, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return this.buffer.slice(lo);
  }

  /** Whether a resume after `after` misses entries no longer held in the history. */
  hasGapAfter(after: EntryId): boolean {
    return this.evicted !== null && compareEntryIds(this.evicted, after) > 0;
  }

  all(): FeedEntry[] {
    return this.buffer.slice(this.start);
  }

  oldest(): FeedEntry | null {
    return this.buffer[this.start] ?? null;
  }

  get size(): number {
    return this.buffer.length - this.start;
  }

  subscribe(listener: EntryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
