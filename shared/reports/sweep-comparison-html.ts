/**
 * The comparison report of a research sweep as one self-contained HTML page (echarts inlined, data embedded as
 * JSON): net PnL by parameter set, cumulative net PnL day by day for the ten best sets, net PnL against the
 * worst day drawdown, and the full table. Deterministic: same comparison, same bytes.
 */
import { Decimal } from 'decimal.js';
import type { ComparisonReport } from '../backtest/sweep-comparison.js';
import { echartsBundle } from './html-report.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const cents = (usd: string): string => new Decimal(usd).toFixed(2);
const ratio = (x: number | null): string => (x === null ? '—' : x.toFixed(2));

/** Lines drawn on the cumulative chart (the best sets by net PnL). */
export const MAX_CUMULATIVE_LINES = 10;

export function setLabel(r: ComparisonReport, paramSet: number): string {
  const row = r.rows.find((x) => x.paramSet === paramSet);
  if (!row) return `#${paramSet}`;
  const parts = r.axes.map((a) => `${a.key}=${String(row.overrides[a.path] ?? '')}`);
  return parts.length > 0 ? parts.join(' ') : `#${paramSet}`;
}

export function renderComparisonHtml(r: ComparisonReport): string {
  const head = [...r.axes.map((a) => a.key), 'days', 'net PnL', 'realized', 'fees', 'fills', 'worst day drawdown', 'drawdown over days', 'Sharpe-like (daily)', 'Sharpe-like (hourly, mean)'];
  const body = r.rows
    .map((row) => {
      const cells = [
        ...r.axes.map((a) => esc(String(row.overrides[a.path] ?? ''))),
        `${row.days}/${r.units.length}${row.complete ? '' : ' (incomplete)'}`,
        cents(row.net),
        cents(row.realized),
        cents(row.fees),
        String(row.fills),
        cents(row.worstDayDrawdown),
        cents(row.drawdownOverDays),
        ratio(row.sharpeDaily),
        ratio(row.sharpeHourlyMean),
      ];
      return `<tr${row.paramSet === r.best ? ' class="best"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('');
  const top = [...r.rows].sort((a, b) => new Decimal(b.net).cmp(a.net) || a.paramSet - b.paramSet).slice(0, MAX_CUMULATIVE_LINES);
  const chartData = {
    units: r.units,
    sets: r.rows.map((row) => ({ label: setLabel(r, row.paramSet), net: Number(row.net), dd: Number(row.worstDayDrawdown) })),
    cumulative: top.map((row) => {
      let cum = 0;
      return { label: setLabel(r, row.paramSet), points: row.netByUnit.map((n) => (n === null ? null : Math.round((cum += Number(n)) * 100) / 100)) };
    }),
  };
  const problems = [
    ...r.errors.map((e) => `<tr><td>${e.item}</td><td>${esc(e.unit)}</td><td>${esc(setLabel(r, e.paramSet))}</td><td>${esc(e.error)}</td></tr>`),
    ...r.missing.map((i) => `<tr><td>${i}</td><td></td><td></td><td>result missing</td></tr>`),
  ];
  const payload = JSON.stringify(chartData).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.sub{color:#5b6475;margin-bottom:16px}
.chart{height:340px;background:#fff;border:1px solid #e3e6eb;border-radius:6px;margin:8px 0}
table{border-collapse:collapse;background:#fff;font-size:13px}td,th{border:1px solid #e3e6eb;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}tr.best td{background:#eaf7ee;font-weight:600}
</style></head><body>
<h1>${esc(r.title)}</h1>
<div class="sub">sweep ${esc(r.sweepId)} · ${r.units.length} days × ${r.rows.length} parameter sets = ${r.itemCount} items · ${r.errors.length} failed · ${r.missing.length} missing${r.best !== null ? ` · best: ${esc(setLabel(r, r.best))}` : ''}</div>
<h2>Parameter sets</h2>
<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>
<h2>Net PnL by parameter set (USD)</h2><div class="chart" data-chart="net"></div>
<h2>Cumulative net PnL by day, best ${top.length} sets (USD)</h2><div class="chart" data-chart="cumulative"></div>
<h2>Net PnL against worst day drawdown (USD)</h2><div class="chart" data-chart="risk"></div>
${problems.length > 0 ? `<h2>Failed or missing items</h2><table><thead><tr><th>item</th><th>day</th><th>parameter set</th><th>error</th></tr></thead><tbody>${problems.join('')}</tbody></table>` : ''}
<script>${echartsBundle()}</script>
<script id="sweep-data" type="application/json">${payload}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}

const CHART_SCRIPT = String.raw`
(function () {
  var d = JSON.parse(document.getElementById('sweep-data').textContent);
  var grid = { left: 70, right: 20, top: 40, bottom: 90 };
  var options = {
    net: { animation: false, tooltip: { trigger: 'axis' }, grid: grid,
      xAxis: { type: 'category', data: d.sets.map(function (s) { return s.label; }), axisLabel: { rotate: 40 } }, yAxis: { type: 'value' },
      series: [{ type: 'bar', data: d.sets.map(function (s) { return s.net; }) }] },
    cumulative: { animation: false, tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: grid,
      xAxis: { type: 'category', data: d.units }, yAxis: { type: 'value', scale: true },
      series: d.cumulative.map(function (c) { return { name: c.label, type: 'line', connectNulls: false, data: c.points }; }) },
    risk: { animation: false, tooltip: { trigger: 'item', formatter: function (p) { return p.data[2] + '<br>net ' + p.data[1] + ' · dd ' + p.data[0]; } }, grid: grid,
      xAxis: { type: 'value', name: 'worst day drawdown' }, yAxis: { type: 'value', name: 'net', scale: true },
      series: [{ type: 'scatter', symbolSize: 10, data: d.sets.map(function (s) { return [s.dd, s.net, s.label]; }) }] }
  };
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(options[el.getAttribute('data-chart')]);
    window.addEventListener('resize', function () { chart.resize(); });
  });
  document.body.setAttribute('data-charts-ready', String(document.querySelectorAll('[data-chart] canvas').length));
})();
`;
