/**
 * Collects a run's time series for its report, from the engine's bus and hooks, cheaply:
 *  - fills: every one (they are rare next to market data);
 *  - prices: one mid per market per `priceSampleMs` (a Map lookup and a compare on every market update);
 *  - equity, drawdown, exposure per market and per game: one sample per `sampleEveryMs`, taken from `sample`
 *    (the caller's periodic tick), never from the hot path. Open positions count at their executable marks
 *    (what closing them now would bring in, net of the taker fee: shared/domain/executable-mark.ts); the
 *    equity at the mid is sampled beside it for the reference drawdown (`maxDrawdownAtMid`);
 *  - decisions: counts by check and strategy; blocked ones kept as risk events (up to `maxRiskEvents`);
 *  - breaker trips and the kill switch;
 *  - edges before and after fees of the approved signals, and fees paid / rebates received, by strategy.
 * Series longer than `maxPoints` are thinned (every other point dropped), so memory stays bounded on a
 * long day. Reads the engine; changes nothing.
 */
import { formatQuantity, qtyToContracts } from '../domain/quantity.js';
import { Decimal } from 'decimal.js';
import type { CircuitBreakerState } from '../risk/circuit-breaker.js';
import type { Fill } from '../domain/order.js';
import { MICROS_PER_USD } from '../domain/money.js';
import type { Signal } from '../domain/signal.js';
import type { AssembledEngine } from '../engine/assemble-engine.js';
import type { FixtureRef } from '../feeds/market-mapper.js';
import { emptyLine, type PerformanceReport, type PnlLine } from '../paper/performance-tracker.js';
import type { RiskDecision } from '../risk/risk-manager.js';
import type { MarketDirectory } from '../state/market-directory.js';
import { EdgeFeeTally } from './edge-fee-tally.js';
import { drawdownOf, ratiosOf, round6, type FillPoint, type PnlRow, type ReportData, type ReportSummary, type RiskEvent, type SeriesPoint } from './report-model.js';

export type CollectedEngine = Pick<AssembledEngine, 'bus' | 'performance' | 'state'>;

/** A sampled market's last price sample time and its price series. */
interface PriceTrack {
  lastAt: number;
  series: Series;
}

export interface ReportCollectorOptions {
  engine: CollectedEngine;
  directory: MarketDirectory;
  /** Games, for sport and title (more can be added with addFixtures). */
  fixtures?: readonly FixtureRef[];
  sampleEveryMs?: number;
  priceSampleMs?: number;
  maxPoints?: number;
  maxRiskEvents?: number;
}

const usd = (micros: number): number => round6(micros / MICROS_PER_USD);

class Series {
  points: SeriesPoint[] = [];
  constructor(private readonly max: number) {}
  push(t: number, v: number): void {
    this.points.push({ t, v });
    if (this.points.length > this.max) this.points = this.points.filter((_, i) => i % 2 === 0);
  }
}

export class ReportCollector {
  private readonly opts: Required<Omit<ReportCollectorOptions, 'fixtures'>>;
  private readonly fixtures = new Map<string, FixtureRef>();
  private readonly equity: Series;
  /** The equity with open positions at the mid: reference only (the drawdown at mid). */
  private readonly equityAtMid: Series;
  private readonly exposureMarket = new Map<string, Series>();
  private readonly exposureGame = new Map<string, Series>();
  private readonly prices = new Map<string, Series>();
  /**
   * Each sampled market's last price sample time and its series (one lookup per market update; the time is a
   * number field, written in place, where a Map value would box every new time).
   */
  private readonly priceTracks = new Map<string, PriceTrack>();
  /** The track last found and its market (tracks are never dropped): a market update usually follows one of the same market. */
  private lastTrackSlug: string | undefined = undefined;
  private lastTrack: PriceTrack | undefined = undefined;
  private readonly fills: FillPoint[] = [];
  private readonly riskEvents: RiskEvent[] = [];
  private readonly byCheck: Record<string, number> = {};
  private readonly byStrategy: Record<string, { approved: number; blocked: number }> = {};
  private decisions = 0;
  private approved = 0;
  private breakerTrips = 0;
  private nextSampleAt = -Infinity;
  private first: number | null = null;
  private last: number | null = null;
  private readonly off: (() => void)[] = [];
  private readonly settled = new Map<string, number>();
  private readonly edgesAndFees = new EdgeFeeTally();

  constructor(options: ReportCollectorOptions) {
    this.opts = {
      engine: options.engine,
      directory: options.directory,
      sampleEveryMs: options.sampleEveryMs ?? 5_000,
      priceSampleMs: options.priceSampleMs ?? 2_000,
      maxPoints: options.maxPoints ?? 4_000,
      maxRiskEvents: options.maxRiskEvents ?? 2_000,
    };
    this.equity = new Series(this.opts.maxPoints);
    this.equityAtMid = new Series(this.opts.maxPoints);
    this.addFixtures(options.fixtures ?? []);
  }

  addFixtures(fixtures: readonly FixtureRef[]): void {
    for (const f of fixtures) this.fixtures.set(f.fixtureId, f);
  }

  /** Subscribes to the bus (fills, market updates). Returns the unsubscribe function. */
  attach(): () => void {
    const { bus } = this.opts.engine;
    this.off.push(
      bus.on('fill', (f) => this.onFill(f)),
      bus.on('market_update', (m) => {
        const at = m.updatedAt;
        const track = this.priceTrack(m.marketSlug);
        if (track !== undefined && at - track.lastAt < this.opts.priceSampleMs) return;
        if (m.yesBid === null || m.yesAsk === null) return;
        const mid = usd((m.yesBid + m.yesAsk) / 2);
        if (track === undefined) {
          const series = this.seriesOf(this.prices, m.marketSlug);
          this.priceTracks.set(m.marketSlug, { lastAt: at, series });
          series.push(at, mid);
        } else {
          track.lastAt = at;
          track.series.push(at, mid);
        }
      }),
    );
    return () => {
      for (const f of this.off.splice(0)) f();
    };
  }

  /** A market's price track, if it has one (see lastTrackSlug). */
  private priceTrack(slug: string): PriceTrack | undefined {
    if (slug === this.lastTrackSlug) return this.lastTrack;
    const t = this.priceTracks.get(slug);
    if (t !== undefined) {
      this.lastTrackSlug = slug;
      this.lastTrack = t;
    }
    return t;
  }

  onFill = (fill: Fill): void => {
    this.touch(fill.time);
    this.edgesAndFees.onFill(fill);
    this.fills.push({
      t: fill.time,
      marketSlug: fill.marketSlug,
      strategy: String(fill.strategyName ?? 'unknown'),
      intent: fill.intent,
      price: usd(fill.price),
      qty: qtyToContracts(fill.qty),
      fee: usd(fill.fee),
      liquidity: fill.liquidity,
    });
  };

  onDecision = (decision: RiskDecision, signal: Signal): void => {
    this.decisions++;
    const s = (this.byStrategy[String(signal.strategyName)] ??= { approved: 0, blocked: 0 });
    this.byCheck[decision.check] = (this.byCheck[decision.check] ?? 0) + 1;
    if (decision.approved) {
      this.approved++;
      s.approved++;
      this.edgesAndFees.onApproved(decision.signal ?? signal);
      return;
    }
    s.blocked++;
    if (this.riskEvents.length < this.opts.maxRiskEvents) {
      this.riskEvents.push({ t: signal.createdAt, kind: 'block', check: decision.check, strategy: String(signal.strategyName), marketSlug: signal.marketSlug, reason: decision.reason });
    }
  };

  onBreakerTrip = (state: CircuitBreakerState): void => {
    this.breakerTrips++;
    this.riskEvents.push({
      t: state.trippedAt ?? this.last ?? 0,
      kind: state.killSwitch ? 'kill_switch' : 'breaker_trip',
      reason: state.tripReason ?? state.killSwitchReason ?? 'tripped',
    });
  };

  onSettle = (marketSlug: string, settlementPrice: number): void => {
    this.settled.set(marketSlug, settlementPrice);
  };

  /** The periodic sample (call it from the engine's tick); takes one when `sampleEveryMs` has passed. */
  sample(now: number, force = false): void {
    this.touch(now);
    if (!force && now < this.nextSampleAt) return;
    this.nextSampleAt = now + this.opts.sampleEveryMs;
    const { performance, state } = this.opts.engine;
    // The total alone, in micros (the same figures as report().total, without every line's decimal sums); a
    // safe integer of micros over 10⁶ is the double nearest the exact decimal, as Decimal's toNumber gives it.
    const totals = performance.totalNet();
    if (totals) {
      this.equity.push(now, usd(totals.net));
      this.equityAtMid.push(now, usd(totals.netAtMid));
    } else {
      const total = performance.report().total;
      this.equity.push(now, round6(total.net.toNumber()));
      this.equityAtMid.push(now, round6(total.netAtMid.toNumber()));
    }
    const byGame = new Map<string, number>();
    const seen = new Set<string>();
    // Only the positions' sizes and costs are read: the listing that does not mark the due ones again.
    for (const p of state.positionSizes()) {
      if (p.quantity === 0 && !this.exposureMarket.has(p.marketSlug)) continue;
      // What the position could be sold for now (executable mark), else its cost.
      const value = usd(p.quantity === 0 ? 0 : (performance.closeout(p.marketSlug, p.netQty).value ?? p.cost));
      seen.add(p.marketSlug);
      this.seriesOf(this.exposureMarket, p.marketSlug).push(now, value);
      const game = this.opts.directory.link(p.marketSlug)?.fixtureId ?? 'unlinked';
      byGame.set(game, (byGame.get(game) ?? 0) + value);
    }
    for (const [slug, s] of this.exposureMarket) if (!seen.has(slug)) s.push(now, 0);
    for (const [game, s] of this.exposureGame) if (!byGame.has(game)) s.push(now, 0);
    for (const [game, v] of byGame) this.seriesOf(this.exposureGame, game).push(now, round6(v));
  }

  /** The report's data (call after the run; takes a last sample at `now`). */
  build(meta: { title: string; kind: ReportSummary['kind']; now: number; configDigest?: string; extra?: ReportSummary['extra'] }): ReportData {
    this.sample(meta.now, true);
    const perf = this.opts.engine.performance;
    const report = perf.report();
    const equity = this.equity.points;
    const dd = drawdownOf(equity);
    const ddAtMid = drawdownOf(this.equityAtMid.points);
    const ratios = ratiosOf(equity);
    const labels: Record<string, string> = {};
    const sportOf = (slug: string): string => {
      const link = this.opts.directory.link(slug);
      return (link && this.fixtures.get(link.fixtureId)?.sport) ?? 'unknown';
    };
    const bySport: Record<string, PnlLine[]> = {};
    const byGame: Record<string, PnlLine[]> = {};
    for (const [slug, line] of Object.entries(report.byMarket)) {
      (bySport[sportOf(slug)] ??= []).push(line);
      (byGame[this.opts.directory.link(slug)?.fixtureId ?? 'unlinked'] ??= []).push(line);
      labels[slug] = this.opts.directory.info(slug)?.title ?? slug;
    }
    for (const slug of [...this.prices.keys(), ...this.exposureMarket.keys()]) labels[slug] ??= this.opts.directory.info(slug)?.title ?? slug;
    const gameTitle = (id: string): string => {
      const f = this.fixtures.get(id);
      return f ? `${f.awayTeam} @ ${f.homeTeam}` : id;
    };
    for (const id of [...Object.keys(byGame), ...this.exposureGame.keys()]) labels[id] = gameTitle(id);

    // The hit rate judges the direction of the price after a fill, so it reads the mid (or the settlement),
    // not a position's value.
    let hits = 0;
    let judged = 0;
    for (const f of this.fills) {
      const settled = this.settled.get(f.marketSlug);
      const finalMark = settled ?? perf.midMark(f.marketSlug);
      if (finalMark === null || finalMark === undefined) continue;
      const final = usd(finalMark);
      if (final === f.price) continue;
      judged++;
      const buysLong = f.intent === 'ORDER_INTENT_BUY_LONG' || f.intent === 'ORDER_INTENT_SELL_SHORT';
      if (buysLong ? final > f.price : final < f.price) hits++;
    }

    const summary: ReportSummary = {
      title: meta.title,
      kind: meta.kind,
      from: this.first,
      to: this.last,
      ...(meta.configDigest !== undefined ? { configDigest: meta.configDigest } : {}),
      total: row(report.total),
      byStrategy: mapRows(report.byStrategy),
      bySport: Object.fromEntries(Object.entries(bySport).sort().map(([k, lines]) => [k, row(sumLines(lines))])),
      byGame: Object.fromEntries(Object.entries(byGame).sort().map(([k, lines]) => [k, { ...row(sumLines(lines)), title: gameTitle(k) }])),
      byMarket: mapRows(report.byMarket),
      feesPaid: report.total.fees.toFixed(6),
      edgesAndFees: { byStrategy: this.edgesAndFees.rows(), total: this.edgesAndFees.totals() },
      fills: this.fills.length,
      hitRate: judged > 0 ? round6(hits / judged) : null,
      sharpeHourly: ratios.sharpe,
      sortinoHourly: ratios.sortino,
      maxDrawdown: new Decimal(dd.max).toFixed(6),
      maxDrawdownAtMid: new Decimal(ddAtMid.max).toFixed(6),
      marks: { basis: 'executable', lastTradeFallback: report.total.markedAtLastTrade, beyondVisibleDepth: report.total.beyondVisibleDepth },
      decisions: { total: this.decisions, approved: this.approved, blocked: this.decisions - this.approved, byCheck: sortKeys(this.byCheck), byStrategy: sortKeys(this.byStrategy) },
      breakerTrips: this.breakerTrips,
      extra: meta.extra ?? {},
    };
    return {
      summary,
      equity,
      drawdown: dd.series,
      exposureByMarket: mapSeries(this.exposureMarket),
      exposureByGame: mapSeries(this.exposureGame),
      prices: mapSeries(this.prices),
      fills: this.fills,
      riskEvents: this.riskEvents,
      labels: sortKeys(labels),
    };
  }

  private touch(t: number): void {
    if (this.first === null || t < this.first) this.first = t;
    if (this.last === null || t > this.last) this.last = t;
  }

  private seriesOf(map: Map<string, Series>, key: string): Series {
    let s = map.get(key);
    if (!s) map.set(key, (s = new Series(this.opts.maxPoints)));
    return s;
  }
}

function row(l: PnlLine): PnlRow {
  return {
    realized: l.realized.toFixed(6),
    unrealized: l.unrealized.toFixed(6),
    fees: l.fees.toFixed(6),
    net: l.net.toFixed(6),
    unrealizedAtMid: l.unrealizedAtMid.toFixed(6),
    netAtMid: l.netAtMid.toFixed(6),
    fills: l.fills,
    volume: formatQuantity(l.volume),
  };
}

function mapRows(o: PerformanceReport['byStrategy']): Record<string, PnlRow> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, row(v)]));
}

function sumLines(lines: PnlLine[]): PnlLine {
  const acc = emptyLine();
  for (const l of lines) {
    acc.realized = acc.realized.plus(l.realized);
    acc.unrealized = acc.unrealized.plus(l.unrealized);
    acc.fees = acc.fees.plus(l.fees);
    acc.net = acc.net.plus(l.net);
    acc.unrealizedAtMid = acc.unrealizedAtMid.plus(l.unrealizedAtMid);
    acc.netAtMid = acc.netAtMid.plus(l.netAtMid);
    acc.notional = acc.notional.plus(l.notional);
    acc.volume += l.volume;
    acc.fills += l.fills;
  }
  return acc;
}

function mapSeries(m: Map<string, Series>): Record<string, SeriesPoint[]> {
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, s]) => [k, s.points]));
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
