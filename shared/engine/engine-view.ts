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
import type { DailyPnl, ExposureSink, ExposureWatch, RiskView } from '../risk/risk-view.js';
import type { EngineEvents } from '../state/engine-events.js';
import type { EventBus } from '../state/event-bus.js';
import type { MarketDirectory } from '../state/market-directory.js';
import type { StateManager } from '../state/state-manager.js';
import type { ConsensusYes, FixtureLink, StrategyContext } from '../strategies/context.js';

export interface EngineViewDeps {
  clock: Clock;
  /** The engine's bus: position and game changes, told to exposure watchers (`watchExposure`). */
  bus: EventBus<EngineEvents>;
  /** Reports its feed-health changes on `bus` (the view caches sportsFeedHealthy between them). */
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
  private sinks: ExposureSink[] = [];
  /** One FixtureLink per directory link, made once (strategies ask on every market update). */
  private readonly fixtureLinks = new WeakMap<object, Readonly<FixtureLink>>();
  /**
   * fixtureForMarket's answers for linked markets while the directory's revision is `fixturesRev` (the risk
   * manager asks on every trade): one lookup instead of the link's and the link object's. Only addMarket
   * changes the directory, and it moves the revision.
   */
  private readonly fixtureBySlug = new Map<string, Readonly<FixtureLink>>();
  private fixturesRev = NaN;
  /** fixtureForMarket's last question and answer (linked or not), at revision `fixturesRev` too. */
  private lastFixtureSlug: string | undefined = undefined;
  private lastFixture: Readonly<FixtureLink> | undefined = undefined;
  /** The state's sportsFeedHealthy() as last read; forgotten on every sports feed_health change. */
  private sportsHealthy: boolean | undefined;

  constructor(private readonly deps: EngineViewDeps) {
    this.clock = deps.clock;
    // Subscribed here, before the trading engine subscribes its strategies: a watcher hears of a position or
    // a game change before any strategy reacts to it (and so before any risk check that follows).
    deps.bus.on('position_update', (p) => {
      for (const s of this.sinks) s.positionChanged(p.marketSlug);
    });
    deps.bus.on('game_update', (g) => {
      for (const s of this.sinks) s.gameChanged(g.gameId);
    });
    // The state manager tells the bus of every change of a stream's health (and only then).
    deps.bus.on('feed_health', (h) => {
      if (h.source === 'sports') this.sportsHealthy = undefined;
    });
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

  fixtureForMarket(marketSlug: string): Readonly<FixtureLink> | undefined {
    const rev = this.deps.directory.revision;
    if (rev !== this.fixturesRev) {
      this.fixtureBySlug.clear();
      this.fixturesRev = rev;
      this.lastFixtureSlug = undefined;
    }
    if (marketSlug === this.lastFixtureSlug) return this.lastFixture;
    let f = this.fixtureBySlug.get(marketSlug);
    if (f === undefined) {
      f = this.fixtureOfLink(marketSlug);
      if (f !== undefined) this.fixtureBySlug.set(marketSlug, f);
    }
    this.lastFixtureSlug = marketSlug;
    this.lastFixture = f;
    return f;
  }

  private fixtureOfLink(marketSlug: string): Readonly<FixtureLink> | undefined {
    const link = this.deps.directory.link(marketSlug);
    if (!link) return undefined;
    let f = this.fixtureLinks.get(link);
    if (!f) this.fixtureLinks.set(link, (f = Object.freeze({ fixtureId: link.fixtureId, outcome: link.side })));
    return f;
  }

  /** The market directory's revision: marketInfo and fixtureForMarket answer the same until it moves. */
  directoryRevision(): number {
    return this.deps.directory.revision;
  }

  /** The directory's own list (no copy): read it at once, never keep or change it (StrategyContext). */
  marketsForFixture(fixtureId: string): readonly string[] {
    return this.deps.directory.marketsForFixture(fixtureId);
  }

  consensusYes(marketSlug: string): ConsensusYes | undefined {
    return this.deps.state.consensusYes(marketSlug);
  }

  consensusRevision(marketSlug: string): number {
    return this.deps.state.consensusRevision(marketSlug);
  }

  liveWinProbabilityYes(marketSlug: string): number | undefined {
    return this.deps.state.liveWinProbabilityYes(marketSlug);
  }

  position(marketSlug: string): PositionState | undefined {
    return this.deps.state.position(marketSlug);
  }

  /** The tracker's own records (no copies): read them at once, never keep or change them (StrategyContext). */
  restingOrders(marketSlug: string, strategy: StrategyName): readonly Readonly<TrackedOrder>[] {
    return this.deps.orders().openOrdersOfStrategyReadOnly(marketSlug, strategy);
  }

  /** StrategyContext.restingOrdersHandle: the active tracker's list (it stays current while that tracker is active). */
  restingOrdersHandle(marketSlug: string, strategy: StrategyName): readonly Readonly<TrackedOrder>[] {
    return this.deps.orders().openOrdersOfStrategyHandle(marketSlug, strategy);
  }

  /** StrategyContext.restingOrdersOwner: the active tracker. */
  restingOrdersOwner(): object {
    return this.deps.orders();
  }

  sportsFeedHealthy(): boolean {
    return (this.sportsHealthy ??= this.deps.state.sportsFeedHealthy());
  }

  /** The tracker's own records (no copies): read them at once, never keep or change them (RiskView). */
  openOrders(marketSlug: string): Iterable<TrackedOrder> {
    return this.deps.orders().openOrdersReadOnly(marketSlug);
  }

  /** Markets with a position, then markets with only open orders (each once), without copying any order. */
  *activeMarkets(): Iterable<string> {
    const state = this.deps.state;
    for (const p of state.positionSizes()) if (p.quantity > 0) yield p.marketSlug; // sizes only: no marking
    for (const slug of this.deps.orders().openMarketSlugs()) {
      const p = state.position(slug);
      if (!p || !(p.quantity > 0)) yield slug;
    }
  }

  /**
   * RiskView.watchExposure: the active tracker's order changes, position and game changes. Current while the
   * active tracker (a mode switch swaps it) and the market directory are those it started with.
   */
  watchExposure(sink: ExposureSink): ExposureWatch {
    const tracker = this.deps.orders();
    const directory = this.deps.directory;
    const revision = directory.revision;
    const offOrders = tracker.onOrderChange((o) => sink.orderChanged(o));
    this.sinks = [...this.sinks, sink];
    let open = true;
    return {
      // The directory's revision first: a field read, where the active tracker is asked of the mode's executor.
      current: () => open && directory.revision === revision && this.deps.orders() === tracker,
      close: () => {
        if (!open) return;
        open = false;
        offOrders();
        this.sinks = this.sinks.filter((s) => s !== sink);
      },
    };
  }

  bankroll(): Micros {
    return this.deps.bankroll();
  }

  dailyPnl(): DailyPnl {
    return this.deps.dailyPnl();
  }
}
