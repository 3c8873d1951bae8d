/**
 * The bot in LIVE mode against the simulated exchange over loopback, with the sports world playing games at
 * speed and background liquidity trading against it. After a few seconds of trading the hot loop is stopped,
 * the liquidity is stopped and the private events are let settle; then the simulator is the exchange of
 * record and the bot's picture must match it EXACTLY: open orders, every fill (execution id, order,
 * quantity, price, fee), positions and cash.
 *
 * Run twice: against today's wire, and against a simulator sending the legacy aliases (`legacyWire`: the legacy
 * position and balance frame keys, the rounded position counts, an order snapshot on ORDER), with the same
 * outcomes expected; each run checks the simulator actually sent its wire's frames, and the audit (test/support/
 * wire-audit.ts) fails the run on anything off the contract (deprecated keys only in the legacy run).
 */
import { deepMerge } from '../../../shared/config/deep-merge.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../../containers/bot/bot.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { createSportsModule, type SportsModule } from '../../../containers/simulator/sports/index.js';
import type { Fill } from '../../../shared/domain/order.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { engineConfig, LOCAL_SESSION_PATCH, simulatorEnv, waitFor } from '../../support/engine-fixtures.js';

const WIRES = [
  // Today's keys; none of the legacy aliases may appear.
  { wire: "today's wire", legacyWire: false, frames: ['positionSubscription', 'accountBalancesSnapshot', 'accountBalancesUpdate'], absent: ['positionSubscriptionUpdate', 'accountBalanceSubscriptionSnapshot', 'accountBalanceSubscriptionUpdate'] },
  // The legacy aliases the venue still accepts, in place of today's keys.
  { wire: 'the legacy wire', legacyWire: true, frames: ['positionSubscriptionUpdate', 'accountBalanceSubscriptionSnapshot', 'accountBalanceSubscriptionUpdate'], absent: ['positionSubscription', 'accountBalancesSnapshot', 'accountBalancesUpdate'] },
];

describe.each(WIRES)('live mode against $wire: the simulator is the exchange of record', ({ legacyWire, frames, absent }) => {
  let sim: AuditedSimulator;
  let sports: SportsModule;
  let bot: RunningBot;
  let account: string;
  const logger = new MemoryLogger();
  const metrics = new MetricsRegistry();
  const fills: Fill[] = [];
  let lastPrivateEventAt = Date.now();
  let startedAt = 0;

  beforeAll(async () => {
    sim = await startAuditedSimulator({
      seed: 11,
      legacyWire,
      // Busy background flow: takers hit the bot's quotes; a crowd misprices half the markets (statistical edge).
      liquidity: { takerIntervalMs: 250, takerProbability: 0.6, crowdBias: { share: 0.5, magnitude: [0.06, 0.09] } },
      modules: [
        createSportsModule({
          seed: 11,
          speed: 8,
          games: { basketball: 2 },
          // One game well under way, one starting in a moment (live arbitrage needs the pre-game consensus).
          startOffsetsMs: [-20_000, 1_500],
          marketOpenLeadMs: 60_000,
          tickMs: 20,
        }),
      ],
    });
    sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
    account = sim.accountOf(sim.credentials.keyId);
    const config = engineConfig({
      mode: 'live',
      patch: deepMerge(LOCAL_SESSION_PATCH, { strategies: { market_maker: { refresh_interval: 1 } } }),
      env: simulatorEnv(sim, sports),
    });
    expect(config.mode).toBe('live');
    startedAt = Date.now();
    bot = await startBot({
      config,
      logger,
      metrics,
      tickMs: 200,
      onFill: (f) => fills.push(f),
      onVenueEvent: (_ev, channel) => {
        if (channel === 'private') lastPrivateEventAt = Date.now();
      },
    });
  }, 20_000);

  afterAll(async () => {
    await bot?.stop();
    await sim?.close(); // throws if the simulator sent anything off the contract
  });

  it('trades, stops, settles, and its orders, fills, positions and cash match the exchange exactly', async () => {
    expect(bot.mode()).toBe('live');
    const tracker = bot.engine.executor().tracker;
    // Stop at a moment when quotes rest at the exchange, so open orders are compared too.
    const resting = () => tracker.openOrders().filter((o) => o.status === 'PENDING' || o.status === 'PARTIALLY_FILLED').length;
    await waitFor(() => fills.length >= 5 && Date.now() - startedAt > 4_000 && resting() >= 1, 'at least 5 live fills and resting quotes', 16_000, 5).catch((err: Error) => {
      throw new Error(`${err.message}: ${fills.length} fills, ${resting()} resting, ${tracker.all().length} orders`);
    });

    // Stop trading: no new signals; wait for every in-flight request to be answered.
    bot.engine.engine.stop();
    await waitFor(() => tracker.inFlightOrders().length === 0, 'in-flight orders acknowledged', 5_000);
    // Stop the counterparties, then let the private stream go quiet.
    sim.liquidity?.stop();
    await waitFor(() => Date.now() - lastPrivateEventAt > 600, 'the private stream to go quiet', 8_000);

    // ---- the wire: the private frames the bot read were this run's keys.
    for (const f of frames) expect(sim.audit.seen, `${f} sent`).toContain(f);
    for (const f of absent) expect(sim.audit.seen, `${f} not sent`).not.toContain(f);

    // ---- orders: the same open orders, at the same price, size and fill state.
    const venueOpen = sim.exchange.openOrders(account);
    const botOpen = tracker.openOrders();
    expect(botOpen.length).toBeGreaterThan(0);
    expect(botOpen.map((o) => o.orderId).sort()).toEqual(venueOpen.map((o) => o.id).sort());
    for (const v of venueOpen) {
      const b = tracker.getByOrderId(v.id)!;
      expect({ price: b.request.price, quantity: b.request.quantity, filled: b.filledQty, leaves: b.leavesQty, intent: b.request.intent, market: b.request.marketSlug }).toEqual({
        price: v.price,
        quantity: v.quantity,
        filled: v.cumQuantity,
        leaves: v.leavesQuantity,
        intent: v.intent,
        market: v.marketSlug,
      });
    }
    // No order duplicated: one venue order per tracked order, and every venue order is tracked.
    const tracked = tracker.all().filter((o) => o.orderId !== null);
    const ids = tracked.map((o) => o.orderId as string);
    expect(new Set(ids).size).toBe(ids.length);
    const orderActivities = activities('ACTIVITY_TYPE_ORDER');
    const venueOrderIds = new Set(orderActivities.map((a) => a.orderId as string));
    expect([...venueOrderIds].sort()).toEqual([...ids].sort());
    // Every tracked order's terminal state agrees with the venue's.
    for (const o of tracked) {
      const v = sim.exchange.getOrder(account, o.orderId as string);
      expect(o.filledQty, `filled of ${o.orderId}`).toBe(v.cumQuantity);
    }

    // ---- fills: each venue trade appears exactly once, with the same ids, quantity, price and fee.
    const trades = activities('ACTIVITY_TYPE_TRADE');
    expect(trades.length).toBeGreaterThanOrEqual(5);
    const fillIds = fills.map((f) => f.executionId);
    expect(new Set(fillIds).size).toBe(fillIds.length);
    const key = (x: { executionId: string; orderId: string; marketSlug: string; price: number; qty: number; fee: number; intent: string }) =>
      `${x.executionId}|${x.orderId}|${x.marketSlug}|${x.intent}|${x.price}|${x.qty}|${x.fee}`;
    expect(fills.map(key).sort()).toEqual(
      trades
        .map((t) => key({ executionId: t.executionId as string, orderId: t.orderId as string, marketSlug: t.marketSlug as string, intent: t.trade!.intent, price: t.trade!.price, qty: t.trade!.qty, fee: t.trade!.fee }))
        .sort(),
    );
    // Per order, the tracker's filled quantity is the sum of its fills.
    for (const o of tracked) {
      const sum = fills.filter((f) => f.orderId === o.orderId).reduce((a, f) => a + f.qty, 0);
      expect(o.filledQty).toBe(sum);
    }

    // ---- positions and cash.
    const venuePositions = sim.exchange.positions(account);
    const slugs = new Set([...Object.keys(venuePositions), ...[...bot.engine.state.allPositions()].map((p) => p.marketSlug)]);
    expect(slugs.size).toBeGreaterThan(0);
    for (const slug of slugs) {
      const v = venuePositions[slug];
      const b = bot.engine.state.position(slug);
      expect({ slug, net: b?.netQty ?? 0, cost: b ? Math.abs(b.cost) : 0 }).toEqual({ slug, net: v?.netPosition ?? 0, cost: Math.abs(v?.cost ?? 0) });
    }
    const bal = sim.exchange.balance(account);
    expect(bot.engine.state.account()).toMatchObject({ balance: bal.currentBalance, buyingPower: bal.buyingPower });

    // The strategies that traded are the ones the situations call for.
    const traders = new Set(fills.map((f) => f.strategyName));
    expect(traders.size).toBeGreaterThanOrEqual(1);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([]);
  }, 40_000);

  function activities(type: 'ACTIVITY_TYPE_ORDER' | 'ACTIVITY_TYPE_TRADE') {
    const out = [];
    let cursor: string | null = null;
    for (;;) {
      const page = sim.exchange.activities(account, { types: [type], limit: 1000, cursor, sortOrder: 'SORT_ORDER_ASCENDING' });
      out.push(...page.activities);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
  }
});
