/**
 * Both venue HTTP transports (the global-fetch one the Lambdas use, the undici one the bot uses) against a
 * local HTTP server: the request arrives as sent, the response comes back whole, and every failure is a
 * TransportError whose `requestSent` is false only when the connection provably never opened.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FetchTransport } from '../../../shared/venue/fetch-transport.js';
import { TransportError, classifyTransportError, type HttpRequest, type HttpTransport } from '../../../shared/venue/http.js';
import { UndiciTransport } from '../../../shared/venue/undici-transport.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  seen.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A loopback port with nothing listening: bound, then released. */
async function refusedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

const get = (path: string, timeoutMs = 5_000): HttpRequest => ({ method: 'GET', url: `${base}${path}`, headers: {}, timeoutMs });

const TRANSPORTS: [string, (o?: { maxResponseBytes?: number }) => HttpTransport][] = [
  ['FetchTransport', (o) => new FetchTransport(o)],
  ['UndiciTransport', (o) => new UndiciTransport(o)],
];

describe.each(TRANSPORTS)('%s', (_name, make) => {
  let t: HttpTransport;
  beforeAll(() => {
    t = make({ maxResponseBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends method, path, query, headers and body; returns status, lower-case headers and the UTF-8 body', async () => {
    handle = (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('X-Request-Id', 'abc-123');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(201);
      res.end(JSON.stringify({ ok: true, name: 'Célian — 76ers' }));
    };
    const body = JSON.stringify({ marketSlug: 'nba-bos-nyk', price: { value: '0.45', currency: 'USD' } });
    const res = await t.send({
      method: 'POST',
      url: `${base}/v1/orders?x=1&y=%2F`,
      headers: { 'content-type': 'application/json', 'X-PM-Access-Key': 'key-1', 'x-pm-timestamp': '1700000000000' },
      body,
      timeoutMs: 5_000,
    });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ ok: true, name: 'Célian — 76ers' });
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['set-cookie']).toBe('a=1, b=2');
    expect(Object.keys(res.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/orders?x=1&y=%2F', body });
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'x-pm-access-key': 'key-1', 'x-pm-timestamp': '1700000000000' });
  });

  it('sends a GET and a DELETE without a body and returns error statuses as responses, not failures', async () => {
    handle = (req, res) => {
      res.writeHead(req.method === 'DELETE' ? 404 : 503, { 'content-type': 'text/plain' });
      res.end(`no ${req.method}`);
    };
    await expect(t.send(get('/v1/orders/open'))).resolves.toMatchObject({ status: 503, body: 'no GET' });
    await expect(t.send({ method: 'DELETE', url: `${base}/v1/order/1`, headers: {}, timeoutMs: 5_000 })).resolves.toMatchObject({ status: 404, body: 'no DELETE' });
    expect(seen.map((s) => [s.method, s.body])).toEqual([
      ['GET', ''],
      ['DELETE', ''],
    ]);
  });

  it('returns a redirect as a response instead of following it', async () => {
    handle = (_req, res) => {
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    };
    const res = await t.send({ method: 'POST', url: `${base}/v1/orders`, headers: {}, body: '{}', timeoutMs: 5_000 });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/elsewhere');
    expect(seen.map((s) => s.url)).toEqual(['/v1/orders']);
  });

  it('no response headers before the deadline: timeout, and the request may have been processed', async () => {
    handle = () => {
      /* never answers */
    };
    const err = await failure(t.send({ method: 'POST', url: `${base}/v1/orders`, headers: {}, body: '{"a":1}', timeoutMs: 150 }));
    expect(err.kind).toBe('timeout');
    expect(err.requestSent).toBe(true);
    expect(seen).toHaveLength(1); // it did arrive
  });

  it('headers on time but a body that stalls: the deadline covers the body too', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    };
    const err = await failure(t.send(get('/stall', 150)));
    expect(err.kind).toBe('timeout');
    expect(err.requestSent).toBe(true);
  });

  it('connection refused: a network failure that provably never sent the request', async () => {
    const port = await refusedPort();
    const err = await failure(t.send({ method: 'POST', url: `http://127.0.0.1:${port}/v1/orders`, headers: {}, body: '{}', timeoutMs: 5_000 }));
    expect(err.kind).toBe('network');
    expect(err.requestSent).toBe(false);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).not.toContain(String(port));
  });

  it('the server drops the connection after reading the request: network failure, request sent', async () => {
    handle = (req) => {
      req.socket.destroy();
    };
    const err = await failure(t.send({ method: 'POST', url: `${base}/v1/orders`, headers: {}, body: '{}', timeoutMs: 5_000 }));
    expect(err.kind).toBe('network');
    expect(err.requestSent).toBe(true);
  });

  it('refuses a body above the cap', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(65 * 1024));
    };
    const err = await failure(t.send(get('/big')));
    expect(err.code).toBe('BODY_TOO_LARGE');
    expect(err.requestSent).toBe(true);
  });

  it('keeps working after failures (the pool is not poisoned)', async () => {
    handle = (_req, res) => {
      res.writeHead(200);
      res.end('ok');
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => t.send(get('/ping'))));
    expect(results.map((r) => r.body)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });
});

describe('FetchTransport', () => {
  it('close() leaves the shared connection pool usable by a new transport', async () => {
    handle = (_req, res) => {
      res.writeHead(200);
      res.end('ok');
    };
    const a = new FetchTransport();
    await a.send(get('/1'));
    await a.close();
    await expect(new FetchTransport().send(get('/2'))).resolves.toMatchObject({ status: 200, body: 'ok' });
  });

  it('classifies whatever the injected fetch throws through the same rules', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const t = new FetchTransport({ fetch: () => Promise.reject(refused) });
    const err = await failure(t.send(get('/x')));
    expect(err).toMatchObject({ kind: 'network', requestSent: false, code: 'ECONNREFUSED' });
    const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    const err2 = await failure(new FetchTransport({ fetch: () => Promise.reject(reset) }).send(get('/x')));
    expect(err2).toMatchObject({ kind: 'network', requestSent: true, code: 'ECONNRESET' });
  });
});

describe('classifyTransportError', () => {
  const withCode = (code: string): Error => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

  it('marks as not sent only the codes that mean no connection was opened', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) {
      expect(classifyTransportError(withCode(code), false)).toMatchObject({ kind: 'network', requestSent: false, code });
    }
    expect(classifyTransportError(withCode('UND_ERR_CONNECT_TIMEOUT'), false)).toMatchObject({ kind: 'timeout', requestSent: false });
    for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']) {
      expect(classifyTransportError(withCode(code), false)).toMatchObject({ kind: 'network', requestSent: true, code });
    }
    expect(classifyTransportError(withCode('UND_ERR_HEADERS_TIMEOUT'), false)).toMatchObject({ kind: 'timeout', requestSent: true });
    expect(classifyTransportError(new Error('no code at all'), false)).toMatchObject({ kind: 'network', requestSent: true, code: undefined });
  });

  it('a deadline always counts as possibly sent, whatever the underlying error says', () => {
    expect(classifyTransportError(withCode('ECONNREFUSED'), true)).toMatchObject({ kind: 'timeout', requestSent: true });
    expect(classifyTransportError(new DOMException('This operation was aborted', 'AbortError'), true)).toMatchObject({ kind: 'timeout', requestSent: true });
  });
});
