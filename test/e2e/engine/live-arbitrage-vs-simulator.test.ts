/**
 * Live arbitrage through the real simulator, in PAPER mode: the sports world plays a game at speed; after a
 * score the exchange's makers reprice only after a lag (300–800 ms), so for a moment the book is stale. The
 * bot (only live_arbitrage on) must take those stale prices — IOCs at a limit min_edge inside its live
 * model's fair value, filled on the paper exchange against the simulator's book — and send nothing to the
 * exchange itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../../containers/bot/bot.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import type { Fill } from '../../../shared/domain/order.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { INTENT_EFFECT } from '../../../shared/domain/venue-enums.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import type { RiskDecision } from '../../../shared/risk/risk-manager.js';
import { engineConfig, LOCAL_SESSION_PATCH, simulatorEnv, waitFor } from '../../support/engine-fixtures.js';

let sim: AuditedSimulator;
let sports: SportsModule;
let bot: RunningBot;
const fills: Fill[] = [];
const decisions: { decision: RiskDecision; signal: Signal; trueHome: number; homeSlug: string }[] = [];

beforeAll(async () => {
  sim = await startAuditedSimulator({
    seed: 21,
    liquidity: { takers: 0, repriceLagMs: [400, 900] },
    // The game starts 1.5 s in: the bot sees the pre-game consensus its live model needs.
    modules: [createSportsModule({ seed: 21, speed: 20, games: { basketball: 1 }, startOffsetsMs: [1_500], marketOpenLeadMs: 60_000, tickMs: 20 })],
  });
  sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
  const fx = sports.world.fixtures()[0]!;
  const config = engineConfig({ mode: 'paper', patch: LOCAL_SESSION_PATCH, env: simulatorEnv(sim, sports) });
  bot = await startBot({
    config,
    logger: nullLogger,
    metrics: new MetricsRegistry(),
    strategies: ['live_arbitrage'],
    tickMs: 200,
    onFill: (f) => fills.push(f),
    onDecision: (decision, signal) =>
      decisions.push({ decision, signal, trueHome: sports.world.fixture(fx.fixtureId)!.homeWinProbability, homeSlug: fx.homeMarketSlug }),
  });
}, 20_000);

afterAll(async () => {
  await bot?.stop();
  await sim?.close();
});

describe('live arbitrage against the simulator’s lagging book', () => {
  it('takes stale prices right after game events, fills on the paper exchange, sends nothing to the exchange', async () => {
    await waitFor(() => fills.length >= 2, 'two live-arbitrage fills', 18_000);
    expect(bot.engine.strategies.map((s) => s.name)).toEqual(['live_arbitrage']);
    const minEdge = engineConfig({ mode: 'paper', patch: LOCAL_SESSION_PATCH }).strategies.liveArbitrage.minEdge;

    // Every order came from a game event, as an IOC at a limit min_edge inside the model's fair value.
    const approved = decisions.filter((d) => d.decision.approved);
    expect(approved.length).toBeGreaterThan(0);
    for (const { signal } of approved) {
      expect(signal.strategyName).toBe('live_arbitrage');
      expect(signal.reason).toMatch(/^live arbitrage on (score change|clock change|book update after game event)/);
      expect(signal.timeInForce).toBe('IOC');
      const fair = Math.round(signal.fairProbability * 1_000_000);
      if (signal.action === 'BUY_YES' || signal.action === 'SELL_NO') expect(signal.price).toBeLessThanOrEqual(fair - minEdge);
      else expect(signal.price).toBeGreaterThanOrEqual(fair + minEdge);
    }

    // Fills at the limit or better, against what the simulator's book offered.
    const tracker = bot.engine.executor().tracker;
    for (const f of fills) {
      expect(f.strategyName).toBe('live_arbitrage');
      const o = tracker.getByOrderId(f.orderId)!;
      expect(o.request.tif).toBe('TIME_IN_FORCE_IMMEDIATE_OR_CANCEL');
      if (o.request.intent === 'ORDER_INTENT_BUY_LONG' || o.request.intent === 'ORDER_INTENT_SELL_SHORT') expect(f.price).toBeLessThanOrEqual(o.request.price!);
      else expect(f.price).toBeGreaterThanOrEqual(o.request.price!);
    }

    // Against the TRUE probability the simulated world knew when the signal was made, the trades had edge
    // on balance (the book was stale, not the model wrong): the mean edge at the fill prices is positive.
    let edge = 0;
    for (const f of fills) {
      const d = decisions.filter((x) => x.decision.approved && x.signal.marketSlug === f.marketSlug && x.signal.createdAt <= f.time).pop()!;
      const pYes = f.marketSlug === d.homeSlug ? d.trueHome : 1 - d.trueHome;
      edge += (f.intent === 'ORDER_INTENT_BUY_LONG' || f.intent === 'ORDER_INTENT_SELL_SHORT' ? pYes * 1e6 - f.price : f.price - pYes * 1e6) * f.qty;
    }
    expect(edge).toBeGreaterThan(0);

    // Paper mode: nothing reached the simulated exchange.
    const account = sim.accountOf(sim.credentials.keyId);
    expect(sim.exchange.activities(account, { types: ['ACTIVITY_TYPE_ORDER', 'ACTIVITY_TYPE_TRADE'] }).activities).toEqual([]);
    // The paper fills reached the engine's positions: each filled market's net position comes to what its fills
    // add up to (not "> 0": a later take on the other side may have closed it). The bot still trades, and a
    // position event follows its fill, so this is awaited.
    const netOfFills = (slug: string) => fills.filter((f) => f.marketSlug === slug).reduce((n, f) => n + (INTENT_EFFECT[f.intent].buysLong ? f.qty : -f.qty), 0);
    const agree = () => [...new Set(fills.map((f) => f.marketSlug))].every((slug) => (bot.engine.state.position(slug)?.netQty ?? 0) === netOfFills(slug));
    await waitFor(agree, 'positions equal to the net of the fills', 5_000);
  }, 30_000);
});
