/**
 * The calibration panel for people: an HTML section (the session and day reports) and plain text (the end of
 * `npm start`). Fill rates in percent, markouts in cents per contract (USD × 100), contracts as given.
 */
import type { PanelRow, ShadowPanel, SideFigures } from './calibration-panel.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const centsOf = (usd: number | null | undefined): string => (usd === null || usd === undefined ? '—' : (usd * 100).toFixed(2));
const HORIZONS = ['1s', '10s', '60s'];

function markouts(s: SideFigures): string {
  return HORIZONS.map((h) => centsOf(s.markoutUsd[h])).join(' / ');
}

function fitLine(p: ShadowPanel): string[] {
  return p.fitted.map((f) => {
    const curve = f.candidates.map((c) => `${c.value}: ${pct(c.fillRate)}`).join(', ');
    const head = f.value === null ? `${f.key}: not fitted (no ${f.on} postings)` : `${f.key} = ${f.value} (configured ${f.configured})`;
    return `${head}; live fill rate ${pct(f.liveFillRate)}, fitted ${pct(f.fittedFillRate)} on ${f.on} postings [${curve}]`;
  });
}

/** The panel as an HTML section (no scripts; safe to embed). */
export function renderShadowPanelHtml(p: ShadowPanel): string {
  const row = (r: PanelRow) =>
    `<tr><td>${esc(r.strategy)}</td><td>${esc(r.level)}</td><td>${r.postings}</td><td>${esc(r.posted)}</td>` +
    `<td>${esc(r.live.filled)}</td><td>${pct(r.live.fillRate)}</td><td>${esc(r.paper.filled)}</td><td>${pct(r.paper.fillRate)}</td>` +
    `<td>${markouts(r.live)}</td><td>${markouts(r.paper)}</td></tr>`;
  const s = p.suggestedPaperParams;
  return (
    `<h2>Shadow calibration: paper vs live</h2>` +
    `<p>${p.orders.compared} orders compared (${p.orders.mirrored} mirrored, ${p.orders.excluded} left out: live create failed or rejected${p.orders.dropped ? `, ${p.orders.dropped} over budget` : ''}). ` +
    `Paper model: order latency ${p.paperModel.orderLatencyMs} ms, cancel latency ${p.paperModel.cancelLatencyMs} ms, market-data delay ${p.paperModel.marketDataDelayMs} ms, queue-ahead fraction ${p.paperModel.queueAheadFraction}.</p>` +
    `<table><thead><tr><th>strategy</th><th>price level</th><th>postings</th><th>contracts posted</th><th>live filled</th><th>live fill rate</th><th>paper filled</th><th>paper fill rate</th>` +
    `<th>live markout 1s/10s/60s (¢)</th><th>paper markout 1s/10s/60s (¢)</th></tr></thead><tbody>${p.rows.map(row).join('')}</tbody></table>` +
    `<h3>Fitted paper parameters</h3><ul>${fitLine(p)
      .map((l) => `<li>${esc(l)}</li>`)
      .join('')}</ul>` +
    `<p>For a backtest (<code>npm run backtest -- --paper-params &lt;this report's JSON&gt;</code>): <code>trading.paper: order_latency_ms ${s.order_latency_ms}, cancel_latency_ms ${s.cancel_latency_ms}, market_data_delay_ms ${s.market_data_delay_ms}, queue_ahead_fraction ${s.queue_ahead_fraction}</code></p>` +
    `<p>${p.notes.map(esc).join('<br>')}</p>`
  );
}

/** The panel as plain text lines (terminal). */
export function renderShadowPanelText(p: ShadowPanel): string {
  const lines = [
    `Shadow calibration (paper vs live; compared: orders created while shadow was on): ${p.orders.compared} orders compared, ${p.orders.excluded} left out`,
    `  strategy / level: postings, posted → live filled (rate) | paper filled (rate) · markout ¢ 1s/10s/60s live | paper`,
  ];
  for (const r of p.rows) {
    lines.push(
      `  ${r.strategy} / ${r.level}: ${r.postings}, ${r.posted} → ${r.live.filled} (${pct(r.live.fillRate)}) | ${r.paper.filled} (${pct(r.paper.fillRate)}) · ${markouts(r.live)} | ${markouts(r.paper)}`,
    );
  }
  for (const l of fitLine(p)) lines.push(`  fitted ${l}`);
  return lines.join('\n');
}

/**
 * The panel in a few lines (the daily report's SNS summary): per strategy, all price levels together, live vs
 * paper fill rate and markouts, then the suggested trading.paper values.
 */
export function renderShadowPanelSummary(p: ShadowPanel): string[] {
  const lines = [
    `Shadow calibration (paper vs live; compared: orders created while shadow was on): ${p.orders.compared} orders compared, ${p.orders.excluded} left out${p.orders.dropped ? `, ${p.orders.dropped} over budget` : ''}`,
  ];
  for (const r of p.rows) {
    if (r.level !== 'all') continue;
    lines.push(
      `  ${r.strategy}: ${r.postings} postings, ${r.posted} contracts; fill rate live ${pct(r.live.fillRate)} vs paper ${pct(r.paper.fillRate)}; ` +
        `markout ¢ 1s/10s/60s live ${markouts(r.live)} vs paper ${markouts(r.paper)}`,
    );
  }
  const s = p.suggestedPaperParams;
  const fitted = p.fitted.map((f) => `${f.key} ${f.value === null ? 'not fitted' : `${f.value} (configured ${f.configured})`}`).join(', ');
  lines.push(`  Fitted: ${fitted}`);
  lines.push(`  Suggested trading.paper: order_latency_ms ${s.order_latency_ms}, cancel_latency_ms ${s.cancel_latency_ms}, market_data_delay_ms ${s.market_data_delay_ms}, queue_ahead_fraction ${s.queue_ahead_fraction}`);
  return lines;
}
