/**
 * Reads recordings back: files or folders (searched recursively for `*.ndjson.gz`, and plain `*.ndjson`),
 * grouped into sessions by their header, each session's chunks in order, all sessions merged into one stream
 * by receive time (a stable sort: equal times keep session order, then file order, then line order).
 *
 * Older formats are upgraded as they are read: a format-1 chunk's quantities become Qty (record-upgrade.ts),
 * and a chunk older than format 3 gets the `own` lines its private lines imply (own-order-records.ts), right
 * after each of them, so every replay sees the bot's own orders the same way.
 *
 * Malformed lines are counted and skipped, never fatal. A chunk cut short by a crash (truncated gzip) is read
 * up to its last complete line and reported as truncated.
 *
 * The whole dataset is loaded into memory (the sample and a day of a few games are tens of MB); a streaming
 * k-way merge would be the next step for weeks of data.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { OwnOrderDeriver } from './own-order-records.js';
import { WHOLE_CONTRACT_FORMAT, upgradeWholeContractLine } from './record-upgrade.js';
import { OWN_RECORDS_FORMAT, RECORD_FILE_SUFFIX, RecordFormatError, parseRecordLine, type DiscoveryRecord, type RecordingHeader, type RecordLine } from './record-format.js';

export interface ReadIssue {
  file: string;
  line?: number;
  message: string;
}

export interface LoadedRecording {
  /** Every line of every session, merged by receive time. */
  lines: RecordLine[];
  headers: RecordingHeader[];
  discoveries: DiscoveryRecord[];
  files: string[];
  /** Lines skipped as malformed, and truncated files. */
  issues: ReadIssue[];
  /** Lines dropped by the writer (gap meta lines), summed. */
  droppedByWriter: number;
}

/** Expands files and folders into recording files, sorted by name (session id, then chunk number). */
export function listRecordingFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(join(p, name));
    } else if (p.endsWith(RECORD_FILE_SUFFIX) || p.endsWith('.ndjson')) {
      out.push(p);
    }
  };
  for (const p of paths) visit(p);
  return [...new Set(out)].sort((a, b) => basename(a).localeCompare(basename(b)) || a.localeCompare(b));
}

/** Reads one file's lines (gunzipping `.gz`), skipping and reporting malformed ones. */
export async function readRecordFile(file: string, issues: ReadIssue[] = []): Promise<RecordLine[]> {
  const out: RecordLine[] = [];
  let rest = '';
  let lineNo = 0;
  const take = (text: string): void => {
    const parts = (rest + text).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) {
      lineNo++;
      if (part.length === 0) continue;
      try {
        out.push(parseRecordLine(part));
      } catch (err) {
        issues.push({ file, line: lineNo, message: err instanceof RecordFormatError ? err.message : String(err) });
      }
    }
  };
  const source = createReadStream(file);
  const stream = file.endsWith('.gz') ? source.pipe(createGunzip()) : source;
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) take(chunk as string);
  } catch (err) {
    issues.push({ file, message: `truncated or corrupt (${err instanceof Error ? err.message : String(err)}); read up to line ${lineNo}` });
  } finally {
    source.destroy();
  }
  if (rest.length > 0) take('\n');
  return out;
}

/** The own records a recorded private line implies; a line without the shape of its event implies none. */
function deriveOwnSafely(own: OwnOrderDeriver, l: Extract<RecordLine, { k: 'private' }>) {
  try {
    return own.derive(l.e);
  } catch {
    return [];
  }
}

/** Loads files/folders: sessions in start order, chunks in order, merged by receive time. */
export async function loadRecording(paths: readonly string[]): Promise<LoadedRecording> {
  const files = listRecordingFiles(paths);
  const issues: ReadIssue[] = [];
  const sessions = new Map<string, { startedAt: number; lines: RecordLine[]; own: OwnOrderDeriver }>();
  const headers: RecordingHeader[] = [];
  const discoveries: DiscoveryRecord[] = [];
  let dropped = 0;
  for (const file of files) {
    const lines = await readRecordFile(file, issues);
    const first = lines[0];
    const header = first && first.k === 'meta' && first.e.type === 'header' ? first.e : undefined;
    if (header?.format === WHOLE_CONTRACT_FORMAT) for (const l of lines) upgradeWholeContractLine(l);
    const key = header?.sessionId ?? `file:${file}`;
    if (header) headers.push(header);
    let s = sessions.get(key);
    if (!s) sessions.set(key, (s = { startedAt: header?.startedAt ?? first?.t ?? 0, lines: [], own: new OwnOrderDeriver('live') }));
    const deriveOwn = (header?.format ?? 0) < OWN_RECORDS_FORMAT;
    // Receive times come from a wall clock that may step back (NTP): never let a session go backwards.
    let last = s.lines.length > 0 ? (s.lines[s.lines.length - 1] as RecordLine).t : -Infinity;
    for (const l of lines) {
      if (l.t < last) l.t = last;
      last = l.t;
      if (l.k === 'meta') {
        if (l.e.type === 'discovery') discoveries.push(l.e);
        else if (l.e.type === 'gap') dropped += l.e.dropped;
      }
      s.lines.push(l);
      if (deriveOwn && l.k === 'private') for (const e of deriveOwnSafely(s.own, l)) s.lines.push({ t: l.t, k: 'own', e });
    }
  }
  const ordered = [...sessions.values()].sort((a, b) => a.startedAt - b.startedAt);
  const merged: RecordLine[] = [];
  for (const s of ordered) for (const l of s.lines) merged.push(l);
  if (ordered.length > 1) merged.sort((a, b) => a.t - b.t);
  return { lines: merged, headers, discoveries, files, issues, droppedByWriter: dropped };
}
