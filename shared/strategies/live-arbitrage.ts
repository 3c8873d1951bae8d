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
import type { MarketState } from '../domain/market.js';
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

interface GameMark {
  homeScore: number;
  awayScore: number;
  period: number;
  clockSeconds: number | null;
}

export class LiveArbitrage implements BaseStrategy {
  readonly name = 'live_arbitrage';
  /** Odds are not its input and it keeps no timer; book updates only near a game event (wantsMarketUpdate). */
  readonly interest: Readonly<StrategyInterest> = { market: true, game: true, odds: false, timer: false };
  enabled: boolean;
  private readonly marks = new Map<string, GameMark>();
  private readonly lastEventAt = new Map<string, number>();
  private readonly lastSignalAt = new Map<string, number>();
  /**
   * The latest time in lastSignalAt (−∞: none). While `now` is at least cooldown_ms past it, every market is
   * past its cooldown (each time in the map is at most this one), so the map need not be asked.
   */
  private latestSignalAt = -Infinity;
  private readonly metrics: Metrics;
  private readonly defaultTick: PriceMicros;
  private readonly fees: FeeModel;
  /**
   * The last wantsMarketUpdate: its market object, slug and time, and the reacting fixture it found; read by
   * the onMarketUpdate the engine calls right after it (see BaseStrategy.wantsMarketUpdate), then forgotten.
   */
  private askedOf: MarketState | undefined;
  private askedSlug = '';
  private askedAt = NaN;
  private askedFixture: string | undefined;
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
    // The game's mark is kept in one object per game, set to the update after it is compared with it.
    const prev = this.marks.get(game.gameId);
    this.askedOf = undefined; // a game event may start a reaction window
    const changed =
      !prev ||
      prev.homeScore !== game.homeScore ||
      prev.awayScore !== game.awayScore ||
      prev.period !== game.period ||
      prev.clockSeconds !== game.clockSeconds;
    const scored = prev !== undefined && (prev.homeScore !== game.homeScore || prev.awayScore !== game.awayScore);
    if (prev === undefined) this.marks.set(game.gameId, { homeScore: game.homeScore, awayScore: game.awayScore, period: game.period, clockSeconds: game.clockSeconds });
    else {
      prev.homeScore = game.homeScore;
      prev.awayScore = game.awayScore;
      prev.period = game.period;
      prev.clockSeconds = game.clockSeconds;
    }
    if (!changed || game.status !== 'LIVE') return NO_OUTPUT;
    if (!this.opts.context.sportsFeedHealthy()) {
      this.metrics.increment('strategy.arb.paused_feed_unhealthy');
      return NO_OUTPUT;
    }
    const now = this.opts.context.clock.now();
    this.lastEventAt.set(game.gameId, now);
    const reason = scored ? REASON_SCORE : REASON_CLOCK;
    let out: StrategyOutput[] | undefined;
    const ctx = this.opts.context;
    for (const slug of ctx.marketsForFixture(game.gameId)) {
      const s = this.evaluate(slug, ctx.market(slug), now, reason);
      if (s) (out ??= []).push(s);
    }
    return out ?? NO_OUTPUT;
  }

  /** Only book updates of a fixture with a game event inside the reaction window can be acted on. */
  wantsMarketUpdate(market: MarketState): boolean {
    const now = this.opts.context.clock.now();
    const fixtureId = this.reactingFixture(market.marketSlug, now);
    this.askedOf = market;
    this.askedSlug = market.marketSlug;
    this.askedAt = now;
    this.askedFixture = fixtureId;
    return fixtureId !== undefined;
  }

  onMarketUpdate(market: MarketState): readonly StrategyOutput[] {
    const asked = this.askedOf === market;
    this.askedOf = undefined;
    if (!this.enabled || !this.opts.context.sportsFeedHealthy()) return NO_OUTPUT;
    const now = this.opts.context.clock.now();
    // The answer wantsMarketUpdate just gave for this market at this time, else found again.
    const fixtureId =
      asked && this.askedAt === now && this.askedSlug === market.marketSlug ? this.askedFixture : this.reactingFixture(market.marketSlug, now);
    if (fixtureId === undefined) return NO_OUTPUT;
    const game = this.opts.context.game(fixtureId);
    if (!game || game.status !== 'LIVE') return NO_OUTPUT;
    // `market` is the context's own state of the market (what ctx.market answers now).
    const s = this.evaluate(market.marketSlug, market, now, REASON_BOOK);
    return s ? [s] : NO_OUTPUT;
  }

  /** The market's fixture when it had a game event within reaction_window_ms of `now`. */
  private reactingFixture(slug: string, now: number): string | undefined {
    if (this.lastEventAt.size === 0) return undefined;
    const fixture = this.opts.context.fixtureForMarket(slug);
    if (!fixture) return undefined;
    const at = this.lastEventAt.get(fixture.fixtureId);
    return at !== undefined && now - at <= this.opts.config.reactionWindowMs ? fixture.fixtureId : undefined;
  }

  onOddsUpdate(_consensus: ConsensusProbability): readonly StrategyOutput[] {
    return NO_OUTPUT;
  }

  onTimer(_now: number): readonly StrategyOutput[] {
    return NO_OUTPUT;
  }

  /** `market` is the context's answer for the slug now (ctx.market); `reason` one of the REASON_ texts. */
  private evaluate(slug: string, market: MarketState | undefined, now: number, reason: string): Signal | undefined {
    const ctx = this.opts.context;
    const cfg = this.opts.config;
    if (!market || market.state !== 'MARKET_STATE_OPEN') return undefined;
    if (!(now - this.latestSignalAt >= cfg.cooldownMs)) {
      const last = this.lastSignalAt.get(slug);
      if (last !== undefined && now - last < cfg.cooldownMs) return undefined;
    }
    const p = ctx.liveWinProbabilityYes(slug);
    if (p === undefined || !Number.isFinite(p)) return undefined;
    const fair = probabilityToPrice(p);
    if (!mayTakeEdge(market, fair, cfg.minEdge)) return undefined;
    const info = ctx.marketInfo(slug);
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
    this.lastSignalAt.set(slug, now);
    if (!(now <= this.latestSignalAt)) this.latestSignalAt = now;
    this.metrics.increment('strategy.signal', 1, { strategy: this.name });
    return signal;
  }
}
