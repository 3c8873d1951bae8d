/**
 * Background liquidity for the simulated exchange: seeded, deterministic maker and taker bots that trade
 * through the exchange's own order API, each as its own account.
 *
 * - Makers quote a ladder of bids and asks around each market's TRUE probability, with a configurable half
 *   spread, number of levels, spacing and size; they refill levels as they are hit.
 * - `setTrueProbability(slug, p)` reaches the makers only after a lag drawn from [lagMinMs, lagMaxMs], so for a
 *   moment the book is stale, as on a real exchange after a score.
 * - Takers occasionally cross the spread with a small immediate-or-cancel order (noise flow).
 * Driven by an injected Scheduler and Clock; stoppable; every choice comes from the seed. The takers' choices
 * and the makers' level sizes come from separate streams, so a refill (which depends on what was traded, e.g.
 * by a bot under test) never shifts the takers' flow: two simulators of one seed send the same taker orders
 * whether or not one of them has a bot trading in it (the paper-vs-live acid test relies on it).
 */
import { ONE_CONTRACT, QTY_SCALE, roundToStep, type Qty } from '../../../shared/domain/quantity.js';
import type { Micros, PriceMicros } from '../../../shared/domain/money.js';
import { ONE_DOLLAR } from '../../../shared/domain/money.js';
import type { OrderIntent, VenueMarketState } from '../../../shared/domain/venue-enums.js';
import type { VenueOrder } from '../../../shared/domain/venue-models.js';
import type { Logger } from '../../../shared/observability/logger.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { createRandom, type Random } from '../faults/seeded-random.js';
import type { Scheduler, TimerHandle } from './scheduler.js';
import type { LiquidityExchange } from './liquidity-exchange.js';
import { MAX_ORDER_PRICE, MIN_ORDER_PRICE } from '../exchange/price-rules.js';

export interface LiquidityOptions {
  /** Number of maker accounts (default 2). */
  makers?: number;
  /** Price levels per side per maker (default 3). */
  levels?: number;
  /** Ticks between the true price and each maker's best quote (default 1). */
  halfSpreadTicks?: number;
  /** Ticks between levels of a ladder (default 1). */
  levelSpacingTicks?: number;
  /** Contracts per level: uniform in [min, max] (default 50..200). */
  levelSize?: [number, number];
  /** How often makers check and refill their ladders, ms (default 1_000). */
  quoteIntervalMs?: number;
  /** Lag before makers reprice to a new true probability, uniform in [min, max] ms (default 300..800). */
  repriceLagMs?: [number, number];
  /** Number of taker accounts (default 1). */
  takers?: number;
  /** How often each taker considers trading, ms (default 2_000). */
  takerIntervalMs?: number;
  /** Probability that a taker crosses in a given market at each interval, before `intensity` (default 0.25). */
  takerProbability?: number;
  /** Taker order size: uniform in [min, max] contracts (default 1..20). */
  takerSize?: [number, number];
  /** Multiplies taker probability and level sizes (default 1). 0 leaves only maker quotes. */
  intensity?: number;
  /** Cash each bot account starts with (default 10 million USD). */
  accountBalance?: Micros;
  /**
   * A "crowd" that misprices some markets: a seeded `share` of markets (default 0: none) is quoted around the
   * true probability shifted by a signed amount drawn from `magnitude` (probability points, e.g. [0.05, 0.09]),
   * for the market's whole life. Makes prices that stand away from the sportsbooks' consensus, the situation
   * the statistical-edge strategy exists for.
   */
  crowdBias?: { share: number; magnitude: [number, number] };
}

interface ResolvedOptions {
  makers: number;
  levels: number;
  halfSpreadTicks: number;
  levelSpacingTicks: number;
  levelSize: [number, number];
  quoteIntervalMs: number;
  repriceLagMs: [number, number];
  takers: number;
  takerIntervalMs: number;
  takerProbability: number;
  takerSize: [number, number];
  intensity: number;
  accountBalance: Micros;
  crowdBias: { share: number; magnitude: [number, number] };
}

function resolve(o: LiquidityOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    makers: o.makers ?? 2,
    levels: o.levels ?? 3,
    halfSpreadTicks: o.halfSpreadTicks ?? 1,
    levelSpacingTicks: o.levelSpacingTicks ?? 1,
    levelSize: o.levelSize ?? [50, 200],
    quoteIntervalMs: o.quoteIntervalMs ?? 1_000,
    repriceLagMs: o.repriceLagMs ?? [300, 800],
    takers: o.takers ?? 1,
    takerIntervalMs: o.takerIntervalMs ?? 2_000,
    takerProbability: o.takerProbability ?? 0.25,
    takerSize: o.takerSize ?? [1, 20],
    intensity: o.intensity ?? 1,
    accountBalance: o.accountBalance ?? 10_000_000 * ONE_DOLLAR,
    crowdBias: o.crowdBias ?? { share: 0, magnitude: [0, 0] },
  };
  const ints: (keyof ResolvedOptions)[] = ['makers', 'levels', 'halfSpreadTicks', 'levelSpacingTicks', 'takers'];
  for (const k of ints) if (!Number.isInteger(r[k]) || (r[k] as number) < 0) throw new RangeError(`liquidity.${k} must be an integer >= 0`);
  if (r.levelSpacingTicks < 1) throw new RangeError('liquidity.levelSpacingTicks must be >= 1');
  if (!(r.quoteIntervalMs > 0 && r.takerIntervalMs > 0)) throw new RangeError('liquidity intervals must be > 0');
  if (!(r.repriceLagMs[0] >= 0 && r.repriceLagMs[1] >= r.repriceLagMs[0])) throw new RangeError('liquidity.repriceLagMs must be [min, max] with 0 <= min <= max');
  if (!(r.levelSize[0] >= 1 && r.levelSize[1] >= r.levelSize[0])) throw new RangeError('liquidity.levelSize must be [min, max] with 1 <= min <= max');
  if (!(r.takerSize[0] >= 1 && r.takerSize[1] >= r.takerSize[0])) throw new RangeError('liquidity.takerSize must be [min, max] with 1 <= min <= max');
  if (!(r.intensity >= 0)) throw new RangeError('liquidity.intensity must be >= 0');
  const cb = r.crowdBias;
  if (!(cb.share >= 0 && cb.share <= 1)) throw new RangeError('liquidity.crowdBias.share must be in [0, 1]');
  if (!(cb.magnitude[0] >= 0 && cb.magnitude[1] >= cb.magnitude[0] && cb.magnitude[1] < 0.5)) {
    throw new RangeError('liquidity.crowdBias.magnitude must be [min, max] with 0 <= min <= max < 0.5');
  }
  return r;
}

interface MarketState {
  slug: string;
  /** The true probability the makers currently quote around (after the lag), in micros. */
  quotedFair: PriceMicros;
  /** Sequence of the newest applied true-probability update; older late-arriving ones are ignored. */
  appliedSeq: number;
  /** The crowd's constant mispricing of this market, micros (0 for most markets). */
  bias: PriceMicros;
  pending: Set<TimerHandle>;
}

export interface LiquidityDeps {
  exchange: LiquidityExchange;
  scheduler: Scheduler;
  seed: number;
  logger?: Logger;
  /** Prefix of the bot account ids (default 'liquidity': liquidity-maker-1, liquidity-taker-1, …). */
  accountPrefix?: string;
}

/** Probability in [0, 1] → micros, clamped to a tradable price range. */
function probabilityToMicros(p: number): PriceMicros {
  if (!Number.isFinite(p) || p < 0 || p > 1) throw new RangeError(`probability must be in [0, 1], got ${p}`);
  return Math.round(p * ONE_DOLLAR);
}

export class BackgroundLiquidity {
  private readonly o: ResolvedOptions;
  /** The takers' choices (whether, which side, how much): never shifted by what the makers do. */
  private readonly random: Random;
  /** The makers' level sizes: refills depend on what was traded, so they draw from a stream of their own. */
  private readonly sizeRandom: Random;
  private readonly lagRandom: Random;
  private readonly biasRandom: Random;
  private readonly logger: Logger;
  private readonly markets = new Map<string, MarketState>();
  private readonly makerAccounts: string[] = [];
  private readonly takerAccounts: string[] = [];
  private quoteTimer: TimerHandle | null = null;
  private takerTimer: TimerHandle | null = null;
  private seq = 0;
  private running = false;
  private stats = { ordersSubmitted: 0, ordersCanceled: 0, takerOrders: 0, errors: 0 };

  constructor(private readonly deps: LiquidityDeps, options: LiquidityOptions = {}) {
    this.o = resolve(options);
    const root = createRandom(deps.seed).fork('liquidity');
    this.random = root.fork('flow');
    this.sizeRandom = root.fork('sizes');
    this.lagRandom = root.fork('lag');
    this.biasRandom = root.fork('bias');
    this.logger = deps.logger ?? nullLogger;
    const prefix = deps.accountPrefix ?? 'liquidity';
    for (let i = 1; i <= this.o.makers; i++) this.makerAccounts.push(`${prefix}-maker-${i}`);
    for (let i = 1; i <= this.o.takers; i++) this.takerAccounts.push(`${prefix}-taker-${i}`);
    for (const id of this.accountIds) deps.exchange.openAccount(id, this.o.accountBalance);
  }

  /** The bot accounts' ids (makers then takers), e.g. to exclude them from reports. */
  get accountIds(): string[] {
    return [...this.makerAccounts, ...this.takerAccounts];
  }

  counters(): Readonly<typeof this.stats> {
    return { ...this.stats };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const slug of [...this.markets.keys()]) this.requote(slug);
    this.scheduleQuotes(this.o.quoteIntervalMs);
    this.scheduleTakers();
  }

  stop(): void {
    this.running = false;
    const s = this.deps.scheduler;
    if (this.quoteTimer !== null) s.clearTimeout(this.quoteTimer);
    if (this.takerTimer !== null) s.clearTimeout(this.takerTimer);
    this.quoteTimer = this.takerTimer = null;
    for (const m of this.markets.values()) for (const t of m.pending) s.clearTimeout(t);
    for (const m of this.markets.values()) m.pending.clear();
  }

  /** Starts making a market around `probability` (immediately: a new market has no stale quotes to keep). */
  addMarket(slug: string, probability = 0.5): void {
    if (this.markets.has(slug)) return;
    this.markets.set(slug, { slug, quotedFair: probabilityToMicros(probability), appliedSeq: 0, pending: new Set(), bias: this.drawBias() });
    if (this.running) this.requote(slug);
  }

  removeMarket(slug: string): void {
    const m = this.markets.get(slug);
    if (!m) return;
    for (const t of m.pending) this.deps.scheduler.clearTimeout(t);
    this.markets.delete(slug);
    this.pullQuotes(slug);
  }

  /** Re-evaluates a market now (e.g. after a state change): pulls quotes when not open, refills when open. */
  refresh(slug: string): void {
    if (this.running && this.markets.has(slug)) this.requote(slug);
  }

  /** The probability the makers currently quote around (after the lag), or null for an unknown market. */
  quotedProbability(slug: string): number | null {
    const m = this.markets.get(slug);
    return m ? m.quotedFair / ONE_DOLLAR : null;
  }

  /** The crowd's constant mispricing of a market, as a probability shift (0 when unbiased or unknown). */
  crowdBias(slug: string): number {
    return (this.markets.get(slug)?.bias ?? 0) / ONE_DOLLAR;
  }

  private drawBias(): PriceMicros {
    const { share, magnitude } = this.o.crowdBias;
    // Always draw the same number of values per market, so the other markets' biases do not depend on `share`.
    const pick = this.biasRandom.next();
    const size = magnitude[0] + this.biasRandom.next() * (magnitude[1] - magnitude[0]);
    const sign = this.biasRandom.next() < 0.5 ? -1 : 1;
    return pick < share ? Math.round(sign * size * ONE_DOLLAR) : 0;
  }

  /** The true probability moved: makers reprice toward it after a lag drawn from repriceLagMs. */
  setTrueProbability(slug: string, probability: number): void {
    const fair = probabilityToMicros(probability);
    const m = this.markets.get(slug);
    if (!m) throw new RangeError(`liquidity does not know market ${slug}`);
    const seq = ++this.seq;
    const [lo, hi] = this.o.repriceLagMs;
    const lag = lo + Math.floor(this.lagRandom.next() * (hi - lo + 1));
    const handle = this.deps.scheduler.setTimeout(() => {
      m.pending.delete(handle);
      if (!this.markets.has(slug) || seq <= m.appliedSeq) return;
      m.appliedSeq = seq;
      m.quotedFair = fair;
      if (this.running) this.requote(slug);
    }, lag);
    m.pending.add(handle);
  }

  // ---- makers ----

  private scheduleQuotes(delay: number): void {
    this.quoteTimer = this.deps.scheduler.setTimeout(() => {
      this.quoteTimer = null;
      if (!this.running) return;
      for (const slug of [...this.markets.keys()]) this.requote(slug);
      if (this.running) this.scheduleQuotes(this.o.quoteIntervalMs);
    }, delay);
  }

  /** Brings every maker's ladder in `slug` to the desired one: cancels off-ladder orders, fills missing levels. */
  private requote(slug: string): void {
    const m = this.markets.get(slug);
    if (!m) return;
    const info = this.safe(() => this.deps.exchange.getMarket(slug));
    if (!info) return;
    if (info.state !== ('MARKET_STATE_OPEN' satisfies VenueMarketState)) {
      this.pullQuotes(slug);
      return;
    }
    const tick = info.tick;
    this.makerAccounts.forEach((accountId, k) => {
      const desired = this.ladder(Math.min(MAX_ORDER_PRICE, Math.max(MIN_ORDER_PRICE, m.quotedFair + m.bias)), tick, k);
      const open = this.safe(() => this.deps.exchange.openOrders(accountId, [slug])) ?? [];
      const keep = new Set<string>();
      for (const order of open) {
        const key = `${order.intent}@${order.price}`;
        if (desired.has(key) && !keep.has(key)) keep.add(key);
        else this.cancel(accountId, order);
      }
      for (const [key, level] of desired) {
        if (keep.has(key)) continue;
        const [lo, hi] = this.o.levelSize;
        const qty = drawSize(lo, hi, this.sizeRandom.next(), Math.max(this.o.intensity, 0.1), info.minQty);
        this.submit(accountId, {
          marketSlug: slug,
          intent: level.intent,
          type: 'ORDER_TYPE_LIMIT',
          price: level.price,
          quantity: qty,
          tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
          participateDontInitiate: true,
        });
      }
    });
  }

  /** Maker k's ladder: bids below the fair price and asks above it, staggered by k ticks. */
  private ladder(fair: PriceMicros, tick: PriceMicros, k: number): Map<string, { intent: OrderIntent; price: PriceMicros }> {
    const out = new Map<string, { intent: OrderIntent; price: PriceMicros }>();
    const bestBid = Math.floor((fair - this.o.halfSpreadTicks * tick) / tick) * tick - k * tick;
    let bestAsk = Math.ceil((fair + this.o.halfSpreadTicks * tick) / tick) * tick + k * tick;
    if (bestAsk <= bestBid) bestAsk = bestBid + tick;
    for (let j = 0; j < this.o.levels; j++) {
      const bid = bestBid - j * this.o.levelSpacingTicks * tick;
      const ask = bestAsk + j * this.o.levelSpacingTicks * tick;
      // On the market's tick and within the venue's 0.01–0.99 (a 0.0025 tick has prices below 0.01).
      if (bid >= MIN_ORDER_PRICE && bid <= MAX_ORDER_PRICE) out.set(`ORDER_INTENT_BUY_LONG@${bid}`, { intent: 'ORDER_INTENT_BUY_LONG', price: bid });
      if (ask >= MIN_ORDER_PRICE && ask <= MAX_ORDER_PRICE) out.set(`ORDER_INTENT_BUY_SHORT@${ask}`, { intent: 'ORDER_INTENT_BUY_SHORT', price: ask });
    }
    return out;
  }

  private pullQuotes(slug: string): void {
    for (const accountId of this.makerAccounts) {
      const open = this.safe(() => this.deps.exchange.openOrders(accountId, [slug])) ?? [];
      for (const order of open) this.cancel(accountId, order);
    }
  }

  // ---- takers ----

  private scheduleTakers(): void {
    if (this.o.takers === 0) return;
    const jitter = Math.floor(this.random.next() * this.o.takerIntervalMs * 0.5);
    this.takerTimer = this.deps.scheduler.setTimeout(() => {
      this.takerTimer = null;
      if (!this.running) return;
      this.takerRound();
      if (this.running) this.scheduleTakers();
    }, Math.round(this.o.takerIntervalMs * 0.75) + jitter);
  }

  private takerRound(): void {
    const p = Math.min(1, this.o.takerProbability * this.o.intensity);
    for (const accountId of this.takerAccounts) {
      for (const slug of [...this.markets.keys()]) {
        // Three draws per taker and market whatever the book shows, so an empty side (a bot swept it) never
        // shifts the choices that follow.
        const trades = this.random.next() < p;
        const buy = this.random.next() < 0.5;
        const sizeDraw = this.random.next();
        if (!trades) continue;
        const bbo = this.safe(() => this.deps.exchange.bbo(slug));
        if (!bbo || bbo.state !== 'MARKET_STATE_OPEN') continue;
        const price = buy ? bbo.bestAsk : bbo.bestBid;
        if (price === null) continue;
        const [lo, hi] = this.o.takerSize;
        const step = this.safe(() => this.deps.exchange.getMarket(slug))?.minQty ?? ONE_CONTRACT;
        const qty = drawSize(lo, hi, sizeDraw, 1, step);
        this.stats.takerOrders++;
        this.submit(accountId, {
          marketSlug: slug,
          intent: buy ? 'ORDER_INTENT_BUY_LONG' : 'ORDER_INTENT_BUY_SHORT',
          type: 'ORDER_TYPE_LIMIT',
          price,
          quantity: qty,
          tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL',
        });
      }
    }
  }

  // ---- plumbing ----

  private submit(accountId: string, req: Parameters<LiquidityExchange['submitOrder']>[1]): void {
    this.stats.ordersSubmitted++;
    this.safe(() => this.deps.exchange.submitOrder(accountId, req));
  }

  private cancel(accountId: string, order: VenueOrder): void {
    this.stats.ordersCanceled++;
    this.safe(() => this.deps.exchange.cancelOrder(accountId, order.id, order.marketSlug));
  }

  /** Runs an exchange call; a refusal is logged and counted, never thrown out of a timer. */
  private safe<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.stats.errors++;
      this.logger.debug('background liquidity call refused', { err });
      return undefined;
    }
  }
}

/**
 * An order size from [lo, hi] contracts and one uniform draw `u`, times `scale`: whole contracts on a
 * whole-contract market (as before fractional markets), a size in hundredths on a market whose increment is
 * finer (so 0.01-size markets really trade fractions); never below the market's minimum.
 */
export function drawSize(lo: number, hi: number, u: number, scale: number, step: Qty): Qty {
  if (step >= ONE_CONTRACT) {
    const whole = Math.max(1, Math.round((lo + Math.floor(u * (hi - lo + 1))) * scale)) * ONE_CONTRACT;
    return Math.max(roundToStep(whole, step, 'down'), step);
  }
  const hundredths = Math.round((lo + u * (hi - lo)) * scale * QTY_SCALE);
  return Math.max(roundToStep(hundredths, step, 'down'), step);
}
