/**
 * The simulated Polymarket US exchange's engine: reference data, one binary long-side book per market,
 * price-time matching for all four intents, accounts with buying power, fees, settlement, activities and
 * a synchronous event stream. Pure and in-process: time comes from the injected Clock, no I/O.
 *
 * Policies (see also ledger.ts and matching.ts):
 *   - Self-trade prevention: an incoming order never trades with a resting order of its own account; the
 *     RESTING order is canceled (EXECUTION_TYPE_CANCELED, text CANCEL_TEXTS.selfTrade) and matching goes on.
 *   - Collateral (shared/domain/collateral.ts): buying power = cash − Σ per-instrument reservations (the worse
 *     of all bids / all offers filling, net of the position they close; a long costs p, a short 1 − p). A new
 *     limit order needs its marginal reservation + the taker fee at its limit when it adds any (post-only: no
 *     fee); a market order its planned cost + fees. No intent is reduce-only: every fill first closes the
 *     opposite position and opens the rest (collateral.ts `splitTrade`, the paper exchange's rule too), so a
 *     SELL_LONG without a long opens a short (the venue: "sell YES: close long, or open short"). After fills,
 *     resting orders no longer funded are cancelled (newest first) with unsolicitedCancelReason
 *     UNSOLICITED_CXL_REASON_EXCHANGE_OPTION: that also covers a resting SELL_LONG whose long was sold by
 *     another order and which now would open a short.
 *   - Fees (shared/domain/fees.ts): Θ·C·p·(1−p) at the market's rates (its feeCoefficient, else the schedule's,
 *     with dated overrides), taker fills capped per order cumulatively, maker rebates per fill.
 *   - Prices: extra precision is cut down to the tick; outside 0.01–0.99 or off the grid → REJECTED with the
 *     venue's reason. Halts (staged, or the weekly maintenance window) set MARKET_STATE_HALTED, refuse orders
 *     with ORD_REJECT_REASON_EXCHANGE_CLOSED and (by default) cancel resting orders; the market reopens after.
 *   - Any intent against an opposite position nets (BUY_SHORT while long sells the long first; SELL_LONG
 *     beyond the long opens a short; SELL_SHORT beyond the short opens a long — the venue does not document
 *     that last case: it follows from SELL_SHORT being a YES bid, and the paper exchange does the same).
 *   - A market order walks the book (protected by `price` when given), never rests; its remainder is
 *     CANCELED. GTC/GTD on a market order is treated as IOC.
 *   - FOK is checked on the full plan before any fill; post-only is rejected when it would cross anything.
 *   - Modify keeps the order id. A price change or a size increase loses time priority (and may trade);
 *     a size decrease or a tif / goodTillTime change keeps it. Reports EXECUTION_TYPE_REPLACE.
 *   - Every order gets EXECUTION_TYPE_NEW on acceptance, then fills, then CANCELED for an IOC/market remainder.
 *   - settle() cancels resting orders, pays the settlement price per long (1 − it per short), realizes PnL
 *     and sets MARKET_STATE_EXPIRED; settleTie ($0.50), settleCancelled (the fair price now, on the tick) and
 *     settleCoWinners ($1 ÷ n down to the tick) are the venue's other outcomes.
 *   - commissionsBasisPoints / makerCommissionsBasisPoints are the market's Θ in basis points when the order
 *     was placed (maker negative: a rebate); commissionNotionalCollected is the taker fee (> 0) or minus the
 *     maker rebate (< 0); orders sum theirs in commissionNotionalTotalCollected.
 */
import { ONE_CONTRACT, formatQuantity, type Qty } from '../../../shared/domain/quantity.js';
import type { Clock } from '../../../shared/domain/clock.js';
import { admissionNeed, tradeCashDelta, unfundedOrders } from '../../../shared/domain/collateral.js';
import { DEFAULT_FEE_SCHEDULE, TakerFeeAccumulator, feeRatesFor, makerRebate, takerFee, type FeeRates, type FeeSchedule } from '../../../shared/domain/fees.js';
import { CENT, ONE_DOLLAR, type Micros, type PriceMicros } from '../../../shared/domain/money.js';
import type { ExecutionType, UnsolicitedCancelReason, VenueMarketState, VenueOrderState } from '../../../shared/domain/venue-enums.js';
import { INTENT_EFFECT, MARKET_STATES } from '../../../shared/domain/venue-enums.js';
import type { VenueBalance, VenuePosition } from '../../../shared/domain/venue-models.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import type { SimEventSpec, SimMarketSpec } from '../module.js';
import { ActivityLog } from './activity-log.js';
import { badRequest, notFound } from './errors.js';
import { EventBatcher } from './event-emitter.js';
import { ID_PREFIX, IdGenerator } from './ids.js';
import { Ledger, type AccountRecord } from './ledger.js';
import { crosses, isExpired, planMatch, type MatchPlan } from './matching.js';
import { OrderBook } from './order-book.js';
import { isLive, toVenueOrder, type SimOrder } from './order-record.js';
import { MAX_ORDER_PRICE, MIN_ORDER_PRICE, TIE_SETTLEMENT_PRICE, coWinnerPrice, floorToTick } from './price-rules.js';
import { ReferenceData, isClosedState, type MarketRecord } from './reference-data.js';
import {
  CANCEL_TEXTS,
  REJECT_REASONS,
  type AccountSnapshot,
  type ActivityPage,
  type ActivityQuery,
  type Bbo,
  type BookSnapshot,
  type ClosePositionOptions,
  type EventFilter,
  type ExchangeEventListener,
  type ExchangeOptions,
  type HaltInfo,
  type HaltOptions,
  type MarketFilter,
  type ModifyOrderRequest,
  type OrderResult,
  type Settlement,
  type SettlementReason,
  type SimEvent,
  type SimExecution,
  type SimMarket,
  type SimOrderView,
  type SubmitOrderRequest,
  UNSOLICITED_CANCEL_REASON,
} from './types.js';
import { TradingCalendar } from './trading-calendar.js';
import { normalizeModify, normalizeSubmit, type NormalizedOrder } from './validation.js';

interface MarketBook {
  market: MarketRecord;
  book: OrderBook;
  lastTradePx: PriceMicros | null;
  transactTime: number | null;
}

interface ActiveHalt {
  info: HaltInfo;
  slugs: ReadonlySet<string> | null;
  resting: 'cancel' | 'keep';
}

const MAINTENANCE_HALT = 'maintenance';

/** Cash notional per contract of an intent at a long price (cashOrderQty): p for the long intents, 1 − p for the short. */
function cashUnitFor(buysLong: boolean, opens: boolean): (price: PriceMicros) => Micros {
  // BUY_LONG and SELL_LONG name the long (YES) at p; BUY_SHORT and SELL_SHORT name the short (NO) at 1 − p.
  const longLeg = buysLong === opens;
  return longLeg ? (p) => p : (p) => ONE_DOLLAR - p;
}

export class Exchange {
  readonly fees: FeeSchedule;
  private readonly clock: Clock;
  private readonly ids = new IdGenerator();
  private readonly ref: ReferenceData;
  private readonly ledger = new Ledger();
  private readonly activityLog: ActivityLog;
  private readonly markets = new Map<string, MarketBook>();
  private readonly gtdOrders = new Set<SimOrder>();
  private nextExpiry = Number.POSITIVE_INFINITY;
  private readonly events: EventBatcher;
  /** Executions of the account that started the current operation (returned to it). */
  private collect: { accountId: string; executions: SimExecution[] } | null = null;
  /** Per-order cumulative taker fee state (the venue's cap). */
  private readonly takerFees = new TakerFeeAccumulator();
  /** Placement sequence of orders (collateral: newest unfunded order is cancelled first). */
  private placedSeq = 0;
  private readonly calendar: TradingCalendar | null;
  private readonly haltRestingOrders: 'cancel' | 'keep';
  private readonly halts = new Map<string, ActiveHalt>();
  /** Markets this exchange moved from OPEN to HALTED: they reopen when no halt covers them. */
  private readonly haltedByExchange = new Set<string>();
  private haltSeq = 0;

  constructor(options: ExchangeOptions) {
    this.clock = options.clock;
    this.fees = options.fees ?? DEFAULT_FEE_SCHEDULE;
    this.activityLog = new ActivityLog(options.maxActivitiesPerAccount);
    this.ref = new ReferenceData(this.ids, options.defaultTick ?? CENT, options.defaultMinQty ?? ONE_CONTRACT, (feeCoefficientPpm, sport) =>
      feeRatesFor(this.fees, { feeCoefficientPpm, sport }, this.clock.now()),
    );
    this.calendar = options.maintenance ? new TradingCalendar(options.maintenance) : null;
    this.haltRestingOrders = options.haltRestingOrders ?? 'cancel';
    this.events = new EventBatcher(
      options.logger ?? nullLogger,
      (accountId, marketSlug) => ({ type: 'position', accountId, marketSlug, position: this.positionView(accountId, marketSlug) }),
      (accountId) => ({ type: 'balance', accountId, balance: this.ledger.balance(this.ledger.get(accountId)) }),
    );
  }

  // =========================================================================================================
  // Events

  /** Subscribes to engine events (delivered synchronously after each operation); returns the unsubscribe. */
  onEvent(listener: ExchangeEventListener): () => void {
    return this.events.subscribe(listener);
  }

  // =========================================================================================================
  // Reference data

  addEvent(spec: SimEventSpec): SimEvent {
    return this.ref.addEvent(spec);
  }

  addMarket(spec: SimMarketSpec): SimMarket {
    const record = this.ref.addMarket(spec);
    const mb: MarketBook = { market: record, book: new OrderBook(record.tick), lastTradePx: null, transactTime: null };
    this.markets.set(spec.slug, mb);
    if (record.state === 'MARKET_STATE_OPEN' && this.haltCovering(spec.slug)) {
      record.state = 'MARKET_STATE_HALTED';
      this.haltedByExchange.add(spec.slug);
    }
    return this.ref.marketView(record);
  }

  listEvents(filter: EventFilter = {}): SimEvent[] {
    return this.ref.listEvents(filter);
  }

  /** An event by id or slug, or undefined. */
  getEvent(idOrSlug: string): SimEvent | undefined {
    return this.ref.findEvent(idOrSlug);
  }

  listMarkets(filter: MarketFilter = {}): SimMarket[] {
    return this.ref.listMarkets(filter);
  }

  /** A market by id or slug, or undefined. */
  getMarket(idOrSlug: string): SimMarket | undefined {
    return this.ref.findMarket(idOrSlug);
  }

  /** Changes a market's state. Moving to EXPIRED/TERMINATED cancels its resting orders. Settled markets are final. */
  setMarketState(slug: string, state: VenueMarketState): void {
    const mb = this.marketBook(slug);
    if (!(MARKET_STATES as readonly string[]).includes(state)) throw badRequest('INVALID_STATE', `unknown market state ${state}`);
    if (mb.market.settlement) throw badRequest('MARKET_SETTLED', `market ${slug} is settled`);
    this.events.run(() => {
      // A market opened while a halt covers it stays halted until the halt ends.
      const halt = state === 'MARKET_STATE_OPEN' ? this.haltCovering(slug) : null;
      if (halt) {
        this.haltedByExchange.add(slug);
        state = 'MARKET_STATE_HALTED';
      } else {
        this.haltedByExchange.delete(slug);
      }
      if (mb.market.state === state) return;
      mb.market.state = state;
      mb.transactTime = this.clock.now();
      if (isClosedState(state)) this.cancelAllResting(mb, CANCEL_TEXTS.marketClosed);
      else if (halt && halt.resting === 'cancel') this.cancelAllResting(mb, `${CANCEL_TEXTS.halted} (${halt.info.reason})`);
      this.events.push({ type: 'market', marketSlug: slug, state });
      this.events.bookChanged(slug);
    });
  }

  /**
   * Settles a market at `settlementPrice` micros (0 or 1_000_000; any price in [0, 1 USD] is accepted, e.g. a
   * void at 0.50): cancels resting orders, closes every position at that price, realizes PnL, credits cash,
   * and sets MARKET_STATE_EXPIRED.
   */
  settle(slug: string, settlementPrice: PriceMicros, reason?: SettlementReason): Settlement {
    const mb = this.marketBook(slug);
    if (!Number.isSafeInteger(settlementPrice) || settlementPrice < 0 || settlementPrice > ONE_DOLLAR) {
      throw badRequest('INVALID_PRICE', 'settlement price must be an integer number of micros in [0, 1 USD]');
    }
    if (mb.market.settlement) throw badRequest('MARKET_SETTLED', `market ${slug} is already settled`);
    const why: SettlementReason = reason ?? (settlementPrice === 0 || settlementPrice === ONE_DOLLAR ? 'RESULT' : 'OTHER');
    return this.events.run(() => {
      const now = this.clock.now();
      this.cancelAllResting(mb, CANCEL_TEXTS.marketClosed);
      this.haltedByExchange.delete(slug);
      const settlement: Settlement = { marketSlug: slug, settlementPrice, settledAt: now, reason: why };
      mb.market.settlement = settlement;
      for (const acc of this.ledger.all()) {
        const pos = acc.positions.get(slug);
        if (!pos || pos.expired) continue;
        const outcome = this.ledger.settle(acc, slug, settlementPrice, now);
        if (!outcome) continue;
        if (outcome.net !== 0 || outcome.realized !== 0) {
          this.activityLog.record({
            type: 'ACTIVITY_TYPE_SETTLEMENT',
            accountId: acc.id,
            marketSlug: slug,
            time: now,
            orderId: null,
            executionId: null,
            settlement: { settlementPrice, netPosition: outcome.net, payout: outcome.payout, realized: outcome.realized },
          });
        }
        this.events.positionChanged(acc.id, slug);
        this.events.balanceChanged(acc.id);
      }
      mb.market.state = 'MARKET_STATE_EXPIRED';
      mb.transactTime = now;
      this.events.push({ type: 'market', marketSlug: slug, state: 'MARKET_STATE_EXPIRED' });
      this.events.bookChanged(slug);
      return settlement;
    });
  }

  getSettlement(slug: string): Settlement | null {
    return this.marketBook(slug).market.settlement;
  }

  /** The game ended tied and the winner market has no draw: both sides settle at $0.50. */
  settleTie(slug: string): Settlement {
    return this.settle(slug, TIE_SETTLEMENT_PRICE, 'TIE');
  }

  /**
   * The game was cancelled (or not replayed before expiry): settles at the last fair market price at the
   * announcement, which is now (see fairPrice), not the last trade.
   */
  settleCancelled(slug: string): Settlement {
    return this.settle(slug, this.fairPrice(slug), 'CANCELLED');
  }

  /** Co-winners without a playoff: each winner market at $1.00 ÷ n rounded down to its tick, the losers at $0. */
  settleCoWinners(winnerSlugs: readonly string[], loserSlugs: readonly string[] = []): Settlement[] {
    if (winnerSlugs.length === 0) throw badRequest('INVALID_SETTLEMENT', 'co-winners need at least one winner market');
    for (const slug of [...winnerSlugs, ...loserSlugs]) this.marketBook(slug);
    return this.events.run(() => [
      ...winnerSlugs.map((slug) => this.settle(slug, coWinnerPrice(winnerSlugs.length, this.marketBook(slug).market.tick), 'CO_WINNERS')),
      ...loserSlugs.map((slug) => this.settle(slug, 0, 'CO_WINNERS')),
    ]);
  }

  /**
   * The market's fair price now, on its tick (rounded down): the mid of the best bid and offer; with one side
   * missing the last trade; else the listing probability; else $0.50. Within 0.01–0.99.
   */
  fairPrice(slug: string): PriceMicros {
    const mb = this.marketBook(slug);
    const bid = mb.book.bestBid();
    const ask = mb.book.bestAsk();
    const p0 = mb.market.spec.initialProbability;
    const raw =
      bid !== null && ask !== null
        ? Math.floor((bid + ask) / 2)
        : (mb.lastTradePx ?? (p0 !== undefined && p0 >= 0 && p0 <= 1 ? Math.round(p0 * ONE_DOLLAR) : TIE_SETTLEMENT_PRICE));
    return floorToTick(Math.min(MAX_ORDER_PRICE, Math.max(MIN_ORDER_PRICE, raw)), mb.market.tick);
  }

  // =========================================================================================================
  // Halts and the trading calendar

  /**
   * Stages an unannounced halt: the markets (default all) go MARKET_STATE_HALTED, new orders and modifies are
   * refused with ORD_REJECT_REASON_EXCHANGE_CLOSED, resting orders are cancelled with an unsolicited cancel
   * (or kept, per options). Returns the halt; endHalt(id) reopens what it halted.
   */
  startHalt(options: HaltOptions = {}): HaltInfo {
    const slugs = options.slugs && options.slugs.length > 0 ? [...options.slugs] : null;
    for (const slug of slugs ?? []) this.marketBook(slug);
    const info: HaltInfo = { id: `halt-${++this.haltSeq}`, slugs, reason: options.reason ?? 'unscheduled halt', startedAt: this.clock.now() };
    this.halts.set(info.id, { info, slugs: slugs ? new Set(slugs) : null, resting: options.restingOrders ?? this.haltRestingOrders });
    this.events.run(() => this.applyHalts());
    return info;
  }

  /** Ends a staged halt (default: every staged halt, not the maintenance window); true if one ended. */
  endHalt(id?: string): boolean {
    let ended = false;
    for (const key of [...this.halts.keys()]) {
      if (key === MAINTENANCE_HALT || (id !== undefined && key !== id)) continue;
      this.halts.delete(key);
      ended = true;
    }
    if (ended) this.events.run(() => this.applyHalts());
    return ended;
  }

  /** The halts in force (staged ones and the maintenance window). */
  activeHalts(): HaltInfo[] {
    this.syncCalendar(this.clock.now());
    return [...this.halts.values()].map((h) => h.info);
  }

  /** Starts or ends the weekly maintenance halt as the clock crosses the window; cheap when nothing changes. */
  private syncCalendar(now: number): void {
    if (!this.calendar) return;
    const inWindow = this.calendar.inMaintenance(now);
    if (inWindow === this.halts.has(MAINTENANCE_HALT)) return;
    if (inWindow) {
      const info: HaltInfo = { id: MAINTENANCE_HALT, slugs: null, reason: 'weekly maintenance', startedAt: now };
      this.halts.set(MAINTENANCE_HALT, { info, slugs: null, resting: this.haltRestingOrders });
    } else {
      this.halts.delete(MAINTENANCE_HALT);
    }
    this.events.run(() => this.applyHalts());
  }

  private haltCovering(slug: string): ActiveHalt | null {
    for (const h of this.halts.values()) if (h.slugs === null || h.slugs.has(slug)) return h;
    return null;
  }

  /** Moves every market to where the halts in force put it: OPEN → HALTED, and back once none covers it. */
  private applyHalts(): void {
    const now = this.clock.now();
    for (const [slug, mb] of this.markets) {
      const halt = this.haltCovering(slug);
      if (halt && mb.market.state === 'MARKET_STATE_OPEN') {
        mb.market.state = 'MARKET_STATE_HALTED';
        this.haltedByExchange.add(slug);
        if (halt.resting === 'cancel') this.cancelAllResting(mb, `${CANCEL_TEXTS.halted} (${halt.info.reason})`);
      } else if (!halt && this.haltedByExchange.has(slug) && mb.market.state === 'MARKET_STATE_HALTED') {
        mb.market.state = 'MARKET_STATE_OPEN';
        this.haltedByExchange.delete(slug);
      } else {
        continue;
      }
      mb.transactTime = now;
      this.events.push({ type: 'market', marketSlug: slug, state: mb.market.state });
      this.events.bookChanged(slug);
    }
  }

  // =========================================================================================================
  // Accounts

  openAccount(accountId: string, startingBalance: Micros): VenueBalance {
    return this.events.run(() => {
      const acc = this.ledger.open(accountId, startingBalance);
      if (startingBalance > 0) this.recordDeposit(acc, startingBalance);
      this.events.balanceChanged(accountId);
      return this.ledger.balance(acc);
    });
  }

  deposit(accountId: string, amount: Micros): VenueBalance {
    return this.events.run(() => {
      const acc = this.ledger.get(accountId);
      this.ledger.deposit(acc, amount);
      this.recordDeposit(acc, amount);
      this.events.balanceChanged(accountId);
      return this.ledger.balance(acc);
    });
  }

  hasAccount(accountId: string): boolean {
    return this.ledger.has(accountId);
  }

  balance(accountId: string): VenueBalance {
    return this.ledger.balance(this.ledger.get(accountId));
  }

  positions(accountId: string): Record<string, VenuePosition> {
    const acc = this.ledger.get(accountId);
    const out: Record<string, VenuePosition> = {};
    for (const slug of acc.positions.keys()) out[slug] = this.positionView(accountId, slug);
    return out;
  }

  activities(accountId: string, query: ActivityQuery = {}): ActivityPage {
    this.ledger.get(accountId);
    return this.activityLog.query(accountId, query);
  }

  allAccounts(): AccountSnapshot[] {
    const out: AccountSnapshot[] = [];
    for (const acc of this.ledger.all()) {
      out.push({
        accountId: acc.id,
        cash: acc.cash,
        reserved: this.ledger.reservedOf(acc),
        buyingPower: this.ledger.buyingPower(acc),
        deposited: acc.deposited,
        feesPaid: acc.feesPaid,
        rebatesReceived: acc.rebatesReceived,
        positions: this.positions(acc.id),
      });
    }
    return out;
  }

  // =========================================================================================================
  // Market data

  book(slug: string, depth?: number): BookSnapshot {
    const mb = this.marketBook(slug);
    this.expireOrders();
    return {
      marketSlug: slug,
      bids: mb.book.levels(true, depth),
      asks: mb.book.levels(false, depth),
      state: mb.market.state,
      lastTradePx: mb.lastTradePx,
      transactTime: mb.transactTime,
    };
  }

  bbo(slug: string): Bbo {
    const mb = this.marketBook(slug);
    this.expireOrders();
    const b = mb.book;
    return {
      marketSlug: slug,
      bestBid: b.bestBid(),
      bestAsk: b.bestAsk(),
      bestBidQty: b.bestQty(true),
      bestAskQty: b.bestQty(false),
      bidDepth: b.levelCount(true),
      askDepth: b.levelCount(false),
      lastTradePx: mb.lastTradePx,
      transactTime: mb.transactTime,
      state: mb.market.state,
    };
  }

  // =========================================================================================================
  // Orders: queries

  openOrders(accountId: string, slugs?: readonly string[]): SimOrderView[] {
    const acc = this.ledger.get(accountId);
    this.expireOrders();
    const filter = slugs && slugs.length > 0 ? new Set(slugs) : null;
    const out: SimOrderView[] = [];
    for (const o of acc.liveOrders.values()) if (!filter || filter.has(o.marketSlug)) out.push(toVenueOrder(o));
    return out;
  }

  getOrder(accountId: string, orderId: string): SimOrderView {
    return toVenueOrder(this.ownOrder(this.ledger.get(accountId), orderId));
  }

  // =========================================================================================================
  // Orders: commands

  submitOrder(accountId: string, req: SubmitOrderRequest): OrderResult {
    const acc = this.ledger.get(accountId);
    const mb = this.marketBook(req.marketSlug);
    const n = normalizeSubmit(req, mb.market);
    return this.operation(accountId, () => {
      const now = this.clock.now();
      this.syncCalendar(now);
      this.expireDue(now);
      const order = this.newOrder(acc, n, now);
      const refusal = this.refusal(acc, mb, n, order, now);
      if (refusal) {
        this.reject(order, refusal);
        return order;
      }
      const plan = this.plan(mb, order, n.cashLimit, now);
      const marketRefusal = this.marketOrderRefusal(acc, mb, n, order, plan);
      if (marketRefusal) {
        this.reject(order, marketRefusal);
        return order;
      }
      order.state = 'ORDER_STATE_NEW';
      this.orderEvent(order, 'EXECUTION_TYPE_NEW', null, null);
      if (order.tif === 'TIME_IN_FORCE_FILL_OR_KILL' && plan.filledQty < order.quantity) {
        this.finish(order, 'ORDER_STATE_CANCELED', 'EXECUTION_TYPE_CANCELED', CANCEL_TEXTS.fokNotFilled);
        return order;
      }
      const touched = this.executePlan(mb, order, plan, now);
      this.restOrFinish(mb, order);
      for (const id of touched) this.cancelUnfunded(id);
      return order;
    });
  }

  /** What submitOrder would do now (state, fills, average price), without changing anything. */
  previewOrder(accountId: string, req: SubmitOrderRequest): SimOrderView {
    const acc = this.ledger.get(accountId);
    const mb = this.marketBook(req.marketSlug);
    const n = normalizeSubmit(req, mb.market);
    const now = this.clock.now();
    const order = this.buildOrder('preview', acc, n, now, this.placedSeq + 1);
    const refusal = this.refusal(acc, mb, n, order, now) ?? this.marketOrderRefusal(acc, mb, n, order, this.plan(mb, order, n.cashLimit, now));
    if (refusal) {
      order.state = 'ORDER_STATE_REJECTED';
      order.leavesQuantity = 0;
      return toVenueOrder(order);
    }
    const plan = this.plan(mb, order, n.cashLimit, now);
    if (order.tif === 'TIME_IN_FORCE_FILL_OR_KILL' && plan.filledQty < order.quantity) {
      order.state = 'ORDER_STATE_CANCELED';
      order.leavesQuantity = 0;
      return toVenueOrder(order);
    }
    for (const f of plan.fills) {
      order.cumQuantity += f.qty;
      order.filledNotional += f.qty * f.price;
    }
    order.leavesQuantity = order.quantity - order.cumQuantity;
    const rests = order.type === 'ORDER_TYPE_LIMIT' && this.restingTif(order);
    if (order.leavesQuantity === 0) order.state = 'ORDER_STATE_FILLED';
    else if (!rests) {
      order.state = 'ORDER_STATE_CANCELED';
      order.leavesQuantity = 0;
    } else order.state = order.cumQuantity > 0 ? 'ORDER_STATE_PARTIALLY_FILLED' : 'ORDER_STATE_NEW';
    return toVenueOrder(order);
  }

  cancelOrder(accountId: string, orderId: string, marketSlug: string): OrderResult {
    const acc = this.ledger.get(accountId);
    const order = this.ownOrder(acc, orderId);
    if (order.marketSlug !== marketSlug) throw badRequest('MARKET_MISMATCH', `order ${orderId} is not in market ${marketSlug}`);
    return this.operation(accountId, () => {
      this.expireDue(this.clock.now());
      if (!isLive(order)) throw badRequest('ORDER_NOT_OPEN', `order ${orderId} is not open (${order.state})`);
      this.finish(order, 'ORDER_STATE_CANCELED', 'EXECUTION_TYPE_CANCELED', CANCEL_TEXTS.userCanceled);
      return order;
    });
  }

  /** Cancels every open order of the account (in `slugs` when given); returns the canceled ids. */
  cancelAll(accountId: string, slugs?: readonly string[]): string[] {
    const acc = this.ledger.get(accountId);
    const filter = slugs && slugs.length > 0 ? new Set(slugs) : null;
    return this.events.run(() => {
      this.expireDue(this.clock.now());
      const ids: string[] = [];
      for (const order of [...acc.liveOrders.values()]) {
        if (filter && !filter.has(order.marketSlug)) continue;
        this.finish(order, 'ORDER_STATE_CANCELED', 'EXECUTION_TYPE_CANCELED', CANCEL_TEXTS.userCanceled);
        ids.push(order.id);
      }
      return ids;
    });
  }

  modifyOrder(accountId: string, orderId: string, req: ModifyOrderRequest): OrderResult {
    const acc = this.ledger.get(accountId);
    const order = this.ownOrder(acc, orderId);
    if (order.marketSlug !== req.marketSlug) throw badRequest('MARKET_MISMATCH', `order ${orderId} is not in market ${req.marketSlug}`);
    const mb = this.marketBook(order.marketSlug);
    const m = normalizeModify(req, mb.market);
    return this.operation(accountId, () => {
      const now = this.clock.now();
      this.syncCalendar(now);
      this.expireDue(now);
      if (!isLive(order)) throw badRequest('ORDER_NOT_OPEN', `order ${orderId} is not open (${order.state})`);
      if (mb.market.state !== 'MARKET_STATE_OPEN') {
        const reason = mb.market.state === 'MARKET_STATE_HALTED' ? REJECT_REASONS.exchangeClosed : REJECT_REASONS.marketNotOpen;
        throw badRequest(reason, `market ${order.marketSlug} is ${mb.market.state}`);
      }
      const price = m.price ?? (order.price as PriceMicros);
      const quantity = m.quantity ?? order.quantity;
      if (quantity <= order.cumQuantity) {
        throw badRequest('INVALID_QUANTITY', `quantity must exceed the ${formatQuantity(order.cumQuantity)} contracts already filled`);
      }
      const tif = m.tif ?? order.tif;
      const goodTillTime = tif === 'TIME_IN_FORCE_GOOD_TILL_DATE' ? (m.goodTillTime !== undefined ? m.goodTillTime : order.goodTillTime) : null;
      if (tif === 'TIME_IN_FORCE_GOOD_TILL_DATE' && (goodTillTime === null || goodTillTime === undefined)) {
        throw badRequest('INVALID_GOOD_TILL_TIME', 'goodTillTime is required for TIME_IN_FORCE_GOOD_TILL_DATE');
      }
      if (goodTillTime !== null && goodTillTime <= now) throw badRequest(REJECT_REASONS.goodTillTimeInPast, 'goodTillTime is in the past');
      const postOnly = m.postOnly ?? order.participateDontInitiate;
      const newLeaves = quantity - order.cumQuantity;
      const oldLeaves = order.leavesQuantity;
      const losesPriority = price !== order.price || newLeaves > oldLeaves;
      const opposite = order.buysLong ? mb.book.bestAsk() : mb.book.bestBid();
      const wouldCross = opposite !== null && crosses(order.buysLong, price, opposite);
      if (postOnly && wouldCross) throw badRequest(REJECT_REASONS.postOnlyWouldCross, 'participateDontInitiate order would cross the book');
      // Cover the change: the instrument's reservation with the order as modified (plus a possible taker fee).
      const changed: SimOrder = { ...order, price, leavesQuantity: newLeaves, placedSeq: losesPriority ? this.placedSeq + 1 : order.placedSeq };
      const need = admissionNeed(this.ledger.marginalNeed(acc, changed, order), wouldCross ? takerFee(newLeaves, price, this.ratesOf(mb)) : 0);
      const have = this.ledger.buyingPower(acc);
      if (need > 0 && need > have) throw badRequest(REJECT_REASONS.insufficientBuyingPower, `insufficient buying power: need ${need} micros, have ${have}`);
      order.tif = tif;
      order.goodTillTime = goodTillTime ?? null;
      order.participateDontInitiate = postOnly;
      this.trackGtd(order);
      if (!losesPriority) {
        this.ledger.touch(acc, order.marketSlug);
        mb.book.setQty(order.id, newLeaves);
        order.quantity = quantity;
        order.leavesQuantity = newLeaves;
        this.orderEvent(order, 'EXECUTION_TYPE_REPLACE', null, null);
        this.events.balanceChanged(acc.id);
        this.events.positionChanged(acc.id, order.marketSlug);
        this.events.bookChanged(order.marketSlug);
        mb.transactTime = now;
        return order;
      }
      this.unrest(order, true);
      order.price = price;
      order.quantity = quantity;
      order.leavesQuantity = newLeaves;
      order.placedSeq = ++this.placedSeq;
      this.orderEvent(order, 'EXECUTION_TYPE_REPLACE', null, null);
      mb.transactTime = now;
      const plan = this.plan(mb, order, null, now);
      const touched = this.executePlan(mb, order, plan, now);
      this.restOrFinish(mb, order);
      for (const id of touched) this.cancelUnfunded(id);
      return order;
    });
  }

  /**
   * Closes (part of) the account's position in a market with a market order: SELL_LONG when long,
   * SELL_SHORT when short. The account's own resting orders of that intent in that market are canceled first:
   * they would close the same contracts, and once the position is gone they would open the other side.
   */
  closePosition(accountId: string, marketSlug: string, opts: ClosePositionOptions = {}): OrderResult {
    const acc = this.ledger.get(accountId);
    const mb = this.marketBook(marketSlug);
    const net = this.ledger.net(acc, marketSlug);
    if (net === 0) throw badRequest('NO_POSITION', `no position in ${marketSlug}`);
    const quantity = opts.quantity === undefined ? Math.abs(net) : Math.min(opts.quantity, Math.abs(net));
    const intent = net > 0 ? 'ORDER_INTENT_SELL_LONG' : 'ORDER_INTENT_SELL_SHORT';
    return this.events.run(() => {
      // In a market that is not open the market order is rejected: leave the resting orders alone then.
      for (const order of mb.market.state === 'MARKET_STATE_OPEN' ? [...acc.liveOrders.values()] : []) {
        if (order.marketSlug === marketSlug && order.intent === intent) {
          this.operationFor(accountId, () => this.finish(order, 'ORDER_STATE_CANCELED', 'EXECUTION_TYPE_CANCELED', CANCEL_TEXTS.userCanceled));
        }
      }
      return this.submitOrder(accountId, {
        marketSlug,
        intent,
        type: 'ORDER_TYPE_MARKET',
        quantity,
        tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL',
      });
    });
  }

  /** Expires every good-till-date order whose time is at or before `now`; returns their ids. */
  expireOrders(now: number = this.clock.now()): string[] {
    this.syncCalendar(now);
    if (now < this.nextExpiry) return [];
    return this.events.run(() => this.expireDue(now));
  }

  // =========================================================================================================
  // Internals: order lifecycle

  private operation(accountId: string, fn: () => SimOrder): OrderResult {
    return this.events.run(() => {
      const executions: SimExecution[] = [];
      const outer = this.collect;
      this.collect = { accountId, executions };
      try {
        const order = fn();
        return { order: toVenueOrder(order), executions };
      } finally {
        this.collect = outer;
      }
    });
  }

  private operationFor(accountId: string, fn: () => void): void {
    const outer = this.collect;
    this.collect = { accountId, executions: [] };
    try {
      fn();
    } finally {
      this.collect = outer;
    }
  }

  private marketBook(slug: string): MarketBook {
    const mb = this.markets.get(slug);
    if (!mb) throw notFound('UNKNOWN_MARKET', `market ${slug} not found`);
    return mb;
  }

  private ownOrder(acc: AccountRecord, orderId: string): SimOrder {
    const order = acc.orders.get(orderId);
    if (!order) throw notFound('UNKNOWN_ORDER', `order ${orderId} not found`);
    return order;
  }

  /** The fee rates of a market now. */
  private ratesOf(mb: MarketBook): FeeRates {
    return feeRatesFor(this.fees, { feeCoefficientPpm: mb.market.feeCoefficientPpm, sport: this.ref.sportOf(mb.market) }, this.clock.now());
  }

  private buildOrder(id: string, acc: AccountRecord, n: NormalizedOrder, now: number, placedSeq: number): SimOrder {
    const effect = INTENT_EFFECT[n.intent];
    const rates = this.ratesOf(this.marketBook(n.marketSlug));
    return {
      id,
      accountId: acc.id,
      marketSlug: n.marketSlug,
      intent: n.intent,
      side: effect.side,
      buysLong: n.buysLong,
      opens: n.opens,
      type: n.type,
      price: n.price,
      quantity: n.quantity ?? 0,
      cumQuantity: 0,
      leavesQuantity: n.quantity ?? 0,
      tif: n.tif,
      day: n.day,
      goodTillTime: n.goodTillTime,
      participateDontInitiate: n.postOnly,
      state: 'ORDER_STATE_PENDING_NEW',
      filledNotional: 0,
      createTime: now,
      placedSeq,
      commissionsBasisPoints: rates.takerThetaPpm / 100,
      makerCommissionsBasisPoints: -rates.makerThetaPpm / 100,
      commissionTotal: 0,
    };
  }

  private newOrder(acc: AccountRecord, n: NormalizedOrder, now: number): SimOrder {
    const order = this.buildOrder(this.ids.next(ID_PREFIX.order), acc, n, now, ++this.placedSeq);
    acc.orders.set(order.id, order);
    return order;
  }

  /** Why a validated order is refused before matching, or null. Sets a cash-limited order's quantity bound. */
  private refusal(acc: AccountRecord, mb: MarketBook, n: NormalizedOrder, order: SimOrder, now: number): { reason: string; text: string } | null {
    if (mb.market.state === 'MARKET_STATE_HALTED') {
      const halt = this.haltCovering(mb.market.spec.slug);
      return { reason: REJECT_REASONS.exchangeClosed, text: `market ${mb.market.spec.slug} is halted${halt ? ` (${halt.info.reason})` : ''}` };
    }
    if (mb.market.state !== 'MARKET_STATE_OPEN') {
      return { reason: REJECT_REASONS.marketNotOpen, text: `market ${mb.market.spec.slug} is ${mb.market.state}` };
    }
    if (n.priceRefusal) return n.priceRefusal;
    if (n.goodTillTime !== null && n.goodTillTime <= now) {
      return { reason: REJECT_REASONS.goodTillTimeInPast, text: 'goodTillTime is in the past' };
    }
    if (n.postOnly && n.price !== null) {
      const opposite = n.buysLong ? mb.book.bestAsk() : mb.book.bestBid();
      if (opposite !== null && crosses(n.buysLong, n.price, opposite)) {
        return { reason: REJECT_REASONS.postOnlyWouldCross, text: 'participateDontInitiate order would cross the book' };
      }
    }
    if (n.quantity === null) {
      // Cash-limited market order: bounded by its cash notional while matching, trimmed to its plan after.
      order.quantity = Number.MAX_SAFE_INTEGER;
      order.leavesQuantity = Number.MAX_SAFE_INTEGER;
    }
    if (n.type === 'ORDER_TYPE_LIMIT' && n.price !== null && n.quantity !== null) {
      // The venue's per-instrument check: what the order adds to its instrument's reservation, plus its fee.
      const fee = n.postOnly ? 0 : takerFee(n.quantity, n.price, this.ratesOf(mb));
      const need = admissionNeed(this.ledger.marginalNeed(acc, order), fee);
      const have = this.ledger.buyingPower(acc);
      if (need > 0 && need > have) {
        return { reason: REJECT_REASONS.insufficientBuyingPower, text: `insufficient buying power: need ${need} micros, have ${have}` };
      }
    }
    return null;
  }

  /**
   * A market order's cost check on its plan, or null: the cash its fills take (what they open, less what their
   * closing returns, fill by fill against the position) plus their taker fees must fit in the buying power.
   * Trims a cash-limited order's quantity.
   */
  private marketOrderRefusal(acc: AccountRecord, mb: MarketBook, n: NormalizedOrder, order: SimOrder, plan: MatchPlan): { reason: string; text: string } | null {
    if (n.type !== 'ORDER_TYPE_MARKET') return null;
    if (n.quantity === null) {
      // Cash-limited: the order is for what the cash buys now.
      order.quantity = Math.max(plan.filledQty, 0);
      order.leavesQuantity = order.quantity;
    }
    let need = 0;
    let net = this.ledger.net(acc, n.marketSlug);
    const rates = this.ratesOf(mb);
    for (const f of plan.fills) {
      need += takerFee(f.qty, f.price, rates) - tradeCashDelta(net, n.buysLong, f.qty, f.price);
      net += n.buysLong ? f.qty : -f.qty;
    }
    const have = this.ledger.buyingPower(acc);
    if (need > 0 && need > have) return { reason: REJECT_REASONS.insufficientBuyingPower, text: `insufficient buying power: need ${need} micros, have ${have}` };
    return null;
  }

  private plan(mb: MarketBook, order: SimOrder, cashLimit: Micros | null, now: number): MatchPlan {
    return planMatch(
      mb.book,
      {
        accountId: order.accountId,
        buysLong: order.buysLong,
        limit: order.price,
        qty: order.leavesQuantity,
        step: mb.market.minQty,
        cashLimit,
        cashUnit: cashUnitFor(order.buysLong, order.opens),
      },
      { now },
    );
  }

  /** Carries out a plan; returns the accounts whose buying power it moved (for the unfunded-order check). */
  private executePlan(mb: MarketBook, taker: SimOrder, plan: MatchPlan, now: number): Set<string> {
    const touched = new Set<string>([taker.accountId]);
    for (const step of plan.steps) {
      switch (step.kind) {
        case 'expire':
          this.finish(step.maker, 'ORDER_STATE_EXPIRED', 'EXECUTION_TYPE_EXPIRED', CANCEL_TEXTS.expired);
          break;
        case 'selfTrade':
          this.finish(step.maker, 'ORDER_STATE_CANCELED', 'EXECUTION_TYPE_CANCELED', CANCEL_TEXTS.selfTrade);
          break;
        case 'fill':
          this.fill(mb, taker, step.maker, step.qty, step.price, now);
          touched.add(step.maker.accountId);
          break;
      }
    }
    return touched;
  }

  /**
   * After a fill ate an account's buying power: cancels the resting orders no longer funded (the shared
   * collateral rule picks them, newest first) with an unsolicited cancel saying why. Fills are never unwound.
   */
  private cancelUnfunded(accountId: string): void {
    const acc = this.ledger.get(accountId);
    const bp = this.ledger.buyingPower(acc);
    if (bp >= 0) return;
    for (const id of unfundedOrders(acc.cash, this.ledger.exposures(acc))) {
      const order = acc.liveOrders.get(id);
      if (!order) continue;
      const text = `${CANCEL_TEXTS.unfunded} (buying power ${bp} micros)`;
      this.finish(order, 'ORDER_STATE_CANCELED', 'EXECUTION_TYPE_CANCELED', text, UNSOLICITED_CANCEL_REASON);
    }
  }

  /** After matching: a limit GTC/GTD order rests its remainder; anything else cancels it. */
  private restOrFinish(mb: MarketBook, order: SimOrder): void {
    if (order.leavesQuantity === 0) {
      this.takerFees.forget(order.id);
      // A cash-limited market order that could buy nothing ends canceled rather than "new" with no size.
      if (order.cumQuantity === 0 && isLive(order)) this.finish(order, 'ORDER_STATE_CANCELED', 'EXECUTION_TYPE_CANCELED', CANCEL_TEXTS.marketRemainder);
      return;
    }
    if (order.type === 'ORDER_TYPE_LIMIT' && this.restingTif(order)) {
      const acc = this.ledger.get(order.accountId);
      mb.book.add(order);
      acc.liveOrders.set(order.id, order);
      this.ledger.touch(acc, order.marketSlug);
      this.trackGtd(order);
      this.events.bookChanged(order.marketSlug);
      this.events.balanceChanged(acc.id);
      this.events.positionChanged(acc.id, order.marketSlug);
      mb.transactTime = this.clock.now();
      return;
    }
    const text =
      order.type === 'ORDER_TYPE_MARKET' ? CANCEL_TEXTS.marketRemainder : order.tif === 'TIME_IN_FORCE_FILL_OR_KILL' ? CANCEL_TEXTS.fokNotFilled : CANCEL_TEXTS.iocRemainder;
    this.finish(order, 'ORDER_STATE_CANCELED', 'EXECUTION_TYPE_CANCELED', text);
  }

  private restingTif(order: SimOrder): boolean {
    return order.tif === 'TIME_IN_FORCE_GOOD_TILL_CANCEL' || order.tif === 'TIME_IN_FORCE_GOOD_TILL_DATE';
  }

  private fill(mb: MarketBook, taker: SimOrder, maker: SimOrder, qty: Qty, price: PriceMicros, now: number): void {
    const slug = mb.market.spec.slug;
    const takerAcc = this.ledger.get(taker.accountId);
    const makerAcc = this.ledger.get(maker.accountId);
    const tradeId = this.ids.next(ID_PREFIX.trade);

    const rates = this.ratesOf(mb);
    const takerOut = this.ledger.applyFill(takerAcc, slug, taker.buysLong, qty, price, now);
    const fee = this.takerFees.charge(taker.id, qty, price, rates.takerThetaPpm);
    this.ledger.chargeFee(takerAcc, fee);
    taker.commissionTotal += fee;
    const makerOut = this.ledger.applyFill(makerAcc, slug, maker.buysLong, qty, price, now);
    const rebate = makerRebate(qty, price, rates);
    this.ledger.payRebate(makerAcc, rebate);
    maker.commissionTotal -= rebate;

    // The maker's resting quantity shrinks (its reservation is recomputed).
    this.ledger.touch(makerAcc, slug);
    this.applyOrderFill(maker, qty, price);
    if (maker.leavesQuantity === 0) this.unrest(maker);
    else mb.book.setQty(maker.id, maker.leavesQuantity);
    this.applyOrderFill(taker, qty, price);

    mb.lastTradePx = price;
    mb.transactTime = now;
    const takerExec = this.execution(taker, taker.leavesQuantity === 0 ? 'EXECUTION_TYPE_FILL' : 'EXECUTION_TYPE_PARTIAL_FILL', {
      lastShares: qty,
      lastPx: price,
      tradeId,
      aggressor: true,
      commission: fee,
    });
    const makerExec = this.execution(maker, maker.leavesQuantity === 0 ? 'EXECUTION_TYPE_FILL' : 'EXECUTION_TYPE_PARTIAL_FILL', {
      lastShares: qty,
      lastPx: price,
      tradeId,
      aggressor: false,
      commission: -rebate,
    });
    this.activityLog.record({
      type: 'ACTIVITY_TYPE_TRADE',
      accountId: takerAcc.id,
      marketSlug: slug,
      time: now,
      orderId: taker.id,
      executionId: takerExec.id,
      trade: { tradeId, intent: taker.intent, side: taker.side, price, qty, aggressor: true, fee, cashDelta: takerOut.cashDelta - fee },
    });
    this.activityLog.record({
      type: 'ACTIVITY_TYPE_TRADE',
      accountId: makerAcc.id,
      marketSlug: slug,
      time: now,
      orderId: maker.id,
      executionId: makerExec.id,
      trade: { tradeId, intent: maker.intent, side: maker.side, price, qty, aggressor: false, fee: -rebate, cashDelta: makerOut.cashDelta + rebate },
    });
    this.events.push({
      type: 'trade',
      marketSlug: slug,
      price,
      qty,
      time: now,
      tradeId,
      makerIntent: maker.intent,
      takerIntent: taker.intent,
      makerSide: maker.side,
      takerSide: taker.side,
    });
    this.events.positionChanged(takerAcc.id, slug);
    this.events.positionChanged(makerAcc.id, slug);
    this.events.balanceChanged(takerAcc.id);
    this.events.balanceChanged(makerAcc.id);
    this.events.bookChanged(slug);
  }

  private applyOrderFill(order: SimOrder, qty: Qty, price: PriceMicros): void {
    order.cumQuantity += qty;
    order.leavesQuantity -= qty;
    order.filledNotional += qty * price;
    order.state = order.leavesQuantity === 0 ? 'ORDER_STATE_FILLED' : 'ORDER_STATE_PARTIALLY_FILLED';
  }

  /** Takes a live order out of the book and its account's live set, releasing what it reserved. */
  private unrest(order: SimOrder, keepFeeState = false): void {
    if (!keepFeeState) this.takerFees.forget(order.id);
    const mb = this.marketBook(order.marketSlug);
    const acc = this.ledger.get(order.accountId);
    if (mb.book.remove(order.id)) {
      this.ledger.touch(acc, order.marketSlug);
      this.events.bookChanged(order.marketSlug);
      this.events.balanceChanged(acc.id);
      this.events.positionChanged(acc.id, order.marketSlug);
      mb.transactTime = this.clock.now();
    }
    acc.liveOrders.delete(order.id);
    this.gtdOrders.delete(order);
  }

  /** Ends an order (cancel, expire): removes what rests, zeroes leaves, reports the execution. */
  private finish(order: SimOrder, state: VenueOrderState, type: ExecutionType, text: string, unsolicited: UnsolicitedCancelReason | null = null): void {
    this.unrest(order);
    order.leavesQuantity = 0;
    order.state = state;
    this.orderEvent(order, type, text, null, unsolicited);
  }

  private reject(order: SimOrder, refusal: { reason: string; text: string }): void {
    order.state = 'ORDER_STATE_REJECTED';
    order.leavesQuantity = 0;
    if (order.quantity === Number.MAX_SAFE_INTEGER) order.quantity = 0;
    this.orderEvent(order, 'EXECUTION_TYPE_REJECTED', refusal.text, refusal.reason);
  }

  private cancelAllResting(mb: MarketBook, text: string): void {
    for (const order of [...mb.book.allOrders()]) {
      this.finish(order, 'ORDER_STATE_CANCELED', 'EXECUTION_TYPE_CANCELED', text, UNSOLICITED_CANCEL_REASON);
    }
  }

  private trackGtd(order: SimOrder): void {
    if (order.tif === 'TIME_IN_FORCE_GOOD_TILL_DATE' && order.goodTillTime !== null && isLive(order)) {
      this.gtdOrders.add(order);
      if (order.goodTillTime < this.nextExpiry) this.nextExpiry = order.goodTillTime;
    } else {
      this.gtdOrders.delete(order);
    }
  }

  private expireDue(now: number): string[] {
    if (now < this.nextExpiry) return [];
    const expired: string[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const order of [...this.gtdOrders]) {
      if (isExpired(order, now)) {
        this.operationFor(order.accountId, () => this.finish(order, 'ORDER_STATE_EXPIRED', 'EXECUTION_TYPE_EXPIRED', CANCEL_TEXTS.expired));
        expired.push(order.id);
      } else if (order.goodTillTime !== null && order.goodTillTime < next) {
        next = order.goodTillTime;
      }
    }
    this.nextExpiry = next;
    return expired;
  }

  // =========================================================================================================
  // Internals: reporting

  private execution(
    order: SimOrder,
    type: ExecutionType,
    f: { lastShares: Qty; lastPx: PriceMicros; tradeId: string; aggressor: boolean; commission: Micros } | null,
    text: string | null = null,
    reason: string | null = null,
    unsolicited: UnsolicitedCancelReason | null = null,
  ): SimExecution {
    const exec: SimExecution = {
      id: this.ids.next(ID_PREFIX.execution),
      order: toVenueOrder(order),
      lastShares: f ? f.lastShares : null,
      lastPx: f ? f.lastPx : null,
      type,
      text,
      orderRejectReason: reason,
      transactTime: this.clock.now(),
      tradeId: f ? f.tradeId : null,
      aggressor: f ? f.aggressor : null,
      commissionNotionalCollected: f ? f.commission : null,
      unsolicitedCancelReason: unsolicited,
    };
    if (this.collect && this.collect.accountId === order.accountId) this.collect.executions.push(exec);
    this.events.push({ type: 'execution', accountId: order.accountId, execution: exec });
    return exec;
  }

  /** Reports an order-level (non-fill) execution and records it as an ORDER activity. */
  private orderEvent(order: SimOrder, type: ExecutionType, text: string | null, reason: string | null, unsolicited: UnsolicitedCancelReason | null = null): void {
    const exec = this.execution(order, type, null, text, reason, unsolicited);
    this.activityLog.record({
      type: 'ACTIVITY_TYPE_ORDER',
      accountId: order.accountId,
      marketSlug: order.marketSlug,
      time: exec.transactTime ?? this.clock.now(),
      orderId: order.id,
      executionId: exec.id,
      order: { executionType: type, order: exec.order, text, orderRejectReason: reason, unsolicitedCancelReason: unsolicited },
    });
  }

  private recordDeposit(acc: AccountRecord, amount: Micros): void {
    this.activityLog.record({
      type: 'ACTIVITY_TYPE_DEPOSIT',
      accountId: acc.id,
      marketSlug: null,
      time: this.clock.now(),
      orderId: null,
      executionId: null,
      deposit: { amount },
    });
  }

  private positionView(accountId: string, slug: string): VenuePosition {
    const acc = this.ledger.get(accountId);
    const mb = this.markets.get(slug);
    const mark = mb?.market.settlement ? mb.market.settlement.settlementPrice : (mb?.lastTradePx ?? null);
    return this.ledger.positionView(acc, slug, mark);
  }
}
