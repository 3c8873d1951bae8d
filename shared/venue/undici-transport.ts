/**
 * HTTP transport over an undici `Agent`: a keep-alive pool per origin (so the api and gateway hosts each keep
 * warm connections) with a tunable size and connect timeout, a per-request deadline, and failures classified
 * like every transport (http.ts). The always-on bot's transport; the Lambdas use FetchTransport, so undici
 * stays out of their bundles — import this file only where the bundle may carry undici.
 */
import { Agent, request } from 'undici';
import { TransportError, classifyTransportError, type HttpRequest, type HttpResponse, type HttpTransport } from './http.js';

export interface UndiciTransportOptions {
  /** Keep-alive connections per origin (default 16). */
  connections?: number;
  connectTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** Largest response body accepted, bytes (default 16 MiB). */
  maxResponseBytes?: number;
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
