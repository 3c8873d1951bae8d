/** parseQuantity (exact decimal quantities, rounding per field) and WireDrift (unknown enum values, rounding). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../shared/domain/quantity.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { WireDrift } from '../../../shared/venue/wire-drift.js';

describe('parseQuantity', () => {
  it('reads decimal strings, numbers and Amount-like objects exactly, in hundredths of a contract', () => {
    expect(parseQuantity('19.6000')).toEqual({ qty: 1960, exact: '19.6', rounded: false });
    expect(parseQuantity('0012')).toEqual({ qty: 1200, exact: '12', rounded: false });
    expect(parseQuantity('12.000')).toEqual({ qty: 1200, exact: '12', rounded: false });
    expect(parseQuantity(0.5)).toEqual({ qty: 50, exact: '0.5', rounded: false });
    expect(parseQuantity(0.3)).toEqual({ qty: 30, exact: '0.3', rounded: false });
    expect(parseQuantity({ value: '0.50', currency: 'USD' })).toEqual({ qty: 50, exact: '0.5', rounded: false });
    expect(parseQuantity('-0')).toEqual({ qty: 0, exact: '0', rounded: false });
    // 0.1 + 0.2 style binary noise never appears: the text is the value (finer than 0.01: rounded, reported).
    expect(parseQuantity('0.30000000000000004')).toEqual({ qty: 30, exact: '0.30000000000000004', rounded: true });
  });

  it('rounds what is finer than 0.01 as asked: toward zero (the venue), down, up', () => {
    expect(parseQuantity('0.015')?.qty).toBe(1);
    expect(parseQuantity('-2.505', 'toward_zero')?.qty).toBe(-250);
    expect(parseQuantity('-2.505', 'down')?.qty).toBe(-251);
    expect(parseQuantity('-2.505', 'up')?.qty).toBe(-250);
    expect(parseQuantity('2.505', 'up')?.qty).toBe(251);
    expect(parseQuantity('2.505', 'down')?.qty).toBe(250);
    expect(parseQuantity('0.001', 'up')?.qty).toBe(1);
    expect(parseQuantity('2.5', 'up')).toEqual({ qty: 250, exact: '2.5', rounded: false });
  });

  it('refuses what is not a plain decimal', () => {
    for (const v of ['', ' 1', '1e3', '1.', '.5', 'abc', '9007199254740993', '1'.repeat(41), NaN, Infinity, 1e21, null, [], {}, { value: {} }, true]) {
      expect(parseQuantity(v), String(v)).toBeNull();
    }
  });

  it('property: qty is within 0.01 of the exact value, on the side asked, and never throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 9999 }), (i, f) => {
        const text = `${i}.${String(f).padStart(4, '0')}`;
        const exactTenThousandths = i * 10_000 + (i < 0 || Object.is(i, -0) ? -f : f);
        const down = parseQuantity(text, 'down')!;
        const up = parseQuantity(text, 'up')!;
        const tz = parseQuantity(text, 'toward_zero')!;
        expect(down.qty * 100).toBeLessThanOrEqual(exactTenThousandths);
        expect(up.qty * 100).toBeGreaterThanOrEqual(exactTenThousandths);
        expect(Math.abs(tz.qty * 100)).toBeLessThanOrEqual(Math.abs(exactTenThousandths));
        expect(up.qty - down.qty).toBe(f % 100 === 0 ? 0 : 1);
        expect(down.rounded).toBe(f % 100 !== 0);
      }),
    );
    fc.assert(fc.property(fc.anything(), (v) => void parseQuantity(v)));
  });
});

describe('WireDrift', () => {
  it('returns known values, reports unknown ones once in the log and counts every occurrence', () => {
    const metrics = new MetricsRegistry();
    const logger = new MemoryLogger();
    const d = new WireDrift({ metrics, logger });
    const allowed = ['A', 'B'] as const;
    expect(d.readEnum('f', allowed, 'A')).toBe('A');
    expect(d.readEnum('f', allowed, undefined)).toBeNull();
    expect(d.readEnum('f', allowed, null)).toBeNull();
    for (let i = 0; i < 3; i++) expect(d.readEnum('f', allowed, 'C')).toBeNull();
    expect(d.readEnum('g', allowed, 'C')).toBeNull();
    expect(d.readEnum('f', allowed, 7)).toBeNull();
    expect(metrics.counter('venue.unknown_enum', { field: 'f', value: 'C' })).toBe(3);
    expect(metrics.counter('venue.unknown_enum', { field: 'g', value: 'C' })).toBe(1);
    expect(metrics.counter('venue.unknown_enum', { field: 'f', value: '7' })).toBe(1);
    expect(metrics.counter('venue.unknown_enum.distinct', { field: 'f' })).toBe(2);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(3);
    expect(d.unknownSeen()).toContainEqual({ field: 'f', value: 'C', count: 3 });
    // Prototype names are values like any other.
    expect(d.readEnum('f', allowed, 'constructor')).toBeNull();
  });

  it('bounds metric cardinality: past maxDistinct, values are reported as (other)', () => {
    const metrics = new MetricsRegistry();
    const d = new WireDrift({ metrics, maxDistinct: 2 });
    for (const v of ['x1', 'x2', 'x3', 'x4']) d.unknownEnum('f', v);
    expect(metrics.counter('venue.unknown_enum', { field: 'f', value: '(other)' })).toBe(2);
    expect(d.unknownSeen()).toHaveLength(2);
  });

  it('counts rounded quantities per field and logs each field once', () => {
    const metrics = new MetricsRegistry();
    const logger = new MemoryLogger();
    const d = new WireDrift({ metrics, logger });
    d.rounded('book.qty', '0.505', 51);
    d.rounded('book.qty', '2.501', 251);
    expect(metrics.counter('venue.quantity_rounded', { field: 'book.qty' })).toBe(2);
    expect(logger.lines).toHaveLength(1);
  });
});
