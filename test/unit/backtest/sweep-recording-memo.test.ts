/**
 * A sweep worker's memo of decoded recordings: one load per recording however many jobs use it, keyed by the
 * replay form's key (same content through two paths = one copy), opened again when a file changes on disk,
 * least recently used dropped past the bound, a failed load not remembered. Real recording files (the
 * sample) in a temp folder, the loader counted around the real loadReplayRecording.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReplayRecording, replayCacheKey } from '../../../shared/recording/binary/replay-cache.js';
import { RecordingMemo, dataKey } from '../../../shared/backtest/sweep-recording-memo.js';

const SAMPLE = 'data/sample';
const FILES = readdirSync(SAMPLE).filter((f) => f.endsWith('.ndjson.gz')).sort();
let tmp: string;
const day = (name: string) => join(tmp, name);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'memo-'));
  for (const d of ['a', 'b', 'c']) mkdirSync(day(d));
  // a and b: the same content; c: the first chunk only.
  for (const f of FILES) for (const d of ['a', 'b']) copyFileSync(join(SAMPLE, f), join(day(d), f));
  copyFileSync(join(SAMPLE, FILES[0]!), join(day('c'), FILES[0]!));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const counted = () => {
  const calls: string[][] = [];
  return { calls, load: (paths: readonly string[]) => (calls.push([...paths]), loadReplayRecording(paths, { cache: false })) };
};

describe('RecordingMemo', () => {
  it('loads a recording once for many jobs, and shares one copy between paths of the same content', async () => {
    const l = counted();
    const memo = new RecordingMemo(l.load);
    const r1 = await memo.get([day('a')]);
    const r2 = await memo.get([day('a')]);
    expect(r2).toBe(r1);
    const rb = await memo.get([day('b')]);
    expect(rb).toBe(r1);
    expect(memo.keys()).toEqual([replayCacheKey(r1.source)]);
    expect(l.calls).toHaveLength(2);
    expect(await memo.get([day('b')])).toBe(r1);
    expect(l.calls).toHaveLength(2);
  });

  it('opens the recording again when a file changes on disk', async () => {
    const l = counted();
    const memo = new RecordingMemo(l.load);
    const before = await memo.get([day('c')]);
    const f = join(day('c'), FILES[0]!);
    const t = new Date(Date.now() + 5_000);
    utimesSync(f, t, t);
    const after = await memo.get([day('c')]);
    expect(l.calls).toHaveLength(2);
    // Same content: the same key, so the held copy is reused.
    expect(after).toBe(before);
    copyFileSync(join(SAMPLE, FILES[1]!), join(day('c'), FILES[1]!));
    const grown = await memo.get([day('c')]);
    expect(grown).not.toBe(before);
    expect(grown.lines.length).toBeGreaterThan(before.lines.length);
    rmSync(join(day('c'), FILES[1]!));
  });

  it('holds at most maxEntries recordings, dropping the least recently used', async () => {
    const l = counted();
    const memo = new RecordingMemo(l.load, 1);
    await memo.get([day('a')]);
    await memo.get([day('c')]);
    expect(memo.size).toBe(1);
    await memo.get([day('a')]);
    expect(l.calls.map((c) => c[0])).toEqual([day('a'), day('c'), day('a')]);
  });

  it('does not remember a failed load, and refuses a bound below one', async () => {
    let fail = true;
    const memo = new RecordingMemo((paths) => (fail ? Promise.reject(new Error('disk gone')) : loadReplayRecording(paths, { cache: false })));
    await expect(memo.get([day('a')])).rejects.toThrow('disk gone');
    fail = false;
    await expect(memo.get([day('a')])).resolves.toBeDefined();
    expect(() => new RecordingMemo(undefined, 0)).toThrow(/maxEntries/);
  });

  it('dataKey names the same paths the same way however they are written', () => {
    expect(dataKey([day('a')])).toBe(dataKey([join(tmp, '.', 'a')]));
    expect(dataKey([day('a')])).not.toBe(dataKey([day('b')]));
  });
});
