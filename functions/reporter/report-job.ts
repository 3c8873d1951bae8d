/**
 * The daily report: on the schedule (00:15 New York) it reports the trading day that just ended; invoked
 * directly with `{ "day": "YYYY-MM-DD" }` it reports that day. Reads the day's fills, each traded market's
 * fill history up to the end of the day (for the cost basis) and the current positions; stores the full JSON
 * report under a dated key (a re-run overwrites the same object: idempotent) and publishes a short summary.
 * A day that ran in shadow mode (the bot stored its calibration aggregates, shared/store/shadow-day-repository.ts)
 * carries the calibration panel (`shadow` in the JSON, a short section in the summary); a stored item that is
 * unusable is logged and counted (`reporter.shadow_invalid`) and the report goes without the panel.
 */
import type { Notifier } from '../../shared/aws/notifier.js';
import type { Clock } from '../../shared/domain/clock.js';
import type { Fill } from '../../shared/domain/order.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import { computeDailyReport, type DailyReport } from '../../shared/reporting/daily-report.js';
import { reportSummary } from '../../shared/reporting/report-summary.js';
import { panelFromAggregates, type ShadowPanel } from '../../shared/shadow/calibration-panel.js';
import { InvalidShadowAggregatesError } from '../../shared/shadow/shadow-aggregates.js';
import type { FillsLedger } from '../../shared/store/fills-ledger.js';
import type { PositionsRepository } from '../../shared/store/positions-repository.js';
import type { RiskDayRepository } from '../../shared/store/risk-day-repository.js';
import type { ShadowDayRepository } from '../../shared/store/shadow-day-repository.js';
import { addDays, isTradingDay, tradingDayOf, TRADING_TIME_ZONE } from '../../shared/store/trading-day.js';

/** Where the full report goes (S3 on AWS). */
export interface ReportSink {
  /** Stores the JSON document; returns where it is (e.g. s3://bucket/key). */
  put(key: string, body: string): Promise<string>;
}

export interface ReporterDeps {
  clock: Clock;
  fills: Pick<FillsLedger, 'byDay' | 'byMarket'>;
  positions: Pick<PositionsRepository, 'list'>;
  riskDays?: Pick<RiskDayRepository, 'get'>;
  /** A shadow day's stored calibration aggregates (same table as the risk days). */
  shadowDays?: Pick<ShadowDayRepository, 'get'>;
  sink: ReportSink;
  /** Key prefix, e.g. "reports/". */
  prefix: string;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
  timeZone?: string;
}

export class InvalidReportRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReportRequestError';
  }
}

export interface ReportRequest {
  /** A day to report (on demand); by default the day before the current New York day. */
  day?: unknown;
}

export interface ReportResult {
  day: string;
  location: string;
  report: DailyReport;
}

export function reportKey(prefix: string, day: string): string {
  const [y, m] = day.split('-');
  return `${prefix}${y}/${m}/${day}.json`;
}

export async function runReport(deps: ReporterDeps, request: ReportRequest = {}): Promise<ReportResult> {
  const now = deps.clock.now();
  const tz = deps.timeZone ?? TRADING_TIME_ZONE;
  let day: string;
  if (request.day === undefined || request.day === null) day = addDays(tradingDayOf(now, tz), -1);
  else if (typeof request.day === 'string' && isTradingDay(request.day)) day = request.day;
  else throw new InvalidReportRequestError(`day must be YYYY-MM-DD, got ${JSON.stringify(String(request.day)).slice(0, 30)}`);

  const dayFills = await deps.fills.byDay(day);
  const markets = [...new Set(dayFills.map((f) => f.marketSlug))].sort();
  const marketHistories = new Map<string, Fill[]>();
  for (const slug of markets) marketHistories.set(slug, await deps.fills.byMarket(slug));
  const positions = (await deps.positions.list()).map((p) => p.position);
  const riskDay = deps.riskDays ? await deps.riskDays.get(day) : undefined;

  const shadow = await shadowPanel(deps, day);

  const report: DailyReport = computeDailyReport({
    day,
    generatedAt: now,
    marketHistories,
    positions,
    riskDayRealizedMicros: riskDay?.realizedPnlMicros ?? null,
    timeZone: tz,
  });
  if (shadow) report.shadow = shadow;
  const location = await deps.sink.put(reportKey(deps.prefix, day), JSON.stringify(report, null, 2));
  const summary = reportSummary(report, location);
  await deps.notifier.notify(summary);
  deps.metrics.increment('reporter.reports');
  deps.metrics.gauge('reporter.fills', report.totals.fills);
  deps.logger.info('daily report stored and summarised', { day, location, fills: report.totals.fills, netRealizedPnl: report.totals.netRealizedPnl, shadow: shadow !== undefined });
  return { day, location, report };
}

/** The day's shadow calibration panel, when the day ran in shadow mode (a store error propagates: the run is retried). */
async function shadowPanel(deps: ReporterDeps, day: string): Promise<ShadowPanel | undefined> {
  if (!deps.shadowDays) return undefined;
  try {
    const agg = await deps.shadowDays.get(day);
    return agg ? panelFromAggregates(agg) : undefined;
  } catch (err) {
    if (!(err instanceof InvalidShadowAggregatesError)) throw err;
    deps.metrics.increment('reporter.shadow_invalid');
    deps.logger.error('stored shadow aggregates are unusable; the report goes without the panel', { day, err });
    return undefined;
  }
}
