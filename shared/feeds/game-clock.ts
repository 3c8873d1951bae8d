/**
 * Regulation structure per sport/league (periods and their length), used to turn a provider's period + clock
 * into seconds remaining, and by the win-probability model to turn seconds into a fraction of the game.
 */

export interface RegulationFormat {
  /** Periods in regulation (4 quarters, 2 halves). */
  periods: number;
  /** Length of one regulation period, seconds. */
  periodSeconds: number;
  /** Length of one overtime period, seconds. */
  overtimeSeconds: number;
  /** Display prefix of a period: "Q" (quarter) or "H" (half). */
  periodLabel: 'Q' | 'H' | 'P';
}

const FORMATS: Record<string, RegulationFormat> = {
  'basketball/nba': { periods: 4, periodSeconds: 720, overtimeSeconds: 300, periodLabel: 'Q' },
  'basketball/wnba': { periods: 4, periodSeconds: 600, overtimeSeconds: 300, periodLabel: 'Q' },
  'basketball/ncaab': { periods: 2, periodSeconds: 1200, overtimeSeconds: 300, periodLabel: 'H' },
  'basketball/ncaaw': { periods: 4, periodSeconds: 600, overtimeSeconds: 300, periodLabel: 'Q' },
  'basketball/euroleague': { periods: 4, periodSeconds: 600, overtimeSeconds: 300, periodLabel: 'Q' },
  'football/nfl': { periods: 4, periodSeconds: 900, overtimeSeconds: 600, periodLabel: 'Q' },
  // College overtime is untimed; one NFL-length period stands in for it in the time model.
  'football/ncaaf': { periods: 4, periodSeconds: 900, overtimeSeconds: 600, periodLabel: 'Q' },
  'football/cfl': { periods: 4, periodSeconds: 900, overtimeSeconds: 600, periodLabel: 'Q' },
};

const SPORT_DEFAULTS: Record<string, RegulationFormat> = {
  basketball: FORMATS['basketball/nba'] as RegulationFormat,
  football: FORMATS['football/nfl'] as RegulationFormat,
};

/** The regulation format of a sport/league, or null when unknown (then no seconds-remaining is derived). */
export function regulationFor(sport: string, league?: string | null): RegulationFormat | null {
  const s = sport.trim().toLowerCase();
  const l = (league ?? '').trim().toLowerCase();
  return own(FORMATS, `${s}/${l}`) ?? own(SPORT_DEFAULTS, s) ?? null;
}

/** Own keys only: a provider's sport named `__proto__` or `constructor` must not find Object.prototype's members. */
function own(table: Record<string, RegulationFormat>, key: string): RegulationFormat | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function regulationSeconds(f: RegulationFormat): number {
  return f.periods * f.periodSeconds;
}

/**
 * Seconds left: in regulation (periods ≤ f.periods) the rest of the current period plus the later periods; in
 * overtime the seconds left in the current overtime period. Null when period or clock is unknown.
 */
export function secondsRemainingOf(f: RegulationFormat, period: number, clockSeconds: number | null): number | null {
  if (clockSeconds === null || !Number.isFinite(clockSeconds) || period < 1) return null;
  const clock = Math.max(0, clockSeconds);
  if (period > f.periods) return Math.min(clock, f.overtimeSeconds);
  return (f.periods - period) * f.periodSeconds + Math.min(clock, f.periodSeconds);
}

export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The seed's display form: "Q3 07:42", "H2 12:00", "OT1 03:10"; without a clock just "Q3". */
export function periodLabel(f: RegulationFormat | null, period: number): string {
  if (f && period > f.periods) return `OT${period - f.periods}`;
  return `${f?.periodLabel ?? 'P'}${period}`;
}
