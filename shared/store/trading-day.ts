/**
 * The trading day is the calendar date in America/New_York (the daily circuit breaker resets at midnight New
 * York time, DST included). Days are `YYYY-MM-DD` strings, so they sort and compare as text.
 */
export const TRADING_TIME_ZONE = 'America/New_York';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The trading day (YYYY-MM-DD in `timeZone`) that contains the instant `epochMs`. */
export function tradingDayOf(epochMs: number, timeZone: string = TRADING_TIME_ZONE): string {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isTradingDay(text: string): boolean {
  const m = DAY_RE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** The calendar day `delta` days from `day` (pure date arithmetic, immune to DST). */
export function addDays(day: string, delta: number): string {
  if (!isTradingDay(day)) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + delta)).toISOString().slice(0, 10);
}
