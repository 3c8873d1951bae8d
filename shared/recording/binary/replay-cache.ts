/**
 * Recordings read through the replay form: the gzip NDJSON files stay the durable archive, and the first
 * replay of a set of files decodes them once (loadRecording), encodes the result (replay-encoder.ts) and
 * caches it beside the recording, in `<folder of the first file>/.replay-cache/<paths digest>.replay.bin`.
 * Later replays read the cache when it was built from the same files (name, size and mtime, or the same
 * sha256 when only the mtime moved), by this format version and for the engine's quantity unit; anything
 * else rebuilds it. A cache that cannot be written (read-only disk) is only a lost speed-up.
 *
 * For a remote cache (S3), `replayCacheKey` names the object by format version, quantity unit and content
 * hash, and `encodeRecording` / `decodeRecording` turn a loaded recording into bytes and back.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DiscoveryRecord, RecordingHeader } from '../record-format.js';
import { listRecordingFiles, loadRecording, type LoadedRecording, type ReadIssue } from '../recording-reader.js';
import { ENGINE_QUANTITY_UNIT } from './quantity-encoding.js';
import { ReplayCursor } from './replay-decoder.js';
import { encodeReplay } from './replay-encoder.js';
import { REPLAY_FORMAT_VERSION, ReplayFormatError } from './replay-layout.js';

export const REPLAY_CACHE_DIR = '.replay-cache';
export const REPLAY_CACHE_SUFFIX = '.replay.bin';

export interface SourceFile {
  name: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** What a replay file was built from: the recording files, in load order, and one hash over their content. */
export interface SourceFingerprint {
  files: SourceFile[];
  /** sha256 over each file's base name and content hash, in order. */
  hash: string;
}

/** A recording opened through the replay form: LoadedRecording's facts, the lines behind a cursor. */
export interface ReplayRecording extends Omit<LoadedRecording, 'lines'> {
  lines: ReplayCursor;
  source: SourceFingerprint;
  cache: { file?: string; hit: boolean };
  /** The replay form itself (what a remote cache stores under replayCacheKey(source)). */
  bytes: Uint8Array;
}

interface StoredMeta {
  source: SourceFingerprint;
  headers: RecordingHeader[];
  discoveryLines: number[];
  files: string[];
  issues: ReadIssue[];
  droppedByWriter: number;
}

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

function sourceFile(file: string): SourceFile {
  const st = statSync(file);
  return { name: basename(file), size: st.size, mtimeMs: st.mtimeMs, sha256: sha256(readFileSync(file)) };
}

function hashOf(files: readonly SourceFile[]): string {
  return sha256(files.map((f) => `${f.name}\t${f.sha256}`).join('\n'));
}

/** The fingerprint of recording files (read whole to hash them). */
export function sourceFingerprint(files: readonly string[]): SourceFingerprint {
  const out = files.map(sourceFile);
  return { files: out, hash: hashOf(out) };
}

/** The cache key of a recording's replay form: format version, quantity unit and content hash. */
export function replayCacheKey(source: Pick<SourceFingerprint, 'hash'>): string {
  return `replay-v${REPLAY_FORMAT_VERSION}/${ENGINE_QUANTITY_UNIT}/${source.hash}${REPLAY_CACHE_SUFFIX}`;
}

/** A loaded recording in the replay form. */
export function encodeRecording(rec: LoadedRecording, source: SourceFingerprint): Uint8Array {
  const discoveryLines: number[] = [];
  rec.lines.forEach((l, i) => {
    if (l.k === 'meta' && l.e.type === 'discovery') discoveryLines.push(i);
  });
  const meta: StoredMeta = { source, headers: rec.headers, discoveryLines, files: rec.files, issues: rec.issues, droppedByWriter: rec.droppedByWriter };
  return encodeReplay(rec.lines, meta);
}

/** A replay-form buffer as a recording. Throws ReplayFormatError when it is not one this build reads. */
export function decodeRecording(buf: Uint8Array, cache: ReplayRecording['cache'] = { hit: true }): ReplayRecording {
  const lines = new ReplayCursor(buf);
  const meta = lines.meta as StoredMeta | null;
  if (!meta || typeof meta !== 'object' || !meta.source || !Array.isArray(meta.discoveryLines)) throw new ReplayFormatError('replay file has no recording facts');
  const discoveries = meta.discoveryLines.map((i) => lines.line(i).e as DiscoveryRecord);
  return { lines, headers: meta.headers, discoveries, files: meta.files, issues: meta.issues, droppedByWriter: meta.droppedByWriter, source: meta.source, cache, bytes: buf };
}

/** Where the local cache of these recording files lives. */
export function replayCacheFile(files: readonly string[]): string {
  const first = files[0] ?? '.';
  return join(dirname(first), REPLAY_CACHE_DIR, `${sha256(files.map((f) => resolve(f)).join('\n')).slice(0, 24)}${REPLAY_CACHE_SUFFIX}`);
}

/** Whether a cached source still describes the files on disk (size and mtime, or content when only the mtime moved). */
function stillCurrent(cached: SourceFingerprint, files: readonly string[]): boolean {
  if (cached.files.length !== files.length) return false;
  for (let i = 0; i < files.length; i++) {
    const c = cached.files[i] as SourceFile;
    const file = files[i] as string;
    if (c.name !== basename(file)) return false;
    const st = statSync(file);
    if (st.size !== c.size) return false;
    if (st.mtimeMs !== c.mtimeMs && sha256(readFileSync(file)) !== c.sha256) return false;
  }
  return true;
}

export interface LoadReplayOptions {
  /** Use and keep the local cache (default true). */
  cache?: boolean;
  /** The cache file (default replayCacheFile(files)). */
  cacheFile?: string;
  /** Told when the cache is rebuilt and why (e.g. a log line). */
  onRebuild?: (reason: string, file: string) => void;
}

/** Loads recording files or folders through the replay form (the cache when current, else built now). */
export async function loadReplayRecording(paths: readonly string[], opts: LoadReplayOptions = {}): Promise<ReplayRecording> {
  const files = listRecordingFiles(paths);
  const useCache = opts.cache !== false && files.length > 0;
  const cacheFile = opts.cacheFile ?? replayCacheFile(files);
  let reason = 'no cache';
  if (useCache) {
    try {
      const rec = decodeRecording(readFileSync(cacheFile), { file: cacheFile, hit: true });
      if (stillCurrent(rec.source, files)) return rec;
      reason = 'recording changed';
    } catch (err) {
      reason = err instanceof ReplayFormatError ? err.message : (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no cache' : String(err);
    }
  }
  const loaded = await loadRecording(files);
  const source = sourceFingerprint(files);
  const buf = encodeRecording(loaded, source);
  let written: string | undefined;
  if (useCache) {
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(tmp, buf);
      renameSync(tmp, cacheFile);
      written = cacheFile;
      opts.onRebuild?.(reason, cacheFile);
    } catch {
      // A read-only disk: replay from memory.
    }
  }
  return decodeRecording(buf, { ...(written ? { file: written } : {}), hit: false });
}
