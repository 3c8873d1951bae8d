/**
 * Shadow mode's machinery end to end on a simulated clock: a "live" exchange whose queue and latency are
 * hidden (a paper exchange with its own model stands in for it), the mirror in front of it, the candidate
 * paper twins and the journal. The panel's fit must recover the hidden queue-ahead fraction from resting
 * orders and the hidden latency from crossing ones; the twins see the same postings as live.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { DEFAULT_FEE_SCHEDULE } from '../../../shared/domain/fees.js';
import type { OrderGateway } from '../../../shared/domain/gateway.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { DEFAULT_MARKET_RULES } from '../../../shared/execution/order-builder.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { PaperExchange } from '../../../shared/paper/paper-exchange.js';
import { buildShadowPanel } from '../../../shared/shadow/calibration-panel.js';
import { MirrorGateway } from '../../../shared/shadow/mirror-gateway.js';
import { SHADOW_PAPER_BALANCE, ShadowBench, type PaperModel } from '../../../shared/shadow/shadow-bench.js';
import { LIVE, ShadowJournal } from '../../../shared/shadow/shadow-journal.js';

const M = 'mkt';
const c = (cents: number) => cents * 10_000;
const lv = (cents: number, n: number): BookLevel => ({ price: c(cents), qty: contracts(n) });
const CONFIGURED: PaperModel = { orderLatencyMs: 50, cancelLatencyMs: 50, marketDataDelayMs: 0, queueAheadFraction: 1 };

function rig(hidden: { latencyMs: number; queueAheadFraction: number }) {
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler(clock);
  let bids: BookLevel[] = [];
  let asks: BookLevel[] = [];
  const journal = new ShadowJournal({
    clock,
    scheduler,
    mid: () => (bids[0] && asks[0] ? (bids[0].price + asks[0].price) / 2 : null),
    touch: () => ({ bid: bids[0]?.price ?? null, ask: asks[0]?.price ?? null }),
    tick: () => c(1),
    strategyOf: () => 'market_maker',
  });
  const bench = new ShadowBench({ clock, scheduler, base: CONFIGURED, fees: DEFAULT_FEE_SCHEDULE, rules: () => DEFAULT_MARKET_RULES, journal, ownResting: () => [] });
  const live = new PaperExchange({
    clock,
    scheduler,
    config: { startingBalance: SHADOW_PAPER_BALANCE, latencyMs: hidden.latencyMs, cancelLatencyMs: hidden.latencyMs, queueAheadFraction: hidden.queueAheadFraction, cancelModel: 'behind', fees: DEFAULT_FEE_SCHEDULE },
  });
  const mirror = new MirrorGateway(live, { active: () => true, bench, journal });
  live.onEvent((ev) => {
    if (ev.type !== 'execution' || ev.execution.lastShares === null || ev.execution.lastPx === null) return;
    const order = mirror.journalOrder(ev.execution.order.id);
    if (order) journal.onFill(order, LIVE, ev.execution.lastPx, ev.execution.lastShares);
  });
  bench.activate([]);
  const market = (ev: VenueEvent) => {
    live.onMarketEvent(ev);
    bench.onMarketEvent(ev);
  };
  const book = (b: BookLevel[], a: BookLevel[]) => {
    bids = b;
    asks = a;
    market({ type: 'book', marketSlug: M, bids: b, asks: a, state: 'MARKET_STATE_OPEN', transactTime: clock.now(), snapshot: true, receivedAt: clock.now() });
  };
  const sellPrint = (cents: number, n: number) =>
    market({ type: 'trade', marketSlug: M, price: c(cents), qty: contracts(n), takerSide: 'ORDER_SIDE_SELL', tradeTime: clock.now(), receivedAt: clock.now() });
  const order = (over: Partial<OrderRequest>): OrderRequest => ({
    marketSlug: M,
    intent: 'ORDER_INTENT_BUY_LONG',
    type: 'ORDER_TYPE_LIMIT',
    price: c(40),
    quantity: contracts(10),
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    postOnly: false,
    ...over,
  });
  const panel = () => buildShadowPanel({ ...journal.snapshot(), twins: bench.specs(), rejections: bench.rejections() });
  return { clock, scheduler, mirror, bench, journal, book, sellPrint, order, panel };
}

describe('the fit recovers the hidden model of the live exchange', () => {
  it('queue-ahead fraction, from resting orders and the prints through their level', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), async (hiddenFraction) => {
        const r = rig({ latencyMs: 50, queueAheadFraction: hiddenFraction });
        r.book([lv(40, 100)], [lv(45, 100)]);
        await r.mirror.createOrder(r.order({}));
        r.scheduler.advance(500); // every exchange has the order resting behind (its share of) the 100 contracts
        // Exactly enough prints for an order that many contracts from the front: 100 × fraction ahead, then ours.
        r.sellPrint(40, 100 * hiddenFraction + 10);
        r.scheduler.advance(61_000); // markouts
        const p = r.panel();
        const queue = p.fitted.find((f) => f.key === 'queue_ahead_fraction')!;
        expect(queue.value).toBe(hiddenFraction);
        expect(queue.liveFillRate).toBe(1);
        expect(p.suggestedPaperParams.queue_ahead_fraction).toBe(hiddenFraction);
        const row = p.rows.find((x) => x.strategy === 'market_maker' && x.level === 'L0')!;
        expect(row).toMatchObject({ postings: 1, posted: '10', live: { filled: '10', fillRate: 1 } });
        // The configured (primary) paper exchange queues behind all 100: it fills only when nothing was ahead.
        expect(row.paper.fillRate).toBe(hiddenFraction === 1 ? 1 : 0);
        expect(row.live.markoutUsd['60s']).toBeCloseTo(0.025, 6); // mid 0.425 − 0.40
      }),
      { numRuns: 10 },
    );
  });

  it('order latency, from crossing orders and a touch that leaves after a while', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 25, 50, 100, 200), async (hiddenLatency) => {
        const r = rig({ latencyMs: hiddenLatency, queueAheadFraction: 1 });
        r.book([lv(40, 100)], [lv(45, 10)]);
        await r.mirror.createOrder(r.order({ price: c(45), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
        r.scheduler.advance(hiddenLatency + 1);
        r.book([lv(40, 100)], [lv(47, 100)]); // the 0.45 offer is gone: slower orders miss it
        r.scheduler.advance(1_000);
        const p = r.panel();
        const latency = p.fitted.find((f) => f.key === 'order_latency_ms')!;
        expect(latency.value).toBe(hiddenLatency);
        expect(p.suggestedPaperParams.order_latency_ms).toBe(hiddenLatency);
        expect(p.suggestedPaperParams.cancel_latency_ms).toBe(hiddenLatency);
        expect(p.rows.find((x) => x.level === 'cross')).toMatchObject({ postings: 1, live: { fillRate: 1 } });
      }),
      { numRuns: 10 },
    );
  });

  it('a live create that fails leaves the comparison, and its twins are cancelled', async () => {
    const r = rig({ latencyMs: 50, queueAheadFraction: 1 });
    r.book([lv(40, 100)], [lv(45, 100)]);
    const refusing = { createOrder: () => Promise.reject(new Error('boom')) } as unknown as OrderGateway;
    const failing = new MirrorGateway(refusing, { active: () => true, bench: r.bench, journal: r.journal });
    await expect(failing.createOrder(r.order({}))).rejects.toThrow('boom');
    r.scheduler.advance(500);
    r.sellPrint(40, 200);
    const p = r.panel();
    expect(p.orders).toMatchObject({ mirrored: 1, compared: 0, excluded: 1 });
    expect(p.rows).toEqual([]);
    // The twins' copies were cancelled before the prints: none of them filled.
    expect(r.journal.snapshot().orders[0]!.postings[0]!.filled.size).toBe(0);
  });
});
