/**
 * The venue client's HTTP seam: request/response shapes, the transport interface, and the classification of
 * failures by whether the request may have reached the server (`requestSent`) — which decides whether a create
 * is ambiguous. Two transports implement it: FetchTransport (fetch-transport.ts, the global fetch; the
 * default, nothing bundled) and UndiciTransport (undici-transport.ts, a tunable undici Agent; the bot's).
 * No HTTP client is imported here, so importing the seam never pulls one into a bundle.
 */

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
