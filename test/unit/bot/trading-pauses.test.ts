import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../shared/domain/signal.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { VENUE_MAINTENANCE } from '../../../shared/domain/maintenance-calendar.js';
import { OrderExecutor } from '../../../shared/execution/executor.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { TradingPauses } from '../../../shared/engine/trading-pauses.js';
import { M, lv, paper, usd } from '../paper/helpers.js';

const quote = (over: Partial<Signal> = {}): Signal => ({
  marketSlug: M,
  action: 'BUY_YES',
  price: usd(0.45),
  quantity: contracts(5),
  urgency: 'LOW',
  strategyName: 'market_maker',
  confidence: 1,
  reason: 'quote',
  fairProbability: 0.5,
  createdAt: 0,
  postOnly: true,
  timeInForce: 'GTC',
  ...over,
});

// Thursday 2026-12-10: the window is 07:00–11:00 UTC (EST)
const BEFORE = Date.parse('2026-12-10T06:59:00Z');

function setup() {
  const p = paper({ balance: 100 });
  p.clock.set(BEFORE);
  const metrics = new MetricsRegistry();
  const executor = new OrderExecutor({ gateway: p.ex, clock: p.clock, scheduler: p.scheduler, metrics });
  p.ex.onEvent((e) => executor.onVenueEvent(e));
  const pauses = new TradingPauses({ maintenance: VENUE_MAINTENANCE, executors: () => [executor], logger: new MemoryLogger(), metrics });
  const book = (state: 'MARKET_STATE_OPEN' | 'MARKET_STATE_HALTED' | 'MARKET_STATE_SUSPENDED', slug = M) => {
    const ev = { type: 'book' as const, marketSlug: slug, bids: [lv(0.4, contracts(100))], asks: [lv(0.6, contracts(100))], state, transactTime: null, snapshot: true, receivedAt: p.clock.now() };
    p.ex.onMarketEvent(ev);
    pauses.onMarketEvent(ev);
  };
  return { p, metrics, executor, pauses, book };
}

describe('trading pauses: the maintenance window and market halts', () => {
  it('at the window the resting orders are cancelled and no new ones go out; after it, trading resumes by itself', async () => {
    const { p, metrics, executor, pauses, book } = setup();
    book('MARKET_STATE_OPEN');
    pauses.onTick(p.clock.now());
    const r = await executor.execute(quote());
    expect(r.status).toBe('submitted');
    p.scheduler.advance(100);
    expect(executor.tracker.restingOrders()).toHaveLength(1);

    p.clock.set(Date.parse('2026-12-10T07:00:00Z'));
    pauses.onTick(p.clock.now());
    expect(pauses.maintenanceInForce()).toBe(true);
    await p.scheduler.advanceAsync(200);
    expect(executor.tracker.openOrders()).toEqual([]);
    expect(p.ex.simulator.restingOrders()).toEqual([]);
    expect(await executor.execute(quote())).toEqual({ status: 'blocked', reason: 'PAUSED' });
    expect(metrics.counter('bot.trading_pause', { reason: 'maintenance' })).toBe(1);

    p.clock.set(Date.parse('2026-12-10T10:59:00Z'));
    pauses.onTick(p.clock.now());
    expect((await executor.execute(quote())).status).toBe('blocked');
    p.clock.set(Date.parse('2026-12-10T11:00:00Z'));
    pauses.onTick(p.clock.now());
    expect(pauses.maintenanceInForce()).toBe(false);
    expect((await executor.execute(quote())).status).toBe('submitted');
  });

  it('a halted or suspended market has its orders cancelled and is paused until it opens again; others trade on', async () => {
    const { p, executor, pauses, book } = setup();
    book('MARKET_STATE_OPEN');
    book('MARKET_STATE_OPEN', 'mkt-b');
    await executor.execute(quote());
    await executor.execute(quote({ marketSlug: 'mkt-b' }));
    p.scheduler.advance(100);
    expect(executor.tracker.restingOrders()).toHaveLength(2);

    book('MARKET_STATE_HALTED');
    await p.scheduler.advanceAsync(200);
    expect(pauses.haltedMarkets()).toEqual([M]);
    expect(executor.tracker.restingOrders().map((o) => o.request.marketSlug)).toEqual(['mkt-b']);
    expect(await executor.execute(quote())).toEqual({ status: 'blocked', reason: 'PAUSED' });
    expect((await executor.execute(quote({ marketSlug: 'mkt-b', price: usd(0.44) }))).status).toBe('submitted');

    book('MARKET_STATE_SUSPENDED'); // still halted: nothing new
    book('MARKET_STATE_OPEN');
    expect(pauses.haltedMarkets()).toEqual([]);
    expect((await executor.execute(quote())).status).toBe('submitted');
  });

  it('ending a pause never lifts the kill switch', async () => {
    const { p, executor, pauses, book } = setup();
    book('MARKET_STATE_OPEN');
    executor.setHalted(true);
    p.clock.set(Date.parse('2026-12-10T08:00:00Z'));
    pauses.onTick(p.clock.now());
    p.clock.set(Date.parse('2026-12-10T12:00:00Z'));
    pauses.onTick(p.clock.now());
    expect(await executor.execute(quote())).toEqual({ status: 'blocked', reason: 'HALTED' });
    executor.setHalted(false);
    expect((await executor.execute(quote())).status).toBe('submitted');
  });

  it('without a window configured nothing pauses', async () => {
    const { p, executor, book, metrics } = setup();
    const pauses = new TradingPauses({ maintenance: null, executors: () => [executor], logger: new MemoryLogger(), metrics });
    book('MARKET_STATE_OPEN');
    p.clock.set(Date.parse('2026-12-10T08:00:00Z'));
    pauses.onTick(p.clock.now());
    expect((await executor.execute(quote())).status).toBe('submitted');
  });
});
