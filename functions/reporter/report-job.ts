/**
 * The daily report: on the schedule (00:15 New York) it reports the trading day that just ended; invoked
 * directly with `{ "day": "YYYY-MM-DD" }` it reports that day. Reads the day's fills, each traded market's
 * fill history up to the end of the day (for the cost basis) and the current positions; stores the full JSON
 * report under a dated key (a re-run overwrites the same object: idempotent) and publishes a short summary.
 */
import type { Notifier } from '../../shared/aws/notifier.js';
import type { Clock } from '../../shared/domain/clock.js';
import type { Fill } from '../../shared/domain/order.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import { computeDailyReport, type DailyReport } from '../../shared/reporting/daily-report.js';
import { reportSummary } from '../../shared/reporting/report-summary.js';
import type { FillsLedger } from '../../shared/store/fills-ledger.js';
import type { PositionsRepository } from '../../shared/store/positions-repository.js';
import type { RiskDayRepository } from '../../shared/store/risk-day-repository.js';
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

  const report = computeDailyReport({
    day,
    generatedAt: now,
    marketHistories,
    positions,
    riskDayRealizedMicros: riskDay?.realizedPnlMicros ?? null,
    timeZone: tz,
  });
  const location = await deps.sink.put(reportKey(deps.prefix, day), JSON.stringify(report, null, 2));
  const summary = reportSummary(report, location);
  await deps.notifier.notify(summary);
  deps.metrics.increment('reporter.reports');
  deps.metrics.gauge('reporter.fills', report.totals.fills);
  deps.logger.info('daily report stored and summarised', { day, location, fills: report.totals.fills, netRealizedPnl: report.totals.netRealizedPnl });
  return { day, location, report };
}
