/**
 * What a sweep worker keeps between jobs: the decoded replay recordings it has opened, keyed by
 * replayCacheKey (format version, quantity unit, content hash), so a worker decodes each recorded day once
 * however many parameter sets it runs on it, and two paths holding the same content share one copy.
 *
 * A job names its data by paths; the memo maps those paths to a key through the files' size and mtime, so a
 * recording rewritten between jobs (a longer day, a fixed chunk) is opened again — through
 * loadReplayRecording, which rebuilds the local replay cache when it is stale. At most `maxEntries`
 * recordings are held (least recently used dropped first): a local by-day sweep visits many days, and the
 * pool sends a worker the jobs of the day it already holds first (sweep-pool.ts).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadReplayRecording, replayCacheKey, type ReplayRecording } from '../recording/binary/replay-cache.js';
import { listRecordingFiles } from '../recording/recording-reader.js';

export type RecordingLoader = (paths: readonly string[]) => Promise<ReplayRecording>;

/** The paths' recording files as they stand on disk: changes when a file is added, removed or rewritten. */
export function recordingStamp(paths: readonly string[]): string {
  return listRecordingFiles(paths)
    .map((f) => {
      const st = statSync(f);
      return `${resolve(f)}\t${st.size}\t${st.mtimeMs}`;
    })
    .join('\n');
}

/** Bytes of the paths' recording files: the pool's estimate of a job's length (0 when they cannot be listed). */
export function recordingBytes(paths: readonly string[]): number {
  try {
    return listRecordingFiles(paths).reduce((sum, f) => sum + statSync(f).size, 0);
  } catch {
    return 0;
  }
}

/** The key the pool uses to send a job to the worker that already holds its recording. */
export function dataKey(paths: readonly string[]): string {
  return paths.map((p) => resolve(p)).join('\n');
}

export class RecordingMemo {
  /** replayCacheKey → recording, least recently used first. */
  private readonly entries = new Map<string, ReplayRecording>();
  /** stamp of a job's paths → replayCacheKey (or the load in flight). */
  private readonly byStamp = new Map<string, string | Promise<ReplayRecording>>();

  constructor(
    private readonly load: RecordingLoader = (paths) => loadReplayRecording(paths),
    private readonly maxEntries = 2,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`RecordingMemo: maxEntries must be a positive integer, got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  async get(paths: readonly string[]): Promise<ReplayRecording> {
    const stamp = recordingStamp(paths);
    const known = this.byStamp.get(stamp);
    if (typeof known === 'string') {
      const rec = this.entries.get(known);
      if (rec) {
        this.entries.delete(known);
        this.entries.set(known, rec);
        return rec;
      }
      this.byStamp.delete(stamp);
    } else if (known) {
      return known;
    }
    const pending = this.open(paths, stamp);
    this.byStamp.set(stamp, pending);
    try {
      return await pending;
    } catch (err) {
      this.byStamp.delete(stamp);
      throw err;
    }
  }

  private async open(paths: readonly string[], stamp: string): Promise<ReplayRecording> {
    const loaded = await this.load(paths);
    const key = replayCacheKey(loaded.source);
    const rec = this.entries.get(key) ?? loaded;
    this.entries.delete(key);
    this.entries.set(key, rec);
    this.byStamp.set(stamp, key);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      for (const [s, k] of this.byStamp) if (k === oldest) this.byStamp.delete(s);
    }
    return rec;
  }
}
