/**
 * The registry's key cache: a counter, gauge or histogram is found under the same key whatever the order of
 * its dimensions, with values given as strings or numbers, and with one, two or more dimensions — the same
 * keys as the registry built before it had a cache (name|a=x,b=y, dimension names sorted).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { logEnabled, nullLogger, MemoryLogger } from '../../../shared/observability/logger.js';

describe('MetricsRegistry keys', () => {
  it('the same dimensions in any order count under one sorted key', () => {
    const m = new MetricsRegistry();
    m.increment('risk.decision', 1, { check: 'approved', strategy: 'market_maker' });
    m.increment('risk.decision', 2, { strategy: 'market_maker', check: 'approved' });
    m.increment('risk.decision', 1, { check: 'kelly', strategy: 'market_maker' });
    expect(m.snapshot().counters).toEqual({
      'risk.decision|check=approved,strategy=market_maker': 3,
      'risk.decision|check=kelly,strategy=market_maker': 1,
    });
    expect(m.counter('risk.decision', { strategy: 'market_maker', check: 'approved' })).toBe(3);
  });

  it('holds the uncached key for any mix of names, dimension counts and values', () => {
    const dimName = fc.constantFrom('a', 'b', 'c', 'strategy');
    const dims = fc.dictionary(dimName, fc.constantFrom('x', 'y', '1', 'z z'), { maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('n1', 'n2'), dims, fc.integer({ min: 1, max: 5 })), { maxLength: 40 }), (calls) => {
        const m = new MetricsRegistry();
        const expected = new Map<string, number>();
        for (const [name, d, by] of calls) {
          m.increment(name, by, d);
          const keys = Object.keys(d).sort();
          const key = keys.length ? `${name}|${keys.map((k) => `${k}=${d[k]}`).join(',')}` : name;
          expected.set(key, (expected.get(key) ?? 0) + by);
        }
        expect(m.snapshot().counters).toEqual(Object.fromEntries(expected));
      }),
    );
  });

  it('more frozen (dimensions, name) pairs than the hot slots, interleaved, count as fresh copies do', () => {
    const dims = fc.dictionary(fc.constantFrom('a', 'b', 'strategy'), fc.constantFrom('x', 'y', '1'), { minKeys: 1, maxKeys: 2 });
    fc.assert(
      fc.property(fc.array(dims, { minLength: 1, maxLength: 14 }), fc.array(fc.tuple(fc.constantFrom('n1', 'n2', 'n3'), fc.nat(), fc.integer({ min: 1, max: 5 })), { maxLength: 120 }), (pool, calls) => {
        const frozen = pool.map((d) => Object.freeze({ ...d }));
        const m = new MetricsRegistry();
        const reference = new MetricsRegistry();
        for (const [name, i, by] of calls) {
          const d = frozen[i % frozen.length] as Record<string, string>;
          m.increment(name, by, d);
          m.observe(name, by, d);
          reference.increment(name, by, { ...d });
          reference.observe(name, by, { ...d });
        }
        expect(m.snapshot()).toEqual(reference.snapshot());
      }),
    );
  });

  it('frozen dimension objects reused across names count as fresh copies of them do', () => {
    const dimName = fc.constantFrom('a', 'b', 'c', 'strategy');
    const dims = fc.dictionary(dimName, fc.constantFrom('x', 'y', '1'), { maxKeys: 3 });
    fc.assert(
      fc.property(fc.array(dims, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(fc.constantFrom('n1', 'n2'), fc.nat(), fc.boolean(), fc.integer({ min: 1, max: 5 })), { maxLength: 40 }), (pool, calls) => {
        const frozen = pool.map((d) => Object.freeze({ ...d }));
        const m = new MetricsRegistry();
        const reference = new MetricsRegistry();
        for (const [name, i, reuse, by] of calls) {
          const d = frozen[i % frozen.length] as Record<string, string>;
          m.increment(name, by, reuse ? d : { ...d });
          m.gauge(name, by, d);
          reference.increment(name, by, { ...d });
          reference.gauge(name, by, { ...d });
        }
        expect(m.snapshot()).toEqual(reference.snapshot());
        for (const d of frozen) for (const name of ['n1', 'n2']) expect(m.counter(name, d)).toBe(reference.counter(name, { ...d }));
      }),
    );
  });

  it('gauges and histograms use the same keys', () => {
    const m = new MetricsRegistry();
    m.gauge('g', 5, { b: '2', a: '1' });
    m.observe('h', 7, { a: '1' });
    expect(m.gaugeValue('g', { a: '1', b: '2' })).toBe(5);
    expect(m.histogram('h', { a: '1' })?.count).toBe(1);
  });
});

describe('logEnabled', () => {
  it('is false for the null logger and true for a logger that does not say', () => {
    expect(logEnabled(nullLogger, 'info')).toBe(false);
    expect(logEnabled(new MemoryLogger(), 'debug')).toBe(true);
  });
});
