/**
 * HTTP transport for the venue client: undici `Agent` (a keep-alive pool per origin, so the api and gateway
 * hosts each keep warm connections), a per-request deadline, and failures classified by whether the request
 * may have reached the server (`requestSent`) — which decides whether a create is ambiguous.
 */
import { Agent, request } from 'undici';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange (headers and body), ms. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
}

export type TransportFailureKind = 'timeout' | 'network';

/** A request that got no HTTP response. Its message is a short, secret-free description. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    /** False only when the request provably never left (connection refused, DNS failure, connect timeout). */
    readonly requestSent: boolean,
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface HttpTransport {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface UndiciTransportOptions {
  /** Keep-alive connections per origin (default 16). */
  connections?: number;
  connectTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** Largest response body accepted, bytes (default 16 MiB). */
  maxResponseBytes?: number;
}

/** Codes meaning the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function classifyTransportError(err: unknown, deadlineHit: boolean): TransportError {
  const code = errorCode(err);
  if (deadlineHit) return new TransportError('timeout', true, 'no response before the deadline', code);
  if (code && NOT_SENT_CODES.has(code)) {
    const kind: TransportFailureKind = TIMEOUT_CODES.has(code) ? 'timeout' : 'network';
    return new TransportError(kind, false, `connection failed (${code})`, code);
  }
  if (code && TIMEOUT_CODES.has(code)) return new TransportError('timeout', true, `timed out (${code})`, code);
  return new TransportError('network', true, `connection failed${code ? ` (${code})` : ''}`, code);
}

export class UndiciTransport implements HttpTransport {
  private readonly agent: Agent;
  private readonly maxResponseBytes: number;

  constructor(options: UndiciTransportOptions = {}) {
    this.agent = new Agent({
      connections: options.connections ?? 16,
      connect: { timeout: options.connectTimeoutMs ?? 5_000 },
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      pipelining: 1,
    });
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const controller = new AbortController();
    let deadlineHit = false;
    const timer = setTimeout(() => {
      deadlineHit = true;
      controller.abort();
    }, req.timeoutMs);
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.agent,
        signal: controller.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > this.maxResponseBytes) {
          res.body.destroy();
          throw new TransportError('network', true, 'response body too large', 'BODY_TOO_LARGE');
        }
        chunks.push(chunk as Buffer);
      }
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
    } catch (err) {
      if (err instanceof TransportError) throw err;
      throw classifyTransportError(err, deadlineHit);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
