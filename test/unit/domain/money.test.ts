import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CENT,
  MoneyFormatError,
  divRoundHalfEven,
  formatMicros,
  parseMicros,
  roundHalfEven,
  usdToMicros,
} from '../../../shared/domain/money.js';

describe('money', () => {
  it('parses decimal strings exactly', () => {
    expect(parseMicros('0.55')).toBe(550_000);
    expect(parseMicros('0.1')).toBe(100_000);
    expect(parseMicros('12')).toBe(12_000_000);
    expect(parseMicros('-3.000001')).toBe(-3_000_001);
    expect(parseMicros('0.5500000')).toBe(550_000);
  });

  it('rejects what it cannot represent exactly', () => {
    expect(() => parseMicros('0.1234567')).toThrow(MoneyFormatError);
    expect(() => parseMicros('1e3')).toThrow(MoneyFormatError);
    expect(() => parseMicros('')).toThrow(MoneyFormatError);
    expect(() => parseMicros('0x10')).toThrow(MoneyFormatError);
  });

  it('formats with at least two decimals and no needless zeros', () => {
    expect(formatMicros(550_000)).toBe('0.55');
    expect(formatMicros(1_000_000)).toBe('1.00');
    expect(formatMicros(1_234)).toBe('0.001234');
    expect(formatMicros(-20_000)).toBe('-0.02');
  });

  it('round-trips every micros value through its string', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (m) => {
        expect(parseMicros(formatMicros(m))).toBe(m);
      }),
    );
  });

  it('converts configuration numbers without float error', () => {
    expect(usdToMicros(0.1 + 0.2)).toBe(300_000);
    expect(usdToMicros(100)).toBe(100_000_000);
  });

  it('rounds half to even', () => {
    expect(divRoundHalfEven(5n, 2n)).toBe(2n);
    expect(divRoundHalfEven(7n, 2n)).toBe(4n);
    expect(divRoundHalfEven(-5n, 2n)).toBe(-2n);
    expect(roundHalfEven(15_000, CENT)).toBe(20_000);
    expect(roundHalfEven(25_000, CENT)).toBe(20_000);
    expect(roundHalfEven(25_001, CENT)).toBe(30_000);
  });
});
