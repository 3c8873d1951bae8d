/**
 * Engine units → the venue's JSON for the private objects (docs/venue-rules.md, "Values, enums, identifiers"
 * and "Authenticated REST"): money as Amount objects `{ value, currency }` with a decimal string, balances as
 * JSON numbers, order quantities as numbers, `lastShares` / book `qty` / the positions' `…Decimal` counts as
 * decimal strings, commissions in basis points as strings, times as ISO-8601 strings, enums spelled as the venue
 * spells them. Absent optional values are omitted, never null.
 */
import { ONE_CONTRACT, formatQuantity, quantityToWire, roundToStep, type Qty } from '../../../shared/domain/quantity.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import { formatMicros, type Micros } from '../../../shared/domain/money.js';
import type { OrderIntent } from '../../../shared/domain/venue-enums.js';
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

/**
 * Micros as the JSON number the contract wants for balances and market numbers. Exact at the edge: the
 * decimal string is parsed into the nearest double, which JSON prints back as the same short decimal.
 */
export function usdNumber(micros: Micros): number {
  return Number(formatMicros(micros));
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function optIso(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : iso(ms);
}

/** Drops keys whose value is undefined, so optional fields are absent rather than null. */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}

/** `marketMetadata` of orders and positions: which market (slug, title, outcome, event) an object is about. */
export interface WireMarketMetadata {
  slug: string;
  title: string;
  outcome: string;
  eventSlug: string;
  icon?: string;
}

/** Looks up a market's metadata by slug (undefined for an unknown slug). */
export type MetadataOf = (slug: string) => WireMarketMetadata | undefined;

const INTENT_PARTS: Readonly<Record<OrderIntent, { outcomeSide: string; action: string }>> = {
  ORDER_INTENT_BUY_LONG: { outcomeSide: 'OUTCOME_SIDE_YES', action: 'ORDER_ACTION_BUY' },
  ORDER_INTENT_SELL_LONG: { outcomeSide: 'OUTCOME_SIDE_YES', action: 'ORDER_ACTION_SELL' },
  ORDER_INTENT_BUY_SHORT: { outcomeSide: 'OUTCOME_SIDE_NO', action: 'ORDER_ACTION_BUY' },
  ORDER_INTENT_SELL_SHORT: { outcomeSide: 'OUTCOME_SIDE_NO', action: 'ORDER_ACTION_SELL' },
};

function bps(n: number | null | undefined): string | undefined {
  return n === null || n === undefined ? undefined : String(n);
}

export function orderToWire(o: VenueOrder, metadataOf?: MetadataOf): Record<string, unknown> {
  const parts = INTENT_PARTS[o.intent];
  return compact({
    id: o.id,
    marketSlug: o.marketSlug,
    side: o.side,
    type: o.type,
    price: optAmount(o.price),
    quantity: quantityToWire(o.quantity),
    cumQuantity: quantityToWire(o.cumQuantity),
    leavesQuantity: quantityToWire(o.leavesQuantity),
    tif: o.tif,
    goodTillTime: optIso(o.goodTillTime),
    intent: o.intent,
    outcomeSide: parts?.outcomeSide,
    action: parts?.action,
    state: o.state,
    avgPx: optAmount(o.avgPx),
    createTime: optIso(o.createTime),
    insertTime: optIso(o.createTime),
    commissionsBasisPoints: bps(o.commissionsBasisPoints),
    makerCommissionsBasisPoints: bps(o.makerCommissionsBasisPoints),
    marketMetadata: metadataOf?.(o.marketSlug),
  });
}

/** The contract's OrdRejectReason values; the engine's own reasons map onto them (detail stays in `text`). */
const WIRE_REJECT_REASONS = new Set([
  'ORD_REJECT_REASON_EXCHANGE_OPTION',
  'ORD_REJECT_REASON_UNKNOWN_MARKET',
  'ORD_REJECT_REASON_EXCHANGE_CLOSED',
  'ORD_REJECT_REASON_INCORRECT_QUANTITY',
  'ORD_REJECT_REASON_INVALID_PRICE_INCREMENT',
  'ORD_REJECT_REASON_INCORRECT_ORDER_TYPE',
  'ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS',
  'ORD_REJECT_REASON_NO_LIQUIDITY',
]);
const ENGINE_REJECT_REASONS: Readonly<Record<string, string>> = {
  MARKET_NOT_OPEN: 'ORD_REJECT_REASON_EXCHANGE_CLOSED',
  INVALID_PRICE_INCREMENT: 'ORD_REJECT_REASON_INVALID_PRICE_INCREMENT',
  PRICE_OUT_OF_BOUNDS: 'ORD_REJECT_REASON_PRICE_OUT_OF_BOUNDS',
  INVALID_QUANTITY: 'ORD_REJECT_REASON_INCORRECT_QUANTITY',
  UNKNOWN_MARKET: 'ORD_REJECT_REASON_UNKNOWN_MARKET',
  NO_LIQUIDITY: 'ORD_REJECT_REASON_NO_LIQUIDITY',
};

export function rejectReasonToWire(reason: string | null | undefined): string | undefined {
  if (reason === null || reason === undefined) return undefined;
  if (WIRE_REJECT_REASONS.has(reason)) return reason;
  return ENGINE_REJECT_REASONS[reason] ?? 'ORD_REJECT_REASON_EXCHANGE_OPTION';
}

export function executionToWire(e: VenueExecution, metadataOf?: MetadataOf): Record<string, unknown> {
  const unsolicited = (e as VenueExecution & { unsolicitedCancelReason?: string | null }).unsolicitedCancelReason;
  return compact({
    id: e.id,
    order: orderToWire(e.order, metadataOf),
    lastShares: e.lastShares === null ? undefined : formatQuantity(e.lastShares),
    lastPx: optAmount(e.lastPx),
    type: e.type,
    text: e.text ?? undefined,
    orderRejectReason: rejectReasonToWire(e.orderRejectReason),
    transactTime: optIso(e.transactTime),
    tradeId: e.tradeId ?? undefined,
    aggressor: e.aggressor ?? undefined,
    commissionNotionalCollected: optAmount(e.commissionNotionalCollected),
    unsolicitedCancelReason: unsolicited ?? undefined,
  });
}

export interface PositionWireOptions {
  metadataOf?: MetadataOf;
  /**
   * Also send the rounded int64-as-string counts the contract marks deprecated (netPosition, qtyBought,
   * qtySold, bodPosition, qtyAvailable). Off by default, so a client that still reads them fails its tests.
   */
  deprecatedCounts?: boolean;
}

/** The deprecated rounded int64-as-string count of a quantity (toward zero, whole contracts). */
function wholeCount(q: Qty): string {
  return formatQuantity(roundToStep(q, ONE_CONTRACT, 'toward_zero'));
}

export function positionToWire(p: VenuePosition, opts: PositionWireOptions = {}): Record<string, unknown> {
  const legacy = opts.deprecatedCounts === true;
  return compact({
    netPosition: legacy ? wholeCount(p.netPosition) : undefined,
    qtyBought: legacy ? wholeCount(p.qtyBought) : undefined,
    qtySold: legacy ? wholeCount(p.qtySold) : undefined,
    bodPosition: legacy ? wholeCount(p.bodPosition) : undefined,
    qtyAvailable: legacy && p.qtyAvailable !== null ? wholeCount(p.qtyAvailable) : undefined,
    netPositionDecimal: formatQuantity(p.netPosition),
    qtyBoughtDecimal: formatQuantity(p.qtyBought),
    qtySoldDecimal: formatQuantity(p.qtySold),
    bodPositionDecimal: formatQuantity(p.bodPosition),
    qtyAvailableDecimal: p.qtyAvailable === null ? undefined : formatQuantity(p.qtyAvailable),
    cost: amount(p.cost),
    realized: amount(p.realized),
    cashValue: optAmount(p.cashValue),
    expired: p.expired,
    updateTime: optIso(p.updateTime),
    marketMetadata: opts.metadataOf?.(p.marketSlug),
  });
}

/** A UserBalance: every amount a JSON number (dollars). */
export function balanceToWire(b: VenueBalance, lastUpdated?: number): Record<string, unknown> {
  return compact({
    currentBalance: usdNumber(b.currentBalance),
    currency: b.currency,
    buyingPower: usdNumber(b.buyingPower),
    openOrders: b.openOrders === null ? undefined : usdNumber(b.openOrders),
    lastUpdated: optIso(lastUpdated),
    pendingWithdrawals: [],
  });
}

/** The legacy balance frame payload (`accountBalanceSubscriptionSnapshot` / `…Update`): two numbers. */
export function legacyBalanceToWire(b: VenueBalance): Record<string, unknown> {
  return { balance: usdNumber(b.currentBalance), buyingPower: usdNumber(b.buyingPower) };
}

export function levelsToWire(levels: readonly BookLevel[]): { px: WireAmount; qty: string }[] {
  return levels.map((l) => ({ px: amount(l.price), qty: formatQuantity(l.qty) }));
}
