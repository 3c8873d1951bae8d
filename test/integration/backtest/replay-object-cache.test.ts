/**
 * Recordings in S3 (the fauxqs emulator) opened through their replay form cached in a bucket: the first open
 * downloads the chunks, decodes them and writes the form under replay-cache/<format>/<unit>/<hash>; the next
 * reads the form and downloads nothing; a rewritten chunk (new ETag), a corrupt form and a form whose sources
 * do not match are rebuilt; a cache that refuses writes only loses the speed-up. The opened recording replays
 * line for line like the local files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore, type ObjectStore } from '../../../shared/aws/object-store.js';
import { REPLAY_CACHE_PREFIX, openRecordingObjects, replayObjectKey } from '../../../shared/backtest/replay-object-cache.js';
import { loadReplayRecording } from '../../../shared/recording/binary/replay-cache.js';
import { REPLAY_FORMAT_VERSION } from '../../../shared/recording/binary/replay-layout.js';
import { startLocalS3, type LocalS3 } from '../../support/local-s3.js';

const SAMPLE = 'data/sample';
const FILES = readdirSync(SAMPLE).filter((f) => f.endsWith('.ndjson.gz')).sort();
const PREFIX = 'recordings/staging/2026/12/01/';
const KEYS = FILES.map((f) => `${PREFIX}${f}`);

let buckets: LocalS3;
let tmp: string;
let recordings: S3ObjectStore;
let cache: S3ObjectStore;

/** The recordings store, counting downloads. */
function counting(store: ObjectStore): ObjectStore & { downloads: number } {
  const c = Object.create(store) as ObjectStore & { downloads: number };
  c.downloads = 0;
  c.download = (key, file) => (c.downloads++, store.download(key, file));
  return c;
}

beforeAll(async () => {
  buckets = await startLocalS3(['rec', 'res']);
  for (const f of FILES) await buckets.put('rec', `${PREFIX}${f}`, join(SAMPLE, f));
  recordings = new S3ObjectStore(buckets.s3, 'rec');
  cache = new S3ObjectStore(buckets.s3, 'res');
  tmp = mkdtempSync(join(tmpdir(), 'replay-obj-'));
}, 60_000);

afterAll(async () => {
  await buckets?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('replay form cached in a bucket', () => {
  it('built once from the chunks, then read by every later open; the same lines as the local files', async () => {
    const rec1 = counting(recordings);
    const first = await openRecordingObjects(KEYS, { recordings: rec1, cache, workDir: tmp });
    expect(first.from).toBe('built');
    expect(first.reason).toBe('missing');
    expect(rec1.downloads).toBe(FILES.length);
    expect(first.key.startsWith(`${REPLAY_CACHE_PREFIX}replay-v${REPLAY_FORMAT_VERSION}/`)).toBe(true);
    expect(await cache.list(REPLAY_CACHE_PREFIX)).toEqual([first.key]);
    // Scratch space is emptied once decoded.
    expect(readdirSync(join(tmp, 'replay-build'))).toEqual([]);

    const rec2 = counting(recordings);
    const second = await openRecordingObjects(KEYS, { recordings: rec2, cache, workDir: tmp });
    expect(second).toMatchObject({ from: 'hit', key: first.key });
    expect(rec2.downloads).toBe(0);

    const local = await loadReplayRecording([SAMPLE], { cache: false });
    expect(second.rec.lines.length).toBe(local.lines.length);
    for (let i = 0; i < local.lines.length; i += 97) expect(second.rec.lines.line(i)).toEqual(local.lines.line(i));
    expect(second.rec.discoveries).toEqual(local.discoveries);
  }, 60_000);

  it('a rewritten chunk (new ETag) names a new form; a corrupt or mismatched form is rebuilt', async () => {
    const key0 = replayObjectKey(await Promise.all(KEYS.map(async (key) => ({ key, ...(await recordings.head(key)) }))));
    // Corrupt form under the right key: rebuilt and replaced.
    await cache.putBytes(key0, new Uint8Array([1, 2, 3, 4]), 'application/octet-stream');
    const rebuilt = await openRecordingObjects(KEYS, { recordings, cache, workDir: tmp });
    expect(rebuilt.from).toBe('built');
    expect(rebuilt.reason).toMatch(/^unreadable: /);
    expect((await openRecordingObjects(KEYS, { recordings, cache, workDir: tmp })).from).toBe('hit');

    // A valid form of other sources under this key (a wrong write): not used.
    const other = await openRecordingObjects([KEYS[0]!], { recordings, cache, workDir: tmp });
    await cache.putBytes(key0, other.rec.bytes, 'application/octet-stream');
    const mismatch = await openRecordingObjects(KEYS, { recordings, cache, workDir: tmp });
    expect(mismatch).toMatchObject({ from: 'built', reason: 'does not match its sources' });

    // The recorder rewrote the last chunk (one line fewer): another key, built from the new content.
    const { gunzipSync, gzipSync } = await import('node:zlib');
    const text = gunzipSync(readFileSync(join(SAMPLE, FILES.at(-1)!))).toString('utf8').trimEnd().split('\n');
    await buckets.put('rec', KEYS.at(-1)!, gzipSync(text.slice(0, -1).join('\n') + '\n'));
    const changed = await openRecordingObjects(KEYS, { recordings, cache, workDir: tmp });
    expect(changed.from).toBe('built');
    expect(changed.key).not.toBe(key0);
    expect(changed.rec.lines.length).toBe(mismatch.rec.lines.length - 1);
    await buckets.put('rec', KEYS.at(-1)!, join(SAMPLE, FILES.at(-1)!));
  }, 60_000);

  it('a cache that refuses writes costs the speed-up only', async () => {
    const refusing = Object.create(cache) as ObjectStore;
    refusing.putBytes = () => Promise.reject(new Error('AccessDenied'));
    refusing.list = () => Promise.resolve([]);
    const errors: string[] = [];
    const opened = await openRecordingObjects(KEYS, { recordings, cache: refusing, workDir: tmp, onWriteError: (e) => errors.push(String(e)) });
    expect(opened).toMatchObject({ from: 'built', writeError: 'AccessDenied' });
    expect(errors).toEqual(['Error: AccessDenied']);
    expect(opened.rec.lines.length).toBeGreaterThan(0);
  }, 60_000);

  it('refuses no keys, two chunks of one name, and names a missing chunk', async () => {
    await expect(openRecordingObjects([], { recordings, cache, workDir: tmp })).rejects.toThrow(/no recording objects/);
    await expect(openRecordingObjects([KEYS[0]!, `other/${FILES[0]}`], { recordings, cache, workDir: tmp })).rejects.toThrow(/distinct file names/);
    await expect(openRecordingObjects([`${PREFIX}nope.ndjson.gz`], { recordings, cache, workDir: tmp })).rejects.toThrow(/nope\.ndjson\.gz not found/);
  });
});
