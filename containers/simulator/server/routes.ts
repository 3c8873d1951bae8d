/** The route table's types and the path matcher shared by the public and the authenticated routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExchangePort } from './exchange-port.js';
import { HttpError } from './http-io.js';
import type { RejectedOrders } from './rejected-orders.js';
import type { MetadataOf } from './wire-format.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Decoded path parameters, in order. */
  params: string[];
  exchange: ExchangePort;
  /** The authenticated caller's exchange account (authenticated routes only). */
  accountId: string;
  /** The parsed JSON body (empty body = {}); 400 on bad JSON or an oversized body. */
  body(): Promise<unknown>;
  /** Epoch ms on the simulator clock. */
  now(): number;
  /** `marketMetadata` of a market slug, for orders and positions. */
  metadataOf: MetadataOf;
  /** Orders the server rejects itself (the latency stopgap, refused batch entries). */
  rejected: RejectedOrders;
  /** Whether the server sends the legacy (deprecated) wire forms. */
  legacyWire: boolean;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  /** True when the request changed exchange state (an ambiguous-create fault may then hide the answer). */
  committed?: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** The path as the venue's contract writes it, e.g. `/v1/order/{orderId}/cancel`; `{name}` is one segment. */
  template: string;
  auth: boolean;
  /** A batch endpoint: counts `batchRequestCost` requests against the key's rate limit (default 1). */
  batch?: boolean;
  /** A create-order route (single or batched): subject to the ambiguous-create fault. */
  ambiguousCreate?: boolean;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export type RouteMatch = { route: Route; params: string[] } | { methodNotAllowed: true } | null;

const SEGMENT = '([^/]+)';
const compiled = new WeakMap<Route, RegExp>();

/** Builds an anchored pattern from a template like `/v1/order/{orderId}/cancel`. */
export function path(template: string): RegExp {
  const escaped = template
    .split(/\{[a-zA-Z]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join(SEGMENT);
  return new RegExp(`^${escaped}/?$`);
}

function patternOf(route: Route): RegExp {
  let p = compiled.get(route);
  if (!p) {
    p = path(route.template);
    compiled.set(route, p);
  }
  return p;
}

export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  let pathMatched = false;
  for (const route of routes) {
    const m = patternOf(route).exec(pathname);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params = m.slice(1).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        throw new HttpError(400, 'malformed path parameter');
      }
    });
    return { route, params };
  }
  return pathMatched ? { methodNotAllowed: true } : null;
}
