/**
 * A resilient server-sent-events connection (fetch + eventsource-parser v3), independent of what the events mean.
 *
 * - Reconnects after any drop with exponential backoff and jitter, never sooner than the server's `retry`.
 * - Resumes: the URL is rebuilt on every connect from the resume id (the last processed entry id), which the
 *   caller keeps up to date with `setResumeId` (OpticOdds takes it as `last_entry_id`).
 * - Dead-stream detection: no bytes at all for `silenceTimeoutMs` (default 15 s ≈ 3 missed 5-s pings) aborts the
 *   connection and reconnects.
 * - Health: `onHealth(false, reason)` once when a connection is lost or cannot be made, `onHealth(true, …)` once
 *   when frames flow again (the first frame of a new connection). Transitions only, never repeated.
 * - 403 (the product is not licensed for the key) is final: no reconnect, an error log saying so and
 *   `onHealth(false, 'not_licensed: …')`; `fatalReason` tells it afterwards.
 * - `ping` frames carry the server's ISO time: the drift (local − server, ms) is a gauge `feeds.clock_drift_ms`.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { nullLogger, registerSecret, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { backoffDelay, realSleep } from './backoff.js';
import { notLicensedMessage } from './errors.js';

export interface SseFrame {
  event: string;
  data: string;
  id: string | null;
}

export interface ResilientSseOptions {
  /** Metric dimension and log name, e.g. "odds". */
  stream: string;
  /** Builds the URL of a (re)connection from the current resume id. */
  url: (resumeId: string | null) => URL;
  headers?: Record<string, string>;
  /** A secret header value (API key) to register for masking. */
  secret?: string;
  onFrame: (frame: SseFrame) => void;
  onHealth: (healthy: boolean, reason: string) => void;
  fetch?: typeof fetch;
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /** Silence (by `clock`) that declares the stream dead. Default 15 000 ms. */
  silenceTimeoutMs?: number;
  /** How often (real time) the silence is checked. Default silenceTimeoutMs / 5. */
  watchdogIntervalMs?: number;
  /** First reconnect delay when the server gave no `retry`. Default 1000 ms. */
  initialBackoffMs?: number;
  /** Cap of the reconnect delay (also caps a server `retry`). Default 30 000 ms. */
  maxBackoffMs?: number;
  random?: () => number;
}

export class ResilientSseStream {
  private readonly fetchFn: typeof fetch;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly dims: Record<string, string>;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly stopController = new AbortController();
  private current: AbortController | null = null;
  private resumeId: string | null = null;
  private serverRetryMs: number | null = null;
  private healthy: boolean | null = null;
  private lastByteAt = 0;
  private fatal: string | null = null;
  /** Connections opened so far (for tests and metrics). */
  connections = 0;

  constructor(private readonly options: ResilientSseOptions) {
    if (options.secret) registerSecret(options.secret);
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? nullLogger).child({ component: 'sse', stream: options.stream });
    this.metrics = options.metrics ?? nullMetrics;
    this.dims = { stream: options.stream };
  }

  get lastResumeId(): string | null {
    return this.resumeId;
  }

  setResumeId(id: string): void {
    this.resumeId = id;
  }

  /** Why the stream gave up for good (a 403), or null while it keeps (re)connecting. */
  get fatalReason(): string | null {
    return this.fatal;
  }

  get isHealthy(): boolean {
    return this.healthy === true;
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopController.abort();
    this.current?.abort();
    await this.running;
  }

  /** Drops the current connection (it will reconnect): for operators and tests. */
  reconnectNow(): void {
    this.current?.abort(new Error('reconnect requested'));
  }

  private setHealth(healthy: boolean, reason: string): void {
    if (this.healthy === healthy) return;
    this.healthy = healthy;
    this.metrics.gauge('feeds.healthy', healthy ? 1 : 0, this.dims);
    if (!healthy) this.metrics.increment('feeds.outages', 1, this.dims);
    if (healthy) this.logger.info('stream healthy', { reason });
    else this.logger.warn('stream down', { reason });
    this.options.onHealth(healthy, reason);
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const { reason, gotFrames, fatal } = await this.connectOnce();
      if (this.stopped) break;
      if (gotFrames) attempt = 0;
      if (fatal) {
        this.fatal = reason;
        this.metrics.increment('feeds.not_licensed', 1, this.dims);
        this.logger.error(notLicensedMessage(`the ${this.options.stream} stream`), { reason });
        this.setHealth(false, reason);
        break;
      }
      this.setHealth(false, reason);
      this.metrics.increment('feeds.reconnects', 1, this.dims);
      const max = this.options.maxBackoffMs ?? 30_000;
      const floor = Math.min(this.serverRetryMs ?? 0, max);
      const policy = { initialDelayMs: this.options.initialBackoffMs ?? 1000, maxDelayMs: max };
      const delay = Math.max(floor, backoffDelay(policy, attempt++, this.options.random));
      this.logger.debug('reconnecting', { delayMs: delay, reason });
      await realSleep(delay, this.stopController.signal);
    }
  }

  private async connectOnce(): Promise<{ reason: string; gotFrames: boolean; fatal?: boolean }> {
    const controller = new AbortController();
    this.current = controller;
    let gotFrames = false;
    let dead = false;
    const silence = this.options.silenceTimeoutMs ?? 15_000;
    this.lastByteAt = this.clock.now();
    const watchdog = setInterval(() => {
      if (this.clock.now() - this.lastByteAt >= silence) {
        dead = true;
        this.metrics.increment('feeds.dead_streams', 1, this.dims);
        controller.abort(new Error('silence timeout'));
      }
    }, this.options.watchdogIntervalMs ?? Math.max(10, Math.floor(silence / 5)));
    const parser = createParser({
      onEvent: (msg: EventSourceMessage) => {
        if (!gotFrames) {
          gotFrames = true;
          this.setHealth(true, 'frames flowing');
        }
        const frame: SseFrame = { event: msg.event ?? 'message', data: msg.data, id: msg.id ?? null };
        if (frame.event === 'ping') this.recordDrift(frame.data);
        try {
          this.options.onFrame(frame);
        } catch (e) {
          this.metrics.increment('feeds.handler_errors', 1, this.dims);
          this.logger.error('frame handler failed', { event: frame.event, error: e });
        }
      },
      onRetry: (ms: number) => {
        this.serverRetryMs = ms;
      },
    });
    try {
      this.connections++;
      const res = await this.fetchFn(this.options.url(this.resumeId), {
        headers: { Accept: 'text/event-stream', 'Cache-Control': 'no-cache', ...this.options.headers },
        signal: controller.signal,
      });
      if (!res.ok || !res.body) {
        await res.body?.cancel().catch(() => undefined);
        this.metrics.increment('feeds.connect_errors', 1, { ...this.dims, status: String(res.status) });
        if (res.status === 403) return { reason: `not_licensed: ${notLicensedMessage(`the ${this.options.stream} stream`)}`, gotFrames, fatal: true };
        if (res.status === 401) this.logger.error('stream rejected the API key', { status: res.status });
        return { reason: `http_${res.status}`, gotFrames };
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.lastByteAt = this.clock.now();
        parser.feed(decoder.decode(value, { stream: true }));
      }
      return { reason: 'stream_closed', gotFrames };
    } catch (e) {
      if (this.stopped) return { reason: 'stopped', gotFrames };
      if (dead) return { reason: 'silence_timeout', gotFrames };
      if (controller.signal.aborted) return { reason: 'reconnect_requested', gotFrames };
      return { reason: `network_error: ${(e as Error).message ?? String(e)}`, gotFrames };
    } finally {
      clearInterval(watchdog);
      controller.abort();
      this.current = null;
    }
  }

  private recordDrift(data: string): void {
    const t = Date.parse(data.trim());
    if (!Number.isNaN(t)) this.metrics.gauge('feeds.clock_drift_ms', this.clock.now() - t, this.dims);
  }
}
