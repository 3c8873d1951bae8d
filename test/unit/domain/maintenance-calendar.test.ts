import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  VENUE_MAINTENANCE,
  inWindow,
  isKnownTimeZone,
  localTime,
  nextWindowStart,
  parseClockTime,
  windowEndsAt,
  zonedInstant,
  type WeeklyWindow,
} from '../../../shared/domain/maintenance-calendar.js';

const utc = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('weekly maintenance calendar (Thursday 02:00–06:00 America/New_York)', () => {
  it('in winter (EST, UTC−5) the window is 07:00–11:00 UTC', () => {
    // Thursday 2026-12-10
    expect(inWindow(VENUE_MAINTENANCE, utc('2026-12-10T06:59:59Z'))).toBe(false);
    expect(inWindow(VENUE_MAINTENANCE, utc('2026-12-10T07:00:00Z'))).toBe(true);
    expect(inWindow(VENUE_MAINTENANCE, utc('2026-12-10T10:59:59Z'))).toBe(true);
    expect(inWindow(VENUE_MAINTENANCE, utc('2026-12-10T11:00:00Z'))).toBe(false);
    expect(windowEndsAt(VENUE_MAINTENANCE, utc('2026-12-10T08:00:00Z'))).toBe(utc('2026-12-10T11:00:00Z'));
    // the same hours on a Wednesday are not the window
    expect(inWindow(VENUE_MAINTENANCE, utc('2026-12-09T08:00:00Z'))).toBe(false);
  });

  it('across spring-forward (Sunday 2026-03-08): the Thursday before is 07–11 UTC, the Thursday after 06–10 UTC', () => {
    expect(nextWindowStart(VENUE_MAINTENANCE, utc('2026-03-01T00:00:00Z'))).toBe(utc('2026-03-05T07:00:00Z'));
    expect(windowEndsAt(VENUE_MAINTENANCE, utc('2026-03-05T07:00:00Z'))).toBe(utc('2026-03-05T11:00:00Z'));
    expect(nextWindowStart(VENUE_MAINTENANCE, utc('2026-03-05T11:00:00Z'))).toBe(utc('2026-03-12T06:00:00Z'));
    expect(inWindow(VENUE_MAINTENANCE, utc('2026-03-12T05:59:00Z'))).toBe(false);
    expect(inWindow(VENUE_MAINTENANCE, utc('2026-03-12T06:00:00Z'))).toBe(true);
    expect(windowEndsAt(VENUE_MAINTENANCE, utc('2026-03-12T09:30:00Z'))).toBe(utc('2026-03-12T10:00:00Z'));
    expect(inWindow(VENUE_MAINTENANCE, utc('2026-03-12T10:00:00Z'))).toBe(false);
  });

  it('across fall-back (Sunday 2026-11-01): the Thursday before is 06–10 UTC, the Thursday after 07–11 UTC', () => {
    expect(nextWindowStart(VENUE_MAINTENANCE, utc('2026-10-27T00:00:00Z'))).toBe(utc('2026-10-29T06:00:00Z'));
    expect(windowEndsAt(VENUE_MAINTENANCE, utc('2026-10-29T06:00:00Z'))).toBe(utc('2026-10-29T10:00:00Z'));
    expect(nextWindowStart(VENUE_MAINTENANCE, utc('2026-10-29T10:00:00Z'))).toBe(utc('2026-11-05T07:00:00Z'));
    expect(inWindow(VENUE_MAINTENANCE, utc('2026-11-05T06:30:00Z'))).toBe(false);
    expect(windowEndsAt(VENUE_MAINTENANCE, utc('2026-11-05T07:00:00Z'))).toBe(utc('2026-11-05T11:00:00Z'));
  });

  it('a window spanning the clock change lasts what the wall clock says (Sunday 01:00–04:00 on change days)', () => {
    const sunday: WeeklyWindow = { weekday: 0, startMinute: 60, endMinute: 240, timeZone: 'America/New_York' };
    // spring forward: 01:00 EST = 06:00Z, 04:00 EDT = 08:00Z → 2 hours
    const springStart = nextWindowStart(sunday, utc('2026-03-07T12:00:00Z'));
    expect(springStart).toBe(utc('2026-03-08T06:00:00Z'));
    expect(windowEndsAt(sunday, springStart)).toBe(utc('2026-03-08T08:00:00Z'));
    // fall back: 01:00 EDT = 05:00Z, 04:00 EST = 09:00Z → 4 hours
    const fallStart = nextWindowStart(sunday, utc('2026-10-31T12:00:00Z'));
    expect(fallStart).toBe(utc('2026-11-01T05:00:00Z'));
    expect(windowEndsAt(sunday, fallStart)).toBe(utc('2026-11-01T09:00:00Z'));
    expect(inWindow(sunday, utc('2026-11-01T06:30:00Z'))).toBe(true); // 01:30 EST, the repeated hour
  });

  it('maps wall times: a skipped one to the jump, a repeated one to its first occurrence', () => {
    expect(zonedInstant(2026, 3, 8, 2 * 60 + 30, 'America/New_York')).toBe(utc('2026-03-08T07:00:00Z')); // 02:30 does not exist → 03:00 EDT
    expect(zonedInstant(2026, 11, 1, 60 + 30, 'America/New_York')).toBe(utc('2026-11-01T05:30:00Z')); // 01:30 EDT, first
    expect(zonedInstant(2026, 7, 1, 0, 'UTC')).toBe(utc('2026-07-01T00:00:00Z'));
  });

  it('agrees with the local clock at every minute (property): in the window iff the local weekday and time say so', () => {
    fc.assert(
      fc.property(fc.integer({ min: utc('2026-01-01T00:00:00Z') / MIN, max: utc('2028-01-01T00:00:00Z') / MIN }), (minute) => {
        const at = minute * MIN;
        const t = localTime(at, 'America/New_York');
        const expected = t.weekday === 4 && t.minuteOfDay >= 120 && t.minuteOfDay < 360;
        expect(inWindow(VENUE_MAINTENANCE, at)).toBe(expected);
        const next = nextWindowStart(VENUE_MAINTENANCE, at);
        expect(next).toBeGreaterThanOrEqual(at);
        expect(next - at).toBeLessThanOrEqual(7 * 86_400_000);
        expect(inWindow(VENUE_MAINTENANCE, next)).toBe(true);
        const end = windowEndsAt(VENUE_MAINTENANCE, next)!;
        expect(end - next).toBeLessThanOrEqual(4 * 3_600_000);
        expect(inWindow(VENUE_MAINTENANCE, end)).toBe(false);
        expect(inWindow(VENUE_MAINTENANCE, end - MIN)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('parses clock times and knows its zones', () => {
    expect(parseClockTime('02:00')).toBe(120);
    expect(parseClockTime('24:00')).toBe(1440);
    expect(parseClockTime('6:30')).toBe(390);
    expect(parseClockTime('25:00')).toBeNull();
    expect(parseClockTime('02:60')).toBeNull();
    expect(parseClockTime('2pm')).toBeNull();
    expect(isKnownTimeZone('America/New_York')).toBe(true);
    expect(isKnownTimeZone('America/Nowhere')).toBe(false);
  });
});
