import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, isTradingDay, tradingDayOf } from '../../../shared/store/trading-day.js';
import { dailyLossMicros } from '../../../shared/store/risk-day-repository.js';
import { tableEnvVar } from '../../../shared/store/table-definitions.js';

describe('trading day (America/New_York)', () => {
  it('switches at New York midnight, in winter and in summer', () => {
    expect(tradingDayOf(Date.UTC(2030, 0, 15, 4, 59, 59))).toBe('2030-01-14'); // 23:59:59 EST
    expect(tradingDayOf(Date.UTC(2030, 0, 15, 5, 0, 0))).toBe('2030-01-15'); // 00:00 EST
    expect(tradingDayOf(Date.UTC(2030, 6, 15, 3, 59, 59))).toBe('2030-07-14'); // 23:59:59 EDT
    expect(tradingDayOf(Date.UTC(2030, 6, 15, 4, 0, 0))).toBe('2030-07-15'); // 00:00 EDT
  });

  it('addDays is calendar arithmetic: inverse, and consistent with the day of instants 24-25 h apart', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) }), fc.integer({ min: -400, max: 400 }), (ms, n) => {
        const day = tradingDayOf(ms);
        expect(isTradingDay(day)).toBe(true);
        expect(addDays(addDays(day, n), -n)).toBe(day);
        // A New York calendar day lasts 23, 24 or 25 hours: 25 h later is always the next day or the one after,
        // and 23 h later is always this day or the next.
        const next = addDays(day, 1);
        expect([next, addDays(day, 2)]).toContain(tradingDayOf(ms + 25 * 3_600_000));
        expect([day, next]).toContain(tradingDayOf(ms + 23 * 3_600_000));
      }),
    );
  });

  it('rejects impossible dates', () => {
    expect(isTradingDay('2030-02-29')).toBe(false);
    expect(isTradingDay('2032-02-29')).toBe(true);
    expect(() => addDays('2030-13-01', 1)).toThrow(RangeError);
  });

  it('daily loss is the net realized loss, never negative', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (pnl) => {
      const loss = dailyLossMicros({ realizedPnlMicros: pnl });
      expect(loss).toBeGreaterThanOrEqual(0);
      expect(loss).toBe(pnl < 0 ? -pnl : 0);
    }));
  });

  it('table env var names are stable', () => {
    expect(tableEnvVar('riskDays')).toBe('TABLE_RISK_DAYS');
    expect(tableEnvVar('oddsSnapshots')).toBe('TABLE_ODDS_SNAPSHOTS');
    expect(tableEnvVar('orders')).toBe('TABLE_ORDERS');
  });
});
