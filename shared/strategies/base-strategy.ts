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

/** True for a signal (not a cancel). */
export function isSignal(o: StrategyOutput): o is Signal {
  return !isCancelRequest(o);
}

/** The one empty output every handler with nothing to do returns (shared, frozen: never push onto a handler's result). */
export const NO_OUTPUT: readonly StrategyOutput[] = Object.freeze([]);

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

/**
 * The kinds of event a strategy acts on. The engine tells a strategy only of the kinds it lists, so a kind may
 * be left out only when its handler never returns output and never changes what the strategy later returns.
 */
export interface StrategyInterest {
  market: boolean;
  game: boolean;
  odds: boolean;
  timer: boolean;
}

/** Every kind of event (a strategy that declares no interest hears everything). */
export const ALL_EVENTS: Readonly<StrategyInterest> = Object.freeze({ market: true, game: true, odds: true, timer: true });

export interface BaseStrategy {
  readonly name: StrategyName;
  /** A disabled strategy returns nothing from every handler. */
  enabled: boolean;
  /** The kinds of event it acts on (default ALL_EVENTS); fixed for the strategy's life. */
  readonly interest?: Readonly<StrategyInterest>;
  /**
   * An exact, cheap pre-filter of market updates (optional): false only when `onMarketUpdate(market)` would
   * return nothing and change nothing it keeps. The engine asks it just before it would call the handler, with
   * nothing in between, so the handler may reuse what it found for the same market object at the same time.
   */
  wantsMarketUpdate?(market: MarketState): boolean;
  /**
   * Handlers return fresh arrays or NO_OUTPUT: read them, never change them. `market` is the context's own
   * state of the market (what ctx.market(market.marketSlug) answers now), so a handler need not ask again.
   */
  onMarketUpdate(market: MarketState): readonly StrategyOutput[];
  onGameUpdate(game: GameState): readonly StrategyOutput[];
  onOddsUpdate(consensus: ConsensusProbability): readonly StrategyOutput[];
  /** Periodic call (about once a second) for refreshes and staleness checks. */
  onTimer(now: number): readonly StrategyOutput[];
}
