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

/** One strategy's handler for one kind of event. */
type Ask<P> = (s: BaseStrategy, payload: P) => readonly StrategyOutput[];

// One handler per kind (market updates through the strategy's pre-filter): `gather` is inlined into each kind's
// method with its handler known, so no event asks its kind again per strategy.
const askMarket: Ask<MarketState> = (s, m) => (s.wantsMarketUpdate === undefined || s.wantsMarketUpdate(m) ? s.onMarketUpdate(m) : NO_OUTPUT);
const askGame: Ask<GameState> = (s, g) => s.onGameUpdate(g);
const askOdds: Ask<ConsensusProbability> = (s, c) => s.onOddsUpdate(c);
const askTimer: Ask<number> = (s, now) => s.onTimer(now);

export class StrategyDispatch {
  // The listeners of each kind, one field each (no lookup by the kind's name per event).
  private readonly market: readonly BaseStrategy[];
  private readonly game: readonly BaseStrategy[];
  private readonly odds: readonly BaseStrategy[];
  private readonly timer: readonly BaseStrategy[];

  constructor(
    strategies: readonly BaseStrategy[],
    private readonly onError: StrategyErrorHandler,
  ) {
    this.market = strategies.filter((s) => hears(s, 'market'));
    this.game = strategies.filter((s) => hears(s, 'game'));
    this.odds = strategies.filter((s) => hears(s, 'odds'));
    this.timer = strategies.filter((s) => hears(s, 'timer'));
  }

  /** The strategies told of this kind of event (enabled or not), in order. */
  listenersOf(kind: EventKind): readonly BaseStrategy[] {
    return this[kind];
  }

  /**
   * The outputs of every enabled strategy that hears this event, in strategy order. A strategy that throws
   * is reported to the error handler and its output for the event is dropped.
   */
  outputs<K extends EventKind>(kind: K, payload: EventPayload[K]): readonly StrategyOutput[] {
    switch (kind) {
      case 'market':
        return this.gather(this.market, askMarket, payload as MarketState);
      case 'game':
        return this.gather(this.game, askGame, payload as GameState);
      case 'odds':
        return this.gather(this.odds, askOdds, payload as ConsensusProbability);
      default:
        return this.gather(this.timer, askTimer, payload as number);
    }
  }

  private gather<P>(list: readonly BaseStrategy[], ask: Ask<P>, payload: P): readonly StrategyOutput[] {
    let first: readonly StrategyOutput[] | undefined;
    let joined: StrategyOutput[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i] as BaseStrategy;
      if (!s.enabled) continue;
      let r: readonly StrategyOutput[];
      try {
        r = ask(s, payload);
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
