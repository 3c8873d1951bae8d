import { describe, expect, it } from 'vitest';
import { MemoryParameterStore } from '../../../shared/aws/parameter-store.js';
import type { TradingMode } from '../../../shared/config/schema.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { AlarmMetricsReporter, isAlarmingRestError } from '../../../containers/bot/controls/alarm-metrics-reporter.js';
import { createControlHandler } from '../../../containers/bot/controls/control-handlers.js';
import { parseControlMessage, parseOddsUpdateMessage } from '../../../shared/messages/queue-messages.js';
import { RuntimeControls, type ControllableEngine } from '../../../containers/bot/controls/runtime-controls.js';
import { oddsUpdateFromConsensus } from '../../../functions/odds-poller/messages.js';
import type { DailyResetControlMessage } from '../../../functions/daily-reset/daily-reset.js';
import { contracts } from '../../../shared/domain/quantity.js';

class FakeEngine implements ControllableEngine {
  m: TradingMode = 'paper';
  kill = false;
  calls: string[] = [];
  readonly breaker = { isKillSwitchOn: () => this.kill };
  mode(): TradingMode {
    return this.m;
  }
  async setMode(mode: TradingMode): Promise<void> {
    this.calls.push(`mode:${mode}`);
    this.m = mode;
  }
  async setKillSwitch(on: boolean): Promise<void> {
    this.calls.push(`kill:${on}`);
    this.kill = on;
  }
  resetDay(): void {
    this.calls.push('reset');
  }
}

const names = { tradingModeParameter: '/t/mode', killSwitchParameter: '/t/kill' };

function controls(params: Record<string, string>) {
  const engine = new FakeEngine();
  const store = new MemoryParameterStore(params);
  const metrics = new MetricsRegistry();
  const changed: TradingMode[] = [];
  const c = new RuntimeControls({ engine, parameters: store, ...names, logger: new MemoryLogger(), metrics, onModeChanged: (m) => changed.push(m) });
  return { engine, store, metrics, c, changed };
}

describe('RuntimeControls', () => {
  it('applies the kill switch first, then the mode; releases when off', async () => {
    const { engine, store, c, changed } = controls({ '/t/mode': 'live', '/t/kill': 'on' });
    await c.pollOnce();
    expect(engine.calls).toEqual(['kill:true', 'mode:live']);
    expect(changed).toEqual(['live']);
    store.set('/t/kill', 'off');
    store.set('/t/mode', 'paper');
    await c.pollOnce();
    expect(engine.calls.slice(2)).toEqual(['kill:false', 'mode:paper']);
    await c.pollOnce();
    expect(engine.calls).toHaveLength(4); // nothing changes when nothing changed
  });

  it('fails closed on a missing or invalid kill switch, keeps the mode on an invalid mode', async () => {
    const { engine, metrics, c } = controls({ '/t/mode': 'banana', '/t/kill': 'maybe' });
    await c.pollOnce();
    expect(engine.kill).toBe(true);
    expect(engine.m).toBe('paper');
    expect(metrics.counter('controls.kill_switch_invalid')).toBe(1);
  });
});

describe('control queue handling', () => {
  const setup = (kill: boolean, currentDay = '2026-03-07') => {
    const engine = new FakeEngine();
    engine.kill = kill;
    let day = currentDay;
    const metrics = new MetricsRegistry();
    const handle = createControlHandler({ engine, days: { currentDay: () => day, onNewDay: (d) => (day = d) }, logger: new MemoryLogger(), metrics, now: () => 0 });
    return { engine, handle, metrics, day: () => day };
  };
  const reset = (over: Partial<DailyResetControlMessage> = {}): DailyResetControlMessage => ({
    type: 'daily-reset',
    day: '2026-03-08',
    archivedDay: '2026-03-07',
    breakerReset: true,
    killSwitch: 'off',
    at: 1,
    ...over,
  });

  it('resets the day once; a redelivery changes nothing', () => {
    const { engine, handle, day } = setup(false);
    expect(handle(parseControlMessage(reset()))).toBe('reset');
    expect(day()).toBe('2026-03-08');
    expect(handle(parseControlMessage(reset()))).toBe('already_done');
    expect(engine.calls).toEqual(['reset']);
  });

  it('refuses the reset while the kill switch is on, and keeps a breaker the job kept tripped', () => {
    const a = setup(true);
    expect(a.handle(parseControlMessage(reset()))).toBe('refused_kill_switch');
    expect(a.engine.calls).toEqual([]);
    expect(a.metrics.counter('controls.daily_reset_refused')).toBe(1);
    const b = setup(false);
    expect(b.handle(parseControlMessage(reset({ breakerReset: false, killSwitch: 'unreadable' })))).toBe('kept_tripped');
    expect(b.engine.calls).toEqual([]);
  });

  it('parses what the functions send (contract) and refuses malformed messages', () => {
    const update = oddsUpdateFromConsensus(
      { fixtureId: 'f1', market: 'Moneyline', probabilities: { A: 0.6, B: 0.4 }, confidence: 0.9, books: 4, maxAgeMs: 1200, computedAt: 5 },
      'basketball',
      'NBA',
    );
    expect(parseOddsUpdateMessage(JSON.parse(JSON.stringify(update)))).toEqual(update);
    expect(parseControlMessage({ type: 'reconciliation', at: 1, drift: { missing_fill: 2 }, total: 2 }).type).toBe('reconciliation');
    expect(() => parseControlMessage({ type: 'daily-reset', day: 'tomorrow' })).toThrow();
    expect(() => parseOddsUpdateMessage({ ...update, confidence: 0.9 })).toThrow();
  });
});

describe('AlarmMetricsReporter', () => {
  it('derives the alarm metrics, without dimensions, from the bot registry', () => {
    let now = 0;
    const source = new MetricsRegistry();
    const lines: string[] = [];
    const r = new AlarmMetricsReporter({
      source,
      namespace: 'PmusTrader/test',
      now: () => now,
      positions: () => [{ quantity: contracts(600) }, { quantity: contracts(10) }] as never,
      maxPositionContracts: contracts(500),
      logger: new MemoryLogger(),
      exporter: { export: (reg) => lines.push(JSON.stringify(reg.snapshot())) },
    });
    source.increment('venue.http.requests', 8, { class: 'orders', status: '200' });
    source.increment('venue.http.requests', 1, { class: 'orders', status: '503' });
    source.increment('venue.http.errors', 1, { class: 'orders', kind: '503' });
    source.increment('venue.http.requests', 1, { class: 'orders', status: '404' });
    source.increment('venue.http.errors', 1, { class: 'orders', kind: '404' });
    source.increment('venue.http.errors', 1, { class: 'orders', kind: 'timeout' });
    source.gauge('venue.ws.up', 1, { channel: 'markets' });
    source.gauge('venue.ws.up', 0, { channel: 'private' });
    source.increment('venue.unknown_enum.distinct', 1, { field: 'order.state' });
    now = 1_000;
    r.sample();
    expect(r.registry.counter('venue.wire_drift')).toBe(1);
    source.increment('venue.unknown_enum.distinct', 2, { field: 'activity.type' });
    now = 46_000;
    r.onBreakerTrip();
    r.sample();
    const reg = r.registry;
    expect(reg.counter('venue.rest.requests')).toBe(11); // 10 responses + 1 timeout
    expect(reg.counter('venue.rest.errors')).toBe(2); // the 503 and the timeout, not the 404
    expect(reg.gaugeValue('venue.ws.down_seconds')).toBe(45);
    expect(reg.gaugeValue('risk.positions_over_limit')).toBe(1);
    expect(reg.counter('risk.daily_loss_limit_hit')).toBe(1);
    expect(reg.counter('venue.wire_drift')).toBe(3); // one per new (field, value), as deltas
    source.gauge('venue.ws.up', 1, { channel: 'private' });
    r.sample();
    expect(reg.gaugeValue('venue.ws.down_seconds')).toBe(0);
    expect(reg.counter('venue.rest.requests')).toBe(11); // deltas, not totals
    expect(Object.keys(reg.snapshot().counters).every((k) => !k.includes('|'))).toBe(true);
    expect(isAlarmingRestError('429')).toBe(true);
    expect(isAlarmingRestError('validation')).toBe(false);
  });
});
