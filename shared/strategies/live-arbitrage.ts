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
import type { BaseStrategy, StrategyOutput } from './base-strategy.js';
import type { StrategyContext } from './context.js';
import { takeEdge } from './edge-taker.js';
import { DEFAULT_TICK, probabilityToPrice } from './pricing.js';

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
  enabled: boolean;
  private readonly marks = new Map<string, GameMark>();
  private readonly lastEventAt = new Map<string, number>();
  private readonly lastSignalAt = new Map<string, number>();
  private readonly metrics: Metrics;
  private readonly defaultTick: PriceMicros;
  private readonly fees: FeeModel;

  constructor(private readonly opts: LiveArbitrageOptions) {
    this.enabled = opts.config.enabled;
    this.metrics = opts.metrics ?? nullMetrics;
    this.defaultTick = opts.defaultTick ?? DEFAULT_TICK;
    this.fees = opts.fees ?? DEFAULT_FEE_MODEL;
  }

  onGameUpdate(game: GameState): StrategyOutput[] {
    if (!this.enabled) return [];
    const mark: GameMark = { homeScore: game.homeScore, awayScore: game.awayScore, period: game.period, clockSeconds: game.clockSeconds };
    const prev = this.marks.get(game.gameId);
    this.marks.set(game.gameId, mark);
    const changed =
      !prev ||
      prev.homeScore !== mark.homeScore ||
      prev.awayScore !== mark.awayScore ||
      prev.period !== mark.period ||
      prev.clockSeconds !== mark.clockSeconds;
    if (!changed || game.status !== 'LIVE') return [];
    if (!this.opts.context.sportsFeedHealthy()) {
      this.metrics.increment('strategy.arb.paused_feed_unhealthy');
      return [];
    }
    const now = this.opts.context.clock.now();
    this.lastEventAt.set(game.gameId, now);
    const what = prev && (prev.homeScore !== mark.homeScore || prev.awayScore !== mark.awayScore) ? 'score change' : 'clock change';
    const out: StrategyOutput[] = [];
    for (const slug of this.opts.context.marketsForFixture(game.gameId)) out.push(...this.evaluate(slug, now, what));
    return out;
  }

  onMarketUpdate(market: MarketState): StrategyOutput[] {
    if (!this.enabled || !this.opts.context.sportsFeedHealthy()) return [];
    const fixture = this.opts.context.fixtureForMarket(market.marketSlug);
    if (!fixture) return [];
    const at = this.lastEventAt.get(fixture.fixtureId);
    const now = this.opts.context.clock.now();
    if (at === undefined || now - at > this.opts.config.reactionWindowMs) return [];
    const game = this.opts.context.game(fixture.fixtureId);
    if (!game || game.status !== 'LIVE') return [];
    return this.evaluate(market.marketSlug, now, 'book update after game event');
  }

  onOddsUpdate(_consensus: ConsensusProbability): StrategyOutput[] {
    return [];
  }

  onTimer(_now: number): StrategyOutput[] {
    return [];
  }

  private evaluate(slug: string, now: number, why: string): StrategyOutput[] {
    const ctx = this.opts.context;
    const cfg = this.opts.config;
    const market = ctx.market(slug);
    if (!market || market.state !== 'MARKET_STATE_OPEN') return [];
    const last = this.lastSignalAt.get(slug);
    if (last !== undefined && now - last < cfg.cooldownMs) return [];
    const p = ctx.liveWinProbabilityYes(slug);
    if (p === undefined || !Number.isFinite(p)) return [];
    const signal = takeEdge({
      market,
      fair: probabilityToPrice(p),
      minEdge: cfg.minEdge,
      tick: ctx.marketInfo(slug)?.tick ?? this.defaultTick,
      sizeStep: ctx.marketInfo(slug)?.minQty,
      rates: this.fees.ratesFor(slug, now),
      budget: cfg.maxPosition,
      position: ctx.position(slug),
      strategyName: this.name,
      urgency: 'HIGH',
      confidence: cfg.confidence,
      fairProbability: p,
      reason: `live arbitrage on ${why}`,
      now,
    });
    if (!signal) return [];
    this.lastSignalAt.set(slug, now);
    this.metrics.increment('strategy.signal', 1, { strategy: this.name });
    return [signal];
  }
}
