/** The route table's types and the path matcher shared by the public and the authenticated routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExchangePort } from './exchange-port.js';
import { HttpError } from './http-io.js';
import type { EndpointClass } from './rate-limiter.js';

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
}

export interface RouteResult {
  status?: number;
  body: unknown;
  /** True when the request changed exchange state (an ambiguous-create fault may then hide the answer). */
  committed?: boolean;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Anchored pattern over the URL path; capture groups are the parameters. */
  pattern: RegExp;
  auth: boolean;
  /** Rate-limit class of authenticated routes. */
  limitClass?: EndpointClass;
  /** The create-order route: subject to the ambiguous-create fault. */
  ambiguousCreate?: boolean;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export type RouteMatch = { route: Route; params: string[] } | { methodNotAllowed: true } | null;

const SEGMENT = '([^/]+)';

/** Builds an anchored pattern from a template like `/v1/order/{id}/cancel`. */
export function path(template: string): RegExp {
  const escaped = template
    .split(/\{[a-zA-Z]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join(SEGMENT);
  return new RegExp(`^${escaped}/?$`);
}

export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
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
