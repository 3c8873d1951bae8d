/** parseQuantity (exact decimal quantities, rounding per field) and WireDrift (unknown enum values, rounding). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../shared/domain/quantity.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { WireDrift } from '../../../shared/venue/wire-drift.js';

describe('parseQuantity', () => {
  it('reads decimal strings, numbers and Amount-like objects exactly', () => {
    expect(parseQuantity('19.6000')).toEqual({ whole: 19, exact: '19.6', fractional: true });
    expect(parseQuantity('0012')).toEqual({ whole: 12, exact: '12', fractional: false });
    expect(parseQuantity('12.000')).toEqual({ whole: 12, exact: '12', fractional: false });
    expect(parseQuantity(0.5)).toEqual({ whole: 0, exact: '0.5', fractional: true });
    expect(parseQuantity({ value: '0.50', currency: 'USD' })).toEqual({ whole: 0, exact: '0.5', fractional: true });
    expect(parseQuantity('-0')).toEqual({ whole: 0, exact: '0', fractional: false });
    // 0.1 + 0.2 style binary noise never appears: the text is the value.
    expect(parseQuantity('0.30000000000000004')?.exact).toBe('0.30000000000000004');
  });

  it('rounds as asked: toward zero, down, up', () => {
    expect(parseQuantity('-2.5', 'toward_zero')?.whole).toBe(-2);
    expect(parseQuantity('-2.5', 'down')?.whole).toBe(-3);
    expect(parseQuantity('-2.5', 'up')?.whole).toBe(-2);
    expect(parseQuantity('2.5', 'up')?.whole).toBe(3);
    expect(parseQuantity('2.5', 'down')?.whole).toBe(2);
    expect(parseQuantity('0.01', 'up')?.whole).toBe(1);
  });

  it('refuses what is not a plain decimal', () => {
    for (const v of ['', ' 1', '1e3', '1.', '.5', 'abc', '9007199254740993', '1'.repeat(41), NaN, Infinity, 1e21, null, [], {}, { value: {} }, true]) {
      expect(parseQuantity(v), String(v)).toBeNull();
    }
  });

  it('property: whole is within one of the exact value, on the side asked, and never throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 9999 }), (i, f) => {
        const text = `${i}.${String(f).padStart(4, '0')}`;
        const exactTenThousandths = i * 10_000 + (i < 0 || Object.is(i, -0) ? -f : f);
        const down = parseQuantity(text, 'down')!;
        const up = parseQuantity(text, 'up')!;
        const tz = parseQuantity(text, 'toward_zero')!;
        expect(down.whole * 10_000).toBeLessThanOrEqual(exactTenThousandths);
        expect(up.whole * 10_000).toBeGreaterThanOrEqual(exactTenThousandths);
        expect(Math.abs(tz.whole * 10_000)).toBeLessThanOrEqual(Math.abs(exactTenThousandths));
        expect(up.whole - down.whole).toBe(f === 0 ? 0 : 1);
        expect(down.fractional).toBe(f !== 0);
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
    d.rounded('book.qty', '0.5', 1);
    d.rounded('book.qty', '2.5', 3);
    expect(metrics.counter('venue.quantity_rounded', { field: 'book.qty' })).toBe(2);
    expect(logger.lines).toHaveLength(1);
  });
});
