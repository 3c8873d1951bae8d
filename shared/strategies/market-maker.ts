/**
 * Market making: two-sided post-only quotes around a fair value, skewed against inventory.
 *
 *  fair   = w × sportsbook consensus + (1 − w) × exchange mid   (consensus_weight w; either alone if the
 *           other is missing; no quote when neither exists, or without consensus if require_consensus)
 *  center = fair − clamp(netQty × skew_per_contract, ±max_skew)   (long inventory lowers both quotes)
 *  bid    = the highest tick price with (center − bid) + rebate(bid) ≥ spread/2, ask the lowest with
 *           (ask − center) + rebate(ask) ≥ spread/2: `spread` is the width the strategy must earn per round
 *           trip net of fees (its allowance for adverse selection); the maker rebate it is credited at the
 *           fill (docs/venue-rules.md, "Fees") lets it stand up to the rebate nearer. Never crossing the book.
 *  size   = order_size USD / cost per contract of each side
 *
 * The bid buys YES (or, when short, buys back NO: SELL_NO); the ask sells YES when long (SELL_YES) or buys NO.
 * The side that would take inventory past max_inventory is not quoted.
 *
 * Quotes are PULLED at once (CancelRequest) when: a game event (score, period or status change) hits the
 * fixture — then no requote for pause_after_event_ms; the book is older than stale_book_ms; the consensus is
 * older than stale_consensus_ms; the market leaves MARKET_STATE_OPEN; or no fair value can be formed.
 * A requote modifies the resting order in place (Signal.replacesOrderId) rather than cancel + new, and is
 * skipped when the price moved less than min_requote_ticks and the size is unchanged. Orders not yet
 * acknowledged by the exchange (no orderId) are left alone until they are.
 */
import { ONE_CONTRACT, qtyAffordable, qtyTimesMicros, roundToStep, type Qty } from '../domain/quantity.js';
import type { ConsensusProbability } from '../domain/feed-events.js';
import { isTradableGameStatus, type GameState } from '../domain/game.js';
import type { MarketState } from '../domain/market.js';
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';
import type { TrackedOrder } from '../domain/order.js';
import type { Signal, SignalAction } from '../domain/signal.js';
import { INTENT_EFFECT } from '../domain/venue-enums.js';
import { DEFAULT_QUOTE_LIFETIME_MS, type MarketMakerConfig } from '../config/schema.js';
import { logEnabled, nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { DEFAULT_FEE_MODEL, feePerContract, type FeeHandle, type FeeModel } from '../state/market-fees.js';
import { NO_OUTPUT, type BaseStrategy, type CancelRequest, type StrategyOutput } from './base-strategy.js';
import type { ConsensusYes, FixtureLink, StrategyContext } from './context.js';
import type { FeeRates } from '../domain/fees.js';
import { grossEdge, makerQuote } from './net-edge.js';
import { DEFAULT_TICK, MAX_ORDER_PRICE, MIN_ORDER_PRICE, probabilityToPrice } from './pricing.js';
import { ACTION_INTENT } from './signal-intent.js';

export interface MarketMakerOptions {
  config: MarketMakerConfig;
  context: StrategyContext;
  defaultTick?: PriceMicros;
  /** The markets' fee coefficients (default: the venue's default schedule). */
  fees?: FeeModel;
  logger?: Logger;
  metrics?: Metrics;
}

interface Quote {
  action: SignalAction;
  price: PriceMicros;
  quantity: Qty;
}

/** What the strategy keeps of one market. */
interface MarketMark {
  readonly slug: string;
  /** It has had a book update (only those markets are requoted on odds and on the timer). */
  known: boolean;
  /** When it last quoted (undefined: never, or pulled since: requote as soon as conditions allow). */
  lastQuoteAt: number | undefined;
  /** No requote before this time (after a game event); 0 when never paused. */
  pausedUntil: number;
  /**
   * The context's directoryRevision when `fixture`, `tick` and `step` were read (NaN: not read, or the context
   * has none: then they are read again on every use).
   */
  dirRev: number;
  fixture: Readonly<FixtureLink> | undefined;
  /** The market's tick (its info's, else the strategy's default) and size step (its info's minQty, else one contract). */
  tick: PriceMicros;
  step: Qty;
  /** The fee model's handle of the market (made on first use, when the model has handles). */
  feeHandle: FeeHandle | undefined;
  /** The context's handle of its resting orders in the market, kept by `restingOwner` (undefined: not taken yet). */
  resting: readonly Readonly<TrackedOrder>[] | undefined;
  restingOwner: object | undefined;
}

type Wanted = { bid?: Quote; ask?: Quote; fair: PriceMicros; confidence: number };
/** Wanted as the requote reads it: both sides always present (undefined: not quoted), one object shape. */
interface Want {
  bid: Quote | undefined;
  ask: Quote | undefined;
  fair: PriceMicros;
  confidence: number;
}

interface GameMark {
  homeScore: number;
  awayScore: number;
  period: number;
  status: string;
}

export class MarketMaker implements BaseStrategy {
  readonly name = 'market_maker';
  enabled: boolean;
  private readonly cfg: MarketMakerConfig;
  private readonly ctx: StrategyContext;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly defaultTick: PriceMicros;
  private readonly fees: FeeModel;
  /** Per market: what the strategy keeps of it (one lookup per event instead of one per field). */
  private readonly bySlug = new Map<string, MarketMark>();
  /** The markets it has had a book update of, in the order of the first one (the markets the timer refreshes). */
  private readonly known: MarketMark[] = [];
  /** The record of each MarketState object it was handed (the state keeps one object per market). */
  private readonly byState = new WeakMap<MarketState, MarketMark>();
  private readonly games = new Map<string, GameMark>();
  /** The reason of the last quotes and the fair value it names (both sides of a requote share one string). */
  private reasonFair = NaN;
  private reason = '';
  /** The pull counter's dimensions by the reason's first word (metrics read dimensions, never keep them). */
  private readonly pullDimensions = new Map<string, Readonly<{ reason: string }>>();
  /**
   * Scratch of a requote (reused, never handed out, never shrunk: setting an array's length is a runtime
   * call): whether each resting order buys long (entries below the resting count), the cancels (the first
   * `cancelCount`).
   */
  private readonly buysLong: boolean[] = [];
  private readonly cancels: string[] = [];
  private cancelCount = 0;
  /**
   * Scratch of a handler's outputs (the first `outCount`), handed out as one array of exactly their number
   * (`handOut`): a growing array would allocate room for 17 on its first push.
   */
  private readonly outs: StrategyOutput[] = [];
  private outCount = 0;
  /**
   * Scratch of `wanted` (one requote at a time, read before the next): the answer, its two quotes, and the
   * fair value `fairInto` found. Never handed out: desiredQuotes and fairValue copy them.
   */
  private readonly want: Want = { bid: undefined, ask: undefined, fair: 0, confidence: 0 };
  private readonly bidQuote: Quote = { action: 'BUY_YES', price: 0, quantity: 0 };
  private readonly askQuote: Quote = { action: 'BUY_NO', price: 0, quantity: 0 };
  private fair = 0;
  private fairConfidence = 0;

  constructor(opts: MarketMakerOptions) {
    this.cfg = opts.config;
    this.ctx = opts.context;
    this.enabled = opts.config.enabled;
    this.logger = opts.logger ?? nullLogger;
    this.metrics = opts.metrics ?? nullMetrics;
    this.defaultTick = opts.defaultTick ?? DEFAULT_TICK;
    this.fees = opts.fees ?? DEFAULT_FEE_MODEL;
  }

  /**
   * `market` is the context's own state of the market (what ctx.market(slug) answers now: the engine hands
   * strategies the state manager's object), so it is read from here instead of asked again.
   */
  onMarketUpdate(market: MarketState): readonly StrategyOutput[] {
    if (!this.enabled) return NO_OUTPUT;
    const m = this.markOfState(market);
    const now = this.ctx.clock.now();
    const last = m.lastQuoteAt;
    if (last === undefined && this.idle(m, now)) return NO_OUTPUT;
    const consensus = this.ctx.consensusYes(m.slug);
    const stop = this.pullReason(m, market, consensus, now);
    if (stop) return only(this.pull(m, stop, now));
    let resting: readonly Readonly<TrackedOrder>[] | undefined;
    if (last !== undefined && now - last < this.cfg.refreshIntervalMs) {
      resting = this.restingOf(m);
      if (!quoteCrossesBook(resting, market)) return NO_OUTPUT;
    }
    this.outCount = 0;
    this.quote(m, now, market, consensus, resting);
    return this.handOut();
  }

  /**
   * True when nothing can come of looking at the market now (callers first check that it has no last quote
   * time): paused after a game event with no quote resting, a pull would cancel nothing and forget nothing,
   * and a requote waits for the pause to end; pullReason only reads, so it need not be asked.
   */
  private idle(m: MarketMark, now: number): boolean {
    return m.pausedUntil > now && this.restingOf(m).length === 0;
  }

  /** The market's fee rates at `now` (through the record's fee handle when the model has handles). */
  private ratesOf(m: MarketMark, now: number): FeeRates {
    const fees = this.fees;
    if (fees.ratesOfHandle === undefined || fees.handle === undefined) return fees.ratesFor(m.slug, now);
    return fees.ratesOfHandle((m.feeHandle ??= fees.handle(m.slug)), now);
  }

  /**
   * The strategy's resting orders in the market (ctx.restingOrders): through the record's handle while the
   * context's owner of handles is the one it was taken from; asked by slug when the context has no handles.
   */
  private restingOf(m: MarketMark): readonly Readonly<TrackedOrder>[] {
    const ctx = this.ctx;
    if (ctx.restingOrdersOwner === undefined || ctx.restingOrdersHandle === undefined) return ctx.restingOrders(m.slug, this.name);
    const owner = ctx.restingOrdersOwner();
    if (m.restingOwner !== owner || m.resting === undefined) {
      m.resting = ctx.restingOrdersHandle(m.slug, this.name);
      m.restingOwner = owner;
    }
    return m.resting;
  }

  /** The market's record, made on first use. */
  private markOf(slug: string): MarketMark {
    let m = this.bySlug.get(slug);
    if (m === undefined) {
      m = {
        slug, known: false, lastQuoteAt: undefined, pausedUntil: 0, dirRev: NaN, fixture: undefined, tick: this.defaultTick, step: ONE_CONTRACT,
        feeHandle: undefined, resting: undefined, restingOwner: undefined,
      };
      this.bySlug.set(slug, m);
    }
    return m;
  }

  /**
   * Brings the record's fixture link, tick and step up to date: read again when the context's directory
   * revision moved since they were read (every time when the context has no revision).
   */
  private directoryOf(m: MarketMark): MarketMark {
    const rev = this.ctx.directoryRevision?.();
    if (rev !== undefined && m.dirRev === rev) return m;
    m.fixture = this.ctx.fixtureForMarket(m.slug);
    const info = this.ctx.marketInfo(m.slug);
    m.tick = info?.tick ?? this.defaultTick;
    // Sizes on the market's grid (its minimum size is its increment), so a resting quote matches what is wanted.
    m.step = info?.minQty ?? ONE_CONTRACT;
    m.dirRev = rev ?? NaN;
    return m;
  }

  /** The record of a market with a book update (found by the state object when it was seen before), now known. */
  private markOfState(market: MarketState): MarketMark {
    let m = this.byState.get(market);
    if (m === undefined || m.slug !== market.marketSlug) {
      m = this.markOf(market.marketSlug);
      this.byState.set(market, m);
    }
    if (!m.known) {
      m.known = true;
      this.known.push(m);
    }
    return m;
  }

  onGameUpdate(game: GameState): readonly StrategyOutput[] {
    if (!this.enabled) return NO_OUTPUT;
    // The game's mark is kept in one object per game, set to the update (its previous values kept for the comparison).
    const prev = this.games.get(game.gameId);
    if (!prev) {
      this.games.set(game.gameId, { homeScore: game.homeScore, awayScore: game.awayScore, period: game.period, status: game.status });
      return NO_OUTPUT;
    }
    const { homeScore, awayScore, period, status } = prev;
    prev.homeScore = game.homeScore;
    prev.awayScore = game.awayScore;
    prev.period = game.period;
    prev.status = game.status;
    if (homeScore === game.homeScore && awayScore === game.awayScore && period === game.period && status === game.status) return NO_OUTPUT;
    // The pull's reason is written only when a market has quotes to cancel (most events find none).
    const now = this.ctx.clock.now();
    const markets = this.ctx.marketsForFixture(game.gameId);
    let reason: string | undefined;
    this.outCount = 0;
    for (let i = 0; i < markets.length; i++) {
      const m = this.markOf(markets[i] as string);
      m.pausedUntil = now + this.cfg.pauseAfterEventMs;
      m.lastQuoteAt = undefined; // requote as soon as conditions allow
      const mine = this.restingOf(m);
      if (mine.length === 0) continue;
      reason ??= `game event: ${gameChange(homeScore, awayScore, period, status, game)}`;
      this.emit(this.cancelOf(m.slug, mine, reason, now));
    }
    if (this.outCount > 0) this.metrics.increment('strategy.mm.pulled_on_event');
    return this.handOut();
  }

  onOddsUpdate(consensus: ConsensusProbability): readonly StrategyOutput[] {
    if (!this.enabled) return NO_OUTPUT;
    const now = this.ctx.clock.now();
    this.outCount = 0;
    for (const slug of this.ctx.marketsForFixture(consensus.fixtureId)) {
      const m = this.bySlug.get(slug);
      if (m === undefined || !m.known) continue;
      if (m.lastQuoteAt === undefined && this.idle(m, now)) continue;
      const market = this.ctx.market(slug);
      const consensus = this.ctx.consensusYes(slug);
      const stop = this.pullReason(m, market, consensus, now);
      if (stop === undefined) this.quote(m, now, market, consensus);
      else {
        const c = this.pull(m, stop, now);
        if (c) this.emit(c);
      }
    }
    return this.handOut();
  }

  onTimer(now: number): readonly StrategyOutput[] {
    if (!this.enabled) return NO_OUTPUT;
    this.outCount = 0;
    const known = this.known;
    for (let i = 0; i < known.length; i++) {
      const m = known[i] as MarketMark;
      if (m.lastQuoteAt === undefined && this.idle(m, now)) continue;
      const market = this.ctx.market(m.slug);
      const consensus = this.ctx.consensusYes(m.slug);
      const stop = this.pullReason(m, market, consensus, now);
      if (stop) {
        const c = this.pull(m, stop, now);
        if (c) this.emit(c);
        continue;
      }
      const last = m.lastQuoteAt;
      if (last === undefined || now - last >= this.cfg.refreshIntervalMs) this.quote(m, now, market, consensus);
    }
    return this.handOut();
  }

  /**
   * Why quotes in this market must come down now, if they must; `market` and `consensus` are the context's
   * answers for the market now (ctx.market, ctx.consensusYes).
   */
  private pullReason(m: MarketMark, market: MarketState | undefined, consensus: ConsensusYes | undefined, now: number): string | undefined {
    if (!market) return 'no market data';
    if (market.state !== 'MARKET_STATE_OPEN') return `market state ${market.state}`;
    if (now - market.updatedAt > this.cfg.staleBookMs) return `stale book (${now - market.updatedAt} ms old)`;
    if (consensus && consensus.ageMs > this.cfg.staleConsensusMs) return `stale consensus (${consensus.ageMs} ms old)`;
    if (!consensus && this.cfg.requireConsensus) return 'no sportsbook consensus';
    const fixture = this.directoryOf(m).fixture;
    const game = fixture ? this.ctx.game(fixture.fixtureId) : undefined;
    if (game && !isTradableGameStatus(game.status)) return `game ${game.status}`;
    return undefined;
  }

  /** Forgets the market's last quote time; the cancel of its resting quotes, if it has any. */
  private pull(m: MarketMark, reason: string, now: number): CancelRequest | undefined {
    m.lastQuoteAt = undefined; // requote as soon as conditions allow
    const mine = this.restingOf(m);
    return mine.length === 0 ? undefined : this.cancelOf(m.slug, mine, reason, now);
  }

  /** The cancel of the market's resting quotes `mine` (not empty), logged and counted. */
  private cancelOf(slug: string, mine: readonly Readonly<TrackedOrder>[], reason: string, now: number): CancelRequest {
    if (logEnabled(this.logger, 'info')) this.logger.info('market maker pulling quotes', { market: slug, reason, orders: mine.length });
    this.metrics.increment('strategy.mm.pull', 1, this.pullDimensionsOf(reason));
    return { kind: 'cancel', marketSlug: slug, localIds: mine.map((o) => o.localId), strategyName: this.name, reason, createdAt: now };
  }

  /** The fair YES price in micros, or undefined. */
  fairValue(slug: string): { fair: PriceMicros; confidence: number } | undefined {
    return this.fairInto(this.ctx.market(slug), this.ctx.consensusYes(slug)) ? { fair: this.fair, confidence: this.fairConfidence } : undefined;
  }

  /**
   * The fair YES price from the market's state and consensus, into `this.fair` and `this.fairConfidence`;
   * false (and neither set) when there is none.
   */
  private fairInto(market: MarketState | undefined, consensus: ConsensusYes | undefined): boolean {
    const mid = market && market.yesBid !== null && market.yesAsk !== null ? (market.yesBid + market.yesAsk) / 2 : undefined;
    if (consensus && mid !== undefined) {
      const w = this.cfg.consensusWeight;
      return this.setFair(Math.round(w * probabilityToPrice(consensus.probability) + (1 - w) * mid), consensus.confidence);
    }
    if (consensus) return this.setFair(probabilityToPrice(consensus.probability), consensus.confidence);
    if (mid !== undefined && !this.cfg.requireConsensus) return this.setFair(Math.round(mid), 0.5);
    return false;
  }

  private setFair(fair: PriceMicros, confidence: number): true {
    this.fair = fair;
    this.fairConfidence = confidence;
    return true;
  }

  /** The quotes wanted now (without reconciling with resting orders). */
  desiredQuotes(slug: string): Wanted | undefined {
    const info = this.ctx.marketInfo(slug);
    const tick = info?.tick ?? this.defaultTick;
    const step = info?.minQty ?? ONE_CONTRACT;
    const w = this.wanted(slug, this.ctx.market(slug), this.ctx.consensusYes(slug), tick, step, this.fees.ratesFor(slug, this.ctx.clock.now()));
    if (!w) return undefined;
    const out: Wanted = { fair: w.fair, confidence: w.confidence };
    if (w.bid) out.bid = copyQuote(w.bid);
    if (w.ask) out.ask = copyQuote(w.ask);
    return out;
  }

  /**
   * The quotes wanted from the context's answers for the market now: its state, consensus, tick, size step, and the
   * fee rates of the clock's now. The answer is the strategy's scratch (`this.want`): read it before the next call.
   */
  private wanted(slug: string, market: MarketState | undefined, consensus: ConsensusYes | undefined, tick: PriceMicros, step: Qty, rates: FeeRates): Want | undefined {
    if (!this.fairInto(market, consensus) || !market) return undefined;
    const fair = this.fair;
    const want = this.want;
    want.fair = fair;
    want.confidence = this.fairConfidence;
    want.bid = undefined;
    want.ask = undefined;
    const net = this.ctx.position(slug)?.netQty ?? 0;
    const skew = Math.max(-this.cfg.maxSkew, Math.min(this.cfg.maxSkew, qtyTimesMicros(net, this.cfg.skewPerContract, 'down')));
    const center = fair - skew;
    const half = this.cfg.spread / 2;
    let bidPx = makerQuote(true, center, half, tick, rates);
    let askPx = makerQuote(false, center, half, tick, rates);
    // Post-only: never cross the book.
    if (market.yesAsk !== null && bidPx >= market.yesAsk) bidPx = market.yesAsk - tick;
    if (market.yesBid !== null && askPx <= market.yesBid) askPx = market.yesBid + tick;
    if (bidPx >= askPx) return want;
    if (bidPx >= Math.max(tick, MIN_ORDER_PRICE) && bidPx <= Math.min(ONE_DOLLAR - tick, MAX_ORDER_PRICE)) {
      const qty = qtyAffordable(this.cfg.orderSize, bidPx);
      if (net < 0) want.bid = quoteOf(this.bidQuote, 'SELL_NO', bidPx, Math.min(qty, -net), step);
      else if (net < this.cfg.maxInventory) want.bid = quoteOf(this.bidQuote, 'BUY_YES', bidPx, Math.min(qty, this.cfg.maxInventory - net), step);
    }
    if (askPx >= Math.max(tick, MIN_ORDER_PRICE) && askPx <= Math.min(ONE_DOLLAR - tick, MAX_ORDER_PRICE)) {
      const qty = qtyAffordable(this.cfg.orderSize, ONE_DOLLAR - askPx);
      if (net > 0) want.ask = quoteOf(this.askQuote, 'SELL_YES', askPx, Math.min(qty, net), step);
      else if (-net < this.cfg.maxInventory) want.ask = quoteOf(this.askQuote, 'BUY_NO', askPx, Math.min(qty, this.cfg.maxInventory + net), step);
    }
    return want;
  }

  /**
   * Emits what brings the market's resting quotes to the wanted ones: one cancel of the quotes no
   * longer wanted (first), then the bid's and the ask's new or modified quote.
   */
  /**
   * `market` and `consensus` are the context's answers for the market now, `resting` (when given) its
   * restingOrders of this strategy now.
   */
  private quote(
    m: MarketMark,
    now: number,
    market: MarketState | undefined,
    consensus: ConsensusYes | undefined,
    resting?: readonly Readonly<TrackedOrder>[],
  ): void {
    if (m.pausedUntil > now) return;
    const slug = m.slug;
    const { tick, step } = this.directoryOf(m);
    const clockNow = this.ctx.clock.now();
    const rates = this.ratesOf(m, clockNow);
    const want = this.wanted(slug, market, consensus, tick, step, rates);
    if (!want) {
      const c = this.pull(m, 'no fair value', now);
      if (c) this.emit(c);
      return;
    }
    m.lastQuoteAt = now;
    resting ??= this.restingOf(m);
    // Each resting order's side once, and whether a side has an order not yet acknowledged.
    const buysLong = this.buysLong;
    let bidWaits = false;
    let askWaits = false;
    for (let i = 0; i < resting.length; i++) {
      const o = resting[i] as Readonly<TrackedOrder>;
      const b = INTENT_EFFECT[o.request.intent].buysLong;
      buysLong[i] = b;
      if (o.orderId === null) {
        if (b) bidWaits = true;
        else askWaits = true;
      }
    }
    this.cancelCount = 0;
    // The edges are those at `now` (the timer's time may differ from the clock's).
    const nowRates = clockNow === now ? rates : undefined;
    // Wait for the ack before touching a side.
    const bid = bidWaits ? undefined : this.reconcileSide(slug, true, want.bid, resting, want, now, tick, nowRates);
    const ask = askWaits ? undefined : this.reconcileSide(slug, false, want.ask, resting, want, now, tick, nowRates);
    if (this.cancelCount > 0) this.emit({ kind: 'cancel', marketSlug: slug, localIds: this.cancels.slice(0, this.cancelCount), strategyName: this.name, reason: 'requote', createdAt: now });
    if (bid) this.emit(bid);
    if (ask) this.emit(ask);
  }

  private emit(o: StrategyOutput): void {
    this.outs[this.outCount++] = o;
  }

  /** The outputs emitted since the handler began, as a fresh array (NO_OUTPUT when none). */
  private handOut(): readonly StrategyOutput[] {
    const n = this.outCount;
    this.outCount = 0;
    return n === 0 ? NO_OUTPUT : this.outs.slice(0, n);
  }

  /**
   * One side (`buys`: the resting orders that buy long, none of them unacknowledged) of a requote: the orders
   * of that side to cancel go into `this.cancels` (its first `cancelCount` entries); returns the new or modifying signal, if one is needed.
   * `this.buysLong` holds the side of each resting order.
   */
  private reconcileSide(
    slug: string,
    buys: boolean,
    wanted: Quote | undefined,
    resting: readonly Readonly<TrackedOrder>[],
    ctx: { fair: PriceMicros; confidence: number },
    now: number,
    tick: PriceMicros,
    rates: FeeRates | undefined,
  ): Signal | undefined {
    let same: Readonly<TrackedOrder> | undefined;
    const intent = wanted ? ACTION_INTENT[wanted.action] : undefined;
    const buysLong = this.buysLong;
    for (let i = 0; i < resting.length; i++) {
      if (buysLong[i] !== buys) continue;
      const o = resting[i] as Readonly<TrackedOrder>;
      if (same === undefined && o.request.intent === intent) same = o;
      else this.cancels[this.cancelCount++] = o.localId;
    }
    if (!wanted) return undefined;
    if (same) {
      const remaining = same.request.quantity - same.filledQty;
      const moved = Math.abs((same.request.price ?? 0) - wanted.price);
      if (remaining === wanted.quantity && moved < this.cfg.minRequoteTicks * tick) return undefined;
    }
    // edgeAt's gross and net, without its object.
    const gross = grossEdge(wanted.action, wanted.price, ctx.fair);
    const fee = feePerContract('MAKER', wanted.price, rates ?? this.fees.ratesFor(slug, now));
    const signal: Signal = {
      marketSlug: slug,
      action: wanted.action,
      price: wanted.price,
      quantity: wanted.quantity,
      grossEdge: gross,
      netEdge: gross - fee,
      urgency: 'LOW',
      strategyName: this.name,
      confidence: ctx.confidence,
      reason: this.reasonOf(ctx.fair),
      fairProbability: ctx.fair / ONE_DOLLAR,
      createdAt: now,
      postOnly: true,
      timeInForce: 'GTD',
      goodTillTime: now + (this.cfg.quoteLifetimeMs ?? DEFAULT_QUOTE_LIFETIME_MS),
    };
    if (same?.orderId) signal.replacesOrderId = same.orderId;
    return signal;
  }

  /**
   * `quote around fair <fair>`, made once per fair value in a row (a map of them all was tried: the fair
   * values seldom repeat, and its lookups cost more than the texts they saved).
   */
  private reasonOf(fair: PriceMicros): string {
    if (fair !== this.reasonFair) {
      this.reasonFair = fair;
      this.reason = `quote around fair ${fair}`;
    }
    return this.reason;
  }

  /** The pull counter's dimensions: the reason's first word (its text up to the first space). */
  private pullDimensionsOf(reason: string): Readonly<{ reason: string }> {
    const space = reason.indexOf(' ');
    const word = space < 0 ? reason : reason.slice(0, space);
    let d = this.pullDimensions.get(word);
    if (d === undefined) this.pullDimensions.set(word, (d = Object.freeze({ reason: word })));
    return d;
  }
}

/** True when a resting quote's price is at or through the far side of the book (a post-only requote is due). */
function quoteCrossesBook(resting: readonly Readonly<TrackedOrder>[], market: MarketState): boolean {
  for (let i = 0; i < resting.length; i++) {
    const o = resting[i] as Readonly<TrackedOrder>;
    const px = o.request.price;
    if (px === undefined) continue;
    if (INTENT_EFFECT[o.request.intent].buysLong ? market.yesAsk !== null && px >= market.yesAsk : market.yesBid !== null && px <= market.yesBid) return true;
  }
  return false;
}

/** A quote on the market's size grid, written into `into`, or undefined when nothing is left of its size there. */
function quoteOf(into: Quote, action: SignalAction, price: PriceMicros, quantity: Qty, step: Qty): Quote | undefined {
  const q = roundToStep(quantity, step, 'down');
  if (!(q > 0)) return undefined;
  into.action = action;
  into.price = price;
  into.quantity = q;
  return into;
}

/** What changed from a game's previous mark to `game`: the score first, then the period, then the status. */
function gameChange(homeScore: number, awayScore: number, period: number, status: string, game: GameState): string {
  if (homeScore !== game.homeScore || awayScore !== game.awayScore) return `score ${homeScore}-${awayScore} → ${game.homeScore}-${game.awayScore}`;
  if (period !== game.period) return `period ${period} → ${game.period}`;
  return `status ${status} → ${game.status}`;
}

function copyQuote(q: Quote): Quote {
  return { action: q.action, price: q.price, quantity: q.quantity };
}

function only(c: CancelRequest | undefined): readonly StrategyOutput[] {
  return c ? [c] : NO_OUTPUT;
}
