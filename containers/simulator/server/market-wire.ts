/**
 * The exchange engine's reference data, books, trades and activities → the venue's JSON
 * (api/polymarket-us.md). Money as Amounts, times as ISO strings, `qty` as strings.
 */
import type { Bbo, BookSnapshot, ExchangeEvent, SimActivity, SimEvent, SimMarket, Settlement } from '../exchange/types.js';
import { amount, iso, levelsToWire, optAmount, optIso, orderToWire } from './wire-format.js';

type Json = Record<string, unknown>;

function compact<T extends Json>(obj: T): T {
  for (const k of Object.keys(obj)) if (obj[k] === undefined || obj[k] === null) delete obj[k];
  return obj;
}

export function marketToWire(m: SimMarket): Json {
  return compact({
    id: m.id,
    slug: m.slug,
    title: m.title,
    outcome: m.outcome,
    active: m.active,
    closed: m.closed,
    eventSlug: m.eventSlug,
    team: m.team === null ? undefined : { name: m.team },
    state: m.state,
    tickSize: amount(m.tick),
    minQuantity: m.minQty,
    gameId: m.gameId ?? undefined,
  });
}

export function eventToWire(e: SimEvent): Json {
  return compact({
    id: e.id,
    slug: e.slug,
    title: e.title,
    startTime: iso(e.startTime),
    sport: e.sport ?? undefined,
    league: e.league ?? undefined,
    gameId: e.gameId ?? undefined,
    homeTeam: e.homeTeam ?? undefined,
    awayTeam: e.awayTeam ?? undefined,
    active: e.active,
    closed: e.closed,
    markets: e.markets.map(marketToWire),
  });
}

/** GET /v1/markets/{slug}/book and the `marketData` socket message. */
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

/** GET /v1/markets/{slug}/bbo. `bidDepth` / `askDepth` are the number of price levels on each side. */
export function bboToWire(b: Bbo): Json {
  return compact({
    marketSlug: b.marketSlug,
    bestBid: optAmount(b.bestBid),
    bestAsk: optAmount(b.bestAsk),
    bestBidQty: b.bestBid === null ? undefined : String(b.bestBidQty),
    bestAskQty: b.bestAsk === null ? undefined : String(b.bestAskQty),
    bidDepth: b.bidDepth,
    askDepth: b.askDepth,
    lastTradePx: optAmount(b.lastTradePx),
    state: b.state,
    transactTime: optIso(b.transactTime),
  });
}

/** The `marketDataLite` socket message. */
export function liteToWire(b: Bbo): Json {
  return compact({
    marketSlug: b.marketSlug,
    bestBid: optAmount(b.bestBid),
    bestAsk: optAmount(b.bestAsk),
    bestBidQty: b.bestBid === null ? undefined : String(b.bestBidQty),
    bestAskQty: b.bestAsk === null ? undefined : String(b.bestAskQty),
    lastTradePx: optAmount(b.lastTradePx),
    state: b.state,
  });
}

export function tradeToWire(t: Extract<ExchangeEvent, { type: 'trade' }>): Json {
  return {
    marketSlug: t.marketSlug,
    tradeId: t.tradeId,
    price: amount(t.price),
    quantity: t.qty,
    tradeTime: iso(t.time),
    maker: { side: t.makerSide, intent: t.makerIntent },
    taker: { side: t.takerSide, intent: t.takerIntent },
  };
}

export function settlementToWire(s: Settlement): Json {
  return { marketSlug: s.marketSlug, settlementPrice: amount(s.settlementPrice), settledAt: iso(s.settledAt) };
}

/**
 * One activity, in the official SDK's shape: `trade` (with marketSlug, createTime, price, qty, isAggressor,
 * and the orderId / executionId a client needs to find an order after an ambiguous create),
 * `positionResolution` for a settlement, `accountBalanceChange` for a deposit; plus the engine's order
 * activities under `order`.
 */
export function activityToWire(a: SimActivity): Json {
  const time = iso(a.time);
  return compact({
    id: a.id,
    type: a.type,
    marketSlug: a.marketSlug ?? undefined,
    time,
    trade: a.trade && {
      id: a.trade.tradeId,
      marketSlug: a.marketSlug ?? '',
      orderId: a.orderId ?? undefined,
      executionId: a.executionId ?? undefined,
      createTime: time,
      updateTime: time,
      intent: a.trade.intent,
      side: a.trade.side,
      price: amount(a.trade.price),
      qty: String(a.trade.qty),
      isAggressor: a.trade.aggressor,
      fee: amount(a.trade.fee),
      cashDelta: amount(a.trade.cashDelta),
    },
    positionResolution: a.settlement && {
      marketSlug: a.marketSlug ?? '',
      updateTime: time,
      settlementPrice: amount(a.settlement.settlementPrice),
      netPosition: String(a.settlement.netPosition),
      payout: amount(a.settlement.payout),
      realized: amount(a.settlement.realized),
    },
    accountBalanceChange: a.deposit && { amount: amount(a.deposit.amount), updateTime: time },
    order: a.order && compact({
      orderId: a.orderId ?? undefined,
      executionId: a.executionId ?? undefined,
      executionType: a.order.executionType,
      order: orderToWire(a.order.order),
      text: a.order.text ?? undefined,
      orderRejectReason: a.order.orderRejectReason ?? undefined,
    }),
  });
}
