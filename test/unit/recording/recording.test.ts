import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';
import {
  applyDiscovery,
  configDigest,
  discoveryRecord,
  parseRecordLine,
  RECORD_FORMAT_VERSION,
  RecordFormatError,
  sanitizeConfig,
  stableStringify,
} from '../../../shared/recording/record-format.js';
import { listRecordingFiles, loadRecording, readRecordFile } from '../../../shared/recording/recording-reader.js';
import { RecordingWriter } from '../../../shared/recording/recording-writer.js';
import { engineConfig } from '../../support/engine-fixtures.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'rec-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const header = { source: 'test', version: '0.0.0', configDigest: 'abc' };
const trade = (i: number): VenueEvent => ({ type: 'trade', marketSlug: `m-${i % 3}`, price: 500_000 + i, qty: contracts(1 + (i % 5)), tradeTime: 1_000 + i, takerSide: 'ORDER_SIDE_BUY', receivedAt: 1_000 + i });

describe('RecordingWriter → loadRecording', () => {
  it('round-trips every line through gzip, header first, in order', async () => {
    const dir = tmp();
    const w = new RecordingWriter({ dir, sessionId: 's1', header });
    for (let i = 0; i < 500; i++) w.record('market', trade(i), 1_000 + i);
    w.record('feed', { type: 'feed_health', stream: 'odds', sport: 'basketball', healthy: true, reason: 'ok', at: 1_600 }, 1_600);
    w.record('settle', { marketSlug: 'm-1', settlementPrice: 1_000_000 }, 1_601);
    const stats = await w.close();
    expect(stats).toMatchObject({ recorded: 502, dropped: 0, written: 502, chunks: 1 });
    const raw = gunzipSync(readFileSync(stats.files[0]!)).toString('utf8').split('\n').filter(Boolean);
    expect(JSON.parse(raw[0]!)).toMatchObject({ k: 'meta', e: { type: 'header', sessionId: 's1', chunk: 0, startedAt: 1_000, format: RECORD_FORMAT_VERSION } });
    expect(RECORD_FORMAT_VERSION).toBe(3); // quantities in hundredths of a contract, own lines
    const rec = await loadRecording([dir]);
    expect(rec.lines).toHaveLength(503);
    expect(rec.lines.slice(1, 501).map((l) => l.e)).toEqual(Array.from({ length: 500 }, (_, i) => trade(i)));
    expect(rec.lines[502]).toEqual({ t: 1_601, k: 'settle', e: { marketSlug: 'm-1', settlementPrice: 1_000_000 } });
    expect(rec.issues).toEqual([]);
  });

  it('rotates by size; every chunk starts with a header and the latest discovery', async () => {
    const dir = tmp();
    const d = new MarketDirectory();
    d.addMarket({ marketSlug: 'm-0', eventSlug: 'e', title: 'M0', outcome: 'Yes', tick: 10_000, minQty: contracts(1) }, { fixtureId: 'f1', side: 'home', oddsName: 'A', oddsMarket: 'Moneyline' });
    const w = new RecordingWriter({ dir, sessionId: 's2', header, maxChunkBytes: 4_000 });
    w.record('meta', discoveryRecord(d, [{ fixtureId: 'f1', homeTeam: 'A', awayTeam: 'B', startTime: 0, sport: 'basketball' }]), 999);
    for (let i = 0; i < 300; i++) w.record('market', trade(i), 1_000 + i);
    const stats = await w.close();
    expect(stats.chunks).toBeGreaterThan(3);
    expect(listRecordingFiles([dir])).toEqual(stats.files);
    for (const [i, f] of stats.files.entries()) {
      const lines = await readRecordFile(f);
      expect(lines[0]).toMatchObject({ k: 'meta', e: { type: 'header', chunk: i } });
      if (i > 0) expect(lines[1]).toMatchObject({ k: 'meta', e: { type: 'discovery' } });
    }
    const rec = await loadRecording([dir]);
    expect(rec.lines.filter((l) => l.k === 'market').map((l) => l.e)).toEqual(Array.from({ length: 300 }, (_, i) => trade(i)));
    const dir2 = new MarketDirectory();
    applyDiscovery(dir2, rec.discoveries[0]!);
    expect(dir2.link('m-0')).toEqual({ fixtureId: 'f1', side: 'home', oddsName: 'A', oddsMarket: 'Moneyline' });
  });

  it('rotates by receive time', async () => {
    const dir = tmp();
    const w = new RecordingWriter({ dir, sessionId: 's3', header, maxChunkMs: 100 });
    for (let i = 0; i < 10; i++) w.record('market', trade(i), 1_000 + i * 50);
    expect((await w.close()).chunks).toBe(5);
  });

  it('drops beyond the bounded buffer, counts the drops and writes a gap line; never drops meta lines', async () => {
    const dir = tmp();
    const metrics = new MetricsRegistry();
    const w = new RecordingWriter({ dir, sessionId: 's4', header, maxBufferedEvents: 10, flushIntervalMs: 60_000, flushBatch: 1_000, metrics });
    for (let i = 0; i < 25; i++) w.record('market', trade(i), 1_000 + i);
    w.record('meta', { type: 'discovery', markets: [], fixtures: [] }, 1_030);
    const stats = await w.close();
    expect(stats).toMatchObject({ recorded: 11, dropped: 15 });
    expect(metrics.counter('recording.dropped')).toBe(15);
    const rec = await loadRecording([dir]);
    expect(rec.droppedByWriter).toBe(15);
    const gap = rec.lines.find((l) => l.k === 'meta' && l.e.type === 'gap');
    expect(gap?.e).toEqual({ type: 'gap', dropped: 15, fromT: 1_010, toT: 1_024 });
    expect(rec.lines.filter((l) => l.k === 'market')).toHaveLength(10);
    expect(rec.discoveries).toHaveLength(1);
  });

  it('record() does no I/O and no serialization on the caller’s stack', async () => {
    const dir = tmp();
    const w = new RecordingWriter({ dir, sessionId: 's5', header, flushIntervalMs: 60_000 });
    const ev = trade(1) as Extract<VenueEvent, { type: 'trade' }>;
    const poison = { ...ev, toJSON: () => { throw new Error('serialized on the hot path'); } };
    expect(() => w.record('market', poison as VenueEvent, 1)).not.toThrow();
    expect(w.stats().written).toBe(0);
    await w.close();
  });
});

describe('reader robustness', () => {
  it('skips malformed lines and reads a truncated gzip up to its last complete line', async () => {
    const dir = tmp();
    const good = (i: number) => JSON.stringify({ t: i, k: 'market', e: trade(i) });
    const text = [good(1), 'not json', '{"t":"x","k":"market","e":{}}', '{"t":3,"k":"weird","e":{}}', good(2)].join('\n') + '\n';
    writeFileSync(join(dir, 'a.ndjson'), text);
    const big = Array.from({ length: 2_000 }, (_, i) => good(10 + i)).join('\n') + '\n';
    const gz = gzipSync(big);
    writeFileSync(join(dir, 'b.ndjson.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const rec = await loadRecording([dir]);
    expect(rec.issues.filter((i) => i.file.endsWith('a.ndjson')).map((i) => i.line)).toEqual([2, 3, 4]);
    expect(rec.issues.some((i) => i.file.endsWith('b.ndjson.gz') && /truncated/.test(i.message))).toBe(true);
    const fromB = rec.lines.filter((l) => l.t >= 10);
    expect(fromB.length).toBeGreaterThan(100);
    expect(fromB.map((l) => l.t)).toEqual(Array.from({ length: fromB.length }, (_, i) => 10 + i));
  });

  it('merges sessions by receive time and never lets a session go backwards', async () => {
    const dir = tmp();
    const line = (t: number, s: string) => JSON.stringify({ t, k: 'market', e: { ...trade(t), marketSlug: s } });
    const head = (id: string, t: number) => JSON.stringify({ t, k: 'meta', e: { type: 'header', format: 1, sessionId: id, chunk: 0, startedAt: t, ...header } });
    writeFileSync(join(dir, 'x-00000.ndjson'), [head('x', 10), line(10, 'x'), line(30, 'x'), line(25, 'x'), line(50, 'x')].join('\n') + '\n');
    writeFileSync(join(dir, 'y-00000.ndjson'), [head('y', 5), line(5, 'y'), line(30, 'y'), line(40, 'y')].join('\n') + '\n');
    const rec = await loadRecording([dir]);
    expect(rec.lines.map((l) => `${l.t}${l.k === 'market' ? (l.e as { marketSlug: string }).marketSlug : 'h'}`)).toEqual(['5h', '5y', '10h', '10x', '30y', '30x', '30x', '40y', '50x']);
  });

  it('reads a format-1 chunk (whole contracts) as hundredths and leaves a format-2 chunk as written', async () => {
    const dir = tmp();
    const info = { marketSlug: 'm-0', eventSlug: 'e', title: 'M0', outcome: 'Yes', tick: 10_000, minQty: 1 };
    const order = { id: 'o', marketSlug: 'm-0', side: 'ORDER_SIDE_BUY', type: 'ORDER_TYPE_LIMIT', price: 500_000, quantity: 5, cumQuantity: 2, leavesQuantity: 3 };
    const position = { marketSlug: 'm-0', netPosition: -4, qtyBought: 1, qtySold: 5, cost: 2_000_000, realized: 0, bodPosition: 0, expired: false, updateTime: 1, cashValue: null, qtyAvailable: null };
    const body = (t0: number) => [
      { t: t0 + 1, k: 'meta', e: { type: 'discovery', markets: [{ info }], fixtures: [] } },
      { t: t0 + 2, k: 'market', e: { type: 'book', marketSlug: 'm-0', bids: [{ price: 490_000, qty: 7 }], asks: [], state: 'MARKET_STATE_OPEN', transactTime: null, snapshot: true, receivedAt: t0 + 2 } },
      { t: t0 + 3, k: 'market', e: { ...trade(0), qty: 3 } },
      { t: t0 + 4, k: 'private', e: { type: 'execution', execution: { id: 'x', order, lastShares: 2, lastPx: 500_000, type: 'EXECUTION_TYPE_PARTIAL_FILL' }, receivedAt: t0 + 4 } },
      { t: t0 + 5, k: 'private', e: { type: 'position', position, receivedAt: t0 + 5 } },
    ];
    const file = (id: string, format: number, t0: number) =>
      writeFileSync(
        join(dir, `${id}-00000.ndjson`),
        [{ t: t0, k: 'meta', e: { type: 'header', format, sessionId: id, chunk: 0, startedAt: t0, ...header } }, ...body(t0)].map((l) => JSON.stringify(l)).join('\n') + '\n',
      );
    file('old', 1, 10);
    file('new', RECORD_FORMAT_VERSION, 100);
    const rec = await loadRecording([dir]);
    expect(rec.issues).toEqual([]);
    const quantities = (t0: number) => {
      const at = (t: number) => rec.lines.find((l) => l.t === t0 + t)!.e as never;
      const disc = at(1) as { markets: { info: { minQty: number } }[] };
      const book = at(2) as { bids: { qty: number }[] };
      const tr = at(3) as { qty: number };
      const ex = at(4) as { execution: { lastShares: number; order: { quantity: number; cumQuantity: number; leavesQuantity: number } } };
      const pos = at(5) as { position: { netPosition: number; qtyBought: number; qtySold: number; bodPosition: number; qtyAvailable: number | null } };
      return [
        disc.markets[0]!.info.minQty, book.bids[0]!.qty, tr.qty, ex.execution.lastShares, ex.execution.order.quantity, ex.execution.order.cumQuantity, ex.execution.order.leavesQuantity,
        pos.position.netPosition, pos.position.qtyBought, pos.position.qtySold, pos.position.bodPosition, pos.position.qtyAvailable,
      ];
    };
    // format 1: whole contracts → hundredths (1 contract minimum = 100; null stays null)
    expect(quantities(10)).toEqual([100, 700, 300, 200, 500, 200, 300, -400, 100, 500, 0, null]);
    // the discoveries handed to the replay are the upgraded ones too (one per chunk: 0.01 as written, 1 contract upgraded)
    expect(rec.discoveries.map((d) => d.markets[0]!.info.minQty).sort((a, b) => a - b)).toEqual([1, contracts(1)]);
    // format 2: already hundredths, untouched
    expect(quantities(100)).toEqual([1, 7, 3, 2, 5, 2, 3, -4, 1, 5, 0, null]);
  });

  it('parseRecordLine refuses non-records with a typed error', () => {
    expect(() => parseRecordLine('[]')).toThrow(RecordFormatError);
    expect(() => parseRecordLine('{"t":1,"k":"market"}')).toThrow(RecordFormatError);
    expect(parseRecordLine('{"t":1,"k":"feed","e":{"type":"x"}}')).toEqual({ t: 1, k: 'feed', e: { type: 'x' } });
  });
});

describe('header content', () => {
  it('sanitizeConfig keeps no secret, and the digest ignores endpoints but not limits', () => {
    const base = engineConfig();
    const withKeys = { ...base, api: { ...base.api, apiKeyId: 'KEY-ID-123', privateKey: 'PRIVATE-SECRET' }, sportsData: { ...base.sportsData, apiKey: 'ODDS-SECRET' } };
    const text = JSON.stringify(sanitizeConfig(withKeys));
    for (const secret of ['KEY-ID-123', 'PRIVATE-SECRET', 'ODDS-SECRET']) expect(text).not.toContain(secret);
    const moved = { ...withKeys, api: { ...withKeys.api, baseUrl: 'http://127.0.0.1:1' }, sportsData: { ...withKeys.sportsData, baseUrl: 'http://x' } };
    expect(configDigest(moved)).toBe(configDigest(base));
    const riskier = { ...base, risk: { ...base.risk, maxDailyLoss: base.risk.maxDailyLoss + 1 } };
    expect(configDigest(riskier)).not.toBe(configDigest(base));
  });

  it('stableStringify is independent of key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(stableStringify(reversed)).toBe(stableStringify(o));
        expect(JSON.parse(stableStringify(o))).toEqual(o);
      }),
    );
  });
});
