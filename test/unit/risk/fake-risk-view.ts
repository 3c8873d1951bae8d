/**
 * An in-memory RiskView with a tiny netting position model, for the risk tests. Quantities are Qty (hundredths
 * of a contract, as the engine counts them): `signal()` defaults to 10 contracts, markets trade whole contracts.
 */
import type { GameState } from '../../../shared/domain/game.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../../../shared/domain/money.js';
import { ONE_CONTRACT, QTY_SCALE, contracts, qtyTimesMicros, type Qty } from '../../../shared/domain/quantity.js';
import type { TrackedOrder } from '../../../shared/domain/order.js';
import type { PositionState } from '../../../shared/domain/position.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { INTENT_EFFECT } from '../../../shared/domain/venue-enums.js';
import { ACTION_SHAPE } from '../../../shared/risk/risk-manager.js';
import type { DailyPnl, RiskView } from '../../../shared/risk/risk-view.js';

export function game(id: string, home: string, away: string): GameState {
  return {
    gameId: id, sport: 'basketball', league: 'NBA', homeTeam: home, awayTeam: away, homeScore: 0, awayScore: 0,
    period: 1, clockSeconds: 600, secondsRemaining: 2400, timeRemaining: 'Q1 10:00', status: 'LIVE', rawStatus: 'live',
    startTime: 0, updatedAt: 0,
  };
}

export function info(slug: string, extra: Partial<MarketInfo> = {}): MarketInfo {
  return { marketSlug: slug, eventSlug: `ev-${slug}`, title: slug, outcome: 'YES', tick: 10_000, minQty: ONE_CONTRACT, ...extra };
}

export function signal(extra: Partial<Signal> = {}): Signal {
  return {
    marketSlug: 'm1', action: 'BUY_YES', price: 500_000, quantity: contracts(10), urgency: 'MEDIUM', strategyName: 'statistical_edge',
    confidence: 0.9, reason: 'test', fairProbability: 0.6, createdAt: 0, ...extra,
  };
}

export class FakeRiskView implements RiskView {
  positions = new Map<string, PositionState>();
  orders: TrackedOrder[] = [];
  infos = new Map<string, MarketInfo>();
  fixtures = new Map<string, string>();
  games = new Map<string, GameState>();
  bank: Micros = 1_000 * ONE_DOLLAR;
  pnl: DailyPnl = { realized: 0, unrealized: 0 };
  private seq = 0;
  /** Unset: the checks ask marketInfo and fixtureForMarket every time (a test may set one). */
  directoryRevision: (() => number) | undefined = undefined;

  position(slug: string) {
    const p = this.positions.get(slug);
    return p && p.quantity > 0 ? p : undefined;
  }
  openOrders(slug: string) {
    return this.orders.filter((o) => o.request.marketSlug === slug && ['CREATED', 'SUBMITTED', 'PENDING', 'PARTIALLY_FILLED'].includes(o.status));
  }
  activeMarkets() {
    const s = new Set<string>();
    for (const [k, p] of this.positions) if (p.quantity > 0) s.add(k);
    for (const o of this.orders) if (['CREATED', 'SUBMITTED', 'PENDING', 'PARTIALLY_FILLED'].includes(o.status)) s.add(o.request.marketSlug);
    return s;
  }
  marketInfo(slug: string) {
    return this.infos.get(slug);
  }
  fixtureForMarket(slug: string) {
    const f = this.fixtures.get(slug);
    return f ? { fixtureId: f } : undefined;
  }
  game(id: string) {
    return this.games.get(id);
  }
  bankroll() {
    return this.bank;
  }
  dailyPnl() {
    return this.pnl;
  }

  setPosition(slug: string, side: 'YES' | 'NO', quantity: Qty, avgPrice: PriceMicros): void {
    this.positions.set(slug, {
      marketSlug: slug, side, quantity, netQty: side === 'YES' ? quantity : -quantity, avgPrice, cost: qtyTimesMicros(quantity, avgPrice, 'up'),
      currentValue: 0, unrealizedPnl: 0, realizedPnl: 0, feesPaid: 0, updatedAt: 0,
    });
  }

  /** Registers an approved signal as an open order (replacing one if asked). */
  submit(s: Signal): TrackedOrder {
    if (s.replacesOrderId) {
      const old = this.orders.find((o) => o.orderId === s.replacesOrderId);
      if (old) old.status = 'CANCELLED';
    }
    const id = `o${++this.seq}`;
    const o: TrackedOrder = {
      orderId: id, localId: `l${this.seq}`, status: 'PENDING', filledQty: 0, avgPrice: 0, feesPaid: 0, strategyName: s.strategyName,
      createdAt: 0, updatedAt: 0,
      request: { marketSlug: s.marketSlug, intent: ACTION_SHAPE[s.action].intent, type: 'ORDER_TYPE_LIMIT', price: s.price, quantity: s.quantity, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: false },
    };
    this.orders.push(o);
    return o;
  }

  cancel(o: TrackedOrder): void {
    if (['CREATED', 'SUBMITTED', 'PENDING', 'PARTIALLY_FILLED'].includes(o.status)) o.status = 'CANCELLED';
  }

  /**
   * Fills up to `qty` of an open order at `price` (at or better than its limit). Close-only intents
   * (SELL_LONG / SELL_SHORT) fill at most the contracts held, as the venue's close-only intents do.
   */
  fill(o: TrackedOrder, qty: Qty, price: PriceMicros): void {
    if (!['CREATED', 'SUBMITTED', 'PENDING', 'PARTIALLY_FILLED'].includes(o.status)) return;
    const effect = INTENT_EFFECT[o.request.intent];
    const slug = o.request.marketSlug;
    const pos = this.position(slug);
    let q = Math.min(qty, o.request.quantity - o.filledQty);
    if (!effect.opens) {
      const heldSide = effect.buysLong ? 'NO' : 'YES';
      q = Math.min(q, pos && pos.side === heldSide ? pos.quantity : 0);
    }
    if (q <= 0) return;
    this.applyFill(slug, effect.buysLong, q, price);
    o.filledQty += q;
    o.status = o.filledQty >= o.request.quantity ? 'FILLED' : 'PARTIALLY_FILLED';
  }

  private applyFill(slug: string, buysLong: boolean, q: Qty, price: PriceMicros): void {
    const pos = this.position(slug);
    const heldSide = pos?.side;
    const closingSide = buysLong ? 'NO' : 'YES';
    let rest = q;
    if (pos && heldSide === closingSide) {
      const r = Math.min(rest, pos.quantity);
      const newQty = pos.quantity - r;
      const newCost = newQty === 0 ? 0 : pos.cost - Math.floor((pos.cost * r) / pos.quantity);
      this.positions.set(slug, { ...pos, quantity: newQty, netQty: closingSide === 'YES' ? newQty : -newQty, cost: newCost });
      rest -= r;
    }
    if (rest > 0) {
      const side = buysLong ? 'YES' : 'NO';
      const unit = buysLong ? price : ONE_DOLLAR - price;
      const cur = this.position(slug);
      const qty = (cur?.quantity ?? 0) + rest;
      const cost = (cur?.cost ?? 0) + qtyTimesMicros(rest, unit, 'up');
      this.positions.set(slug, {
        marketSlug: slug, side, quantity: qty, netQty: side === 'YES' ? qty : -qty, avgPrice: Math.round((cost * QTY_SCALE) / qty), cost,
        currentValue: 0, unrealizedPnl: 0, realizedPnl: 0, feesPaid: 0, updatedAt: 0,
      });
    }
  }
}
