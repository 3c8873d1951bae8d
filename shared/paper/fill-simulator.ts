/**
 * An honest fill simulator for paper trading and backtests. It errs on the side of the exchange, never the
 * strategy (docs/architecture.md, "Paper trading must be trusted with a go-live decision"):
 *
 * - Orders reach the simulated book only after the configured latency (on the injected Scheduler), and are
 *   matched against the book as it is THEN, not as it was when they were sent. Cancels and modifies take
 *   the same latency, so an order can still fill while its cancel is on the way.
 * - A taker walks the VISIBLE opposite book level by level at the book's prices, only as deep as its limit;
 *   what runs out is a partial fill (IOC/market remainder cancelled, FOK all-or-nothing, GTC remainder rests).
 *   Liquidity the simulator has already given us is remembered ("depletion") and not given again by the next
 *   snapshot of the same level, since the real book does not know our paper orders took it.
 * - A resting order fills ONLY when a trade prints at or through its price, after the queue ahead of it has
 *   traded, or when the book crosses its price. Its queue ahead is the visible size at its price when it
 *   arrived; trades at that price reduce it; other size removed from the level is assumed to be cancelled from
 *   BEHIND us (the queue only shrinks when the level itself shrinks below it) unless `cancelModel` is
 *   'proportional' (removals spread pro rata: more optimistic). Book changes alone are never fills.
 * - One trade print never fills our orders for more than its own size, and never shortens a queue that a book
 *   update already shortened for the same trade: the venue promises no order between the book and the trade
 *   messages, so a print whose trade time is not after the last book's transact time is taken as already in
 *   that book (the size the book cut from the queue is put back before the print is applied).
 * - Markets that are not OPEN, or with no book yet, accept no orders (nor modifies).
 * - Self-trade prevention, as the venue does it: an order (or a modify) that would cross a resting order of our
 *   own on the other side cancels that RESTING order first (reason `self_trade`), then matches as usual.
 * - Good-till-date orders expire at their goodTillTime (EXPIRED); DAY orders do not expire at the trade-day
 *   roll (the venue's DAY caveat, docs/venue-rules.md), so they rest like good-till-cancel.
 * - Money is the paper exchange's: it admits orders (buying power), caps a fill at what the account can pay
 *   (`fundable`: the rest of the order is cancelled as unfunded) and cancels unfunded orders after a fill
 *   (`cancelUnfunded`).
 *
 * The simulator knows nothing about money: the paper exchange admits orders (buying power) and prices fees.
 */
import { formatQuantity, type Qty } from '../domain/quantity.js';
import type { Clock } from '../domain/clock.js';
import type { BookLevel } from '../domain/market.js';
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';
import { INTENT_EFFECT, type OrderIntent, type OrderSide, type OrderType, type TimeInForce, type ReportedMarketState } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import { DEFAULT_MARKET_RULES, type MarketRules } from '../execution/order-builder.js';
import type { Scheduler } from '../execution/scheduler.js';

export type CancelModel = 'behind' | 'proportional';

export interface FillSimulatorConfig {
  /** One-way latency of an order or a modify to the simulated book, ms. */
  latencyMs: number;
  /** One-way latency of a cancel, ms (default: latencyMs); an order can still fill while its cancel travels. */
  cancelLatencyMs?: number;
  /**
   * How far the market data the strategies see lags the venue's book, ms (default 0). A request then meets
   * the book as the feed will show it this much after the request's latency: added to every request's delay.
   */
  marketDataDelayMs?: number;
  /**
   * Share of the visible size at its price that is queued ahead of an order when it comes to rest (and when
   * a modify loses its priority), 0..1; default 1, the back of the visible queue (config
   * `trading.paper.queue_ahead_fraction`; a shadow day's calibration fits it).
   */
  queueAheadFraction?: number;
  cancelModel: CancelModel;
  rules: (marketSlug: string) => MarketRules | undefined;
}

export const DEFAULT_FILL_SIMULATOR_CONFIG: FillSimulatorConfig = {
  latencyMs: 50,
  cancelModel: 'behind',
  rules: () => undefined,
};

export interface SimOrderSpec {
  id: string;
  marketSlug: string;
  intent: OrderIntent;
  type: OrderType;
  /** Long-side limit price; null for a market order. */
  price: PriceMicros | null;
  quantity: Qty;
  tif: TimeInForce;
  postOnly: boolean;
  /** Epoch ms when a good-till-date order expires. */
  goodTillTime?: number | null;
}

export type SimOrderStatus = 'in_flight' | 'resting' | 'done';

export interface SimOrder extends SimOrderSpec {
  buysLong: boolean;
  filledQty: Qty;
  /** Σ price × qty of fills, micros. */
  filledNotional: number;
  status: SimOrderStatus;
  /** Estimated contracts ahead of this order at its price (resting orders). */
  queueAhead: number;
  /** What book updates cut from queueAhead, up to the transact time of the last such update (null: unknown). */
  queueCutByBook: number;
  queueCutUntil: number | null;
  sentAt: number;
  arrivedAt: number | null;
  seq: number;
  cancelRequested: boolean;
}

export interface SimFill {
  orderId: string;
  qty: Qty;
  /** Long-side price of the fill. */
  price: PriceMicros;
  liquidity: 'MAKER' | 'TAKER';
  /**
   * What filled it: the order (or its modify) taking the book on arrival, a trade print at or through its
   * price, or a book that crossed its price (the crossing orders taken to trade with us: a fill the venue gives
   * only if they were not post-only, booked on purpose since it is a loss at the mark).
   */
  trigger: FillTrigger;
  time: number;
}

export type FillTrigger = 'arrival' | 'trade' | 'book';

/**
 * `unfunded`, `exchange` and `self_trade`: cancelled by the exchange on its own (no longer funded; any other
 * reason; a newer order of ours would have crossed it).
 */
export type DoneReason = 'filled' | 'cancelled' | 'unfilled_ioc' | 'unfilled_fok' | 'market_closed' | 'expired' | 'unfunded' | 'exchange' | 'self_trade';

export type SimEvent =
  | { type: 'accepted'; order: SimOrder }
  | { type: 'fill'; order: SimOrder; fill: SimFill }
  | { type: 'done'; order: SimOrder; reason: DoneReason }
  | { type: 'rejected'; order: SimOrder; reason: string }
  | { type: 'replaced'; order: SimOrder }
  | { type: 'request_rejected'; order: SimOrder; request: 'cancel' | 'modify'; reason: string };

export interface AdmissionHooks {
  /** Called when an order reaches the book and would trade or rest: a reason rejects it (e.g. buying power). */
  admit?(order: SimOrder): string | null;
  /** Called when a modify reaches the book: a reason refuses it (the order keeps working unchanged). */
  admitModify?(order: SimOrder, change: { price: PriceMicros; quantity: Qty }): string | null;
  /** Called before each fill: how many of `qty` contracts the account can pay (the rest is not traded). */
  fundable?(order: SimOrder, qty: Qty, price: PriceMicros, liquidity: 'MAKER' | 'TAKER'): Qty;
}

/**
 * A market's latest book as the simulator sees it. Everything derived from the message — the sorted levels,
 * the per-price quantities, the depletion and trade maps — is built on first use, so a market with no paper
 * order working (every market in live mode) costs no copies and sorts per message: its book is renewed in
 * place (`renew`), as is every market's under the 'behind' cancel model (only the proportional one reads the
 * previous book); the resting orders' visible sizes are read off the message's levels (`visibleAt`). The message's level arrays are kept by reference: market events are never changed once
 * emitted.
 */
class SimBook {
  private sortedBids: readonly BookLevel[] | undefined;
  private sortedAsks: readonly BookLevel[] | undefined;
  private bidQtyMap: Map<number, number> | undefined;
  private askQtyMap: Map<number, number> | undefined;
  private takenBidsMap: Map<number, number> | undefined;
  private takenAsksMap: Map<number, number> | undefined;
  private tradedBidsMap: Map<number, number> | undefined;
  private tradedAsksMap: Map<number, number> | undefined;

  constructor(
    private rawBids: readonly BookLevel[],
    private rawAsks: readonly BookLevel[],
    public state: ReportedMarketState,
  ) {}

  /**
   * This book becomes the next message's: exactly what a new SimBook that inherits this one's depletion
   * would be (for a market where nothing reads the previous book any more).
   */
  renew(bids: readonly BookLevel[], asks: readonly BookLevel[], state: ReportedMarketState): void {
    const takenBids = this.takenBidsMap;
    const takenAsks = this.takenAsksMap;
    // A side whose array is the previous message's keeps what was derived from it (arrays never change).
    if (bids !== this.rawBids) {
      this.rawBids = bids;
      this.sortedBids = this.bidQtyMap = undefined;
    }
    if (asks !== this.rawAsks) {
      this.rawAsks = asks;
      this.sortedAsks = this.askQtyMap = undefined;
    }
    this.state = state;
    this.takenBidsMap = this.takenAsksMap = undefined;
    this.tradedBidsMap = this.tradedAsksMap = undefined;
    if (takenBids?.size) this.takenBidsMap = clampTaken(takenBids, this.bidQty);
    if (takenAsks?.size) this.takenAsksMap = clampTaken(takenAsks, this.askQty);
  }

  /** Bids, best (highest) first. */
  get bids(): readonly BookLevel[] {
    return (this.sortedBids ??= bestFirst(this.rawBids, -1));
  }

  /** Asks, best (lowest) first. */
  get asks(): readonly BookLevel[] {
    return (this.sortedAsks ??= bestFirst(this.rawAsks, 1));
  }

  /**
   * The visible size at a price on one side (bids: `bid`), 0 when absent: what bidQty/askQty give, read from
   * the message's levels without building the map when it is not built yet (the last level at a price wins,
   * as in the map).
   */
  visibleAt(bid: boolean, price: number): number {
    const built = bid ? this.bidQtyMap : this.askQtyMap;
    if (built !== undefined) return built.get(price) ?? 0;
    const levels = bid ? this.rawBids : this.rawAsks;
    for (let i = levels.length - 1; i >= 0; i--) {
      const l = levels[i] as BookLevel;
      if (l.price === price) return l.qty;
    }
    return 0;
  }

  get bidQty(): Map<number, number> {
    return (this.bidQtyMap ??= qtyByPrice(this.rawBids));
  }

  get askQty(): Map<number, number> {
    return (this.askQtyMap ??= qtyByPrice(this.rawAsks));
  }

  /** Visible liquidity we have already taken, per price, per side. */
  get takenBids(): Map<number, number> {
    return (this.takenBidsMap ??= new Map());
  }

  get takenAsks(): Map<number, number> {
    return (this.takenAsksMap ??= new Map());
  }

  /** Traded at each bid (taker sold) / ask (taker bought) price since the last book. */
  get tradedBids(): Map<number, number> {
    return (this.tradedBidsMap ??= new Map());
  }

  get tradedAsks(): Map<number, number> {
    return (this.tradedAsksMap ??= new Map());
  }

  /** Carries the previous book's depletion over, clamped to what this book shows at each price. */
  inheritTaken(prev: SimBook): void {
    if (prev.takenBidsMap?.size) this.takenBidsMap = clampTaken(prev.takenBidsMap, this.bidQty);
    if (prev.takenAsksMap?.size) this.takenAsksMap = clampTaken(prev.takenAsksMap, this.askQty);
  }
}

/**
 * One market as the simulator keeps it, made on its first book or order and kept for good (a market's book
 * and its orders are found with one lookup; see FillSimulator.found).
 */
interface SimMarket {
  /** Its latest book (none before its first book message). */
  book: SimBook | undefined;
  /** Its orders not yet done, in submission order (what every per-market scan reads); empty when none. */
  readonly working: Map<string, SimOrder>;
}

export class FillSimulator {
  private readonly cfg: FillSimulatorConfig;
  private readonly markets = new Map<string, SimMarket>();
  /** The market last looked up and its key: a book message usually follows one of the same market. */
  private lastSlug: string | undefined = undefined;
  private lastMarket: SimMarket | undefined = undefined;
  private readonly orders = new Map<string, SimOrder>();
  private readonly listeners: ((e: SimEvent) => void)[] = [];
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    config: Partial<FillSimulatorConfig> = {},
    private readonly hooks: AdmissionHooks = {},
  ) {
    this.cfg = { ...DEFAULT_FILL_SIMULATOR_CONFIG, ...config };
  }

  onEvent(listener: (e: SimEvent) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1);
  }

  get latencyMs(): number {
    return this.cfg.latencyMs;
  }

  /** Sends an order; it reaches the book after the latency. */
  submit(spec: SimOrderSpec): SimOrder {
    if (this.orders.has(spec.id)) throw new Error(`duplicate simulated order id ${spec.id}`);
    // Spelled out, not spread (a spread in a literal is a runtime call per order); the spec's fields first.
    const o: SimOrder = {
      id: spec.id,
      marketSlug: spec.marketSlug,
      intent: spec.intent,
      type: spec.type,
      price: spec.price,
      quantity: spec.quantity,
      tif: spec.tif,
      postOnly: spec.postOnly,
      goodTillTime: spec.goodTillTime,
      buysLong: INTENT_EFFECT[spec.intent].buysLong,
      filledQty: 0,
      filledNotional: 0,
      status: 'in_flight',
      queueAhead: 0,
      queueCutByBook: 0,
      queueCutUntil: null,
      sentAt: this.clock.now(),
      arrivedAt: null,
      seq: ++this.seq,
      cancelRequested: false,
    };
    this.orders.set(o.id, o);
    this.market(o.marketSlug).working.set(o.id, o);
    this.scheduler.schedule(this.requestDelay(this.cfg.latencyMs), () => this.arrive(o));
    return o;
  }

  /** Sends a cancel; it takes effect after the latency if the order is still working then. */
  cancel(orderId: string): boolean {
    const o = this.orders.get(orderId);
    if (!o || o.status === 'done') return false;
    o.cancelRequested = true;
    this.scheduler.schedule(this.requestDelay(this.cfg.cancelLatencyMs ?? this.cfg.latencyMs), () => {
      if (o.status === 'done') return;
      this.finish(o, 'cancelled');
    });
    return true;
  }

  /** Sends a modify (new long-side price and new TOTAL quantity); applied after the latency. */
  modify(orderId: string, change: { price?: PriceMicros; quantity?: Qty }): boolean {
    const o = this.orders.get(orderId);
    if (!o || o.status === 'done') return false;
    this.scheduler.schedule(this.requestDelay(this.cfg.latencyMs), () => this.applyModify(o, change));
    return true;
  }

  /** Cancels working orders now, on the exchange's own initiative (unfunded after a fill, …): no latency. */
  cancelNow(orderIds: readonly string[], reason: 'unfunded' | 'exchange'): SimOrder[] {
    const out: SimOrder[] = [];
    for (const id of orderIds) {
      const o = this.orders.get(id);
      if (!o || o.status === 'done') continue;
      this.finish(o, reason);
      out.push(o);
    }
    return out;
  }

  /** Closes every working order of a market now (settlement, market closed). */
  closeMarket(marketSlug: string): SimOrder[] {
    const closed: SimOrder[] = [];
    // Oldest first; an order a listener sends meanwhile is closed too, as a scan of every order would.
    for (let o = this.firstWorking(marketSlug); o; o = this.firstWorking(marketSlug)) {
      this.finish(o, 'market_closed');
      closed.push(o);
    }
    return closed;
  }

  get(orderId: string): SimOrder | undefined {
    return this.orders.get(orderId);
  }

  /** Orders resting on the simulated book (arrived, not done). */
  restingOrders(marketSlug?: string): SimOrder[] {
    if (marketSlug !== undefined) return this.restingIn(marketSlug);
    return [...this.orders.values()].filter((o) => o.status === 'resting');
  }

  /** Orders sent but not yet done (in flight or resting). */
  workingOrders(marketSlug?: string): SimOrder[] {
    if (marketSlug !== undefined) return [...(this.found(marketSlug)?.working.values() ?? [])];
    return [...this.orders.values()].filter((o) => o.status !== 'done');
  }

  bookOf(marketSlug: string): { bids: readonly BookLevel[]; asks: readonly BookLevel[]; state: ReportedMarketState } | undefined {
    const b = this.found(marketSlug)?.book;
    return b ? { bids: b.bids, asks: b.asks, state: b.state } : undefined;
  }

  /** Feeds market data: 'book' and 'trade' events move the simulation; others are ignored. */
  onMarketEvent(ev: VenueEvent): void {
    if (ev.type === 'book') this.onBook(ev.marketSlug, ev.bids, ev.asks, ev.state, ev.transactTime);
    else if (ev.type === 'trade') this.onTrade(ev.marketSlug, ev.price, ev.qty, ev.takerSide, ev.tradeTime);
  }

  /** Forgets finished orders (memory bound for long backtests). */
  prune(): void {
    for (const [id, o] of this.orders) if (o.status === 'done') this.orders.delete(id);
  }

  // ---------------------------------------------------------------------------------------------------------

  private emit(e: SimEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** When a request meets the book, on the feed's timeline: its latency plus the feed's lag. */
  private requestDelay(latencyMs: number): number {
    return latencyMs + (this.cfg.marketDataDelayMs ?? 0);
  }

  private firstWorking(marketSlug: string): SimOrder | undefined {
    return this.found(marketSlug)?.working.values().next().value;
  }

  /** A market's record, if it has one (the last one found is remembered: records are never dropped). */
  private found(slug: string): SimMarket | undefined {
    if (slug === this.lastSlug) return this.lastMarket;
    const m = this.markets.get(slug);
    if (m !== undefined) {
      this.lastSlug = slug;
      this.lastMarket = m;
    }
    return m;
  }

  /** A market's record, made empty on first use. */
  private market(slug: string): SimMarket {
    let m = this.found(slug);
    if (m === undefined) {
      m = { book: undefined, working: new Map() };
      this.markets.set(slug, m);
      this.lastSlug = slug;
      this.lastMarket = m;
    }
    return m;
  }

  /** Cancels our resting orders on the other side that an order at `limit` (null: any price) would cross. */
  private cancelSelfCrossed(o: SimOrder, limit: PriceMicros | null): void {
    for (const r of this.restingIn(o.marketSlug)) {
      if (r === o || r.buysLong === o.buysLong) continue;
      const crosses = limit === null || (o.buysLong ? r.price! <= limit : r.price! >= limit);
      if (crosses) this.finish(r, 'self_trade');
    }
  }

  private restingIn(marketSlug: string): SimOrder[] {
    const out: SimOrder[] = [];
    const mine = this.found(marketSlug)?.working;
    if (mine) for (const o of mine.values()) if (o.status === 'resting') out.push(o);
    return out;
  }

  /** Marks an order done and drops it from its market's working set (before anyone hears it is done). */
  private markDone(o: SimOrder): void {
    o.status = 'done';
    this.found(o.marketSlug)?.working.delete(o.id);
  }

  private reject(o: SimOrder, reason: string): void {
    this.markDone(o);
    this.emit({ type: 'rejected', order: o, reason });
  }

  private finish(o: SimOrder, reason: DoneReason): void {
    this.markDone(o);
    this.emit({ type: 'done', order: o, reason });
  }

  private remaining(o: SimOrder): number {
    return o.quantity - o.filledQty;
  }

  private validate(o: SimOrder): string | null {
    const rules = this.cfg.rules(o.marketSlug) ?? DEFAULT_MARKET_RULES;
    if (!Number.isSafeInteger(o.quantity) || o.quantity <= 0) return 'invalid quantity';
    if (o.quantity < rules.minQty) return `quantity below minimum ${formatQuantity(rules.minQty)}`;
    if (o.type === 'ORDER_TYPE_LIMIT') {
      if (o.price === null || !Number.isSafeInteger(o.price)) return 'limit order without a valid price';
      if (o.price <= 0 || o.price >= ONE_DOLLAR) return 'price must be strictly between 0 and 1';
      if (o.price % rules.tick !== 0) return `price not on tick ${rules.tick}`;
    }
    if (o.tif === 'TIME_IN_FORCE_GOOD_TILL_DATE') {
      if (o.goodTillTime === undefined || o.goodTillTime === null || !Number.isSafeInteger(o.goodTillTime)) return 'good-till-date order without goodTillTime';
      if (o.goodTillTime <= this.clock.now()) return 'goodTillTime is in the past';
    }
    return null;
  }

  private arrive(o: SimOrder): void {
    if (o.status === 'done') return;
    const now = this.clock.now();
    const invalid = this.validate(o);
    if (invalid) return this.reject(o, invalid);
    const book = this.found(o.marketSlug)?.book;
    if (!book) return this.reject(o, 'no market data for this market');
    if (book.state !== 'MARKET_STATE_OPEN') return this.reject(o, `market not open (${book.state})`);
    this.cancelSelfCrossed(o, o.type === 'ORDER_TYPE_MARKET' ? null : o.price);

    const plan = this.takerPlan(book, o.buysLong, o.type === 'ORDER_TYPE_MARKET' ? null : o.price, o.quantity);
    const planned = plan.reduce((s, l) => s + l.qty, 0);
    if (o.postOnly && planned > 0) return this.reject(o, 'post-only order would cross the book');
    if (o.tif === 'TIME_IN_FORCE_FILL_OR_KILL' && planned < o.quantity) {
      o.arrivedAt = now;
      return this.finish(o, 'unfilled_fok');
    }
    const refused = this.hooks.admit?.(o) ?? null;
    if (refused) return this.reject(o, refused);

    o.arrivedAt = now;
    o.status = 'resting';
    this.emit({ type: 'accepted', order: o });
    const taken = o.buysLong ? book.takenAsks : book.takenBids;
    for (const level of plan) {
      taken.set(level.price, (taken.get(level.price) ?? 0) + level.qty);
      if (this.fill(o, level.qty, level.price, 'TAKER', 'arrival')) return;
    }
    if (o.type === 'ORDER_TYPE_MARKET' || o.tif === 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' || o.tif === 'TIME_IN_FORCE_FILL_OR_KILL') {
      return this.finish(o, 'unfilled_ioc');
    }
    // Rests at the back of the visible queue at its price (a cancel already on the way lands on its own).
    o.queueAhead = this.queueAheadOf((o.buysLong ? book.bidQty : book.askQty).get(o.price!) ?? 0);
    o.queueCutByBook = 0;
    if (o.tif === 'TIME_IN_FORCE_GOOD_TILL_DATE') {
      this.scheduler.schedule(o.goodTillTime! - now, () => {
        if (o.status !== 'done') this.finish(o, 'expired');
      });
    }
  }

  private applyModify(o: SimOrder, change: { price?: PriceMicros; quantity?: Qty }): void {
    if (o.status !== 'resting') {
      if (o.status !== 'done') this.emit({ type: 'request_rejected', order: o, request: 'modify', reason: 'order not resting' });
      return;
    }
    // The venue refuses a modify while the market is not open (halted, suspended, pre-open): nothing changes.
    const state = this.found(o.marketSlug)?.book?.state;
    if (state !== undefined && state !== 'MARKET_STATE_OPEN') {
      this.emit({ type: 'request_rejected', order: o, request: 'modify', reason: `market not open (${state})` });
      return;
    }
    const price = change.price ?? o.price!;
    const quantity = change.quantity ?? o.quantity;
    const rules = this.cfg.rules(o.marketSlug) ?? DEFAULT_MARKET_RULES;
    if (!Number.isSafeInteger(quantity) || quantity <= 0 || !Number.isSafeInteger(price) || price <= 0 || price >= ONE_DOLLAR || price % rules.tick !== 0) {
      this.emit({ type: 'request_rejected', order: o, request: 'modify', reason: 'invalid modify' });
      return;
    }
    if (quantity <= o.filledQty) {
      o.quantity = o.filledQty;
      this.emit({ type: 'replaced', order: o });
      return this.finish(o, o.filledQty > 0 ? 'filled' : 'cancelled');
    }
    const book = this.found(o.marketSlug)?.book;
    if (!book) return;
    if (price !== o.price) this.cancelSelfCrossed(o, price);
    const newPlan = price !== o.price ? this.takerPlan(book, o.buysLong, price, quantity - o.filledQty) : [];
    if (o.postOnly && newPlan.length > 0) {
      this.emit({ type: 'request_rejected', order: o, request: 'modify', reason: 'post-only modify would cross the book' });
      return;
    }
    const refused = this.hooks.admitModify?.(o, { price, quantity }) ?? null;
    if (refused) {
      this.emit({ type: 'request_rejected', order: o, request: 'modify', reason: refused });
      return;
    }
    const losesPriority = price !== o.price || quantity > o.quantity;
    o.price = price;
    o.quantity = quantity;
    this.emit({ type: 'replaced', order: o });
    if (losesPriority) {
      o.queueAhead = this.queueAheadOf((o.buysLong ? book.bidQty : book.askQty).get(price) ?? 0);
      o.queueCutByBook = 0;
    }
    const taken = o.buysLong ? book.takenAsks : book.takenBids;
    for (const level of newPlan) {
      taken.set(level.price, (taken.get(level.price) ?? 0) + level.qty);
      if (this.fill(o, level.qty, level.price, 'TAKER', 'arrival')) return;
    }
  }

  /** The size queued ahead of an order arriving at a level showing `visible` (whole hundredths, rounded up). */
  private queueAheadOf(visible: number): number {
    const f = this.cfg.queueAheadFraction ?? 1;
    return f >= 1 ? visible : Math.ceil(visible * Math.max(0, f));
  }

  /** The levels a taker would take: best first, within the limit, up to `qty`, net of what we already took. */
  private takerPlan(book: SimBook, buysLong: boolean, limit: PriceMicros | null, qty: Qty): { price: number; qty: Qty }[] {
    const levels = buysLong ? book.asks : book.bids;
    const taken = buysLong ? book.takenAsks : book.takenBids;
    const plan: { price: number; qty: number }[] = [];
    let need = qty;
    for (const l of levels) {
      if (need <= 0) break;
      if (limit !== null && (buysLong ? l.price > limit : l.price < limit)) break;
      const avail = l.qty - (taken.get(l.price) ?? 0);
      if (avail <= 0) continue;
      const q = Math.min(avail, need);
      plan.push({ price: l.price, qty: q });
      need -= q;
    }
    return plan;
  }

  /**
   * Records a fill of up to `qty` (no more than the account can pay: the rest of the order is cancelled as
   * unfunded); returns true when the order is done (filled, or ended meanwhile by a listener).
   */
  private fill(o: SimOrder, wanted: number, price: PriceMicros, liquidity: 'MAKER' | 'TAKER', trigger: FillTrigger): boolean {
    if (isDone(o)) return true;
    const qty = Math.max(0, Math.min(wanted, this.hooks.fundable?.(o, wanted, price, liquidity) ?? wanted));
    if (qty > 0) {
      o.filledQty += qty;
      o.filledNotional += qty * price;
      this.emit({ type: 'fill', order: o, fill: { orderId: o.id, qty, price, liquidity, trigger, time: this.clock.now() } });
    }
    if (isDone(o)) return true; // a listener ended it (unfunded after this very fill)
    if (qty < wanted) {
      this.finish(o, this.remaining(o) > 0 ? 'unfunded' : 'filled');
      return true;
    }
    if (this.remaining(o) > 0) return false;
    if (o.status !== 'done') this.finish(o, 'filled');
    return true;
  }

  private onBook(slug: string, bids: BookLevel[], asks: BookLevel[], state: ReportedMarketState, transactTime: number | null = null): void {
    const m = this.market(slug);
    const prev = m.book;
    if (m.working.size === 0) {
      // No order of ours in this market: nothing reads the previous book after this message.
      if (prev) prev.renew(bids, asks, state);
      else m.book = new SimBook(bids, asks, state);
      return;
    }
    // The previous book is read below only by the proportional cancel model: the behind model renews it.
    const proportional = this.cfg.cancelModel === 'proportional';
    let book: SimBook;
    if (prev && !proportional) {
      prev.renew(bids, asks, state);
      book = prev;
    } else {
      book = new SimBook(bids, asks, state);
      if (prev) book.inheritTaken(prev);
      m.book = book;
    }

    let anyResting = false;
    let anyFirstInQueue = false;
    for (const o of m.working.values()) {
      if (o.status !== 'resting') continue;
      anyResting = true;
      const queueBefore = o.queueAhead;
      const visible = book.visibleAt(o.buysLong, o.price!);
      if (proportional && prev && o.queueAhead > 0) {
        const before = (o.buysLong ? prev.bidQty : prev.askQty).get(o.price!) ?? 0;
        const traded = (o.buysLong ? prev.tradedBids : prev.tradedAsks).get(o.price!) ?? 0;
        const removed = before - visible - traded;
        if (removed > 0 && before > 0) o.queueAhead -= Math.floor((removed * o.queueAhead) / before);
      }
      // Whatever happened, no more can be ahead of us than is visible at our price.
      o.queueAhead = Math.max(0, Math.min(o.queueAhead, visible));
      if (o.queueAhead < queueBefore) {
        o.queueCutByBook = transactTime === null ? 0 : o.queueCutByBook + queueBefore - o.queueAhead;
        o.queueCutUntil = transactTime;
      }
      if (!(o.queueAhead > 0)) anyFirstInQueue = true;
    }
    if (!anyResting) return;
    if (state !== 'MARKET_STATE_OPEN') return;
    // Only an order with nothing queued ahead can be crossed (a fill below changes no other order's queue).
    if (!anyFirstInQueue) return;

    // A book that crosses a resting order's price: the crossing orders would have traded with us, at our price.
    for (const o of sortByPriority(this.restingIn(slug))) {
      if (o.status !== 'resting' || o.queueAhead > 0) continue;
      const plan = this.takerPlan(book, o.buysLong, o.price, this.remaining(o));
      const taken = o.buysLong ? book.takenAsks : book.takenBids;
      let q = 0;
      for (const level of plan) {
        taken.set(level.price, (taken.get(level.price) ?? 0) + level.qty);
        q += level.qty;
      }
      if (q > 0) this.fill(o, q, o.price!, 'MAKER', 'book');
    }
  }

  private onTrade(slug: string, price: PriceMicros, qty: Qty, takerSide: OrderSide, tradeTime: number | null = null): void {
    if (!Number.isSafeInteger(qty) || qty <= 0) return;
    const m = this.found(slug);
    const book = m?.book;
    // What traded at each price since the last book: only the proportional cancel model reads it.
    if (book && this.cfg.cancelModel === 'proportional') {
      const traded = takerSide === 'ORDER_SIDE_SELL' ? book.tradedBids : book.tradedAsks;
      traded.set(price, (traded.get(price) ?? 0) + qty);
    }
    if (m === undefined || m.working.size === 0) return; // no order of ours in this market
    // A taker sell trades against bids (our buys); a taker buy against asks (our sells).
    const ourSideBuys = takerSide === 'ORDER_SIDE_SELL';
    const candidates = sortByPriority(
      this.restingIn(slug).filter((o) => o.buysLong === ourSideBuys && (ourSideBuys ? o.price! >= price : o.price! <= price)),
    );
    let budget = qty;
    for (const o of candidates) {
      if (budget <= 0) break;
      const through = ourSideBuys ? o.price! > price : o.price! < price;
      let q: number;
      if (through) {
        // The print went through our price: everything at our price, us included, was taken first.
        o.queueAhead = 0;
        o.queueCutByBook = 0;
        q = Math.min(this.remaining(o), budget);
      } else {
        // A book that already showed this trade (transact time not before it) cut it from the queue: put it back.
        const inBook = tradeTime !== null && o.queueCutUntil !== null && tradeTime <= o.queueCutUntil;
        const cut = inBook ? Math.min(o.queueCutByBook, budget) : 0;
        if (!inBook) o.queueCutByBook = 0;
        const ahead = o.queueAhead + cut;
        q = Math.max(0, Math.min(this.remaining(o), budget - ahead));
        o.queueAhead = Math.max(0, Math.min(o.queueAhead, ahead - budget));
        o.queueCutByBook -= cut;
      }
      if (q > 0 && o.status === 'resting') {
        budget -= q;
        this.fill(o, q, o.price!, 'MAKER', 'trade');
      }
    }
  }
}

/** Read through a call so the compiler does not narrow a status a listener may have changed. */
function isDone(o: SimOrder): boolean {
  return o.status === 'done';
}

/** A side's visible size per price (the last level at a price wins). */
function qtyByPrice(levels: readonly BookLevel[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as BookLevel;
    out.set(l.price, l.qty);
  }
  return out;
}

/**
 * The levels best first (bids: highest first, `direction` −1; asks: lowest first, +1): the message's own
 * array when it already is strictly so (the venue's order; no copy: message arrays never change), else a
 * sorted copy (a stable sort: equal prices keep their order).
 */
function bestFirst(levels: readonly BookLevel[], direction: 1 | -1): readonly BookLevel[] {
  for (let i = 1; i < levels.length; i++) {
    if (((levels[i] as BookLevel).price - (levels[i - 1] as BookLevel).price) * direction <= 0) {
      return [...levels].sort((a, b) => (a.price - b.price) * direction);
    }
  }
  return levels;
}

function clampTaken(prev: Map<number, number>, visible: Map<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [price, taken] of prev) {
    const v = visible.get(price) ?? 0;
    const t = Math.min(taken, v);
    if (t > 0) out.set(price, t);
  }
  return out;
}

/** Best price first for the order's side (highest bid, lowest ask), then time priority. */
function sortByPriority(orders: SimOrder[]): SimOrder[] {
  return [...orders].sort((a, b) => {
    if (a.price !== b.price) return a.buysLong ? b.price! - a.price! : a.price! - b.price!;
    return a.seq - b.seq;
  });
}
