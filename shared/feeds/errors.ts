/** Typed errors of the OpticOdds clients. Messages never carry the API key (it is sent in a header only). */
import { maskSecrets } from '../observability/logger.js';

export type OpticOddsErrorKind =
  | 'bad_request' // 400
  | 'unauthorized' // 401: bad or missing key, do not retry
  | 'not_licensed' // 403: the key is valid but the product (odds, historical, futures…) is not licensed
  | 'not_found' // 404
  | 'rate_limited' // 429 after the retries
  | 'server' // 5xx after the retries
  | 'http' // any other status
  | 'network' // connection refused / reset
  | 'timeout'
  | 'malformed'; // a body that is not the documented shape

export class OpticOddsError extends Error {
  constructor(
    readonly kind: OpticOddsErrorKind,
    message: string,
    readonly status: number | null = null,
    /** The request path, without the query string. */
    readonly path: string | null = null,
  ) {
    super(maskSecrets(message));
    this.name = 'OpticOddsError';
  }

  /** Worth retrying: rate limits, server errors, network failures and timeouts. */
  get transient(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network' || this.kind === 'timeout';
  }
}

/** The operator's message for a 403: what it means and what to do. */
export function notLicensedMessage(what: string): string {
  return `OpticOdds answered 403 for ${what}: the API key is valid but this product is not licensed for it; ask OpticOdds to enable it (retrying will not help)`;
}

export function errorKindForStatus(status: number): OpticOddsErrorKind {
  if (status === 400) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'not_licensed';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'http';
}
