/**
 * Shadow mode against the project's simulator over real HTTP and WebSockets: the bot trades the simulator's
 * sandbox account (live), paper exchanges beside it get a copy of every order, and the calibration panel
 * has both live and paper figures per strategy and price level, fitted parameters, and renders. Switching
 * shadow → live stops the copies (the live account trades on); live → shadow starts them again for the orders
 * created from then on; shadow →
 * paper cancels the live orders at the exchange first, as leaving live does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../../containers/bot/bot.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import { deepMerge } from '../../../shared/config/deep-merge.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { renderShadowPanelHtml, renderShadowPanelText } from '../../../shared/shadow/panel-render.js';
import { renderHtmlReport } from '../../../shared/reports/html-report.js';
import { ReportCollector } from '../../../shared/reports/report-collector.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { engineConfig, LOCAL_SESSION_PATCH, simulatorEnv, waitFor } from '../../support/engine-fixtures.js';

let sim: AuditedSimulator;
let bot: RunningBot;
let account: string;

beforeAll(async () => {
  sim = await startAuditedSimulator({
    seed: 11,
    modules: [createSportsModule({ seed: 11, speed: 1, games: { basketball: 1 }, startOffsetsMs: [600_000], marketOpenLeadMs: 900_000, tickMs: 50 })],
  });
  const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  account = sim.accountOf(sim.credentials.keyId);
  const config = engineConfig({
    mode: 'shadow',
    patch: deepMerge(LOCAL_SESSION_PATCH, { strategies: { market_maker: { refresh_interval: 0.5 } } }),
    env: simulatorEnv(sim, sports),
  });
  bot = await startBot({ config, logger: nullLogger, metrics: new MetricsRegistry(), strategies: ['market_maker'], tickMs: 100 });
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await sim?.close();
});

const venueOpen = () => sim.exchange.openOrders(account);

describe('shadow mode against the simulator', () => {
  it('trades the live account: the quotes rest at the exchange, and the live executor is the active one', async () => {
    expect(bot.mode()).toBe('shadow');
    expect(bot.engine.executor()).toBe(bot.engine.liveExecutor());
    await waitFor(() => venueOpen().length >= 2, 'live quotes resting at the exchange', 10_000);
    expect(bot.engine.shadow?.isActive()).toBe(true);
  });

  it('the panel compares live and paper on the same postings, with markouts and fitted parameters', async () => {
    const live = bot.engine.executor().tracker;
    await waitFor(() => live.openOrders().some((o) => o.filledQty > 0) || [...live.restingOrders(), ...live.openOrders()].length > 0, 'live orders', 10_000);
    // The simulator's takers trade against the quotes: wait for a live fill, then for its 1 s markout.
    await waitFor(() => (bot.engine.shadow?.journal.snapshot().fills ?? []).some((f) => f.side === 'live'), 'a live fill in the shadow journal', 40_000);
    await waitFor(() => (bot.engine.shadow?.journal.snapshot().fills ?? []).some((f) => f.side === 'live' && f.markouts[0] !== null), 'a 1 s markout', 5_000);
    const panel = bot.engine.shadow!.panel()!;
    expect(panel.orders.compared).toBeGreaterThan(0);
    const all = panel.rows.find((r) => r.strategy === 'market_maker' && r.level === 'all')!;
    expect(all.postings).toBeGreaterThan(0);
    expect(Number(all.posted)).toBeGreaterThan(0);
    expect(Number(all.live.filled)).toBeGreaterThan(0);
    expect(all.live.fillRate).toBeGreaterThan(0);
    expect(all.paper.fillRate).not.toBeNull(); // paper's figure for the same postings (may be 0)
    expect(all.live.markoutUsd['1s']).not.toBeNull();
    expect(panel.rows.some((r) => r.level !== 'all' && r.level !== 'cross')).toBe(true); // resting levels
    expect(panel.fitted.map((f) => f.key)).toEqual(['queue_ahead_fraction', 'order_latency_ms']);
    expect(panel.fitted[0]!.candidates.length).toBeGreaterThan(1);
    expect(panel.suggestedPaperParams.queue_ahead_fraction).toBeGreaterThanOrEqual(0);
    // The copies never reached the exchange: every order it knows is a live one the tracker knows.
    const known = new Set(live.openOrders().map((o) => o.orderId));
    for (const o of venueOpen()) expect(known.has(o.id)).toBe(true);
    // Rendered, alone and in a report.
    expect(renderShadowPanelText(panel)).toContain('market_maker / all');
    expect(renderShadowPanelHtml(panel)).toContain('Shadow calibration: paper vs live');
    const collector = new ReportCollector({ engine: bot.engine, directory: bot.discovery.directory, fixtures: bot.discovery.fixtures });
    const data = collector.build({ title: 'shadow', kind: 'live', now: Date.now() });
    data.summary.shadow = panel;
    expect(renderHtmlReport(data)).toContain('Fitted paper parameters');
  }, 60_000);

  it('shadow → live stops the copies and keeps trading live; live → shadow starts them again', async () => {
    const before = bot.engine.shadow!.journal.snapshot().orders.length;
    await bot.setMode('live');
    expect(bot.engine.shadow?.isActive()).toBe(false);
    expect(venueOpen().length).toBeGreaterThan(0); // the live quotes stay
    const sentWhileLive = () => sim.exchange.activities(account, { types: ['ACTIVITY_TYPE_ORDER'], limit: 1000 }).activities.length;
    const n = sentWhileLive();
    await waitFor(() => sentWhileLive() > n || bot.engine.executor().tracker.openOrders().length > 0, 'live keeps quoting', 5_000);
    expect(bot.engine.shadow!.journal.snapshot().orders.length).toBe(before); // nothing mirrored while live
    await bot.setMode('shadow');
    expect(bot.engine.shadow?.isActive()).toBe(true);
    // Only orders created in shadow are compared (a quote resting from before has no twin): pull the quotes,
    // and the market maker's new ones are mirrored.
    await bot.engine.executor().cancelAll();
    await waitFor(() => bot.engine.shadow!.journal.snapshot().orders.length > before, 'mirroring again', 10_000);
  }, 30_000);

  it('shadow → paper cancels the live orders at the exchange before the switch completes', async () => {
    const live = bot.engine.executor().tracker;
    await waitFor(() => live.inFlightOrders().length === 0, 'acks', 5_000);
    await bot.setMode('paper');
    expect(bot.mode()).toBe('paper');
    expect(venueOpen()).toEqual([]);
    expect(bot.engine.shadow?.isActive()).toBe(false);
  }, 20_000);
});
