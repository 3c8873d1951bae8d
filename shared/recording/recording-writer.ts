/**
 * Records every inbound message to compressed, chunked, append-only files, without ever blocking the hot loop.
 *
 * Hot path: `record(k, e, t)` pushes a reference onto an in-memory array and returns (no serialization, no
 * I/O). Serialization and gzip run later, off the caller's stack: on a timer (every `flushIntervalMs`) or as
 * soon as a batch is worth writing. The events are treated as immutable values once emitted (every consumer
 * in the engine copies what it keeps), so serializing them a few milliseconds later records what was received.
 *
 * Drop policy (slow disk): the buffer is bounded (`maxBufferedEvents`). When it is full, `record` drops the
 * line, counts it (`recording.dropped`, `stats().dropped`) and, at the next write, a `meta` gap line
 * `{ type: 'gap', dropped, fromT, toT }` tells the replay that the stream is incomplete there. Trading is
 * never slowed down to save a recording line. Headers and discovery meta lines are never dropped.
 *
 * Chunks rotate by uncompressed size (`maxChunkBytes`) or receive time (`maxChunkMs`); every chunk starts with
 * the header and the latest discovery, so any chunk can be read on its own. Each write ends with a gzip sync
 * flush: after a crash, a chunk is readable up to its last flush. `onChunkClosed` gets each finished file
 * (the S3 uploader's hook).
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { constants as zc, createGzip, type Gzip } from 'node:zlib';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import {
  RECORD_FILE_SUFFIX,
  RECORD_FORMAT_VERSION,
  type DiscoveryRecord,
  type RecordingHeader,
  type RecordKind,
  type RecordPayload,
} from './record-format.js';

export interface RecordingWriterOptions {
  dir: string;
  sessionId: string;
  header: Omit<RecordingHeader, 'type' | 'format' | 'chunk' | 'sessionId' | 'startedAt'>;
  /** Rotate after this many uncompressed bytes (default 64 MiB). */
  maxChunkBytes?: number;
  /** Rotate after this much receive time in one chunk (default 15 minutes). */
  maxChunkMs?: number;
  /** Lines held in memory waiting for the disk; beyond this, lines are dropped and counted (default 250 000). */
  maxBufferedEvents?: number;
  /** Flush period (default 250 ms). A batch of `flushBatch` lines triggers a flush sooner. */
  flushIntervalMs?: number;
  flushBatch?: number;
  /** gzip level 1..9 (default 6). */
  level?: number;
  logger?: Logger;
  metrics?: Metrics;
  onChunkClosed?: (file: string) => void;
}

export interface RecordingStats {
  recorded: number;
  dropped: number;
  written: number;
  chunks: number;
  files: string[];
  bytesUncompressed: number;
}

interface Pending {
  t: number;
  k: RecordKind;
  e: unknown;
}

export class RecordingWriter {
  private buffer: Pending[] = [];
  private readonly opts: Required<Omit<RecordingWriterOptions, 'onChunkClosed' | 'logger' | 'metrics'>>;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private gzip: Gzip | null = null;
  private file: WriteStream | null = null;
  private chunk = -1;
  private chunkBytes = 0;
  private chunkStartT = 0;
  private startedAt: number | null = null;
  private discovery: DiscoveryRecord | null = null;
  private dropped = 0;
  private droppedSinceWrite = 0;
  private dropFromT = 0;
  private dropToT = 0;
  private recorded = 0;
  private written = 0;
  private bytes = 0;
  private readonly files: string[] = [];
  private flushing: Promise<void> | null = null;
  private flushQueued = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: RecordingWriterOptions) {
    this.opts = {
      dir: options.dir,
      sessionId: options.sessionId,
      header: options.header,
      maxChunkBytes: options.maxChunkBytes ?? 64 * 1024 * 1024,
      maxChunkMs: options.maxChunkMs ?? 15 * 60_000,
      maxBufferedEvents: options.maxBufferedEvents ?? 250_000,
      flushIntervalMs: options.flushIntervalMs ?? 250,
      flushBatch: options.flushBatch ?? 20_000,
      level: options.level ?? 6,
    };
    this.logger = options.logger ?? nullLogger;
    this.metrics = options.metrics ?? nullMetrics;
    mkdirSync(this.opts.dir, { recursive: true });
    this.timer = setInterval(() => void this.flush(), this.opts.flushIntervalMs);
    this.timer.unref();
  }

  /** Hot path: O(1), no I/O, never throws. */
  record<K extends RecordKind>(k: K, e: RecordPayload<K>, t: number): void {
    if (this.closed) return;
    if (this.startedAt === null) this.startedAt = t;
    if (k === 'meta' && (e as { type?: string }).type === 'discovery') this.discovery = e as DiscoveryRecord;
    if (this.buffer.length >= this.opts.maxBufferedEvents && k !== 'meta') {
      if (this.droppedSinceWrite === 0) this.dropFromT = t;
      this.dropToT = t;
      this.dropped++;
      this.droppedSinceWrite++;
      this.metrics.increment('recording.dropped');
      return;
    }
    this.recorded++;
    this.buffer.push({ t, k, e });
    if (this.buffer.length === this.opts.flushBatch && !this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        void this.flush();
      });
    }
  }

  /** Writes everything buffered so far (resolves when it is handed to the file). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => (this.buffer.length > 0 ? this.flush() : undefined));
    if (this.buffer.length === 0 && this.droppedSinceWrite === 0) return Promise.resolve();
    this.flushing = this.writeBatch().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Flushes, ends the current chunk and stops the timer. Lines recorded afterwards are ignored. */
  async close(): Promise<RecordingStats> {
    if (!this.closed) {
      await this.flush();
      this.closed = true;
      clearInterval(this.timer);
      await this.endChunk();
    }
    return this.stats();
  }

  stats(): RecordingStats {
    return {
      recorded: this.recorded,
      dropped: this.dropped,
      written: this.written,
      chunks: this.chunk + 1,
      files: [...this.files],
      bytesUncompressed: this.bytes,
    };
  }

  private async writeBatch(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    try {
      if (this.droppedSinceWrite > 0) {
        const gap = { type: 'gap', dropped: this.droppedSinceWrite, fromT: this.dropFromT, toT: this.dropToT };
        this.logger.warn('recording dropped lines (buffer full: disk too slow)', gap);
        this.droppedSinceWrite = 0;
        batch.unshift({ t: gap.fromT, k: 'meta', e: gap });
      }
      let text = '';
      for (const p of batch) {
        if (!this.gzip || this.chunkBytes >= this.opts.maxChunkBytes || p.t - this.chunkStartT >= this.opts.maxChunkMs) {
          if (text) await this.write(text);
          text = '';
          await this.rotate(p.t);
        }
        const line = serialize(p);
        text += line;
        this.chunkBytes += line.length;
        this.written++;
        if (text.length > 1 << 20) {
          await this.write(text);
          text = '';
        }
      }
      if (text) await this.write(text);
      if (this.gzip) this.gzip.flush(zc.Z_SYNC_FLUSH);
    } catch (err) {
      this.metrics.increment('recording.write_error');
      this.logger.error('recording write failed; lines of this batch are lost', { err, lines: batch.length });
    }
  }

  private write(text: string): Promise<void> {
    const gz = this.gzip;
    if (!gz) return Promise.resolve();
    this.bytes += text.length;
    if (gz.write(text)) return Promise.resolve();
    return new Promise((resolve) => gz.once('drain', resolve));
  }

  private async rotate(t: number): Promise<void> {
    await this.endChunk();
    this.chunk++;
    this.chunkBytes = 0;
    this.chunkStartT = t;
    const name = `${this.opts.sessionId}-${String(this.chunk).padStart(5, '0')}${RECORD_FILE_SUFFIX}`;
    const path = join(this.opts.dir, name);
    this.file = createWriteStream(path, { flags: 'wx' });
    this.file.on('error', (err) => {
      this.metrics.increment('recording.write_error');
      this.logger.error('recording file error', { err, file: path });
    });
    this.gzip = createGzip({ level: this.opts.level });
    this.gzip.pipe(this.file);
    this.files.push(path);
    const header: RecordingHeader = {
      type: 'header',
      format: RECORD_FORMAT_VERSION,
      sessionId: this.opts.sessionId,
      chunk: this.chunk,
      startedAt: this.startedAt ?? t,
      ...this.opts.header,
    };
    let text = serialize({ t, k: 'meta', e: header });
    if (this.discovery && this.chunk > 0) text += serialize({ t, k: 'meta', e: this.discovery });
    this.chunkBytes += text.length;
    await this.write(text);
  }

  private async endChunk(): Promise<void> {
    const gz = this.gzip;
    const file = this.file;
    if (!gz || !file) return;
    this.gzip = null;
    this.file = null;
    const done = new Promise<void>((resolve) => {
      file.once('close', resolve);
      file.once('error', () => resolve());
    });
    gz.end();
    await done;
    const path = this.files[this.files.length - 1];
    if (path) this.options.onChunkClosed?.(path);
  }
}

function serialize(p: Pending): string {
  return `{"t":${p.t},"k":"${p.k}","e":${JSON.stringify(p.e)}}\n`;
}

/** A session id from a time and a label: `<label>-20261125T154849Z`. */
export function newSessionId(label: string, nowMs: number): string {
  const iso = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${label}-${iso}`;
}
