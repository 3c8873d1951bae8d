/**
 * Shared by the two taking strategies: given a fair YES price and the book, the IOC signal that takes a
 * mispriced side, if any, judged AFTER the taker fee it would pay (docs/venue-rules.md, "Fees"):
 *  - buy YES when the best ask is at or under the highest tick price L with fair − L − fee(L) ≥ min_edge;
 *    the limit is L (an IOC at L takes every level at or under it, each at least min_edge net). When short,
 *    buy back NO (SELL_NO) instead.
 *  - sell YES when the best bid is at or over the lowest L with L − fair − fee(L) ≥ min_edge: sell YES when
 *    long, else buy NO; limit L.
 * The signal carries the edge at the touch it takes, before and after the fee (Signal.grossEdge/netEdge).
 * Quantity: `budget` USD over the cost per contract of the side taken (the risk manager then clamps).
 */
import { ONE_CONTRACT, qtyAffordable, roundToStep, type Qty } from '../domain/quantity.js';
import type { FeeRates } from '../domain/fees.js';
import type { MarketState } from '../domain/market.js';
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../domain/money.js';
import type { PositionState } from '../domain/position.js';
import type { Signal, StrategyName, Urgency } from '../domain/signal.js';
import { feePerContract } from '../state/market-fees.js';
import { grossEdge, takerLimit } from './net-edge.js';

export interface EdgeInput {
  /** The context's state of the market now. */
  market: MarketState;
  fair: PriceMicros;
  /** The edge to keep after the taker fee, micros per contract. */
  minEdge: PriceMicros;
  tick: PriceMicros;
  /** The market's size increment (its minimum size), hundredths of a contract; default whole contracts. */
  sizeStep?: Qty;
  /** The market's fee coefficients now. */
  rates: FeeRates;
  budget: Micros;
  position: PositionState | undefined;
  strategyName: StrategyName;
  urgency: Urgency;
  confidence: number;
  fairProbability: number;
  reason: string;
  now: number;
}

/**
 * An input to fill in before each takeEdge: a strategy keeps one and sets every field but the two given
 * (the market and the rates start as placeholders, never read before they are set).
 */
export function newEdgeInput(strategyName: StrategyName, urgency: Urgency): EdgeInput {
  return {
    market: undefined as unknown as MarketState,
    fair: 0,
    minEdge: 0,
    tick: 0,
    sizeStep: undefined,
    rates: undefined as unknown as FeeRates,
    budget: 0,
    position: undefined,
    strategyName,
    urgency,
    confidence: 0,
    fairProbability: 0,
    reason: '',
    now: 0,
  };
}

/**
 * A cheap necessary condition for a take: the ask at least `minEdge` under fair or the bid at least `minEdge`
 * over it (a taker limit, on the tick and after the fee, is never nearer fair than that). False: `takeEdge`
 * returns nothing whatever the tick, the fee, the budget or the position.
 */
export function mayTakeEdge(market: MarketState, fair: PriceMicros, minEdge: PriceMicros): boolean {
  return (market.yesAsk !== null && market.yesAsk <= fair - minEdge) || (market.yesBid !== null && market.yesBid >= fair + minEdge);
}

/** The take's signal, if any (`i` is only read, before it returns: callers may reuse one input object). */
export function takeEdge(i: EdgeInput): Signal | undefined {
  const { market, fair, minEdge, tick, rates } = i;
  if (!mayTakeEdge(market, fair, minEdge)) return undefined;
  if (market.yesAsk !== null) {
    const limit = takerLimit(true, fair, minEdge, tick, rates);
    if (limit !== undefined && market.yesAsk <= limit) {
      const short = i.position && i.position.side === 'NO' && i.position.quantity > 0 ? i.position.quantity : 0;
      const quantity = short > 0 ? short : roundToStep(qtyAffordable(i.budget, limit), i.sizeStep ?? ONE_CONTRACT, 'down');
      if (quantity > 0) {
        const action = short > 0 ? 'SELL_NO' : 'BUY_YES';
        const gross = grossEdge(action, market.yesAsk, fair);
        const fee = feePerContract('TAKER', market.yesAsk, rates);
        return takerSignal(i, action, limit, quantity, gross, gross - fee, `fair ${fair} − fee ${fee} − ask ${market.yesAsk}`);
      }
    }
  }
  if (market.yesBid !== null) {
    const limit = takerLimit(false, fair, minEdge, tick, rates);
    if (limit !== undefined && market.yesBid >= limit) {
      const long = i.position && i.position.side === 'YES' && i.position.quantity > 0 ? i.position.quantity : 0;
      const quantity = long > 0 ? long : roundToStep(qtyAffordable(i.budget, ONE_DOLLAR - limit), i.sizeStep ?? ONE_CONTRACT, 'down');
      if (quantity > 0) {
        const action = long > 0 ? 'SELL_YES' : 'BUY_NO';
        const gross = grossEdge(action, market.yesBid, fair);
        const fee = feePerContract('TAKER', market.yesBid, rates);
        return takerSignal(i, action, limit, quantity, gross, gross - fee, `bid ${market.yesBid} − fee ${fee} − fair ${fair}`);
      }
    }
  }
  return undefined;
}

/**
 * The IOC signal of a take (one object literal, no spread: this is on the tick-to-order path); `gross` and
 * `net` are edgeAt's at the touch taken.
 */
function takerSignal(i: EdgeInput, action: Signal['action'], limit: PriceMicros, quantity: Qty, gross: number, net: number, arithmetic: string): Signal {
  return {
    marketSlug: i.market.marketSlug,
    urgency: i.urgency,
    strategyName: i.strategyName,
    confidence: i.confidence,
    fairProbability: i.fairProbability,
    createdAt: i.now,
    postOnly: false,
    timeInForce: 'IOC',
    action,
    price: limit,
    quantity,
    grossEdge: gross,
    netEdge: net,
    reason: `${i.reason}: ${arithmetic} = net edge ${net} ≥ ${i.minEdge}`,
  };
}
