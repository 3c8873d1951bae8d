/**
 * The replay form of recordings kept in a bucket: a sweep item (or any reader of recordings in S3) opens a
 * recorded day through the compact binary form instead of downloading and parsing its gzip NDJSON chunks —
 * once per day and format version for the whole fleet, not once per item.
 *
 * The object's key is known before reading any recording: `replay-cache/` + replayCacheKey over a hash of
 * the source objects' base names, ETags and sizes (S3 metadata), so a recording rewritten in place (a new
 * ETag), a new chunk, another format version or quantity unit each name a different object, and a stale form
 * is never read. Found: fetched and decoded (its recorded source files must match the objects' names and
 * sizes, or it is rebuilt). Missing or unreadable: the chunks are downloaded to scratch space, decoded once
 * (loadReplayRecording, no local cache), the form written back, the chunks deleted.
 *
 * Whether the object exists is asked with a listing of its exact key, not a GET: without s3:ListBucket a GET
 * of a missing key is a 403, indistinguishable from a missing grant. A form that cannot be written (no
 * grant, a throttle) is a lost speed-up, told to `onWriteError`, never a failed item.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ObjectFacts, ObjectStore } from '../aws/object-store.js';
import { decodeRecording, loadReplayRecording, replayCacheKey, type ReplayRecording } from '../recording/binary/replay-cache.js';
import { ReplayFormatError } from '../recording/binary/replay-layout.js';

export const REPLAY_CACHE_PREFIX = 'replay-cache/';
export const REPLAY_CONTENT_TYPE = 'application/vnd.pmus.replay';

export interface SourceObject extends ObjectFacts {
  key: string;
}

/** The hash naming a set of recording objects (order matters: it is the replay order). */
export function objectSourceHash(objects: readonly SourceObject[]): string {
  return createHash('sha256')
    .update(objects.map((o) => `${basename(o.key)}\t${o.etag}\t${o.size}`).join('\n'))
    .digest('hex');
}

/** The key of the replay form of these recording objects. */
export function replayObjectKey(objects: readonly SourceObject[]): string {
  return `${REPLAY_CACHE_PREFIX}${replayCacheKey({ hash: objectSourceHash(objects) })}`;
}

export interface ReplayObjectCacheDeps {
  /** Where the recordings are (read only). */
  recordings: ObjectStore;
  /** Where the replay forms are kept (under REPLAY_CACHE_PREFIX). */
  cache: ObjectStore;
  /** Scratch space for the chunks while a form is built. */
  workDir: string;
  onWriteError?: (err: unknown, key: string) => void;
}

export interface OpenedRecording {
  rec: ReplayRecording;
  /** The replay form's key in the cache store. */
  key: string;
  /** 'hit': read from the cache; 'built': decoded from the chunks now (and written unless writeError). */
  from: 'hit' | 'built';
  /** Why it was built: 'missing', 'unreadable: …' or 'does not match its sources'. */
  reason?: string;
  writeError?: string;
}

/** Whether a decoded form was built from these objects (the names and sizes it recorded). */
function matches(rec: ReplayRecording, objects: readonly SourceObject[]): boolean {
  const files = rec.source.files;
  return files.length === objects.length && files.every((f, i) => f.name === basename((objects[i] as SourceObject).key) && f.size === (objects[i] as SourceObject).size);
}

/** Opens the recording made of these object keys (in replay order) through the cached replay form. */
export async function openRecordingObjects(keys: readonly string[], deps: ReplayObjectCacheDeps): Promise<OpenedRecording> {
  if (keys.length === 0) throw new Error('openRecordingObjects: no recording objects');
  const names = keys.map((k) => basename(k));
  if (new Set(names).size !== names.length) throw new Error(`recording objects must have distinct file names: ${keys.join(', ')}`);
  const objects = await Promise.all(keys.map(async (key) => ({ key, ...(await deps.recordings.head(key)) })));
  const key = replayObjectKey(objects);
  let reason = 'missing';
  if ((await deps.cache.list(key)).includes(key)) {
    try {
      const rec = decodeRecording(await deps.cache.getBytes(key), { file: deps.cache.location(key), hit: true });
      if (matches(rec, objects)) return { rec, key, from: 'hit' };
      reason = 'does not match its sources';
    } catch (err) {
      if (!(err instanceof ReplayFormatError)) throw err;
      reason = `unreadable: ${err.message}`;
    }
  }
  const dir = join(deps.workDir, 'replay-build', objectSourceHash(objects).slice(0, 16));
  rmSync(dir, { recursive: true, force: true });
  try {
    for (const o of objects) await deps.recordings.download(o.key, join(dir, basename(o.key)));
    const rec = await loadReplayRecording([dir], { cache: false });
    let writeError: string | undefined;
    try {
      await deps.cache.putBytes(key, rec.bytes, REPLAY_CONTENT_TYPE);
    } catch (err) {
      writeError = err instanceof Error ? err.message : String(err);
      deps.onWriteError?.(err, key);
    }
    return { rec, key, from: 'built', reason, ...(writeError !== undefined ? { writeError } : {}) };
  } finally {
    // Lambda's /tmp is small: the chunks are not needed once decoded.
    rmSync(dir, { recursive: true, force: true });
  }
}
