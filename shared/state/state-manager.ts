/**
 * The state manager (seed: state_manager): the one in-memory picture of the world, kept from every feed.
 * It turns exchange events (books, trades, positions, connection) and feed events (scores, odds, feed
 * health) into MarketState / GameState / PositionState and consensus probabilities, and publishes each
 * change on the event bus, in the order the inputs arrived.
 *
 * Pure and clock-injected: no I/O, no timers. Malformed input is logged, counted and skipped.
 */
import { qtyTimesMicros, type Qty } from '../domain/quantity.js';
import type { Clock } from '../domain/clock.js';
import type { ConsensusProbability, FeedEvent, OddsQuote } from '../domain/feed-events.js';
import type { ConsensusMemo } from '../feeds/fair-value/consensus.js';
import { bestOnly, executableMark, midMarkValue, type ExecutableMark, type LevelAt } from '../domain/executable-mark.js';
import { DEFAULT_FEE_RATES, type FeeRates } from '../domain/fees.js';
import { ownAtOf, withoutOwn, type OwnLiquidity } from '../domain/own-liquidity.js';
import type { GameState } from '../domain/game.js';
import type { MarketState } from '../domain/market.js';
import { ONE_DOLLAR, midHalfEven, type PriceMicros } from '../domain/money.js';
import type { PositionState } from '../domain/position.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { VenuePosition } from '../domain/venue-models.js';
import { mapFixtureStatus, marketKeyOf } from '../feeds/wire.js';
import type { Logger } from '../observability/logger.js';
import { nullLogger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { nullMetrics } from '../observability/metrics.js';
import type { EngineEvents } from './engine-events.js';
import type { Channel, EventBus } from './event-bus.js';
import type { MarketDirectory, MarketLink } from './market-directory.js';
import { OrderBook } from './order-book.js';
import { markPosition } from './position-marks.js';
import { RollingVolume } from './rolling-volume.js';

/**
 * Computes the no-vig consensus of one fixture's market from the current quotes (fair-value module). The
 * array is the state manager's own, updated in place by later odds: read it during the call, do not keep it.
 * `memo` is one object per fixture × market, kept for the function's working memory between calls (it must
 * not change the result: createConsensusFn keeps there what lets it de-vig only the books that changed).
 */
export type ConsensusFn = (
  quotes: readonly OddsQuote[],
  fixtureId: string,
  market: string,
  now: number,
  memo?: ConsensusMemo,
) => ConsensusProbability | undefined;
/**
 * Live probability that the HOME team wins, given the game and the pre-game home probability. A function of
 * its arguments alone: the state manager reuses its answer while the game object and the pre-game value stay.
 */
export type WinProbabilityFn = (game: GameState, pregameHomeProbability: number) => number | undefined;

export interface StateManagerOptions {
  clock: Clock;
  bus: EventBus<EngineEvents>;
  directory: MarketDirectory;
  consensus: ConsensusFn;
  winProbability: WinProbabilityFn;
  logger?: Logger;
  metrics?: Metrics;
  /** A market's fee rates now, for the taker fee of the executable marks (default: the venue's defaults). */
  feeRates?: (marketSlug: string) => FeeRates;
  /**
   * Moves whenever feeRates may answer differently for some market (the directory changed, the clock crossed
   * a scheduled fee change); NaN where it cannot tell. With it a held market's taker Θ is asked once per
   * epoch, not on every book message.
   */
  feeEpoch?: () => number;
  /** Told of every market whose executable marks may have moved (its book, best prices or last trade changed). */
  onMarkInputs?: (marketSlug: string) => void;
  /**
   * The bot's own resting orders on the venue's book (live trading only; absent in paper mode and replays):
   * the executable marks close against the book without them (docs/pnl-marks.md, "The bot's own orders").
   */
  ownLiquidity?: OwnLiquidity;
}

interface MarketEntry {
  readonly book: OrderBook;
  state: MarketState;
  volume: RollingVolume;
  hasFullBook: boolean;
  /** The book's sides as an executable mark walks them (made once per market). */
  readonly bidLevels: LevelAt;
  readonly askLevels: LevelAt;
  /**
   * The held position's marks moved (remark) and its PositionState is not made again until someone reads it
   * (position, allPositions, addFees, onPosition): made then from the clock time and the taker Θ of the last
   * move, which is what remark would have made at once (every input of the marks moves only with a remark).
   */
  markDue: boolean;
  /** A position is held here (the venue's last position of this market is not flat): what remark marks. */
  held: boolean;
  markAt: number;
  markThetaPpm: number;
  /** The market's taker Θ (thetaPpm) as feeRates answered it at feeEpoch `thetaEpoch` (NaN: not yet asked). */
  thetaEpoch: number;
  thetaPpm: number;
  /** The market's view once asked (the object `views` holds for it): the market's questions find both with one lookup. */
  view: MarketView | undefined;
  /** The market's position (the object `positions` holds for it; replaced with it), if any. */
  position: PositionState | undefined;
}

/**
 * One fixture's market's latest quote per key, in first-arrival order: the list the consensus reads, kept
 * in place (a newer quote takes its key's slot) so an odds update copies nothing; and its consensus.
 */
interface MarketQuotes extends ConsensusMemo {
  fixtureId: string;
  market: string;
  /** Quote key → index in `list`. */
  at: Map<string, number>;
  list: OddsQuote[];
  /** The odds message that last touched it. */
  touchedBy: number;
  consensus: ConsensusProbability | undefined;
  /** StateManager.consensusSeq when `consensus` was last set (0: never). */
  consensusStamp: number;
  /** The link that freezes the pre-game strength from this market, as read at directory revision `linkRevision`. */
  pregameLink: MarketLink | undefined;
  linkRevision: number;
}

/** One fixture's pre-game home strength and the live model's last answer (and what it was asked). */
interface FixtureModel {
  /** Home win probability before the game went live (frozen at kick-off), or inferred (inferPregame). */
  pregame: number | undefined;
  game: GameState | undefined;
  pre: number;
  home: number | undefined;
}

/**
 * What the strategies' per-market questions read, found once per market and directory revision: its link, the
 * quotes (and so the consensus) of the link's fixture × market, and the fixture's model; with the last
 * consensusYes answer, reused while the consensus and the clock stand still.
 */
interface MarketView {
  revision: number;
  /** StateManager.consensusSeq when the view was (re)made for `revision` (its link and quotes found). */
  stamp: number;
  link: MarketLink | undefined;
  quotes: MarketQuotes | undefined;
  fixture: FixtureModel | undefined;
  yesOf: ConsensusProbability | undefined;
  yesAt: number;
  yes: ConsensusYes | undefined;
  /** The one ConsensusYes object of this market, made on first use and rewritten in place after. */
  yesBox: ConsensusYes | undefined;
}

/** The consensus probability of a market's YES side (StrategyContext.consensusYes). Shared: read at once, never keep or change. */
interface ConsensusYes {
  probability: number;
  confidence: number;
  ageMs: number;
}

/**
 * An executable mark and everything it was computed from: the book (object and version), whether it is a
 * whole book, the best prices, the last trade, the net quantity and the taker Θ. Reused while all are equal.
 */
interface CachedMark {
  book: OrderBook;
  version: number;
  fullBook: boolean;
  bid: PriceMicros | null;
  ask: PriceMicros | null;
  last: PriceMicros | null;
  netQty: Qty;
  thetaPpm: number;
  /** The own resting orders' version of the market (OwnLiquidity.version; 0 without a source). */
  own: number;
  mark: ExecutableMark;
}

export class StateManager {
  private readonly markets = new Map<string, MarketEntry>();
  private readonly games = new Map<string, GameState>();
  /**
   * The market and the game last looked up, and their keys: the strategies ask about the market (and its
   * game) of the update being handled several times over. Markets are never dropped; a game is replaced on
   * each update (onGame keeps this in step).
   */
  private lastSlug: string | undefined = undefined;
  private lastEntry: MarketEntry | undefined = undefined;
  private lastGameId: string | undefined = undefined;
  private lastGame: GameState | undefined = undefined;
  /** fixtureId → market → its quotes. */
  private readonly quotes = new Map<string, Map<string, MarketQuotes>>();
  /**
   * Stamps the views' and the market quotes' consensus changes (see consensusRevision): one increasing count for
   * both, so the larger of a market's two stamps moves whenever either does.
   */
  private consensusSeq = 0;
  /** Odds messages handled (marks the markets each one touched). */
  private oddsUpdates = 0;
  /** The markets the odds message being handled touched (reused; a fresh list if one is handled within another). */
  private touched: MarketQuotes[] = [];
  private inOdds = false;
  /** fixtureId → its pre-game strength and live model answer. */
  private readonly fixtureModels = new Map<string, FixtureModel>();
  /** marketSlug → what its questions read (MarketView). */
  private readonly views = new Map<string, MarketView>();
  /** The bus's channels of the topics published on every market, game and odds message (no topic lookup each). */
  private readonly marketChannel: Channel<MarketState>;
  private readonly gameChannel: Channel<GameState>;
  private readonly oddsChannel: Channel<ConsensusProbability>;
  private readonly positions = new Map<string, PositionState>();
  private readonly rawPositions = new Map<string, VenuePosition>();
  private readonly feedHealthy = new Map<string, boolean>();
  /** Each market's last executable mark and what it was computed from (see closeoutMark). */
  private readonly markCache = new Map<string, CachedMark>();
  /** The markets whose position is due to be marked again (MarketEntry.markDue). */
  private readonly marksDue = new Set<MarketEntry>();
  private balance = { balance: 0, buyingPower: 0, updatedAt: 0 };
  private readonly logger: Logger;
  private readonly metrics: Metrics;

  constructor(private readonly opts: StateManagerOptions) {
    this.logger = opts.logger ?? nullLogger;
    this.metrics = opts.metrics ?? nullMetrics;
    this.marketChannel = opts.bus.channel('market_update');
    this.gameChannel = opts.bus.channel('game_update');
    this.oddsChannel = opts.bus.channel('odds_update');
    // The bot's own resting orders moved: the market's marks move with them (the cache sees the version).
    opts.ownLiquidity?.onChange((slug) => {
      const e = this.markets.get(slug);
      if (e) this.remark(slug, e);
    });
  }

  // ---------------------------------------------------------------- exchange side

  onVenueEvent(ev: VenueEvent): void {
    switch (ev.type) {
      case 'book':
        return this.onBook(ev);
      case 'bbo':
        return this.onBbo(ev.marketSlug, ev.bestBid, ev.bestAsk, ev.lastTradePx, ev.receivedAt);
      case 'trade':
        return this.onTrade(ev.marketSlug, ev.price, ev.qty, ev.tradeTime, ev.takerSide);
      case 'positions_snapshot': {
        const seen = new Set<string>();
        for (const p of ev.positions) {
          seen.add(p.marketSlug);
          this.onPosition(p);
        }
        // A snapshot is the whole truth: positions it does not list are flat.
        for (const slug of [...this.rawPositions.keys()]) {
          if (!seen.has(slug)) this.onPosition({ ...(this.rawPositions.get(slug) as VenuePosition), netPosition: 0, cost: 0 });
        }
        return;
      }
      case 'position':
        return this.onPosition(ev.position);
      case 'balance':
        this.balance = { balance: ev.balance, buyingPower: ev.buyingPower, updatedAt: ev.receivedAt };
        return;
      case 'connection': {
        const key = `exchange:${ev.channel}`;
        const healthy = ev.status === 'up';
        if (this.feedHealthy.get(key) === healthy) return;
        this.feedHealthy.set(key, healthy);
        this.opts.bus.emit('feed_health', { source: 'exchange', stream: ev.channel, healthy, reason: ev.reason, at: ev.at });
        return;
      }
      case 'orders_snapshot':
      case 'execution':
        // Orders and executions belong to the order tracker, not to the market picture.
        return;
    }
  }

  private entry(slug: string): MarketEntry {
    let e = this.found(slug);
    if (!e) {
      const book = new OrderBook(slug);
      e = {
        book,
        bidLevels: (i) => book.level('bid', i),
        askLevels: (i) => book.level('ask', i),
        volume: new RollingVolume(),
        hasFullBook: false,
        markDue: false,
        held: this.isHeld(slug),
        markAt: 0,
        markThetaPpm: 0,
        thetaEpoch: NaN,
        thetaPpm: 0,
        view: this.views.get(slug),
        position: this.positions.get(slug),
        state: {
          marketSlug: slug,
          yesBid: null,
          yesAsk: null,
          noBid: null,
          noAsk: null,
          yesBidQty: 0,
          yesAskQty: 0,
          lastTradePrice: null,
          lastTradeTime: null,
          volume24h: 0,
          state: 'MARKET_STATE_OPEN',
          updatedAt: 0,
        },
      };
      this.markets.set(slug, e);
    }
    return e;
  }

  /** A market's entry, if it has one (see lastSlug). */
  private found(slug: string): MarketEntry | undefined {
    if (slug === this.lastSlug) return this.lastEntry;
    const e = this.markets.get(slug);
    if (e !== undefined) {
      this.lastSlug = slug;
      this.lastEntry = e;
    }
    return e;
  }

  private onBook(ev: Extract<VenueEvent, { type: 'book' }>): void {
    const e = this.entry(ev.marketSlug);
    try {
      e.book.replace(ev);
    } catch (err) {
      this.metrics.increment('state.book_rejected', 1);
      this.logger.warn('book message rejected', { marketSlug: ev.marketSlug, err });
      return;
    }
    e.hasFullBook = true;
    const s = e.state;
    s.yesBid = e.book.bestBid;
    s.yesAsk = e.book.bestAsk;
    s.yesBidQty = e.book.bestBidQty;
    s.yesAskQty = e.book.bestAskQty;
    s.noBid = s.yesAsk === null ? null : ONE_DOLLAR - s.yesAsk;
    s.noAsk = s.yesBid === null ? null : ONE_DOLLAR - s.yesBid;
    s.state = ev.state;
    s.updatedAt = ev.receivedAt;
    this.remark(ev.marketSlug, e);
    this.marketChannel.emit(s);
  }

  private onBbo(slug: string, bid: PriceMicros | null, ask: PriceMicros | null, last: PriceMicros | null, at: number): void {
    const e = this.entry(slug);
    const s = e.state;
    if (!e.hasFullBook) {
      if (bid !== null && ask !== null && bid >= ask) {
        this.metrics.increment('state.bbo_rejected', 1);
        this.logger.warn('crossed best bid/offer ignored', { marketSlug: slug, bid, ask });
        return;
      }
      s.yesBid = bid;
      s.yesAsk = ask;
      s.noBid = ask === null ? null : ONE_DOLLAR - ask;
      s.noAsk = bid === null ? null : ONE_DOLLAR - bid;
    }
    if (last !== null) s.lastTradePrice = last;
    s.updatedAt = at;
    this.remark(slug, e);
    this.marketChannel.emit(s);
  }

  private onTrade(slug: string, price: PriceMicros, qty: Qty, time: number, takerSide: 'ORDER_SIDE_BUY' | 'ORDER_SIDE_SELL'): void {
    if (!Number.isSafeInteger(price) || price <= 0 || price >= ONE_DOLLAR || !Number.isSafeInteger(qty) || qty <= 0) {
      this.metrics.increment('state.trade_rejected', 1);
      this.logger.warn('trade print ignored', { marketSlug: slug, price, qty });
      return;
    }
    const e = this.entry(slug);
    e.volume.add(qtyTimesMicros(qty, price, 'down'), time);
    e.state.lastTradePrice = price;
    e.state.lastTradeTime = time;
    e.state.volume24h = e.volume.value(time);
    this.remark(slug, e); // a mark may fall back to the last trade
    this.opts.bus.emit('trade', { marketSlug: slug, price, qty, takerSide, time });
    this.marketChannel.emit(e.state);
  }

  private onPosition(p: VenuePosition): void {
    const e = this.markets.get(p.marketSlug);
    if (e?.markDue) this.markDone(e);
    this.rawPositions.set(p.marketSlug, p);
    const prev = this.positions.get(p.marketSlug);
    const ps = this.markedPosition(p, e, prev?.feesPaid ?? 0, this.opts.clock.now(), this.takerThetaPpm(p.marketSlug));
    this.positions.set(p.marketSlug, ps);
    if (e) {
      e.held = p.netPosition !== 0;
      e.position = ps;
    }
    this.opts.bus.emit('position_update', ps);
  }

  /** Fees are not part of the venue's position object: the order tracker reports them here. */
  addFees(slug: string, fee: number): void {
    const p = this.position(slug);
    if (p) p.feesPaid += fee;
  }

  /**
   * The marks of a market moved: its held position is marked again, when next read (see MarketEntry.markDue),
   * at this clock time and this taker Θ.
   */
  private remark(slug: string, e: MarketEntry): void {
    this.opts.onMarkInputs?.(slug);
    if (!e.held) return;
    e.markAt = this.opts.clock.now();
    e.markThetaPpm = this.entryThetaPpm(slug, e);
    if (!e.markDue) {
      e.markDue = true;
      this.marksDue.add(e);
    }
  }

  private isHeld(slug: string): boolean {
    const raw = this.rawPositions.get(slug);
    return raw !== undefined && raw.netPosition !== 0 && this.positions.has(slug);
  }

  /** Marks a market's held position again, as its last remark would have (its marks have not moved since). */
  private markNow(e: MarketEntry): void {
    this.markDone(e);
    const slug = e.book.marketSlug;
    const raw = this.rawPositions.get(slug) as VenuePosition;
    const prev = e.position as PositionState;
    const ps = this.markedPosition(raw, e, prev.feesPaid, e.markAt, e.markThetaPpm);
    this.positions.set(slug, ps);
    e.position = ps;
  }

  private markDone(e: MarketEntry): void {
    e.markDue = false;
    this.marksDue.delete(e);
  }

  /** Every held position whose marks moved, marked again. */
  private markAllDue(): void {
    for (const e of this.marksDue) this.markNow(e);
  }

  private markedPosition(p: VenuePosition, e: MarketEntry | undefined, feesPaid: number, now: number, takerThetaPpm: number): PositionState {
    const slug = p.marketSlug;
    const netQty = p.netPosition;
    const s = e?.state;
    const closeout = this.closeoutMarkAt(slug, netQty, takerThetaPpm);
    const midValue = s ? midMarkValue(netQty, s.yesBid, s.yesAsk, s.lastTradePrice) : null;
    return markPosition(p, closeout, midValue, feesPaid, now);
  }

  /**
   * The executable mark of holding `netQty` (signed) in a market: selling a long into the bids, buying a
   * short back at the asks, walking the book's depth (only the best price, size unknown, until a whole book
   * has arrived), less the taker fee; the last trade when that side is empty (shared/domain/executable-mark.ts).
   */
  closeoutMark(slug: string, netQty: Qty): ExecutableMark {
    return this.closeoutMarkAt(slug, netQty, this.takerThetaPpm(slug));
  }

  /** closeoutMark at a given taker Θ. */
  private closeoutMarkAt(slug: string, netQty: Qty, takerThetaPpm: number): ExecutableMark {
    const e = this.markets.get(slug);
    if (!e) return computeMark(e, netQty, takerThetaPpm, undefined);
    const s = e.state;
    const book = e.book;
    // Computed once per (book, best prices, last trade, quantity, Θ): the breaker asks for every open market
    // on every signal, and the book of most of them has not moved since.
    const c = this.markCache.get(slug);
    const own = this.opts.ownLiquidity?.version(slug) ?? 0;
    if (
      c !== undefined &&
      c.netQty === netQty &&
      c.version === book.version &&
      c.book === book &&
      c.fullBook === e.hasFullBook &&
      c.bid === s.yesBid &&
      c.ask === s.yesAsk &&
      c.last === s.lastTradePrice &&
      c.thetaPpm === takerThetaPpm &&
      c.own === own
    ) {
      return c.mark;
    }
    const mark = computeMark(e, netQty, takerThetaPpm, this.opts.ownLiquidity);
    if (c === undefined) {
      this.markCache.set(slug, { book, version: book.version, fullBook: e.hasFullBook, bid: s.yesBid, ask: s.yesAsk, last: s.lastTradePrice, netQty, thetaPpm: takerThetaPpm, own, mark });
    } else {
      c.book = book;
      c.version = book.version;
      c.fullBook = e.hasFullBook;
      c.bid = s.yesBid;
      c.ask = s.yesAsk;
      c.last = s.lastTradePrice;
      c.netQty = netQty;
      c.thetaPpm = takerThetaPpm;
      c.own = own;
      c.mark = mark;
    }
    return mark;
  }

  /** closeoutMark computed afresh, bypassing its cache: the reference the cache is tested against. */
  closeoutMarkUncached(slug: string, netQty: Qty, takerThetaPpm: number = this.takerThetaPpm(slug)): ExecutableMark {
    return computeMark(this.markets.get(slug), netQty, takerThetaPpm, this.opts.ownLiquidity);
  }

  private takerThetaPpm(slug: string): number {
    return (this.opts.feeRates?.(slug) ?? DEFAULT_FEE_RATES).takerThetaPpm;
  }

  /** takerThetaPpm of the market of `e`, kept on it while the fee epoch stands (asked afresh without one). */
  private entryThetaPpm(slug: string, e: MarketEntry): number {
    const epoch = this.opts.feeEpoch?.();
    if (epoch === undefined) return this.takerThetaPpm(slug);
    if (e.thetaEpoch !== epoch) {
      e.thetaPpm = this.takerThetaPpm(slug);
      e.thetaEpoch = epoch;
    }
    return e.thetaPpm;
  }

  /** The mid-based long-side mark (mid, else last trade), for reference figures only — never PnL or risk. */
  midMark(slug: string): PriceMicros | null {
    const s = this.markets.get(slug)?.state;
    if (!s) return null;
    if (s.yesBid !== null && s.yesAsk !== null) return midHalfEven(s.yesBid, s.yesAsk);
    return s.lastTradePrice;
  }

  // ---------------------------------------------------------------- sports / odds side

  onFeedEvent(ev: FeedEvent): void {
    switch (ev.type) {
      case 'game':
        return this.onGame(ev.game);
      case 'odds':
        return this.onOdds(ev.quotes);
      case 'fixture_status': {
        const g = this.games.get(ev.fixtureId);
        if (!g) return;
        const now = this.opts.clock.now();
        // No status: only the start time moved.
        if (ev.newStatus === '') return this.onGame({ ...g, startTime: ev.startTime ?? g.startTime, updatedAt: now });
        // Every status is taken as sent, an unknown one included: UNKNOWN is not tradable (isTradableGameStatus).
        this.onGame({ ...g, rawStatus: ev.newStatus, status: mapFixtureStatus(ev.newStatus), updatedAt: now });
        return;
      }
      case 'feed_health': {
        const key = `sports:${ev.stream}:${ev.sport}`;
        if (this.feedHealthy.get(key) === ev.healthy) return;
        this.feedHealthy.set(key, ev.healthy);
        this.opts.bus.emit('feed_health', { source: 'sports', stream: ev.stream, healthy: ev.healthy, reason: ev.reason, at: ev.at });
        return;
      }
    }
  }

  private onGame(game: GameState): void {
    const prev = this.games.get(game.gameId);
    if (prev && game.updatedAt < prev.updatedAt) {
      this.metrics.increment('state.game_out_of_order', 1);
      return;
    }
    if (game.homeScore < 0 || game.awayScore < 0 || !Number.isInteger(game.homeScore) || !Number.isInteger(game.awayScore)) {
      this.metrics.increment('state.game_rejected', 1);
      this.logger.warn('game update with an impossible score ignored', { gameId: game.gameId });
      return;
    }
    this.games.set(game.gameId, game);
    this.lastGameId = game.gameId;
    this.lastGame = game;
    this.gameChannel.emit(game);
  }

  private onOdds(quotes: readonly OddsQuote[]): void {
    const nested = this.inOdds;
    this.inOdds = true;
    try {
      this.applyOdds(quotes, nested ? [] : this.touched);
    } finally {
      this.inOdds = nested;
    }
  }

  /**
   * `touched` is written from index 0 and its old entries past the count are left in place (they are markets'
   * quotes, kept for good anyway): emptying it (length = 0) gives up its storage, and the next odds message
   * would grow it again.
   */
  private applyOdds(quotes: readonly OddsQuote[], touched: MarketQuotes[]): void {
    const stamp = ++this.oddsUpdates;
    let n = 0;
    // A message's quotes come grouped by fixture and market: the last lookup is reused while they stay.
    let lastFixture = '';
    let lastMarket = '';
    let mq: MarketQuotes | undefined;
    for (const q of quotes) {
      const fixtureId = q.fixtureId;
      const market = marketKeyOf(q); // the market id when the feed sent one
      if (mq === undefined || fixtureId !== lastFixture || market !== lastMarket) {
        mq = this.marketQuotes(fixtureId, market);
        lastFixture = fixtureId;
        lastMarket = market;
      }
      const i = mq.at.get(q.key);
      if (i === undefined) {
        mq.at.set(q.key, mq.list.length);
        mq.list.push(q);
      } else {
        if ((mq.list[i] as OddsQuote).timestamp > q.timestamp) continue; // an older price never replaces a newer one
        mq.list[i] = q;
      }
      if (mq.touchedBy !== stamp) {
        mq.touchedBy = stamp;
        if (n < touched.length) touched[n] = mq;
        else touched.push(mq);
        n++;
      }
    }
    const now = this.opts.clock.now();
    for (let k = 0; k < n; k++) {
      const mq = touched[k] as MarketQuotes;
      const c = this.opts.consensus(mq.list, mq.fixtureId, mq.market, now, mq);
      mq.consensus = c;
      mq.consensusStamp = ++this.consensusSeq;
      if (!c) continue;
      this.freezePregame(mq, c);
      this.oddsChannel.emit(c);
    }
  }

  /** The quotes (and consensus) of a fixture's market, made empty on first use. */
  private marketQuotes(fixtureId: string, market: string): MarketQuotes {
    let byMarket = this.quotes.get(fixtureId);
    if (!byMarket) this.quotes.set(fixtureId, (byMarket = new Map()));
    let mq = byMarket.get(market);
    if (!mq) {
      mq = { fixtureId, market, at: new Map(), list: [], touchedBy: 0, consensus: undefined, consensusStamp: 0, pregameLink: undefined, linkRevision: -1 };
      byMarket.set(market, mq);
    }
    return mq;
  }

  private fixtureModel(fixtureId: string): FixtureModel {
    let fx = this.fixtureModels.get(fixtureId);
    if (!fx) this.fixtureModels.set(fixtureId, (fx = { pregame: undefined, game: undefined, pre: NaN, home: undefined }));
    return fx;
  }

  /** Remembers the last pre-game consensus of the home team: the strength input of the live model. */
  private freezePregame(mq: MarketQuotes, c: ConsensusProbability): void {
    const game = this.game(mq.fixtureId);
    if (game && game.status !== 'SCHEDULED') return;
    const directory = this.opts.directory;
    if (mq.linkRevision !== directory.revision) {
      const slug = directory.marketsForFixture(mq.fixtureId)[0];
      mq.pregameLink = slug ? directory.link(slug) : undefined;
      mq.linkRevision = directory.revision;
    }
    const link = mq.pregameLink;
    if (!link || link.oddsMarket !== mq.market) return;
    const p = c.probabilities[link.oddsName];
    if (p === undefined) return;
    this.fixtureModel(mq.fixtureId).pregame = link.side === 'home' ? p : 1 - p;
  }

  // ---------------------------------------------------------------- queries (the strategies' view)

  market(slug: string): MarketState | undefined {
    return this.found(slug)?.state;
  }

  book(slug: string): OrderBook | undefined {
    return this.found(slug)?.book;
  }

  game(fixtureId: string): GameState | undefined {
    if (fixtureId === this.lastGameId) return this.lastGame;
    const g = this.games.get(fixtureId);
    if (g !== undefined) {
      this.lastGameId = fixtureId;
      this.lastGame = g;
    }
    return g;
  }

  position(slug: string): PositionState | undefined {
    const e = this.found(slug);
    if (e === undefined) return this.positions.get(slug);
    if (e.markDue) this.markNow(e);
    return e.position;
  }

  allPositions(): IterableIterator<PositionState> {
    if (this.marksDue.size > 0) this.markAllDue();
    return this.positions.values();
  }

  /**
   * Every position as last made, without marking the due ones again (allPositions does): its size and money
   * figures (marketSlug, side, quantity, netQty, avgPrice, cost, realizedPnl, feesPaid) are current, since only
   * a venue position (made at once, onPosition) or fees (added in place, addFees) move them and a mark copies
   * them from the same venue position; its marks (currentValue, unrealizedPnl…, updatedAt) may be behind.
   * Same objects, same order as allPositions; read them at once, never keep or change them.
   */
  positionSizes(): IterableIterator<Readonly<PositionState>> {
    return this.positions.values();
  }

  /** The contracts held in a market (hundredths; 0 when none), without marking the position (see positionSizes). */
  heldQty(slug: string): Qty {
    return this.positions.get(slug)?.quantity ?? 0;
  }

  account(): { balance: number; buyingPower: number; updatedAt: number } {
    return this.balance;
  }

  consensus(fixtureId: string, market: string): ConsensusProbability | undefined {
    return this.quotes.get(fixtureId)?.get(market)?.consensus;
  }

  /**
   * What a market's questions read (its link, its consensus's quotes, its fixture's model), found again only
   * when the directory changed: strategies ask on every market update.
   */
  private view(slug: string): MarketView {
    const revision = this.opts.directory.revision;
    // A market with a book or a price keeps its view on its entry (found with the market's other questions).
    const e = this.found(slug);
    let v = e !== undefined ? e.view : this.views.get(slug);
    if (v !== undefined && v.revision === revision) return v;
    const link = this.opts.directory.link(slug);
    const quotes = link ? this.marketQuotes(link.fixtureId, link.oddsMarket) : undefined;
    const fixture = link ? this.fixtureModel(link.fixtureId) : undefined;
    if (v === undefined) {
      v = { revision, stamp: ++this.consensusSeq, link, quotes, fixture, yesOf: undefined, yesAt: 0, yes: undefined, yesBox: undefined };
      this.views.set(slug, v);
      if (e !== undefined) e.view = v;
    } else {
      v.revision = revision;
      v.stamp = ++this.consensusSeq;
      v.link = link;
      v.quotes = quotes;
      v.fixture = fixture;
      v.yesOf = undefined;
      v.yes = undefined;
    }
    return v;
  }

  /**
   * No-vig consensus probability that this market's YES side wins. One object per market, rewritten when the
   * consensus moves and its age brought up to the clock on each call (no object per book or odds update):
   * read it at once, never keep or change it.
   */
  consensusYes(slug: string): ConsensusYes | undefined {
    const v = this.view(slug);
    const link = v.link;
    const c = v.quotes?.consensus;
    if (!link || !c) return undefined;
    const now = this.opts.clock.now();
    if (v.yesOf === c) {
      if (v.yesAt !== now && v.yes !== undefined) v.yes.ageMs = now - c.computedAt + c.maxAgeMs; // only the age moves with the clock
      v.yesAt = now;
      return v.yes;
    }
    const p = c.probabilities[link.oddsName];
    v.yesOf = c;
    v.yesAt = now;
    if (p === undefined) {
      v.yes = undefined;
      return undefined;
    }
    const ageMs = now - c.computedAt + c.maxAgeMs;
    let yes = v.yesBox;
    if (yes === undefined) {
      v.yesBox = yes = { probability: p, confidence: c.confidence, ageMs };
    } else {
      yes.probability = p;
      yes.confidence = c.confidence;
      yes.ageMs = ageMs;
    }
    v.yes = yes;
    return yes;
  }

  /**
   * A number that moves whenever consensusYes's answer for the market may change other than by its ageMs
   * following the clock (StrategyContext.consensusRevision): that answer is read from the market's view (its
   * link and its fixture × market quotes, found again with a new stamp when the directory moves) and from the
   * quotes' consensus (set, with a new stamp, only by an odds message). Both stamps come from one increasing
   * count, so their larger one moves when either does.
   */
  consensusRevision(slug: string): number {
    const v = this.view(slug);
    const q = v.quotes;
    return q !== undefined && q.consensusStamp > v.stamp ? q.consensusStamp : v.stamp;
  }

  /** The live model's probability that this market's YES side wins, once the game has a pre-game strength. */
  liveWinProbabilityYes(slug: string): number | undefined {
    const v = this.view(slug);
    const link = v.link;
    const fx = v.fixture;
    if (!link || !fx) return undefined;
    const game = this.game(link.fixtureId);
    if (!game) return undefined;
    const pre = fx.pregame ?? this.inferPregame(link, fx, v.quotes, game);
    if (pre === undefined) return undefined;
    const home = this.liveHomeProbability(fx, game, pre);
    if (home === undefined) return undefined;
    return link.side === 'home' ? home : 1 - home;
  }

  /** The live model's home probability, computed again only when the game (a new object on each update) or the pre-game value changed. */
  private liveHomeProbability(fx: FixtureModel, game: GameState, pre: number): number | undefined {
    if (fx.game === game && Object.is(fx.pre, pre)) return fx.home;
    const home = this.opts.winProbability(game, pre);
    fx.game = game;
    fx.pre = pre;
    fx.home = home;
    return home;
  }

  /**
   * A game already under way when the bot started has no pre-game consensus. Its pre-game strength is then
   * inferred once from the in-play consensus: the pre-game home probability p₀ for which the live model gives
   * today's consensus at the current score and clock (the model is increasing in p₀, so bisection finds it).
   * Kept like a frozen pre-game value, so later moves of the book do not leak into the model's input.
   */
  private inferPregame(link: MarketLink, fx: FixtureModel, quotes: MarketQuotes | undefined, game: GameState): number | undefined {
    if (game.status !== 'LIVE' && game.status !== 'HALFTIME') return undefined;
    const c = quotes?.consensus;
    const p = c?.probabilities[link.oddsName];
    if (p === undefined) return undefined;
    const targetHome = link.side === 'home' ? p : 1 - p;
    let lo = 0.001;
    let hi = 0.999;
    const atLo = this.opts.winProbability(game, lo);
    const atHi = this.opts.winProbability(game, hi);
    if (atLo === undefined || atHi === undefined || targetHome < atLo || targetHome > atHi) return undefined;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      const v = this.opts.winProbability(game, mid);
      if (v === undefined) return undefined;
      if (v < targetHome) lo = mid;
      else hi = mid;
    }
    const pre = (lo + hi) / 2;
    fx.pregame = pre;
    this.metrics.increment('state.pregame_inferred', 1);
    return pre;
  }

  /** True while every sports stream that has reported is healthy. */
  sportsFeedHealthy(): boolean {
    for (const [k, v] of this.feedHealthy) if (k.startsWith('sports:') && !v) return false;
    return true;
  }

  exchangeFeedHealthy(): boolean {
    for (const [k, v] of this.feedHealthy) if (k.startsWith('exchange:') && !v) return false;
    return true;
  }
}

/**
 * The executable mark of holding `netQty` in a market (shared/domain/executable-mark.ts): the close walks the
 * book's depth once a whole book has arrived, else only the best price (size unknown). With the bot's own
 * resting orders in the market (live), both sides are read without them (shared/domain/own-liquidity.ts): the
 * close never trades with the bot's own orders, and the other side's best is the best of someone else.
 */
function computeMark(e: MarketEntry | undefined, netQty: Qty, takerThetaPpm: number, own: OwnLiquidity | undefined): ExecutableMark {
  if (!e) return executableMark({ netQty, closeLevels: bestOnly(null), oppositeBest: null, lastTrade: null, takerThetaPpm });
  const long = netQty > 0;
  const s = e.state;
  const bids: LevelAt = e.hasFullBook ? e.bidLevels : bestOnly(s.yesBid);
  const asks: LevelAt = e.hasFullBook ? e.askLevels : bestOnly(s.yesAsk);
  const slug = e.book.marketSlug;
  if (own === undefined || netQty === 0 || !own.has(slug)) {
    return executableMark({ netQty, closeLevels: long ? bids : asks, oppositeBest: long ? s.yesAsk : s.yesBid, lastTrade: s.lastTradePrice, takerThetaPpm });
  }
  const othersBids = withoutOwn(bids, ownAtOf(own, slug, 'bid'));
  const othersAsks = withoutOwn(asks, ownAtOf(own, slug, 'ask'));
  const opposite = (long ? othersAsks : othersBids)(0)?.price ?? null;
  return executableMark({ netQty, closeLevels: long ? othersBids : othersAsks, oppositeBest: opposite, lastTrade: s.lastTradePrice, takerThetaPpm });
}
