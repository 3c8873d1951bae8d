/**
 * Combos, RFQs and incentives (docs/venue-rules.md, "Authenticated REST"): combos and RFQs are an allowlisted beta
 * the simulated account is not on, and the simulator runs no incentive programme. Their reads answer the empty
 * shape of the contract; their writes are refused with 403 `{ message }`.
 */
import { HttpError } from './http-io.js';
import type { HttpMethod, Route } from './routes.js';

function empty(template: string, body: (accountId: string) => Record<string, unknown>): Route {
  return { method: 'GET', template, auth: true, handle: (ctx) => ({ body: body(ctx.accountId) }) };
}

function refused(method: HttpMethod, template: string): Route {
  return {
    method,
    template,
    auth: true,
    handle() {
      throw new HttpError(403, 'combos and RFQs are an allowlisted beta; this account is not allowlisted');
    },
  };
}

export const betaRoutes: Route[] = [
  {
    method: 'GET',
    template: '/v1/combos',
    auth: true,
    handle(ctx) {
      if (!ctx.url.searchParams.get('symbol')) throw new HttpError(400, 'query parameter symbol is required');
      return { body: { combos: [] } };
    },
  },
  refused('POST', '/v1/combos'),
  empty('/v1/rfqs', () => ({ rfqs: [] })),
  refused('POST', '/v1/rfqs'),
  empty('/v1/rfqs/quotes', () => ({ quotes: [] })),
  refused('POST', '/v1/rfqs/quotes'),
  empty('/v1/rfqs/trades', () => ({ trades: [] })),
  empty('/v1/rfqs/user-id', (accountId) => ({ rfqUserId: `rfq-${accountId}` })),
  refused('DELETE', '/v1/rfqs/{rfqId}'),
  refused('DELETE', '/v1/rfqs/{rfqId}/quotes/{quoteId}'),
  refused('PUT', '/v1/rfqs/{rfqId}/quotes/{quoteId}/accept'),
  refused('PUT', '/v1/rfqs/{rfqId}/quotes/{quoteId}/confirm'),
  empty('/v1/incentives', () => ({ programs: [] })),
  empty('/v1/incentives/earnings', () => ({ rewards: [] })),
];
