/**
 * The production bot's day report: a ReportCollector per trading day, written as HTML + JSON summary when
 * the day ends (the daily-reset control message) and when the bot stops gracefully, under
 * `<prefix><day>.html|json` (e.g. `reports/prod/live/2026-03-08.html` on S3). At a rollover the new day's
 * collector starts at once (nothing of the new day is missed); the old day is written in the background and
 * a failed write is logged and counted (`reports.write_failed`), never thrown into the trading path.
 *
 * PnL figures are the day's own (DayPerformance: change since the day began in this process). Limits: a
 * report covers what this process saw of the day (a restart within a day writes the same key again with the
 * part after the restart; on a versioned bucket the earlier part stays as the previous version); positions
 * inherited at a restart are not in the performance tracker, which learns only from fills.
 *
 * A day that ran in shadow mode (even in part) carries the calibration panel (paper vs live, fitted paper
 * parameters: shared/shadow/) in its JSON summary (`shadow`) and its page; the shadow journal starts afresh
 * with the new day.
 *
 * Cost on the hot path: the collector's bus listeners (a Map lookup per market update, a push per fill). The
 * periodic sample (equity, exposure) runs on its own timer, off the event path.
 */
import { tradingAccount, type TradingMode } from '../../../shared/config/schema.js';
import type { Signal } from '../../../shared/domain/signal.js';
import type { AssembledEngine } from '../../../shared/engine/assemble-engine.js';
import type { FixtureRef } from '../../../shared/feeds/market-mapper.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import { renderHtmlReport } from '../../../shared/reports/html-report.js';
import { ReportCollector } from '../../../shared/reports/report-collector.js';
import type { ReportData } from '../../../shared/reports/report-model.js';
import type { CircuitBreakerState } from '../../../shared/risk/circuit-breaker.js';
import type { RiskDecision } from '../../../shared/risk/risk-manager.js';
import type { ShadowPanel } from '../../../shared/shadow/calibration-panel.js';
import type { MarketDirectory } from '../../../shared/state/market-directory.js';
import { DayPerformance } from './day-performance.js';
import type { ReportStore } from './report-store.js';

export type ReportedEngine = Pick<AssembledEngine, 'bus' | 'performance' | 'state'> & {
  mode(): TradingMode;
  /** Shadow mode's panel source (the engine's ShadowSession). */
  readonly shadow?: { panel(): ShadowPanel | undefined; resetDay(): void } | undefined;
};

export interface LiveDayReportsOptions {
  engine: ReportedEngine;
  directory: MarketDirectory;
  fixtures: readonly FixtureRef[];
  store: ReportStore;
  /** Key prefix, ending with '/' (e.g. `reports/prod/live/`). */
  prefix: string;
  /** The trading day in progress (the risk day). */
  day: string;
  now: () => number;
  logger: Logger;
  metrics: Metrics;
  stage?: string;
  configDigest?: string;
  /** Period of the equity/exposure sampling timer, ms (default 1 000; the collector keeps one per 5 s). */
  sampleTimerMs?: number;
}

export interface WrittenDayReport {
  day: string;
  html?: string;
  json: string;
  summary: ReportData['summary'];
}

interface Day {
  day: string;
  collector: ReportCollector;
  detach: () => void;
  startedAt: number;
}

export class LiveDayReports {
  private current: Day;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly timer: NodeJS.Timeout;
  private closing: Promise<WrittenDayReport | undefined> | undefined;

  constructor(private readonly o: LiveDayReportsOptions) {
    this.current = this.begin(o.day);
    this.timer = setInterval(() => this.sample(), o.sampleTimerMs ?? 1_000);
    this.timer.unref();
  }

  currentDay(): string {
    return this.current.day;
  }

  // Hooks (the bot's onDecision / onBreakerTrip / onSettle), forwarded to the day in progress.
  onDecision = (decision: RiskDecision, signal: Signal): void => this.current.collector.onDecision(decision, signal);
  onBreakerTrip = (state: CircuitBreakerState): void => this.current.collector.onBreakerTrip(state);
  onSettle = (marketSlug: string, settlementPrice: number): void => this.current.collector.onSettle(marketSlug, settlementPrice);

  /** The day ended: its report is written (in the background) and the new day's collector starts now. */
  rollover(newDay: string): Promise<WrittenDayReport | undefined> {
    if (this.closing || newDay === this.current.day) return Promise.resolve(undefined);
    const ended = this.current;
    this.current = this.begin(newDay);
    ended.detach();
    const panel = this.takeShadowPanel();
    this.o.logger.info('report day rolled over', { ended: ended.day, day: newDay });
    return this.track(this.write(ended, panel));
  }

  /** Graceful stop: stops sampling, writes the day in progress and waits for every pending write. */
  close(): Promise<WrittenDayReport | undefined> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      this.current.detach();
      const last = await this.write(this.current, this.o.engine.shadow?.panel());
      await Promise.allSettled([...this.pending]);
      return last;
    })();
    return this.closing;
  }

  private begin(day: string): Day {
    const engine = this.o.engine;
    const collector = new ReportCollector({
      engine: { bus: engine.bus, state: engine.state, performance: new DayPerformance(engine.performance) },
      directory: this.o.directory,
      fixtures: this.o.fixtures,
    });
    const detach = collector.attach();
    const startedAt = this.o.now();
    collector.sample(startedAt, true);
    return { day, collector, detach, startedAt };
  }

  private sample(): void {
    try {
      this.current.collector.sample(this.o.now());
    } catch (err) {
      this.o.metrics.increment('reports.sample_failed');
      this.o.logger.warn('report sample failed', { err });
    }
  }

  /** The ended day's shadow panel (if the day mirrored anything); the journal starts the new day empty. */
  private takeShadowPanel(): ShadowPanel | undefined {
    const shadow = this.o.engine.shadow;
    if (!shadow) return undefined;
    try {
      return shadow.panel();
    } catch (err) {
      this.o.metrics.increment('reports.shadow_panel_failed');
      this.o.logger.error('shadow panel could not be built; the day report goes without it', { err });
      return undefined;
    } finally {
      shadow.resetDay();
    }
  }

  private async write(d: Day, shadowPanel?: ShadowPanel): Promise<WrittenDayReport | undefined> {
    const mode = this.o.engine.mode();
    const base = `${this.o.prefix}${d.day}`;
    try {
      const data = d.collector.build({
        title: `${mode === 'shadow' ? 'Shadow (live)' : mode === 'live' ? 'Live' : 'Paper'} trading day ${d.day}${this.o.stage ? ` (${this.o.stage})` : ''}`,
        kind: tradingAccount(mode),
        now: this.o.now(),
        ...(this.o.configDigest !== undefined ? { configDigest: this.o.configDigest } : {}),
        extra: { day: d.day, mode, coveredFrom: d.startedAt, ...(this.o.stage ? { stage: this.o.stage } : {}) },
      });
      if (shadowPanel) data.summary.shadow = shadowPanel;
      const json = await this.o.store.put(`${base}.json`, JSON.stringify(data.summary, null, 2) + '\n', 'application/json');
      let html: string | undefined;
      try {
        html = await this.o.store.put(`${base}.html`, renderHtmlReport(data), 'text/html; charset=utf-8');
      } catch (err) {
        // The summary is written; the page failed (e.g. its chart bundle is missing from the image).
        this.o.metrics.increment('reports.write_failed', 1, { part: 'html' });
        this.o.logger.error('day report page could not be written; the JSON summary was', { day: d.day, err });
      }
      this.o.metrics.increment('reports.written');
      this.o.logger.info('day report written', { day: d.day, json, html, net: data.summary.total.net, fills: data.summary.fills });
      return { day: d.day, json, ...(html ? { html } : {}), summary: data.summary };
    } catch (err) {
      this.o.metrics.increment('reports.write_failed', 1, { part: 'json' });
      this.o.logger.error('day report could not be written', { day: d.day, key: base, err });
      return undefined;
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }
}
