/**
 * Live arbitrage: a score or clock change moves the true win probability before the exchange's book moves.
 * On a game change (score, period or clock) of a LIVE game, and on book updates within reaction_window_ms of
 * one, each market of the fixture is compared with the live model (`liveWinProbabilityYes`): a stale price
 * that clears min_edge AFTER the taker fee is taken with an IOC at HIGH urgency (see edge-taker.ts), sized to max_position.
 * One signal per market per cooldown_ms. Nothing at all while the sports feed is unhealthy (seed's error
 * table: a sports-feed outage pauses live arbitrage), nor outside MARKET_STATE_OPEN.
 */
import type { ConsensusProbability } from '../domain/feed-events.js';
import type { GameState } from '../domain/game.js';
import type { MarketInfo, MarketState } from '../domain/market.js';
import type { PriceMicros } from '../domain/money.js';
import type { LiveArbitrageConfig } from '../config/schema.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { DEFAULT_FEE_MODEL, type FeeModel } from '../state/market-fees.js';
import type { Signal } from '../domain/signal.js';
import { NO_OUTPUT, type BaseStrategy, type StrategyInterest, type StrategyOutput } from './base-strategy.js';
import type { StrategyContext } from './context.js';
import { mayTakeEdge, newEdgeInput, takeEdge, type EdgeInput } from './edge-taker.js';
import { DEFAULT_TICK, probabilityToPrice } from './pricing.js';

/** The signals' reasons, per cause (made once). */
const REASON_SCORE = 'live arbitrage on score change';
const REASON_CLOCK = 'live arbitrage on clock change';
const REASON_BOOK = 'live arbitrage on book update after game event';

export interface LiveArbitrageOptions {
  config: LiveArbitrageConfig;
  context: StrategyContext;
  defaultTick?: PriceMicros;
  /** The markets' fee coefficients (default: the venue's default schedule). */
  fees?: FeeModel;
  metrics?: Metrics;
}

/** What it keeps of one fixture (made when first seen, as a game or as a market's fixture), set in place. */
interface FixtureMark {
  readonly fixtureId: string;
  /** False until the fixture's first game update: the game fields below are then placeholders. */
  seen: boolean;
  homeScore: number;
  awayScore: number;
  period: number;
  clockSeconds: number | null;
  /** When its last game event (a change of a LIVE game) was acted on (NaN: never). */
  lastEventAt: number;
}

/** What it keeps of one market, reached with one lookup per market per event. */
interface MarketMark {
  /** When it last signalled in the market (NaN: never). */
  lastSignalAt: number;
  /** The context's directoryRevision when `fixture` and `info` were read (NaN: not read, or the context has none). */
  rev: number;
  /** The mark of the market's fixture (undefined: the market has none). */
  fixture: FixtureMark | undefined;
  info: MarketInfo | undefined;
}

/** The signal counter's dimensions, made once (metrics read dimensions, never keep them). */
const SIGNAL_DIMENSIONS = Object.freeze({ strategy: 'live_arbitrage' });

export class LiveArbitrage implements BaseStrategy {
  readonly name = 'live_arbitrage';
  /** Odds are not its input and it keeps no timer; book updates only near a game event (wantsMarketUpdate). */
  readonly interest: Readonly<StrategyInterest> = { market: true, game: true, odds: false, timer: false };
  enabled: boolean;
  private readonly fixtures = new Map<string, FixtureMark>();
  private readonly markets = new Map<string, MarketMark>();
  /** The slug and mark marketMark last found (undefined: none yet). */
  private lastSlug: string | undefined;
  private lastMark: MarketMark | undefined;
  /** False until a first game event: no book update can be acted on before one. */
  private anyEvent = false;
  private readonly metrics: Metrics;
  private readonly defaultTick: PriceMicros;
  private readonly fees: FeeModel;
  /**
   * The last wantsMarketUpdate: its market object, slug and time, the market's mark and the reacting fixture
   * it found (undefined when it declined, for whatever reason); read by the onMarketUpdate the engine calls right after it (see BaseStrategy.wantsMarketUpdate),
   * then forgotten.
   */
  private askedOf: MarketState | undefined;
  private askedSlug = '';
  private askedAt = NaN;
  private askedMark: MarketMark | undefined;
  private askedFixture: FixtureMark | undefined;
  /** takeEdge's input, set field by field for each take (takeEdge only reads it, before it returns). */
  private readonly input: EdgeInput = newEdgeInput('live_arbitrage', 'HIGH');

  constructor(private readonly opts: LiveArbitrageOptions) {
    this.enabled = opts.config.enabled;
    this.metrics = opts.metrics ?? nullMetrics;
    this.defaultTick = opts.defaultTick ?? DEFAULT_TICK;
    this.fees = opts.fees ?? DEFAULT_FEE_MODEL;
  }

  onGameUpdate(game: GameState): readonly StrategyOutput[] {
    if (!this.enabled) return NO_OUTPUT;
    // The game's mark is kept in one object per fixture, set to the update after it is compared with it.
    const fx = this.fixtureMark(game.gameId);
    this.askedOf = undefined; // a game event may start a reaction window
    const changed =
      !fx.seen ||
      fx.homeScore !== game.homeScore ||
      fx.awayScore !== game.awayScore ||
      fx.period !== game.period ||
      fx.clockSeconds !== game.clockSeconds;
    const scored = fx.seen && (fx.homeScore !== game.homeScore || fx.awayScore !== game.awayScore);
    fx.seen = true;
    fx.homeScore = game.homeScore;
    fx.awayScore = game.awayScore;
    fx.period = game.period;
    fx.clockSeconds = game.clockSeconds;
    if (!changed || game.status !== 'LIVE') return NO_OUTPUT;
    if (!this.opts.context.sportsFeedHealthy()) {
      this.metrics.increment('strategy.arb.paused_feed_unhealthy');
      return NO_OUTPUT;
    }
    const now = this.opts.context.clock.now();
    fx.lastEventAt = now;
    this.anyEvent = true;
    const reason = scored ? REASON_SCORE : REASON_CLOCK;
    let out: StrategyOutput[] | undefined;
    const ctx = this.opts.context;
    for (const slug of ctx.marketsForFixture(game.gameId)) {
      const s = this.evaluate(slug, this.marketMark(slug), ctx.market(slug), now, reason);
      if (s) (out ??= []).push(s);
    }
    return out ?? NO_OUTPUT;
  }

  /**
   * Only book updates of an open market past its cooldown, of a fixture with a game event inside the reaction
   * window, can be acted on (evaluate answers nothing for the others, and changes nothing).
   */
  wantsMarketUpdate(market: MarketState): boolean {
    const now = this.opts.context.clock.now();
    const slug = market.marketSlug;
    const mark = this.anyEvent ? this.marketMark(slug) : undefined;
    const fixture =
      mark === undefined || market.state !== 'MARKET_STATE_OPEN' || now - mark.lastSignalAt < this.opts.config.cooldownMs
        ? undefined
        : this.reactingFixture(slug, mark, now);
    this.askedOf = market;
    this.askedSlug = slug;
    this.askedAt = now;
    this.askedMark = mark;
    this.askedFixture = fixture;
    return fixture !== undefined;
  }

  onMarketUpdate(market: MarketState): readonly StrategyOutput[] {
    const asked = this.askedOf === market;
    this.askedOf = undefined;
    if (!this.enabled || !this.opts.context.sportsFeedHealthy()) return NO_OUTPUT;
    const now = this.opts.context.clock.now();
    const slug = market.marketSlug;
    // The answer wantsMarketUpdate just gave for this market at this time, else found again.
    let mark: MarketMark | undefined;
    let fixture: FixtureMark | undefined;
    if (asked && this.askedAt === now && this.askedSlug === slug) {
      mark = this.askedMark;
      fixture = this.askedFixture;
    } else if (this.anyEvent) {
      mark = this.marketMark(slug);
      fixture = this.reactingFixture(slug, mark, now);
    }
    if (mark === undefined || fixture === undefined) return NO_OUTPUT;
    const game = this.opts.context.game(fixture.fixtureId);
    if (!game || game.status !== 'LIVE') return NO_OUTPUT;
    // `market` is the context's own state of the market (what ctx.market answers now).
    const s = this.evaluate(slug, mark, market, now, REASON_BOOK);
    return s ? [s] : NO_OUTPUT;
  }

  private fixtureMark(fixtureId: string): FixtureMark {
    let fx = this.fixtures.get(fixtureId);
    if (fx === undefined) {
      fx = { fixtureId, seen: false, homeScore: 0, awayScore: 0, period: 0, clockSeconds: null, lastEventAt: NaN };
      this.fixtures.set(fixtureId, fx);
    }
    return fx;
  }

  /** The market's mark (made at its first sighting, never replaced): the last one found is kept at hand, as book updates come in runs of one market. */
  private marketMark(slug: string): MarketMark {
    if (slug === this.lastSlug) return this.lastMark!;
    let mark = this.markets.get(slug);
    if (mark === undefined) this.markets.set(slug, (mark = { lastSignalAt: NaN, rev: NaN, fixture: undefined, info: undefined }));
    this.lastSlug = slug;
    this.lastMark = mark;
    return mark;
  }

  /**
   * Brings the mark's directory answers (its fixture and info) up to the context's directory revision: kept
   * while it stays the same, asked every time when the context has none.
   */
  private refresh(slug: string, mark: MarketMark): void {
    const ctx = this.opts.context;
    const rev = ctx.directoryRevision?.();
    if (rev !== undefined && mark.rev === rev) return;
    const link = ctx.fixtureForMarket(slug);
    mark.fixture = link === undefined ? undefined : this.fixtureMark(link.fixtureId);
    mark.info = ctx.marketInfo(slug);
    mark.rev = rev ?? NaN;
  }

  /** The market's fixture when it had a game event within reaction_window_ms of `now`. */
  private reactingFixture(slug: string, mark: MarketMark, now: number): FixtureMark | undefined {
    this.refresh(slug, mark);
    const fx = mark.fixture;
    return fx !== undefined && now - fx.lastEventAt <= this.opts.config.reactionWindowMs ? fx : undefined;
  }

  onOddsUpdate(_consensus: ConsensusProbability): readonly StrategyOutput[] {
    return NO_OUTPUT;
  }

  onTimer(_now: number): readonly StrategyOutput[] {
    return NO_OUTPUT;
  }

  /** `market` is the context's answer for the slug now (ctx.market); `reason` one of the REASON_ texts. */
  private evaluate(slug: string, mark: MarketMark, market: MarketState | undefined, now: number, reason: string): Signal | undefined {
    const ctx = this.opts.context;
    const cfg = this.opts.config;
    if (!market || market.state !== 'MARKET_STATE_OPEN') return undefined;
    if (now - mark.lastSignalAt < cfg.cooldownMs) return undefined; // NaN (never signalled): false
    const p = ctx.liveWinProbabilityYes(slug);
    if (p === undefined || !Number.isFinite(p)) return undefined;
    const fair = probabilityToPrice(p);
    if (!mayTakeEdge(market, fair, cfg.minEdge)) return undefined;
    this.refresh(slug, mark);
    const info = mark.info;
    const input = this.input;
    input.market = market;
    input.fair = fair;
    input.minEdge = cfg.minEdge;
    input.tick = info?.tick ?? this.defaultTick;
    input.sizeStep = info?.minQty;
    input.rates = this.fees.ratesFor(slug, now);
    input.budget = cfg.maxPosition;
    input.position = ctx.position(slug);
    input.confidence = cfg.confidence;
    input.fairProbability = p;
    input.reason = reason;
    input.now = now;
    const signal = takeEdge(input);
    if (!signal) return undefined;
    mark.lastSignalAt = now;
    this.metrics.increment('strategy.signal', 1, SIGNAL_DIMENSIONS);
    return signal;
  }
}
