import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { MarketState } from '../../../shared/domain/market.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { TradingEngine, type TradingEngineDeps } from '../../../shared/engine/trading-engine.js';
import type { EngineEvents } from '../../../shared/state/engine-events.js';
import { EventBus } from '../../../shared/state/event-bus.js';
import { NO_OUTPUT, type BaseStrategy, type StrategyOutput } from '../../../shared/strategies/base-strategy.js';
import { SignalAggregator } from '../../../shared/strategies/signal-aggregator.js';
import { book } from '../strategies/fake-context.js';

const signal = (slug: string): Signal => ({
  marketSlug: slug, action: 'BUY_YES', price: 500_000, quantity: contracts(1), urgency: 'LOW', strategyName: 'market_maker', confidence: 1, reason: slug, fairProbability: 0.5, createdAt: 0,
});

/** An engine with one scripted strategy; `onExecute` runs inside the executor's execute call (as a paper fill would). */
function setup(react: (m: MarketState) => readonly StrategyOutput[], onExecute: (s: Signal) => void, validate?: (s: Signal) => void) {
  const clock = new ManualClock(0);
  const bus = new EventBus<EngineEvents>();
  const log: string[] = [];
  const strategy: BaseStrategy = {
    name: 'market_maker',
    enabled: true,
    interest: { market: true, game: false, odds: false, timer: false },
    onMarketUpdate: (m) => {
      log.push(`hear ${m.marketSlug}`);
      return react(m);
    },
    onGameUpdate: () => NO_OUTPUT,
    onOddsUpdate: () => NO_OUTPUT,
    onTimer: () => NO_OUTPUT,
  };
  const executor = {
    execute: (s: Signal) => {
      log.push(`execute ${s.marketSlug}`);
      onExecute(s);
      return Promise.resolve({ status: 'sent' });
    },
    cancel: () => Promise.resolve(true),
  };
  const deps: TradingEngineDeps = {
    clock,
    bus,
    strategies: [strategy],
    aggregator: new SignalAggregator({ dedupeWindowMs: 0, clock }),
    risk: {
      validateTrade: (s: Signal) => {
        validate?.(s);
        return { approved: true, signal: s };
      },
    } as never,
    breaker: { evaluate: () => undefined } as never,
    pnl: { dailyPnl: () => ({ realized: 0, unrealized: 0 }) } as never,
    executor: () => executor as never,
  };
  const engine = new TradingEngine(deps);
  engine.start();
  return { bus, log, engine };
}

describe('TradingEngine event queue', () => {
  it('an event emitted while a batch is handled is heard only after the batch, in arrival order', () => {
    const env = setup(
      (m) => (m.marketSlug === 'a' ? [signal('a')] : NO_OUTPUT),
      (s) => {
        if (s.marketSlug !== 'a') return;
        env.bus.emit('market_update', book('b', 1, 2));
        env.bus.emit('market_update', book('c', 1, 2));
      },
    );
    env.bus.emit('market_update', book('a', 1, 2));
    expect(env.log).toEqual(['hear a', 'execute a', 'hear b', 'hear c']);
  });

  it('after a batch fails, the events still waiting are heard before the next one', () => {
    let fail = true;
    const env = setup(
      (m) => (m.marketSlug === 'a' ? [signal('a')] : NO_OUTPUT),
      () => undefined,
      (s) => {
        if (s.marketSlug !== 'a' || !fail) return;
        fail = false;
        env.bus.emit('market_update', book('b', 1, 2)); // waits behind the batch of 'a' ...
        throw new Error('risk check failed'); // ... which fails (the bus logs it)
      },
    );
    env.bus.emit('market_update', book('a', 1, 2));
    expect(env.log).toEqual(['hear a']);
    env.bus.emit('market_update', book('d', 1, 2));
    expect(env.log).toEqual(['hear a', 'hear b', 'hear d']);
  });

  it('subscribes only to the kinds of event some strategy hears, and stops hearing after stop()', () => {
    const env = setup(() => NO_OUTPUT, () => undefined);
    expect(env.bus.subscriberCount('market_update')).toBe(1);
    expect(env.bus.subscriberCount('odds_update')).toBe(0);
    expect(env.bus.subscriberCount('game_update')).toBe(0);
    env.engine.stop();
    env.bus.emit('market_update', book('a', 1, 2));
    expect(env.log).toEqual([]);
    expect(env.bus.subscriberCount('market_update')).toBe(0);
  });
});
