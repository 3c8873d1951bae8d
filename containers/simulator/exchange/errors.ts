/**
 * Typed errors of the simulated exchange. A malformed or impossible REQUEST (bad price, unknown market,
 * unknown order) throws `ExchangeRequestError`, which the wire server maps to `{ message }` with `status`.
 * A well-formed order that the exchange refuses (buying power, position, market state, post-only cross) is
 * NOT an error: it is returned as an order in ORDER_STATE_REJECTED with an EXECUTION_TYPE_REJECTED execution.
 */
export type ExchangeErrorStatus = 400 | 404;

export class ExchangeRequestError extends Error {
  readonly status: ExchangeErrorStatus;
  /** A stable machine-readable code, e.g. 'UNKNOWN_MARKET', 'INVALID_PRICE'. */
  readonly code: string;

  constructor(status: ExchangeErrorStatus, code: string, message: string) {
    super(message);
    this.name = 'ExchangeRequestError';
    this.status = status;
    this.code = code;
  }
}

export function badRequest(code: string, message: string): ExchangeRequestError {
  return new ExchangeRequestError(400, code, message);
}

export function notFound(code: string, message: string): ExchangeRequestError {
  return new ExchangeRequestError(404, code, message);
}
