/**
 * One trading day's view of the engine's performance tracker, for the live-day report: the tracker counts
 * from the process start, so a day that begins at a daily reset (or a process that runs past one) would show
 * the earlier day's PnL again. This view subtracts a snapshot taken when the day began: every flow (realized,
 * unrealized, fees, net, volume, notional, fills) is the change since then — net is the day's PnL, and the
 * equity curve starts at 0 — while open quantities and the unmarked flag are the current ones. Lines with no
 * activity and no open quantity since the snapshot are left out (a market traded yesterday, flat today).
 *
 * It is a read-only view: it extends PerformanceTracker only so the report collector (which reads `report()`
 * and the marks) can take it; its own ledger stays empty and onFill/onMarketEvent/settle are never called on it.
 */
import { Decimal } from 'decimal.js';
import type { ExecutableMark } from '../../../shared/domain/executable-mark.js';
import type { Micros, PriceMicros } from '../../../shared/domain/money.js';
import type { Qty } from '../../../shared/domain/quantity.js';
import { PerformanceTracker, type PerformanceReport, type PnlLine } from '../../../shared/paper/performance-tracker.js';

export class DayPerformance extends PerformanceTracker {
  private readonly baseline: PerformanceReport;

  constructor(private readonly source: PerformanceTracker) {
    super();
    this.baseline = source.report();
  }

  override closeout(marketSlug: string, netQty: Qty): ExecutableMark {
    return this.source.closeout(marketSlug, netQty);
  }

  override midMark(marketSlug: string): PriceMicros | null {
    return this.source.midMark(marketSlug);
  }

  override midValue(marketSlug: string, netQty: Qty): Micros | null {
    return this.source.midValue(marketSlug, netQty);
  }

  override report(): PerformanceReport {
    const now = this.source.report();
    return {
      total: minus(now.total, this.baseline.total),
      byStrategy: minusAll(now.byStrategy, this.baseline.byStrategy),
      byMarket: minusAll(now.byMarket, this.baseline.byMarket),
    };
  }
}

const ZERO = new Decimal(0);

function minus(a: PnlLine, b: PnlLine | undefined): PnlLine {
  if (!b) return a;
  return {
    realized: a.realized.minus(b.realized),
    unrealized: a.unrealized.minus(b.unrealized),
    fees: a.fees.minus(b.fees),
    net: a.net.minus(b.net),
    unrealizedAtMid: a.unrealizedAtMid.minus(b.unrealizedAtMid),
    netAtMid: a.netAtMid.minus(b.netAtMid),
    volume: a.volume - b.volume,
    notional: a.notional.minus(b.notional),
    fills: a.fills - b.fills,
    openQty: a.openQty,
    unmarked: a.unmarked,
    markedAtLastTrade: a.markedAtLastTrade,
    beyondVisibleDepth: a.beyondVisibleDepth,
  };
}

function minusAll(now: Record<string, PnlLine>, base: Record<string, PnlLine>): Record<string, PnlLine> {
  const out: Record<string, PnlLine> = {};
  for (const [k, line] of Object.entries(now)) {
    const d = minus(line, base[k]);
    if (d.fills === 0 && d.openQty === 0 && d.net.eq(ZERO) && d.realized.eq(ZERO)) continue;
    out[k] = d;
  }
  return out;
}
