/**
 * The batch endpoints' wire shapes (docs/venue-rules.md, "Batches"): up to 20 entries per request; the gateway
 * validates a batch as a whole (one bad entry → 400 for all), the exchange then handles each entry on its
 * own — not atomic. `createdOrderIds` are real ids in request order; `canceledOrderIds`/`modifiedOrderIds`
 * merely echo the request: the truth of a cancel or modify is the order stream.
 */
import type { Qty } from '../domain/quantity.js';
import * as z from 'zod';
import type { PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import { MAX_BATCH_ORDERS } from '../domain/venue-rate-limits.js';
import { buildCreateOrder, buildModifyOrder, type WireCreateOrder, type WireModifyOrder } from './wire-requests.js';

export const BatchCreateResponseSchema = z.object({ createdOrderIds: z.array(z.string().min(1)) });
export const BatchCancelResponseSchema = z.object({ canceledOrderIds: z.array(z.string()).optional().default([]) });
export const BatchModifyResponseSchema = z.object({ modifiedOrderIds: z.array(z.string()).optional().default([]) });

export interface OrderRef {
  orderId: string;
  marketSlug: string;
}

export interface OrderModification extends OrderRef {
  change: { price?: PriceMicros; quantity?: Qty };
}

export function buildBatchCreate(requests: readonly OrderRequest[]): { orders: WireCreateOrder[] } {
  return { orders: requests.map(buildCreateOrder) };
}

export function buildBatchCancel(refs: readonly OrderRef[]): { orders: OrderRef[] } {
  return { orders: refs.map((r) => ({ orderId: r.orderId, marketSlug: r.marketSlug })) };
}

export function buildBatchModify(mods: readonly OrderModification[]): { orders: (WireModifyOrder & { orderId: string })[] } {
  return { orders: mods.map((m) => ({ orderId: m.orderId, ...buildModifyOrder(m.marketSlug, m.change) })) };
}

/** Splits into requests of at most `size` entries (the venue's 20), order kept. */
export function chunk<T>(items: readonly T[], size: number = MAX_BATCH_ORDERS): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
