/**
 * Standing down while the breaker refuses opening trades (breaker-stand-down.ts): events about markets where the
 * bot holds nothing are not offered to the strategies, the rest (and the timer) are; a replay gives the same
 * trades with and without it, and fewer refusals.
 */
import { describe, expect, it } from 'vitest';
import { loadBacktestConfig } from '../../../shared/backtest/backtest-config.js';
import { runReplay } from '../../../shared/backtest/replay.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { ConsensusProbability } from '../../../shared/domain/feed-events.js';
import type { GameState } from '../../../shared/domain/game.js';
import { aboutNothingHeld, type Holdings } from '../../../shared/engine/breaker-stand-down.js';
import { STRATEGY_NAMES } from '../../../shared/engine/assemble-engine.js';
import { TradingEngine } from '../../../shared/engine/trading-engine.js';
import { loadRecording } from '../../../shared/recording/recording-reader.js';
import { CircuitBreaker } from '../../../shared/risk/circuit-breaker.js';
import type { EngineEvents } from '../../../shared/state/engine-events.js';
import { EventBus } from '../../../shared/state/event-bus.js';
import { NO_OUTPUT, type BaseStrategy } from '../../../shared/strategies/base-strategy.js';
import { SignalAggregator } from '../../../shared/strategies/signal-aggregator.js';
import { book } from '../strategies/fake-context.js';

/** Fixture f1 has markets a and b, fixture f2 has c; `held` says where the bot holds something. */
function holdingsOf(held: Set<string>): Holdings {
  const fixtures: Record<string, string[]> = { f1: ['a', 'b'], f2: ['c'] };
  return { holdsAnythingIn: (slug) => held.has(slug), marketsForFixture: (f) => fixtures[f] ?? [] };
}
const odds = (fixtureId: string) => ({ fixtureId, market: 'Moneyline', probabilities: {}, confidence: 1, books: 1, maxAgeMs: 0, computedAt: 0 }) as ConsensusProbability;
const game = (gameId: string) => ({ gameId }) as GameState;

describe('aboutNothingHeld', () => {
  const h = holdingsOf(new Set(['b']));
  it('a market update: by its market', () => {
    expect(aboutNothingHeld(h, 'market', book('a', 1, 2))).toBe(true);
    expect(aboutNothingHeld(h, 'market', book('b', 1, 2))).toBe(false);
  });
  it('an odds or game update: by every market of its fixture', () => {
    expect(aboutNothingHeld(h, 'odds', odds('f1'))).toBe(false);
    expect(aboutNothingHeld(h, 'odds', odds('f2'))).toBe(true);
    expect(aboutNothingHeld(h, 'game', game('f1'))).toBe(false);
    expect(aboutNothingHeld(h, 'game', game('f2'))).toBe(true);
    expect(aboutNothingHeld(h, 'game', game('unknown'))).toBe(true);
  });
  it('the timer never', () => {
    expect(aboutNothingHeld(holdingsOf(new Set()), 'timer', 0)).toBe(false);
  });
});

describe('TradingEngine while the breaker stands', () => {
  function setup(withHoldings: boolean) {
    const clock = new ManualClock(0);
    const bus = new EventBus<EngineEvents>();
    const heard: string[] = [];
    const strategy: BaseStrategy = {
      name: 'market_maker',
      enabled: true,
      onMarketUpdate: (m) => (heard.push(`market ${m.marketSlug}`), NO_OUTPUT),
      onGameUpdate: (g) => (heard.push(`game ${g.gameId}`), NO_OUTPUT),
      onOddsUpdate: (c) => (heard.push(`odds ${c.fixtureId}`), NO_OUTPUT),
      onTimer: () => (heard.push('timer'), NO_OUTPUT),
    };
    const breaker = new CircuitBreaker({ maxDailyLoss: 1_000_000, clock });
    const engine = new TradingEngine({
      clock,
      bus,
      strategies: [strategy],
      aggregator: new SignalAggregator({ dedupeWindowMs: 0, clock }),
      risk: { validateTrade: () => ({ approved: false, check: 'circuit_breaker', reason: '' }) } as never,
      breaker,
      pnl: { dailyPnl: () => ({ realized: 0, unrealized: 0 }) } as never,
      executor: () => ({}) as never,
      ...(withHoldings ? { holdings: holdingsOf(new Set(['b'])) } : {}),
    });
    engine.start();
    const all = () => {
      for (const slug of ['a', 'b', 'c']) bus.emit('market_update', book(slug, 1, 2));
      bus.emit('odds_update', odds('f1'));
      bus.emit('odds_update', odds('f2'));
      bus.emit('game_update', game('f1'));
      bus.emit('game_update', game('f2'));
      engine.tick(clock.now());
    };
    return { engine, breaker, heard, all };
  }
  const everything = ['market a', 'market b', 'market c', 'odds f1', 'odds f2', 'game f1', 'game f2', 'timer'];

  it('offers every event while the breaker is open, only those about held markets (and the timer) while it stands, every event again after the reset', () => {
    const env = setup(true);
    env.all();
    expect(env.heard.splice(0)).toEqual(everything);
    env.breaker.trip('test');
    env.all();
    expect(env.heard.splice(0)).toEqual(['market b', 'odds f1', 'game f1', 'timer']);
    expect(env.engine.stoodDownEvents).toBe(4);
    env.breaker.resetDaily();
    env.all();
    expect(env.heard.splice(0)).toEqual(everything);
    expect(env.engine.stoodDownEvents).toBe(4);
  });

  it('the kill switch stands it down too; without holdings every event is offered whatever the breaker', () => {
    const killed = setup(true);
    killed.breaker.engageKillSwitch('test');
    killed.all();
    expect(killed.heard).toEqual(['market b', 'odds f1', 'game f1', 'timer']);
    const plain = setup(false);
    plain.breaker.trip('test');
    plain.all();
    expect(plain.heard).toEqual(everything);
    expect(plain.engine.stoodDownEvents).toBe(0);
  });
});

describe('a replay stands down', () => {
  it('the sample (the breaker trips 20 s in): the same trades as offering every event, fewer refusals', async () => {
    const rec = await loadRecording(['data/sample']);
    const config = loadBacktestConfig('config');
    const run = (standDown: boolean) => runReplay({ lines: rec.lines, config, strategies: STRATEGY_NAMES, keepDecisions: true, report: true, standDown });
    const [on, off] = [await run(true), await run(false)];
    const trades = (r: typeof on) => JSON.stringify({ fills: r.fills, approved: r.decisions.filter((d) => d.approved), performance: r.performance, settlements: r.settlements });
    expect(trades(on)).toBe(trades(off));
    expect(on.approvedCount).toBe(off.approvedCount);
    // Only refusals go: the breaker's, and "nothing to reduce" ones.
    const refusals = (r: typeof on, check: string) => r.decisions.filter((d) => !d.approved && d.check === check).length;
    expect(on.decisionCount).toBeLessThan(off.decisionCount - 500);
    for (const check of ['invalid_signal', 'correlation', 'kelly', 'min_size']) expect(refusals(on, check)).toBe(refusals(off, check));
    expect(refusals(on, 'circuit_breaker')).toBeLessThan(refusals(off, 'circuit_breaker'));
    expect(on.report?.summary.extra.stoodDown).toBeGreaterThan(0);
    expect(off.report?.summary.extra.stoodDown).toBe(0);
  });
});
