/**
 * What the engine does with the outcome of the orders it sends and cancels (nothing waits on them): an order
 * not sent (rejected, blocked) or a failed execution, and a cancel refused or failed, are counted per
 * strategy; every id of a cancel request is cancelled, in order.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { MarketState } from '../../../shared/domain/market.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { TradingEngine } from '../../../shared/engine/trading-engine.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import type { EngineEvents } from '../../../shared/state/engine-events.js';
import { EventBus } from '../../../shared/state/event-bus.js';
import { NO_OUTPUT, type BaseStrategy, type StrategyOutput } from '../../../shared/strategies/base-strategy.js';
import { SignalAggregator } from '../../../shared/strategies/signal-aggregator.js';
import { book } from '../strategies/fake-context.js';

const signal = (slug: string, price: number): Signal => ({
  marketSlug: slug, action: 'BUY_YES', price, quantity: contracts(1), urgency: 'LOW', strategyName: 'market_maker', confidence: 1, reason: slug, fairProbability: 0.5, createdAt: 0,
});

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TradingEngine: outcomes of orders and cancels', () => {
  it('counts orders not sent and failed executions, cancels refused and failed; cancels every id in order', async () => {
    const clock = new ManualClock(0);
    const bus = new EventBus<EngineEvents>();
    const metrics = new MetricsRegistry();
    const calls: string[] = [];
    const react = (m: MarketState): readonly StrategyOutput[] =>
      m.marketSlug === 'x'
        ? [
            { kind: 'cancel', strategyName: 'market_maker', marketSlug: 'x', localIds: ['ok', 'refused', 'throws'], reason: 'requote' } as StrategyOutput,
            signal('sent', 100_000),
            signal('rejected', 200_000),
            signal('blocked', 300_000),
            signal('throws', 400_000),
            signal('refused-by-risk', 500_000),
          ]
        : NO_OUTPUT;
    const strategy: BaseStrategy = {
      name: 'market_maker', enabled: true, onMarketUpdate: react, onGameUpdate: () => NO_OUTPUT, onOddsUpdate: () => NO_OUTPUT, onTimer: () => NO_OUTPUT,
    };
    const executor = {
      execute: (s: Signal) => {
        calls.push(`execute ${s.marketSlug}`);
        if (s.marketSlug === 'throws') return Promise.reject(new Error('boom'));
        return Promise.resolve({ status: s.marketSlug === 'sent' ? 'sent' : s.marketSlug });
      },
      cancel: (id: string) => {
        calls.push(`cancel ${id}`);
        return id === 'throws' ? Promise.reject(new Error('boom')) : Promise.resolve(id === 'ok');
      },
    };
    const engine = new TradingEngine({
      clock,
      bus,
      strategies: [strategy],
      aggregator: new SignalAggregator({ dedupeWindowMs: 0, clock }),
      risk: { validateTrade: (s: Signal) => (s.marketSlug === 'refused-by-risk' ? { approved: false, check: 'x' } : { approved: true, signal: s }) } as never,
      breaker: { evaluate: () => undefined } as never,
      pnl: { dailyPnl: () => ({ realized: 0, unrealized: 0 }) } as never,
      executor: () => executor as never,
      metrics,
    });
    engine.start();
    bus.emit('market_update', book('x', 1, 2));
    await flush();
    expect(calls.slice(0, 3)).toEqual(['cancel ok', 'cancel refused', 'cancel throws']);
    expect(calls.slice(3).sort()).toEqual(['execute blocked', 'execute rejected', 'execute sent', 'execute throws']);
    expect(metrics.counter('engine.cancel_failed', { strategy: 'market_maker' })).toBe(2);
    expect(metrics.counter('engine.order_not_sent', { status: 'rejected', strategy: 'market_maker' })).toBe(1);
    expect(metrics.counter('engine.order_not_sent', { status: 'blocked', strategy: 'market_maker' })).toBe(1);
    expect(metrics.counter('engine.execute_error', { strategy: 'market_maker' })).toBe(1);
  });
});
