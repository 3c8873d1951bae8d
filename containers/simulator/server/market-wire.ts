/**
 * The exchange engine's reference data, books, trades and activities → the venue's JSON (docs/venue-rules.md,
 * "Public REST" and "WebSockets"). Money as Amounts, book and trade counts as decimal strings, market numbers
 * (tick, minimum size, fee coefficient) as JSON numbers, ids as the contract types them (./wire-ids.ts).
 */
import { formatQuantity, quantityToWire } from '../../../shared/domain/quantity.js';
import type { VenueMarketState } from '../../../shared/domain/venue-enums.js';
import type { Bbo, BookSnapshot, ExchangeEvent, SimActivity, SimEvent, SimMarket, Settlement } from '../exchange/types.js';
import { teamId, teamToWire } from './sports-wire.js';
import { slugOf, wireGameId, wireIdOf } from './wire-ids.js';
import { amount, compact, iso, levelsToWire, optAmount, optIso, usdNumber, type WireMarketMetadata } from './wire-format.js';

type Json = Record<string, unknown>;

/** Until the engine's market record carries one: today's taker fee coefficient Θ (docs/venue-rules.md, "Fees"). */
export const DEFAULT_FEE_COEFFICIENT = 0.0695;
export const DEFAULT_SPORTS_MARKET_TYPE = 'SPORTS_MARKET_TYPE_MONEYLINE';

/** Optional per-market fields the engine's market record may carry (read when present). */
type MarketExtras = { feeCoefficient?: number | string | null; sportsMarketType?: string | null; line?: number | null };

const MARKET_STATUS: Readonly<Record<VenueMarketState, string>> = {
  MARKET_STATE_OPEN: 'MARKET_STATUS_OPEN',
  MARKET_STATE_PREOPEN: 'MARKET_STATUS_UNSPECIFIED',
  MARKET_STATE_SUSPENDED: 'MARKET_STATUS_HALTED',
  MARKET_STATE_HALTED: 'MARKET_STATUS_HALTED',
  MARKET_STATE_MATCH_AND_CLOSE_AUCTION: 'MARKET_STATUS_OPEN',
  MARKET_STATE_EXPIRED: 'MARKET_STATUS_RESOLVED',
  MARKET_STATE_TERMINATED: 'MARKET_STATUS_CLOSED',
} as Record<VenueMarketState, string>;

export function marketStatusOf(state: VenueMarketState): string {
  return MARKET_STATUS[state] ?? 'MARKET_STATUS_UNSPECIFIED';
}

/** The market's `marketSides[]`: the long (YES) instrument and the synthetic short (NO) side. */
function marketSides(m: SimMarket, marketId: number, tradable: boolean): Json[] {
  return [true, false].map((long) =>
    compact({
      id: String(marketId * 2 - (long ? 1 : 0)),
      marketSideType: 'MARKET_SIDE_TYPE_INSTRUMENT',
      identifier: `${m.slug}-${long ? 'long' : 'short'}`,
      description: long ? m.outcome : `Not ${m.outcome}`,
      marketId,
      long,
      teamId: long && m.team ? teamId(m.team) : undefined,
      tradable,
    }),
  );
}

export function marketToWire(m: SimMarket, event?: SimEvent): Json {
  const extras = m as SimMarket & MarketExtras;
  const id = wireIdOf(m.id);
  const open = m.state === 'MARKET_STATE_OPEN';
  return compact({
    id,
    question: m.title,
    slug: m.slug,
    title: m.title,
    category: event?.sport ?? undefined,
    startDate: event ? iso(event.startTime) : undefined,
    active: m.active,
    closed: m.closed,
    status: marketStatusOf(m.state),
    orderPriceMinTickSize: usdNumber(m.tick),
    minimumTradeQty: quantityToWire(m.minQty),
    feeCoefficient: extras.feeCoefficient === undefined || extras.feeCoefficient === null ? DEFAULT_FEE_COEFFICIENT : Number(extras.feeCoefficient),
    sportsMarketType: extras.sportsMarketType ?? DEFAULT_SPORTS_MARKET_TYPE,
    line: extras.line ?? undefined,
    marketSides: marketSides(m, Number(id), open),
  });
}

export function eventToWire(e: SimEvent): Json {
  const teams = [e.homeTeam, e.awayTeam].filter((t): t is string => t !== null).map((t) => teamToWire(t, e.league));
  return compact({
    id: wireIdOf(e.id),
    slug: e.slug,
    title: e.title,
    startDate: iso(e.startTime),
    startTime: iso(e.startTime),
    eventDate: iso(e.startTime).slice(0, 10),
    active: e.active,
    closed: e.closed,
    ended: e.closed,
    category: e.sport ?? undefined,
    seriesSlug: e.league ? slugOf(e.league) : undefined,
    gameId: e.gameId === null ? undefined : wireGameId(e.gameId),
    sportradarGameId: e.gameId ?? undefined,
    teams: teams.length > 0 ? teams : undefined,
    markets: e.markets.map((m) => marketToWire(m, e)),
  });
}

/** `marketMetadata` of a market, for orders and positions. */
export function marketMetadataOf(m: SimMarket): WireMarketMetadata {
  return { slug: m.slug, title: m.title, outcome: m.outcome, eventSlug: m.eventSlug };
}

/** The book (`marketData`, the REST book wraps it in `{ marketData }`): levels best first. */
export function bookToWire(b: BookSnapshot): Json {
  return compact({
    marketSlug: b.marketSlug,
    bids: levelsToWire(b.bids),
    offers: levelsToWire(b.asks),
    state: b.state,
    stats: b.lastTradePx === null ? undefined : { lastTradePx: amount(b.lastTradePx) },
    transactTime: optIso(b.transactTime),
  });
}

/**
 * Best bid / offer (`marketDataLite`, and the REST BBO wrapped in `{ marketData }`). `bidDepth` / `askDepth` are
 * the numbers of price levels; `bidShares` / `askShares` the contracts at the best bid / offer.
 */
export function bboToWire(b: Bbo): Json {
  return compact({
    marketSlug: b.marketSlug,
    bestBid: optAmount(b.bestBid),
    bestAsk: optAmount(b.bestAsk),
    bidShares: b.bestBid === null ? undefined : formatQuantity(b.bestBidQty),
    askShares: b.bestAsk === null ? undefined : formatQuantity(b.bestAskQty),
    bidDepth: b.bidDepth,
    askDepth: b.askDepth,
    lastTradePx: optAmount(b.lastTradePx),
    state: b.state,
  });
}

/** A public trade (`trade` frame): `quantity` is an Amount whose value counts contracts. */
export function tradeToWire(t: Extract<ExchangeEvent, { type: 'trade' }>): Json {
  return {
    marketSlug: t.marketSlug,
    tradeId: t.tradeId,
    price: amount(t.price),
    quantity: { value: formatQuantity(t.qty), currency: 'USD' },
    tradeTime: iso(t.time),
    maker: { side: t.makerSide, intent: t.makerIntent },
    taker: { side: t.takerSide, intent: t.takerIntent },
  };
}

/** GET /v1/markets/{slug}/settlement: the settlement price as a number (0 or 1 for a binary market). */
export function settlementToWire(s: Settlement): Json {
  return { slug: s.marketSlug, settlement: usdNumber(s.settlementPrice) };
}

/** Engine activity type ↔ the contract's ActivityType. The engine's order-lifecycle records have no wire type. */
export const WIRE_ACTIVITY_TYPE: Readonly<Record<string, string>> = {
  ACTIVITY_TYPE_TRADE: 'ACTIVITY_TYPE_TRADE',
  ACTIVITY_TYPE_SETTLEMENT: 'ACTIVITY_TYPE_POSITION_RESOLUTION',
  ACTIVITY_TYPE_DEPOSIT: 'ACTIVITY_TYPE_ACCOUNT_DEPOSIT',
};

/** The engine types to ask for, given the contract's types a client filters on (empty: every listed type). */
export function engineActivityTypes(wireTypes: readonly string[]): string[] {
  const all = Object.keys(WIRE_ACTIVITY_TYPE);
  if (wireTypes.length === 0) return all;
  return all.filter((k) => wireTypes.includes(WIRE_ACTIVITY_TYPE[k]!));
}

/**
 * One activity as the contract has it: `trade` (id = the trade id the executions carry, `qtyDecimal`),
 * `positionResolution` for a settlement, `accountBalanceChange` for a deposit. The trade also carries the
 * simulator's own `orderId` / `executionId` (not in the contract) so a test can tie a fill to its order.
 */
export function activityToWire(a: SimActivity): Json {
  const time = iso(a.time);
  const type = WIRE_ACTIVITY_TYPE[a.type] ?? a.type;
  return compact({
    type,
    trade: a.trade && compact({
      id: a.trade.tradeId,
      marketSlug: a.marketSlug ?? '',
      state: 'TRADE_STATE_CLEARED',
      createTime: time,
      updateTime: time,
      price: amount(a.trade.price),
      qtyDecimal: formatQuantity(a.trade.qty),
      isAggressor: a.trade.aggressor,
      orderId: a.orderId ?? undefined,
      executionId: a.executionId ?? undefined,
    }),
    positionResolution: a.settlement && {
      marketSlug: a.marketSlug ?? '',
      updateTime: time,
      tradeId: a.id,
      side: a.settlement.netPosition > 0 ? 'POSITION_RESOLUTION_SIDE_LONG' : a.settlement.netPosition < 0 ? 'POSITION_RESOLUTION_SIDE_SHORT' : 'POSITION_RESOLUTION_SIDE_NEUTRAL',
    },
    accountBalanceChange: a.deposit && {
      transactionId: a.id,
      status: 'ACCOUNT_BALANCE_CHANGE_STATUS_COMPLETED',
      amount: amount(a.deposit.amount),
      createTime: time,
      updateTime: time,
    },
  });
}
