/**
 * Renders a ReportData as one self-contained HTML file: the echarts bundle is inlined (no network, works
 * offline and from an S3 object), the data is embedded as JSON, and a small script draws the charts:
 * equity and drawdown, exposure per market and per game, fills on top of each traded market's price, PnL by
 * strategy and by sport, risk blocks by check, plus tables (summary, strategies, games, risk events).
 * Deterministic: same data, same bytes (no generation time in the page).
 */
import { Decimal } from 'decimal.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { renderShadowPanelHtml } from '../shadow/panel-render.js';
import type { PnlRow, ReportData } from './report-model.js';

let echartsSource: string | undefined;

/** The echarts bundle (read once). */
export function echartsBundle(): string {
  if (echartsSource === undefined) {
    const path = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
    echartsSource = readFileSync(path, 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return echartsSource;
}

/** An exact USD amount (decimal string, micro precision) shown to the cent, for people; the JSON keeps it exact. */
const cents = (usd: string): string => new Decimal(usd).toFixed(2);

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An edge per contract in USD as probability points with 2 decimals ("0.0153" → "1.53"), or a dash. */
const points = (usd: string | null): string => (usd === null ? '—' : new Decimal(usd).times(100).toFixed(2));

/** Edge before and after fees of the approved signals, then fees paid, rebates received and net, by strategy. */
function edgeTable(e: ReportData['summary']['edgesAndFees']): string {
  const rows = [...Object.entries(e.byStrategy), ['total', e.total] as const];
  return `<h2>Edges and fees by strategy</h2><table><thead><tr><th></th><th>signals</th><th>contracts</th><th>edge before fees (pts/contract)</th><th>edge after fees (pts/contract)</th><th>expected before fees</th><th>expected after fees</th><th>fills (maker/taker)</th><th>fees paid</th><th>rebates received</th><th>net fees</th></tr></thead><tbody>${rows
    .map(
      ([k, r]) =>
        `<tr><td>${esc(k)}</td><td>${r.signals}</td><td>${r.contracts}</td><td>${points(r.grossEdgePerContract)}</td><td>${points(r.netEdgePerContract)}</td><td>${cents(r.expectedGross)}</td><td>${cents(r.expectedNet)}</td><td>${r.fills} (${r.makerFills}/${r.takerFills})</td><td>${cents(r.feesPaid)}</td><td>${cents(r.rebates)}</td><td>${cents(r.netFees)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

/** At most this many price charts (the markets with the most fills). */
export const MAX_PRICE_CHARTS = 8;

export function renderHtmlReport(data: ReportData): string {
  const s = data.summary;
  const fmtTime = (t: number | null) => (t === null ? '—' : new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
  const orDash = (v: string | undefined) => (v === undefined ? '—' : cents(v));
  const markFlags = [s.marks?.lastTradeFallback ? 'some at the last trade (book side empty)' : '', s.marks?.beyondVisibleDepth ? 'some past the visible depth' : '']
    .filter(Boolean)
    .join(', ');
  // Open positions are valued at what closing them now would bring in (bid for a long, 1 − ask for a short,
  // less the taker fee); the mid-based figures are shown beside them for reference.
  const kpis: [string, string][] = [
    ['Net PnL (USD, executable marks)', cents(s.total.net)],
    ['Net PnL at mid (for reference)', orDash(s.total.netAtMid)],
    ['Realized', cents(s.total.realized)],
    [`Unrealized (executable marks${markFlags ? `; ${markFlags}` : ''})`, cents(s.total.unrealized)],
    ['Unrealized at mid (for reference)', orDash(s.total.unrealizedAtMid)],
    ['Fees paid', cents(s.edgesAndFees.total.feesPaid)],
    ['Rebates received', cents(s.edgesAndFees.total.rebates)],
    ['Net fees', cents(s.feesPaid)],
    ['Fills', String(s.fills)],
    ['Hit rate', s.hitRate === null ? '—' : `${(s.hitRate * 100).toFixed(1)} %`],
    ['Sharpe (hourly)', s.sharpeHourly === null ? '—' : s.sharpeHourly.toFixed(2)],
    ['Sortino (hourly)', s.sortinoHourly === null ? '—' : s.sortinoHourly.toFixed(2)],
    ['Max drawdown (executable marks)', cents(s.maxDrawdown)],
    ['Max drawdown at mid (for reference)', orDash(s.maxDrawdownAtMid)],
    ['Decisions', `${s.decisions.approved} approved / ${s.decisions.blocked} blocked`],
    ['Breaker trips', String(s.breakerTrips)],
  ];
  const pnlTable = (title: string, rows: [string, PnlRow][]) =>
    `<h2>${esc(title)}</h2><table><thead><tr><th></th><th>fills</th><th>contracts</th><th>realized</th><th>unrealized</th><th>fees</th><th>net</th><th>net at mid (ref.)</th></tr></thead><tbody>${rows
      .map(([k, r]) => `<tr><td>${esc(k)}</td><td>${r.fills}</td><td>${r.volume}</td><td>${cents(r.realized)}</td><td>${cents(r.unrealized)}</td><td>${cents(r.fees)}</td><td>${cents(r.net)}</td><td>${orDash(r.netAtMid)}</td></tr>`)
      .join('')}</tbody></table>`;

  const fillCounts = new Map<string, number>();
  for (const f of data.fills) fillCounts.set(f.marketSlug, (fillCounts.get(f.marketSlug) ?? 0) + 1);
  let priceMarkets = [...fillCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m]) => m);
  if (priceMarkets.length === 0) priceMarkets = Object.keys(data.prices);
  priceMarkets = priceMarkets.filter((m) => data.prices[m] || fillCounts.has(m)).slice(0, MAX_PRICE_CHARTS);

  const charts = [
    ['equity', 'Equity (net PnL, USD)'],
    ['drawdown', 'Drawdown (USD)'],
    ['exposure-market', 'Exposure per market (market value of open positions, USD)'],
    ['exposure-game', 'Exposure per game (USD)'],
    ...priceMarkets.map((m, i) => [`price-${i}`, `Fills on price: ${data.labels[m] ?? m}`] as [string, string]),
    ['pnl-strategy', 'PnL by strategy (USD)'],
    ['pnl-sport', 'PnL by sport (USD)'],
    ['risk', 'Risk blocks by check'],
  ];
  const riskRows = data.riskEvents
    .slice(0, 300)
    .map((r) => `<tr><td>${esc(fmtTime(r.t))}</td><td>${esc(r.kind)}</td><td>${esc(r.check ?? '')}</td><td>${esc(r.strategy ?? '')}</td><td>${esc(r.marketSlug ?? '')}</td><td>${esc(r.reason)}</td></tr>`)
    .join('');
  const extra = Object.entries(s.extra)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(String(v))}</td></tr>`)
    .join('');
  const payload = JSON.stringify({ data, priceMarkets }).replace(/</g, '\\u003c');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(s.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.sub{color:#5b6475;margin-bottom:16px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}
.kpi{background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:8px 10px}.kpi b{display:block;font-size:17px}
.chart{height:320px;background:#fff;border:1px solid #e3e6eb;border-radius:6px;margin:8px 0}
table{border-collapse:collapse;background:#fff;font-size:13px}td,th{border:1px solid #e3e6eb;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}
</style></head><body>
<h1>${esc(s.title)}</h1>
<div class="sub">${esc(s.kind)} · ${esc(fmtTime(s.from))} → ${esc(fmtTime(s.to))}${s.configDigest ? ` · config ${esc(s.configDigest)}` : ''}</div>
<div class="kpis">${kpis.map(([k, v]) => `<div class="kpi">${esc(k)}<b>${esc(v)}</b></div>`).join('')}</div>
${charts.map(([id, title]) => `<h2>${esc(title ?? '')}</h2><div class="chart" id="chart-${id}" data-chart="${id}"></div>`).join('\n')}
${pnlTable('PnL by strategy', Object.entries(s.byStrategy))}
${edgeTable(s.edgesAndFees)}
${s.shadow ? renderShadowPanelHtml(s.shadow) : ''}
${pnlTable('PnL by sport', Object.entries(s.bySport))}
${pnlTable('PnL by game', Object.entries(s.byGame).map(([, r]) => [r.title, r]))}
<h2>Risk events${data.riskEvents.length > 300 ? ' (first 300)' : ''}</h2>
<table><thead><tr><th>time</th><th>kind</th><th>check</th><th>strategy</th><th>market</th><th>reason</th></tr></thead><tbody>${riskRows}</tbody></table>
${extra ? `<h2>Run</h2><table><tbody>${extra}</tbody></table>` : ''}
<script>${echartsBundle()}</script>
<script id="report-data" type="application/json">${payload}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}

/** The page's chart code (plain ES2017, runs in the browser). */
const CHART_SCRIPT = String.raw`
(function () {
  var payload = JSON.parse(document.getElementById('report-data').textContent);
  var d = payload.data, labels = d.labels;
  var pts = function (s) { return (s || []).map(function (p) { return [p.t, p.v]; }); };
  var lbl = function (k) { return labels[k] || k; };
  var base = function (extra) {
    var o = { animation: false, tooltip: { trigger: 'axis' }, grid: { left: 60, right: 20, top: 30, bottom: 40 },
      xAxis: { type: 'time' }, yAxis: { type: 'value', scale: true } };
    for (var k in extra) o[k] = extra[k];
    return o;
  };
  var lines = function (map) {
    return Object.keys(map).map(function (k) { return { name: lbl(k), type: 'line', showSymbol: false, data: pts(map[k]) }; });
  };
  var bars = function (rows, keys) {
    var names = Object.keys(rows);
    return { animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 60, right: 20, top: 30, bottom: 40 },
      xAxis: { type: 'category', data: names }, yAxis: { type: 'value' },
      series: keys.map(function (k) { return { name: k, type: 'bar', data: names.map(function (n) { return Number(rows[n][k]); }) }; }) };
  };
  var options = {
    'equity': base({ series: [{ name: 'net PnL', type: 'line', showSymbol: false, areaStyle: { opacity: 0.1 }, data: pts(d.equity) }] }),
    'drawdown': base({ series: [{ name: 'drawdown', type: 'line', showSymbol: false, color: '#c0392b', areaStyle: { opacity: 0.2 }, data: pts(d.drawdown) }] }),
    'exposure-market': base({ legend: { type: 'scroll', top: 0 }, series: lines(d.exposureByMarket) }),
    'exposure-game': base({ legend: { type: 'scroll', top: 0 }, series: lines(d.exposureByGame) }),
    'pnl-strategy': bars(d.summary.byStrategy, ['realized', 'unrealized', 'fees', 'net']),
    'pnl-sport': bars(d.summary.bySport, ['realized', 'unrealized', 'fees', 'net']),
    'risk': (function () {
      var c = d.summary.decisions.byCheck, names = Object.keys(c);
      return { animation: false, tooltip: {}, grid: { left: 60, right: 20, top: 30, bottom: 40 }, xAxis: { type: 'category', data: names },
        yAxis: { type: 'value' }, series: [{ type: 'bar', data: names.map(function (n) { return c[n]; }) }] };
    })()
  };
  payload.priceMarkets.forEach(function (m, i) {
    var fills = d.fills.filter(function (f) { return f.marketSlug === m; });
    var buy = function (f) { return f.intent === 'ORDER_INTENT_BUY_LONG' || f.intent === 'ORDER_INTENT_SELL_SHORT'; };
    var fillPts = function (pred) { return fills.filter(pred).map(function (f) { return { value: [f.t, f.price], qty: f.qty, strategy: f.strategy }; }); };
    options['price-' + i] = base({
      legend: { top: 0 }, tooltip: { trigger: 'item' },
      series: [
        { name: 'mid', type: 'line', showSymbol: false, data: pts(d.prices[m]) },
        { name: 'buys long', type: 'scatter', symbol: 'triangle', symbolSize: 9, color: '#1e8449', data: fillPts(buy) },
        { name: 'sells long', type: 'scatter', symbol: 'triangle', symbolRotate: 180, symbolSize: 9, color: '#c0392b', data: fillPts(function (f) { return !buy(f); }) }
      ]
    });
  });
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var opt = options[el.getAttribute('data-chart')];
    if (!opt) return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(opt);
    window.addEventListener('resize', function () { chart.resize(); });
  });
  document.body.setAttribute('data-charts-ready', String(document.querySelectorAll('[data-chart] canvas').length));
})();
`;
