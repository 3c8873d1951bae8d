import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { SignalAggregator, compareSignals, sortSignals } from '../../../shared/strategies/signal-aggregator.js';
import { contracts } from '../../../shared/domain/quantity.js';

const sig = (extra: Partial<Signal>): Signal => ({
  marketSlug: 'm1', action: 'BUY_YES', price: 500_000, quantity: contracts(10), urgency: 'MEDIUM', strategyName: 'statistical_edge', confidence: 0.8,
  reason: '', fairProbability: 0.6, createdAt: 0, ...extra,
});

function make() {
  const clock = new ManualClock(0);
  const metrics = new MetricsRegistry();
  return { clock, metrics, agg: new SignalAggregator({ dedupeWindowMs: 1_000, clock, metrics }) };
}

describe('SignalAggregator', () => {
  it('de-duplicates the same market + action + price, keeping the best', () => {
    const { agg, metrics } = make();
    const out = agg.aggregate([sig({ confidence: 0.7 }), sig({ urgency: 'HIGH', strategyName: 'live_arbitrage' })]);
    expect(out).toEqual([expect.objectContaining({ strategyName: 'live_arbitrage' })]);
    expect(metrics.counter('strategy.aggregator.dropped', { reason: 'duplicate' })).toBe(1);
  });

  it('de-duplicates across batches inside the window only', () => {
    const { agg, clock } = make();
    expect(agg.aggregate([sig({})])).toHaveLength(1);
    clock.advance(500);
    expect(agg.aggregate([sig({})])).toHaveLength(0);
    clock.advance(600);
    expect(agg.aggregate([sig({})])).toHaveLength(1);
  });

  it('keeps the higher-urgency side of a conflict between strategies', () => {
    const { agg } = make();
    const out = agg.aggregate([
      sig({ action: 'BUY_NO', price: 520_000, strategyName: 'statistical_edge', urgency: 'MEDIUM', confidence: 0.95 }),
      sig({ action: 'BUY_YES', price: 600_000, strategyName: 'live_arbitrage', urgency: 'HIGH' }),
      sig({ action: 'SELL_NO', price: 590_000, strategyName: 'market_maker', urgency: 'LOW' }),
    ]);
    expect(out.map((s) => s.strategyName)).toEqual(['live_arbitrage', 'market_maker']);
  });

  it('breaks an urgency tie by confidence', () => {
    const { agg } = make();
    const out = agg.aggregate([
      sig({ action: 'BUY_NO', strategyName: 'a', confidence: 0.9 }),
      sig({ action: 'BUY_YES', price: 400_000, strategyName: 'b', confidence: 0.7 }),
    ]);
    expect(out).toEqual([expect.objectContaining({ strategyName: 'a' })]);
  });

  it("keeps a market maker's own two-sided quotes", () => {
    const { agg } = make();
    const out = agg.aggregate([
      sig({ action: 'BUY_YES', price: 490_000, strategyName: 'market_maker', urgency: 'LOW' }),
      sig({ action: 'BUY_NO', price: 510_000, strategyName: 'market_maker', urgency: 'LOW' }),
    ]);
    expect(out).toHaveLength(2);
  });

  it('property: output is sorted by urgency then confidence, a subset of the input, free of key duplicates and cross-strategy conflicts', () => {
    const arb = fc.record({
      marketSlug: fc.constantFrom('a', 'b'),
      action: fc.constantFrom('BUY_YES', 'BUY_NO', 'SELL_YES', 'SELL_NO' as const),
      price: fc.integer({ min: 1, max: 3 }).map((t) => t * 10_000),
      urgency: fc.constantFrom('LOW', 'MEDIUM', 'HIGH' as const),
      strategyName: fc.constantFrom('x', 'y', 'z'),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      createdAt: fc.nat(100),
    });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 30 }), (parts) => {
        const { agg } = make();
        const input = parts.map((p) => sig(p as Partial<Signal>));
        const out = agg.aggregate(input);
        for (let i = 1; i < out.length; i++) expect(compareSignals(out[i - 1]!, out[i]!)).toBeLessThanOrEqual(0);
        for (const s of out) expect(input).toContain(s);
        const keys = out.map((s) => `${s.marketSlug}|${s.action}|${s.price}`);
        expect(new Set(keys).size).toBe(keys.length);
        const buys = (s: Signal) => s.action === 'BUY_YES' || s.action === 'SELL_NO';
        for (const m of ['a', 'b']) {
          const inMarket = out.filter((s) => s.marketSlug === m);
          const winner = inMarket[0];
          if (!winner) continue;
          for (const s of inMarket) expect(buys(s) === buys(winner) || s.strategyName === winner.strategyName).toBe(true);
        }
      }),
    );
  });
});

describe('sortSignals', () => {
  it('property: the same order as Array.prototype.sort, also with ties and NaN (inconsistent comparisons)', () => {
    const arb = fc.record({
      urgency: fc.constantFrom('LOW', 'MEDIUM', 'HIGH' as const),
      netEdge: fc.option(fc.constantFrom(-1, 0, 1, 2, Number.NaN), { nil: undefined }),
      confidence: fc.constantFrom(0.5, 0.8, Number.NaN),
      createdAt: fc.constantFrom(0, 1, 2, Number.NaN),
    });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 70 }), (parts) => {
        const input = parts.map((p, i) => sig({ ...(p as Partial<Signal>), reason: String(i) }));
        const expected = [...input].sort(compareSignals);
        const got = [...input];
        sortSignals(got);
        expect(got.map((s) => s.reason)).toEqual(expected.map((s) => s.reason));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('pricing', () => {
  it('snaps buys down and sells up', async () => {
    const { snapForAction } = await import('../../../shared/strategies/pricing.js');
    expect(snapForAction(503_000, 'BUY_YES', 10_000)).toBe(500_000);
    expect(snapForAction(503_000, 'SELL_NO', 10_000)).toBe(500_000);
    expect(snapForAction(503_000, 'BUY_NO', 10_000)).toBe(510_000);
    expect(snapForAction(503_000, 'SELL_YES', 10_000)).toBe(510_000);
    expect(snapForAction(500_000, 'SELL_YES', 10_000)).toBe(500_000);
  });

  it('ranks on the edge net of fees within an urgency: the higher net edge wins a conflict and sorts first', () => {
    const { agg } = make();
    // Gross edges say the other way round: the taker's 0.05 gross is 0.033 net, the quote's 0.04 is 0.043 net.
    const taker = sig({ marketSlug: 'm1', action: 'BUY_YES', strategyName: 'statistical_edge', confidence: 0.95, grossEdge: 50_000, netEdge: 32_625 });
    const quote = sig({ marketSlug: 'm1', action: 'BUY_NO', price: 540_000, strategyName: 'market_maker', confidence: 0.5, grossEdge: 40_000, netEdge: 43_100 });
    expect(agg.aggregate([taker, quote])).toEqual([quote]);
    const a = sig({ marketSlug: 'a', netEdge: 10_000, confidence: 0.99 });
    const b = sig({ marketSlug: 'b', netEdge: 20_000, confidence: 0.1 });
    const unknown = sig({ marketSlug: 'c', confidence: 1 });
    expect(agg.aggregate([a, unknown, b]).map((x) => x.marketSlug)).toEqual(['b', 'a', 'c']);
    // Urgency still comes first: a stale price after a score is gone in seconds.
    expect(compareSignals(sig({ urgency: 'HIGH', netEdge: 1 }), sig({ urgency: 'MEDIUM', netEdge: 90_000 }))).toBeLessThan(0);
  });

  it('property: batch after batch, the same kept signals in the same order as the plain map-based rules (the model below)', () => {
    const arb = fc.record({
      marketSlug: fc.constantFrom('a', 'b', 'c'),
      action: fc.constantFrom('BUY_YES', 'BUY_NO', 'SELL_YES', 'SELL_NO' as const),
      price: fc.integer({ min: 1, max: 2 }).map((t) => t * 10_000),
      urgency: fc.constantFrom('LOW', 'MEDIUM', 'HIGH' as const),
      strategyName: fc.constantFrom('market_maker', 'live_arbitrage', 'statistical_edge'),
      confidence: fc.constantFrom(0.5, 0.8),
      netEdge: fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
      replacesOrderId: fc.option(fc.constant('o1'), { nil: undefined }),
    });
    const batch = fc.record({ advance: fc.constantFrom(0, 300, 1_000), signals: fc.array(arb, { maxLength: 8 }) });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 12 }), (batches) => {
        const { clock, agg } = make();
        const recent = new Map<string, number>();
        for (const b of batches) {
          clock.advance(b.advance);
          const input = b.signals.map((x) => sig(x as Partial<Signal>));
          expect(agg.aggregate(input)).toEqual(model(input, recent, clock.now(), 1_000));
        }
      }),
    );
  });
});

/**
 * The recent-key memory written plainly: one map from the key's text to its time, in the order the times were
 * set, expired oldest first up to the first key inside the window (what the aggregator keeps without building
 * key text). Returns whether each signal was a recent duplicate, and remembers the kept ones.
 */
class TextKeyMemory {
  private readonly recent = new Map<string, number>();
  constructor(private readonly windowMs: number) {}
  static key(s: Signal): string {
    return `${s.marketSlug}|${s.action}|${s.price}|${s.replacesOrderId ?? ''}`;
  }
  expire(now: number): void {
    for (const [k, t] of this.recent) {
      if (now - t < this.windowMs) break;
      this.recent.delete(k);
    }
  }
  seen(s: Signal, now: number): boolean {
    const t = this.recent.get(TextKeyMemory.key(s));
    return t !== undefined && now - t < this.windowMs;
  }
  size(): number {
    return this.recent.size;
  }
  remember(s: Signal, now: number): void {
    this.recent.delete(TextKeyMemory.key(s));
    this.recent.set(TextKeyMemory.key(s), now);
  }
}

describe('SignalAggregator recent keys', () => {
  it('property: with a clock that also steps back, and settled late or never, the same output as the text-keyed memory and the plain rules', () => {
    const arb = fc.record({
      marketSlug: fc.constantFrom('a', 'b'),
      action: fc.constantFrom('BUY_YES', 'SELL_YES' as const),
      price: fc.constantFrom(10_000, 20_000),
      urgency: fc.constantFrom('LOW', 'HIGH' as const),
      strategyName: fc.constantFrom('market_maker', 'live_arbitrage'),
      confidence: fc.constantFrom(0.5, 0.8),
      replacesOrderId: fc.option(fc.constantFrom('o1', ''), { nil: undefined }),
    });
    const batch = fc.record({
      advance: fc.constantFrom(-1_500, -400, 0, 1, 400, 999, 1_000, 1_600),
      signals: fc.array(arb, { maxLength: 4 }),
      // The batch's bookkeeping (expiry, remembering the kept keys) is deferred to settle(): settled after the
      // batch or not (the next batch or rememberedKeys settles), the clock moving before it (settle works at
      // the batch's time), the keys counted or not: every answer is the immediate bookkeeping's.
      settle: fc.boolean(),
      advanceBeforeSettle: fc.constantFrom(0, 700, 1_600),
      count: fc.boolean(),
    });
    fc.assert(
      // A clock that may step back (a corrected wall clock): the aggregator reads it through its Clock.
      fc.property(fc.array(batch, { maxLength: 30 }), (batches) => againstTextKeyMemory(batches, { countAtEnd: true })),
      { numRuns: 500 },
    );
  });

  it('property: over long runs (the key queue is compacted along the way), the same output as the text-keyed memory', () => {
    const arb = fc.record({
      marketSlug: fc.constantFrom('a', 'b', 'c'),
      action: fc.constantFrom('BUY_YES', 'SELL_YES', 'BUY_NO' as const),
      price: fc.integer({ min: 1, max: 40 }).map((t) => t * 10_000),
      strategyName: fc.constantFrom('market_maker', 'live_arbitrage'),
    });
    const batch = fc.record({ advance: fc.constantFrom(0, 1, 3, 7, 40), signals: fc.array(arb, { minLength: 1, maxLength: 4 }) });
    fc.assert(
      // The clock only moves forward: both forget exactly the keys past the window.
      fc.property(fc.array(batch, { minLength: 1_500, maxLength: 2_500 }), (batches) => againstTextKeyMemory(batches, { countKeys: true })),
      { numRuns: 15, endOnFailure: true }, // shrinking runs of thousands of batches takes minutes
    );
  });
});

/**
 * Feeds the batches (each after moving the clock by its `advance`) to a SignalAggregator and expects, batch by
 * batch, the plain rules of `model` over the signals a text-keyed memory has not seen within the window; with
 * `countKeys` (or a batch's `count`), also that both remember as many keys. After a batch, the clock moves by
 * its `advanceBeforeSettle` and the aggregator settles when the batch says `settle` (its bookkeeping is owed
 * until then); with `countAtEnd`, the counts are compared once more after the last batch.
 */
function againstTextKeyMemory(
  batches: { advance: number; signals: unknown[]; settle?: boolean; advanceBeforeSettle?: number; count?: boolean }[],
  opts: { countKeys?: boolean; countAtEnd?: boolean } = {},
): void {
  let now = 100_000;
  const agg = new SignalAggregator({ dedupeWindowMs: 1_000, clock: { now: () => now, monotonicNs: () => 0n } });
  const memory = new TextKeyMemory(1_000);
  for (const b of batches) {
    now += b.advance;
    const input = b.signals.map((x) => sig(x as Partial<Signal>));
    memory.expire(now);
    const expected = model(
      input.filter((s) => !memory.seen(s, now)),
      new Map(),
      now,
      1_000,
    );
    for (const s of expected) memory.remember(s, now);
    expect(agg.aggregate(input)).toEqual(expected);
    now += b.advanceBeforeSettle ?? 0;
    if (b.settle) agg.settle();
    if (opts.countKeys || b.count) expect(agg.rememberedKeys()).toBe(memory.size());
  }
  if (opts.countAtEnd) expect(agg.rememberedKeys()).toBe(memory.size());
}

/** The aggregator's rules written plainly with maps (the reference for the array-based implementation). */
function model(signals: Signal[], recent: Map<string, number>, now: number, windowMs: number): Signal[] {
  const key = (s: Signal) => `${s.marketSlug}|${s.action}|${s.price}|${s.replacesOrderId ?? ''}`;
  const buys = (s: Signal) => s.action === 'BUY_YES' || s.action === 'SELL_NO';
  const best = new Map<string, Signal>();
  for (const s of signals) {
    const seenAt = recent.get(key(s));
    if (seenAt !== undefined && now - seenAt < windowMs) continue;
    const cur = best.get(key(s));
    if (!cur || compareSignals(s, cur) < 0) best.set(key(s), s);
  }
  const byMarket = new Map<string, Signal[]>();
  for (const s of best.values()) byMarket.set(s.marketSlug, [...(byMarket.get(s.marketSlug) ?? []), s]);
  const kept: Signal[] = [];
  for (const list of byMarket.values()) {
    const winner = list.reduce((a, b) => (compareSignals(b, a) < 0 ? b : a));
    for (const s of list) if (buys(s) === buys(winner) || s.strategyName === winner.strategyName) kept.push(s);
  }
  kept.sort(compareSignals);
  for (const [k, s] of best) if (kept.includes(s)) recent.set(k, now);
  return kept;
}
