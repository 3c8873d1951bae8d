/**
 * Combines the signals of all strategies before the risk manager:
 *
 *  1. De-duplicate: signals with the same market + action + price are one signal (the best is kept), within
 *     a batch and across batches inside dedupe_window_ms (a strategy repeating itself, or two strategies
 *     agreeing, must not double the order). A signal that replaces an order is never a duplicate of one
 *     that does not.
 *  2. Resolve conflicts: on one market, signals that buy long (BUY_YES, SELL_NO) and signals that sell long
 *     (SELL_YES, BUY_NO) from DIFFERENT strategies conflict. The best signal of the market (see 3) wins; opposite-direction signals of other strategies are dropped. A
 *     strategy's own two-sided quotes (the market maker) are not a conflict. No netting: the two sides come
 *     at different prices and urgencies, and netting would send an order that neither strategy asked for.
 *  3. Sort: urgency (HIGH first: a stale price after a score is gone in seconds), then the edge NET of
 *     fees (highest first; a signal without one ranks last), then confidence, then creation time.
 * Dropped signals are logged and counted (`strategy.aggregator.dropped{reason}`).
 */
import type { Clock } from '../domain/clock.js';
import type { Signal, Urgency } from '../domain/signal.js';
import { logEnabled, nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { buysLong } from './pricing.js';

const URGENCY_RANK: Readonly<Record<Urgency, number>> = { HIGH: 3, MEDIUM: 2, LOW: 1 };

/** Negative when `a` ranks before `b`. */
export function compareSignals(a: Signal, b: Signal): number {
  return URGENCY_RANK[b.urgency] - URGENCY_RANK[a.urgency] || compareNetEdge(a, b) || b.confidence - a.confidence || a.createdAt - b.createdAt;
}

function keyOf(s: Signal): string {
  return `${s.marketSlug}|${s.action}|${s.price}|${s.replacesOrderId ?? ''}`;
}

/** Higher net edge first; a signal that states none after one that does. */
function compareNetEdge(a: Signal, b: Signal): number {
  const x = a.netEdge;
  const y = b.netEdge;
  if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
  return y - x;
}

export interface SignalAggregatorOptions {
  dedupeWindowMs: number;
  clock: Clock;
  logger?: Logger;
  metrics?: Metrics;
}

export class SignalAggregator {
  private readonly recent = new Map<string, number>();
  private readonly logger: Logger;
  private readonly metrics: Metrics;

  constructor(private readonly opts: SignalAggregatorOptions) {
    this.logger = opts.logger ?? nullLogger;
    this.metrics = opts.metrics ?? nullMetrics;
  }

  aggregate(signals: readonly Signal[]): Signal[] {
    const now = this.opts.clock.now();
    this.expire(now);
    // One signal (most batches): nothing to de-duplicate against or to conflict with but the recent keys.
    if (signals.length === 1) {
      const s = signals[0] as Signal;
      const key = keyOf(s);
      const seenAt = this.recent.get(key);
      if (seenAt !== undefined && now - seenAt < this.opts.dedupeWindowMs) {
        this.drop(s, 'duplicate_recent');
        return [];
      }
      this.remember(key, now);
      return [s];
    }

    // 1. De-duplicate (each signal's key built once).
    const best = new Map<string, Signal>();
    for (const s of signals) {
      const key = keyOf(s);
      const seenAt = this.recent.get(key);
      if (seenAt !== undefined && now - seenAt < this.opts.dedupeWindowMs) {
        this.drop(s, 'duplicate_recent');
        continue;
      }
      const cur = best.get(key);
      if (!cur) best.set(key, s);
      else if (compareSignals(s, cur) < 0) {
        this.drop(cur, 'duplicate');
        best.set(key, s);
      } else this.drop(s, 'duplicate');
    }

    // 2. Conflicts per market.
    const byMarket = new Map<string, Signal[]>();
    for (const s of best.values()) {
      const list = byMarket.get(s.marketSlug);
      if (list) list.push(s);
      else byMarket.set(s.marketSlug, [s]);
    }
    const kept: Signal[] = [];
    for (const list of byMarket.values()) {
      if (list.length === 1) {
        kept.push(list[0] as Signal);
        continue;
      }
      const winner = list.reduce((a, b) => (compareSignals(b, a) < 0 ? b : a));
      const dir = buysLong(winner.action);
      for (const s of list) {
        if (buysLong(s.action) !== dir && s.strategyName !== winner.strategyName) this.drop(s, 'conflict', winner);
        else kept.push(s);
      }
    }

    // 3. Priority.
    kept.sort(compareSignals);
    const keptSet = kept.length === best.size ? undefined : new Set(kept);
    for (const [key, s] of best) if (!keptSet || keptSet.has(s)) this.remember(key, now);
    return kept;
  }

  /** Re-inserted at the end: the map stays in the order of the times it holds (see `expire`). */
  private remember(key: string, now: number): void {
    this.recent.delete(key);
    this.recent.set(key, now);
  }

  /**
   * Forgets the keys past the window, oldest first, stopping at the first one still inside it: the map is in
   * time order (each key re-inserted when set), so this costs the keys forgotten, not every key remembered.
   * A clock that steps back can leave an expired key behind a newer one for a while; `aggregate` compares
   * the time of every key it finds, so that only delays the clean-up.
   */
  private expire(now: number): void {
    for (const [k, t] of this.recent) {
      if (now - t < this.opts.dedupeWindowMs) break;
      this.recent.delete(k);
    }
  }

  private drop(s: Signal, reason: string, winner?: Signal): void {
    this.metrics.increment('strategy.aggregator.dropped', 1, { reason });
    if (!logEnabled(this.logger, 'debug')) return;
    this.logger.debug('signal dropped', {
      reason,
      market: s.marketSlug,
      action: s.action,
      price: s.price,
      strategy: s.strategyName,
      winner: winner ? `${winner.strategyName}:${winner.action}` : undefined,
    });
  }
}
