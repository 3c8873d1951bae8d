/**
 * What the risk manager reads of the world. The state manager implements it; tests use fakes. Reads only,
 * synchronous, from memory: nothing here may wait on I/O.
 */
import type { GameState } from '../domain/game.js';
import type { MarketInfo } from '../domain/market.js';
import type { Micros } from '../domain/money.js';
import type { TrackedOrder } from '../domain/order.js';
import type { PositionState } from '../domain/position.js';

export interface DailyPnl {
  /** Realized PnL since the last daily reset, fees included; negative = loss. */
  realized: Micros;
  /** Current mark-to-market PnL of open positions; negative = loss. */
  unrealized: Micros;
}

export interface RiskView {
  position(marketSlug: string): PositionState | undefined;
  /**
   * The engine's live orders in the market, every strategy: statuses CREATED, SUBMITTED, PENDING and
   * PARTIALLY_FILLED. An order approved by the risk manager must be visible here (as CREATED) before the
   * next `validateTrade` call, or its exposure is not counted against the limits. Read at once: the
   * implementation may hand out its own records (no copies), so never keep or change them.
   */
  openOrders(marketSlug: string): Iterable<TrackedOrder>;
  /** Every market with a position or an open order (the markets that can carry exposure). */
  activeMarkets(): Iterable<string>;
  marketInfo(marketSlug: string): MarketInfo | undefined;
  fixtureForMarket(marketSlug: string): { fixtureId: string } | undefined;
  game(fixtureId: string): GameState | undefined;
  /**
   * Optional: a number that moves whenever marketInfo's or fixtureForMarket's answer for any market may have
   * changed (the engine's view: the market directory's revision). Without it those are asked every time.
   */
  directoryRevision?(): number;
  /** The money Kelly sizes against (buying power; in paper mode the simulated account's). */
  bankroll(): Micros;
  dailyPnl(): DailyPnl;
  /**
   * Optional (the engine's view has it; a view without it is scanned in full on every check): subscribes
   * `sink` to every change of what exposure is computed from, so the risk manager can keep it incrementally
   * (exposure-ledger.ts). Each notification is given after the change is visible through this view.
   */
  watchExposure?(sink: ExposureSink): ExposureWatch;
}

/** What `RiskView.watchExposure` tells: which input of the exposure changed. */
export interface ExposureSink {
  /** An order of the active order source was created or changed (status, fills, price, quantity). */
  orderChanged(order: Readonly<TrackedOrder>): void;
  /** The market's position changed (read it back through `position`). */
  positionChanged(marketSlug: string): void;
  /** The game changed (its teams are part of the correlation keys of its markets). */
  gameChanged(fixtureId: string): void;
}

export interface ExposureWatch {
  /**
   * False once the subscription no longer covers every change (the active order source was swapped by a
   * mode switch, the market directory changed): the subscriber closes it, starts over from a full scan and
   * watches again.
   */
  current(): boolean;
  close(): void;
}
