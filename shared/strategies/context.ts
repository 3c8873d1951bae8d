/**
 * What a strategy may read of the world. The state manager implements it (with the fair-value math);
 * strategies code only against this interface and tests use fakes. All reads are synchronous and in memory.
 */
import type { Clock } from '../domain/clock.js';
import type { GameState } from '../domain/game.js';
import type { MarketInfo, MarketState } from '../domain/market.js';
import type { TrackedOrder } from '../domain/order.js';
import type { PositionState } from '../domain/position.js';
import type { StrategyName } from '../domain/signal.js';

export interface ConsensusYes {
  /** No-vig sportsbook consensus probability that the market's YES wins, 0..1. */
  probability: number;
  /** 0..1: how many books, how much they agree, how fresh. */
  confidence: number;
  /** Age of the oldest quote used, ms. */
  ageMs: number;
}

export interface FixtureLink {
  fixtureId: string;
  /** Which team's win the market's YES pays on. */
  outcome: 'home' | 'away';
}

export interface StrategyContext {
  readonly clock: Clock;
  market(marketSlug: string): MarketState | undefined;
  marketInfo(marketSlug: string): MarketInfo | undefined;
  game(fixtureId: string): GameState | undefined;
  fixtureForMarket(marketSlug: string): Readonly<FixtureLink> | undefined;
  /**
   * Optional: a number that changes whenever an answer of marketInfo or fixtureForMarket may change (the
   * market directory's revision). While it stays the same a strategy may keep those answers per market
   * instead of asking on every event; without it, it must ask every time.
   */
  directoryRevision?(): number;
  /** The fixture's markets (the directory's own list: read it at once, never keep or change it). */
  marketsForFixture(fixtureId: string): readonly string[];
  /** The answer is the state's own, updated in place by the next call: read it at once, never keep or change it. */
  consensusYes(marketSlug: string): ConsensusYes | undefined;
  /**
   * Optional: a number that moves whenever consensusYes's answer for the market may change, other than its
   * ageMs growing with the clock (at one revision the answer's presence, probability and confidence stay the
   * same, and ageMs moves exactly with the clock). While it stays the same a strategy may keep what it concluded
   * from that answer; without it, it must ask every time.
   */
  consensusRevision?(marketSlug: string): number;
  /** The live model's probability that YES wins, from the current game state; undefined when unknown. */
  liveWinProbabilityYes(marketSlug: string): number | undefined;
  position(marketSlug: string): PositionState | undefined;
  /**
   * The strategy's own live orders in the market (CREATED … PARTIALLY_FILLED), in creation order. Read them
   * at once and never keep or change them: the engine hands out the order tracker's own records (no copies).
   */
  restingOrders(marketSlug: string, strategy: StrategyName): readonly Readonly<TrackedOrder>[];
  /**
   * Optional, with restingOrdersOwner: the list restingOrders reads for the market and strategy, as a handle a
   * strategy may keep per market: while restingOrdersOwner() answers the same object, the same array holds
   * what restingOrders would answer (kept in step by the order tracker). Read it at once each time, never
   * change it. Without these, a strategy must ask restingOrders every time.
   */
  restingOrdersHandle?(marketSlug: string, strategy: StrategyName): readonly Readonly<TrackedOrder>[];
  /** Optional: who keeps the handles restingOrdersHandle gives (the active order tracker; a mode switch changes it). */
  restingOrdersOwner?(): object;
  /** False while the sports (scores) feed is down or stale. */
  sportsFeedHealthy(): boolean;
}
