/**
 * Authenticated REST routes: orders, portfolio and account (api/polymarket-us.md, "REST endpoints",
 * authenticated table). Bodies are validated with zod (400 `{ message }` on anything malformed); the
 * engine's ExchangeRequestError maps to its status; each route names its rate-limit class.
 */
import type { z } from 'zod';
import type { SubmitOrderRequest, SortOrder } from '../exchange/types.js';
import { HttpError, queryInt, queryList } from './http-io.js';
import { activityToWire } from './market-wire.js';
import {
  cancelAllSchema,
  cancelOrderSchema,
  closePositionSchema,
  createOrderSchema,
  describeIssues,
  modifyOrderSchema,
  previewOrderSchema,
  type CreateOrderBody,
} from './request-schemas.js';
import { path, type Route, type RouteContext } from './routes.js';
import { balanceToWire, executionToWire, orderToWire, positionToWire } from './wire-format.js';

async function parseBody<S extends z.ZodType>(ctx: RouteContext, schema: S): Promise<z.infer<S>> {
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
    pattern: path('/v1/orders'),
    auth: true,
    limitClass: 'create',
    ambiguousCreate: true,
    async handle(ctx) {
      const body = await parseBody(ctx, createOrderSchema);
      const result = ctx.exchange.submitOrder(ctx.accountId, toSubmitRequest(body));
      return { body: { id: result.order.id, executions: result.executions.map(executionToWire) }, committed: true };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/orders/open'),
    auth: true,
    limitClass: 'openOrders',
    handle(ctx) {
      const slugs = queryList(ctx.url, 'slugs');
      const orders = ctx.exchange.openOrders(ctx.accountId, slugs.length > 0 ? slugs : undefined);
      return { body: { orders: orders.map((o) => orderToWire(o)) } };
    },
  },
  {
    method: 'POST',
    pattern: path('/v1/orders/open/cancel'),
    auth: true,
    limitClass: 'cancelAll',
    async handle(ctx) {
      const body = await parseBody(ctx, cancelAllSchema);
      const ids = ctx.exchange.cancelAll(ctx.accountId, body.slugs && body.slugs.length > 0 ? body.slugs : undefined);
      return { body: { canceledOrderIds: ids }, committed: true };
    },
  },
  {
    method: 'POST',
    pattern: path('/v1/order/preview'),
    auth: true,
    limitClass: 'otherPrivate',
    async handle(ctx) {
      const body = await parseBody(ctx, previewOrderSchema);
      return { body: { order: orderToWire(ctx.exchange.previewOrder(ctx.accountId, toSubmitRequest(body.request))) } };
    },
  },
  {
    method: 'POST',
    pattern: path('/v1/order/close-position'),
    auth: true,
    limitClass: 'closePosition',
    async handle(ctx) {
      const body = await parseBody(ctx, closePositionSchema);
      const result = ctx.exchange.closePosition(ctx.accountId, body.marketSlug);
      return { body: { id: result.order.id, executions: result.executions.map(executionToWire) }, committed: true };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/order/{id}'),
    auth: true,
    limitClass: 'getOrder',
    handle(ctx) {
      return { body: { order: orderToWire(ctx.exchange.getOrder(ctx.accountId, ctx.params[0]!)) } };
    },
  },
  {
    method: 'POST',
    pattern: path('/v1/order/{id}/cancel'),
    auth: true,
    limitClass: 'cancel',
    async handle(ctx) {
      const body = await parseBody(ctx, cancelOrderSchema);
      ctx.exchange.cancelOrder(ctx.accountId, ctx.params[0]!, body.marketSlug);
      return { body: {}, committed: true };
    },
  },
  {
    method: 'POST',
    pattern: path('/v1/order/{id}/modify'),
    auth: true,
    limitClass: 'modify',
    async handle(ctx) {
      const body = await parseBody(ctx, modifyOrderSchema);
      ctx.exchange.modifyOrder(ctx.accountId, ctx.params[0]!, {
        marketSlug: body.marketSlug,
        price: body.price,
        quantity: body.quantity,
        tif: body.tif,
        participateDontInitiate: body.participateDontInitiate,
        goodTillTime: body.goodTillTime,
      });
      return { body: {}, committed: true };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/portfolio/positions'),
    auth: true,
    limitClass: 'otherPrivate',
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
      for (const s of pageSlugs) positions[s] = positionToWire(all[s]!);
      const more = slugs.length > limit;
      return { body: more ? { positions, nextCursor: encodeCursor(pageSlugs[pageSlugs.length - 1]!), eof: false } : { positions, eof: true } };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/portfolio/activities'),
    auth: true,
    limitClass: 'otherPrivate',
    handle(ctx) {
      const { url } = ctx;
      const sortOrder = url.searchParams.get('sortOrder') ?? undefined;
      if (sortOrder !== undefined && !(SORT_ORDERS as readonly string[]).includes(sortOrder)) {
        throw new HttpError(400, `sortOrder must be one of ${SORT_ORDERS.join(', ')}`);
      }
      const page = ctx.exchange.activities(ctx.accountId, {
        limit: queryInt(url, 'limit', { min: 1, max: 1000 }),
        cursor: url.searchParams.get('cursor'),
        marketSlug: url.searchParams.get('marketSlug'),
        types: queryList(url, 'types'),
        sortOrder: sortOrder as SortOrder | undefined,
      });
      const body: Record<string, unknown> = { activities: page.activities.map(activityToWire), eof: page.eof };
      if (page.nextCursor) body.nextCursor = page.nextCursor;
      return { body };
    },
  },
  {
    method: 'GET',
    pattern: path('/v1/account/balances'),
    auth: true,
    limitClass: 'otherPrivate',
    handle(ctx) {
      return { body: { balances: [balanceToWire(ctx.exchange.balance(ctx.accountId))] } };
    },
  },
];
