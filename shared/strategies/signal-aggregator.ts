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
 *
 * The batch's bookkeeping — forgetting the keys past the window, remembering the kept signals' keys — is not
 * needed to answer the batch, so it waits: the engine calls `settle` once the batch's orders have gone out,
 * and the next `aggregate` (or `rememberedKeys`) settles first if nobody did. It runs in the same order and at
 * the batch's own time either way, so every answer is the one the immediate bookkeeping gave: a key past the
 * window that is still listed meanwhile answers "not seen" (`seenRecently` compares its time itself).
 */
import type { Clock } from '../domain/clock.js';
import type { Signal, Urgency } from '../domain/signal.js';
import { logEnabled, nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import { buysLong } from './pricing.js';

const URGENCY_RANK: Readonly<Record<Urgency, number>> = { HIGH: 3, MEDIUM: 2, LOW: 1 };
const KEPT = 1;
const CONFLICT = 2;

type DropReason = 'duplicate_recent' | 'duplicate' | 'conflict';
/** The dropped counter's dimensions per reason, made once (metrics read dimensions, never keep them). */
const DROP_DIMENSIONS: Readonly<Record<DropReason, Readonly<{ reason: DropReason }>>> = {
  duplicate_recent: Object.freeze({ reason: 'duplicate_recent' }),
  duplicate: Object.freeze({ reason: 'duplicate' }),
  conflict: Object.freeze({ reason: 'conflict' }),
};

/** Negative when `a` ranks before `b`. */
export function compareSignals(a: Signal, b: Signal): number {
  return URGENCY_RANK[b.urgency] - URGENCY_RANK[a.urgency] || compareNetEdge(a, b) || b.confidence - a.confidence || a.createdAt - b.createdAt;
}

/**
 * A de-duplication key (market, action, price, replaced order) remembered with its time. Kept per market in
 * `SignalAggregator.recent` and, for expiry, in the order of the times set (`RecentQueue`): no key text is
 * built per signal. Two signals have the same key when these four agree (an absent replaced order is '').
 */
interface RecentKey {
  /** The list of its market in `SignalAggregator.recent` (where `expire` removes it from). */
  list: RecentKey[];
  action: Signal['action'];
  price: number;
  replaces: string;
  at: number;
  /** The `remember` that last set `at`: a queue record is current only while its seq is this one. */
  seq: number;
}

function sameKey(k: RecentKey, s: Signal): boolean {
  return k.action === s.action && samePrice(k.price, s.price) && k.replaces === (s.replacesOrderId ?? '');
}

/** Prices as the key's text compared them: equal numbers (0 and −0 alike), or both NaN. */
function samePrice(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Removes `k` from `list` (where it is), keeping the others' order, without splice's array of removed entries. */
function removeKey(list: RecentKey[], k: RecentKey): void {
  const at = list.indexOf(k);
  if (at < 0) return;
  const last = list.length - 1;
  for (let i = at; i < last; i++) list[i] = list[i + 1] as RecentKey;
  list.pop();
}

function sameSignalKey(a: Signal, b: Signal): boolean {
  return a.marketSlug === b.marketSlug && a.action === b.action && samePrice(a.price, b.price) && (a.replacesOrderId ?? '') === (b.replacesOrderId ?? '');
}

/** Higher net edge first; a signal that states none after one that does. */
function compareNetEdge(a: Signal, b: Signal): number {
  const x = a.netEdge;
  const y = b.netEdge;
  if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
  return y - x;
}

/**
 * Sorts by compareSignals exactly as Array.prototype.sort does, without the built-in's work array (a batch
 * is a few signals). For fewer than 64 elements V8's TimSort is one run: the longest ascending (or strictly
 * descending, then reversed) run from the start, then a binary insertion sort of the rest, the comparator's
 * NaN counted as 0. Repeating those steps repeats its every comparison, so the order is the built-in's even
 * where the comparison is not a consistent order. Longer lists go to the built-in.
 */
export function sortSignals(list: Signal[]): void {
  const n = list.length;
  if (n < 2) return;
  if (n >= 64) {
    list.sort(compareSignals);
    return;
  }
  // The first run.
  let run = 2;
  const descending = order(list[1] as Signal, list[0] as Signal) < 0;
  for (let i = 2; i < n; i++) {
    const c = order(list[i] as Signal, list[i - 1] as Signal);
    if (descending ? c >= 0 : c < 0) break;
    run++;
  }
  if (descending) {
    for (let lo = 0, hi = run - 1; lo < hi; lo++, hi--) {
      const s = list[lo] as Signal;
      list[lo] = list[hi] as Signal;
      list[hi] = s;
    }
  }
  // Binary insertion of the rest.
  for (let start = run; start < n; start++) {
    const pivot = list[start] as Signal;
    let left = 0;
    let right = start;
    while (left < right) {
      const mid = left + ((right - left) >> 1);
      if (order(pivot, list[mid] as Signal) < 0) right = mid;
      else left = mid + 1;
    }
    for (let p = start; p > left; p--) list[p] = list[p - 1] as Signal;
    list[left] = pivot;
  }
}

/** compareSignals as the built-in sort reads it (NaN is 0). */
function order(a: Signal, b: Signal): number {
  const c = compareSignals(a, b);
  return c !== c ? 0 : c;
}

export interface SignalAggregatorOptions {
  dedupeWindowMs: number;
  clock: Clock;
  logger?: Logger;
  metrics?: Metrics;
}

export class SignalAggregator {
  /**
   * Market → its remembered keys (expired ones are removed by `expire`). A market's list stays when its last
   * key expires (an empty list remembers nothing), so a market signalling again finds it.
   */
  private readonly recent = new Map<string, RecentKey[]>();
  /**
   * Expired keys, reused by `remember` (at most as many as were ever remembered at once). A reused key gets a
   * new seq at once, so the queue's stale records of its former life never match it.
   */
  private readonly spare: RecentKey[] = [];
  /**
   * The keys in the order their times were set (a key set again is queued again; its older record is stale):
   * entries `queueHead` to `queueTail` of the three arrays. The arrays are written up to the tail and never
   * shrunk (setting an array's length is a runtime call, and the pushes after it grow the array again).
   */
  private readonly queueKeys: RecentKey[] = [];
  private readonly queueSeqs: number[] = [];
  private queueHead = 0;
  private queueTail = 0;
  private seq = 0;
  /** Scratch of `aggregate` (batches are handled one at a time, never re-entered): the first `n` entries. */
  private readonly fate: number[] = [];
  private readonly best: Signal[] = [];
  /**
   * The market last looked up in `recent` during this `aggregate` and its list (a batch's signals are mostly
   * of one market): `keysOf` answers from here without a map lookup. Reset by each `aggregate`.
   */
  private lastSlug: string | undefined;
  private lastKeys: RecentKey[] | undefined;
  /**
   * The bookkeeping `settle` still owes (see the header): the expiry at `pendingAt` when `owed`, then the
   * keys of `pending`'s first `pendingN` signals, the batch's kept ones in the order it remembers them.
   */
  private owed = false;
  private pendingAt = 0;
  private readonly pending: Signal[] = [];
  private pendingN = 0;
  private readonly logger: Logger;
  private readonly metrics: Metrics;

  constructor(private readonly opts: SignalAggregatorOptions) {
    this.logger = opts.logger ?? nullLogger;
    this.metrics = opts.metrics ?? nullMetrics;
  }

  aggregate(signals: readonly Signal[]): Signal[] {
    const now = this.opts.clock.now();
    if (this.owed) this.settle();
    this.lastSlug = undefined;
    this.lastKeys = undefined;
    this.owed = true;
    this.pendingAt = now;
    this.pendingN = 0;
    // One signal (most batches): nothing to de-duplicate against or to conflict with but the recent keys.
    if (signals.length === 1) {
      const s = signals[0] as Signal;
      if (this.seenRecently(s, now)) {
        this.drop(s, 'duplicate_recent');
        return [];
      }
      this.pending[this.pendingN++] = s;
      return [s];
    }

    // Batches are small (a few signals): plain arrays and linear scans, no maps per batch.
    // 1. De-duplicate: `best` holds one signal per key, in the order the keys first appeared (a better signal
    //    takes its key's place).
    const best = this.best;
    let n = 0;
    for (let x = 0; x < signals.length; x++) {
      const s = signals[x] as Signal;
      if (this.seenRecently(s, now)) {
        this.drop(s, 'duplicate_recent');
        continue;
      }
      let i = -1;
      for (let j = 0; j < n; j++) {
        if (sameSignalKey(best[j] as Signal, s)) {
          i = j;
          break;
        }
      }
      if (i < 0) best[n++] = s;
      else if (compareSignals(s, best[i] as Signal) < 0) {
        this.drop(best[i] as Signal, 'duplicate');
        best[i] = s;
      } else this.drop(s, 'duplicate');
    }

    // 2. Conflicts per market, markets in the order they first appear in `best`.
    const fate = this.fate; // 0 not yet seen, KEPT, or CONFLICT
    for (let i = 0; i < n; i++) fate[i] = 0;
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
    sortSignals(kept);
    const pending = this.pending;
    for (let i = 0; i < n; i++) if (fate[i] === KEPT) pending[this.pendingN++] = best[i] as Signal;
    return kept;
  }

  /**
   * The last batch's bookkeeping (see the header): forgets the keys past the window at the batch's time, then
   * remembers the kept signals' keys. Once per batch; a call with nothing owed does nothing.
   */
  settle(): void {
    if (!this.owed) return;
    this.owed = false;
    const now = this.pendingAt;
    this.expire(now);
    const pending = this.pending;
    for (let i = 0; i < this.pendingN; i++) this.remember(pending[i] as Signal, now);
    this.pendingN = 0;
  }

  /** How many de-duplication keys are remembered (those not yet forgotten by the expiry). */
  rememberedKeys(): number {
    this.settle();
    let n = 0;
    for (const keys of this.recent.values()) n += keys.length;
    return n;
  }

    /** The signal's key was remembered less than dedupe_window_ms before `now`. */
  private seenRecently(s: Signal, now: number): boolean {
    const keys = this.keysOf(s.marketSlug);
    if (keys === undefined) return false;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as RecentKey;
      if (sameKey(k, s)) return now - k.at < this.opts.dedupeWindowMs;
    }
    return false;
  }

  /** Sets the key's time and queues it last (the queue stays in the order of the times set; see `expire`). */
  private remember(s: Signal, now: number): void {
    let keys = this.keysOf(s.marketSlug);
    if (keys === undefined) {
      this.recent.set(s.marketSlug, (keys = []));
      this.lastKeys = keys;
    }
    let k: RecentKey | undefined;
    for (let i = 0; i < keys.length; i++) {
      if (sameKey(keys[i] as RecentKey, s)) {
        k = keys[i];
        break;
      }
    }
    if (k === undefined) {
      k = this.spare.pop();
      if (k === undefined) k = { list: keys, action: s.action, price: s.price, replaces: s.replacesOrderId ?? '', at: now, seq: 0 };
      else {
        k.list = keys;
        k.action = s.action;
        k.price = s.price;
        k.replaces = s.replacesOrderId ?? '';
      }
      keys.push(k);
    }
    k.at = now;
    k.seq = ++this.seq;
    const tail = this.queueTail++;
    this.queueKeys[tail] = k;
    this.queueSeqs[tail] = k.seq;
  }

  /** The market's remembered keys (`recent`), the last market's list reused within one `aggregate`. */
  private keysOf(slug: string): RecentKey[] | undefined {
    if (slug === this.lastSlug) return this.lastKeys;
    const keys = this.recent.get(slug);
    this.lastSlug = slug;
    this.lastKeys = keys;
    return keys;
  }

  /**
   * Forgets the keys past the window, oldest set first, stopping at the first one still inside it (records of
   * keys set again since are skipped), so this costs the keys forgotten, not every key remembered. A clock that
   * steps back can leave an expired key behind a newer one for a while; `aggregate` compares the time of every
   * key it finds, so that only delays the clean-up.
   */
  private expire(now: number): void {
    const keys = this.queueKeys;
    const tail = this.queueTail;
    let head = this.queueHead;
    while (head < tail) {
      const k = keys[head] as RecentKey;
      if (k.seq === this.queueSeqs[head]) {
        if (now - k.at < this.opts.dedupeWindowMs) break;
        removeKey(k.list, k);
        this.spare.push(k);
      }
      head++;
    }
    if (head === tail) {
      head = 0;
      this.queueTail = 0;
    } else if (head > 1024 && head * 2 > tail) {
      // Move the live records to the front now and then (amortised), so the queue holds about the keys remembered.
      keys.copyWithin(0, head, tail);
      this.queueSeqs.copyWithin(0, head, tail);
      this.queueTail = tail - head;
      head = 0;
    }
    this.queueHead = head;
  }

  private drop(s: Signal, reason: DropReason, winner?: Signal): void {
    this.metrics.increment('strategy.aggregator.dropped', 1, DROP_DIMENSIONS[reason]);
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
