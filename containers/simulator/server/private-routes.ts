/**
 * Authenticated REST routes: orders, portfolio and account (docs/venue-rules.md, "Authenticated REST"). Bodies
 * are validated with zod (400 `{ message }` on anything malformed); the engine's ExchangeRequestError maps to its
 * status. While the latency stopgap is on, creates, close-position orders and modifies are rejected on the order
 * stream (./rejected-orders.ts); cancels never are. The batch endpoints are in ./batch-routes.ts.
 */
import type { z } from 'zod';
import type { VenueOrder } from '../../../shared/domain/venue-models.js';
import { badRequest } from '../exchange/errors.js';
import type { OrderResult, SortOrder, SubmitOrderRequest } from '../exchange/types.js';
import { HttpError, queryInt, queryList } from './http-io.js';
import { activityToWire, engineActivityTypes, WIRE_ACTIVITY_TYPE } from './market-wire.js';
import {
  cancelAllSchema,
  cancelOrderSchema,
  closePositionSchema,
  createOrderSchema,
  describeIssues,
  modifyOrderSchema,
  previewOrderSchema,
  type CreateOrderBody,
  type ModifyOrderBody,
} from './request-schemas.js';
import type { Route, RouteContext } from './routes.js';
import { balanceToWire, executionToWire, orderToWire, positionToWire } from './wire-format.js';

export async function parseBody<S extends z.ZodType>(ctx: RouteContext, schema: S): Promise<z.infer<S>> {
  const raw = await ctx.body();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, 'request body must be a JSON object');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
  return parsed.data;
}

export function toSubmitRequest(b: CreateOrderBody): SubmitOrderRequest {
  return {
    marketSlug: b.marketSlug,
    intent: b.intent,
    type: b.type,
    price: b.price,
    quantity: b.quantity,
    tif: b.tif,
    participateDontInitiate: b.participateDontInitiate,
    goodTillTime: b.goodTillTime,
    cashOrderQty: b.cashOrderQty,
  };
}

/** A create: rejected under the latency stopgap (for a listed market), else the engine's answer. */
export function submit(ctx: RouteContext, req: SubmitOrderRequest): OrderResult {
  if (ctx.rejected.stopgapActive && ctx.exchange.getMarket(req.marketSlug)) return ctx.rejected.rejectCreate(ctx.accountId, req);
  return ctx.exchange.submitOrder(ctx.accountId, req);
}

/** A modify (cancel-replace): under the latency stopgap the replace is rejected on the stream. */
export function modify(ctx: RouteContext, orderId: string, body: ModifyOrderBody): void {
  if (ctx.rejected.stopgapActive) {
    const order = ctx.exchange.getOrder(ctx.accountId, orderId);
    if (order.marketSlug !== body.marketSlug) throw badRequest('MARKET_MISMATCH', `order ${orderId} is not in market ${body.marketSlug}`);
    ctx.rejected.rejectModify(ctx.accountId, order);
    return;
  }
  ctx.exchange.modifyOrder(ctx.accountId, orderId, {
    marketSlug: body.marketSlug,
    price: body.price,
    quantity: body.quantity,
    tif: body.tif,
    participateDontInitiate: body.participateDontInitiate,
    goodTillTime: body.goodTillTime,
  });
}

function orderAnswer(ctx: RouteContext, result: OrderResult): { id: string; executions: Record<string, unknown>[] } {
  return { id: result.order.id, executions: result.executions.map((e) => executionToWire(e, ctx.metadataOf)) };
}

const SORT_ORDERS: readonly SortOrder[] = ['SORT_ORDER_ASCENDING', 'SORT_ORDER_DESCENDING'];

function encodeCursor(slug: string): string {
  return Buffer.from(`p:${slug}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith('p:')) throw new HttpError(400, 'invalid cursor');
  return text.slice(2);
}

export const privateRoutes: Route[] = [
  {
    method: 'POST',
    template: '/v1/orders',
    auth: true,
    ambiguousCreate: true,
    async handle(ctx) {
      const body = await parseBody(ctx, createOrderSchema);
      return { body: orderAnswer(ctx, submit(ctx, toSubmitRequest(body))), committed: true };
    },
  },
  {
    method: 'GET',
    template: '/v1/orders/open',
    auth: true,
    handle(ctx) {
      const slugs = queryList(ctx.url, 'slugs');
      const orders = ctx.exchange.openOrders(ctx.accountId, slugs.length > 0 ? slugs : undefined);
      return { body: { orders: orders.map((o) => orderToWire(o, ctx.metadataOf)) } };
    },
  },
  {
    method: 'POST',
    template: '/v1/orders/open/cancel',
    auth: true,
    async handle(ctx) {
      const body = await parseBody(ctx, cancelAllSchema);
      const ids = ctx.exchange.cancelAll(ctx.accountId, body.slugs && body.slugs.length > 0 ? body.slugs : undefined);
      return { body: { canceledOrderIds: ids }, committed: true };
    },
  },
  {
    method: 'POST',
    template: '/v1/order/preview',
    auth: true,
    async handle(ctx) {
      const body = await parseBody(ctx, previewOrderSchema);
      return { body: { order: orderToWire(ctx.exchange.previewOrder(ctx.accountId, toSubmitRequest(body.request)), ctx.metadataOf) } };
    },
  },
  {
    method: 'POST',
    template: '/v1/order/close-position',
    auth: true,
    async handle(ctx) {
      const body = await parseBody(ctx, closePositionSchema);
      if (ctx.rejected.stopgapActive && ctx.exchange.getMarket(body.marketSlug)) {
        const held = ctx.exchange.positions(ctx.accountId)[body.marketSlug]?.netPosition ?? 0;
        const result = ctx.rejected.rejectCreate(ctx.accountId, {
          marketSlug: body.marketSlug,
          intent: held < 0 ? 'ORDER_INTENT_SELL_SHORT' : 'ORDER_INTENT_SELL_LONG',
          type: 'ORDER_TYPE_MARKET',
          quantity: Math.abs(held),
          tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL',
        });
        return { body: orderAnswer(ctx, result), committed: true };
      }
      return { body: orderAnswer(ctx, ctx.exchange.closePosition(ctx.accountId, body.marketSlug)), committed: true };
    },
  },
  {
    method: 'GET',
    template: '/v1/order/{orderId}',
    auth: true,
    handle(ctx) {
      const id = ctx.params[0]!;
      const order: VenueOrder = ctx.rejected.getOrder(ctx.accountId, id) ?? ctx.exchange.getOrder(ctx.accountId, id);
      return { body: { order: orderToWire(order, ctx.metadataOf) } };
    },
  },
  {
    method: 'POST',
    template: '/v1/order/{orderId}/cancel',
    auth: true,
    async handle(ctx) {
      const body = await parseBody(ctx, cancelOrderSchema);
      ctx.exchange.cancelOrder(ctx.accountId, ctx.params[0]!, body.marketSlug);
      return { body: {}, committed: true };
    },
  },
  {
    method: 'POST',
    template: '/v1/order/{orderId}/modify',
    auth: true,
    async handle(ctx) {
      const body = await parseBody(ctx, modifyOrderSchema);
      modify(ctx, ctx.params[0]!, body);
      return { body: {}, committed: true };
    },
  },
  {
    method: 'GET',
    template: '/v1/portfolio/positions',
    auth: true,
    handle(ctx) {
      const { url } = ctx;
      const limit = queryInt(url, 'limit', { min: 1, max: 1000 }) ?? 100;
      const cursor = url.searchParams.get('cursor');
      const after = cursor ? decodeCursor(cursor) : null;
      const market = url.searchParams.get('market') ?? url.searchParams.get('marketSlug');
      const all = ctx.exchange.positions(ctx.accountId);
      const slugs = Object.keys(all)
        .filter((s) => !market || s === market)
        .sort()
        .filter((s) => after === null || s > after);
      const pageSlugs = slugs.slice(0, limit);
      const positions: Record<string, unknown> = {};
      for (const s of pageSlugs) positions[s] = positionToWire(all[s]!, { metadataOf: ctx.metadataOf, deprecatedCounts: ctx.legacyWire });
      const more = slugs.length > limit;
      return { body: more ? { positions, nextCursor: encodeCursor(pageSlugs[pageSlugs.length - 1]!), eof: false } : { positions, eof: true } };
    },
  },
  {
    method: 'GET',
    template: '/v1/portfolio/activities',
    auth: true,
    handle(ctx) {
      const { url } = ctx;
      const sortOrder = url.searchParams.get('sortOrder') ?? undefined;
      if (sortOrder !== undefined && !(SORT_ORDERS as readonly string[]).includes(sortOrder)) {
        throw new HttpError(400, `sortOrder must be one of ${SORT_ORDERS.join(', ')}`);
      }
      const wireTypes = queryList(url, 'types');
      const known = new Set(['ACTIVITY_TYPE_ACCOUNT_ADVANCED_DEPOSIT', 'ACTIVITY_TYPE_ACCOUNT_WITHDRAWAL', 'ACTIVITY_TYPE_REFERRAL_BONUS',
        'ACTIVITY_TYPE_TRANSFER', 'ACTIVITY_TYPE_TAKER_FEE_REBATE', 'ACTIVITY_TYPE_LIQUIDITY_PROGRAM', ...Object.values(WIRE_ACTIVITY_TYPE)]);
      const unknown = wireTypes.find((t) => !known.has(t));
      if (unknown !== undefined) throw new HttpError(400, `types: unknown activity type ${unknown.slice(0, 60)}`);
      const engineTypes = engineActivityTypes(wireTypes);
      if (engineTypes.length === 0) return { body: { activities: [], eof: true } };
      const page = ctx.exchange.activities(ctx.accountId, {
        limit: queryInt(url, 'limit', { min: 1, max: 1000 }),
        cursor: url.searchParams.get('cursor'),
        marketSlug: url.searchParams.get('marketSlug'),
        types: engineTypes,
        sortOrder: sortOrder as SortOrder | undefined,
      });
      const body: Record<string, unknown> = { activities: page.activities.map(activityToWire), eof: page.eof };
      if (page.nextCursor) body.nextCursor = page.nextCursor;
      return { body };
    },
  },
  {
    method: 'GET',
    template: '/v1/account/balances',
    auth: true,
    handle(ctx) {
      return { body: { balances: [balanceToWire(ctx.exchange.balance(ctx.accountId), ctx.now())] } };
    },
  },
];
