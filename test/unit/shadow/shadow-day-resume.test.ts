/**
 * A shadow day survives a bot restart: the first process stores its day's aggregates (through the bot's
 * ShadowDayPersistence, the JSON form the store keeps), the second resumes them into its own ShadowSession,
 * and the panel at the end is the panel of one process that saw the whole day — for any split of any day
 * (property). Also: the aggregates merge as sums (associative, the empty day is neutral), the keeper never
 * writes before a resume (it would overwrite the stored part) and a malformed stored day starts afresh.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShadowDayPersistence } from '../../../containers/bot/persistence/shadow-day-persistence.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { DEFAULT_FEE_SCHEDULE } from '../../../shared/domain/fees.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { DEFAULT_MARKET_RULES } from '../../../shared/execution/order-builder.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { panelFromAggregates } from '../../../shared/shadow/calibration-panel.js';
import {
  InvalidShadowAggregatesError, emptyShadowAggregates, mergeShadowAggregates, parseShadowAggregates, type ShadowAggregates,
} from '../../../shared/shadow/shadow-aggregates.js';
import type { PaperModel } from '../../../shared/shadow/shadow-bench.js';
import { LIVE, PRIMARY_PAPER } from '../../../shared/shadow/shadow-journal.js';
import { ShadowSession } from '../../../shared/shadow/shadow-session.js';
import { OrderBook } from '../../../shared/state/order-book.js';

const M = 'nba-bos-nyk-moneyline';
const DAY = '2031-06-15';
const T0 = Date.UTC(2031, 5, 15, 14, 0, 0);
const c = (cents: number) => cents * 10_000;
const MODEL: PaperModel = { orderLatencyMs: 50, cancelLatencyMs: 50, marketDataDelayMs: 0, queueAheadFraction: 1 };

/** One order of the day, complete (fills and markouts) before the next. */
interface Op {
  strategy: string;
  bid: number;
  spread: number;
  buysLong: boolean;
  /** Offset from the same-side touch, cents (positive: behind it; negative: crossing or improving). */
  offset: number;
  qty: number;
  live: number;
  paper: number;
  /** Fills of one candidate twin (the fit's data). */
  twin: number;
  excluded: boolean;
  /** Where the bid moves after the fills (the markouts read the new mid). */
  move: number;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  strategy: fc.constantFrom('market_maker', 'statistical_edge'),
  bid: fc.integer({ min: 20, max: 70 }),
  spread: fc.integer({ min: 1, max: 5 }),
  buysLong: fc.boolean(),
  offset: fc.integer({ min: -6, max: 4 }),
  qty: fc.integer({ min: 1, max: 50 }),
  live: fc.integer({ min: 0, max: 50 }),
  paper: fc.integer({ min: 0, max: 50 }),
  twin: fc.integer({ min: 0, max: 50 }),
  excluded: fc.boolean(),
  move: fc.integer({ min: -3, max: 3 }),
});

function process(start: number) {
  const clock = new ManualClock(start);
  const scheduler = new ManualScheduler(clock);
  const book = new OrderBook(M);
  const session = new ShadowSession({
    clock,
    scheduler,
    paperModel: MODEL,
    fees: DEFAULT_FEE_SCHEDULE,
    rules: () => DEFAULT_MARKET_RULES,
    book: (slug) => (slug === M ? book : undefined),
    markets: () => [M],
  });
  const setBook = (bid: number, spread: number) => book.replace({ bids: [{ price: c(bid), qty: contracts(100) }], asks: [{ price: c(bid + spread), qty: contracts(100) }], state: 'MARKET_STATE_OPEN', transactTime: clock.now(), receivedAt: clock.now() });
  const twinLabel = session.bench.specs().find((t) => t.kind === 'queue')!.label;
  const run = (op: Op) => {
    setBook(op.bid, op.spread);
    const price = op.buysLong ? op.bid - op.offset : op.bid + op.spread + op.offset;
    const j = session.journal;
    const order = j.post(M, op.buysLong, c(Math.min(99, Math.max(1, price))), contracts(op.qty))!;
    j.setStrategy(order, op.strategy);
    clock.advance(10);
    const fill = (side: string, n: number) => n > 0 && j.onFill(order, side, c(Math.min(99, Math.max(1, price))), contracts(Math.min(n, op.qty)));
    fill(LIVE, op.live);
    fill(PRIMARY_PAPER, op.paper);
    fill(twinLabel, op.twin);
    if (op.excluded) j.exclude(order, 'rejected by the venue');
    setBook(op.bid + op.move, op.spread);
    scheduler.advance(61_000);
  };
  return { clock, session, run };
}

/** The store as the bot sees it: what was written, as the JSON text the item keeps. */
function memoryStore() {
  const items = new Map<string, string>();
  return {
    items,
    repo: { get: async (day: string) => (items.has(day) ? parseShadowAggregates(JSON.parse(items.get(day)!)) : undefined) },
    record: (day: string, agg: ShadowAggregates) => void items.set(day, JSON.stringify(agg)),
  };
}

function keeper(session: ShadowSession, store: ReturnType<typeof memoryStore>, now: () => number, metrics = new MetricsRegistry()) {
  return new ShadowDayPersistence({ shadow: session, repo: store.repo, record: store.record, now, logger: new MemoryLogger(), metrics, intervalMs: 60_000 });
}

describe('a shadow day across a bot restart', () => {
  it('the panel after the restart is the panel of the whole day (stored part ⊕ the new process)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), fc.nat(), async (ops, cut) => {
        const k = cut % (ops.length + 1);
        const whole = process(T0);
        for (const op of ops) whole.run(op);

        const store = memoryStore();
        const first = process(T0);
        const k1 = keeper(first.session, store, () => first.clock.now());
        expect(await k1.resume(DAY)).toBe(true);
        for (const op of ops.slice(0, k)) first.run(op);
        k1.save(DAY); // the last write before the crash
        // The restart: a new process, its clock where the first one stopped.
        const second = process(first.clock.now());
        const k2 = keeper(second.session, store, () => second.clock.now());
        expect(await k2.resume(DAY)).toBe(true);
        for (const op of ops.slice(k)) second.run(op);

        expect(second.session.panel()).toEqual(whole.session.panel());
        // And what it stores next is the whole day too.
        k2.save(DAY);
        if (store.items.has(DAY)) expect(panelFromAggregates(parseShadowAggregates(JSON.parse(store.items.get(DAY)!)))).toEqual(whole.session.panel());
      }),
      { numRuns: 60 },
    );
  });

  it('merging is a sum: associative, and an empty day changes nothing', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 3, maxLength: 9 }), (ops) => {
        const parts = [0, 1, 2].map((i) => {
          const p = process(T0 + i * 10_000_000);
          for (const op of ops.filter((_, j) => j % 3 === i)) p.run(op);
          return p.session.aggregates() ?? emptyShadowAggregates(T0, p.session.bench.specs());
        });
        const [a, b, cc] = parts as [ShadowAggregates, ShadowAggregates, ShadowAggregates];
        expect(mergeShadowAggregates(mergeShadowAggregates(a, b), cc)).toEqual(mergeShadowAggregates(a, mergeShadowAggregates(b, cc)));
        const empty = emptyShadowAggregates(a.from, a.twins);
        expect(mergeShadowAggregates(empty, a)).toEqual(mergeShadowAggregates(a, empty));
        expect(panelFromAggregates(mergeShadowAggregates(a, empty))).toEqual(panelFromAggregates(a));
      }),
      { numRuns: 30 },
    );
  });

  it('a new day forgets the carried part', async () => {
    const store = memoryStore();
    const first = process(T0);
    const k1 = keeper(first.session, store, () => first.clock.now());
    await k1.resume(DAY);
    first.run({ strategy: 'market_maker', bid: 40, spread: 2, buysLong: true, offset: 0, qty: 10, live: 4, paper: 6, twin: 0, excluded: false, move: 1 });
    k1.save(DAY);
    const second = process(first.clock.now());
    await keeper(second.session, store, () => second.clock.now()).resume(DAY);
    expect(second.session.panel()?.orders.compared).toBe(1);
    second.session.resetDay();
    expect(second.session.panel()).toBeUndefined();
  });
});

describe('the bot keeper of a shadow day', () => {
  it('writes nothing before the stored day was read (a store error is retried on the next tick), then only changes, rate-limited', async () => {
    const clock = new ManualClock(T0);
    const p = process(T0);
    const store = memoryStore();
    store.record(DAY, (() => {
      const earlier = process(T0 - 3_600_000);
      earlier.run({ strategy: 'market_maker', bid: 40, spread: 2, buysLong: true, offset: 1, qty: 10, live: 3, paper: 5, twin: 2, excluded: false, move: 0 });
      return earlier.session.aggregates()!;
    })());
    let failures = 1;
    const repo = { get: async (day: string) => (failures-- > 0 ? Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })) : store.repo.get(day)) };
    const writes: ShadowAggregates[] = [];
    const metrics = new MetricsRegistry();
    const k = new ShadowDayPersistence({ shadow: p.session, repo, record: (_d, a) => void writes.push(a), now: () => clock.now(), logger: new MemoryLogger(), metrics, intervalMs: 60_000 });
    expect(await k.resume(DAY)).toBe(false);
    p.run({ strategy: 'market_maker', bid: 40, spread: 2, buysLong: false, offset: 0, qty: 10, live: 10, paper: 0, twin: 0, excluded: false, move: -1 });
    k.save(DAY);
    expect(writes).toHaveLength(0); // would have overwritten the stored hour
    k.tick(DAY); // retries the read
    await new Promise((r) => setImmediate(r));
    expect(metrics.counter('shadow.resume_failed', { reason: 'store' })).toBe(1);
    clock.advance(60_000);
    k.tick(DAY);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.orders.compared).toBe(2); // the stored order and this process's
    clock.advance(60_000);
    k.tick(DAY);
    expect(writes).toHaveLength(1); // nothing changed
    clock.advance(1_000);
    p.run({ strategy: 'market_maker', bid: 41, spread: 2, buysLong: true, offset: 0, qty: 5, live: 0, paper: 5, twin: 0, excluded: false, move: 0 });
    k.tick(DAY);
    expect(writes).toHaveLength(1); // within the interval
    k.save(DAY);
    expect(writes).toHaveLength(2);
  });

  it('a malformed stored day is counted and the day starts afresh', async () => {
    const p = process(T0);
    const metrics = new MetricsRegistry();
    const repo = { get: async () => parseShadowAggregates({ version: 1, from: 'yesterday' }) };
    const k = new ShadowDayPersistence({ shadow: p.session, repo, record: () => undefined, now: () => T0, logger: new MemoryLogger(), metrics });
    expect(await k.resume(DAY)).toBe(true);
    expect(metrics.counter('shadow.resume_failed', { reason: 'invalid' })).toBe(1);
    expect(() => parseShadowAggregates({ version: 2 })).toThrow(InvalidShadowAggregatesError);
  });
});
