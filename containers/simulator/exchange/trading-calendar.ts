/**
 * The venue's trading calendar (docs/venue-rules.md, "Trading hours and maintenance"): nearly 24/7 with a weekly
 * maintenance window, Thursday 02:00–06:00 America/New_York, during which markets are halted. Pure: the caller
 * gives the time. The local time comes from Intl, so daylight saving is the time zone database's.
 */

export interface MaintenanceWindow {
  /** Day of the week in `timeZone`: 0 Sunday … 4 Thursday … 6 Saturday. */
  weekday: number;
  /** Start and end, minutes after local midnight (start inclusive, end exclusive). */
  startMinute: number;
  endMinute: number;
  /** IANA time zone of the window. */
  timeZone: string;
}

export const WEEKLY_MAINTENANCE: MaintenanceWindow = Object.freeze({
  weekday: 4,
  startMinute: 2 * 60,
  endMinute: 6 * 60,
  timeZone: 'America/New_York',
});

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Refuses a window that cannot be meant, naming the field. */
export function validateMaintenanceWindow(w: MaintenanceWindow): MaintenanceWindow {
  if (!Number.isInteger(w.weekday) || w.weekday < 0 || w.weekday > 6) throw new RangeError(`maintenance.weekday must be 0 (Sunday) … 6, got ${w.weekday}`);
  const minuteOk = (m: number): boolean => Number.isInteger(m) && m >= 0 && m <= 24 * 60;
  if (!minuteOk(w.startMinute) || !minuteOk(w.endMinute) || w.endMinute <= w.startMinute) {
    throw new RangeError(`maintenance.startMinute/endMinute must be minutes of the day with start < end, got ${w.startMinute}..${w.endMinute}`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: w.timeZone });
  } catch {
    throw new RangeError(`maintenance.timeZone is not a known IANA time zone: ${w.timeZone}`);
  }
  return w;
}

export class TradingCalendar {
  private readonly format: Intl.DateTimeFormat;
  private cachedMinute = Number.NaN;
  private cachedValue = false;

  constructor(private readonly window: MaintenanceWindow) {
    validateMaintenanceWindow(window);
    this.format = new Intl.DateTimeFormat('en-US', { timeZone: window.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }

  /** True while the weekly maintenance window is in force at `nowMs`. */
  inMaintenance(nowMs: number): boolean {
    const minute = Math.floor(nowMs / 60_000);
    if (minute === this.cachedMinute) return this.cachedValue;
    let weekday = -1;
    let hour = 0;
    let min = 0;
    for (const part of this.format.formatToParts(new Date(nowMs))) {
      if (part.type === 'weekday') weekday = WEEKDAYS.indexOf(part.value);
      else if (part.type === 'hour') hour = Number(part.value) % 24;
      else if (part.type === 'minute') min = Number(part.value);
    }
    const local = hour * 60 + min;
    this.cachedMinute = minute;
    this.cachedValue = weekday === this.window.weekday && local >= this.window.startMinute && local < this.window.endMinute;
    return this.cachedValue;
  }
}
