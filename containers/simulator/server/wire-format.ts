/**
 * Engine units → the venue's JSON (api/polymarket-us.md): money as Amount objects `{ value, currency }` with a
 * decimal string, timestamps as ISO-8601 strings, `qty` / `netPosition` / `lastShares` (and the other position
 * counts) as strings, enums spelled as the venue spells them. Absent optional values are omitted, never null.
 */
import type { BookLevel } from '../../../shared/domain/market.js';
import { formatMicros, type Micros } from '../../../shared/domain/money.js';
import type { VenueBalance, VenueExecution, VenueOrder, VenuePosition } from '../../../shared/domain/venue-models.js';

export interface WireAmount {
  value: string;
  currency: 'USD';
}

export function amount(micros: Micros): WireAmount {
  return { value: formatMicros(micros), currency: 'USD' };
}

export function optAmount(micros: Micros | null | undefined): WireAmount | undefined {
  return micros === null || micros === undefined ? undefined : amount(micros);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function optIso(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : iso(ms);
}

/** Drops keys whose value is undefined, so optional fields are absent rather than null. */
function compact<T extends Record<string, unknown>>(obj: T): T {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}

export function orderToWire(o: VenueOrder, extra: { insertTime?: number | null; marketMetadata?: unknown } = {}): Record<string, unknown> {
  return compact({
    id: o.id,
    marketSlug: o.marketSlug,
    side: o.side,
    type: o.type,
    price: optAmount(o.price),
    quantity: o.quantity,
    cumQuantity: o.cumQuantity,
    leavesQuantity: o.leavesQuantity,
    tif: o.tif,
    goodTillTime: optIso(o.goodTillTime),
    intent: o.intent,
    state: o.state,
    avgPx: optAmount(o.avgPx),
    createTime: optIso(o.createTime),
    insertTime: optIso(extra.insertTime ?? o.createTime),
    commissionsBasisPoints: o.commissionsBasisPoints ?? undefined,
    makerCommissionsBasisPoints: o.makerCommissionsBasisPoints ?? undefined,
    marketMetadata: extra.marketMetadata,
  });
}

export function executionToWire(e: VenueExecution): Record<string, unknown> {
  return compact({
    id: e.id,
    order: orderToWire(e.order),
    lastShares: e.lastShares === null ? undefined : String(e.lastShares),
    lastPx: optAmount(e.lastPx),
    type: e.type,
    text: e.text ?? undefined,
    orderRejectReason: e.orderRejectReason ?? undefined,
    transactTime: optIso(e.transactTime),
    tradeId: e.tradeId ?? undefined,
    aggressor: e.aggressor ?? undefined,
    commissionNotionalCollected: optAmount(e.commissionNotionalCollected),
  });
}

export function positionToWire(p: VenuePosition): Record<string, unknown> {
  return compact({
    netPosition: String(p.netPosition),
    qtyBought: String(p.qtyBought),
    qtySold: String(p.qtySold),
    cost: amount(p.cost),
    realized: amount(p.realized),
    bodPosition: String(p.bodPosition),
    expired: p.expired,
    updateTime: optIso(p.updateTime),
    cashValue: optAmount(p.cashValue),
    qtyAvailable: p.qtyAvailable === null ? undefined : String(p.qtyAvailable),
  });
}

export function balanceToWire(b: VenueBalance): Record<string, unknown> {
  return compact({
    currentBalance: amount(b.currentBalance),
    currency: b.currency,
    buyingPower: amount(b.buyingPower),
    openOrders: optAmount(b.openOrders),
  });
}

export function levelsToWire(levels: readonly BookLevel[]): { px: WireAmount; qty: string }[] {
  return levels.map((l) => ({ px: amount(l.price), qty: String(l.qty) }));
}
