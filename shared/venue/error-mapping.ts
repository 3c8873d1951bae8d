/**
 * Step "classify" of the request pipeline: what a failed exchange means, as a typed VenueError. A transport
 * failure becomes TimeoutError/NetworkError (keeping whether the request may have left), an HTTP status the
 * error of errors.ts, and the venue's latency stopgap (`Global Rate Limit Exceeded`) a StopgapRejectError —
 * a transient reject of that one order, never a reason to back off (docs/venue-rules.md, rate limits).
 */
import type { VenueExecution } from '../domain/venue-models.js';
import { NetworkError, ServerError, StopgapRejectError, TimeoutError, errorForStatus, type VenueError } from './errors.js';
import { TransportError, type HttpResponse } from './http.js';
import { parseRetryAfterMs } from './retry-policy.js';
import { errorBodySchema } from './error-body-schema.js';

/** The stopgap's reject text. */
export const STOPGAP_TEXT = 'Global Rate Limit Exceeded';

/** Whether a reject text (a body message, an execution's `text` or reject reason) is the latency stopgap. */
export function isStopgapText(text: string | null | undefined): boolean {
  return typeof text === 'string' && text.toLowerCase().includes(STOPGAP_TEXT.toLowerCase());
}

/** Whether an execution is a stopgap reject (on the order stream or in a create's synchronous executions). */
export function isStopgapExecution(x: Pick<VenueExecution, 'type' | 'text' | 'orderRejectReason'>): boolean {
  return x.type === 'EXECUTION_TYPE_REJECTED' && (isStopgapText(x.text) || isStopgapText(x.orderRejectReason));
}

/** The venue's error body message, if any. Bodies are small; anything odd yields undefined. */
export function venueMessage(body: string): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = errorBodySchema().safeParse(JSON.parse(body));
    if (parsed.success) return (parsed.data.message ?? parsed.data.error)?.slice(0, 500);
  } catch {
    /* not JSON */
  }
  return body.slice(0, 200);
}

/** An order id in an error body (some gateways report the id of a committed order with a 5xx). */
export function orderIdInBody(body: string): string | null {
  try {
    const o = JSON.parse(body) as Record<string, unknown>;
    const id = o?.id ?? o?.orderId;
    return typeof id === 'string' && id.length > 0 && id.length < 200 ? id : null;
  } catch {
    return null;
  }
}

/** A request that got no HTTP response. */
export function mapTransportFailure(endpoint: string, err: unknown): TimeoutError | NetworkError {
  const kind = err instanceof TransportError ? err.kind : 'network';
  const requestSent = err instanceof TransportError ? err.requestSent : true;
  const code = err instanceof TransportError && err.code ? ` (${err.code})` : '';
  return kind === 'timeout'
    ? new TimeoutError(`${endpoint}: timed out${code}`, { status: 0, endpoint, requestSent, cause: err })
    : new NetworkError(`${endpoint}: connection failed${code}`, { status: 0, endpoint, requestSent, cause: err });
}

/** A non-2xx response. */
export function mapHttpFailure(endpoint: string, res: HttpResponse, nowMs: number): VenueError {
  const message = venueMessage(res.body);
  if (isStopgapText(message)) {
    return new StopgapRejectError(`${endpoint} rejected by the venue's latency stopgap: ${message}`, { status: res.status, endpoint, venueMessage: message });
  }
  const error = errorForStatus(res.status, endpoint, message, parseRetryAfterMs(res.headers['retry-after'], nowMs));
  if (error instanceof ServerError) error.orderIdHint = orderIdInBody(res.body);
  return error;
}

/** A short label of a failure for metrics. */
export function failureKind(err: VenueError): string {
  if (err instanceof StopgapRejectError) return 'stopgap';
  if (err instanceof TimeoutError) return 'timeout';
  if (err instanceof NetworkError) return 'network';
  return String(err.status);
}
