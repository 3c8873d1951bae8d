/**
 * The venue client's request path, as separate steps of one pipeline:
 *
 *   budget (acquire a token: request-budget.ts) → sign (auth.ts) → send (the HttpTransport)
 *     → classify (error-mapping.ts) → retry policy (retry-policy.ts) → back to budget, or done
 *
 * Each step is one small function here or one module beside it; the loop only wires them. Every authenticated
 * call of a key goes through the key's budget and every public call through the per-IP budget, so one budget
 * sees every request. A 429 pauses the whole budget (the edge refuses the key, not one endpoint).
 */
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { offsetFromDateHeader, type RequestSigner } from './auth.js';
import { AuthError, StopgapRejectError, type EndpointClass, type VenueError } from './errors.js';
import { failureKind, mapHttpFailure, mapTransportFailure } from './error-mapping.js';
import type { HttpMethod, HttpResponse, HttpTransport } from './http.js';
import type { RequestBudget, RequestPriority } from './request-budget.js';
import { decideRetry, type AttemptState, type RetryPolicy } from './retry-policy.js';

export interface PipelineRequest {
  /** Endpoint class, for metrics. */
  cls: EndpointClass;
  /** Where the request stands in the key's budget queue. */
  priority: RequestPriority;
  method: HttpMethod;
  /** The endpoint label for errors/metrics, e.g. "GET /v1/order/{id}". */
  endpoint: string;
  /** The real path (segments encoded), without query: what is signed. */
  path: string;
  /** The query string, '' or starting with '?'. */
  query: string;
  body?: unknown;
  /** The body already serialised as JSON (wins over `body`). */
  bodyText?: string;
  auth: boolean;
  /** Safe to send again on 5xx/timeout/network. */
  idempotent: boolean;
}

export interface RequestPipelineOptions {
  apiBaseUrl: string;
  gatewayBaseUrl: string;
  signer: RequestSigner | null;
  transport: HttpTransport;
  /** The API key's budget: every authenticated call. */
  budget: RequestBudget;
  /** The per-IP budget: every public (gateway) call. */
  publicBudget: RequestBudget;
  retry: RetryPolicy;
  timeoutMs: number;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  logger: Logger;
  metrics: Metrics;
}

type Exchange = { ok: true; res: HttpResponse } | { ok: false; error: VenueError; res: HttpResponse | null };

export class RequestPipeline {
  private readonly apiBase: string;
  private readonly gatewayBase: string;
  /** Consecutive 429 episodes of this client, whatever the request: the pause doubles with it. */
  private rateLimitStreak = 0;
  /**
   * Bumped at each new 429 episode. A request sent before the latest episode began (it was in flight with
   * the one that met the 429) and answered 429 too is part of that episode: it does not double the pause
   * again. Otherwise N requests in flight together, refused together, would pause the key for 2^N seconds.
   */
  private rateLimitEpisode = 0;

  constructor(private readonly o: RequestPipelineOptions) {
    this.apiBase = o.apiBaseUrl.replace(/\/+$/, '');
    this.gatewayBase = o.gatewayBaseUrl.replace(/\/+$/, '');
  }

  /** Sends until a 2xx (returned) or a final failure (thrown as a typed VenueError). */
  async send(req: PipelineRequest): Promise<HttpResponse> {
    if (req.auth && !this.o.signer) throw new AuthError(`${req.endpoint}: no credentials configured`, { status: 0, endpoint: req.endpoint });
    const url = (req.auth ? this.apiBase : this.gatewayBase) + req.path + req.query;
    const bodyText = req.bodyText ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
    const budget = req.auth ? this.o.budget : this.o.publicBudget;
    const state: AttemptState = { attempts: 0, rateLimited: 0, resigned: false, rateLimitStreak: 0 };
    for (;;) {
      // The grant stays in the key's window until the answer is in (request-budget.ts: the venue counts a
      // request when it receives it, at the latest when it answers).
      const grant = await budget.begin(req.priority);
      const episodeAtSend = this.rateLimitEpisode;
      let x: Exchange;
      try {
        const headers = this.sign(req, bodyText !== undefined);
        state.attempts++;
        x = await this.exchange(req, url, headers, bodyText);
      } finally {
        grant.done();
      }
      if (x.ok) {
        this.rateLimitStreak = 0;
        return x.res;
      }
      const error = x.error;
      this.o.metrics.increment('venue.http.errors', 1, { class: req.cls, kind: failureKind(error) });
      if (error instanceof StopgapRejectError) this.o.metrics.increment('venue.stopgap_rejects', 1, { class: req.cls, via: 'response' });
      // A 429 of a request sent before the current episode began belongs to it: the episode's streak, no doubling.
      const sameEpisode = episodeAtSend !== this.rateLimitEpisode;
      const streak = sameEpisode ? Math.max(0, this.rateLimitStreak - 1) : this.rateLimitStreak;
      const decision = decideRetry(error, req, { ...state, rateLimitStreak: streak }, this.o.retry, this.o.random);
      switch (decision.kind) {
        case 'resign':
          state.resigned = true;
          state.attempts--; // a re-sign is not a retry of the same request
          this.reestimateClockOffset(req, x.res);
          continue;
        case 'pause':
          this.onRateLimited(req, budget, decision.pauseMs, decision.retry, sameEpisode);
          if (!decision.retry) throw error;
          state.rateLimited++;
          state.attempts--; // refused at the edge, not processed
          continue;
        case 'retry':
          await this.o.sleep(decision.delayMs);
          continue;
        case 'fail':
          if (error instanceof AuthError && req.auth) this.onCredentialsRejected(req, error, state.resigned);
          throw error;
      }
    }
  }

  // ---------------------------------------------------------------- steps

  /** Step "sign": the request's headers (signed for an authenticated call). */
  private sign(req: PipelineRequest, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (hasBody) headers['content-type'] = 'application/json';
    if (req.auth) Object.assign(headers, (this.o.signer as RequestSigner).headers(req.method, req.path));
    return headers;
  }

  /** Steps "send" and "classify": one exchange, its outcome typed. */
  private async exchange(req: PipelineRequest, url: string, headers: Record<string, string>, body: string | undefined): Promise<Exchange> {
    const t0 = this.o.clock.monotonicNs();
    let res: HttpResponse;
    try {
      res = await this.o.transport.send({ method: req.method, url, headers, body, timeoutMs: this.o.timeoutMs });
    } catch (err) {
      return { ok: false, error: mapTransportFailure(req.endpoint, err), res: null };
    }
    this.o.metrics.observe('venue.http.latency_us', Number((this.o.clock.monotonicNs() - t0) / 1000n), { class: req.cls });
    this.o.metrics.increment('venue.http.requests', 1, { class: req.cls, status: String(res.status) });
    if (res.status >= 200 && res.status < 300) return { ok: true, res };
    return { ok: false, error: mapHttpFailure(req.endpoint, res, this.o.clock.now()), res };
  }

  /** After a 401: the signer's clock offset from the response's Date header, before the one re-sign. */
  private reestimateClockOffset(req: PipelineRequest, res: HttpResponse | null): void {
    const signer = this.o.signer as RequestSigner;
    const offset = offsetFromDateHeader(res?.headers['date'], this.o.clock.now());
    if (offset === null) return;
    const before = signer.clockOffsetMs;
    signer.clockOffsetMs = offset;
    this.o.logger.warn('venue 401: clock offset re-estimated from the Date header; re-signing once', {
      endpoint: req.endpoint,
      offsetBeforeMs: before,
      offsetAfterMs: signer.clockOffsetMs,
    });
    this.o.metrics.gauge('venue.clock_offset_ms', signer.clockOffsetMs);
  }

  /**
   * The venue refused the key for good: a 401 again after the re-sign with a corrected clock (unknown key,
   * wrong secret, revoked key), or a 403. Nothing the client can fix: an operator must see it, at error level.
   * Only what identifies the request and the key's public id: never the secret, the signature or headers.
   */
  private onCredentialsRejected(req: PipelineRequest, error: AuthError, resigned: boolean): void {
    this.o.metrics.increment('venue.auth_rejected', 1, { class: req.cls, status: String(error.status) });
    this.o.logger.error('venue rejected our credentials; check the API key id and secret', {
      endpoint: req.endpoint,
      status: error.status,
      venueMessage: error.venueMessage,
      keyId: (this.o.signer as RequestSigner).keyId,
      afterResign: resigned,
    });
  }

  /** After a 429: stop the whole budget for the pause. */
  private onRateLimited(req: PipelineRequest, budget: RequestBudget, pauseMs: number, willRetry: boolean, sameEpisode: boolean): void {
    if (!sameEpisode) {
      this.rateLimitStreak++;
      this.rateLimitEpisode++;
    }
    budget.pause(pauseMs);
    this.o.metrics.increment('venue.http.rate_limited', 1, { class: req.cls, budget: budget.name });
    this.o.logger.warn('venue 429: pausing every request of the budget', {
      endpoint: req.endpoint,
      budget: budget.name,
      pauseMs,
      retry: willRetry,
      streak: this.rateLimitStreak,
      sameEpisode,
    });
  }
}
