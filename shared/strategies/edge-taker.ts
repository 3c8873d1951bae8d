/**
 * Shared by the two taking strategies: given a fair YES price and the book, the IOC signal that takes a
 * mispriced side, if any.
 *  - best ask ≤ fair − min_edge → buy YES, limit snapDown(fair − min_edge) (never pays more than the edge
 *    allows; an IOC at that limit takes every level at or under it). When short, buy back NO instead.
 *  - best bid ≥ fair + min_edge → sell YES when long, else buy NO; limit snapUp(fair + min_edge).
 * Quantity: `budget` USD over the cost per contract of the side taken (the risk manager then clamps).
 */
import type { MarketState } from '../domain/market.js';
import { ONE_DOLLAR, type Micros, type PriceMicros } from '../domain/money.js';
import type { PositionState } from '../domain/position.js';
import type { Signal, StrategyName, Urgency } from '../domain/signal.js';
import { snapDown, snapUp } from './pricing.js';

export interface EdgeInput {
  market: MarketState;
  fair: PriceMicros;
  minEdge: PriceMicros;
  tick: PriceMicros;
  budget: Micros;
  position: PositionState | undefined;
  strategyName: StrategyName;
  urgency: Urgency;
  confidence: number;
  fairProbability: number;
  reason: string;
  now: number;
}

export function takeEdge(i: EdgeInput): Signal | undefined {
  const { market, fair, minEdge, tick } = i;
  const base = {
    marketSlug: market.marketSlug,
    urgency: i.urgency,
    strategyName: i.strategyName,
    confidence: i.confidence,
    fairProbability: i.fairProbability,
    createdAt: i.now,
    postOnly: false,
    timeInForce: 'IOC' as const,
  };
  if (market.yesAsk !== null && market.yesAsk <= fair - minEdge) {
    const limit = snapDown(fair - minEdge, tick);
    if (limit >= tick && limit >= market.yesAsk) {
      const short = i.position && i.position.side === 'NO' && i.position.quantity > 0 ? i.position.quantity : 0;
      const quantity = short > 0 ? short : Math.floor(i.budget / limit);
      if (quantity > 0) {
        return {
          ...base,
          action: short > 0 ? 'SELL_NO' : 'BUY_YES',
          price: limit,
          quantity,
          reason: `${i.reason}: fair ${fair} − edge ${minEdge} ≥ ask ${market.yesAsk}`,
        };
      }
    }
  }
  if (market.yesBid !== null && market.yesBid >= fair + minEdge) {
    const limit = snapUp(fair + minEdge, tick);
    if (limit <= ONE_DOLLAR - tick && limit <= market.yesBid) {
      const long = i.position && i.position.side === 'YES' && i.position.quantity > 0 ? i.position.quantity : 0;
      const quantity = long > 0 ? long : Math.floor(i.budget / (ONE_DOLLAR - limit));
      if (quantity > 0) {
        return {
          ...base,
          action: long > 0 ? 'SELL_YES' : 'BUY_NO',
          price: limit,
          quantity,
          reason: `${i.reason}: bid ${market.yesBid} ≥ fair ${fair} + edge ${minEdge}`,
        };
      }
    }
  }
  return undefined;
}
