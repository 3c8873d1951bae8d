/**
 * The exchange's weekly maintenance window (docs/venue-rules.md, "Trading hours and maintenance": Thursday
 * 02:00–06:00 America/New_York), as a pure, clock-free calendar: every function takes the instant it asks
 * about. Local wall-clock times are read in the window's IANA time zone, so the window follows daylight
 * saving (07:00–11:00 UTC in winter, 06:00–10:00 UTC in summer); a window that spans a clock change is as
 * long as the wall clock says it is (a Sunday 01:00–04:00 window on the spring-forward day lasts 2 hours).
 */

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WeeklyWindow {
  /** 0 = Sunday … 6 = Saturday, in the window's time zone. */
  weekday: number;
  /** Local start and end, minutes after midnight (start < end ≤ 1440). */
  startMinute: number;
  endMinute: number;
  /** IANA zone, e.g. America/New_York. */
  timeZone: string;
}

export const VENUE_MAINTENANCE: WeeklyWindow = Object.freeze({ weekday: 4, startMinute: 2 * 60, endMinute: 6 * 60, timeZone: 'America/New_York' });

const MINUTE = 60_000;
const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the zone is one the runtime knows (config validation). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday. */
  weekday: number;
  minuteOfDay: number;
}

/** The wall-clock date and time at an instant in a zone. */
export function localTime(atMs: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(atMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year, month, day, hour, minute } = parts as { year: number; month: number; day: number; hour: number; minute: number };
  return { year, month, day, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(), minuteOfDay: hour * 60 + minute };
}

/** The zone's offset from UTC at an instant, ms (New York in winter: −5 h). */
function offsetAt(atMs: number, timeZone: string): number {
  const t = localTime(atMs, timeZone);
  const seconds = Math.floor(atMs / 1000) % 60;
  const wall = Date.UTC(t.year, t.month - 1, t.day) + t.minuteOfDay * MINUTE + seconds * 1000;
  return wall - (atMs - (atMs % 1000));
}

/**
 * The instant a local wall-clock time occurs. A time skipped by spring-forward maps to the instant the clock
 * jumps past it (02:30 → 03:00 local); a repeated time (fall-back) to its first occurrence.
 */
export function zonedInstant(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE;
  const before = offsetAt(wall - DAY / 2, timeZone);
  const after = offsetAt(wall + DAY / 2, timeZone);
  const valid = [wall - before, wall - after].filter((c) => offsetAt(c, timeZone) === wall - c);
  if (valid.length > 0) return Math.min(...valid);
  // A skipped wall time: the first instant on the new offset, between the two readings (minute resolution).
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (offsetAt(mid, timeZone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Whether the window is in force at an instant. */
export function inWindow(w: WeeklyWindow, atMs: number): boolean {
  const t = localTime(atMs, w.timeZone);
  return t.weekday === w.weekday && t.minuteOfDay >= w.startMinute && t.minuteOfDay < w.endMinute;
}

/** The instant the window in force at `atMs` ends; null when it is not in force. */
export function windowEndsAt(w: WeeklyWindow, atMs: number): number | null {
  if (!inWindow(w, atMs)) return null;
  const t = localTime(atMs, w.timeZone);
  return zonedInstant(t.year, t.month, t.day, w.endMinute, w.timeZone);
}

/** The next instant (≥ atMs) the window begins (atMs itself when it is in force then). */
export function nextWindowStart(w: WeeklyWindow, atMs: number): number {
  if (inWindow(w, atMs)) return atMs;
  for (let k = 0; k <= 7; k++) {
    const t = localTime(atMs + k * DAY, w.timeZone);
    if (t.weekday !== w.weekday) continue;
    const start = zonedInstant(t.year, t.month, t.day, w.startMinute, w.timeZone);
    if (start > atMs) return start;
  }
  throw new Error('unreachable: a weekday recurs within 8 days');
}

/** Parses "HH:MM" (00:00–24:00) into minutes after midnight; null when malformed. */
export function parseClockTime(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}
