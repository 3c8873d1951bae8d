/**
 * HTTP transport over the runtime's global `fetch` (Node's built-in undici: keep-alive pool per origin,
 * nothing bundled). The default of the venue REST client, so the Lambdas' bundles carry no HTTP client; the
 * always-on bot passes the tunable UndiciTransport (undici-transport.ts) instead.
 *
 * Same contract as UndiciTransport: a deadline over the whole exchange (headers and body) through an
 * AbortSignal, redirects returned rather than followed, a body size cap, and failures classified by
 * `classifyTransportError` — `requestSent: false` only when the connection provably never opened (the
 * `fetch failed` TypeError's cause carries ECONNREFUSED, ENOTFOUND, …).
 */
import { TransportError, classifyTransportError, type HttpRequest, type HttpResponse, type HttpTransport } from './http.js';

export interface FetchTransportOptions {
  /** Largest response body accepted, bytes (default 16 MiB). */
  maxResponseBytes?: number;
  /** The fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

export class FetchTransport implements HttpTransport {
  private readonly maxResponseBytes: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: FetchTransportOptions = {}) {
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const controller = new AbortController();
    let deadlineHit = false;
    const timer = setTimeout(() => {
      deadlineHit = true;
      controller.abort();
    }, req.timeoutMs);
    try {
      const res = await this.fetchImpl(req.url, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal: controller.signal,
        // Like undici's request(): a 3xx is an answer, not an instruction (a followed 303 would turn a POST
        // into a GET somewhere else).
        redirect: 'manual',
      });
      const body = await this.readBody(res);
      const headers: Record<string, string | undefined> = {};
      res.headers.forEach((value, name) => {
        const k = name.toLowerCase();
        headers[k] = headers[k] === undefined ? value : `${headers[k]}, ${value}`;
      });
      return { status: res.status, headers, body };
    } catch (err) {
      if (err instanceof TransportError) throw err;
      throw classifyTransportError(err, deadlineHit);
    } finally {
      clearTimeout(timer);
    }
  }

  private async readBody(res: Response): Promise<string> {
    if (!res.body) return '';
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.maxResponseBytes) {
        await reader.cancel().catch(() => undefined);
        throw new TransportError('network', true, 'response body too large', 'BODY_TOO_LARGE');
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Nothing to release: the global dispatcher's connections stay warm for the next invocation. */
  async close(): Promise<void> {}
}
