/**
 * When the exchange is not trading, the bot does not either (docs/venue-rules.md, "Trading hours and
 * maintenance"):
 *
 * - The weekly maintenance window (config `trading.maintenance`, Thursday 02:00–06:00 America/New_York by
 *   default): at its start every executor cancels its resting orders and pauses new ones; at its end the
 *   pause is lifted and the strategies quote again by themselves. Checked on the bot's timer (`onTick`)
 *   against the pure calendar (shared/domain/maintenance-calendar.ts).
 * - Unannounced halts: a market whose book state turns HALTED or SUSPENDED on the market socket has its
 *   resting orders cancelled and new orders paused until it is OPEN again.
 *
 * Pauses are the executor's (`setPaused`), separate from the kill switch: ending one never lifts the other.
 * The bot and the replay (shared/backtest/replay.ts) drive it alike: `onTick` on the engine's timer,
 * `onMarketEvent` after the engine heard the market message, so a replay pauses where the bot paused.
 * Counted: `bot.trading_pause{reason}`; gauge `bot.maintenance` (1 while the window is in force).
 */
import { inWindow, windowEndsAt, type WeeklyWindow } from '../domain/maintenance-calendar.js';
import type { ReportedMarketState } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import { ALL_MARKETS } from '../execution/executor.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export const MAINTENANCE = 'maintenance';
export const MARKET_HALT = 'market_halt';

const HALT_STATES: ReadonlySet<ReportedMarketState> = new Set<ReportedMarketState>(['MARKET_STATE_HALTED', 'MARKET_STATE_SUSPENDED']);

/** What the pauses need of an executor (OrderExecutor satisfies it). */
export interface PausableExecutor {
  setPaused(scope: string, reason: string, paused: boolean): void;
  cancelAll(marketSlugs?: string[]): Promise<string[]>;
}

export interface TradingPausesDeps {
  /** The weekly window; null = none. */
  maintenance: WeeklyWindow | null;
  /** Every executor that may hold orders (paper and live), read at each change. */
  executors: () => readonly PausableExecutor[];
  logger: Logger;
  metrics: Metrics;
}

export class TradingPauses {
  private inMaintenance = false;
  private readonly halted = new Set<string>();

  constructor(private readonly deps: TradingPausesDeps) {}

  /** Whether the maintenance window is in force (as of the last tick). */
  maintenanceInForce(): boolean {
    return this.inMaintenance;
  }

  haltedMarkets(): string[] {
    return [...this.halted];
  }

  /** The bot's timer: enters or leaves the maintenance window. */
  onTick(now: number): void {
    const w = this.deps.maintenance;
    const inside = w !== null && inWindow(w, now);
    if (inside === this.inMaintenance) return;
    this.inMaintenance = inside;
    this.deps.metrics.gauge('bot.maintenance', inside ? 1 : 0);
    if (inside) {
      this.deps.logger.warn('exchange maintenance window: cancelling resting orders, no new orders until it ends', { endsAt: new Date(windowEndsAt(w!, now)!).toISOString() });
      this.pause(ALL_MARKETS, MAINTENANCE, undefined);
    } else {
      this.deps.logger.info('exchange maintenance window over: trading resumes');
      for (const ex of this.deps.executors()) ex.setPaused(ALL_MARKETS, MAINTENANCE, false);
    }
  }

  /** The market socket: a book whose state says the market is halted or suspended, or open again. */
  onMarketEvent(ev: VenueEvent): void {
    if (ev.type !== 'book') return;
    // Every book frame passes here: an open market with no market halted costs no set lookup.
    if (ev.state === 'MARKET_STATE_OPEN' && this.halted.size === 0) return;
    const halted = HALT_STATES.has(ev.state);
    if (halted && !this.halted.has(ev.marketSlug)) {
      this.halted.add(ev.marketSlug);
      this.deps.logger.warn('market halted by the exchange: cancelling its orders, no new ones until it reopens', { marketSlug: ev.marketSlug, state: ev.state });
      this.pause(ev.marketSlug, MARKET_HALT, [ev.marketSlug]);
    } else if (ev.state === 'MARKET_STATE_OPEN' && this.halted.delete(ev.marketSlug)) {
      this.deps.logger.info('market open again: trading resumes', { marketSlug: ev.marketSlug });
      for (const ex of this.deps.executors()) ex.setPaused(ev.marketSlug, MARKET_HALT, false);
    }
  }

  private pause(scope: string, reason: string, markets: string[] | undefined): void {
    this.deps.metrics.increment('bot.trading_pause', 1, { reason });
    for (const ex of this.deps.executors()) {
      ex.setPaused(scope, reason, true);
      ex.cancelAll(markets).catch((err: unknown) => {
        // The executor logged and counted it; the orders may still rest: say so once more, loudly.
        this.deps.logger.error('could not cancel resting orders for a trading pause', { reason, scope, err });
      });
    }
  }
}
