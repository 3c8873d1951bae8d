import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMicros, parseMicros } from '../../../shared/domain/money.js';
import { parseQuantity } from '../../../shared/domain/quantity.js';
import { fastHundredthsIn, fastInt, fastMicros } from '../../../shared/venue/fast-decimal.js';

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

describe('fastHundredthsIn', () => {
  const of = (t: string) => fastHundredthsIn(`"${t}"`, 1, t.length + 1);
  it('reads whole and decimal quantities in hundredths', () => {
    expect(of('12')).toBe(1200);
    expect(of('0.50')).toBe(50);
    expect(of('1.5')).toBe(150);
    expect(of('1.500')).toBe(150);
    expect(of('007.01')).toBe(701);
    expect(of('0')).toBe(0);
  });
  it('rejects what parseQuantity would round or refuse, and signs', () => {
    for (const bad of ['', '.', '.5', '5.', '1.005', '-1', '+1', '1e2', ' 1', '1,5', '99999999999999999', '0'.repeat(33)]) expect(of(bad), bad).toBeNaN();
  });
  it("is parseQuantity's answer for every text it takes (property)", () => {
    const text = fc.oneof(
      fc.stringMatching(/^[0-9]{1,18}(\.[0-9]{0,5})?$/),
      fc.stringMatching(/^[-+]?[0-9.e]{0,12}$/),
      fc.tuple(fc.nat(), fc.nat(99), fc.nat(4)).map(([w, f, z]) => `${w}.${String(f).padStart(2, '0')}${'0'.repeat(z)}`),
    );
    let taken = 0;
    fc.assert(
      fc.property(text, (t) => {
        const fast = of(t);
        if (Number.isNaN(fast)) return;
        taken++;
        const q = parseQuantity(t, 'up');
        expect(q).not.toBeNull();
        expect(q?.rounded).toBe(false);
        expect(fast).toBe(q?.qty);
      }),
      { numRuns: 3_000 },
    );
    expect(taken).toBeGreaterThan(500);
  });
});
