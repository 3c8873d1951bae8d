/**
 * The batch endpoints (docs/venue-rules.md, "Authenticated REST", "Batches"): POST /v1/orders/batched,
 * /v1/orders/batched/cancel and /v1/orders/batched/modify, 1 to 20 entries. The gateway's shape validation is
 * atomic (one bad entry, or more than 20, refuses the whole batch with 400); then every entry is handled on its
 * own, not atomically: a create the engine refuses is still given an order id and rejected on the order stream,
 * unknown order ids are ignored, a refused modify is rejected on the stream. `canceledOrderIds` and
 * `modifiedOrderIds` merely echo the request; the order stream is the truth. A batch counts as
 * `batchRequestCost` requests against the key's rate limit (a server option, default 1: the venue's accounting
 * of batches is unconfirmed). The batch create is subject to the ambiguous-create fault like a single create: the
 * whole batch commits, then its one answer is lost (reset, held past the client's timeout, or a 5xx).
 */
import { ExchangeRequestError } from '../exchange/errors.js';
import { modify, parseBody, submit, toSubmitRequest } from './private-routes.js';
import { cancelOrderListSchema, createOrderListSchema, modifyOrderListSchema } from './request-schemas.js';
import type { Route } from './routes.js';
import { rejectReasonToWire } from './wire-format.js';

/** Runs one entry; an ExchangeRequestError is handed to `refused` (the other entries go on). */
function each<T>(entries: readonly T[], run: (entry: T) => void, refused: (entry: T, err: ExchangeRequestError) => void): void {
  for (const entry of entries) {
    try {
      run(entry);
    } catch (err) {
      if (!(err instanceof ExchangeRequestError)) throw err;
      refused(entry, err);
    }
  }
}

export const batchRoutes: Route[] = [
  {
    method: 'POST',
    template: '/v1/orders/batched',
    auth: true,
    batch: true,
    // The venue's ambiguity is per request: a batch of creates can commit and then lose its answer too.
    ambiguousCreate: true,
    async handle(ctx) {
      const body = await parseBody(ctx, createOrderListSchema);
      const createdOrderIds: string[] = [];
      each(
        body.orders.map(toSubmitRequest),
        (req) => createdOrderIds.push(submit(ctx, req).order.id),
        (req, err) => createdOrderIds.push(ctx.rejected.rejectCreate(ctx.accountId, req, err.message, rejectReasonToWire(err.code)).order.id),
      );
      return { body: { createdOrderIds }, committed: true };
    },
  },
  {
    method: 'POST',
    template: '/v1/orders/batched/cancel',
    auth: true,
    batch: true,
    async handle(ctx) {
      const body = await parseBody(ctx, cancelOrderListSchema);
      each(
        body.orders,
        (o) => ctx.exchange.cancelOrder(ctx.accountId, o.orderId, o.marketSlug),
        () => undefined, // unknown, foreign or finished orders: ignored, as the venue does
      );
      return { body: { canceledOrderIds: body.orders.map((o) => o.orderId) }, committed: true };
    },
  },
  {
    method: 'POST',
    template: '/v1/orders/batched/modify',
    auth: true,
    batch: true,
    async handle(ctx) {
      const body = await parseBody(ctx, modifyOrderListSchema);
      each(
        body.orders,
        (o) => modify(ctx, o.orderId, o),
        (o, err) => {
          if (err.status === 404) return; // unknown order ids are ignored
          const order = ctx.exchange.openOrders(ctx.accountId).find((x) => x.id === o.orderId);
          if (order) ctx.rejected.rejectModify(ctx.accountId, order, err.message);
        },
      );
      return { body: { modifiedOrderIds: body.orders.map((o) => o.orderId) }, committed: true };
    },
  },
];
