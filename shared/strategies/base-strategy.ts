/**
 * The seed's strategy interface, in TypeScript. A strategy reacts to market, game and odds updates (and a
 * timer for refreshes) and returns what it wants done:
 *
 *  - `Signal`s: orders to place (or, with `replacesOrderId`, to modify in place). They go through the signal
 *    aggregator and the risk manager.
 *  - `CancelRequest`s: orders of its own to pull. They bypass the aggregator and the risk manager (removing
 *    an order never adds risk) and go straight to the executor, BEFORE any signal of the same batch.
 *
 * A strategy never performs I/O and reads the world only through its StrategyContext.
 */
import type { ConsensusProbability } from '../domain/feed-events.js';
import type { GameState } from '../domain/game.js';
import type { MarketState } from '../domain/market.js';
import type { Signal, StrategyName } from '../domain/signal.js';

export interface CancelRequest {
  kind: 'cancel';
  marketSlug: string;
  /** The engine's local ids (TrackedOrder.localId) of the orders to cancel: always known, even before the ack. */
  localIds: string[];
  strategyName: StrategyName;
  reason: string;
  createdAt: number;
}

export type StrategyOutput = Signal | CancelRequest;

export function isCancelRequest(o: StrategyOutput): o is CancelRequest {
  return (o as Partial<CancelRequest>).kind === 'cancel';
}

/** Splits a strategy's outputs: cancels go to the executor first, signals to the aggregator. */
export function splitOutputs(outputs: readonly StrategyOutput[]): { signals: Signal[]; cancels: CancelRequest[] } {
  const signals: Signal[] = [];
  const cancels: CancelRequest[] = [];
  for (const o of outputs) {
    if (isCancelRequest(o)) cancels.push(o);
    else signals.push(o);
  }
  return { signals, cancels };
}

export interface BaseStrategy {
  readonly name: StrategyName;
  /** A disabled strategy returns nothing from every handler. */
  enabled: boolean;
  onMarketUpdate(market: MarketState): StrategyOutput[];
  onGameUpdate(game: GameState): StrategyOutput[];
  onOddsUpdate(consensus: ConsensusProbability): StrategyOutput[];
  /** Periodic call (about once a second) for refreshes and staleness checks. */
  onTimer(now: number): StrategyOutput[];
}
