/**
 * The engine prices fees per market: the configured schedule (trading.fees) with each market's own
 * feeCoefficient and, by its sport, the dated overrides. The same fee view reaches the strategies and the
 * risk manager's Kelly sizing, and each market's own tick reaches the order builder.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import type { Signal } from '../../../shared/domain/signal.js';
import { assembleEngine, lastMarketInfo } from '../../../shared/engine/assemble-engine.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';
import type { Fill } from '../../../shared/domain/order.js';
import { ONE_CONTRACT, contracts } from '../../../shared/domain/quantity.js';
import { bookEvent, engineConfig } from '../../support/engine-fixtures.js';

const SWITCH = Date.UTC(2031, 0, 2);
const info = (slug: string, extra: Partial<MarketInfo> = {}): MarketInfo => ({ marketSlug: slug, eventSlug: 'e', title: slug, outcome: 'x', tick: 10_000, minQty: ONE_CONTRACT, ...extra });
const signal = (slug: string, now: number): Signal => ({
  marketSlug: slug, action: 'BUY_YES', price: 500_000, quantity: contracts(10_000), urgency: 'MEDIUM', strategyName: 'statistical_edge', confidence: 0.9,
  reason: 'test', fairProbability: 0.6, createdAt: now,
});

function world(onFill?: (f: Fill) => void) {
  const clock = new ManualClock(Date.UTC(2031, 0, 1));
  const directory = new MarketDirectory();
  directory.addMarket(info('plain'));
  directory.addMarket(info('dear', { feeCoefficientPpm: 100_000 }));
  directory.addMarket(info('tt', { sport: 'table_tennis', tick: 2_500 }));
  const config = engineConfig({
    patch: { trading: { fees: { overrides: [{ sport: 'table_tennis', effective_from: new Date(SWITCH).toISOString(), taker_theta: 0.2 }] } } },
  });
  const scheduler = new ManualScheduler(clock);
  const engine = assembleEngine({ config, clock, scheduler, directory, onFill });
  return { clock, engine, scheduler };
}

describe('per-market fees in the engine', () => {
  it('rates: the market coefficient, else the default; a sport override from its date', () => {
    const { engine, clock } = world();
    expect(engine.fees.ratesFor('plain', clock.now())).toEqual({ takerThetaPpm: 69_500, makerThetaPpm: 12_500 });
    expect(engine.fees.ratesFor('dear', clock.now())).toEqual({ takerThetaPpm: 100_000, makerThetaPpm: 12_500 });
    expect(engine.fees.ratesFor('unknown', clock.now()).takerThetaPpm).toBe(69_500);
    expect(engine.fees.ratesFor('tt', clock.now()).takerThetaPpm).toBe(69_500);
    expect(engine.fees.ratesFor('tt', SWITCH).takerThetaPpm).toBe(200_000);
  });

  it('Kelly sizes each market on its own fee: a dearer market, or after the override, sizes less', () => {
    const { engine, clock } = world();
    const qty = (slug: string) => engine.risk.validateTrade(signal(slug, clock.now())).signal?.quantity ?? 0;
    const plain = qty('plain');
    const dear = qty('dear');
    const ttBefore = qty('tt');
    clock.set(SWITCH);
    const ttAfter = qty('tt');
    expect(plain).toBeGreaterThan(0);
    expect(dear).toBeLessThan(plain);
    expect(ttBefore).toBe(plain);
    expect(ttAfter).toBeLessThan(dear); // Θ 0.20 > 0.10
  });

  it('paper fills are charged at the market\'s own rates, the ones the strategies priced (Θ 0.10 on "dear")', async () => {
    const fills: Fill[] = [];
    const { engine, clock, scheduler } = world((f) => fills.push(f));
    for (const slug of ['plain', 'dear']) {
      engine.onMarketEvent(bookEvent(slug, [[0.45, 100]], [[0.5, 100]], clock.now()));
      await engine.executor().execute({ ...signal(slug, clock.now()), quantity: contracts(10), timeInForce: 'IOC' });
    }
    await scheduler.advanceAsync(1_000);
    const fee = (slug: string) => fills.filter((f) => f.marketSlug === slug).reduce((a, f) => a + f.fee, 0);
    // 10 contracts at 0.50: Θ·C·p·(1 − p) = 0.0695 × 10 × 0.25 = 0.17375 → $0.17; at Θ 0.10, $0.25.
    expect(fee('plain')).toBe(170_000);
    expect(fee('dear')).toBe(250_000);
    // The executor's tracker books the same figure.
    const tracked = engine.executor().tracker.all().filter((o) => o.request.marketSlug === 'dear');
    expect(tracked.reduce((a, o) => a + o.feesPaid, 0)).toBe(250_000);
  });

  it('the running daily PnL follows fee changes: a scheduled override taking effect and a market newly listed with its own coefficient', () => {
    const { engine, clock } = world();
    const plainSum = () => {
      let unrealized = 0;
      for (const slug of ['plain', 'dear', 'tt', 'late']) {
        const net = engine.pnl['ledgers'].get(slug)?.netQty ?? 0;
        if (net === 0) continue;
        const value = engine.state.closeoutMark(slug, net).value;
        if (value !== null) unrealized += value - (engine.pnl['ledgers'].get(slug)?.cost ?? 0);
      }
      return unrealized;
    };
    const fill = (slug: string, price: number): Fill => ({
      executionId: `x-${slug}`, orderId: 'o', marketSlug: slug, intent: 'ORDER_INTENT_BUY_LONG', price, qty: contracts(100), fee: 0, liquidity: 'TAKER', time: clock.now(), strategyName: 's',
    });
    for (const slug of ['tt', 'late']) engine.onMarketEvent(bookEvent(slug, [[0.5, 1_000]], [[0.52, 1_000]], clock.now()));
    engine.pnl.onFill(fill('tt', 500_000));
    engine.pnl.onFill(fill('late', 500_000));
    const before = engine.pnl.dailyPnl().unrealized;
    expect(before).toBe(plainSum());
    clock.set(SWITCH); // table tennis taker Θ 0.0695 → 0.20: closing costs more
    const after = engine.pnl.dailyPnl().unrealized;
    expect(after).toBeLessThan(before);
    expect(after).toBe(plainSum());
    expect(engine.view.marketInfo('late')).toBeUndefined(); // unknown until listed: the default Θ
    const directory = engine.view['deps'].directory;
    directory.addMarket(info('late', { feeCoefficientPpm: 300_000 }));
    const listed = engine.pnl.dailyPnl().unrealized;
    expect(listed).toBeLessThan(after);
    expect(listed).toBe(plainSum());
  });
});

describe('lastMarketInfo (the fee and rules lookups of the engine)', () => {
  it('answers as the directory does, the last answer kept only while the directory is unchanged', () => {
    const directory = new MarketDirectory();
    directory.addMarket(info('a'));
    const lookup = lastMarketInfo(directory);
    const a = lookup('a');
    expect(a).toBe(directory.info('a'));
    expect(lookup('a')).toBe(a);
    expect(lookup('late')).toBeUndefined();
    expect(lookup('late')).toBeUndefined();
    directory.addMarket(info('late', { feeCoefficientPpm: 300_000 }));
    expect(lookup('late')).toBe(directory.info('late')); // the same slug asked again after the directory moved
    directory.addMarket(info('a', { feeCoefficientPpm: 50_000 }));
    expect(lookup('a')?.feeCoefficientPpm).toBe(50_000);
    expect(lookup('b')).toBeUndefined();
  });

  it('a market listed after its fees were asked is priced with its own coefficient at once', () => {
    const { engine, clock } = world();
    expect(engine.fees.ratesFor('late', clock.now()).takerThetaPpm).toBe(69_500);
    engine.view['deps'].directory.addMarket(info('late', { feeCoefficientPpm: 300_000 }));
    expect(engine.fees.ratesFor('late', clock.now()).takerThetaPpm).toBe(300_000);
  });
});
