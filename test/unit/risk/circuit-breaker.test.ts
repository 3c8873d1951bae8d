import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { CircuitBreaker, CircuitBreakerError } from '../../../shared/risk/circuit-breaker.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';

function make() {
  const clock = new ManualClock(1_000);
  const trips: string[] = [];
  const metrics = new MetricsRegistry();
  const b = new CircuitBreaker({ maxDailyLoss: 50_000_000, clock, metrics, onTrip: (s) => trips.push(s.tripReason ?? '') });
  return { b, clock, trips, metrics };
}

describe('CircuitBreaker', () => {
  it('counts realized plus unrealized loss and trips at the limit', () => {
    const { b, trips } = make();
    expect(b.evaluate({ realized: -30_000_000, unrealized: -19_999_999 }).allowOpening).toBe(true);
    const v = b.evaluate({ realized: -30_000_000, unrealized: -20_000_000 });
    expect(v).toMatchObject({ allowOpening: false, allowReducing: true });
    expect(v.reason).toContain('max_daily_loss');
    expect(trips).toHaveLength(1);
  });

  it('stays tripped when the loss recovers, until an explicit daily reset', () => {
    const { b, clock, trips } = make();
    b.evaluate({ realized: -60_000_000, unrealized: 0 });
    expect(b.evaluate({ realized: 10_000_000, unrealized: 0 }).allowOpening).toBe(false);
    expect(b.state().trippedAt).toBe(1_000);
    clock.advance(5_000);
    b.resetDaily();
    expect(b.evaluate({ realized: 0, unrealized: 0 }).allowOpening).toBe(true);
    expect(b.state().dayStartedAt).toBe(6_000);
    expect(trips).toHaveLength(1);
  });

  it('the kill switch blocks everything and refuses a reset', () => {
    const { b } = make();
    b.engageKillSwitch('operator');
    expect(b.evaluate({ realized: 0, unrealized: 0 })).toMatchObject({ allowOpening: false, allowReducing: false });
    expect(() => b.resetDaily()).toThrow(CircuitBreakerError);
    b.releaseKillSwitch();
    expect(b.evaluate({ realized: 0, unrealized: 0 }).allowOpening).toBe(true);
  });

  it('releasing the kill switch does not clear a loss trip', () => {
    const { b } = make();
    b.trip('manual');
    b.engageKillSwitch('operator');
    b.releaseKillSwitch();
    expect(b.verdict()).toMatchObject({ allowOpening: false, allowReducing: true });
    expect(b.state().tripReason).toBe('manual');
  });

  it('restores from a persisted state', () => {
    const { b, clock } = make();
    b.trip('loss');
    const again = new CircuitBreaker({ maxDailyLoss: 1, clock, initial: b.state() });
    expect(again.isTripped()).toBe(true);
  });

  it('a verdict is one frozen object while the state holds, and a new one with the new reason after each change', () => {
    const { b } = make();
    const open = b.evaluate({ realized: 0, unrealized: 0 });
    expect(Object.isFrozen(open)).toBe(true);
    expect(b.verdict()).toBe(open);
    b.trip('manual');
    const tripped = b.verdict();
    expect(tripped).toEqual({ allowOpening: false, allowReducing: true, reason: 'circuit breaker tripped: manual' });
    expect(b.evaluate({ realized: 0, unrealized: 0 })).toBe(tripped);
    b.engageKillSwitch('operator');
    expect(b.verdict()).toEqual({ allowOpening: false, allowReducing: false, reason: 'kill switch on: operator' });
    b.engageKillSwitch('again');
    expect(b.verdict().reason).toBe('kill switch on: again');
    b.releaseKillSwitch();
    expect(b.verdict()).toEqual(tripped);
    b.resetDaily();
    expect(b.verdict()).toEqual({ allowOpening: true, allowReducing: true, reason: 'ok' });
    b.trip('second');
    expect(b.verdict().reason).toBe('circuit breaker tripped: second');
  });

  it('reads the PnL only while not tripped (a trip holds whatever the PnL does)', () => {
    const { b } = make();
    expect(b.readsPnl()).toBe(true);
    b.engageKillSwitch('operator');
    expect(b.readsPnl()).toBe(true);
    expect(b.evaluate({ realized: -50_000_000, unrealized: 0 }).reason).toBe('kill switch on: operator');
    expect(b.isTripped()).toBe(true);
    expect(b.readsPnl()).toBe(false);
    b.releaseKillSwitch();
    b.resetDaily();
    expect(b.readsPnl()).toBe(true);
  });
});
