/** Small HTTP helpers of the wire server: bounded JSON bodies, JSON answers, the venue's error shape. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 64 * 1024;

/** A request that must be answered with `status` and `{ message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Reads the body (at most MAX_BODY_BYTES) and parses it as JSON; an empty body is `{}`. */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new HttpError(400, `request body too large (max ${maxBytes} bytes)`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) tooLarge = true;
    else chunks.push(chunk);
  }
  if (tooLarge) throw new HttpError(400, `request body too large (max ${maxBytes} bytes)`);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { message }, headers);
}

/** The client's IP, for per-IP limits. */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Repeated query parameters, accepting both `slug=a&slug=b` and `slug[]=a`, and comma lists. */
export function queryList(url: URL, name: string): string[] {
  const values = [...url.searchParams.getAll(name), ...url.searchParams.getAll(`${name}[]`)];
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

/** An optional non-negative integer query parameter; throws 400 when present and malformed. */
export function queryInt(url: URL, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, `query parameter ${name} must be a non-negative integer`);
  const n = Number(raw);
  if (opts.min !== undefined && n < opts.min) throw new HttpError(400, `query parameter ${name} must be >= ${opts.min}`);
  if (opts.max !== undefined && n > opts.max) throw new HttpError(400, `query parameter ${name} must be <= ${opts.max}`);
  return n;
}

/** An optional boolean query parameter ("true"/"false"); throws 400 otherwise. */
export function queryBool(url: URL, name: string): boolean | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new HttpError(400, `query parameter ${name} must be true or false`);
}
