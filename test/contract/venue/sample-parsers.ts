/**
 * The venue contract's samples (shared/venue/contract/samples/*.json) and, per contract definition, the
 * client parser that reads it: REST bodies through their zod schema + converter, socket frames through
 * parseVenueMessage. Shared by the sample contract test and the sample fuzz test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type * as z from 'zod';
import {
  ActivitiesResponseSchema,
  BalancesResponseSchema,
  BboSchema,
  BookSchema,
  CreateOrderResponseSchema,
  ExecutionSchema,
  MarketResponseSchema,
  OpenOrdersResponseSchema,
  OrderSchema,
  PositionsResponseSchema,
  SettlementSchema,
  toBbo,
  toBookSnapshot,
  toCatalogueMarket,
  toSettlement,
  toVenueActivity,
  toVenueBalance,
  toVenueExecution,
  toVenueOrder,
  toVenuePositions,
} from '../../../shared/venue/wire.js';
import type { WireDrift } from '../../../shared/venue/wire-drift.js';
import { parseVenueMessage, type ParsedMessage } from '../../../shared/venue/ws-messages.js';

export interface Sample {
  file: string;
  index: number;
  def: string;
  expect: boolean;
  doc: unknown;
}

const SAMPLES_DIR = new URL('../../../shared/venue/contract/samples/', import.meta.url);

export function loadSamples(): Sample[] {
  const out: Sample[] = [];
  for (const file of readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const list = JSON.parse(readFileSync(new URL(file, SAMPLES_DIR), 'utf8')) as { def: string; expect: boolean; doc: unknown }[];
    list.forEach((s, index) => out.push({ file, index, ...s }));
  }
  return out;
}

/** What a parser made of a document: a domain value, or a refusal (never an exception). */
export type Outcome = { ok: true; value: unknown } | { ok: false; reason: string };

function rest<S extends z.ZodType>(schema: S, convert: (parsed: z.infer<S>, drift: WireDrift) => unknown) {
  return (doc: unknown, drift: WireDrift): Outcome => {
    const parsed = schema.safeParse(doc);
    if (!parsed.success) return { ok: false, reason: `schema: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}` };
    try {
      return { ok: true, value: convert(parsed.data, drift) };
    } catch (err) {
      // The REST client turns exactly these into ResponseValidationError.
      return { ok: false, reason: `convert: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
}

function frame(doc: unknown, drift: WireDrift): Outcome {
  const r: ParsedMessage = parseVenueMessage(JSON.stringify(doc), 1, drift);
  if (r.kind === 'malformed') return { ok: false, reason: r.reason };
  if (r.kind === 'unknown') return { ok: false, reason: `unknown frame key ${r.key}` };
  return { ok: true, value: r };
}

/** The client's parser for each contract definition it covers (requests the client only sends are absent). */
export const PARSERS: Readonly<Record<string, (doc: unknown, drift: WireDrift) => Outcome>> = {
  GetMarketBookResponse: rest(BookSchema, (b, d) => toBookSnapshot(b, d)),
  GetMarketBBOResponse: rest(BboSchema, (b) => toBbo(b)),
  BBO: rest(BboSchema, (b) => toBbo(b)),
  GetMarketSettlementResponse: rest(SettlementSchema, (s) => toSettlement(s)),
  GetMarketBySlugResponse: rest(MarketResponseSchema, (r, d) => toCatalogueMarket(r.market, undefined, d)),
  CreateOrderResponse: rest(CreateOrderResponseSchema, (r, d) => ({ id: r.id, executions: (r.executions ?? []).map((e) => toVenueExecution(e, d)) })),
  Order: rest(OrderSchema, (o, d) => toVenueOrder(o, d)),
  Execution: rest(ExecutionSchema, (e, d) => toVenueExecution(e, d)),
  GetOpenOrdersResponse: rest(OpenOrdersResponseSchema, (r, d) => r.orders.map((o) => toVenueOrder(o, d))),
  GetUserPositionsResponse: rest(PositionsResponseSchema, (r, d) => toVenuePositions(r.positions, d)),
  GetAccountBalancesResponse: rest(BalancesResponseSchema, (r) => r.balances.map(toVenueBalance)),
  GetActivitiesResponse: rest(ActivitiesResponseSchema, (r, d) => r.activities.map((a) => toVenueActivity(a, a, d))),
  orderSubscriptionSnapshot: frame,
  orderSubscriptionUpdate: frame,
  positionSubscription: frame,
  accountBalancesSnapshot: frame,
  accountBalancesUpdate: frame,
  marketData: frame,
  marketDataLite: frame,
  trade: frame,
  WsMarketsServerFrame: frame,
  WsPrivateServerFrame: frame,
  heartbeat: frame,
  error: frame,
  rfqEvent: frame,
};

/** Definitions the client only ever sends (requests): no parser, by design. */
export const SENT_ONLY = new Set(['subscribe', 'WsClientFrame', 'CreateOrderRequest', 'CreateOrderListRequest', 'CancelOrderListRequest']);
