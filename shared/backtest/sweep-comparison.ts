/**
 * The comparison of a research sweep: one row per parameter set, summed over its days (exact decimal USD), and
 * the per-day net PnL for the charts. Built from the item results alone, by the local runner and by the final
 * Lambda of the distributed sweep alike, so both write the same JSON.
 *
 * Per parameter set:
 *  - net, realized, fees (net of rebates), fills: sums over the days that ran;
 *  - worst day drawdown: the largest intra-day max drawdown of any of its days;
 *  - drawdown over days: peak to trough of the cumulative day-end net, day by day in day order;
 *  - Sharpe-like (daily): mean / sample stdev of the day nets (null under 2 days or no variation);
 *  - Sharpe-like (hourly): mean of the days' hourly ratios (the single-run report's figure).
 * Items that failed or whose result is missing are listed, and their parameter set is flagged incomplete.
 */
import { Decimal } from 'decimal.js';
import type { OverrideValue } from './backtest-config.js';
import type { SweepItemResult } from './sweep-item-result.js';
import type { SweepSpec } from './sweep-plan.js';

export interface ComparisonRow {
  paramSet: number;
  overrides: Record<string, OverrideValue>;
  /** Days with a result. */
  days: number;
  complete: boolean;
  net: string;
  realized: string;
  fees: string;
  fills: number;
  worstDayDrawdown: string;
  drawdownOverDays: string;
  sharpeDaily: number | null;
  sharpeHourlyMean: number | null;
  /** Net PnL per unit (day), in the spec's unit order; null where the item failed or is missing. */
  netByUnit: (string | null)[];
}

export interface ComparisonReport {
  sweepId: string;
  title: string;
  axes: { key: string; path: string }[];
  units: string[];
  itemCount: number;
  missing: number[];
  errors: { item: number; unit: string; paramSet: number; error: string }[];
  rows: ComparisonRow[];
  /** The complete parameter set with the highest net PnL (lowest id on ties), or null. */
  best: number | null;
}

const usd = (d: Decimal): string => d.toFixed(6);
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** `results[i]` is item i's result, or undefined when it never arrived. */
export function buildComparison(spec: SweepSpec, results: readonly (SweepItemResult | undefined)[]): ComparisonReport {
  const missing: number[] = [];
  const errors: ComparisonReport['errors'] = [];
  const byCell = new Map<string, SweepItemResult>();
  for (let i = 0; i < spec.itemCount; i++) {
    const r = results[i];
    if (!r) {
      missing.push(i);
      continue;
    }
    if (r.error !== undefined || !r.summary) {
      errors.push({ item: r.item, unit: r.unit, paramSet: r.paramSet, error: r.error ?? 'no summary' });
      continue;
    }
    byCell.set(`${r.paramSet}\n${r.unit}`, r);
  }

  const rows = spec.paramSets.map((p): ComparisonRow => {
    let net = new Decimal(0);
    let realized = new Decimal(0);
    let fees = new Decimal(0);
    let fills = 0;
    let worst = new Decimal(0);
    const dayNets: Decimal[] = [];
    const hourly: number[] = [];
    const netByUnit = spec.units.map((u) => {
      const s = byCell.get(`${p.id}\n${u}`)?.summary;
      if (!s) return null;
      const n = new Decimal(s.total.net);
      net = net.plus(n);
      realized = realized.plus(s.total.realized);
      fees = fees.plus(s.feesPaid);
      fills += s.fills;
      worst = Decimal.max(worst, s.maxDrawdown);
      dayNets.push(n);
      if (s.sharpeHourly !== null) hourly.push(s.sharpeHourly);
      return usd(n);
    });
    let peak = new Decimal(0);
    let cum = new Decimal(0);
    let ddDays = new Decimal(0);
    for (const d of dayNets) {
      cum = cum.plus(d);
      peak = Decimal.max(peak, cum);
      ddDays = Decimal.max(ddDays, peak.minus(cum));
    }
    return {
      paramSet: p.id,
      overrides: p.overrides,
      days: dayNets.length,
      complete: dayNets.length === spec.units.length,
      net: usd(net),
      realized: usd(realized),
      fees: usd(fees),
      fills,
      worstDayDrawdown: usd(worst),
      drawdownOverDays: usd(ddDays),
      sharpeDaily: sharpeOf(dayNets.map((d) => d.toNumber())),
      sharpeHourlyMean: hourly.length > 0 ? round6(hourly.reduce((a, b) => a + b, 0) / hourly.length) : null,
      netByUnit,
    };
  });

  let best: ComparisonRow | undefined;
  for (const r of rows) if (r.complete && (!best || new Decimal(r.net).gt(best.net))) best = r;
  return { sweepId: spec.sweepId, title: spec.title, axes: spec.axes, units: spec.units, itemCount: spec.itemCount, missing, errors, rows, best: best?.paramSet ?? null };
}

/** Mean over sample stdev of the day nets (a ratio for ranking, not annualized). */
function sharpeOf(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return sd > 0 ? round6(mean / sd) : null;
}

export function serializeComparison(r: ComparisonReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** The terminal table: one line per parameter set, best marked. */
export function comparisonText(r: ComparisonReport): string {
  const cols = [...r.axes.map((a) => a.key), 'days', 'net', 'realized', 'fees', 'fills', 'worst dd', 'dd/days', 'sharpe/d', 'sharpe/h'];
  const two = (s: string): string => new Decimal(s).toFixed(2);
  const num = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
  const rows = r.rows.map((row) => [
    ...r.axes.map((a) => String(row.overrides[a.path] ?? '')),
    `${row.days}/${r.units.length}`,
    two(row.net),
    two(row.realized),
    two(row.fees),
    String(row.fills),
    two(row.worstDayDrawdown),
    two(row.drawdownOverDays),
    num(row.sharpeDaily),
    num(row.sharpeHourlyMean),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((x) => (x[i] ?? '').length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i < r.axes.length ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const lines = [fmt(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((x, i) => fmt(x) + (r.rows[i]?.paramSet === r.best ? '  ← best' : ''))];
  if (r.errors.length > 0) lines.push(`${r.errors.length} item(s) failed, e.g. item ${r.errors[0]?.item} (${r.errors[0]?.unit}): ${r.errors[0]?.error}`);
  if (r.missing.length > 0) lines.push(`${r.missing.length} item result(s) missing, e.g. item ${r.missing[0]}`);
  return lines.join('\n');
}
