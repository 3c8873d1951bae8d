/**
 * The simulator's HTTP request pipeline for the exchange's REST paths:
 *   parse URL → injected failure burst (429/5xx) → injected latency → route → auth (Ed25519) → rate limit →
 *   handler → ambiguous-create fault → JSON answer.
 * Paths the exchange does not serve go to the mounted SimulatorModules, then 404. Any error becomes a JSON
 * `{ message }` answer with the right status; nothing thrown here reaches the process.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../../shared/domain/clock.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import { ExchangeRequestError } from '../exchange/errors.js';
import type { Faults } from '../faults/fault-controller.js';
import type { SimulatorModule } from '../module.js';
import type { KeyRing } from './auth.js';
import type { ExchangePort } from './exchange-port.js';
import { HttpError, clientIp, readJsonBody, sendError, sendJson } from './http-io.js';
import { batchRoutes } from './batch-routes.js';
import { betaRoutes } from './beta-routes.js';
import { catalogRoutes } from './catalog-routes.js';
import { privateRoutes } from './private-routes.js';
import { publicRoutes } from './public-routes.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RejectedOrders } from './rejected-orders.js';
import type { RequestTally } from './request-tally.js';
import { matchRoute, type Route, type RouteContext, type RouteResult } from './routes.js';
import type { WireAudit } from './wire-audit.js';
import type { MetadataOf } from './wire-format.js';

export interface RequestHandlerDeps {
  exchange: ExchangePort;
  keys: KeyRing;
  accountOfKey(keyId: string): string;
  faults: Faults;
  /** null = rate limits off. */
  limiter: RateLimiter | null;
  clock: Clock;
  /** The server clock used for authentication (clock + injected skew). */
  serverNow(): number;
  modules: readonly SimulatorModule[];
  logger: Logger;
  metrics: Metrics;
  metadataOf: MetadataOf;
  rejected: RejectedOrders;
  /** Send the legacy (deprecated) wire forms. */
  legacyWire: boolean;
  /** How many requests a batch call counts for against the key's rate limit. */
  batchRequestCost: number;
  /** Sees every answer of an exchange route (tests validate them against the contract). */
  wireAudit?: WireAudit;
  /** Counts each key's authenticated requests as received (peak per rolling window, 429s). */
  tally?: RequestTally;
}

const ROUTES: readonly Route[] = [...privateRoutes, ...batchRoutes, ...betaRoutes, ...publicRoutes, ...catalogRoutes];

/** The venue's 429 (its edge answers it; no Retry-After, no X-RateLimit-* headers). */
export const TOO_MANY_REQUESTS = { status: 429, message: 'Too Many Requests' } as const;

const STATUS_TEXT: Record<number, string> = {
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

export class RequestHandler {
  private readonly held = new Set<ServerResponse>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: RequestHandlerDeps) {}

  /** The node:http 'request' listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    // The Date header carries the server clock (with any injected skew), so clients can measure the skew.
    res.setHeader('Date', new Date(this.deps.serverNow()).toUTCString());
    this.handle(req, res).catch((err: unknown) => {
      this.deps.logger.error('request handling failed', { err });
      if (!res.headersSent) sendError(res, 500, 'internal server error');
      else res.destroy();
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { deps } = this;
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      req.resume();
      return sendError(res, 400, 'malformed request target');
    }
    let match;
    try {
      match = matchRoute(ROUTES, method, url.pathname);
    } catch (err) {
      req.resume();
      return this.fail(res, err);
    }
    if (match === null) return this.toModules(req, res, url);
    if ('methodNotAllowed' in match) {
      req.resume();
      return sendError(res, 405, `method ${method} not allowed on ${url.pathname}`);
    }
    const { route, params } = match;
    deps.metrics.increment('sim.http.requests', 1, { route: route.template });
    const answer = (status: number, body: unknown): void => {
      deps.wireAudit?.({ kind: 'rest', method, template: route.template, status, body });
      sendJson(res, status, body);
    };

    const injected = deps.faults.takeHttpFailure(method, url.pathname);
    if (injected !== null) {
      req.resume();
      return injected === 429 ? answer(429, TOO_MANY_REQUESTS) : sendError(res, injected, STATUS_TEXT[injected] ?? 'server error');
    }
    const latency = deps.faults.restLatencyMs();
    if (latency > 0) await this.sleep(latency);

    let accountId = '';
    if (route.auth) {
      const auth = deps.keys.verify(req.headers, method, url.pathname, deps.serverNow());
      if (!auth.ok) {
        req.resume();
        deps.metrics.increment('sim.http.auth_rejected', 1, { reason: auth.reason });
        return sendError(res, 401, auth.message);
      }
      accountId = deps.accountOfKey(auth.keyId);
      deps.tally?.received(auth.keyId);
      if (deps.limiter && !deps.limiter.takePrivate(auth.keyId, route.batch ? deps.batchRequestCost : 1)) {
        req.resume();
        deps.tally?.refused(auth.keyId);
        deps.metrics.increment('sim.http.rate_limited', 1, { scope: 'private' });
        return answer(429, TOO_MANY_REQUESTS);
      }
    } else if (deps.limiter && !deps.limiter.takePublic(clientIp(req))) {
      req.resume();
      deps.metrics.increment('sim.http.rate_limited', 1, { scope: 'public' });
      return answer(429, TOO_MANY_REQUESTS);
    }

    let bodyPromise: Promise<unknown> | null = null;
    const ctx: RouteContext = {
      req,
      res,
      url,
      params,
      exchange: deps.exchange,
      accountId,
      body: () => (bodyPromise ??= readJsonBody(req)),
      now: () => deps.clock.now(),
      metadataOf: deps.metadataOf,
      rejected: deps.rejected,
      legacyWire: deps.legacyWire,
    };
    let result: RouteResult;
    try {
      result = await route.handle(ctx);
    } catch (err) {
      if (!bodyPromise) req.resume();
      return this.fail(res, err, answer);
    }
    if (!bodyPromise) req.resume();
    if (route.ambiguousCreate && result.committed) {
      const fault = deps.faults.takeAmbiguousCreate();
      if (fault) return this.answerAmbiguously(req, res, fault, result);
    }
    answer(result.status ?? 200, result.body);
  }

  private answerAmbiguously(
    req: IncomingMessage,
    res: ServerResponse,
    fault: { mode: 'reset' | 'timeout' | '5xx-after-commit'; holdMs?: number },
    result: RouteResult,
  ): void {
    this.deps.logger.info('ambiguous create injected', { mode: fault.mode });
    switch (fault.mode) {
      case 'reset':
        req.socket.destroy();
        return;
      case '5xx-after-commit':
        sendError(res, 503, 'service unavailable');
        return;
      case 'timeout': {
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        if (fault.holdMs !== undefined) {
          const t = setTimeout(() => {
            this.timers.delete(t);
            this.held.delete(res);
            sendJson(res, result.status ?? 200, result.body);
          }, fault.holdMs);
          this.timers.add(t);
        }
        return;
      }
    }
  }

  private async toModules(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    for (const m of this.deps.modules) {
      try {
        if (await m.handleRequest(req, res, url)) return;
      } catch (err) {
        this.deps.logger.error('simulator module failed', { module: m.name, err });
        if (!res.headersSent) sendError(res, 500, 'internal server error');
        return;
      }
    }
    req.resume();
    sendError(res, 404, `no route for ${url.pathname.slice(0, 200)}`);
  }

  private fail(res: ServerResponse, err: unknown, answer?: (status: number, body: unknown) => void): void {
    if (err instanceof HttpError && Object.keys(err.headers).length === 0 && answer) return answer(err.status, { message: err.message });
    if (err instanceof HttpError) return sendError(res, err.status, err.message, err.headers);
    if (err instanceof ExchangeRequestError) return answer ? answer(err.status, { message: err.message }) : sendError(res, err.status, err.message);
    this.deps.logger.error('unexpected error in route', { err });
    sendError(res, 500, 'internal server error');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** Drops every held ('timeout' fault) response and pending timer. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}
