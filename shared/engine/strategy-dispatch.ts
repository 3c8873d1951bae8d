/**
 * Which strategies hear which engine event, and the call that gathers their outputs.
 *
 * Built once from the strategies' declared interests (BaseStrategy.interest, default: every kind): per kind
 * of event, the strategies that act on it, in the engine's order. A market update is further offered only to
 * the strategies whose `wantsMarketUpdate` (when they have one) accepts it. A disabled strategy hears nothing.
 * Exact by contract: a strategy leaves out only events it would return nothing for and keep nothing of, so
 * the outputs are those of calling every enabled strategy (the property test in test/unit/engine checks it).
 *
 * Per event: no closure and no array copy; outputs of two or more strategies are joined into a new array,
 * the output of one is handed on as it is.
 */
import type { ConsensusProbability } from '../domain/feed-events.js';
import type { GameState } from '../domain/game.js';
import type { MarketState } from '../domain/market.js';
import { ALL_EVENTS, NO_OUTPUT, type BaseStrategy, type StrategyInterest, type StrategyOutput } from '../strategies/base-strategy.js';

export type EventKind = keyof StrategyInterest;

export interface EventPayload {
  market: MarketState;
  game: GameState;
  odds: ConsensusProbability;
  /** The timer's `now`. */
  timer: number;
}

export const EVENT_KINDS: readonly EventKind[] = ['market', 'game', 'odds', 'timer'];

export type StrategyErrorHandler = (strategy: BaseStrategy, err: unknown) => void;

/** True when the strategy declares interest in this kind of event (no declaration: every kind). */
export function hears(strategy: BaseStrategy, kind: EventKind): boolean {
  return (strategy.interest ?? ALL_EVENTS)[kind];
}

export class StrategyDispatch {
  private readonly listeners: Readonly<Record<EventKind, readonly BaseStrategy[]>>;

  constructor(
    strategies: readonly BaseStrategy[],
    private readonly onError: StrategyErrorHandler,
  ) {
    this.listeners = {
      market: strategies.filter((s) => hears(s, 'market')),
      game: strategies.filter((s) => hears(s, 'game')),
      odds: strategies.filter((s) => hears(s, 'odds')),
      timer: strategies.filter((s) => hears(s, 'timer')),
    };
  }

  /** The strategies told of this kind of event (enabled or not), in order. */
  listenersOf(kind: EventKind): readonly BaseStrategy[] {
    return this.listeners[kind];
  }

  /**
   * The outputs of every enabled strategy that hears this event, in strategy order. A strategy that throws
   * is reported to the error handler and its output for the event is dropped.
   */
  outputs<K extends EventKind>(kind: K, payload: EventPayload[K]): readonly StrategyOutput[] {
    const list = this.listeners[kind];
    let first: readonly StrategyOutput[] | undefined;
    let joined: StrategyOutput[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i] as BaseStrategy;
      if (!s.enabled) continue;
      let r: readonly StrategyOutput[];
      try {
        r = tell(s, kind, payload);
      } catch (err) {
        this.onError(s, err);
        continue;
      }
      if (r.length === 0) continue;
      if (first === undefined) first = r;
      else if (joined === undefined) joined = first.concat(r);
      else for (let j = 0; j < r.length; j++) joined.push(r[j] as StrategyOutput);
    }
    return joined ?? first ?? NO_OUTPUT;
  }
}

/** One strategy's handler for the event (market updates through its pre-filter). */
function tell(s: BaseStrategy, kind: EventKind, payload: EventPayload[EventKind]): readonly StrategyOutput[] {
  switch (kind) {
    case 'market': {
      const m = payload as MarketState;
      return s.wantsMarketUpdate === undefined || s.wantsMarketUpdate(m) ? s.onMarketUpdate(m) : NO_OUTPUT;
    }
    case 'game':
      return s.onGameUpdate(payload as GameState);
    case 'odds':
      return s.onOddsUpdate(payload as ConsensusProbability);
    case 'timer':
      return s.onTimer(payload as number);
  }
}
