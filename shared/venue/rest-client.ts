/**
 * Polymarket US REST client (docs/venue-rules.md, "REST endpoints"): typed calls returning domain models, and
 * a create that never sends an order twice (order-recovery.ts). Every request goes through one pipeline
 * (request-pipeline.ts): the key's request budget with priorities (request-budget.ts), Ed25519 signing with
 * clock-skew correction, the transport, error classification (error-mapping.ts) and the retry policy
 * (retry-policy.ts). Batch calls (up to 20 orders in one request) are in the "batches" section.
 */
import { formatQuantity, type Qty } from '../domain/quantity.js';
import * as z from 'zod';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import type { PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type {
  CreateOrderResult,
  VenueActivity,
  VenueBalance,
  VenueOrder,
  VenuePosition,
} from '../domain/venue-models.js';
import type { Logger } from '../observability/logger.js';
import { nullLogger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { nullMetrics } from '../observability/metrics.js';
import type { BatchCreateOutcome, OrderFlow } from '../domain/gateway.js';
import { RequestSigner, type Credentials } from './auth.js';
import {
  AmbiguousOrderError,
  InvalidRequestError,
  NetworkError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  VenueError,
  type EndpointClass,
} from './errors.js';
import {
  BatchCancelResponseSchema,
  BatchCreateResponseSchema,
  BatchModifyResponseSchema,
  buildBatchCancel,
  buildBatchCreate,
  buildBatchModify,
  chunk,
  type OrderModification,
  type OrderRef,
} from './batch-wire.js';
import { orderIdInBody } from './error-mapping.js';
import { FetchTransport } from './fetch-transport.js';
import type { HttpMethod, HttpResponse, HttpTransport } from './http.js';
import { judgeRecovery, type RecoveryVerdict } from './order-recovery.js';
import { RequestBudget, defaultSleep, type RequestPriority } from './request-budget.js';
import { RequestPipeline } from './request-pipeline.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import {
  ActivitiesResponseSchema,
  BalancesResponseSchema,
  BboSchema,
  BookSchema,
  CancelAllResponseSchema,
  CreateOrderResponseSchema,
  EventResponseSchema,
  EventsResponseSchema,
  MarketResponseSchema,
  MarketsResponseSchema,
  OpenOrdersResponseSchema,
  OrderResponseSchema,
  PositionsResponseSchema,
  SettlementSchema,
} from './wire-schemas.js';
import {
  toBbo,
  toBookSnapshot,
  toCatalogueEvent,
  toCatalogueMarket,
  toSettlement,
  toVenueActivity,
  toVenueBalance,
  toVenueExecution,
  toVenueOrder,
  toVenuePositions,
  type Bbo,
  type BookSnapshot,
  type CatalogueEvent,
  type CatalogueMarket,
  type Settlement,
} from './wire-convert.js';
import { pageThrough } from './paging.js';
import { WireDrift } from './wire-drift.js';
import { buildClosePosition, buildCreateOrder, buildModifyOrder, createOrderJson, pathSegment } from './wire-requests.js';

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined | null;
export type Query = Record<string, QueryValue>;

export interface RecoveryOptions {
  /** Wait before each look at open orders/activities after an ambiguous create, ms (default 500). */
  settleMs: number;
  /** Slack on "created after the attempt started", ms (default 2000). */
  toleranceMs: number;
  /** Resend once when the order is proven absent (default true). Never resends on an UNKNOWN verdict. */
  retryIfAbsent: boolean;
  /** Activities fetched per look (default 100). */
  activitiesLimit: number;
}

export interface RestClientOptions {
  apiBaseUrl: string;
  gatewayBaseUrl: string;
  /** Needed for authenticated calls; a signer may be shared with the WebSocket client. */
  credentials?: Credentials | RequestSigner;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Default: FetchTransport (the global fetch; no HTTP client in the bundle). The bot passes UndiciTransport. */
  transport?: HttpTransport;
  /** Whether close() closes the transport (default: only the one the client made itself). */
  ownsTransport?: boolean;
  /**
   * The API key's request budget, shared by every authenticated call of the key (pass the same one to every
   * client of a key). Default: a new one of `rateLimitPerSecond`.
   */
  budget?: RequestBudget;
  /** The per-IP budget of the public (gateway) calls. Default: a new one of 20/s. */
  publicBudget?: RequestBudget;
  /** Authenticated requests per second when the client makes its own budget (default 20). */
  rateLimitPerSecond?: number;
  retry?: Partial<RetryPolicy>;
  /** Per-request deadline, ms (default 5000). */
  timeoutMs?: number;
  recovery?: Partial<RecoveryOptions>;
  logger?: Logger;
  metrics?: Metrics;
}

interface CallSpec<S extends z.ZodType> {
  cls: EndpointClass;
  method: HttpMethod;
  /** The endpoint label for errors/metrics, e.g. "GET /v1/order/{id}". */
  endpoint: string;
  /** The real path (segments encoded), without query. */
  path: string;
  query?: Query;
  body?: unknown;
  /** The body already as JSON text (the create's, written directly: wire-requests.ts createOrderJson). */
  bodyText?: string;
  auth: boolean;
  /** Safe to send again on 5xx/timeout/network. */
  idempotent: boolean;
  schema: S;
}

export interface PositionsPage {
  positions: VenuePosition[];
  nextCursor: string | null;
  eof: boolean;
}

export interface ActivitiesPage {
  activities: VenueActivity[];
  nextCursor: string | null;
  eof: boolean;
}

export interface ActivitiesQuery {
  limit?: number;
  cursor?: string;
  marketSlug?: string;
  types?: string[];
  sortOrder?: 'SORT_ORDER_DESCENDING' | 'SORT_ORDER_ASCENDING';
}

export interface PreviewResult {
  order: VenueOrder;
}

export interface CreateOrderOptions {
  /** Order ids the caller already holds: never claimed as the result of a recovery. */
  knownOrderIds?: Iterable<string>;
  /** Orders the caller saw on the order stream and does not track: evidence for a recovery (read lazily). */
  streamOrders?: Iterable<VenueOrder>;
}

/** What a recovery knows from the caller: ids it holds, orders it saw on the stream. Read only when needed. */
interface RecoveryEvidence {
  isKnown: (id: string) => boolean;
  streamOrders: () => VenueOrder[];
}

const KNOWN_IDS_CAPACITY = 10_000;
/** Clock skew the venue accepts without a 401 (its auth window), hence never measured by the signer. */
const UNSEEN_CLOCK_SKEW_MS = 30_000;

/** Where a call of an endpoint class stands in the key's budget: cancels, modifies, creates, reads. */
const ORDER_PRIORITIES: readonly RequestPriority[] = ['cancel', 'modify', 'create'];

export function priorityOf(cls: EndpointClass): RequestPriority {
  switch (cls) {
    case 'cancel':
    case 'cancelAll':
      return 'cancel';
    case 'modify':
      return 'modify';
    case 'create':
    case 'closePosition':
      return 'create';
    default:
      return 'read';
  }
}

export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export class PolymarketRestClient {
  readonly signer: RequestSigner | null;
  /** The key's budget (every authenticated call) and the per-IP budget (public calls). */
  readonly budget: RequestBudget;
  readonly publicBudget: RequestBudget;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly transport: HttpTransport;
  private readonly ownsTransport: boolean;
  private readonly pipeline: RequestPipeline;
  private readonly recovery: RecoveryOptions;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  /** Ids of orders this client has created or recovered (insertion-ordered, bounded). */
  private readonly knownIds = new Set<string>();

  constructor(options: RestClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? defaultSleep;
    const c = options.credentials;
    this.signer = c === undefined ? null : c instanceof RequestSigner ? c : new RequestSigner(c, this.clock);
    this.transport = options.transport ?? new FetchTransport();
    this.ownsTransport = options.ownsTransport ?? options.transport === undefined;
    this.metrics = options.metrics ?? nullMetrics;
    this.recovery = { settleMs: 500, toleranceMs: 2_000, retryIfAbsent: true, activitiesLimit: 100, ...options.recovery };
    this.logger = options.logger ?? nullLogger;
    const budgetDeps = { clock: this.clock, sleep: this.sleep, metrics: this.metrics };
    this.budget = options.budget ?? new RequestBudget({ ...budgetDeps, limit: options.rateLimitPerSecond, name: 'authenticated' });
    this.publicBudget = options.publicBudget ?? new RequestBudget({ ...budgetDeps, reservedForCancels: 0, name: 'public' });
    this.pipeline = new RequestPipeline({
      apiBaseUrl: options.apiBaseUrl,
      gatewayBaseUrl: options.gatewayBaseUrl,
      signer: this.signer,
      transport: this.transport,
      budget: this.budget,
      publicBudget: this.publicBudget,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      timeoutMs: options.timeoutMs ?? 5_000,
      clock: this.clock,
      sleep: this.sleep,
      random: options.random ?? Math.random,
      logger: this.logger,
      metrics: this.metrics,
    });
  }

  async close(): Promise<void> {
    if (this.ownsTransport) await this.transport.close();
  }

  // ---------------------------------------------------------------- core

  private async call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.infer<S>> {
    const { body } = await this.callRaw(spec);
    return this.validate(spec, body);
  }

  private validate<S extends z.ZodType>(spec: CallSpec<S>, body: string): z.infer<S> {
    let json: unknown;
    try {
      json = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      this.metrics.increment('venue.http.errors', 1, { class: spec.cls, kind: 'validation' });
      throw new ResponseValidationError(`${spec.endpoint}: response is not JSON`, { status: 200, endpoint: spec.endpoint, issues: ['not JSON'] });
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      this.metrics.increment('venue.http.errors', 1, { class: spec.cls, kind: 'validation' });
      const issues = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new ResponseValidationError(`${spec.endpoint}: unexpected response shape (${issues[0] ?? 'invalid'})`, {
        status: 200,
        endpoint: spec.endpoint,
        issues,
      });
    }
    return parsed.data;
  }

  /** Converts wire → domain, reporting a conversion failure (e.g. inexact money) as a validation error. */
  private convert<T>(endpoint: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof VenueError) throw err;
      this.metrics.increment('venue.http.conversion_errors', 1, { endpoint });
      const msg = err instanceof Error ? err.message : String(err);
      throw new ResponseValidationError(`${endpoint}: ${msg}`, { status: 200, endpoint, issues: [msg] });
    }
  }

  /**
   * Sends through the request pipeline; returns the 2xx response. Throws a typed VenueError otherwise. For a
   * non-idempotent call, a 5xx/timeout/network failure is thrown as is (the caller decides).
   */
  private callRaw(spec: CallSpec<z.ZodType>): Promise<HttpResponse> {
    return this.pipeline.send({
      cls: spec.cls,
      priority: priorityOf(spec.cls),
      method: spec.method,
      endpoint: spec.endpoint,
      path: spec.path,
      query: buildQuery(spec.query),
      body: spec.body,
      bodyText: spec.bodyText,
      auth: spec.auth,
      idempotent: spec.idempotent,
    });
  }

  private authed<S extends z.ZodType>(
    cls: EndpointClass,
    method: HttpMethod,
    endpoint: string,
    path: string,
    schema: S,
    extra: { query?: Query; body?: unknown; idempotent?: boolean } = {},
  ): Promise<z.infer<S>> {
    return this.call({ cls, method, endpoint, path, schema, auth: true, idempotent: extra.idempotent ?? method === 'GET', query: extra.query, body: extra.body });
  }

  private pub<S extends z.ZodType>(endpoint: string, path: string, schema: S, query?: Query): Promise<z.infer<S>> {
    return this.call({ cls: 'public', method: 'GET', endpoint, path, schema, auth: false, idempotent: true, query });
  }

  // ---------------------------------------------------------------- public catalogue and market data

  private driftReporter: WireDrift | undefined;
  /** Unknown enum values and rounded quantities in responses (`venue.unknown_enum`, `venue.quantity_rounded`). */
  get drift(): WireDrift {
    return (this.driftReporter ??= new WireDrift({ metrics: this.metrics, logger: this.logger.child({ component: 'venue-wire' }) }));
  }

  async listEvents(query: Query = {}): Promise<CatalogueEvent[]> {
    const r = await this.pub('GET /v1/events', '/v1/events', EventsResponseSchema, query);
    return this.convert('GET /v1/events', () => r.events.map((e) => toCatalogueEvent(e, this.drift)));
  }

  async getEvent(id: string | number): Promise<CatalogueEvent> {
    const r = await this.pub('GET /v1/events/{id}', `/v1/events/${pathSegment(String(id), 'event id')}`, EventResponseSchema);
    return this.convert('GET /v1/events/{id}', () => toCatalogueEvent(r.event, this.drift));
  }

  async getEventBySlug(slug: string): Promise<CatalogueEvent> {
    const r = await this.pub('GET /v1/events/slug/{slug}', `/v1/events/slug/${pathSegment(slug, 'event slug')}`, EventResponseSchema);
    return this.convert('GET /v1/events/slug/{slug}', () => toCatalogueEvent(r.event, this.drift));
  }

  async listMarkets(query: Query = {}): Promise<CatalogueMarket[]> {
    const r = await this.pub('GET /v1/markets', '/v1/markets', MarketsResponseSchema, query);
    return this.convert('GET /v1/markets', () => r.markets.map((m) => toCatalogueMarket(m, undefined, this.drift)));
  }

  async getMarketById(id: string | number): Promise<CatalogueMarket> {
    const r = await this.pub('GET /v1/market/id/{id}', `/v1/market/id/${pathSegment(String(id), 'market id')}`, MarketResponseSchema);
    return this.convert('GET /v1/market/id/{id}', () => toCatalogueMarket(r.market, undefined, this.drift));
  }

  async getMarketBySlug(slug: string): Promise<CatalogueMarket> {
    const r = await this.pub('GET /v1/market/slug/{slug}', `/v1/market/slug/${pathSegment(slug, 'market slug')}`, MarketResponseSchema);
    return this.convert('GET /v1/market/slug/{slug}', () => toCatalogueMarket(r.market, undefined, this.drift));
  }

  async getBook(slug: string): Promise<BookSnapshot> {
    const r = await this.pub('GET /v1/markets/{slug}/book', `/v1/markets/${pathSegment(slug, 'market slug')}/book`, BookSchema);
    return this.convert('GET /v1/markets/{slug}/book', () => toBookSnapshot(r, this.drift));
  }

  async getBbo(slug: string): Promise<Bbo> {
    const r = await this.pub('GET /v1/markets/{slug}/bbo', `/v1/markets/${pathSegment(slug, 'market slug')}/bbo`, BboSchema);
    return this.convert('GET /v1/markets/{slug}/bbo', () => toBbo(r));
  }

  async getSettlement(slug: string): Promise<Settlement> {
    const r = await this.pub('GET /v1/markets/{slug}/settlement', `/v1/markets/${pathSegment(slug, 'market slug')}/settlement`, SettlementSchema);
    return this.convert('GET /v1/markets/{slug}/settlement', () => toSettlement(r));
  }

  // ---------------------------------------------------------------- orders

  /** Whether an order id is one this client (or the caller) already knows. */
  isKnownOrderId(id: string): boolean {
    return this.knownIds.has(id);
  }

  /** Marks order ids as known (e.g. loaded from the store at start-up), so no recovery claims them. */
  rememberOrderIds(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.knownIds.has(id)) continue;
      this.knownIds.add(id);
      if (this.knownIds.size > KNOWN_IDS_CAPACITY) {
        const oldest = this.knownIds.values().next().value as string;
        this.knownIds.delete(oldest);
      }
    }
  }

  /**
   * Creates an order. NEVER SENDS THE SAME ORDER TWICE: a create is not retried on 5xx/timeout/network.
   * On such an ambiguous failure the client looks for the order (order-recovery.ts): found → returned with
   * `recovered: true`; proven absent → sent once more (if `retryIfAbsent`); undecidable → AmbiguousOrderError.
   */
  async createOrder(request: OrderRequest, options: CreateOrderOptions = {}): Promise<CreateOrderResult> {
    const bodyText = createOrderJson(request);
    const evidence = this.recoveryEvidence(options);
    let resent = false;
    for (;;) {
      const attemptStart = this.clock.now();
      const attemptOffset = this.signer?.clockOffsetMs ?? 0;
      try {
        const result = await this.sendCreate(bodyText);
        this.rememberOrderIds([result.orderId]);
        this.metrics.increment('venue.orders.created', 1);
        return result;
      } catch (err) {
        if (!isAmbiguousCreateFailure(err)) throw err;
        const next = await this.settleAmbiguousCreate('POST /v1/orders', request, err, { attemptStart, attemptOffset, evidence, mayResendAgain: !resent });
        if (next.kind === 'found') return next.result;
        resent = true;
      }
    }
  }

  /**
   * After an ambiguous create (single or batch entry): looks for the order (order-recovery.ts). Found → its
   * result (`recovered: true`); proven absent and a resend still allowed → 'resend'; otherwise throws
   * AmbiguousOrderError. Never resends itself.
   */
  private async settleAmbiguousCreate(
    endpoint: string,
    request: OrderRequest,
    err: unknown,
    attempt: { attemptStart: number; attemptOffset: number; evidence: RecoveryEvidence; mayResendAgain: boolean },
  ): Promise<{ kind: 'found'; result: CreateOrderResult } | { kind: 'resend' }> {
    this.metrics.increment('venue.orders.ambiguous', 1);
    this.logger.warn('create order failed ambiguously; reconciling before any resend', {
      endpoint,
      marketSlug: request.marketSlug,
      intent: request.intent,
      price: request.price,
      quantity: formatQuantity(request.quantity),
      attemptStart: attempt.attemptStart,
      error: (err as Error).message,
    });
    const hintedId = err instanceof ServerError ? err.orderIdHint : null;
    // A 2xx whose body we could not read means the order exists: look for it, but never resend.
    const mayResend = !(err instanceof ResponseValidationError);
    const verdict = await this.reconcileCreate(request, attempt.attemptStart, attempt.attemptOffset, attempt.evidence, hintedId);
    if (verdict.kind === 'found') {
      this.rememberOrderIds([verdict.order.id]);
      this.metrics.increment('venue.orders.recovered', 1, { via: verdict.via });
      this.logger.info('ambiguous create recovered: the order reached the exchange', { orderId: verdict.order.id, via: verdict.via, marketSlug: request.marketSlug });
      return { kind: 'found', result: { orderId: verdict.order.id, executions: [], recovered: true } };
    }
    if (verdict.kind === 'absent' && this.recovery.retryIfAbsent && mayResend && attempt.mayResendAgain) {
      this.metrics.increment('venue.orders.resent_after_absent', 1);
      this.logger.warn('ambiguous create: order proven absent; sending once more', { marketSlug: request.marketSlug, intent: request.intent, price: request.price, quantity: formatQuantity(request.quantity) });
      return { kind: 'resend' };
    }
    const reason = verdict.kind === 'unknown' ? verdict.reason : 'order absent and no further resend allowed';
    throw new AmbiguousOrderError(`${endpoint}: outcome unknown after ${(err as Error).name}; not resent (${reason})`, {
      status: (err as VenueError).status,
      endpoint,
      marketSlug: request.marketSlug,
      candidateOrderIds: verdict.kind === 'unknown' ? verdict.candidateOrderIds : [],
      reason,
      cause: err,
    });
  }

  private async sendCreate(bodyText: string): Promise<CreateOrderResult> {
    const spec: CallSpec<typeof CreateOrderResponseSchema> = {
      cls: 'create',
      method: 'POST',
      endpoint: 'POST /v1/orders',
      path: '/v1/orders',
      bodyText,
      auth: true,
      idempotent: false,
      schema: CreateOrderResponseSchema,
    };
    const res = await this.callRaw(spec);
    let parsed: z.infer<typeof CreateOrderResponseSchema>;
    try {
      parsed = this.validate(spec, res.body);
    } catch (err) {
      // 2xx with a body we cannot read: the order exists. If an id can be read, return it; else ambiguous.
      const id = orderIdInBody(res.body);
      if (id) return { orderId: id, executions: [], recovered: false };
      throw err;
    }
    const r = parsed;
    return this.convert('POST /v1/orders', () => ({
      orderId: r.id,
      executions: (r.executions ?? []).map((e) => toVenueExecution(e, this.drift)),
      recovered: false,
    }));
  }

  /** Looks twice (settle delay before each) at open orders and activities to decide an ambiguous create. */
  private async reconcileCreate(
    request: OrderRequest,
    attemptStartLocal: number,
    attemptOffsetMs: number,
    evidence: RecoveryEvidence,
    hintedOrderId: string | null,
  ): Promise<RecoveryVerdict> {
    // A wrong clock offset must never turn into a false "absent" (and so a second order). The offset is only
    // re-estimated after a 401, so a skew inside the venue's auth window goes unseen, and it may have been
    // re-estimated since the attempt: look back from the earliest plausible server time of the attempt.
    const offset = Math.min(0, attemptOffsetMs, this.signer?.clockOffsetMs ?? 0) - UNSEEN_CLOCK_SKEW_MS;
    let last: RecoveryVerdict = { kind: 'unknown', reason: 'not checked', candidateOrderIds: [] };
    for (let look = 0; look < 2; look++) {
      await this.sleep(this.recovery.settleMs);
      try {
        last = await this.lookForOrder(request, attemptStartLocal + offset, evidence, hintedOrderId);
      } catch (err) {
        this.logger.warn('reconciliation look failed', { error: (err as Error).message });
        return { kind: 'unknown', reason: `could not read open orders/activities: ${(err as Error).message}`, candidateOrderIds: [] };
      }
      if (last.kind !== 'absent') return last;
    }
    return last;
  }

  private async lookForOrder(
    request: OrderRequest,
    attemptStartServerMs: number,
    evidence: RecoveryEvidence,
    hintedOrderId: string | null,
  ): Promise<RecoveryVerdict> {
    const { isKnown } = evidence;
    const openOrders = await this.openOrders([request.marketSlug]);
    const page = await this.activitiesPage({
      marketSlug: request.marketSlug,
      limit: this.recovery.activitiesLimit,
      sortOrder: 'SORT_ORDER_DESCENDING',
    });
    const ordersById = new Map<string, VenueOrder | null>();
    const idsToFetch = new Set<string>();
    if (hintedOrderId && !isKnown(hintedOrderId)) idsToFetch.add(hintedOrderId);
    const cutoff = attemptStartServerMs - this.recovery.toleranceMs;
    for (const a of page.activities) {
      if (a.orderId && !isKnown(a.orderId) && a.marketSlug === request.marketSlug && (a.time === null || a.time >= cutoff)) {
        if (!openOrders.some((o) => o.id === a.orderId)) idsToFetch.add(a.orderId);
      }
    }
    for (const id of [...idsToFetch].slice(0, 5)) {
      try {
        ordersById.set(id, await this.getOrder(id));
      } catch (err) {
        if (err instanceof VenueError && err.status === 404) ordersById.set(id, null);
        else throw err;
      }
    }
    const hinted = hintedOrderId ? ordersById.get(hintedOrderId) : undefined;
    return judgeRecovery({
      request,
      attemptStartServerMs,
      toleranceMs: this.recovery.toleranceMs,
      openOrders: hinted ? [...openOrders, hinted] : openOrders,
      activities: page.activities,
      ordersById,
      isKnown,
      // Read after the venue's answers, so an order the stream reported meanwhile is in.
      streamOrders: evidence.streamOrders(),
    });
  }

  async openOrders(marketSlugs?: readonly string[]): Promise<VenueOrder[]> {
    const r = await this.authed('openOrders', 'GET', 'GET /v1/orders/open', '/v1/orders/open', OpenOrdersResponseSchema, {
      query: marketSlugs && marketSlugs.length ? { slugs: marketSlugs } : undefined,
    });
    return this.convert('GET /v1/orders/open', () => r.orders.map((o) => toVenueOrder(o, this.drift)));
  }

  async getOrder(id: string): Promise<VenueOrder> {
    const r = await this.authed('oneOrder', 'GET', 'GET /v1/order/{id}', `/v1/order/${pathSegment(id, 'order id')}`, OrderResponseSchema);
    return this.convert('GET /v1/order/{id}', () => toVenueOrder(r.order, this.drift));
  }

  async cancelOrder(id: string, marketSlug: string): Promise<void> {
    if (!marketSlug) throw new InvalidRequestError('cancel order: market slug required');
    await this.authed('cancel', 'POST', 'POST /v1/order/{id}/cancel', `/v1/order/${pathSegment(id, 'order id')}/cancel`, passthrough, {
      body: { marketSlug },
      idempotent: true,
    });
  }

  async modifyOrder(id: string, marketSlug: string, change: { price?: PriceMicros; quantity?: Qty }): Promise<void> {
    const body = buildModifyOrder(marketSlug, change);
    // Absolute price/quantity: sending the same modify twice leaves the same order, so it is retry-safe.
    await this.authed('modify', 'POST', 'POST /v1/order/{id}/modify', `/v1/order/${pathSegment(id, 'order id')}/modify`, passthrough, {
      body,
      idempotent: true,
    });
  }

  /**
   * Which order requests this key still sends (domain/gateway.ts OrderFlow): the key's budget refuses the
   * others, those already waiting in its queue included (request-budget.ts `refuse`). Reads are never refused.
   */
  setOrderFlow(flow: OrderFlow): void {
    this.budget.allow(ORDER_PRIORITIES);
    if (flow === 'open') return;
    const refused: RequestPriority[] = flow === 'closed' ? ['cancel', 'modify', 'create'] : ['modify', 'create'];
    const dropped = this.budget.refuse(refused, flow === 'closed' ? 'order flow closed' : 'order flow: cancels only');
    this.logger.warn('order flow restricted', { flow, refused, droppedQueued: dropped });
  }

  async cancelAll(marketSlugs?: readonly string[]): Promise<string[]> {
    const r = await this.authed('cancelAll', 'POST', 'POST /v1/orders/open/cancel', '/v1/orders/open/cancel', CancelAllResponseSchema, {
      body: marketSlugs && marketSlugs.length ? { slugs: marketSlugs } : {},
      idempotent: true,
    });
    return r.canceledOrderIds;
  }

  async previewOrder(request: OrderRequest): Promise<PreviewResult> {
    const r = await this.authed('authenticated', 'POST', 'POST /v1/order/preview', '/v1/order/preview', OrderResponseSchema, {
      body: { request: buildCreateOrder(request) },
      idempotent: true,
    });
    return this.convert('POST /v1/order/preview', () => ({ order: toVenueOrder(r.order, this.drift) }));
  }

  /** Closes a position at market. Not idempotent: never retried after it may have been processed. */
  async closePosition(
    marketSlug: string,
    slippage?: { currentPrice: PriceMicros; bips?: number; ticks?: number },
  ): Promise<CreateOrderResult> {
    const r = await this.authed('closePosition', 'POST', 'POST /v1/order/close-position', '/v1/order/close-position', CreateOrderResponseSchema, {
      body: buildClosePosition(marketSlug, slippage),
      idempotent: false,
    });
    this.rememberOrderIds([r.id]);
    return this.convert('POST /v1/order/close-position', () => ({
      orderId: r.id,
      executions: (r.executions ?? []).map((e) => toVenueExecution(e, this.drift)),
      recovered: false,
    }));
  }

  // ---------------------------------------------------------------- batches

  /**
   * Creates orders, 20 per request (POST /v1/orders/batched; each request is one in the budget). Outcomes in
   * request order. Not atomic: a 400 fails its whole request, but accepted entries may still be rejected later
   * on the order stream. NEVER SENDS AN ORDER TWICE: after an ambiguous failure of a request, every entry of it
   * is looked for exactly as a single create is (open orders + activities); found → recovered, proven absent →
   * sent once more (together with the other absent entries), undecidable → AmbiguousOrderError for that entry.
   */
  async createOrdersBatch(requests: readonly OrderRequest[], options: CreateOrderOptions = {}): Promise<BatchCreateOutcome[]> {
    const evidence = this.recoveryEvidence(options);
    const parts = await Promise.all(chunk(requests).map((c) => this.createChunk(c, evidence, false)));
    return parts.flat();
  }

  /** The caller's ids and stream orders, read only if a recovery needs them: nothing extra on the hot path. */
  private recoveryEvidence(options: CreateOrderOptions): RecoveryEvidence {
    let callerKnown: Set<string> | null = null;
    return {
      isKnown: (id) => this.knownIds.has(id) || (callerKnown ??= new Set(options.knownOrderIds ?? [])).has(id),
      streamOrders: () => [...(options.streamOrders ?? [])],
    };
  }

  private async createChunk(requests: OrderRequest[], evidence: RecoveryEvidence, resent: boolean): Promise<BatchCreateOutcome[]> {
    const attemptStart = this.clock.now();
    const attemptOffset = this.signer?.clockOffsetMs ?? 0;
    let ids: string[];
    try {
      ids = await this.sendBatch('create', 'POST /v1/orders/batched', '/v1/orders/batched', buildBatchCreate(requests), false, BatchCreateResponseSchema, requests.length, (r) => {
        if (r.createdOrderIds.length !== requests.length) {
          throw new ResponseValidationError(`POST /v1/orders/batched: ${r.createdOrderIds.length} ids for ${requests.length} orders`, {
            status: 200,
            endpoint: 'POST /v1/orders/batched',
            issues: ['createdOrderIds length'],
          });
        }
        return r.createdOrderIds;
      });
    } catch (err) {
      if (!isAmbiguousCreateFailure(err)) return requests.map(() => ({ ok: false as const, error: err }));
      const out: BatchCreateOutcome[] = new Array(requests.length);
      const again: number[] = [];
      // One entry at a time: an order found for one entry is known before the next entry is looked for.
      for (const [i, request] of requests.entries()) {
        try {
          const next = await this.settleAmbiguousCreate('POST /v1/orders/batched', request, err, { attemptStart, attemptOffset, evidence, mayResendAgain: !resent });
          if (next.kind === 'found') out[i] = { ok: true, result: next.result };
          else again.push(i);
        } catch (e) {
          out[i] = { ok: false, error: e };
        }
      }
      if (again.length > 0) {
        const resentOutcomes = await this.createChunk(again.map((i) => requests[i] as OrderRequest), evidence, true);
        again.forEach((i, k) => (out[i] = resentOutcomes[k] as BatchCreateOutcome));
      }
      return out;
    }
    this.rememberOrderIds(ids);
    this.metrics.increment('venue.orders.created', ids.length);
    return ids.map((orderId) => ({ ok: true as const, result: { orderId, executions: [], recovered: false } }));
  }

  /**
   * Cancels orders, 20 per request (POST /v1/orders/batched/cancel). The venue ignores unknown ids and merely
   * echoes the request: the cancels' truth is the order stream. Returns the echoed ids.
   */
  async cancelOrdersBatch(orders: readonly OrderRef[]): Promise<string[]> {
    for (const o of orders) if (!o.marketSlug) throw new InvalidRequestError('cancel order: market slug required');
    const parts = await Promise.all(
      chunk(orders).map((c) =>
        this.sendBatch('cancel', 'POST /v1/orders/batched/cancel', '/v1/orders/batched/cancel', buildBatchCancel(c), true, BatchCancelResponseSchema, c.length, (r) => r.canceledOrderIds),
      ),
    );
    return parts.flat();
  }

  /**
   * Modifies orders (absolute price/quantity: retry-safe), 20 per request (POST /v1/orders/batched/modify);
   * each entry is a cancel-replace at the venue. Echo only: the truth is the order stream.
   */
  async modifyOrdersBatch(orders: readonly OrderModification[]): Promise<string[]> {
    const parts = await Promise.all(
      chunk(orders).map((c) =>
        this.sendBatch('modify', 'POST /v1/orders/batched/modify', '/v1/orders/batched/modify', buildBatchModify(c), true, BatchModifyResponseSchema, c.length, (r) => r.modifiedOrderIds),
      ),
    );
    return parts.flat();
  }

  private async sendBatch<S extends z.ZodType, T>(
    cls: EndpointClass,
    endpoint: string,
    path: string,
    body: unknown,
    idempotent: boolean,
    schema: S,
    entries: number,
    read: (r: z.infer<S>) => T,
  ): Promise<T> {
    this.metrics.increment('venue.batches', 1, { class: cls });
    this.metrics.increment('venue.batch_orders', entries, { class: cls });
    const r = await this.call({ cls, method: 'POST', endpoint, path, body, auth: true, idempotent, schema });
    return read(r);
  }

  // ---------------------------------------------------------------- portfolio and account

  async positionsPage(query: { market?: string; limit?: number; cursor?: string } = {}): Promise<PositionsPage> {
    const r = await this.authed('authenticated', 'GET', 'GET /v1/portfolio/positions', '/v1/portfolio/positions', PositionsResponseSchema, {
      query,
    });
    return this.convert('GET /v1/portfolio/positions', () => ({
      positions: toVenuePositions(r.positions, this.drift),
      nextCursor: r.nextCursor ?? null,
      eof: r.eof ?? !r.nextCursor,
    }));
  }

  /** Every position, page after page (to eof or the last cursor; a cursor loop is refused). */
  positions(query: { market?: string; limit?: number } = {}): AsyncGenerator<VenuePosition> {
    return pageThrough('GET /v1/portfolio/positions', async (cursor) => {
      const page = await this.positionsPage({ ...query, cursor });
      return { items: page.positions, nextCursor: page.nextCursor, eof: page.eof };
    });
  }

  /** Every position as one list. */
  async allPositions(query: { market?: string; limit?: number } = {}): Promise<VenuePosition[]> {
    const out: VenuePosition[] = [];
    for await (const p of this.positions(query)) out.push(p);
    return out;
  }

  async activitiesPage(query: ActivitiesQuery = {}): Promise<ActivitiesPage> {
    const r = await this.call({
      cls: 'authenticated',
      method: 'GET',
      endpoint: 'GET /v1/portfolio/activities',
      path: '/v1/portfolio/activities',
      schema: ActivitiesResponseSchema,
      auth: true,
      idempotent: true,
      query: { limit: query.limit, cursor: query.cursor, marketSlug: query.marketSlug, types: query.types, sortOrder: query.sortOrder },
    });
    return this.convert('GET /v1/portfolio/activities', () => ({
      activities: r.activities.map((a) => toVenueActivity(a, a, this.drift)),
      nextCursor: r.nextCursor ?? null,
      eof: r.eof ?? !r.nextCursor,
    }));
  }

  /** Every activity matching the query, page after page (to eof or the last cursor; a cursor loop is refused). */
  activities(query: Omit<ActivitiesQuery, 'cursor'> = {}): AsyncGenerator<VenueActivity> {
    return pageThrough('GET /v1/portfolio/activities', async (cursor) => {
      const page = await this.activitiesPage({ ...query, cursor });
      return { items: page.activities, nextCursor: page.nextCursor, eof: page.eof };
    });
  }

  async balances(): Promise<VenueBalance[]> {
    const r = await this.authed('authenticated', 'GET', 'GET /v1/account/balances', '/v1/account/balances', BalancesResponseSchema);
    return this.convert('GET /v1/account/balances', () => r.balances.map(toVenueBalance));
  }
}

/** Accepts any JSON body (cancel/modify answer with little or nothing). */
const passthrough = z.unknown();

/**
 * A create failure after which the order may exist: 5xx, timeout or network error once the request left, or
 * a 2xx whose body could not be read.
 */
export function isAmbiguousCreateFailure(err: unknown): boolean {
  if (err instanceof ServerError || err instanceof ResponseValidationError) return true;
  if (err instanceof TimeoutError || err instanceof NetworkError) return err.requestSent;
  return false;
}
