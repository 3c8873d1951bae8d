import type { ShadowPanel } from '../shadow/calibration-panel.js';
import type { EdgeFeeRow } from './edge-fee-tally.js';

/**
 * The report's data: what a paper session, a live day or a backtest produced, as plain JSON-safe values.
 * Money totals are decimal strings (USD, exact); the time series are numbers in USD for plotting only.
 */
export interface SeriesPoint {
  /** Epoch ms. */
  t: number;
  v: number;
}

export interface FillPoint {
  t: number;
  marketSlug: string;
  strategy: string;
  intent: string;
  /** Long-side price, USD (plot). */
  price: number;
  /** Contracts (plot; 2.5 = two and a half). */
  qty: number;
  /** USD (plot); negative = rebate. */
  fee: number;
  liquidity: 'MAKER' | 'TAKER';
}

export interface RiskEvent {
  t: number;
  kind: 'block' | 'breaker_trip' | 'kill_switch';
  check?: string;
  strategy?: string;
  marketSlug?: string;
  reason: string;
}

export interface PnlRow {
  realized: string;
  /** Open positions at executable marks (what closing them now would bring in, net of the taker fee). */
  unrealized: string;
  fees: string;
  net: string;
  /** Reference only: open positions at the mid (else last trade), no fee. Absent in reports made before. */
  unrealizedAtMid?: string;
  /** Reference only: realized + unrealizedAtMid − fees. */
  netAtMid?: string;
  fills: number;
  /** Contracts traded, exact decimal text ("19.6"). */
  volume: string;
}

export interface ReportSummary {
  title: string;
  kind: 'paper' | 'live' | 'backtest';
  from: number | null;
  to: number | null;
  configDigest?: string;
  total: PnlRow;
  byStrategy: Record<string, PnlRow>;
  bySport: Record<string, PnlRow>;
  byGame: Record<string, PnlRow & { title: string }>;
  byMarket: Record<string, PnlRow>;
  /** Fees net of rebates over the run (the PnL lines' fees), USD. */
  feesPaid: string;
  /**
   * Edge before and after fees of the approved signals, and taker fees paid / maker rebates received by the
   * fills, per strategy and in total (see edge-fee-tally.ts).
   */
  edgesAndFees: { byStrategy: Record<string, EdgeFeeRow>; total: EdgeFeeRow };
  fills: number;
  /** Fills whose market later marked or settled in their favour, / fills with a final mark. */
  hitRate: number | null;
  /** Mean / stdev of equity changes per sample interval, scaled to one hour. */
  sharpeHourly: number | null;
  sortinoHourly: number | null;
  /** Of the equity with open positions at executable marks. */
  maxDrawdown: string;
  /** Reference only: of the equity with open positions at the mid. Absent in reports made before. */
  maxDrawdownAtMid?: string;
  /**
   * How open positions were valued: executable marks, with flags when some were valued at the last trade
   * (their closing side of the book empty) or past the visible depth. Absent in reports made before.
   */
  marks?: { basis: 'executable'; lastTradeFallback: boolean; beyondVisibleDepth: boolean };
  decisions: { total: number; approved: number; blocked: number; byCheck: Record<string, number>; byStrategy: Record<string, { approved: number; blocked: number }> };
  breakerTrips: number;
  /** Free-form extras: events replayed, latency, dropped recording lines, … */
  extra: Record<string, string | number | boolean>;
  /** A run in shadow mode: paper vs live calibration (shared/shadow/calibration-panel.ts). */
  shadow?: ShadowPanel;
}

export interface ReportData {
  summary: ReportSummary;
  equity: SeriesPoint[];
  drawdown: SeriesPoint[];
  /** Market value of open positions, USD, per market and per game. */
  exposureByMarket: Record<string, SeriesPoint[]>;
  exposureByGame: Record<string, SeriesPoint[]>;
  /** Sampled long-side mid per market, USD. */
  prices: Record<string, SeriesPoint[]>;
  fills: FillPoint[];
  riskEvents: RiskEvent[];
  /** Display names: market slug → title, fixture id → "Away @ Home". */
  labels: Record<string, string>;
}

/** Max drawdown of an equity series (peak to trough), and the drawdown series itself. */
export function drawdownOf(equity: readonly SeriesPoint[]): { series: SeriesPoint[]; max: number } {
  let peak = -Infinity;
  let max = 0;
  const series: SeriesPoint[] = [];
  for (const p of equity) {
    if (p.v > peak) peak = p.v;
    const dd = peak - p.v;
    if (dd > max) max = dd;
    series.push({ t: p.t, v: round6(-dd) });
  }
  return { series, max: round6(max) };
}

/** Sharpe- and Sortino-like ratios of the equity changes between samples, scaled to one hour. */
export function ratiosOf(equity: readonly SeriesPoint[]): { sharpe: number | null; sortino: number | null } {
  if (equity.length < 3) return { sharpe: null, sortino: null };
  const diffs: number[] = [];
  for (let i = 1; i < equity.length; i++) diffs.push((equity[i] as SeriesPoint).v - (equity[i - 1] as SeriesPoint).v);
  const span = (equity[equity.length - 1] as SeriesPoint).t - (equity[0] as SeriesPoint).t;
  if (span <= 0) return { sharpe: null, sortino: null };
  const perHour = Math.sqrt(3_600_000 / (span / diffs.length));
  const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  const variance = diffs.reduce((a, b) => a + (b - mean) ** 2, 0) / (diffs.length - 1);
  const down = diffs.filter((d) => d < 0);
  const downVar = down.length > 0 ? down.reduce((a, b) => a + b * b, 0) / diffs.length : 0;
  const sd = Math.sqrt(variance);
  return {
    sharpe: sd > 0 ? round6((mean / sd) * perHour) : null,
    sortino: downVar > 0 ? round6((mean / Math.sqrt(downVar)) * perHour) : null,
  };
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
