/**
 * The day's PnL for the circuit breaker: realized (fees included) since the last daily reset, plus the
 * current mark-to-market of open positions, from the performance tracker. The risk manager asks for it on
 * every signal, so the figure is cached and recomputed only after a fill or when it is older than
 * `maxAgeMs` (marks move between fills).
 */
import { Decimal } from 'decimal.js';
import type { Clock } from '../domain/clock.js';
import { MICROS_PER_USD, type Micros } from '../domain/money.js';
import type { PerformanceTracker } from '../paper/performance-tracker.js';
import type { DailyPnl } from '../risk/risk-view.js';

const toMicros = (usd: Decimal): Micros => usd.mul(MICROS_PER_USD).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toNumber();

export class DailyPnlMonitor {
  private cached: DailyPnl = { realized: 0, unrealized: 0 };
  private computedAt = -Infinity;
  private dirty = true;
  /** Realized-minus-fees at the start of the day. */
  private baseline: Micros = 0;

  constructor(
    private readonly performance: PerformanceTracker,
    private readonly clock: Clock,
    private readonly maxAgeMs = 250,
    /** Realized PnL already booked today before this process started (restored from the store). */
    carriedRealized: Micros = 0,
  ) {
    this.baseline = -carriedRealized;
  }

  /** A fill changed realized PnL or inventory. */
  invalidate(): void {
    this.dirty = true;
  }

  dailyPnl(): DailyPnl {
    const now = this.clock.now();
    if (this.dirty || now - this.computedAt > this.maxAgeMs) {
      const t = this.performance.report().total;
      this.cached = { realized: toMicros(t.realized.minus(t.fees)) - this.baseline, unrealized: toMicros(t.unrealized) };
      this.computedAt = now;
      this.dirty = false;
    }
    return this.cached;
  }

  /** Starts a new day: today's realized PnL counts from zero again. */
  resetDay(): void {
    const t = this.performance.report().total;
    this.baseline = toMicros(t.realized.minus(t.fees));
    this.dirty = true;
  }
}
