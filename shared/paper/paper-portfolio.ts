/**
 * The paper account: cash, buying power, positions and settlement, in exact micros, by the exchange's own
 * rules (docs/venue-rules.md, "Collateral and margin" and "Fees"), through the shared modules — collateral.ts
 * for what an order holds out of buying power and what a fill moves, fees.ts for what a fill costs:
 *
 * - Buying power = cash − Σ per-instrument reservations (the worse of "all bids fill" and "all offers fill",
 *   net of the position they close). A long costs p a contract; a short (selling YES not held) posts $1 and
 *   costs 1 − p; closing costs nothing. SELL_LONG with no long to close is an opening short, as at the venue.
 * - An order is admitted when its marginal reservation, plus the taker fee at its limit when it may take,
 *   fits in the buying power; otherwise it is refused as the exchange's risk check would.
 * - A fill never takes cash below zero (`fundableQty`: the exchange trades no more than the account can pay,
 *   the rest of the order is cancelled); after a fill eats buying power, `unfundedOrderIds` names the resting
 *   orders the exchange cancels (unsolicited) until it is back at or above zero.
 * - Fees: the market's rates at the fill (an injected lookup), taker fills capped per order by the cumulative
 *   exact fee (TakerFeeAccumulator keyed by the paper order id), maker rebates credited at the fill.
 * - Settlement pays the exchange's settlement price per long contract (1 − S per short): 1 or 0, 0.50 for a
 *   tie, the last fair market price for a cancelled game, 1/n for co-winners.
 */
import { QTY_STEP, qtyTimesMicros, type Qty } from '../domain/quantity.js';
import type { Clock } from '../domain/clock.js';
import { admissionNeed, availableToClose, buyingPower, instrumentReservation, openingCostPerContract, splitTrade, tradeCashDelta, unfundedOrders, type CollateralOrder, type InstrumentExposure } from '../domain/collateral.js';
import { DEFAULT_FEE_SCHEDULE, EMPTY_TAKER_FEE_STATE, TakerFeeAccumulator, chargeTakerFill, makerRebate, takerFee, type FeeRates, type FeeSchedule } from '../domain/fees.js';
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../domain/money.js';
import { INTENT_EFFECT, type OrderIntent } from '../domain/venue-enums.js';
import type { VenuePosition } from '../domain/venue-models.js';
import { scheduleRates, type FeeRatesLookup } from '../execution/fill-fees.js';
import { applyTrade, emptyLedger, settle, type PositionLedger } from './position-math.js';

export interface PaperPortfolioConfig {
  startingBalance: Micros;
  /** The fee schedule (defaults and dated overrides) for markets without their own rates. */
  fees?: FeeSchedule;
  /** Per-market rates (the market's feeCoefficient, overrides); wins over `fees` when given. */
  feeRates?: FeeRatesLookup;
}

export interface OrderToAdmit {
  id: string;
  marketSlug: string;
  intent: OrderIntent;
  /** Long-side limit; null for a market order. */
  price: PriceMicros | null;
  /** Contracts still to be reserved (the order's remaining quantity). */
  quantity: Qty;
  /** A post-only order never takes, so it needs no room for a taker fee. */
  postOnly?: boolean;
}

export interface PaperFill {
  orderId: string;
  marketSlug: string;
  intent: OrderIntent;
  qty: Qty;
  price: PriceMicros;
  liquidity: 'MAKER' | 'TAKER';
}

export interface FillApplied {
  fee: Micros;
  cashDelta: Micros;
  realized: Micros;
  position: PositionLedger;
}

interface PaperOrder extends CollateralOrder {
  marketSlug: string;
  postOnly: boolean;
}

export const INSUFFICIENT_BUYING_POWER = 'insufficient buying power';

/** The price an order is held at: its limit, or the worst a market order can trade at. */
function collateralPrice(buysLong: boolean, price: PriceMicros | null): PriceMicros {
  return price ?? (buysLong ? ONE_DOLLAR : 0);
}

export class PaperPortfolio {
  private cashMicros: Micros;
  private readonly schedule: FeeSchedule;
  private readonly rates: FeeRatesLookup;
  private readonly taker = new TakerFeeAccumulator();
  /** Working orders by market: what the collateral check reads. */
  private readonly orders = new Map<string, Map<string, PaperOrder>>();
  private readonly orderMarket = new Map<string, string>();
  private readonly ledgers = new Map<string, PositionLedger>();
  private readonly updated = new Map<string, number>();
  private readonly expired = new Set<string>();
  private placed = 0;
  /**
   * Each market's reservation (instrumentReservation of its position and working orders) as last computed,
   * their sum, and the markets whose orders or position changed since: buying power is read after every
   * simulator event and every signal, and it is found again only for the markets that moved (integer micros:
   * the running sum is the full sum exactly).
   */
  private readonly reservations = new Map<string, Micros>();
  private reservedTotal: Micros = 0;
  private readonly changed = new Set<string>();

  constructor(
    config: PaperPortfolioConfig,
    private readonly clock: Clock,
  ) {
    if (!Number.isSafeInteger(config.startingBalance) || config.startingBalance < 0) {
      throw new RangeError('starting balance must be a non-negative integer number of micros');
    }
    this.cashMicros = config.startingBalance;
    this.schedule = config.fees ?? DEFAULT_FEE_SCHEDULE;
    this.rates = config.feeRates ?? scheduleRates(this.schedule);
  }

  get cash(): Micros {
    return this.cashMicros;
  }

  /** What open orders hold out of buying power (Σ instrument reservations). */
  get reserved(): Micros {
    return this.cashMicros - this.buyingPower();
  }

  get feeSchedule(): FeeSchedule {
    return this.schedule;
  }

  /** The fee rates of a market now. */
  ratesFor(marketSlug: string): FeeRates {
    return this.rates(marketSlug, this.clock.now());
  }

  buyingPower(): Micros {
    if (this.changed.size > 0) this.reserveAgain();
    return this.cashMicros - this.reservedTotal;
  }

  /** buyingPower computed afresh from every market's orders: the reference the running sum is tested against. */
  buyingPowerUncached(): Micros {
    return buyingPower(this.cashMicros, this.exposures());
  }

  /** The buying power an order needs on its own (no position, no other orders): opening cost + taker fee. */
  requiredCash(intent: OrderIntent, price: PriceMicros | null, quantity: Qty, marketSlug = ''): Micros {
    const { buysLong } = INTENT_EFFECT[intent];
    const p = collateralPrice(buysLong, price);
    return qtyTimesMicros(quantity, openingCostPerContract(buysLong, p), 'up') + takerFee(quantity, p, this.ratesFor(marketSlug));
  }

  /** Admits an order against buying power; returns a rejection reason, or null when admitted. */
  reserve(order: OrderToAdmit): string | null {
    if (this.orderMarket.has(order.id)) return null;
    const { buysLong } = INTENT_EFFECT[order.intent];
    const o: PaperOrder = {
      orderId: order.id,
      marketSlug: order.marketSlug,
      buysLong,
      price: collateralPrice(buysLong, order.price),
      leavesQty: order.quantity,
      placedAt: ++this.placed,
      postOnly: order.postOnly ?? false,
    };
    if (this.extraNeeded(o, null) > this.buyingPower()) return INSUFFICIENT_BUYING_POWER;
    let mine = this.orders.get(o.marketSlug);
    if (!mine) this.orders.set(o.marketSlug, (mine = new Map()));
    mine.set(o.orderId, o);
    this.orderMarket.set(o.orderId, o.marketSlug);
    this.changed.add(o.marketSlug);
    return null;
  }

  /** Re-admits a working order for a modify (new price, new remaining quantity); null when admitted. */
  rereserve(orderId: string, price: PriceMicros, remainingQty: Qty): string | null {
    const o = this.order(orderId);
    if (!o) return 'order not reserved';
    const changed: PaperOrder = { ...o, price, leavesQty: remainingQty };
    if (this.extraNeeded(changed, o) > this.buyingPower()) return INSUFFICIENT_BUYING_POWER;
    o.price = price;
    o.leavesQty = remainingQty;
    this.changed.add(o.marketSlug);
    return null;
  }

  /** Releases an order that can fill no more (cancelled, rejected, done). Unknown ids are ignored. */
  release(orderId: string): void {
    const slug = this.orderMarket.get(orderId);
    if (slug === undefined) return;
    this.orderMarket.delete(orderId);
    const mine = this.orders.get(slug);
    if (mine?.delete(orderId) && mine.size === 0) this.orders.delete(slug);
    this.changed.add(slug);
    this.taker.forget(orderId);
  }

  /**
   * How much of a fill the account can pay: the whole fill when it fits, else the largest multiple of `step`
   * (the market's size step, its minimum quantity: 1 on 0.01 markets, 100 on whole-contract ones; hundredths
   * of a contract) below it that leaves cash ≥ 0 after the trade and its fee. The exchange trades no more than
   * that, and a fill cut short is still a size the venue could trade.
   */
  fundableQty(fill: PaperFill, step: Qty = QTY_STEP): Qty {
    if (this.cashAfter(fill, fill.qty) >= 0) return fill.qty;
    const s = Math.max(QTY_STEP, Math.floor(step));
    // Closing contracts bring cash in; past them each contract costs more: find the last step that fits,
    // counting in steps (lo fits, hi does not or is past the fill).
    const net = this.ledgers.get(fill.marketSlug)?.netQty ?? 0;
    const { buysLong } = INTENT_EFFECT[fill.intent];
    let lo = Math.floor(splitTrade(net, buysLong, fill.qty).closing / s);
    if (this.cashAfter(fill, lo * s) < 0) lo = 0;
    let hi = Math.floor(fill.qty / s) + 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.cashAfter(fill, mid * s) >= 0) lo = mid;
      else hi = mid;
    }
    return lo * s;
  }

  /** Applies a fill: moves cash (collateral rules), charges or credits the fee, updates the position and the order. */
  applyFill(fill: PaperFill): FillApplied {
    const { buysLong } = INTENT_EFFECT[fill.intent];
    const rates = this.ratesFor(fill.marketSlug);
    const fee = fill.liquidity === 'TAKER' ? this.taker.charge(fill.orderId, fill.qty, fill.price, rates.takerThetaPpm) : -makerRebate(fill.qty, fill.price, rates);
    const pos = this.ledger(fill.marketSlug);
    const cashDelta = tradeCashDelta(pos.netQty, buysLong, fill.qty, fill.price);
    const effect = applyTrade(pos, buysLong, fill.qty, fill.price);
    pos.fees += fee;
    this.cashMicros += cashDelta - fee;
    const o = this.order(fill.orderId);
    if (o) o.leavesQty = Math.max(0, o.leavesQty - fill.qty);
    this.changed.add(fill.marketSlug);
    this.updated.set(fill.marketSlug, this.clock.now());
    return { fee, cashDelta, realized: effect.realized, position: { ...pos } };
  }

  /** The working orders the exchange cancels because buying power is below zero (after a fill): the shared rule. */
  unfundedOrderIds(): string[] {
    return unfundedOrders(this.cashMicros, this.exposures());
  }

  /** Settles a market at the exchange's settlement price per long contract; releases its orders. */
  settle(marketSlug: string, settlementPrice: PriceMicros): { payout: Micros; realized: Micros } {
    if (!Number.isSafeInteger(settlementPrice) || settlementPrice < 0 || settlementPrice > ONE_DOLLAR) {
      throw new RangeError(`settlement price must be whole micros between 0 and 1 USD: ${settlementPrice}`);
    }
    for (const id of [...(this.orders.get(marketSlug)?.keys() ?? [])]) this.release(id);
    const pos = this.ledger(marketSlug);
    const result = settle(pos, settlementPrice);
    this.changed.add(marketSlug);
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
      qtyAvailable: availableToClose(p.netQty, [...(this.orders.get(marketSlug)?.values() ?? [])]),
    };
  }

  // ---------------------------------------------------------------------------------------------------------

  /** Buying power an order needs beyond what its instrument holds now (replacing `previous` when a modify). */
  private extraNeeded(o: PaperOrder, previous: PaperOrder | null): Micros {
    const net = this.ledgers.get(o.marketSlug)?.netQty ?? 0;
    // The instrument's other orders, then the order in the last slot: with it, then with what it replaces (or
    // none), in place (one array, not a copy per figure).
    const orders: PaperOrder[] = [];
    const mine = this.orders.get(o.marketSlug);
    if (mine !== undefined) for (const x of mine.values()) if (x !== previous) orders.push(x);
    orders.push(o);
    const withOrder = instrumentReservation(net, orders);
    if (previous !== null) orders[orders.length - 1] = previous;
    else orders.pop();
    const marginal = withOrder - instrumentReservation(net, orders);
    // An order that may take pays its taker fee at the fill: at its limit, cost + fee is the worst case.
    return admissionNeed(marginal, o.postOnly ? 0 : takerFee(o.leavesQty, o.price, this.ratesFor(o.marketSlug)));
  }

  private cashAfter(fill: PaperFill, qty: Qty): Micros {
    if (qty <= 0) return this.cashMicros;
    const { buysLong } = INTENT_EFFECT[fill.intent];
    const rates = this.ratesFor(fill.marketSlug);
    const fee =
      fill.liquidity === 'TAKER'
        ? chargeTakerFill(this.taker.stateOf(fill.orderId) ?? EMPTY_TAKER_FEE_STATE, qty, fill.price, rates.takerThetaPpm).fee
        : -makerRebate(qty, fill.price, rates);
    return this.cashMicros + tradeCashDelta(this.ledgers.get(fill.marketSlug)?.netQty ?? 0, buysLong, qty, fill.price) - fee;
  }

  private order(orderId: string): PaperOrder | undefined {
    const slug = this.orderMarket.get(orderId);
    return slug === undefined ? undefined : this.orders.get(slug)?.get(orderId);
  }

  /** The reservations of the markets that changed, found again (see `reservations`). */
  private reserveAgain(): void {
    for (const slug of this.changed) {
      const mine = this.orders.get(slug);
      const now = mine ? instrumentReservation(this.ledgers.get(slug)?.netQty ?? 0, [...mine.values()]) : 0;
      this.reservedTotal += now - (this.reservations.get(slug) ?? 0);
      if (now === 0) this.reservations.delete(slug);
      else this.reservations.set(slug, now);
    }
    this.changed.clear();
  }

  private exposures(): InstrumentExposure[] {
    const out: InstrumentExposure[] = [];
    for (const [marketSlug, mine] of this.orders) {
      out.push({ marketSlug, netQty: this.ledgers.get(marketSlug)?.netQty ?? 0, orders: [...mine.values()] });
    }
    return out;
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
