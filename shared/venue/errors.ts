/**
 * Typed errors of the Polymarket US client. An error carries the HTTP status, the endpoint (method + path
 * template, never a URL with a query and never headers) and the venue's message, masked of secrets.
 */
import { maskSecrets } from '../observability/logger.js';

export type EndpointClass =
  | 'create'
  | 'cancel'
  | 'modify'
  | 'cancelAll'
  | 'closePosition'
  | 'openOrders'
  | 'oneOrder'
  | 'authenticated'
  | 'public';

export interface VenueErrorInfo {
  /** HTTP status, or 0 when no response was received. */
  status: number;
  /** e.g. "POST /v1/orders" or "GET /v1/order/{id}". */
  endpoint: string;
  /** The venue's error message, when it sent one. */
  venueMessage?: string;
  cause?: unknown;
}

export class VenueError extends Error {
  readonly status: number;
  readonly endpoint: string;
  readonly venueMessage: string | undefined;
  /** Whether the same request may be sent again safely (idempotent calls only). */
  readonly retryable: boolean = false;

  constructor(message: string, info: VenueErrorInfo) {
    super(maskSecrets(message), info.cause === undefined ? undefined : { cause: info.cause });
    this.name = new.target.name;
    this.status = info.status;
    this.endpoint = info.endpoint;
    this.venueMessage = info.venueMessage === undefined ? undefined : maskSecrets(info.venueMessage);
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, status: this.status, endpoint: this.endpoint, venueMessage: this.venueMessage };
  }
}

export class BadRequestError extends VenueError {}
export class AuthError extends VenueError {}
export class NotFoundError extends VenueError {}

export class RateLimitedError extends VenueError {
  override readonly retryable = true;
  /** Retry-After in ms, when the venue said. */
  readonly retryAfterMs: number | null;
  constructor(message: string, info: VenueErrorInfo & { retryAfterMs: number | null }) {
    super(message, info);
    this.retryAfterMs = info.retryAfterMs;
  }
}

export class ServerError extends VenueError {
  override readonly retryable = true;
  /** An order id the server put in its error body (some gateways report a committed order with a 5xx). */
  orderIdHint: string | null = null;
}

/** Any other non-2xx status. */
export class UnexpectedStatusError extends VenueError {}

/** No response in time. `requestSent` says whether the request had been written (so may have been processed). */
export class TimeoutError extends VenueError {
  override readonly retryable = true;
  readonly requestSent: boolean;
  constructor(message: string, info: VenueErrorInfo & { requestSent: boolean }) {
    super(message, info);
    this.requestSent = info.requestSent;
  }
}

/** Connection-level failure (refused, reset, closed). `requestSent` false means provably not delivered. */
export class NetworkError extends VenueError {
  override readonly retryable = true;
  readonly requestSent: boolean;
  constructor(message: string, info: VenueErrorInfo & { requestSent: boolean }) {
    super(message, info);
    this.requestSent = info.requestSent;
  }
}

/** The venue answered 2xx with a body that does not match the expected shape. */
export class ResponseValidationError extends VenueError {
  readonly issues: string[];
  constructor(message: string, info: VenueErrorInfo & { issues: string[] }) {
    super(message, info);
    this.issues = info.issues.map(maskSecrets);
  }
}

/**
 * A create failed in a way that may or may not have placed the order, and the client could not establish
 * which. The order was NOT sent again. The caller must treat the order as possibly live (e.g. reconcile
 * from the private socket) and must not blindly resubmit.
 */
export class AmbiguousOrderError extends VenueError {
  readonly marketSlug: string;
  /** Ids of open orders that might be this one (when several matched). */
  readonly candidateOrderIds: string[];
  readonly reason: string;
  constructor(message: string, info: VenueErrorInfo & { marketSlug: string; candidateOrderIds: string[]; reason: string }) {
    super(message, info);
    this.marketSlug = info.marketSlug;
    this.candidateOrderIds = info.candidateOrderIds;
    this.reason = info.reason;
  }
}

/**
 * The exchange's latency stopgap (docs/venue-rules.md): under load it rejects a new order or a cancel/replace
 * modify not processed within 5 s, with the text `Global Rate Limit Exceeded`. Not a rate limit: the order was
 * refused, nothing is live, and the right answer is to re-price and resubmit — never to back off or throttle.
 */
export class StopgapRejectError extends VenueError {}

/** The error for an HTTP status. */
export function errorForStatus(
  status: number,
  endpoint: string,
  venueMessage: string | undefined,
  retryAfterMs: number | null,
): VenueError {
  const msg = `${endpoint} failed with ${status}${venueMessage ? `: ${venueMessage}` : ''}`;
  const info = { status, endpoint, venueMessage };
  if (status === 400) return new BadRequestError(msg, info);
  if (status === 401 || status === 403) return new AuthError(msg, info);
  if (status === 404) return new NotFoundError(msg, info);
  if (status === 429) return new RateLimitedError(msg, { ...info, retryAfterMs });
  if (status >= 500) return new ServerError(msg, info);
  return new UnexpectedStatusError(msg, info);
}

/** A request the client refuses to send (e.g. a limit order without a price): nothing reached the venue. */
export class InvalidRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}
