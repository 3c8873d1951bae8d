/**
 * Wire → domain converters: Amount { value, currency } → micros (exact, via parseMicros), quantity strings →
 * integers, ISO timestamps → epoch ms, catalogue ids → strings. Input must already have passed the schemas in
 * wire-schemas.ts; a value that still cannot be converted exactly (e.g. a float balance with more than six
 * decimals) throws MoneyFormatError, which the client reports as a ResponseValidationError.
 */
import type { BookLevel } from '../domain/market.js';
import { MoneyFormatError, parseMicros, type Micros, type PriceMicros } from '../domain/money.js';
import type { VenueMarketState } from '../domain/venue-enums.js';
import type {
  VenueActivity,
  VenueBalance,
  VenueExecution,
  VenueOrder,
  VenuePosition,
} from '../domain/venue-models.js';
import type {
  WireActivity,
  WireAmount,
  WireBalance,
  WireBbo,
  WireBook,
  WireEvent,
  WireExecution,
  WireLooseMoney,
  WireMarket,
  WireOrder,
  WireQuantity,
  WireSettlement,
  WireUserPosition,
} from './wire-schemas.js';

export function amountToMicros(a: WireAmount): Micros {
  return parseMicros(a.value);
}

export function optAmount(a: WireAmount | null | undefined): Micros | null {
  return a == null ? null : parseMicros(a.value);
}

/** A balance field that may be a number, a decimal string or an Amount. Numbers go through their shortest text. */
export function looseMoneyToMicros(m: WireLooseMoney): Micros {
  if (typeof m === 'number') {
    const text = String(m);
    if (/e/i.test(text)) throw new MoneyFormatError(`amount not representable exactly: ${text}`);
    return parseMicros(text);
  }
  if (typeof m === 'string') return parseMicros(m);
  return parseMicros(m.value);
}

export function qty(q: WireQuantity): number {
  if (typeof q === 'number') return q;
  const dot = q.indexOf('.');
  const n = Number(dot === -1 ? q : q.slice(0, dot));
  if (!Number.isSafeInteger(n)) throw new MoneyFormatError(`quantity out of range: ${q}`);
  return n;
}

export function optQty(q: WireQuantity | null | undefined): number | null {
  return q == null ? null : qty(q);
}

export function timestampMs(t: string | number | null | undefined): number | null {
  if (t == null) return null;
  if (typeof t === 'number') return t;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

function bps(v: string | number | null | undefined): number | null {
  if (v == null) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function toVenueOrder(o: WireOrder): VenueOrder {
  return {
    id: o.id,
    marketSlug: o.marketSlug,
    side: o.side,
    type: o.type,
    price: o.type === 'ORDER_TYPE_MARKET' && (o.price == null || o.price.value === '0') ? null : optAmount(o.price),
    quantity: qty(o.quantity),
    cumQuantity: qty(o.cumQuantity),
    leavesQuantity: qty(o.leavesQuantity),
    tif: o.tif,
    goodTillTime: timestampMs(o.goodTillTime),
    intent: o.intent,
    state: o.state,
    avgPx: optAmount(o.avgPx),
    createTime: timestampMs(o.createTime ?? o.insertTime),
    commissionsBasisPoints: bps(o.commissionsBasisPoints),
    makerCommissionsBasisPoints: bps(o.makerCommissionsBasisPoints),
  };
}

export function toVenueExecution(e: WireExecution): VenueExecution {
  return {
    id: e.id,
    order: toVenueOrder(e.order),
    lastShares: optQty(e.lastShares),
    lastPx: optAmount(e.lastPx),
    type: e.type,
    text: e.text ?? null,
    orderRejectReason: e.orderRejectReason ?? null,
    transactTime: timestampMs(e.transactTime),
    tradeId: e.tradeId ?? null,
    aggressor: e.aggressor ?? null,
    commissionNotionalCollected: optAmount(e.commissionNotionalCollected),
  };
}

export function toVenuePosition(marketSlug: string, p: WireUserPosition): VenuePosition {
  return {
    marketSlug,
    netPosition: qty(p.netPosition),
    qtyBought: qty(p.qtyBought),
    qtySold: qty(p.qtySold),
    cost: optAmount(p.cost) ?? 0,
    realized: optAmount(p.realized) ?? 0,
    bodPosition: qty(p.bodPosition),
    expired: p.expired,
    updateTime: timestampMs(p.updateTime),
    cashValue: optAmount(p.cashValue),
    qtyAvailable: optQty(p.qtyAvailable),
  };
}

export function toVenuePositions(positions: Record<string, WireUserPosition>): VenuePosition[] {
  return Object.entries(positions).map(([slug, p]) => toVenuePosition(slug, p));
}

export function toVenueBalance(b: WireBalance): VenueBalance {
  return {
    currency: b.currency,
    currentBalance: looseMoneyToMicros(b.currentBalance),
    buyingPower: looseMoneyToMicros(b.buyingPower),
    openOrders: b.openOrders == null ? null : looseMoneyToMicros(b.openOrders),
  };
}

export function toVenueActivity(a: WireActivity, raw: unknown): VenueActivity {
  const trade = a.trade ?? null;
  const resolution = a.positionResolution ?? null;
  return {
    type: a.type,
    marketSlug: trade?.marketSlug ?? resolution?.marketSlug ?? a.marketSlug ?? null,
    orderId: trade?.orderId ?? a.order?.orderId ?? a.orderId ?? null,
    executionId: trade?.executionId ?? a.order?.executionId ?? a.executionId ?? trade?.id ?? resolution?.tradeId ?? null,
    time: timestampMs(a.time ?? a.createTime ?? trade?.createTime ?? trade?.updateTime ?? resolution?.updateTime ?? null),
    raw,
  };
}

// ---- catalogue and market data (no domain model of their own: venue-side shapes, engine units) ----

export interface CatalogueMarket {
  id: string;
  slug: string;
  title: string;
  outcome: string;
  active: boolean;
  closed: boolean;
  eventSlug: string | null;
  team: string | null;
}

export interface CatalogueEvent {
  id: string;
  slug: string;
  title: string;
  startTime: number | null;
  endTime: number | null;
  active: boolean;
  closed: boolean;
  gameId: string | null;
  markets: CatalogueMarket[];
}

export function toCatalogueMarket(m: WireMarket, eventSlug?: string): CatalogueMarket {
  return {
    id: String(m.id),
    slug: m.slug,
    title: m.title,
    outcome: m.outcome,
    active: m.active,
    closed: m.closed,
    eventSlug: m.eventSlug ?? eventSlug ?? null,
    team: m.team?.name ?? null,
  };
}

export function toCatalogueEvent(e: WireEvent): CatalogueEvent {
  return {
    id: String(e.id),
    slug: e.slug,
    title: e.title,
    startTime: timestampMs(e.startTime),
    endTime: timestampMs(e.endTime),
    active: e.active,
    closed: e.closed,
    gameId: e.gameId == null ? null : String(e.gameId),
    markets: e.markets.map((m) => toCatalogueMarket(m, e.slug)),
  };
}

export interface BookSnapshot {
  marketSlug: string;
  /** Best first. */
  bids: BookLevel[];
  asks: BookLevel[];
  state: VenueMarketState;
  lastTradePx: PriceMicros | null;
  transactTime: number | null;
}

function levels(ls: WireBook['bids'], descending: boolean): BookLevel[] {
  const out = ls.map((l) => ({ price: amountToMicros(l.px), qty: qty(l.qty) }));
  out.sort(descending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  return out;
}

export function toBookSnapshot(b: WireBook): BookSnapshot {
  return {
    marketSlug: b.marketSlug,
    bids: levels(b.bids, true),
    asks: levels(b.offers, false),
    state: b.state,
    lastTradePx: optAmount(b.stats?.lastTradePx),
    transactTime: timestampMs(b.transactTime),
  };
}

export interface Bbo {
  marketSlug: string;
  bestBid: PriceMicros | null;
  bestAsk: PriceMicros | null;
  bidDepth: number | null;
  askDepth: number | null;
  lastTradePx: PriceMicros | null;
}

export function toBbo(b: WireBbo): Bbo {
  return {
    marketSlug: b.marketSlug,
    bestBid: optAmount(b.bestBid),
    bestAsk: optAmount(b.bestAsk),
    bidDepth: b.bidDepth ?? null,
    askDepth: b.askDepth ?? null,
    lastTradePx: optAmount(b.lastTradePx),
  };
}

export interface Settlement {
  marketSlug: string;
  settlementPrice: PriceMicros;
  settledAt: number | null;
}

export function toSettlement(s: WireSettlement): Settlement {
  return { marketSlug: s.marketSlug, settlementPrice: amountToMicros(s.settlementPrice), settledAt: timestampMs(s.settledAt) };
}
