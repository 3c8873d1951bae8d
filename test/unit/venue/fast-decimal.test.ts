import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMicros, parseMicros } from '../../../shared/domain/money.js';
import { fastInt, fastMicros } from '../../../shared/venue/fast-decimal.js';

describe('fastMicros', () => {
  it('parses plain decimals exactly', () => {
    expect(fastMicros('0.55')).toBe(550_000);
    expect(fastMicros('0.5')).toBe(500_000);
    expect(fastMicros('1')).toBe(1_000_000);
    expect(fastMicros('0.000001')).toBe(1);
    expect(fastMicros('0.1200000')).toBe(120_000);
    expect(fastMicros('-1.25')).toBe(-1_250_000);
    expect(fastMicros('123456.789')).toBe(123_456_789_000);
  });

  it('returns NaN for anything that is not a plain decimal or would lose precision', () => {
    for (const bad of ['', '-', '.5', '5.', '1e3', ' 1', '1 ', '0x10', '0.0000001', '1,5', 'NaN', '--1', '1.2.3', '1234567890.1']) {
      expect(fastMicros(bad), bad).toBeNaN();
    }
  });

  it('agrees with parseMicros on every micros value (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999_999, max: 999_999_999_999 }), fc.integer({ min: 0, max: 6 }), (m, minDec) => {
        const text = formatMicros(m, minDec);
        expect(fastMicros(text)).toBe(parseMicros(text));
      }),
    );
  });
});

describe('fastInt', () => {
  it('accepts integers as numbers or strings', () => {
    expect(fastInt('12')).toBe(12);
    expect(fastInt(12)).toBe(12);
    expect(fastInt('-3')).toBe(-3);
    expect(fastInt('7.00')).toBe(7);
  });
  it('rejects fractions and junk', () => {
    for (const bad of ['1.5', '', 'a', '1e2', 1.5, null, undefined, {}, '12.', NaN]) expect(fastInt(bad)).toBeNaN();
  });
});
