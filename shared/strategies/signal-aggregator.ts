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
const KEPT = 1;
const CONFLICT = 2;

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

    // Batches are small (a few signals): plain arrays and linear scans, no maps per batch.
    // 1. De-duplicate (each signal's key built once): `best` holds one signal per key, in the order the keys
    //    first appeared (a better signal takes its key's place).
    const keys: string[] = [];
    const best: Signal[] = [];
    for (const s of signals) {
      const key = keyOf(s);
      const seenAt = this.recent.get(key);
      if (seenAt !== undefined && now - seenAt < this.opts.dedupeWindowMs) {
        this.drop(s, 'duplicate_recent');
        continue;
      }
      const i = keys.indexOf(key);
      if (i < 0) {
        keys.push(key);
        best.push(s);
      } else if (compareSignals(s, best[i] as Signal) < 0) {
        this.drop(best[i] as Signal, 'duplicate');
        best[i] = s;
      } else this.drop(s, 'duplicate');
    }

    // 2. Conflicts per market, markets in the order they first appear in `best`.
    const n = best.length;
    const fate = new Uint8Array(n); // 0 not yet seen, KEPT, or CONFLICT
    const kept: Signal[] = [];
    for (let i = 0; i < n; i++) {
      if (fate[i] !== 0) continue;
      const market = (best[i] as Signal).marketSlug;
      let winner = best[i] as Signal; // the first best of the market wins a tie
      for (let j = i + 1; j < n; j++) {
        const s = best[j] as Signal;
        if (s.marketSlug === market && compareSignals(s, winner) < 0) winner = s;
      }
      const dir = buysLong(winner.action);
      for (let j = i; j < n; j++) {
        const s = best[j] as Signal;
        if (s.marketSlug !== market) continue;
        if (buysLong(s.action) !== dir && s.strategyName !== winner.strategyName) {
          fate[j] = CONFLICT;
          this.drop(s, 'conflict', winner);
        } else {
          fate[j] = KEPT;
          kept.push(s);
        }
      }
    }

    // 3. Priority.
    kept.sort(compareSignals);
    for (let i = 0; i < n; i++) if (fate[i] === KEPT) this.remember(keys[i] as string, now);
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
