/**
 * What a local session shows a person: games, orders and fills per strategy, positions and PnL, as a short
 * block every few seconds and a summary at the end. Reads the engine; changes nothing.
 *
 * Open positions count at their executable marks (what closing them now would bring in: the bid for a long,
 * 1 − the ask for a short, less the taker fee; shared/domain/executable-mark.ts); the mid-based figures are
 * printed beside them, labelled "at mid", for reference only.
 */
import { formatQuantity, type Qty } from '../../shared/domain/quantity.js';
import type { Fill } from '../../shared/domain/order.js';
import type { Signal } from '../../shared/domain/signal.js';
import type { AssembledEngine } from '../../shared/engine/assemble-engine.js';
import type { FixtureRef } from '../../shared/feeds/market-mapper.js';
import type { PnlLine } from '../../shared/paper/performance-tracker.js';
import type { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import type { RiskDecision } from '../../shared/risk/risk-manager.js';
import { EdgeFeeTally, type EdgeFeeRow } from '../../shared/reports/edge-fee-tally.js';

/** The receiver's count of the key's authenticated requests (the simulator's RequestTally). */
export interface ReceivedTraffic {
  requests: number;
  rateLimited: number;
  peakPerWindow: number;
  windowMs: number;
  /** The receiver's limit per window. */
  limit: number;
}

interface StrategyCounts {
  signals: number;
  approved: number;
  blocked: number;
  fills: number;
  contracts: Qty;
}

const usd = (d: { toFixed(n: number): string }) => d.toFixed(2);

export class SessionStats {
  private readonly byStrategy = new Map<string, StrategyCounts>();
  private readonly blockReasons = new Map<string, number>();
  private readonly edgesAndFees = new EdgeFeeTally();
  readonly startedAt = Date.now();

  private counts(name: string): StrategyCounts {
    let c = this.byStrategy.get(name);
    if (!c) this.byStrategy.set(name, (c = { signals: 0, approved: 0, blocked: 0, fills: 0, contracts: 0 }));
    return c;
  }

  onDecision = (decision: RiskDecision, signal: Signal): void => {
    const c = this.counts(String(signal.strategyName));
    c.signals++;
    if (decision.approved) {
      c.approved++;
      this.edgesAndFees.onApproved(decision.signal ?? signal);
    } else {
      c.blocked++;
      this.blockReasons.set(decision.check, (this.blockReasons.get(decision.check) ?? 0) + 1);
    }
  };

  onFill = (fill: Fill): void => {
    const c = this.counts(String(fill.strategyName ?? 'unknown'));
    c.fills++;
    c.contracts += fill.qty;
    this.edgesAndFees.onFill(fill);
  };

  strategiesThatTraded(): string[] {
    return [...this.byStrategy].filter(([, c]) => c.fills > 0).map(([n]) => n);
  }

  render(engine: AssembledEngine, fixtures: readonly FixtureRef[]): string {
    const lines: string[] = [];
    const secs = Math.round((Date.now() - this.startedAt) / 1000);
    const t = engine.performance.report().total;
    const open = engine.executor().tracker.openOrders().length;
    let positions = 0;
    for (const p of engine.state.allPositions()) if (p.quantity > 0) positions++;
    const breaker = engine.breaker.state();
    lines.push(
      `── ${secs}s · mode ${engine.mode()} · PnL net ${usd(t.net)} USD (realized ${usd(t.realized)}, unrealized ${usd(t.unrealized)}, fees ${usd(t.fees)}; at mid ${usd(t.netAtMid)}) · ` +
        `${positions} positions · ${open} open orders${breaker.tripped ? ' · BREAKER TRIPPED' : ''}${breaker.killSwitch ? ' · KILL SWITCH' : ''}`,
    );
    for (const f of fixtures) {
      const g = engine.state.game(f.fixtureId);
      if (!g) continue;
      lines.push(`   ${g.awayTeam} ${g.awayScore} @ ${g.homeTeam} ${g.homeScore}  ${g.status}${g.timeRemaining ? ' ' + g.timeRemaining : ''}`);
    }
    for (const [name, c] of [...this.byStrategy].sort()) {
      lines.push(`   ${name.padEnd(17)} signals ${c.signals}  approved ${c.approved}  blocked ${c.blocked}  fills ${c.fills} (${formatQuantity(c.contracts)} contracts)`);
    }
    return lines.join('\n');
  }

  summary(engine: AssembledEngine): string {
    const r = engine.performance.report();
    const lines = ['', '══ Session summary ══', ''];
    lines.push('strategy           fills  contracts   realized  unrealized      fees        net   net at mid');
    const row = (name: string, line: PnlLine, contracts: Qty) =>
      `${name.padEnd(17)} ${String(line.fills).padStart(6)} ${formatQuantity(contracts).padStart(10)} ${usd(line.realized).padStart(10)} ${usd(line.unrealized).padStart(11)} ${usd(line.fees).padStart(9)} ${usd(line.net).padStart(10)} ${usd(line.netAtMid).padStart(12)}`;
    for (const [name, line] of Object.entries(r.byStrategy).sort()) lines.push(row(name, line, this.byStrategy.get(name)?.contracts ?? line.volume));
    const t = r.total;
    lines.push(row('total', t, t.volume));
    const flags = [t.markedAtLastTrade ? 'some at the last trade (their side of the book was empty)' : '', t.beyondVisibleDepth ? 'some past the visible depth (rest at the worst level)' : '']
      .filter(Boolean)
      .join('; ');
    lines.push(
      '',
      `open positions valued at what closing them would bring in (bid for a long, 1 − ask for a short, less the taker fee)${flags ? `: ${flags}` : ''}`,
      `at mid (for reference only): unrealized ${usd(t.unrealizedAtMid)}, net ${usd(t.netAtMid)} USD`,
    );
    if (this.blockReasons.size > 0) {
      lines.push('', `risk blocks: ${[...this.blockReasons].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
    lines.push('', ...this.edgeAndFeeBlock());
    const traded = this.strategiesThatTraded();
    lines.push('', `strategies that traded: ${traded.length ? traded.join(', ') : 'none'}`);
    return lines.join('\n');
  }

  /**
   * The venue traffic of the session: the peak requests issued in any one second (per budget: the API key's
   * authenticated calls and the per-IP public calls; the venue allows 20 each), batches sent, 429s received and
   * latency-stopgap rejects. With `received` (the simulator's own count of the key's requests, in live mode),
   * the receiver's peak and 429s are printed beside the client's figures: the claim measured by the receiver.
   */
  traffic(metrics: MetricsRegistry, limitPerSecond: number, received?: ReceivedTraffic): string {
    const snap = metrics.snapshot();
    const total = (name: string): number => {
      let n = 0;
      for (const [k, v] of Object.entries(snap.counters)) if (k === name || k.startsWith(`${name}|`)) n += v;
      return n;
    };
    const peak = (budget: string): number => metrics.gaugeValue('venue.requests.peak_per_window', { budget }) ?? 0;
    // Requests answered, by endpoint class (the counter's "class=" dimension).
    const byClass = new Map<string, number>();
    for (const [k, v] of Object.entries(snap.counters)) {
      if (!k.startsWith('venue.http.requests|')) continue;
      const cls = /(?:[|,])class=([^,]+)/.exec(k)?.[1] ?? 'other';
      byClass.set(cls, (byClass.get(cls) ?? 0) + v);
    }
    const lines = [
      '',
      `venue requests: peak ${peak('authenticated')}/s authenticated (budget ${limitPerSecond}/s), ${peak('public')}/s public · ` +
        `batches sent ${total('venue.batches')} (${total('venue.batch_orders')} orders) · orders created ${total('venue.orders.created')} · ` +
        `429s ${total('venue.http.rate_limited')} · stopgap rejects ${total('execution.stopgap_rejects')}`,
      `requests answered by class: ${byClass.size ? [...byClass].sort().map(([c, n]) => `${c} ${n}`).join(', ') : 'none'}`,
    ];
    // How long requests waited for the budget (a full window), by priority: the budget binding, or not.
    const waits: string[] = [];
    for (const [k, h] of Object.entries(snap.histograms)) {
      if (!k.startsWith('venue.budget.wait_ms|') || !k.includes('budget=authenticated') || h.count === 0) continue;
      const priority = /priority=([^,]+)/.exec(k)?.[1] ?? '?';
      waits.push(`${priority} p99 ${Math.round(h.p99)} ms, max ${Math.round(h.max)} ms`);
    }
    if (waits.length) lines.push(`budget waits (authenticated): ${waits.sort().join(' · ')}`);
    if (received) {
      lines.push(
        `as the simulator received them: ${received.requests} authenticated requests from the key, peak ${received.peakPerWindow} in any rolling ` +
          `${received.windowMs} ms (limit ${received.limit}) · 429s sent ${received.rateLimited}`,
      );
    }
    return lines.join('\n');
  }

  /** Edge per contract before and after fees (approved signals) and fees paid / rebates received (fills). */
  edgeAndFeeBlock(): string[] {
    const pts = (usdText: string | null) => (usdText === null ? '—' : (Number(usdText) * 100).toFixed(2));
    const line = (name: string, r: EdgeFeeRow) =>
      `${name.padEnd(17)} ${pts(r.grossEdgePerContract).padStart(12)} ${pts(r.netEdgePerContract).padStart(11)} ${Number(r.feesPaid).toFixed(2).padStart(10)} ${Number(r.rebates).toFixed(2).padStart(8)} ${Number(r.netFees).toFixed(2).padStart(9)}`;
    const lines = ['edges and fees    edge before  edge after  fees paid  rebates  net fees', '                  (points per contract)      (USD)'];
    for (const [name, r] of Object.entries(this.edgesAndFees.rows())) lines.push(line(name, r));
    lines.push(line('total', this.edgesAndFees.totals()));
    return lines;
  }
}
