/**
 * The engine's read model: what strategies (StrategyContext) and the risk manager (RiskView) see, composed
 * from the state manager, the market directory and the active executor's order tracker. Reads only, from
 * memory.
 */
import type { Clock } from '../domain/clock.js';
import type { GameState } from '../domain/game.js';
import type { MarketInfo, MarketState } from '../domain/market.js';
import type { Micros } from '../domain/money.js';
import type { TrackedOrder } from '../domain/order.js';
import type { PositionState } from '../domain/position.js';
import type { StrategyName } from '../domain/signal.js';
import type { OrderTracker } from '../execution/order-tracker.js';
import type { DailyPnl, RiskView } from '../risk/risk-view.js';
import type { MarketDirectory } from '../state/market-directory.js';
import type { StateManager } from '../state/state-manager.js';
import type { ConsensusYes, FixtureLink, StrategyContext } from '../strategies/context.js';

export interface EngineViewDeps {
  clock: Clock;
  state: StateManager;
  directory: MarketDirectory;
  /** The active executor's tracker (it changes when the mode switches between paper and live). */
  orders: () => OrderTracker;
  /** Buying power Kelly sizes against. */
  bankroll: () => Micros;
  dailyPnl: () => DailyPnl;
}

export class EngineView implements StrategyContext, RiskView {
  readonly clock: Clock;

  constructor(private readonly deps: EngineViewDeps) {
    this.clock = deps.clock;
  }

  market(marketSlug: string): MarketState | undefined {
    return this.deps.state.market(marketSlug);
  }

  marketInfo(marketSlug: string): MarketInfo | undefined {
    return this.deps.directory.info(marketSlug);
  }

  game(fixtureId: string): GameState | undefined {
    return this.deps.state.game(fixtureId);
  }

  fixtureForMarket(marketSlug: string): FixtureLink | undefined {
    const link = this.deps.directory.link(marketSlug);
    return link ? { fixtureId: link.fixtureId, outcome: link.side } : undefined;
  }

  marketsForFixture(fixtureId: string): string[] {
    return [...this.deps.directory.marketsForFixture(fixtureId)];
  }

  consensusYes(marketSlug: string): ConsensusYes | undefined {
    return this.deps.state.consensusYes(marketSlug);
  }

  liveWinProbabilityYes(marketSlug: string): number | undefined {
    return this.deps.state.liveWinProbabilityYes(marketSlug);
  }

  position(marketSlug: string): PositionState | undefined {
    return this.deps.state.position(marketSlug);
  }

  restingOrders(marketSlug: string, strategy: StrategyName): TrackedOrder[] {
    return this.deps.orders().openOrders({ marketSlug, strategyName: strategy });
  }

  sportsFeedHealthy(): boolean {
    return this.deps.state.sportsFeedHealthy();
  }

  /** The tracker's own records (no copies): read them at once, never keep or change them (RiskView). */
  openOrders(marketSlug: string): Iterable<TrackedOrder> {
    return this.deps.orders().openOrdersReadOnly(marketSlug);
  }

  /** Markets with a position, then markets with only open orders (each once), without copying any order. */
  *activeMarkets(): Iterable<string> {
    const state = this.deps.state;
    for (const p of state.allPositions()) if (p.quantity > 0) yield p.marketSlug;
    for (const slug of this.deps.orders().openMarketSlugs()) {
      const p = state.position(slug);
      if (!p || !(p.quantity > 0)) yield slug;
    }
  }

  bankroll(): Micros {
    return this.deps.bankroll();
  }

  dailyPnl(): DailyPnl {
    return this.deps.dailyPnl();
  }
}
