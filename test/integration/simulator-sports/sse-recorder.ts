/** A raw SSE client for the tests: keeps the exact bytes and the parsed events of one stream. */
import { request } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';

export class SseRecorder {
  raw = '';
  events: EventSourceMessage[] = [];
  retry: number | null = null;
  ended = false;
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    const parser = createParser({
      onEvent: (e) => {
        this.events.push(e);
        this.wake();
      },
      onRetry: (ms) => {
        this.retry = ms;
      },
    });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.raw += chunk;
      parser.feed(chunk);
      this.wake();
    });
    const end = (): void => {
      this.ended = true;
      this.wake();
    };
    res.on('end', end);
    res.on('close', end);
    res.on('error', end);
  }

  /** Opens a stream; resolves with the recorder (status 200) or with the status and body of a refusal. */
  static open(url: string, headers: Record<string, string>): Promise<SseRecorder | { status: number; body: string; headers: IncomingMessage['headers'] }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
          return;
        }
        resolve(new SseRecorder(req, res));
      });
      req.on('error', reject);
      req.end();
    });
  }

  static async connect(url: string, headers: Record<string, string>): Promise<SseRecorder> {
    const r = await SseRecorder.open(url, headers);
    if (!(r instanceof SseRecorder)) throw new Error(`stream refused: ${r.status} ${r.body}`);
    return r;
  }

  of(type: string): EventSourceMessage[] {
    return this.events.filter((e) => (e.event ?? 'message') === type);
  }

  /** Data events (odds, locked-odds, fixture-status, fixture-results): everything with an id. */
  dataEvents(): EventSourceMessage[] {
    return this.events.filter((e) => e.id !== undefined);
  }

  waitFor(predicate: (r: SseRecorder) => boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out; got ${this.events.length} events, ended=${this.ended}`));
      }, timeoutMs);
      const check = (): void => {
        if (predicate(this)) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve();
        }
      };
      this.waiters.push(check);
      check();
    });
  }

  close(): void {
    this.req.destroy();
    this.res.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.slice()) w();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
