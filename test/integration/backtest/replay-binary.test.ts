/**
 * The replay form against the NDJSON it was built from, on the committed sample: the same lines, the same
 * replay result and the same report, byte for byte; and the cache beside the recording is used while the
 * recording is unchanged and rebuilt when it changes.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBacktestConfig } from '../../../shared/backtest/backtest-config.js';
import { runBacktestJob } from '../../../shared/backtest/backtest-job.js';
import { runReplay } from '../../../shared/backtest/replay.js';
import { STRATEGY_NAMES } from '../../../shared/engine/assemble-engine.js';
import { decodeRecording, loadReplayRecording, replayCacheKey, type ReplayRecording } from '../../../shared/recording/binary/replay-cache.js';
import { REPLAY_FORMAT_VERSION } from '../../../shared/recording/binary/replay-layout.js';
import { loadRecording, type LoadedRecording } from '../../../shared/recording/recording-reader.js';
import { writeReport } from '../../../shared/reports/write-report.js';

const tmp = mkdtempSync(join(tmpdir(), 'replay-binary-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let ndjson: LoadedRecording;
let binary: ReplayRecording;
beforeAll(async () => {
  ndjson = await loadRecording(['data/sample']);
  binary = await loadReplayRecording(['data/sample'], { cacheFile: join(tmp, 'sample.replay.bin') });
});

describe('replay form of data/sample', () => {
  it('decodes to the very lines and facts the NDJSON reader gives', () => {
    expect(binary.cache.hit).toBe(false);
    expect(binary.lines.length).toBe(ndjson.lines.length);
    const decoded = Array.from({ length: binary.lines.length }, (_, i) => binary.lines.line(i));
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(ndjson.lines));
    expect(JSON.stringify(binary.headers)).toBe(JSON.stringify(ndjson.headers));
    expect(JSON.stringify(binary.discoveries)).toBe(JSON.stringify(ndjson.discoveries));
    expect(binary.files).toEqual(ndjson.files);
    expect(binary.issues).toEqual(ndjson.issues);
    expect(binary.droppedByWriter).toBe(ndjson.droppedByWriter);
  });

  it('replays byte-identical to the NDJSON replay: full result JSON and the rendered report', async () => {
    const config = loadBacktestConfig('config');
    const a = await runReplay({ lines: ndjson.lines, config, strategies: STRATEGY_NAMES, reportTitle: 'parity' });
    const b = await runReplay({ lines: binary.lines, config, strategies: STRATEGY_NAMES, reportTitle: 'parity' });
    expect(a.fills.length).toBeGreaterThan(0);
    expect(a.decisions.length).toBeGreaterThan(0);
    expect(a.report).toBeDefined();
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const ra = await writeReport(join(tmp, 'a'), 'r', a.report!);
    const rb = await writeReport(join(tmp, 'b'), 'r', b.report!);
    expect(readFileSync(rb.html).equals(readFileSync(ra.html))).toBe(true);
    expect(readFileSync(rb.json).equals(readFileSync(ra.json))).toBe(true);
  });

  it('a backtest job reads the replay form and gives the NDJSON outcome', async () => {
    const job = { id: 0, dataPaths: ['data/sample'], configSource: 'config', overrides: {} };
    const viaBinary = await runBacktestJob(job, binary);
    const viaNdjson = await runBacktestJob(job, ndjson);
    expect(viaBinary.outcome.error).toBeUndefined();
    // Everything but the replay's wall time, which each run measures for itself.
    expect(viaBinary.outcome.replayMs).toBeGreaterThan(0);
    expect(JSON.stringify({ ...viaBinary.outcome, replayMs: 0 })).toBe(JSON.stringify({ ...viaNdjson.outcome, replayMs: 0 }));
  });

  it('the cache key names the format version and the content, not the path', async () => {
    const key = replayCacheKey(binary.source);
    expect(key).toContain(`replay-v${REPLAY_FORMAT_VERSION}/`);
    expect(key).toContain(binary.source.hash);
    const dir = join(tmp, 'copy');
    mkdirSync(dir);
    for (const f of ndjson.files) copyFileSync(f, join(dir, f.split('/').pop()!));
    const copy = await loadReplayRecording([dir], { cacheFile: join(tmp, 'copy.replay.bin') });
    expect(replayCacheKey(copy.source)).toBe(key);
    // What a remote cache would store under the key decodes to the same recording.
    const fromBytes = decodeRecording(copy.bytes);
    expect(fromBytes.lines.length).toBe(ndjson.lines.length);
    expect(JSON.stringify(fromBytes.lines.line(fromBytes.lines.length - 1))).toBe(JSON.stringify(ndjson.lines.at(-1)));
  });
});

describe('the local cache', () => {
  const line = (t: number, e: object, k = 'feed') => JSON.stringify({ t, k, e }) + '\n';
  const header = line(1_000, { type: 'header', format: 1, sessionId: 's', chunk: 0, startedAt: 1_000, source: 'test', version: '0', configDigest: 'x' }, 'meta');
  const health = (t: number) => line(t, { type: 'feed_health', stream: 'odds', sport: 'basketball', healthy: true, reason: 'ok', at: t });

  it('is read while the recording is unchanged, also when only its mtime moved, and rebuilt when it changes', async () => {
    const dir = join(tmp, 'rec');
    mkdirSync(dir);
    const file = join(dir, 's-00000.ndjson.gz');
    writeFileSync(file, gzipSync(header + health(1_001)));
    const reasons: string[] = [];
    const onRebuild = (reason: string) => reasons.push(reason);
    const first = await loadReplayRecording([dir], { onRebuild });
    expect(first.cache).toMatchObject({ hit: false });
    expect(first.cache.file).toContain(join(dir, '.replay-cache'));
    expect((await loadReplayRecording([dir])).cache.hit).toBe(true);
    utimesSync(file, new Date(5_000_000), new Date(5_000_000));
    expect((await loadReplayRecording([dir])).cache.hit).toBe(true);
    writeFileSync(file, gzipSync(header + health(1_001) + health(1_002)));
    const changed = await loadReplayRecording([dir], { onRebuild });
    expect(changed.cache.hit).toBe(false);
    expect(changed.lines.length).toBe(3);
    expect(changed.lines.line(2).t).toBe(1_002);
    // A damaged cache file (checksum) is rebuilt, never read.
    const cacheFile = changed.cache.file!;
    const bytes = readFileSync(cacheFile);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(cacheFile, bytes);
    const repaired = await loadReplayRecording([dir], { onRebuild });
    expect(repaired.cache.hit).toBe(false);
    expect(reasons).toEqual(['no cache', 'recording changed', 'replay file checksum mismatch']);
  });

  it('a buffer of another format version is refused by name', () => {
    const dir = join(tmp, 'rec');
    return loadReplayRecording([dir]).then((rec) => {
      const bytes = Buffer.from(readFileSync(rec.cache.file!));
      bytes.writeUInt32LE(REPLAY_FORMAT_VERSION + 1, 4);
      expect(() => decodeRecording(bytes)).toThrow(/version/);
    });
  });
});
