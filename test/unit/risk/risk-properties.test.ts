/**
 * Property: no sequence of signals, fills, cancels, replacements and PnL moves takes per-market, correlated
 * or portfolio exposure past a configured limit, and no opening trade is approved once the breaker tripped.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import { SIGNAL_ACTIONS } from '../../../shared/domain/signal.js';
import { INTENT_EFFECT } from '../../../shared/domain/venue-enums.js';
import { CircuitBreaker } from '../../../shared/risk/circuit-breaker.js';
import { ACTION_SHAPE, RiskManager, type RiskLimits } from '../../../shared/risk/risk-manager.js';
import { ONE_CONTRACT } from '../../../shared/domain/quantity.js';
import { FakeRiskView, game, info, signal } from './fake-risk-view.js';

const USD = 1_000_000;
/** Counts across all runs, to check the property exercises approvals near the limits (not only rejections). */
const seen = { approvedOpening: 0, approvedReducing: 0, fills: 0, rejectedLimits: 0 };
const MARKETS = ['g1-home', 'g1-away', 'g2-home', 'solo'];
/** Size step per market: whole contracts, except 'solo', a 0.01 market. */
const MIN_QTY: Record<string, number> = { 'g1-home': ONE_CONTRACT, 'g1-away': ONE_CONTRACT, 'g2-home': ONE_CONTRACT, solo: 1 };

const signalCmd = fc.record({
  kind: fc.constant('signal' as const),
  market: fc.integer({ min: 0, max: MARKETS.length - 1 }),
  action: fc.constantFrom(...SIGNAL_ACTIONS),
  ticks: fc.integer({ min: 1, max: 99 }),
  qty: fc.integer({ min: 1, max: 200_000 }), // hundredths: up to 2,000 contracts
  fair: fc.double({ min: 0, max: 1, noNaN: true }),
  strategy: fc.constantFrom('market_maker', 'live_arbitrage', 'statistical_edge'),
  replace: fc.option(fc.nat(), { nil: undefined }),
});
const fillCmd = fc.record({
  kind: fc.constant('fill' as const),
  order: fc.nat(),
  qty: fc.integer({ min: 1, max: 200_000 }), // hundredths, put on the order's market grid
  improveTicks: fc.integer({ min: 0, max: 5 }),
});
const cancelCmd = fc.record({ kind: fc.constant('cancel' as const), order: fc.nat() });
const pnlCmd = fc.record({
  kind: fc.constant('pnl' as const),
  realized: fc.integer({ min: -30 * USD, max: 10 * USD }),
  unrealized: fc.integer({ min: -40 * USD, max: 40 * USD }),
});
const command = fc.oneof({ arbitrary: signalCmd, weight: 6 }, { arbitrary: fillCmd, weight: 3 }, { arbitrary: cancelCmd, weight: 1 }, { arbitrary: pnlCmd, weight: 1 });

const limitsArb = fc
  .record({
    perMarket: fc.integer({ min: 5, max: 200 }),
    portfolioMult: fc.integer({ min: 1, max: 4 }),
    correlatedPct: fc.integer({ min: 30, max: 100 }),
    kelly: fc.double({ min: 0.05, max: 1, noNaN: true }),
    minTrade: fc.integer({ min: 0, max: 3 }),
    bank: fc.integer({ min: 100, max: 100_000 }),
    arbMax: fc.integer({ min: 1, max: 100 }),
  })
  .map((r) => {
    const limits: RiskLimits = {
      maxPositionPerMarket: r.perMarket * USD,
      maxPortfolioExposure: r.perMarket * r.portfolioMult * USD,
      maxCorrelatedExposure: Math.floor((r.perMarket * r.portfolioMult * USD * r.correlatedPct) / 100),
      kellyFraction: r.kelly,
      minTradeSize: r.minTrade * USD,
    };
    return { limits, bank: r.bank * USD, arbMax: r.arbMax * USD };
  });

describe('risk invariants (property)', () => {
  it('exposure never exceeds any limit; nothing opens after a trip', () => {
    fc.assert(
      fc.property(limitsArb, fc.array(command, { minLength: 1, maxLength: 120 }), ({ limits, bank, arbMax }, commands) => {
        const view = new FakeRiskView();
        view.bank = bank;
        for (const m of MARKETS) view.infos.set(m, info(m, { minQty: MIN_QTY[m] }));
        view.games.set('g1', game('g1', 'Lakers', 'Celtics'));
        view.games.set('g2', game('g2', 'Lakers', 'Suns'));
        view.fixtures.set('g1-home', 'g1');
        view.fixtures.set('g1-away', 'g1');
        view.fixtures.set('g2-home', 'g2');
        const breaker = new CircuitBreaker({ maxDailyLoss: 50 * USD, clock: new ManualClock(0) });
        const rm = new RiskManager({ limits, view, breaker, strategyMaxPosition: { live_arbitrage: arbMax } });

        for (const c of commands) {
          if (c.kind === 'signal') {
            const open = view.orders.filter((o) => ['PENDING', 'PARTIALLY_FILLED'].includes(o.status) && o.request.marketSlug === MARKETS[c.market]);
            const replaced = c.replace !== undefined && open.length > 0 ? open[c.replace % open.length] : undefined;
            const s = signal({
              marketSlug: MARKETS[c.market]!,
              action: c.action,
              price: c.ticks * 10_000,
              quantity: c.qty,
              fairProbability: c.fair,
              strategyName: c.strategy,
              replacesOrderId: replaced?.orderId ?? undefined,
            });
            const trippedBefore = breaker.isTripped() || breaker.isKillSwitchOn();
            const d = rm.validateTrade(s);
            if (d.approved) {
              expect(d.signal!.quantity).toBeGreaterThan(0);
              expect(d.signal!.quantity).toBeLessThanOrEqual(c.qty);
              if (ACTION_SHAPE[c.action].opens) {
                // an opening size is on the market's grid
                expect(d.signal!.quantity % MIN_QTY[s.marketSlug]!).toBe(0);
                expect(trippedBefore).toBe(false);
                expect(breaker.isTripped()).toBe(false);
              }
              view.submit(d.signal!);
              if (ACTION_SHAPE[c.action].opens) seen.approvedOpening++;
              else seen.approvedReducing++;
            } else if (d.check === 'position_limit' || d.check === 'correlation') seen.rejectedLimits++;
          } else if (c.kind === 'fill' || c.kind === 'cancel') {
            const open = view.orders.filter((o) => ['PENDING', 'PARTIALLY_FILLED'].includes(o.status));
            if (open.length === 0) continue;
            const o = open[c.order % open.length]!;
            if (c.kind === 'cancel') view.cancel(o);
            else {
              // fills at the limit or better
              const buys = INTENT_EFFECT[o.request.intent].buysLong;
              const px = Math.min(990_000, Math.max(10_000, o.request.price! + (buys ? -1 : 1) * c.improveTicks * 10_000));
              const step = MIN_QTY[o.request.marketSlug]!;
              view.fill(o, Math.max(step, c.qty - (c.qty % step)), px);
              seen.fills++;
            }
          } else {
            view.pnl = { realized: c.realized, unrealized: c.unrealized };
          }

          // Invariants after every step.
          const exposures = rm.exposure.exposures();
          let total = 0;
          for (const [, e] of exposures) {
            expect(e).toBeLessThanOrEqual(limits.maxPositionPerMarket);
            total += e;
          }
          expect(total).toBeLessThanOrEqual(limits.maxPortfolioExposure);
          for (const [, e] of rm.correlation.groupExposures()) expect(e).toBeLessThanOrEqual(limits.maxCorrelatedExposure);
        }
      }),
      { numRuns: 300 },
    );
    expect(seen.approvedOpening).toBeGreaterThan(50);
    expect(seen.approvedReducing).toBeGreaterThan(0);
    expect(seen.rejectedLimits).toBeGreaterThan(20);
  });
});
