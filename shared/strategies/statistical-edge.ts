/**
 * Statistical edge: the exchange price against the no-vig sportsbook consensus. When the consensus is
 * confident enough (confidence ≥ confidence_threshold), fresh enough (age ≤ max_consensus_age_ms) and the
 * book is off it by at least min_edge after the taker fee, take it with an IOC at MEDIUM urgency (see edge-taker.ts), sized to
 * order_size. Evaluated on odds updates (every market of the fixture) and on book updates; one signal per
 * market per cooldown_ms; only in MARKET_STATE_OPEN.
 */
import type { ConsensusProbability } from '../domain/feed-events.js';
import type { GameState } from '../domain/game.js';
import type { MarketInfo, MarketState } from '../domain/market.js';
import type { PriceMicros } from '../domain/money.js';
import type { StatisticalEdgeConfig } from '../config/schema.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { DEFAULT_FEE_MODEL, type FeeModel } from '../state/market-fees.js';
import type { Signal } from '../domain/signal.js';
import { NO_OUTPUT, type BaseStrategy, type StrategyInterest, type StrategyOutput } from './base-strategy.js';
import type { StrategyContext } from './context.js';
import { mayTakeEdge, newEdgeInput, takeEdge, type EdgeInput } from './edge-taker.js';
import { DEFAULT_TICK, probabilityToPrice } from './pricing.js';

/** What the strategy keeps of one market, set in place (one lookup per evaluation, no number box per set). */
interface EdgeMark {
  /** When it last signalled (NaN: never). */
  lastSignalAt: number;
  /** The context's directoryRevision when `info` was read (NaN: not read, or the context has none). */
  infoRev: number;
  info: MarketInfo | undefined;
  /**
   * The last refusal that only new inputs can lift (see `quiet`): the context's consensusRevision, the clock
   * time and the best prices it was reached at (quietRev NaN: none).
   */
  quietRev: number;
  quietAt: number;
  quietBid: PriceMicros | null;
  quietAsk: PriceMicros | null;
}

export interface StatisticalEdgeOptions {
  config: StatisticalEdgeConfig;
  context: StrategyContext;
  defaultTick?: PriceMicros;
  /** The markets' fee coefficients (default: the venue's default schedule). */
  fees?: FeeModel;
  metrics?: Metrics;
}

export class StatisticalEdge implements BaseStrategy {
  readonly name = 'statistical_edge';
  /** Games are not its input and it keeps no timer. */
  readonly interest: Readonly<StrategyInterest> = { market: true, game: false, odds: true, timer: false };
  enabled: boolean;
  /** What it keeps per market (made at the market's first evaluation past the book test). */
  private readonly marks = new Map<string, EdgeMark>();
  /** The signal counter's dimensions, made once (metrics read dimensions, never keep them). */
  private readonly signalDimensions = Object.freeze({ strategy: this.name });
  private readonly metrics: Metrics;
  private readonly defaultTick: PriceMicros;
  private readonly fees: FeeModel;
  /** takeEdge's input, set field by field for each take (takeEdge only reads it, before it returns). */
  private readonly input: EdgeInput = newEdgeInput('statistical_edge', 'MEDIUM');

  constructor(private readonly opts: StatisticalEdgeOptions) {
    this.enabled = opts.config.enabled;
    this.metrics = opts.metrics ?? nullMetrics;
    this.defaultTick = opts.defaultTick ?? DEFAULT_TICK;
    this.fees = opts.fees ?? DEFAULT_FEE_MODEL;
  }

  onOddsUpdate(consensus: ConsensusProbability): readonly StrategyOutput[] {
    if (!this.enabled) return NO_OUTPUT;
    const now = this.opts.context.clock.now();
    let out: StrategyOutput[] | undefined;
    for (const slug of this.opts.context.marketsForFixture(consensus.fixtureId)) {
      const s = this.evaluate(slug, now);
      if (s) (out ??= []).push(s);
    }
    return out ?? NO_OUTPUT;
  }

  onMarketUpdate(market: MarketState): readonly StrategyOutput[] {
    if (!this.enabled) return NO_OUTPUT;
    // `market` is the context's own state of the market (what ctx.market answers now: the engine hands
    // strategies the state manager's object), so it is not asked again.
    const s = this.evaluateMarket(market.marketSlug, market, this.opts.context.clock.now());
    return s ? [s] : NO_OUTPUT;
  }

  onGameUpdate(_game: GameState): readonly StrategyOutput[] {
    return NO_OUTPUT;
  }

  onTimer(_now: number): readonly StrategyOutput[] {
    return NO_OUTPUT;
  }

  /** The market's info: kept on its mark while the context's directory revision stays the same. */
  private infoOf(slug: string, mark: EdgeMark): MarketInfo | undefined {
    const rev = this.opts.context.directoryRevision?.();
    if (rev === undefined) return this.opts.context.marketInfo(slug);
    if (mark.infoRev !== rev) {
      mark.info = this.opts.context.marketInfo(slug);
      mark.infoRev = rev;
    }
    return mark.info;
  }

  private evaluate(slug: string, now: number): Signal | undefined {
    return this.evaluateMarket(slug, this.opts.context.market(slug), now);
  }

  /**
   * `market` is the context's answer for the slug now (ctx.market).
   *
   * Woken only when its inputs change: the tests before the cooldown read only the market's state and best
   * prices, consensusYes's answer and the (fixed) config. Given the context's consensusRevision, a refusal
   * there is kept (`quiet`) and the next evaluations answer it again without asking, while the revision and
   * the best prices stay the same and the clock has not gone back (the market is open again, or this line
   * would have answered): at one revision the consensus's presence, probability and confidence stay the
   * same and its age only grows with the clock, so time alone can add the staleness refusal, never lift one.
   * The cooldown (lifted by time) and takeEdge's refusals (which read the position, the fees and the info)
   * are never kept. Skipping consensusYes changes nothing for its other readers: it brings its answer up to
   * the clock on every call.
   */
  private evaluateMarket(slug: string, market: MarketState | undefined, now: number): Signal | undefined {
    const ctx = this.opts.context;
    const cfg = this.opts.config;
    if (!market || market.state !== 'MARKET_STATE_OPEN') return undefined;
    const rev = ctx.consensusRevision?.(slug);
    let mark = this.marks.get(slug);
    if (mark === undefined) {
      if (rev !== undefined) this.marks.set(slug, (mark = newMark()));
    } else if (mark.quietRev === rev && mark.quietBid === market.yesBid && mark.quietAsk === market.yesAsk && now >= mark.quietAt) {
      return undefined;
    }
    // Every test below answers undefined on failing and reads only (consensusYes's in-place answer aside, which
    // it brings up to `now` for whoever reads it), so their order is free: the cooldown's lookup comes after
    // the book test that fails for nearly every update.
    const consensus = ctx.consensusYes(slug);
    if (
      !consensus ||
      !Number.isFinite(consensus.probability) ||
      consensus.confidence < cfg.confidenceThreshold ||
      consensus.ageMs > cfg.maxConsensusAgeMs
    ) {
      return quiet(mark, rev, market, now);
    }
    const fair = probabilityToPrice(consensus.probability);
    if (!mayTakeEdge(market, fair, cfg.minEdge)) return quiet(mark, rev, market, now);
    if (mark === undefined) this.marks.set(slug, (mark = newMark()));
    else if (now - mark.lastSignalAt < cfg.cooldownMs) return undefined;
    const info = this.infoOf(slug, mark);
    const input = this.input;
    input.market = market;
    input.fair = fair;
    input.minEdge = cfg.minEdge;
    input.tick = info?.tick ?? this.defaultTick;
    input.sizeStep = info?.minQty;
    input.rates = this.fees.ratesFor(slug, now);
    input.budget = cfg.orderSize;
    input.position = ctx.position(slug);
    input.confidence = consensus.confidence;
    input.fairProbability = consensus.probability;
    input.reason = 'exchange vs sportsbook consensus';
    input.now = now;
    const signal = takeEdge(input);
    if (!signal) return undefined;
    mark.lastSignalAt = now;
    this.metrics.increment('strategy.signal', 1, this.signalDimensions);
    return signal;
  }
}

function newMark(): EdgeMark {
  return { lastSignalAt: NaN, infoRev: NaN, info: undefined, quietRev: NaN, quietAt: NaN, quietBid: null, quietAsk: null };
}

/** Keeps a refusal of the tests before the cooldown on the market's mark (with a revision to tell it by); answers undefined. */
function quiet(mark: EdgeMark | undefined, rev: number | undefined, market: MarketState, now: number): undefined {
  if (mark === undefined || rev === undefined) return undefined;
  mark.quietRev = rev;
  mark.quietAt = now;
  mark.quietBid = market.yesBid;
  mark.quietAsk = market.yesAsk;
  return undefined;
}
