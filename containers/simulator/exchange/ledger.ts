/**
 * Accounts and positions: cash, the buying power resting orders hold (the venue's collateral rules,
 * shared/domain/collateral.ts: per instrument the worse of all bids / all offers filling, net of the position
 * they close) and one signed position per market.
 * Reservations are recomputed per instrument, lazily: whatever changes an instrument's orders or position
 * marks it, and the next read of buying power recomputes the marked instruments only.
 *
 * Position accounting (every price is the long price p; the split is shared/domain/collateral.ts `splitTrade`,
 * the same rule as the paper exchange's, for every intent — no intent is reduce-only):
 *   - a party that BUYS LONG (BUY_LONG, SELL_SHORT) first closes any short it holds: each closed short returns
 *     1 − p; any remaining quantity opens/extends a long at a cost of p;
 *   - a party that SELLS LONG (SELL_LONG, BUY_SHORT) first closes any long it holds: each closed long returns
 *     p; any remaining quantity opens/extends a short at a cost of 1 − p (a SELL_LONG without a long is an
 *     opening short, as at the venue).
 * Holding one long and one short of a market is worth exactly 1 USD, so netting them into cash is exact and
 * keeps "cash + position value at any price" conserved by every trade (fees aside).
 * `cost` is the cost basis of the open position (long: Σ p, short: Σ (1 − p)); closing releases it pro rata
 * and `realized` collects proceeds − released cost. Fees are kept apart (feesPaid / rebatesReceived) and are
 * NOT in `realized`.
 */
import { qtyTimesMicros, type Qty } from '../../../shared/domain/quantity.js';
import { availableToClose, instrumentReservation, marginalReservation, splitTrade, tradeCashDelta, type CollateralOrder, type InstrumentExposure } from '../../../shared/domain/collateral.js';
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../../../shared/domain/money.js';
import type { VenueBalance, VenuePosition } from '../../../shared/domain/venue-models.js';
import { badRequest, notFound } from './errors.js';
import type { SimOrder } from './order-record.js';

export interface PositionRecord {
  net: Qty;
  qtyBought: Qty;
  qtySold: Qty;
  cost: Micros;
  realized: Micros;
  bodPosition: Qty;
  expired: boolean;
  updateTime: number | null;
}

export interface AccountRecord {
  id: string;
  cash: Micros;
  /** Buying power held by resting orders: Σ instrument reservations (read through Ledger.reservedOf). */
  reserved: Micros;
  /** Per market: its current reservation. */
  reservations: Map<string, Micros>;
  /** Markets whose orders or position changed since their reservation was computed. */
  dirty: Set<string>;
  deposited: Micros;
  feesPaid: Micros;
  rebatesReceived: Micros;
  positions: Map<string, PositionRecord>;
  /** Live orders (resting in a book) by id. */
  liveOrders: Map<string, SimOrder>;
  /** Every order ever created by the account, by id. */
  orders: Map<string, SimOrder>;
}

export interface FillOutcome {
  /** Cash change from the contracts alone (fees not included). */
  cashDelta: Micros;
  /** Realized PnL of the contracts closed by this fill. */
  realizedDelta: Micros;
}

export interface SettlementOutcome {
  net: Qty;
  payout: Micros;
  realized: Micros;
}

export class Ledger {
  private readonly accounts = new Map<string, AccountRecord>();

  open(accountId: string, startingBalance: Micros): AccountRecord {
    if (!accountId) throw badRequest('INVALID_ACCOUNT', 'account id is required');
    if (!Number.isSafeInteger(startingBalance) || startingBalance < 0) {
      throw badRequest('INVALID_AMOUNT', 'starting balance must be a non-negative integer number of micros');
    }
    if (this.accounts.has(accountId)) throw badRequest('DUPLICATE_ACCOUNT', `account ${accountId} already exists`);
    const acc: AccountRecord = {
      id: accountId,
      cash: startingBalance,
      reserved: 0,
      reservations: new Map(),
      dirty: new Set(),
      deposited: startingBalance,
      feesPaid: 0,
      rebatesReceived: 0,
      positions: new Map(),
      liveOrders: new Map(),
      orders: new Map(),
    };
    this.accounts.set(accountId, acc);
    return acc;
  }

  has(accountId: string): boolean {
    return this.accounts.has(accountId);
  }

  get(accountId: string): AccountRecord {
    const acc = this.accounts.get(accountId);
    if (!acc) throw notFound('UNKNOWN_ACCOUNT', `account ${accountId} not found`);
    return acc;
  }

  all(): IterableIterator<AccountRecord> {
    return this.accounts.values();
  }

  deposit(acc: AccountRecord, amount: Micros): void {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw badRequest('INVALID_AMOUNT', 'deposit must be a positive integer number of micros');
    acc.cash += amount;
    acc.deposited += amount;
  }

  buyingPower(acc: AccountRecord): Micros {
    return acc.cash - this.reservedOf(acc);
  }

  /** What resting orders hold out of buying power, up to date. */
  reservedOf(acc: AccountRecord): Micros {
    for (const slug of acc.dirty) {
      const next = instrumentReservation(this.net(acc, slug), this.collateralOrders(acc, slug));
      acc.reserved += next - (acc.reservations.get(slug) ?? 0);
      if (next === 0) acc.reservations.delete(slug);
      else acc.reservations.set(slug, next);
    }
    acc.dirty.clear();
    return acc.reserved;
  }

  /** Marks a market's reservation as stale (its orders, their sizes or the position changed). */
  touch(acc: AccountRecord, slug: string): void {
    acc.dirty.add(slug);
  }

  balance(acc: AccountRecord): VenueBalance {
    const bp = this.buyingPower(acc);
    return { currency: 'USD', currentBalance: acc.cash, buyingPower: bp, openOrders: acc.reserved };
  }

  /** A resting order as the collateral rules see it. */
  static collateralOrder(order: SimOrder): CollateralOrder {
    return { orderId: order.id, buysLong: order.buysLong, price: order.price ?? 0, leavesQty: order.leavesQuantity, placedAt: order.placedSeq };
  }

  private collateralOrders(acc: AccountRecord, slug: string): CollateralOrder[] {
    const out: CollateralOrder[] = [];
    for (const o of acc.liveOrders.values()) if (o.marketSlug === slug && o.leavesQuantity > 0) out.push(Ledger.collateralOrder(o));
    return out;
  }

  /** One instrument's position and resting orders (optionally without one order). */
  exposure(acc: AccountRecord, slug: string, without?: SimOrder): InstrumentExposure {
    const orders = this.collateralOrders(acc, slug).filter((o) => o.orderId !== without?.id);
    return { marketSlug: slug, netQty: this.net(acc, slug), orders };
  }

  /** Every instrument with resting orders. */
  exposures(acc: AccountRecord): InstrumentExposure[] {
    const slugs = new Set<string>();
    for (const o of acc.liveOrders.values()) slugs.add(o.marketSlug);
    return [...slugs].map((slug) => this.exposure(acc, slug));
  }

  /**
   * The extra buying power `order` needs on top of what its instrument holds now (0 for an order that only
   * closes or sits on the side that is not the worse). A resting order being changed is left out first.
   */
  marginalNeed(acc: AccountRecord, order: SimOrder, replacing?: SimOrder): Micros {
    const current = this.exposure(acc, order.marketSlug);
    const base = replacing ? this.exposure(acc, order.marketSlug, replacing) : current;
    const withOrder = marginalReservation(base, Ledger.collateralOrder(order)) + instrumentReservation(base.netQty, base.orders);
    return withOrder - instrumentReservation(current.netQty, current.orders);
  }

  positionOf(acc: AccountRecord, slug: string): PositionRecord | undefined {
    return acc.positions.get(slug);
  }

  net(acc: AccountRecord, slug: string): Qty {
    return acc.positions.get(slug)?.net ?? 0;
  }

  /** Applies the contract side of a fill to one party: position, cost, realized, cash. Fees are separate. */
  applyFill(acc: AccountRecord, slug: string, buysLong: boolean, qty: Qty, price: PriceMicros, now: number): FillOutcome {
    const pos = this.ensurePosition(acc, slug);
    const cashDelta = tradeCashDelta(pos.net, buysLong, qty, price);
    const closeUnit = buysLong ? ONE_DOLLAR - price : price; // returned per closed contract
    const openUnit = buysLong ? price : ONE_DOLLAR - price; // paid per opened contract
    const opposite = Math.abs(pos.net);
    const { closing: closed, opening: opened } = splitTrade(pos.net, buysLong, qty);
    let realizedDelta = 0;
    if (closed > 0) {
      const released = closed === opposite ? pos.cost : proRata(pos.cost, closed, opposite);
      pos.cost -= released;
      realizedDelta += qtyTimesMicros(closed, closeUnit, 'down') - released;
    }
    if (opened > 0) pos.cost += qtyTimesMicros(opened, openUnit, 'up');
    pos.net += buysLong ? qty : -qty;
    if (buysLong) pos.qtyBought += qty;
    else pos.qtySold += qty;
    pos.realized += realizedDelta;
    pos.updateTime = now;
    pos.expired = false;
    acc.cash += cashDelta;
    this.touch(acc, slug);
    return { cashDelta, realizedDelta };
  }

  chargeFee(acc: AccountRecord, fee: Micros): void {
    acc.cash -= fee;
    acc.feesPaid += fee;
  }

  payRebate(acc: AccountRecord, rebate: Micros): void {
    acc.cash += rebate;
    acc.rebatesReceived += rebate;
  }

  /** Closes the account's position in `slug` at the settlement price; null if it held none. */
  settle(acc: AccountRecord, slug: string, settlementPrice: PriceMicros, now: number): SettlementOutcome | null {
    const pos = acc.positions.get(slug);
    if (!pos || pos.expired) return null;
    const net = pos.net;
    const payout = positionValue(net, settlementPrice);
    const realized = payout - pos.cost;
    acc.cash += payout;
    pos.realized += realized;
    pos.cost = 0;
    pos.net = 0;
    pos.expired = true;
    pos.updateTime = now;
    this.touch(acc, slug);
    return { net, payout, realized };
  }

  /** The wire view of a position; `markPx` (long price) values it for cashValue. */
  positionView(acc: AccountRecord, slug: string, markPx: PriceMicros | null): VenuePosition {
    const pos = acc.positions.get(slug) ?? emptyPosition();
    const available = availableToClose(pos.net, this.collateralOrders(acc, slug));
    return {
      marketSlug: slug,
      netPosition: pos.net,
      qtyBought: pos.qtyBought,
      qtySold: pos.qtySold,
      cost: pos.cost,
      realized: pos.realized,
      bodPosition: pos.bodPosition,
      expired: pos.expired,
      updateTime: pos.updateTime,
      cashValue: markPx === null ? null : positionValue(pos.net, markPx),
      qtyAvailable: available,
    };
  }

  private ensurePosition(acc: AccountRecord, slug: string): PositionRecord {
    let pos = acc.positions.get(slug);
    if (!pos) {
      pos = emptyPosition();
      acc.positions.set(slug, pos);
    }
    return pos;
  }
}

function emptyPosition(): PositionRecord {
  return { net: 0, qtyBought: 0, qtySold: 0, cost: 0, realized: 0, bodPosition: 0, expired: false, updateTime: null };
}

/** cost × part / whole, rounded down, exactly (BigInt: the product may pass 2^53). */
function proRata(cost: Micros, part: number, whole: number): Micros {
  return Number((BigInt(cost) * BigInt(part)) / BigInt(whole));
}

/** The value of a signed position if the long side is worth `longPx`: longs at p, shorts at 1 − p. */
export function positionValue(net: Qty, longPx: PriceMicros): Micros {
  return net >= 0 ? qtyTimesMicros(net, longPx, 'down') : qtyTimesMicros(-net, ONE_DOLLAR - longPx, 'down');
}
