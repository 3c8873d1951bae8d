/**
 * Test-side client for the simulator: a signer written with node:crypto (independent of the simulator's
 * @noble/ed25519 verifier and of the project's venue client), raw fetch and ws helpers.
 */
import { createPrivateKey, sign as edSign } from 'node:crypto';
import WebSocket from 'ws';

export interface Creds {
  keyId: string;
  secretBase64: string;
}

export function signHeaders(creds: Creds, method: string, path: string, timestamp = Date.now()): Record<string, string> {
  const seed = Buffer.from(creds.secretBase64, 'base64').subarray(0, 32);
  // PKCS#8 DER prefix of an Ed25519 private key followed by the 32-byte seed.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const ts = String(timestamp);
  const signature = edSign(null, Buffer.from(`${ts}${method.toUpperCase()}${path}`, 'utf8'), key).toString('base64');
  return { 'X-PM-Access-Key': creds.keyId, 'X-PM-Timestamp': ts, 'X-PM-Signature': signature };
}

export interface CallResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

export async function call(
  baseUrl: string,
  method: string,
  pathAndQuery: string,
  opts: { creds?: Creds; body?: unknown; rawBody?: string; timestamp?: number; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const path = pathAndQuery.split('?')[0]!;
  const headers: Record<string, string> = { ...(opts.creds ? signHeaders(opts.creds, method, path, opts.timestamp) : {}), ...opts.headers };
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(baseUrl + pathAndQuery, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* leave as text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A WebSocket that records every message and lets the test wait for one matching a predicate. */
export class TestSocket {
  readonly messages: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  private waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  closed: { code: number; reason: string } | null = null;
  private closeWaiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (w.pred(m)) {
          w.resolve(m);
          return false;
        }
        return true;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      for (const w of this.closeWaiters) w();
    });
  }

  static open(wsBaseUrl: string, path: string, creds: Creds, timestamp?: number): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsBaseUrl + path, { headers: signHeaders(creds, 'GET', path, timestamp) });
      const sock = new TestSocket(ws);
      ws.once('open', () => resolve(sock));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Resolves with the first message (already received or future) matching `pred`. */
  next(pred: (m: any) => boolean, fromIndex = 0): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const found = this.messages.slice(fromIndex).find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  waitClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Upgrade attempt that reports the HTTP status of a refusal. */
export function upgradeStatus(wsBaseUrl: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsBaseUrl + path, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', () => resolve(-1));
  });
}
