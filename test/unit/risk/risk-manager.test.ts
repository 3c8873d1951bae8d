import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { CircuitBreaker } from '../../../shared/risk/circuit-breaker.js';
import { marketLoss } from '../../../shared/risk/exposure-monitor.js';
import { RiskManager, type RiskLimits } from '../../../shared/risk/risk-manager.js';
import { ScheduleFeeModel } from '../../../shared/state/market-fees.js';
import { FakeRiskView, game, info, signal } from './fake-risk-view.js';
import { contracts } from '../../../shared/domain/quantity.js';

const USD = 1_000_000;
const LIMITS: RiskLimits = {
  maxPositionPerMarket: 100 * USD,
  maxPortfolioExposure: 500 * USD,
  maxCorrelatedExposure: 250 * USD,
  kellyFraction: 0.25,
  minTradeSize: 1 * USD,
};

function setup(limits: Partial<RiskLimits> = {}, strategyMaxPosition: Record<string, number> = {}) {
  const view = new FakeRiskView();
  for (const s of ['m1', 'm2', 'm3', 'm4']) view.infos.set(s, info(s));
  const clock = new ManualClock(0);
  const breaker = new CircuitBreaker({ maxDailyLoss: 50 * USD, clock });
  const logger = new MemoryLogger();
  const metrics = new MetricsRegistry();
  const rm = new RiskManager({ limits: { ...LIMITS, ...limits }, view, breaker, logger, metrics, strategyMaxPosition });
  return { view, breaker, rm, logger, metrics };
}

describe('exposure = worst-case loss', () => {
  it('counts a long position cost on NO, a short position cost on YES, and opening orders on their loss side', () => {
    const view = new FakeRiskView();
    view.setPosition('m1', 'YES', contracts(10), 400_000); // cost 4
    view.submit(signal({ action: 'BUY_YES', price: 300_000, quantity: contracts(5) })); // +1.5 if NO
    view.submit(signal({ action: 'BUY_NO', price: 600_000, quantity: contracts(5) })); // +2 if YES
    view.submit(signal({ action: 'SELL_YES', price: 900_000, quantity: contracts(5) })); // reducing: 0
    expect(marketLoss(view.position('m1'), view.openOrders('m1'))).toEqual({ ifNo: 5_500_000, ifYes: 2_000_000 });
    view.setPosition('m2', 'NO', contracts(10), 300_000);
    expect(marketLoss(view.position('m2'), [])).toEqual({ ifNo: 0, ifYes: 3_000_000 });
  });
});

describe('RiskManager.validateTrade: each check', () => {
  it('approves a good trade and clamps to the Kelly size', async () => {
    const { rm, metrics, logger } = setup();
    // Kelly at 0.50 with p 0.60 on 1000 USD, after the taker fee 0.0695 × 0.25 = 0.017375: a contract costs
    // K = 0.517375 for a net edge 0.082625 → 0.25 × 0.082625 × 1000 / (K × (1 − K)) = 82.7 → 82; asked 500.
    const d = rm.validateTrade(signal({ quantity: contracts(500) }));
    // per-market 100 USD / 0.50 = 200 contracts, Kelly 82 → 82
    expect(d).toMatchObject({ approved: true, check: 'approved' });
    expect(d.signal?.quantity).toBe(contracts(82));
    expect(d.reason).toContain('Kelly');
    expect(metrics.counter('risk.decision', { check: 'approved', strategy: 'statistical_edge' })).toBe(1);
    // Logged off the order path: after the turn (its microtasks, then the immediates already queued).
    expect(logger.lines.filter((l) => l.msg.startsWith('risk '))).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(logger.lines.at(-1)).toMatchObject({ msg: 'risk approved', fields: expect.objectContaining({ check: 'approved' }) });
    // The reduced approval's text (built when read: by the log line, by a report), the same both ways, and
    // in the line's fields in their order.
    const text = 'approved, reduced from 500 to 82 by Kelly size (on the market size grid)';
    expect(d.reason).toBe(text);
    expect(logger.lines.at(-1)?.fields).toEqual({ check: 'approved', reason: text, strategy: 'statistical_edge', market: 'm1', action: 'BUY_YES', price: 500_000, quantity: contracts(82) });
    expect(Object.keys(logger.lines.at(-1)?.fields ?? {})).toEqual(['check', 'reason', 'strategy', 'market', 'action', 'price', 'quantity']);
  });

  it('decision lines are written in decision order, after an immediate queued in the same turn (the batch flush)', async () => {
    const { rm, logger } = setup();
    const order: string[] = [];
    rm.validateTrade(signal({ quantity: contracts(5) }));
    setImmediate(() => order.push(`flush with ${logger.lines.filter((l) => l.msg.startsWith('risk ')).length} lines`));
    rm.validateTrade(signal({ price: 0 }));
    rm.validateTrade(signal({ marketSlug: 'm2', quantity: contracts(6) }));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['flush with 0 lines']);
    expect(logger.lines.filter((l) => l.msg.startsWith('risk ')).map((l) => [l.msg, l.fields?.['market'], l.fields?.['check']])).toEqual([
      ['risk approved', 'm1', 'approved'],
      ['risk rejected', 'm1', 'invalid_signal'],
      ['risk approved', 'm2', 'approved'],
    ]);
  });

  it('a caller that never yields does not pile decision lines up: past 1000 pending they are written at once', () => {
    const { rm, logger } = setup();
    for (let i = 0; i < 1_001; i++) rm.validateTrade(signal({ price: 0 }));
    expect(logger.lines.filter((l) => l.msg === 'risk rejected')).toHaveLength(1_000);
  });

  it("on a 0.01 market the Kelly size keeps its hundredths; on a whole-contract market it is rounded down", () => {
    const { rm, view } = setup();
    view.infos.set('m1', info('m1', { minQty: contracts(0.01) }));
    expect(rm.validateTrade(signal({ quantity: contracts(500) })).signal?.quantity).toBe(contracts(82.72));
    // asked 7.5 on the 0.01 market: below every limit, unchanged
    expect(rm.validateTrade(signal({ quantity: contracts(7.5) })).signal?.quantity).toBe(contracts(7.5));
    expect(rm.validateTrade(signal({ marketSlug: 'm2', quantity: contracts(500) })).signal?.quantity).toBe(contracts(82));
  });

  it('leaves a signal below every limit unchanged (never raises a quantity)', () => {
    const { rm } = setup();
    const s = signal({ quantity: contracts(7) });
    expect(rm.validateTrade(s).signal).toBe(s);
  });

  it('rejects malformed signals', () => {
    const { rm } = setup();
    expect(rm.validateTrade(signal({ price: 0 })).check).toBe('invalid_signal');
    expect(rm.validateTrade(signal({ price: 505_000 })).check).toBe('invalid_signal'); // off the 0.01 tick
    expect(rm.validateTrade(signal({ quantity: 1.5 })).check).toBe('invalid_signal');
    expect(rm.validateTrade(signal({ fairProbability: Number.NaN })).check).toBe('invalid_signal');
  });

  it('1. circuit breaker: a day loss at the limit blocks opening trades', () => {
    const { rm, view, metrics } = setup();
    view.pnl = { realized: -40 * USD, unrealized: -10 * USD };
    const d = rm.validateTrade(signal());
    expect(d).toMatchObject({ approved: false, check: 'circuit_breaker' });
    expect(metrics.counter('risk.decision', { check: 'circuit_breaker', strategy: 'statistical_edge' })).toBe(1);
  });

  it('1. circuit breaker: a tripped breaker refuses without working out the PnL, with one shared decision per verdict', () => {
    const { rm, view, breaker, metrics } = setup();
    let pnlReads = 0;
    const pnl = view.dailyPnl.bind(view);
    view.dailyPnl = () => {
      pnlReads++;
      return pnl();
    };
    view.pnl = { realized: -50 * USD, unrealized: 0 };
    const first = rm.validateTrade(signal());
    expect(pnlReads).toBe(1);
    expect(first).toEqual({ approved: false, check: 'circuit_breaker', reason: `circuit breaker tripped: ${breaker.state().tripReason}` });
    view.pnl = { realized: 0, unrealized: 0 };
    const second = rm.validateTrade(signal({ marketSlug: 'm2' }));
    expect(pnlReads).toBe(1);
    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
    expect(metrics.counter('risk.decision', { check: 'circuit_breaker', strategy: 'statistical_edge' })).toBe(2);
    breaker.engageKillSwitch('operator');
    expect(rm.validateTrade(signal())).toEqual({ approved: false, check: 'circuit_breaker', reason: 'kill switch on: operator' });
    breaker.releaseKillSwitch();
    breaker.resetDaily();
    expect(rm.validateTrade(signal({ quantity: contracts(5) })).approved).toBe(true);
    expect(pnlReads).toBe(2);
  });

  it('1. circuit breaker: reducing trades still pass a tripped breaker, but not the kill switch', () => {
    const { rm, view, breaker } = setup();
    view.setPosition('m1', 'YES', contracts(20), 500_000);
    breaker.trip('loss');
    const d = rm.validateTrade(signal({ action: 'SELL_YES', quantity: contracts(50), price: 400_000 }));
    expect(d).toMatchObject({ approved: true });
    expect(d.signal?.quantity).toBe(contracts(20));
    breaker.engageKillSwitch('operator');
    expect(rm.validateTrade(signal({ action: 'SELL_YES', quantity: contracts(5) })).check).toBe('circuit_breaker');
  });

  it('2. position limit: rejects when the market is at its limit', () => {
    const { rm, view } = setup();
    view.setPosition('m1', 'YES', contracts(200), 500_000); // 100 USD at risk
    expect(rm.validateTrade(signal())).toMatchObject({ approved: false, check: 'position_limit' });
  });

  it('2. position limit: clamps to the remaining per-market room', () => {
    const { rm, view } = setup();
    view.setPosition('m1', 'YES', contracts(190), 500_000); // 95 USD: 5 USD left = 10 contracts at 0.50
    const d = rm.validateTrade(signal({ quantity: contracts(50) }));
    expect(d.signal?.quantity).toBe(contracts(10));
    expect(d.reason).toContain('max_position_per_market');
  });

  it('2. position limit: the NO side costs 1 − price', () => {
    const { rm, view } = setup();
    view.setPosition('m1', 'NO', contracts(100), 900_000); // 90 USD at risk if YES
    // BUY_NO at long price 0.80 costs 0.20: 10 USD left = 50 contracts
    const d = rm.validateTrade(signal({ action: 'BUY_NO', price: 800_000, fairProbability: 0.5, quantity: contracts(500) }));
    expect(d.signal?.quantity).toBe(contracts(50));
  });

  it('2. position limit: the strategy max_position caps its exposure in a market', () => {
    const { rm } = setup({}, { live_arbitrage: 20 * USD });
    const d = rm.validateTrade(signal({ strategyName: 'live_arbitrage', quantity: contracts(500) }));
    expect(d.signal?.quantity).toBe(contracts(40));
    expect(d.reason).toContain('live_arbitrage.max_position');
  });

  it('2. position limit: the portfolio limit counts every market', () => {
    const { rm, view } = setup({ maxPortfolioExposure: 150 * USD, maxCorrelatedExposure: 150 * USD });
    view.setPosition('m2', 'YES', contracts(200), 500_000); // 100
    view.setPosition('m3', 'YES', contracts(100), 450_000); // 45 → 145: 5 USD left
    expect(rm.validateTrade(signal({ quantity: contracts(50) })).signal?.quantity).toBe(contracts(10));
    view.setPosition('m3', 'YES', contracts(100), 500_000); // 150
    expect(rm.validateTrade(signal())).toMatchObject({ approved: false, check: 'position_limit' });
  });

  it('3. correlation: markets of the same game count together', () => {
    const { rm, view } = setup({ maxCorrelatedExposure: 120 * USD });
    view.games.set('g1', game('g1', 'Lakers', 'Celtics'));
    view.fixtures.set('m1', 'g1');
    view.fixtures.set('m2', 'g1');
    view.setPosition('m2', 'YES', contracts(200), 500_000); // 100 in g1
    const d = rm.validateTrade(signal({ quantity: contracts(500) }));
    expect(d.signal?.quantity).toBe(contracts(40)); // 20 USD left / 0.50
    expect(d.reason).toContain('max_correlated_exposure');
    view.setPosition('m2', 'YES', contracts(240), 500_000); // 120
    expect(rm.validateTrade(signal())).toMatchObject({ approved: false, check: 'correlation' });
  });

  it('3. correlation: markets of the same team across games count together', () => {
    const { rm, view } = setup({ maxCorrelatedExposure: 100 * USD });
    view.games.set('g1', game('g1', 'Lakers', 'Celtics'));
    view.games.set('g2', game('g2', 'Suns', 'lakers '));
    view.fixtures.set('m1', 'g1');
    view.fixtures.set('m3', 'g2');
    view.setPosition('m3', 'NO', contracts(200), 500_000); // 100 USD: the Lakers group is full
    const d = rm.validateTrade(signal());
    expect(d).toMatchObject({ approved: false, check: 'correlation' });
    expect(d.reason).toContain('team:lakers');
    // an unrelated market is not held back
    expect(rm.validateTrade(signal({ marketSlug: 'm4' })).approved).toBe(true);
  });

  it('4. Kelly: no edge at the price → rejected', () => {
    const { rm } = setup();
    expect(rm.validateTrade(signal({ fairProbability: 0.45 }))).toMatchObject({ approved: false, check: 'kelly' });
    expect(rm.validateTrade(signal({ action: 'BUY_NO', fairProbability: 0.55 }))).toMatchObject({ approved: false, check: 'kelly' });
  });

  it('4. Kelly: sizes on the edge net of the fee — a maker rebate sizes up, a fee that eats the edge sizes nothing', () => {
    const { rm } = setup();
    // Post-only: K = 0.50 − rebate 0.003125 = 0.496875, net edge 0.103125 → 103.1 → 103 contracts.
    expect(rm.validateTrade(signal({ quantity: contracts(500), postOnly: true, timeInForce: 'GTC' })).signal?.quantity).toBe(contracts(103));
    // p 0.51 at 0.50: a gross edge of 0.01 is less than the taker fee 0.017375.
    const d = rm.validateTrade(signal({ fairProbability: 0.51 }));
    expect(d).toMatchObject({ approved: false, check: 'kelly' });
    expect(d.reason).toContain('fee of 17375 micros per contract (net edge -7375 micros)');
    // …but a maker earning the rebate still has an edge there.
    expect(rm.validateTrade(signal({ fairProbability: 0.51, postOnly: true, timeInForce: 'GTC' })).approved).toBe(true);
  });

  it('4. Kelly: uses the market\'s own fee coefficient from the fee model', () => {
    const view = new FakeRiskView();
    view.infos.set('m1', info('m1'));
    const clock = new ManualClock(0);
    const fees = new ScheduleFeeModel({ defaults: { takerThetaPpm: 69_500, makerThetaPpm: 12_500 }, overrides: [] }, () => ({ feeCoefficientPpm: 400_000 }));
    const rm = new RiskManager({ limits: LIMITS, view, breaker: new CircuitBreaker({ maxDailyLoss: 50 * USD, clock }), fees, now: () => clock.now() });
    // Θ 0.40: fee 0.10 per contract at 0.50 eats the whole 0.10 edge of p 0.60.
    expect(rm.validateTrade(signal())).toMatchObject({ approved: false, check: 'kelly' });
  });

  it('5. minimum size: a Kelly size worth less than min_trade_size is rejected', () => {
    const { rm, view } = setup();
    view.bank = 15 * USD; // Kelly: 0.25 × 0.082625 × 15 / (0.517375 × 0.482625) = 1.24 → 1 contract = 0.50 USD < 1 USD
    expect(rm.validateTrade(signal())).toMatchObject({ approved: false, check: 'min_size' });
  });

  it('5. minimum size: a trade clamped below min_trade_size is rejected', () => {
    const { rm, view } = setup();
    view.setPosition('m1', 'YES', contracts(199), 500_000); // 99.5 USD: 1 contract at 0.50 = 0.50 USD
    const d = rm.validateTrade(signal());
    expect(d).toMatchObject({ approved: false, check: 'min_size' });
    expect(d.reason).toContain('after clamping to max_position_per_market');
  });

  it('a replaced order does not count against the limits', () => {
    const { rm, view } = setup();
    const o = view.submit(signal({ quantity: contracts(190) })); // 95 USD resting
    expect(rm.validateTrade(signal({ quantity: contracts(50) })).signal?.quantity).toBe(contracts(10));
    expect(rm.validateTrade(signal({ quantity: contracts(50), replacesOrderId: o.orderId! })).signal?.quantity).toBe(contracts(50));
  });

  it('a reducing trade with nothing to reduce is rejected; open reducing orders are counted', () => {
    const { rm, view } = setup();
    expect(rm.validateTrade(signal({ action: 'SELL_YES' }))).toMatchObject({ approved: false, check: 'position_limit' });
    view.setPosition('m1', 'YES', contracts(10), 500_000);
    view.submit(signal({ action: 'SELL_YES', quantity: contracts(6) }));
    expect(rm.validateTrade(signal({ action: 'SELL_YES', quantity: contracts(10) })).signal?.quantity).toBe(contracts(4));
    expect(rm.validateTrade(signal({ action: 'SELL_NO', quantity: contracts(10) })).approved).toBe(false);
  });

  it('reducing trades pass exposure limits', () => {
    const { rm, view } = setup({ maxPortfolioExposure: 100 * USD, maxCorrelatedExposure: 100 * USD });
    view.setPosition('m1', 'NO', contracts(300), 500_000); // 150 USD at risk: over every limit
    expect(rm.validateTrade(signal({ action: 'SELL_NO', quantity: contracts(300), price: 600_000 })).approved).toBe(true);
  });
});

describe('RiskManager.validateTrade: order of the checks', () => {
  it('circuit breaker before position limit before correlation before Kelly before min size', () => {
    const { rm, view, breaker } = setup({ maxCorrelatedExposure: 100 * USD, maxPositionPerMarket: 100 * USD });
    view.games.set('g1', game('g1', 'A', 'B'));
    view.fixtures.set('m1', 'g1');
    view.fixtures.set('m2', 'g1');
    view.setPosition('m2', 'YES', contracts(200), 500_000); // correlated group full
    view.bank = 15 * USD; // Kelly: 1 contract = 0.50 USD, below min size
    const bad = signal({ fairProbability: 0.4 }); // and there is no edge
    view.setPosition('m1', 'YES', contracts(200), 500_000); // market full
    breaker.trip('test');
    expect(rm.validateTrade(bad).check).toBe('circuit_breaker');
    breaker.resetDaily();
    expect(rm.validateTrade(bad).check).toBe('position_limit');
    view.positions.delete('m1');
    expect(rm.validateTrade(bad).check).toBe('correlation');
    view.positions.delete('m2');
    expect(rm.validateTrade(bad).check).toBe('kelly');
    expect(rm.validateTrade(signal()).check).toBe('min_size');
    view.bank = 1_000 * USD;
    expect(rm.validateTrade(signal()).check).toBe('approved');
  });
});
