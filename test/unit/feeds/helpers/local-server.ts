/** A minimal loopback HTTP + SSE server the feed tests script connection by connection. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedConnection {
  url: URL;
  headers: IncomingMessage['headers'];
  res: ServerResponse;
  /** Writes raw SSE text. */
  write(text: string): void;
  frame(event: string, data: unknown, id?: string): void;
  destroy(): void;
}

export type RestHandler = (url: URL, req: IncomingMessage, res: ServerResponse) => void;

export class LocalServer {
  private server!: Server;
  readonly requests: { url: URL; headers: IncomingMessage['headers'] }[] = [];
  private readonly pending: ScriptedConnection[] = [];
  private readonly waiters: ((c: ScriptedConnection) => void)[] = [];
  private readonly open = new Set<ServerResponse>();
  /** Stream requests still to refuse with HTTP 503. */
  refuseStreams = 0;
  rest: RestHandler = (_u, _r, res) => {
    res.writeHead(404).end();
  };

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push({ url, headers: req.headers });
      if (url.pathname.includes('/stream/')) {
        if (this.refuseStreams > 0) {
          this.refuseStreams--;
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"unavailable"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.flushHeaders();
        this.open.add(res);
        res.on('close', () => this.open.delete(res));
        const conn: ScriptedConnection = {
          url,
          headers: req.headers,
          res,
          write: (text) => {
            if (!res.destroyed) res.write(text);
          },
          frame: (event, data, id) => {
            const body = typeof data === 'string' ? data : JSON.stringify(data);
            if (!res.destroyed) res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${body}\n\n`);
          },
          destroy: () => res.destroy(),
        };
        const w = this.waiters.shift();
        if (w) w(conn);
        else this.pending.push(conn);
        return;
      }
      this.rest(url, req, res);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  nextConnection(): Promise<ScriptedConnection> {
    const c = this.pending.shift();
    if (c) return Promise.resolve(c);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const r of this.open) r.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Collects items and lets a test await one matching a predicate (event-driven, no timing assertions). */
export class Collector<T> {
  readonly items: T[] = [];
  private waiters: { pred: (t: T) => boolean; resolve: (t: T) => void; from: number }[] = [];

  push = (t: T): void => {
    this.items.push(t);
    this.waiters = this.waiters.filter((w) => {
      if (w.pred(t)) {
        w.resolve(t);
        return false;
      }
      return true;
    });
  };

  /** Resolves with the first item (from index `from`, default: any future or past item) matching `pred`. */
  waitFor(pred: (t: T) => boolean, from = 0): Promise<T> {
    const found = this.items.slice(from).find(pred);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ pred, resolve, from }));
  }
}
