/**
 * Wire → domain converters: Amount { value, currency } → micros (exact, via parseMicros), decimal quantities →
 * Qty, hundredths of a contract, with the exact text kept (parseQuantity), ISO timestamps → epoch ms, catalogue ids →
 * strings, enum strings → typed values through WireDrift (unknown → counted, conservative stand-in).
 *
 * Quantities are exact: the venue keeps no precision finer than 0.01 contract (it normalises finer sizes
 * down). Should a value still carry more digits, it is rounded to 0.01 toward the side that cannot make the
 * engine act on contracts it does not have or forget contracts that are still at risk:
 * - positions (net, bought, sold, start of day): toward zero — never believe more is held than is, so a
 *   close never oversells into the opposite side; available-to-sell: down.
 * - orders: quantity and leaves up (resting exposure is never understated; cancels still sent), cum down (a
 *   fill is never claimed before it happened); execution lastShares down.
 * - activity trades: down.
 * - book levels: up (a level with 0.5 contracts stays a level at its price instead of vanishing; the order
 *   book refuses empty levels); trade prints: down.
 * Each rounding is counted (`venue.quantity_rounded` {field}) and the exact decimal kept in the `…Exact` field.
 *
 * Input must already have passed the schemas in wire-schemas.ts; a value that still cannot be converted
 * exactly (a malformed quantity, a float balance with more than six decimals) throws MoneyFormatError, which
 * the REST client reports as a ResponseValidationError and the socket parser as a malformed frame.
 */
import { Decimal } from 'decimal.js';
import type { BookLevel } from '../domain/market.js';
import { MoneyFormatError, parseMicros, type Micros, type PriceMicros } from '../domain/money.js';
import { parseQuantity, type ParsedQuantity, type Qty, type QuantityRounding } from '../domain/quantity.js';
import {
  ACTIVITY_TYPES,
  EXECUTION_TYPES,
  INTENT_EFFECT,
  MARKET_STATES,
  MARKET_STATUSES,
  ORDER_ACTIONS,
  ORDER_INTENTS,
  ORDER_REJECT_REASONS,
  ORDER_SIDES,
  ORDER_STATES,
  ORDER_TYPES,
  OUTCOME_SIDES,
  REPORTED_TIMES_IN_FORCE,
  SPORTS_MARKET_TYPES,
  TRADE_STATES,
  UNRECOGNISED_EXECUTION_TYPE,
  UNRECOGNISED_MARKET_STATE,
  UNRECOGNISED_ORDER_STATE,
  UNSOLICITED_CANCEL_REASONS,
  intentOf,
  type MarketStatus,
  type OrderIntent,
  type ReportedMarketState,
  type SportsMarketType,
  type TimeInForce,
  type UnsolicitedCancelReason,
} from '../domain/venue-enums.js';
import type {
  OrderPlaceholderField,
  VenueActivity,
  VenueActivityTrade,
  VenueBalance,
  VenueExecution,
  VenueOrder,
  VenuePosition,
} from '../domain/venue-models.js';
import { WireDrift } from './wire-drift.js';
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

/** Used when a caller has no drift reporter of its own (tests, one-off conversions). */
const SILENT = new WireDrift();

export function amountToMicros(a: WireAmount): Micros {
  return parseMicros(a.value);
}

export function optAmount(a: WireAmount | null | undefined): Micros | null {
  return a == null ? null : parseMicros(a.value);
}

/** A decimal the venue sends as a JSON number (or text): through its shortest text, never a float product. */
export function decimalToMicros(v: number | string): Micros {
  const text = typeof v === 'number' ? String(v) : v;
  if (/e/i.test(text)) throw new MoneyFormatError(`amount not representable exactly: ${text}`);
  return parseMicros(text);
}

/** A balance field that may be a number, a decimal string or an Amount. */
export function looseMoneyToMicros(m: WireLooseMoney): Micros {
  if (typeof m === 'number' || typeof m === 'string') return decimalToMicros(m);
  return parseMicros(m.value);
}

/**
 * A quantity, exactly, in hundredths of a contract; a finer value is rounded as asked and reported to
 * `drift` under `field`.
 * Throws MoneyFormatError when the value is not a plain decimal.
 */
export function readQuantity(field: string, q: WireQuantity, rounding: QuantityRounding, drift: WireDrift = SILENT): ParsedQuantity {
  const p = parseQuantity(q, rounding);
  if (!p) throw new MoneyFormatError(`${field}: not a quantity: ${JSON.stringify(q).slice(0, 40)}`);
  if (p.rounded) drift.rounded(field, p.exact, p.qty);
  return p;
}

function optQuantity(field: string, q: WireQuantity | null | undefined, rounding: QuantityRounding, drift: WireDrift): ParsedQuantity | null {
  return q == null ? null : readQuantity(field, q, rounding, drift);
}

/** A quantity in hundredths of a contract, finer rounded toward zero (as the venue does). */
export function qty(q: WireQuantity): Qty {
  return readQuantity('quantity', q, 'toward_zero').qty;
}

export function optQty(q: WireQuantity | null | undefined): Qty | null {
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

// ---- orders and executions ----

/**
 * The order's intent: `outcomeSide` + `action` when both are readable (the venue's rule: they win over
 * `intent`), else `intent`. Null when neither is readable.
 */
function readIntent(o: WireOrder, drift: WireDrift): OrderIntent | null {
  const outcomeSide = drift.readEnum('order.outcomeSide', OUTCOME_SIDES, o.outcomeSide);
  const action = drift.readEnum('order.action', ORDER_ACTIONS, o.action);
  const intent = drift.readEnum('order.intent', ORDER_INTENTS, o.intent);
  if (outcomeSide && action) return intentOf(outcomeSide, action);
  return intent;
}

export function toVenueOrder(o: WireOrder, drift: WireDrift = SILENT): VenueOrder {
  const placeholders: OrderPlaceholderField[] = [];
  const intent = readIntent(o, drift);
  if (!intent) placeholders.push('intent');
  const side = drift.readEnum('order.side', ORDER_SIDES, o.side) ?? (intent ? INTENT_EFFECT[intent].side : null);
  if (!side) placeholders.push('side');
  const type = drift.readEnum('order.type', ORDER_TYPES, o.type);
  if (!type) placeholders.push('type');
  const reportedTif = drift.readEnum('order.tif', REPORTED_TIMES_IN_FORCE, o.tif);
  // DAY is known but not a TimeInForce this system sends: kept as a stand-in, listed in placeholders.
  const tif: TimeInForce | null = reportedTif === 'TIME_IN_FORCE_DAY' ? null : reportedTif;
  if (!tif) placeholders.push('tif');
  const state = drift.readEnum('order.state', ORDER_STATES, o.state) ?? UNRECOGNISED_ORDER_STATE;

  const quantity = readQuantity('order.quantity', o.quantity, 'up', drift);
  const cum = optQuantity('order.cumQuantity', o.cumQuantity, 'down', drift);
  const leaves = optQuantity('order.leavesQuantity', o.leavesQuantity, 'up', drift);
  const order: VenueOrder = {
    id: o.id,
    marketSlug: o.marketSlug,
    side: side ?? 'ORDER_SIDE_BUY',
    type: type ?? 'ORDER_TYPE_LIMIT',
    price: type === 'ORDER_TYPE_MARKET' && (o.price == null || o.price.value === '0') ? null : optAmount(o.price),
    quantity: quantity.qty,
    cumQuantity: cum?.qty ?? 0,
    leavesQuantity: leaves?.qty ?? 0,
    tif: tif ?? 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    goodTillTime: timestampMs(o.goodTillTime),
    intent: intent ?? 'ORDER_INTENT_BUY_LONG',
    state,
    avgPx: optAmount(o.avgPx),
    createTime: timestampMs(o.createTime ?? o.insertTime),
    commissionsBasisPoints: bps(o.commissionsBasisPoints),
    makerCommissionsBasisPoints: bps(o.makerCommissionsBasisPoints),
    quantityExact: quantity.exact,
    cumQuantityExact: cum?.exact ?? '0',
    leavesQuantityExact: leaves?.exact ?? '0',
  };
  if (o.commissionNotionalTotalCollected != null) order.commissionNotionalTotalCollected = amountToMicros(o.commissionNotionalTotalCollected);
  if (placeholders.length > 0) order.placeholders = placeholders;
  return order;
}

function readUnsolicitedCancel(v: unknown, drift: WireDrift): UnsolicitedCancelReason | null {
  if (v == null || v === '') return null;
  return drift.readEnum('execution.unsolicitedCancelReason', UNSOLICITED_CANCEL_REASONS, v) ?? 'UNSOLICITED_CXL_REASON_UNRECOGNISED';
}

export function toVenueExecution(e: WireExecution, drift: WireDrift = SILENT): VenueExecution {
  const lastShares = optQuantity('execution.lastShares', e.lastShares, 'down', drift);
  // An unknown reject reason is kept as text (it is only ever shown), but still reported as drift.
  if (e.orderRejectReason) drift.readEnum('execution.orderRejectReason', ORDER_REJECT_REASONS, e.orderRejectReason);
  return {
    id: e.id,
    order: toVenueOrder(e.order, drift),
    lastShares: lastShares?.qty ?? null,
    lastPx: optAmount(e.lastPx),
    type: drift.readEnum('execution.type', EXECUTION_TYPES, e.type) ?? UNRECOGNISED_EXECUTION_TYPE,
    text: e.text ?? null,
    orderRejectReason: e.orderRejectReason ?? null,
    transactTime: timestampMs(e.transactTime),
    tradeId: e.tradeId ?? null,
    aggressor: e.aggressor ?? null,
    commissionNotionalCollected: optAmount(e.commissionNotionalCollected),
    lastSharesExact: lastShares?.exact ?? null,
    unsolicitedCancelReason: readUnsolicitedCancel(e.unsolicitedCancelReason, drift),
  };
}

// ---- portfolio and account ----

/** The `…Decimal` field when present, else the rounded deprecated one. */
function preferDecimal(decimal: WireQuantity | null | undefined, rounded: WireQuantity | null | undefined): WireQuantity | null {
  return decimal ?? rounded ?? null;
}

export function toVenuePosition(marketSlug: string, p: WireUserPosition, drift: WireDrift = SILENT): VenuePosition {
  const netWire = preferDecimal(p.netPositionDecimal, p.netPosition);
  if (netWire === null) throw new MoneyFormatError(`position ${marketSlug.slice(0, 60)}: no netPosition`);
  const net = readQuantity('position.netPosition', netWire, 'toward_zero', drift);
  const bought = optQuantity('position.qtyBought', preferDecimal(p.qtyBoughtDecimal, p.qtyBought), 'down', drift);
  const sold = optQuantity('position.qtySold', preferDecimal(p.qtySoldDecimal, p.qtySold), 'down', drift);
  const bod = optQuantity('position.bodPosition', preferDecimal(p.bodPositionDecimal, p.bodPosition), 'toward_zero', drift);
  const available = optQuantity('position.qtyAvailable', preferDecimal(p.qtyAvailableDecimal, p.qtyAvailable), 'down', drift);
  return {
    marketSlug,
    netPosition: net.qty,
    qtyBought: bought?.qty ?? 0,
    qtySold: sold?.qty ?? 0,
    cost: optAmount(p.cost) ?? 0,
    realized: optAmount(p.realized) ?? 0,
    bodPosition: bod?.qty ?? 0,
    expired: p.expired ?? false,
    updateTime: timestampMs(p.updateTime),
    cashValue: optAmount(p.cashValue),
    qtyAvailable: available?.qty ?? null,
    netPositionExact: net.exact,
    qtyBoughtExact: bought?.exact ?? '0',
    qtySoldExact: sold?.exact ?? '0',
    bodPositionExact: bod?.exact ?? '0',
    qtyAvailableExact: available?.exact ?? null,
  };
}

/** A position as flat (the venue reported the position gone: afterPosition null). */
export function flatPosition(marketSlug: string, before: VenuePosition | null, updateTime: number | null): VenuePosition {
  return {
    marketSlug,
    netPosition: 0,
    qtyBought: before?.qtyBought ?? 0,
    qtySold: before?.qtySold ?? 0,
    cost: 0,
    realized: before?.realized ?? 0,
    bodPosition: before?.bodPosition ?? 0,
    expired: before?.expired ?? false,
    updateTime,
    cashValue: null,
    qtyAvailable: 0,
    netPositionExact: '0',
    qtyAvailableExact: '0',
  };
}

export function toVenuePositions(positions: Record<string, WireUserPosition>, drift: WireDrift = SILENT): VenuePosition[] {
  return Object.entries(positions).map(([slug, p]) => toVenuePosition(slug, p, drift));
}

export function toVenueBalance(b: WireBalance): VenueBalance {
  return {
    currency: b.currency,
    currentBalance: looseMoneyToMicros(b.currentBalance),
    buyingPower: looseMoneyToMicros(b.buyingPower),
    openOrders: b.openOrders == null ? null : looseMoneyToMicros(b.openOrders),
  };
}

function toActivityTrade(t: NonNullable<WireActivity['trade']>, drift: WireDrift): VenueActivityTrade {
  const q = optQuantity('activity.trade.qty', preferDecimal(t.qtyDecimal, t.qty), 'down', drift);
  const state = t.state == null ? null : (drift.readEnum('activity.trade.state', TRADE_STATES, t.state) ?? 'TRADE_STATE_UNRECOGNISED');
  return {
    id: t.id ?? null,
    marketSlug: t.marketSlug,
    state,
    price: optAmount(t.price),
    qty: q?.qty ?? null,
    qtyExact: q?.exact ?? null,
    isAggressor: t.isAggressor ?? null,
    costBasis: optAmount(t.costBasis),
    realizedPnl: optAmount(t.realizedPnl),
  };
}

export function toVenueActivity(a: WireActivity, raw: unknown, drift: WireDrift = SILENT): VenueActivity {
  const trade = a.trade ?? null;
  const resolution = a.positionResolution ?? null;
  const knownType = drift.readEnum('activity.type', ACTIVITY_TYPES, a.type) !== null;
  return {
    type: a.type,
    marketSlug: trade?.marketSlug ?? resolution?.marketSlug ?? a.marketSlug ?? null,
    orderId: trade?.orderId ?? a.order?.orderId ?? a.orderId ?? null,
    executionId: trade?.executionId ?? a.order?.executionId ?? a.executionId ?? trade?.id ?? resolution?.tradeId ?? null,
    time: timestampMs(a.time ?? a.createTime ?? trade?.createTime ?? trade?.updateTime ?? resolution?.updateTime ?? null),
    raw,
    knownType,
    trade: trade ? toActivityTrade(trade, drift) : null,
  };
}

// ---- catalogue and market data (no domain model of their own: venue-side shapes, engine units) ----

export interface CatalogueMarketSide {
  long: boolean | null;
  quote: PriceMicros | null;
  tradable: boolean | null;
  identifier: string | null;
}

export interface CatalogueMarket {
  id: string;
  slug: string;
  title: string;
  outcome: string;
  active: boolean;
  closed: boolean;
  eventSlug: string | null;
  team: string | null;
  /** MARKET_STATUS_*; an unknown status reads as UNSPECIFIED (venue rule), null when not sent. */
  status: MarketStatus | null;
  /** Price tick in micros (orderPriceMinTickSize: 0.01 → 10_000, 0.0025 → 2_500); null when absent or unusable. */
  tickMicros: PriceMicros | null;
  /**
   * Minimum order size and size increment (minimumTradeQty) in hundredths of a contract: 0.01 → 1, 1 → 100
   * (finer than 0.01 rounded up); null when absent or zero.
   */
  minQty: Qty | null;
  minQtyExact: string | null;
  /** The fee coefficient Θ in parts per million (feeCoefficient 0.07 → 70_000); null when absent. */
  feeCoefficientPpm: number | null;
  sportsMarketType: SportsMarketType | null;
  /** The line (spread/total) as exact decimal text, when sent. */
  line: string | null;
  /** Both sides of two-sided instruments (marketSides[]); empty when not sent. */
  sides: CatalogueMarketSide[];
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

function decimalText(v: number | string): string | null {
  const text = typeof v === 'number' ? String(v) : v;
  return /^-?\d+(\.\d+)?$/.test(text) ? text : null;
}

/** A tick in micros: a positive exact number of micros that divides one dollar, else null. */
function tickMicrosOf(v: number | string | null | undefined): PriceMicros | null {
  if (v == null) return null;
  try {
    const micros = decimalToMicros(v);
    return micros > 0 && micros < 1_000_000 && 1_000_000 % micros === 0 ? micros : null;
  } catch {
    return null;
  }
}

/** Θ (a decimal) → parts per million, exactly via decimal.js (half-even to the ppm if Θ has more places). */
export function coefficientToPpm(v: number | string | null | undefined): number | null {
  if (v == null) return null;
  const text = decimalText(v);
  if (text === null) return null;
  const ppm = new Decimal(text).times(1_000_000).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toNumber();
  return Number.isSafeInteger(ppm) && ppm >= 0 ? ppm : null;
}

function toMarketSide(s: NonNullable<WireMarket['marketSides']>[number]): CatalogueMarketSide {
  return {
    long: s.long ?? null,
    quote: optAmount(s.quote),
    tradable: s.tradable ?? null,
    identifier: s.identifier ?? s.description ?? null,
  };
}

/** Team names by id, from an event's `teams[]`. */
type TeamNames = ReadonlyMap<string, string>;

function teamNamesOf(e: WireEvent): TeamNames {
  const out = new Map<string, string>();
  for (const t of e.teams ?? []) if (t.id != null && t.name) out.set(String(t.id), t.name);
  return out;
}

/**
 * The outcome and team of the long (YES) side. Older markets sent `outcome` and `team`; today's wire
 * (docs/venue-rules.md, "Wire shapes": use `marketSides[]`) describes the long side in `marketSides[]`
 * (`description`, `teamId` → the event's `teams[]`, or the deprecated `team`).
 */
function longSideOf(m: WireMarket, teams: TeamNames): { outcome: string; team: string | null } {
  const long = (m.marketSides ?? []).find((s) => s.long === true);
  const sideTeam = long?.team?.name ?? (long?.teamId != null ? teams.get(String(long.teamId)) : undefined) ?? null;
  return {
    outcome: m.outcome ?? long?.description ?? sideTeam ?? '',
    team: m.team?.name ?? sideTeam,
  };
}

export function toCatalogueMarket(m: WireMarket, eventSlug?: string, drift: WireDrift = SILENT, teams: TeamNames = new Map()): CatalogueMarket {
  const side = longSideOf(m, teams);
  const minQty = m.minimumTradeQty == null ? null : parseQuantity(m.minimumTradeQty, 'up');
  const status = m.status == null ? null : (drift.readEnum('market.status', MARKET_STATUSES, m.status) ?? 'MARKET_STATUS_UNSPECIFIED');
  return {
    id: String(m.id),
    slug: m.slug,
    title: m.title ?? m.question ?? m.slug,
    outcome: side.outcome,
    active: m.active ?? true,
    closed: m.closed ?? false,
    eventSlug: m.eventSlug ?? eventSlug ?? null,
    team: side.team,
    status,
    tickMicros: tickMicrosOf(m.orderPriceMinTickSize),
    minQty: minQty && minQty.qty > 0 ? minQty.qty : null,
    minQtyExact: minQty?.exact ?? null,
    feeCoefficientPpm: coefficientToPpm(m.feeCoefficient),
    sportsMarketType: drift.readEnum('market.sportsMarketType', SPORTS_MARKET_TYPES, m.sportsMarketType),
    line: m.line == null ? null : decimalText(m.line),
    sides: (m.marketSides ?? []).map(toMarketSide),
  };
}

export function toCatalogueEvent(e: WireEvent, drift: WireDrift = SILENT): CatalogueEvent {
  const teams = teamNamesOf(e);
  return {
    id: String(e.id),
    slug: e.slug,
    title: e.title,
    startTime: timestampMs(e.startTime),
    endTime: timestampMs(e.endTime),
    active: e.active,
    closed: e.closed,
    gameId: e.gameId == null ? null : String(e.gameId),
    markets: e.markets.map((m) => toCatalogueMarket(m, e.slug, drift, teams)),
  };
}

/** A book state: known, or the UNRECOGNISED stand-in (never quoted) for an unknown or missing one. */
export function readMarketState(v: unknown, drift: WireDrift = SILENT): ReportedMarketState {
  return drift.readEnum('book.state', MARKET_STATES, v) ?? UNRECOGNISED_MARKET_STATE;
}

export interface BookSnapshot {
  marketSlug: string;
  /** Best first. */
  bids: BookLevel[];
  asks: BookLevel[];
  state: ReportedMarketState;
  lastTradePx: PriceMicros | null;
  transactTime: number | null;
}

function levels(ls: WireBook['bids'], descending: boolean, drift: WireDrift): BookLevel[] {
  const out = ls.map((l) => ({ price: amountToMicros(l.px), qty: readQuantity('book.qty', l.qty, 'up', drift).qty }));
  out.sort(descending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  return out;
}

export function toBookSnapshot(b: WireBook, drift: WireDrift = SILENT): BookSnapshot {
  return {
    marketSlug: b.marketSlug,
    bids: levels(b.bids, true, drift),
    asks: levels(b.offers, false, drift),
    state: readMarketState(b.state, drift),
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
  currentPx: PriceMicros | null;
  longQuote: PriceMicros | null;
  shortQuote: PriceMicros | null;
}

export function toBbo(b: WireBbo): Bbo {
  return {
    marketSlug: b.marketSlug,
    bestBid: optAmount(b.bestBid),
    bestAsk: optAmount(b.bestAsk),
    bidDepth: b.bidDepth ?? null,
    askDepth: b.askDepth ?? null,
    lastTradePx: optAmount(b.lastTradePx),
    currentPx: optAmount(b.currentPx),
    longQuote: optAmount(b.longQuote),
    shortQuote: optAmount(b.shortQuote),
  };
}

export interface Settlement {
  marketSlug: string;
  settlementPrice: PriceMicros;
  /** Not sent by today's endpoint (`{ slug, settlement }`); null then. */
  settledAt: number | null;
}

export function toSettlement(s: WireSettlement): Settlement {
  if ('slug' in s) return { marketSlug: s.slug, settlementPrice: decimalToMicros(s.settlement), settledAt: null };
  return { marketSlug: s.marketSlug, settlementPrice: amountToMicros(s.settlementPrice), settledAt: timestampMs(s.settledAt) };
}
