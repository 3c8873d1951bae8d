/**
 * The reports read executable marks (issue 13): the run report's PnL, equity and drawdown value open positions
 * at what closing them would bring in, with the mid-based figures beside them, labelled, in the report model,
 * the HTML and the session summary printed at the end of a local session.
 */
import { describe, expect, it } from 'vitest';
import type { Fill } from '../../../shared/domain/order.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { renderHtmlReport } from '../../../shared/reports/html-report.js';
import { ReportCollector } from '../../../shared/reports/report-collector.js';
import { SessionStats } from '../../../containers/bot/session-stats.js';
import { bookEvent, ScriptedWorld } from '../../support/engine-fixtures.js';

describe('reports at executable marks', () => {
  it('equity, drawdown and PnL at executable marks, the mid figures beside them', async () => {
    const w = new ScriptedWorld({ strategies: [] });
    const fx = w.addFixture({ fixtureId: 'f1', home: 'Lakers', away: 'Celtics' });
    const engine = w.engine;
    const collector = new ReportCollector({ engine, directory: w.directory });
    collector.attach();
    const book = (bid: number, ask: number) => {
      w.market(bookEvent(fx.homeSlug, [[bid, 100]], [[ask, 100]], w.clock.now()));
      collector.sample(w.clock.now(), true);
    };
    const fill: Fill = { executionId: 'e1', orderId: 'o1', marketSlug: fx.homeSlug, intent: 'ORDER_INTENT_BUY_LONG', price: 500_000, qty: contracts(10), fee: 0, liquidity: 'MAKER', time: w.clock.now(), strategyName: 'market_maker' };
    book(0.49, 0.51);
    engine.performance.onFill(fill);
    engine.bus.emit('fill', fill);
    await w.advance(1_000);
    // Bid 0.59: 5.90 less the taker fee 0.0695 × 10 × 0.59 × 0.41 (0.168 → 0.17) = 5.73 → +0.73 (mid 0.60: +1.00).
    book(0.59, 0.61);
    await w.advance(1_000);
    // The spread widens: bid 0.30: 3.00 less 0.146 → 0.15 = 2.85 → −2.15 (mid 0.40: −1.00).
    book(0.3, 0.5);
    const data = collector.build({ title: 't', kind: 'paper', now: w.clock.now() });
    const s = data.summary;
    expect(s.total).toMatchObject({ unrealized: '-2.150000', net: '-2.150000', unrealizedAtMid: '-1.000000', netAtMid: '-1.000000' });
    expect(s.byStrategy['market_maker']).toMatchObject({ unrealized: '-2.150000', unrealizedAtMid: '-1.000000' });
    // Peak +0.73 to −2.15 at executable marks; +1.00 to −1.00 at the mid.
    expect(s.maxDrawdown).toBe('2.880000');
    expect(s.maxDrawdownAtMid).toBe('2.000000');
    expect(s.marks).toEqual({ basis: 'executable', lastTradeFallback: false, beyondVisibleDepth: false });
    expect(data.equity.at(-1)?.v).toBe(-2.15);

    const html = renderHtmlReport(data);
    expect(html).toContain('Net PnL (USD, executable marks)');
    expect(html).toContain('Net PnL at mid (for reference)');
    expect(html).toContain('Max drawdown at mid (for reference)');

    const summary = new SessionStats().summary(engine);
    expect(summary).toMatch(/^total\s+1\s+10\s+0\.00\s+-2\.15\s+0\.00\s+-2\.15\s+-1\.00$/m);
    expect(summary).toContain('at mid (for reference only): unrealized -1.00, net -1.00 USD');
  });
});
