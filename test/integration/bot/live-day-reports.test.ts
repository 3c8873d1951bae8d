/**
 * LiveDayReports on the whole engine (ScriptedWorld): each day's report shows that day's own PnL (the
 * performance tracker counts from the process start), a rollover starts the new day at once and writes the
 * ended one, and the keys follow `<prefix><day>.html|json`.
 */
import { describe, expect, it } from 'vitest';
import type { Fill } from '../../../shared/domain/order.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import type { ReportSummary } from '../../../shared/reports/report-model.js';
import { LiveDayReports } from '../../../containers/bot/reporting/live-day-reports.js';
import type { ReportStore } from '../../../containers/bot/reporting/report-store.js';
import { bookEvent, ScriptedWorld } from '../../support/engine-fixtures.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { buildShadowPanel } from '../../../shared/shadow/calibration-panel.js';

class MemoryStore implements ReportStore {
  readonly puts = new Map<string, { body: string; contentType: string }>();
  async put(key: string, body: string, contentType: string): Promise<string> {
    this.puts.set(key, { body, contentType });
    return `mem://${key}`;
  }
  summary(key: string): ReportSummary {
    return JSON.parse(this.puts.get(key)?.body ?? 'null') as ReportSummary;
  }
}

/** A maker fill of `count` contracts. */
function fill(id: string, marketSlug: string, intent: Fill['intent'], price: number, count: number, time: number): Fill {
  return { executionId: id, orderId: `o-${id}`, marketSlug, intent, price, qty: contracts(count), fee: 0, liquidity: 'MAKER', time, strategyName: 'market_maker' };
}

describe('live day reports', () => {
  it('each day reports its own PnL and fills; the rollover writes the ended day and the close the last one', async () => {
    const w = new ScriptedWorld({ strategies: [] });
    const fx = w.addFixture({ fixtureId: 'f1', home: 'Lakers', away: 'Celtics' });
    const engine = w.engine;
    const store = new MemoryStore();
    const metrics = new MetricsRegistry();
    const reports = new LiveDayReports({
      engine,
      directory: w.directory,
      fixtures: [],
      store,
      prefix: 'reports/prod/live/',
      day: '2026-03-07',
      now: () => w.clock.now(),
      logger: new MemoryLogger(),
      metrics,
      stage: 'prod',
      sampleTimerMs: 60_000,
    });
    const book = (bid: number, ask: number) => w.market(bookEvent(fx.homeSlug, [[bid, 100]], [[ask, 100]], w.clock.now()));
    const trade = (f: Fill) => {
      engine.performance.onFill(f);
      engine.bus.emit('fill', f);
    };

    // Day 1: buy 10 at 0.50; the bid 0.59 less the taker fee 0.0695 × 10 × 0.59 × 0.41 (0.168 → 0.17) values
    // them at 5.73 → +0.73 unrealized (at the mid 0.60, for reference: +1.00).
    book(0.49, 0.51);
    trade(fill('a', fx.homeSlug, 'ORDER_INTENT_BUY_LONG', 500_000, 10, w.clock.now()));
    book(0.59, 0.61);
    await w.advance(1_000);
    const ended = await reports.rollover('2026-03-08');
    expect(reports.currentDay()).toBe('2026-03-08');
    expect(ended?.day).toBe('2026-03-07');
    const d1 = store.summary('reports/prod/live/2026-03-07.json');
    expect(d1.total).toMatchObject({ net: '0.730000', unrealized: '0.730000', realized: '0.000000', fills: 1, netAtMid: '1.000000', unrealizedAtMid: '1.000000' });
    expect(d1.fills).toBe(1);
    expect(store.puts.get('reports/prod/live/2026-03-07.html')?.contentType).toBe('text/html; charset=utf-8');

    // Day 2: the mark moves to 0.70 (+1.00 more), then the 10 are sold at 0.70 (realized +2.00 since the buy).
    book(0.69, 0.71);
    await w.advance(1_000);
    trade(fill('b', fx.homeSlug, 'ORDER_INTENT_SELL_LONG', 700_000, 10, w.clock.now()));
    const last = await reports.close();
    expect(last?.day).toBe('2026-03-08');
    const d2 = store.summary('reports/prod/live/2026-03-08.json');
    // The day's own PnL: realized +2.00 minus yesterday's +0.73 unrealized = +1.27 (at mid: 2.00 − 1.00).
    expect(d2.total).toMatchObject({ net: '1.270000', realized: '2.000000', unrealized: '-0.730000', fills: 1, netAtMid: '1.000000', unrealizedAtMid: '-1.000000' });
    expect(d2.fills).toBe(1);
    expect(d2.extra).toMatchObject({ day: '2026-03-08', stage: 'prod', mode: 'paper' });
    expect(d2.kind).toBe('paper');
    expect([...store.puts.keys()].sort()).toEqual([
      'reports/prod/live/2026-03-07.html',
      'reports/prod/live/2026-03-07.json',
      'reports/prod/live/2026-03-08.html',
      'reports/prod/live/2026-03-08.json',
    ]);
    expect(metrics.counter('reports.written')).toBe(2);
    // After the close, a late rollover writes nothing more.
    expect(await reports.rollover('2026-03-09')).toBeUndefined();
    expect(store.puts.size).toBe(4);
  });

  it('a shadow day carries the calibration panel in its JSON and page; the journal starts afresh with the new day', async () => {
    const w = new ScriptedWorld({ strategies: [] });
    const store = new MemoryStore();
    const panel = buildShadowPanel({ orders: [], fills: [], from: 0, to: null, droppedOrders: 0, twins: [], rejections: {} });
    let resets = 0;
    const reports = new LiveDayReports({
      engine: { bus: w.engine.bus, performance: w.engine.performance, state: w.engine.state, mode: () => 'shadow', shadow: { panel: () => panel, resetDay: () => resets++ } },
      directory: w.directory,
      fixtures: [],
      store,
      prefix: 'reports/prod/live/',
      day: '2026-03-07',
      now: () => w.clock.now(),
      logger: new MemoryLogger(),
      metrics: new MetricsRegistry(),
      sampleTimerMs: 60_000,
    });
    await reports.rollover('2026-03-08');
    expect(resets).toBe(1);
    const summary = store.summary('reports/prod/live/2026-03-07.json');
    expect(summary.title).toContain('Shadow (live) trading day 2026-03-07');
    expect(summary.kind).toBe('live');
    expect(summary.shadow).toEqual(panel);
    expect(store.puts.get('reports/prod/live/2026-03-07.html')?.body).toContain('Shadow calibration: paper vs live');
    await reports.close();
  });
});
