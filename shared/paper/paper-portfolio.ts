/**
 * The paper account: cash, buying power, positions and settlement, in exact micros.
 *
 * - It starts with a configured balance; an order is admitted only if the buying power (cash not reserved by
 *   other open orders) covers its worst case: BUY_LONG reserves qty × price, BUY_SHORT reserves
 *   qty × (1 − price) (the short costs 1 − price), each plus the taker fee at the limit; a market order
 *   reserves at the worst price. SELL_LONG / SELL_SHORT need the position they close (not already promised
 *   to other closing orders); they reserve no cash. Otherwise the order is rejected as the exchange would.
 * - Positions follow the venue's netPosition sign; the short side is priced at 1 − price in entry, mark,
 *   fees (the seller pays on 1 − price) and settlement (see position-math.ts).
 * - Settlement pays 1 or 0 per contract (1 − S for shorts) and realizes the PnL.
 *
 * Known limit: an opening order that nets against the opposite position (BUY_SHORT while long) reserves
 * cash as if it opened; closing orders resting on the same market at the same time assume the position
 * they reserved is still there.
 */
import type { Clock } from '../domain/clock.js';
import { DEFAULT_FEE_SCHEDULE, signedFee, takerFee, type FeeSchedule } from '../domain/fees.js';
import { ONE_DOLLAR, divRoundHalfEven, type Micros, type PriceMicros } from '../domain/money.js';
import { INTENT_EFFECT, type OrderIntent } from '../domain/venue-enums.js';
import type { VenuePosition } from '../domain/venue-models.js';
import { applyTrade, emptyLedger, settle, type PositionLedger } from './position-math.js';

export interface PaperPortfolioConfig {
  startingBalance: Micros;
  fees?: FeeSchedule;
}

export interface OrderToAdmit {
  id: string;
  marketSlug: string;
  intent: OrderIntent;
  /** Long-side limit; null for a market order. */
  price: PriceMicros | null;
  /** Contracts still to be reserved (the order's remaining quantity). */
  quantity: number;
}

interface Reservation {
  marketSlug: string;
  intent: OrderIntent;
  remainingQty: number;
  cash: Micros;
  /** Position contracts promised to this closing order ('long' for SELL_LONG, 'short' for SELL_SHORT). */
  closes: 'long' | 'short' | null;
}

export interface FillApplied {
  fee: Micros;
  cashDelta: Micros;
  realized: Micros;
  position: PositionLedger;
}

export const INSUFFICIENT_BUYING_POWER = 'insufficient buying power';
export const INSUFFICIENT_POSITION = 'insufficient position to close';

export class PaperPortfolio {
  private cashMicros: Micros;
  private reservedCash: Micros = 0;
  private readonly fees: FeeSchedule;
  private readonly reservations = new Map<string, Reservation>();
  private readonly ledgers = new Map<string, PositionLedger>();
  private readonly updated = new Map<string, number>();
  private readonly expired = new Set<string>();

  constructor(
    config: PaperPortfolioConfig,
    private readonly clock: Clock,
  ) {
    if (!Number.isSafeInteger(config.startingBalance) || config.startingBalance < 0) {
      throw new RangeError('starting balance must be a non-negative integer number of micros');
    }
    this.cashMicros = config.startingBalance;
    this.fees = config.fees ?? DEFAULT_FEE_SCHEDULE;
  }

  get cash(): Micros {
    return this.cashMicros;
  }

  get reserved(): Micros {
    return this.reservedCash;
  }

  get feeSchedule(): FeeSchedule {
    return this.fees;
  }

  buyingPower(): Micros {
    return this.cashMicros - this.reservedCash;
  }

  /** The cash an order would reserve (0 for closing intents). */
  requiredCash(intent: OrderIntent, price: PriceMicros | null, quantity: number): Micros {
    if (intent === 'ORDER_INTENT_BUY_LONG') {
      const p = price ?? ONE_DOLLAR;
      return quantity * p + takerFee(quantity, p, this.fees.defaults);
    }
    if (intent === 'ORDER_INTENT_BUY_SHORT') {
      const p = price ?? 0;
      return quantity * (ONE_DOLLAR - p) + takerFee(quantity, p, this.fees.defaults);
    }
    return 0;
  }

  /** Contracts of `side` held and not promised to resting closing orders. */
  availableToClose(marketSlug: string, side: 'long' | 'short'): number {
    const net = this.ledgers.get(marketSlug)?.netQty ?? 0;
    const held = side === 'long' ? Math.max(0, net) : Math.max(0, -net);
    let promised = 0;
    for (const r of this.reservations.values()) if (r.marketSlug === marketSlug && r.closes === side) promised += r.remainingQty;
    return held - promised;
  }

  /** Reserves for an order; returns a rejection reason, or null when admitted. */
  reserve(order: OrderToAdmit): string | null {
    if (this.reservations.has(order.id)) return null;
    const closes = closingSide(order.intent);
    if (closes) {
      if (this.availableToClose(order.marketSlug, closes) < order.quantity) return INSUFFICIENT_POSITION;
      this.reservations.set(order.id, { marketSlug: order.marketSlug, intent: order.intent, remainingQty: order.quantity, cash: 0, closes });
      return null;
    }
    const need = this.requiredCash(order.intent, order.price, order.quantity);
    if (need > this.buyingPower()) return INSUFFICIENT_BUYING_POWER;
    this.reservedCash += need;
    this.reservations.set(order.id, { marketSlug: order.marketSlug, intent: order.intent, remainingQty: order.quantity, cash: need, closes: null });
    return null;
  }

  /** Re-reserves a working order for a modify (new price, new remaining quantity); null when admitted. */
  rereserve(orderId: string, price: PriceMicros, remainingQty: number): string | null {
    const r = this.reservations.get(orderId);
    if (!r) return 'order not reserved';
    if (r.closes) {
      if (this.availableToClose(r.marketSlug, r.closes) + r.remainingQty < remainingQty) return INSUFFICIENT_POSITION;
      r.remainingQty = remainingQty;
      return null;
    }
    const need = this.requiredCash(r.intent, price, remainingQty);
    if (need > this.buyingPower() + r.cash) return INSUFFICIENT_BUYING_POWER;
    this.reservedCash += need - r.cash;
    r.cash = need;
    r.remainingQty = remainingQty;
    return null;
  }

  /** Releases whatever an order still reserves (cancelled, rejected, done). Unknown ids are ignored. */
  release(orderId: string): void {
    const r = this.reservations.get(orderId);
    if (!r) return;
    this.reservedCash -= r.cash;
    this.reservations.delete(orderId);
  }

  /** Applies a fill: releases its share of the reservation, moves cash, updates the position, charges fees. */
  applyFill(fill: { orderId: string; marketSlug: string; intent: OrderIntent; qty: number; price: PriceMicros; liquidity: 'MAKER' | 'TAKER' }): FillApplied {
    const r = this.reservations.get(fill.orderId);
    if (r) {
      const part = fill.qty >= r.remainingQty ? r.cash : Number(divRoundHalfEven(BigInt(r.cash) * BigInt(fill.qty), BigInt(r.remainingQty)));
      r.cash -= part;
      this.reservedCash -= part;
      r.remainingQty = Math.max(0, r.remainingQty - fill.qty);
      if (r.remainingQty === 0) this.release(fill.orderId);
    }
    const { buysLong } = INTENT_EFFECT[fill.intent];
    const fee =
      signedFee(fill.liquidity, fill.qty, fill.price, this.fees.defaults);
    const pos = this.ledger(fill.marketSlug);
    const effect = applyTrade(pos, buysLong, fill.qty, fill.price);
    pos.fees += fee;
    this.cashMicros += effect.cashDelta - fee;
    this.updated.set(fill.marketSlug, this.clock.now());
    return { fee, cashDelta: effect.cashDelta, realized: effect.realized, position: { ...pos } };
  }

  /** Settles a market at 0 or 1 USD per long contract; releases its reservations. */
  settle(marketSlug: string, settlementPrice: PriceMicros): { payout: Micros; realized: Micros } {
    if (settlementPrice !== 0 && settlementPrice !== ONE_DOLLAR) throw new RangeError('settlement price must be 0 or 1 USD');
    for (const [id, r] of this.reservations) if (r.marketSlug === marketSlug) this.release(id);
    const pos = this.ledger(marketSlug);
    const result = settle(pos, settlementPrice);
    this.cashMicros += result.payout;
    this.expired.add(marketSlug);
    this.updated.set(marketSlug, this.clock.now());
    return result;
  }

  position(marketSlug: string): PositionLedger | undefined {
    const p = this.ledgers.get(marketSlug);
    return p ? { ...p } : undefined;
  }

  marketSlugs(): string[] {
    return [...this.ledgers.keys()];
  }

  /** The position in the venue's shape, for the 'position' VenueEvent. */
  toVenuePosition(marketSlug: string): VenuePosition {
    const p = this.ledgers.get(marketSlug) ?? emptyLedger();
    const side = p.netQty > 0 ? 'long' : 'short';
    return {
      marketSlug,
      netPosition: p.netQty,
      qtyBought: p.qtyBought,
      qtySold: p.qtySold,
      cost: p.cost,
      realized: p.realized,
      bodPosition: 0,
      expired: this.expired.has(marketSlug),
      updateTime: this.updated.get(marketSlug) ?? null,
      cashValue: null,
      qtyAvailable: p.netQty === 0 ? 0 : this.availableToClose(marketSlug, side),
    };
  }

  private ledger(marketSlug: string): PositionLedger {
    let p = this.ledgers.get(marketSlug);
    if (!p) {
      p = emptyLedger();
      this.ledgers.set(marketSlug, p);
    }
    return p;
  }
}

function closingSide(intent: OrderIntent): 'long' | 'short' | null {
  if (intent === 'ORDER_INTENT_SELL_LONG') return 'long';
  if (intent === 'ORDER_INTENT_SELL_SHORT') return 'short';
  return null;
}
